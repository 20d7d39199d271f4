"""The training animation: a timer that steps a `TrainingRun` and hands each frame to the
screen, with the pace (steps a second), the learning rate and the objective the keys set.

The screen drives it through `start`, `stop` and the setters, and hears back through two
callbacks: `on_frame(run)` for each new step and `on_stop(message)` when it ends. Tests step it
with `tick()`, frame by frame, instead of waiting on a clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

from divtui.app.widgets.chart import LARGEST_DRAWN
from divtui.core.baseline import Baseline
from divtui.core.errors import DivtuiError
from divtui.core.logits import Objective
from divtui.core.replay import Recording
from divtui.core.scenario import Scenario
from divtui.core.training import MAX_LEARNING_RATE, TrainingRun, suggested_learning_rate
from divtui.core.units import Unit

FRAMES_PER_SECOND = 20
"""At most this many training frames a second; faster speeds take several steps a frame."""
SPEEDS = (2, 5, 10, 20, 50, 100, 200, 500, 1000)
"""Training speeds in gradient steps per second, slowest first (10 by default: slow enough to
talk over in front of a class)."""
DEFAULT_SPEED = 10
PACE = 0.5
"""The app trains at this fraction of the core's suggested η (which converges fastest): the
weather run then takes about 7 s to reach KL < 1e-3 at the default 10 steps a second, slow
enough to talk over in front of a class; `)` and `>` speed it up."""


class Stoppable(Protocol):
    """A running timer (Textual's `Timer`)."""

    def stop(self) -> None: ...


Schedule = Callable[[float, Callable[[], None]], Stoppable]
"""Starts a repeating timer: (interval in seconds, callback) → the timer."""


class Trainer:
    """Runs gradient descent on one model, a few steps a frame."""

    def __init__(
        self,
        schedule: Schedule,
        on_frame: Callable[[TrainingRun], None],
        on_stop: Callable[[str | None], None],
    ) -> None:
        self.schedule = schedule
        """How the animation's timer is started (a test gives a fake clock)."""
        self._on_frame = on_frame
        self._on_stop = on_stop
        self._timer: Stoppable | None = None
        self.run: TrainingRun | None = None
        """The current or last run (None before the first)."""
        self.recording: Recording | None = None
        """The scenario at the steps of the current or last run, for replaying it (since its
        objective last changed: the training chart starts again then too)."""
        self.objective = Objective.CROSS_ENTROPY
        """What a run minimises."""
        self.learning_rate: float | None = None
        """The learning rate η (None: the run suggests one from the temperature)."""
        self.steps_per_second = DEFAULT_SPEED
        """How fast a run goes, in gradient steps per second."""

    @property
    def running(self) -> bool:
        """Whether a run is animating."""
        return self._timer is not None

    @property
    def steps_per_frame(self) -> int:
        """Gradient steps taken in each frame at the current speed."""
        return max(1, round(self.steps_per_second / FRAMES_PER_SECOND))

    def start(
        self, scenario: Scenario, model: int, partners: tuple[tuple[int, Objective], ...] = ()
    ) -> str:
        """Start a run on `model` (and `partners`, each by its own objective); returns what
        to tell the user. Raises DivtuiError when the model cannot be trained."""
        rate = self.learning_rate
        if rate is None and 0 <= model < len(scenario.models):
            rate = suggested_learning_rate(scenario.models[model].temperature) * PACE
        run = TrainingRun.start(scenario, model, self.objective, rate, partners)
        if run.converged:
            return f"{run.model.name} already minimises {self.objective.formula}."
        self.run = run
        self.recording = Recording.start(scenario)
        self._restart_timer()
        self._on_frame(run)
        return (
            f"Training {run.model.name}: minimising {self.objective.formula} "
            f"(η = {run.learning_rate:g}; t stops, T switches the objective)."
        )

    def stop(self, message: str | None = None) -> None:
        """Stop the animation (the run stays, for its chart)."""
        if self._timer is None:
            return
        self._timer.stop()
        self._timer = None
        self._on_stop(message)

    def forget(self) -> None:
        """Stop, and drop the last run (the scenario moved on without it)."""
        self.stop("Training stopped: the scenario changed.")
        self.run = None
        self.recording = None

    def tick(self) -> None:
        """One frame: a few steps, then stop when converged or stalled."""
        run = self.run
        if run is None or not self.running:
            return
        try:
            run = run.step(self.steps_per_frame)
        except DivtuiError as error:
            self.stop(str(error))
            return
        self.run = run
        if self.recording is not None:
            self.recording = self.recording.add(run.steps, run.scenario)
        self._on_frame(run)
        if run.converged:
            self.stop(
                f"Converged after {run.steps} steps: {run.objective.formula} is within 1e-6 "
                "of its minimum."
            )
        elif run.stalled:
            self.stop(f"Stopped after {run.steps} steps: the objective stopped moving.")

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        frames = min(FRAMES_PER_SECOND, self.steps_per_second)
        self._timer = self.schedule(1 / frames, self.tick)

    # --- settings -----------------------------------------------------------------------------

    def change_unit(self, unit: Unit) -> bool:
        """Carry a running run on in another unit; False when none is running."""
        if self.run is None or not self.running:
            return False
        self.run = self.run.with_unit(unit)
        if self.recording is not None:
            self.recording = self.recording.with_unit(unit)
        self._on_frame(self.run)
        return True

    def toggle_objective(self) -> Objective:
        """Switch between H(p,q) (forward KL) and the reverse KL(q‖p)."""
        self.objective = (
            Objective.REVERSE_KL
            if self.objective is Objective.CROSS_ENTROPY
            else Objective.CROSS_ENTROPY
        )
        if self.run is not None and self.running:
            self.run = self.run.with_objective(self.objective)
            self.recording = Recording.start(self.run.scenario)
        return self.objective

    def scale_learning_rate(self, up: bool) -> float:
        """Double or halve η (within MAX_LEARNING_RATE)."""
        current = (
            self.run.learning_rate
            if self.run is not None
            else self.learning_rate or suggested_learning_rate() * PACE
        )
        rate = min(current * 2 if up else current / 2, MAX_LEARNING_RATE)
        self.learning_rate = rate
        if self.run is not None:
            self.run = self.run.with_learning_rate(rate)
        return rate

    def change_speed(self, up: bool) -> int:
        """One step faster or slower in SPEEDS; a running animation takes the new pace."""
        index = SPEEDS.index(self.steps_per_second) + (1 if up else -1)
        self.steps_per_second = SPEEDS[min(max(index, 0), len(SPEEDS) - 1)]
        if self.running:
            self._restart_timer()
        return self.steps_per_second


def fixed_view(before: Scenario) -> tuple[tuple[float, float] | None, Baseline]:
    """The decomposition chart's view for a run that starts from `before`: an axis from 0 to
    the tallest H(p,q) then, kept for the whole run so that H(p,q) is seen to fall (none when
    that is beyond what a chart can draw: the bars are capped then), and the start's
    measures, drawn as ghost bars behind the bars."""
    start = Baseline.pin(before)
    finite = [m.cross_entropy for m in start.measures.values() if math.isfinite(m.cross_entropy)]
    tallest = max(finite, default=1.0)
    return ((0.0, tallest) if tallest <= LARGEST_DRAWN else None), start
