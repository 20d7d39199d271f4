"""The session without Textual: undo, redo, open, save and unsaved changes, and its memory bound."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from divtui.app.session import Session
from divtui.core.presets import preset
from divtui.core.scenario import Scenario
from divtui.core.units import Unit


def test_the_session_module_imports_no_textual() -> None:
    code = "import sys, divtui.app.session, divtui.core.analysis; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_each_change_is_one_undo_step_and_redo_replays_it() -> None:
    start = preset("weather")
    session = Session(start)
    assert not session.can_undo and not session.has_unsaved_changes
    edited = start.with_unit(Unit.BITS)
    session.change(edited)
    assert session.scenario is edited and session.has_unsaved_changes and session.can_undo
    assert session.undo() and session.scenario is start and not session.has_unsaved_changes
    assert not session.undo()
    assert session.redo() and session.scenario is edited
    assert not session.redo()


def test_a_new_change_drops_what_was_undone() -> None:
    start = preset("weather")
    session = Session(start)
    session.change(start.with_unit(Unit.BITS))
    session.undo()
    session.change(start.with_title("Other"))
    assert not session.can_redo and session.steps == 2


def test_a_live_run_is_one_step() -> None:
    start = preset("weather")
    session = Session(start)
    session.begin_live()
    frames = [start.with_title(f"frame {i}") for i in range(5)]
    for frame in frames:
        session.change(frame)
    session.end_live()
    assert session.scenario is frames[-1] and session.steps == 2
    assert session.undo() and session.scenario is start


def test_undo_past_an_open_goes_back_to_the_file_before(tmp_path: Path) -> None:
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    weather = preset("weather")
    session = Session(weather, first)
    coin = preset("coin")
    session.opened(coin, second)
    assert session.path == second and not session.has_unsaved_changes
    session.undo()
    assert session.path == first and session.scenario is weather
    assert not session.has_unsaved_changes, "first.toml is as it was opened"
    session.redo()
    assert session.path == second and not session.has_unsaved_changes


def test_saving_makes_the_scenario_the_files_and_later_edits_unsaved(tmp_path: Path) -> None:
    weather = preset("weather")
    session = Session(weather)
    assert session.save_target() is None
    edited = weather.with_title("Mine")
    session.change(edited)
    path = tmp_path / "mine.toml"
    session.saved(edited, path)
    assert session.path == path and not session.has_unsaved_changes
    assert session.save_target() == path
    session.undo()  # back before the first save: no file yet, as it was then
    assert session.path is None and not session.has_unsaved_changes
    session.redo()
    assert session.path == path and not session.has_unsaved_changes


def _large(size: int, seed: int) -> Scenario:
    rng = np.random.default_rng(seed)
    labels = [f"t{i}" for i in range(size)]
    return Scenario.build(labels, rng.random(size), [("q", rng.random(size))])


def test_the_history_stays_within_its_budget_dropping_the_oldest_steps() -> None:
    size = 100_000
    start = _large(size, 0)
    budget = 20 * 2**20
    session = Session(start, budget=budget)
    notices = []
    scenario = start
    for step in range(30):
        scenario = scenario.with_probability(0, step, 0.001)  # a new p column each time
        notices.append(session.change(scenario))
    assert session.history_bytes() <= budget
    assert session.steps < 31, "some steps were dropped"
    dropped = [n for n in notices if n]
    assert dropped and "oldest" in dropped[0] and "20 MB" in dropped[0]
    # What is left still undoes, step by step, to the oldest kept.
    while session.undo():
        pass
    assert session.scenario is not start


def test_shared_arrays_are_counted_once() -> None:
    start = _large(10_000, 1)
    session = Session(start)
    one = session.history_bytes()
    session.change(start.with_unit(Unit.BITS))  # the same arrays, another unit
    assert session.history_bytes() < 1.5 * one
