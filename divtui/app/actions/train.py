"""Handlers of the training keys: start and stop, objective, learning rate, speed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.actions import replay
from divtui.core.errors import DivtuiError
from divtui.core.logits import Objective
from divtui.core.training import TrainingRun

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


def toggle(screen: MainScreen) -> None:
    """Start (or stop) gradient descent on the selected model's logits."""
    trainer = screen.trainer
    if trainer.running:
        trainer.stop("Training stopped.")
        return
    message = start_run(screen, screen.cursor.model)
    if message is not None:
        screen.notify(message, timeout=3, markup=False)


def start_run(
    screen: MainScreen, model: int, partners: tuple[tuple[int, Objective], ...] = ()
) -> str | None:
    """Start a run on `model` (and `partners`) as one live undo step; returns what to tell the
    user, or None when it could not start (the reason is shown)."""
    trainer = screen.trainer
    replay.finish(screen)  # a replayed step trains on from where it is
    screen.session.begin_live()
    try:
        message = trainer.start(screen.scenario, model, partners)
    except DivtuiError as error:
        screen.session.end_live()
        screen.notify(str(error), severity="error", markup=False)
        return None
    if not trainer.running:
        screen.session.end_live()
    screen.refresh_bindings()
    screen.update_titles()
    return message


def toggle_objective(screen: MainScreen) -> None:
    """Switch what training minimises: H(p,q) (forward KL) or the reverse KL(q‖p)."""
    objective = screen.trainer.toggle_objective()
    screen.notify(f"Training minimises {objective.formula}.", timeout=2, markup=False)


def learning_rate(screen: MainScreen, *, up: bool) -> None:
    """Double or halve the learning rate η."""
    rate = screen.trainer.scale_learning_rate(up)
    screen.notify(f"Learning rate η = {rate:g}", timeout=2, markup=False)


def speed(screen: MainScreen, *, up: bool) -> None:
    """More or fewer gradient steps a second."""
    steps = screen.trainer.change_speed(up)
    screen.notify(f"Training speed: {steps} steps per second", timeout=2)


def frame(screen: MainScreen, run: TrainingRun) -> None:
    """The trainer's callback for each new step: the whole screen shows it."""
    screen.training = run
    screen.show_run_step(run.scenario)
    screen.update_titles()


def stopped(screen: MainScreen, message: str | None) -> None:
    """The trainer's callback when a run stops: its last step stays as one undo step."""
    screen.session.end_live()
    screen.run_axis = None  # the axis fits the bars again: the gap view can show what is left
    screen.refresh_bindings()
    screen.update_titles()
    if message:
        screen.notify(message, timeout=4, markup=False)
