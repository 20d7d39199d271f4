"""Training in the app: `t` animates gradient descent until KL < 1e-6, keys keep working while
it runs, and the whole run is one undo step."""

from __future__ import annotations

import numpy as np
from textual.pilot import Pilot

from divtui.app.training import PACE
from divtui.app.widgets.training_chart import TrainingChart
from divtui.core.logits import Objective

from .support import SIZE, main_screen, new_app, shown_text, wait_for


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


async def wait_until_stopped(pilot: Pilot[None], seconds: float = 60.0) -> None:
    screen = main_screen(pilot.app)
    await wait_for(pilot, lambda: not screen.trainer.running, "training to stop by itself", seconds)


def steps(pilot: Pilot[None]) -> int:
    run = main_screen(pilot.app).training
    return 0 if run is None else run.steps


async def test_training_drives_q_to_p_and_stops_by_itself_below_1e_6() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        start = screen.scenario
        await press(pilot, "greater_than_sign", "greater_than_sign", "t")  # faster, then train
        assert screen.training is not None
        chart = screen.query_one(TrainingChart)
        assert chart.display and not screen.query_one("#outcomes").display
        await wait_until_stopped(pilot)
        run = screen.training
        assert run is not None and run.converged
        assert screen.scenario.measures[0].kl < 1e-6  # in nats
        np.testing.assert_allclose(screen.scenario.models[0].q, start.p, atol=2e-3)
        assert "Minimising H(p,q)" in shown_text(chart)
        # The whole run is one undo step, and redo brings it back.
        await press(pilot, "ctrl+z")
        assert screen.scenario == start
        await press(pilot, "ctrl+y")
        assert screen.scenario == run.scenario


async def test_keys_keep_working_while_training_runs() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "less_than_sign", "t")  # slowest: one step per frame
        assert screen.trainer.running
        steps_before = screen.training.steps if screen.training else 0
        await press(pilot, "u")  # the unit changes and the run carries on in it
        assert screen.scenario.unit.value == "bits" and screen.trainer.running
        await press(pilot, "question_mark")
        assert type(pilot.app.screen).__name__ == "HelpScreen"
        await press(pilot, "escape")
        await wait_for(pilot, lambda: steps(pilot) > steps_before, "the run to go on")
        await press(pilot, "t")  # stops
        assert not screen.trainer.running
        stopped_at = steps(pilot)
        screen.trainer.tick()  # a frame that was already due does nothing now
        await pilot.pause()
        assert steps(pilot) == stopped_at


async def test_an_edit_while_training_stops_it_and_is_its_own_undo_step() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        start = screen.scenario
        await press(pilot, "less_than_sign", "t")
        await wait_for(pilot, lambda: steps(pilot) > 0, "the first step")
        await press(pilot, ".", "2", "enter")  # edit p(rain) while it runs
        assert not screen.trainer.running
        assert screen.scenario.p[0] == 0.2
        await press(pilot, "ctrl+z")  # the edit
        assert screen.scenario.p[0] == 0.14 and screen.scenario.models[0].is_logits
        await press(pilot, "ctrl+z")  # the training run
        assert screen.scenario == start


async def test_T_switches_to_reverse_kl_and_the_chart_says_so() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "right", "T")
        assert screen.trainer.objective is Objective.REVERSE_KL
        await press(pilot, *["greater_than_sign"] * 4, "t")  # 200 steps a second
        await wait_until_stopped(pilot)
        run = screen.training
        assert run is not None and run.objective is Objective.REVERSE_KL and run.converged
        assert run.model_index == 0  # "uniform", the model under the cursor
        assert screen.scenario.measures[0].reverse_kl < 1e-6
        assert "Minimising KL(q‖p)" in shown_text(screen.query_one(TrainingChart))


async def test_the_learning_rate_keys_double_and_halve_eta() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "right_parenthesis", "right_parenthesis", "left_parenthesis")
        assert screen.trainer.learning_rate == 2 * PACE  # × 2 × 2 ÷ 2 from the app's pace
        await press(pilot, "t")
        assert screen.training is not None and screen.training.learning_rate == 2 * PACE
        await press(pilot, "t")


async def test_the_training_chart_gives_way_when_the_scenario_changes() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "t")
        await wait_for(pilot, lambda: steps(pilot) > 0, "the first step")
        await press(pilot, "t")  # stopped: the chart stays with the run's last curve
        assert screen.training is not None and screen.query_one(TrainingChart).display
        await press(pilot, "ctrl+z")  # undo the run: its chart goes, the per-outcome one returns
        assert screen.training is None
        assert not screen.query_one(TrainingChart).display
        assert screen.query_one("#outcomes").display
