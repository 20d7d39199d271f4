"""SVG snapshots of the what-if views: several models, a baseline, and a training run.

Update with `pytest tests/app/test_whatif_snapshots.py --snapshot-update`, then look at every
changed SVG before accepting it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from divtui.app.app import DivtuiApp
from divtui.core.logits import Objective
from divtui.core.presets import preset
from divtui.core.training import TrainingRun

from .support import main_screen

SnapCompare = Callable[..., bool]

pytestmark = pytest.mark.usefixtures("no_cursor_blink")


def test_multi_model_view(snap_compare: SnapCompare) -> None:
    app = DivtuiApp(preset("weather"))
    # Five models; q2 gets closer to p, q3 gives sleet 10 %.
    press = ["m", "m", "m", "m", "right", "right", ".", "1", "4", "enter"]
    press += ["right", "down", "down", ".", "1", "enter"]
    assert snap_compare(app, press=press, terminal_size=(120, 40))


def test_baseline_view(snap_compare: SnapCompare) -> None:
    app = DivtuiApp(preset("weather"))
    press = ["b", "right", "down", "down", ".", "1", "enter"]  # what if sleet got 10 %?
    assert snap_compare(app, press=press, terminal_size=(120, 40))


@pytest.mark.parametrize("objective", list(Objective), ids=lambda o: o.name.lower())
def test_training_chart_in_the_app(snap_compare: SnapCompare, objective: Objective) -> None:
    name = "weather" if objective is Objective.CROSS_ENTROPY else "mode-seeking"
    app = DivtuiApp(preset(name))

    async def train(pilot: Pilot[None]) -> None:
        screen = main_screen(pilot.app)
        run = TrainingRun.start(screen.scenario, 0, objective).step(25)  # deterministic
        screen.training = run
        screen.scenario = run.scenario
        await pilot.pause()

    assert snap_compare(app, run_before=train, terminal_size=(120, 40))


def test_logits_and_smoothing_view(snap_compare: SnapCompare) -> None:
    assert snap_compare(DivtuiApp(preset("label-smoothing")), terminal_size=(120, 40))
