"""Replaying a training run: shift+←/→ step through the recorded steps, shift+Home
and shift+End go to the first and the last; the whole screen shows the step. Enter keeps the
step shown as the run's one undo step; Escape returns to the end of the run.

While a run is replayed the session is live again (each step shown replaces the run's step), so
whichever step is on screen when the replay ends is what undo takes back in one go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.training import fixed_view

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen

NOTHING = "No training run to replay: press t to train the selected model first."


def step(screen: MainScreen, delta: int) -> None:
    """Show the step `delta` frames before or after the one shown (the end when none is)."""
    recording = screen.trainer.recording
    if recording is None or len(recording) < 2:
        screen.notify(NOTHING, timeout=3, markup=False)
        return
    now = len(recording) - 1 if screen.replay_step is None else _index(screen)
    show(screen, min(max(now + delta, 0), len(recording) - 1))


def first(screen: MainScreen) -> None:
    """Show the run's first step (its start)."""
    step(screen, -(10**9))


def last(screen: MainScreen) -> None:
    """Show the run's newest step."""
    step(screen, 10**9)


def show(screen: MainScreen, index: int) -> None:
    """Show frame `index` of the recording: table, measures, charts and the training cursor."""
    trainer = screen.trainer
    recording = trainer.recording
    assert recording is not None
    if trainer.running:
        trainer.stop("Training paused: shift+←/→ step through it; t trains on from the step shown.")
    if screen.replay_step is None:
        if not screen.session.resume_live():
            screen.notify(NOTHING, timeout=3, markup=False)
            return
        run = trainer.run
        if run is not None:
            screen.run_axis, screen.run_ghost = fixed_view(run.before)
    frame = recording.frames[index]
    screen.replay_step = frame.step
    screen.show_run_step(frame.scenario)
    screen.refresh_bindings()
    screen.update_titles()


def keep(screen: MainScreen) -> None:
    """Enter: the step shown becomes the scenario, as the run's one undo step."""
    if screen.replay_step is None:
        return
    shown = screen.replay_step
    finish(screen)
    screen.notify(
        f"Kept step {shown} of the run (ctrl+z goes back to before it).", timeout=3, markup=False
    )


def leave(screen: MainScreen) -> None:
    """Escape: back to the end of the run, which stays the run's undo step."""
    recording = screen.trainer.recording
    if screen.replay_step is None or recording is None:
        return
    show(screen, len(recording) - 1)
    finish(screen)


def finish(screen: MainScreen) -> None:
    """End a replay where it is: the step shown stays the run's undo step."""
    if screen.replay_step is None:
        return
    screen.session.end_live()
    screen.replay_step = None
    screen.run_axis = None
    screen.refresh_bindings()
    screen.update_titles()


def _index(screen: MainScreen) -> int:
    recording = screen.trainer.recording
    assert recording is not None and screen.replay_step is not None
    return recording.index_of_step(screen.replay_step)
