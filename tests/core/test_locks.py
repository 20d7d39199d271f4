"""Locked cells: edits rescale only the unlocked cells of the column; locks undo, never save."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from divtui.app.session import Session
from divtui.core.edit_text import apply_cell_text
from divtui.core.errors import DivtuiError
from divtui.core.locks import is_locked, rescale_notice, toggle_lock, with_locked_probability
from divtui.core.presets import preset
from divtui.core.scenario import Scenario
from divtui.core.scenario_file import load_scenario, save_scenario

RAIN, SNOW, SLEET, HAIL = range(4)


def two_models() -> Scenario:
    weather = preset("weather")
    return weather.with_model_copy(0)  # uniform and q2


def test_the_issue_s_example_sleet_stays_where_it_was_set() -> None:
    scenario = apply_cell_text(two_models(), SLEET, 2, ".1", weights_mode=False)
    assert scenario is not None
    scenario, notice = toggle_lock(scenario, 2, SLEET)
    assert notice.startswith("Locked q2(sleet)")
    edited = apply_cell_text(scenario, SNOW, 2, ".2", weights_mode=False)
    assert edited is not None
    q = edited.probabilities(2)
    assert q[SLEET] == pytest.approx(0.1, abs=1e-15)
    assert q[SNOW] == pytest.approx(0.2, abs=1e-15)
    # rain and hail share the remaining 0.7 in their old proportion (equal: 0.3 each before).
    assert q[RAIN] == pytest.approx(0.35, abs=1e-15) and q[HAIL] == pytest.approx(0.35, abs=1e-15)
    assert q.sum() == pytest.approx(1.0, abs=1e-15)
    assert rescale_notice(edited, 2, SNOW) == (
        "Set q2(snow) = 0.2; rescaled 2 unlocked cells (rain, hail); kept 1 locked (sleet)."
    )
    # The other model's column is not locked: its edits rescale every other cell as before.
    assert rescale_notice(edited, 1, SNOW) is None


def test_locked_cells_past_one_refuse_the_edit_with_the_reason() -> None:
    scenario = apply_cell_text(two_models(), SLEET, 2, ".6", weights_mode=False)
    assert scenario is not None
    scenario, _ = toggle_lock(scenario, 2, SLEET)
    with pytest.raises(DivtuiError, match=r"locked cells of q2 \(sleet\) hold 0\.6; with 0\.5"):
        with_locked_probability(scenario, 2, SNOW, 0.5)
    with pytest.raises(DivtuiError, match=r"q2\(sleet\) is locked: L unlocks it"):
        with_locked_probability(scenario, 2, SLEET, 0.5)
    with pytest.raises(DivtuiError, match="edit probabilities"):
        apply_cell_text(scenario, SNOW, 2, "0.5", weights_mode=True)


def test_with_every_other_cell_locked_the_cell_must_take_what_is_left() -> None:
    scenario = preset("weather")
    for row in (RAIN, SNOW, SLEET):
        scenario, _ = toggle_lock(scenario, 0, row)
    with pytest.raises(DivtuiError, match="every other cell of p is locked, so it must be 0.46"):
        with_locked_probability(scenario, 0, HAIL, 0.3)


def test_zero_unlocked_cells_share_the_rest_evenly() -> None:
    scenario = Scenario.build(["a", "b", "c", "d"], [1, 0, 0, 0], [("q", [0.25] * 4)])
    scenario, _ = toggle_lock(scenario, 1, 0)
    edited = with_locked_probability(scenario, 1, 1, 0.15)
    assert edited.probabilities(1) == pytest.approx([0.25, 0.15, 0.3, 0.3], abs=1e-15)


def test_locks_follow_their_cell_undo_and_are_never_saved(tmp_path: Path) -> None:
    scenario = two_models()
    session = Session(scenario)
    locked, _ = toggle_lock(scenario, 2, SLEET)
    session.change(locked)
    moved = locked.without_outcome(RAIN).with_outcome("fog")  # sleet is outcome 1 now
    assert is_locked(moved, 2, 1) and not is_locked(moved, 1, 1)
    assert session.undo()
    assert not session.scenario.locks
    assert session.redo()
    assert session.scenario.locks == frozenset({("q2", "sleet")})
    assert locked != scenario, "a lock is a change (the screen's reactive must see it)"
    assert np.array_equal(locked.probabilities(2), scenario.probabilities(2))
    save_scenario(locked, tmp_path / "s.toml")
    assert "lock" not in (tmp_path / "s.toml").read_text()
    assert not load_scenario(tmp_path / "s.toml").locks


def test_unlocking_gives_the_cell_back_to_rescaling() -> None:
    scenario, _ = toggle_lock(two_models(), 2, SLEET)
    scenario, notice = toggle_lock(scenario, 2, SLEET)
    assert notice == "Unlocked q2(sleet)."
    assert not scenario.locks
    edited = apply_cell_text(scenario, SNOW, 2, ".5", weights_mode=False)
    assert edited is not None
    assert edited.probabilities(2)[SLEET] == pytest.approx(0.5 / 3)
    assert np.sum(edited.probabilities(2)) == pytest.approx(1.0)
