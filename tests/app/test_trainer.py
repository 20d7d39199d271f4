"""The training animation without a clock: a fake schedule records the timer, and each tick
is one frame, so a run's state after n frames is exact."""

from __future__ import annotations

import pytest

from divtui.app.training import FRAMES_PER_SECOND, SPEEDS, Trainer
from divtui.core.errors import DivtuiError
from divtui.core.logits import Objective
from divtui.core.presets import preset
from divtui.core.training import TrainingRun
from divtui.core.units import Unit

from .support import FakeClock


class Harness:
    """A trainer with a fake schedule, and what it told its screen."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.timers = self.clock.timers
        self.frames: list[TrainingRun] = []
        self.stops: list[str | None] = []
        self.trainer = Trainer(self.clock.schedule, self.frames.append, self.stops.append)

    def tick(self, frames: int = 1) -> None:
        for _ in range(frames):
            self.timers[-1].callback()


def test_each_frame_takes_the_steps_its_speed_asks_for() -> None:
    harness = Harness()
    trainer = harness.trainer
    assert trainer.steps_per_second == 10 and trainer.steps_per_frame == 1
    trainer.start(preset("weather"), 0)
    assert harness.timers[-1].interval == pytest.approx(1 / 10)
    harness.tick(5)
    assert trainer.run is not None and trainer.run.steps == 5
    assert [run.steps for run in harness.frames] == [0, 1, 2, 3, 4, 5]
    for _ in range(SPEEDS.index(100) - SPEEDS.index(10)):
        trainer.change_speed(up=True)
    assert trainer.steps_per_second == 100 and trainer.steps_per_frame == 5
    assert harness.timers[-2].stopped, "the old timer stops when the pace changes"
    assert harness.timers[-1].interval == pytest.approx(1 / FRAMES_PER_SECOND)
    harness.tick()
    assert trainer.run.steps == 10


def test_a_run_stops_by_itself_at_convergence_and_says_so() -> None:
    harness = Harness()
    trainer = harness.trainer
    for _ in range(len(SPEEDS)):
        trainer.change_speed(up=True)
    trainer.start(preset("weather"), 0)
    for _ in range(10_000):
        if not trainer.running:
            break
        harness.tick()
    assert not trainer.running and harness.timers[-1].stopped
    assert trainer.run is not None and trainer.run.converged
    assert harness.stops and "Converged after" in str(harness.stops[-1])
    harness.tick()  # a frame already due does nothing once stopped
    assert trainer.run.steps == harness.frames[-1].steps


def test_stop_keeps_the_run_and_forget_drops_it() -> None:
    harness = Harness()
    trainer = harness.trainer
    trainer.start(preset("weather"), 0)
    harness.tick(3)
    trainer.stop("Training stopped.")
    assert not trainer.running and trainer.run is not None and trainer.run.steps == 3
    assert harness.stops == ["Training stopped."]
    trainer.forget()
    assert trainer.run is None and harness.stops == ["Training stopped."], "nothing ran"


def test_the_settings_apply_to_a_running_run() -> None:
    harness = Harness()
    trainer = harness.trainer
    assert not trainer.change_unit(Unit.BITS), "no run to carry on"
    trainer.start(preset("weather"), 0)
    assert trainer.toggle_objective() is Objective.REVERSE_KL
    assert trainer.run is not None and trainer.run.objective is Objective.REVERSE_KL
    before = trainer.run.learning_rate
    rate = trainer.scale_learning_rate(up=True)
    assert rate == 2 * before and trainer.run.learning_rate == rate
    assert trainer.change_unit(Unit.BITS)
    assert harness.frames[-1].scenario.unit is Unit.BITS


def test_a_model_that_already_fits_starts_no_run() -> None:
    harness = Harness()
    scenario = preset("weather")
    fitted = scenario.with_column(1, list(scenario.p))
    message = harness.trainer.start(fitted, 0)
    assert "already minimises" in message and not harness.trainer.running
    assert harness.frames == [] and harness.timers == []


def test_a_model_that_cannot_be_trained_raises_a_clear_error() -> None:
    harness = Harness()
    with pytest.raises(DivtuiError):
        harness.trainer.start(preset("weather"), 5)


def test_the_default_pace_takes_several_seconds_to_bring_the_weather_kl_below_1e_3() -> None:
    harness = Harness()
    trainer = harness.trainer
    trainer.start(preset("weather"), 0)
    frames = 0
    while trainer.run is not None and trainer.run.gap_nats >= 1e-3:
        harness.tick()
        frames += 1
    seconds = frames * harness.timers[-1].interval
    assert 5 <= seconds <= 12, f"{seconds:.1f} s at {trainer.steps_per_second} steps a second"
    assert trainer.run is not None and trainer.run.learning_rate == 0.5
