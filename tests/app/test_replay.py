"""Replaying a training run: shift+←/→ and shift+Home/End move through its steps,
the whole screen shows the step, Enter keeps it as one undo step and Escape returns to the end.

The runs here are driven by a fake clock (`FakeClock`): each tick is one frame, so the state
after n ticks is exact and a snapshot never depends on timing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from divtui.app.app import DivtuiApp
from divtui.app.screens.main import MainScreen
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.training_chart import TrainingChart
from divtui.core.analysis import Analysis
from divtui.core.presets import preset

from .support import (
    FakeClock,
    charts_drawn,
    grid_column,
    header_text,
    main_screen,
    metrics_rows,
    toasts,
)

SnapCompare = Callable[..., bool]

FRAMES = 12
"""Frames of the runs here (one step each at the default pace)."""


async def trained(pilot: Pilot[None], frames: int = FRAMES, *, stop: bool = True) -> FakeClock:
    """Train the selected model for `frames` frames of a fake clock (then stop it)."""
    screen = main_screen(pilot.app)
    clock = FakeClock()
    screen.trainer.schedule = clock.schedule
    await pilot.press("t")
    clock.tick(frames)
    if stop:
        await pilot.press("t")
    await pilot.pause()
    return clock


def shown_q(pilot: Pilot[None]) -> list[str]:
    """The model column of the table as shown: 'z → q' for a logits model, keep the q."""
    return [text.split("→")[-1].strip() for text in grid_column(pilot.app, 2)]


def expected_q(screen: MainScreen) -> list[str]:
    return [f"{q:.4f}" for q in screen.scenario.models[0].q]


async def test_shift_left_shows_the_step_before_on_the_whole_screen() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        await trained(pilot)
        screen = main_screen(pilot.app)
        recording = screen.trainer.recording
        assert recording is not None and len(recording) == FRAMES + 1
        for back in range(1, 4):
            await pilot.press("shift+left")
            await pilot.pause()
            frame = recording.frames[-1 - back]
            assert frame.step == FRAMES - back
            assert screen.scenario is frame.scenario
            assert screen.analysis.scenario is frame.scenario
            assert shown_q(pilot) == expected_q(screen)
            kl = Analysis.of(frame.scenario).measures[0].kl
            assert metrics_rows(pilot.app)["KL(p‖q)"][0] == f"{kl:.4f}"
            chart = screen.query_one(TrainingChart)
            assert chart.cursor == frame.step
            assert f"replay: step {frame.step}" in header_text(pilot.app)
        await pilot.press("shift+right")
        await pilot.pause()
        assert screen.replay_step == FRAMES - 2


async def test_shift_home_and_end_go_to_the_start_and_the_end_of_the_run() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        start = main_screen(pilot.app).scenario
        await trained(pilot)
        screen = main_screen(pilot.app)
        end = screen.scenario
        await pilot.press("shift+home")
        await pilot.pause()
        assert screen.replay_step == 0 and screen.scenario == start
        assert shown_q(pilot) == ["0.2500"] * 4
        await pilot.press("shift+end")
        await pilot.pause()
        assert screen.replay_step == FRAMES and screen.scenario is end


async def test_the_decomposition_axis_stays_put_while_the_run_is_replayed() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        await trained(pilot)
        screen = main_screen(pilot.app)
        axes = set()
        for _ in range(FRAMES):
            await pilot.press("shift+left")
            await pilot.pause()
            axes.add(screen.query_one(DecompositionChart).axis_range)
        assert len(axes) == 1 and None not in axes
        assert screen.run_ghost is not None  # the run's start stays behind the bars


async def test_enter_keeps_the_step_shown_as_one_undo_step() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40), notifications=True) as pilot:
        screen = main_screen(pilot.app)
        start = screen.scenario
        await trained(pilot)
        recording = screen.trainer.recording
        assert recording is not None
        for _ in range(5):
            await pilot.press("shift+left")
        await pilot.press("enter")
        await pilot.pause()
        kept = recording.frames[-6]
        assert screen.replay_step is None and screen.scenario is kept.scenario
        assert not screen.table.is_editing  # Enter kept the step; it did not open the editor
        assert any(f"Kept step {kept.step}" in text for text in toasts(pilot.app))
        await pilot.press("ctrl+z")  # the run, kept at that step, is one undo step
        await pilot.pause()
        assert screen.scenario == start
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert screen.scenario is kept.scenario
        await pilot.press("enter")  # with no replay, Enter edits the cell again
        await pilot.pause()
        assert screen.table.is_editing


async def test_escape_returns_to_the_end_of_the_run() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot.app)
        start = screen.scenario
        await trained(pilot)
        end = screen.scenario
        await pilot.press("shift+left", "shift+left", "escape")
        await pilot.pause()
        assert screen.replay_step is None and screen.scenario is end
        assert "replay" not in header_text(pilot.app)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.scenario == start


async def test_an_edit_while_replaying_keeps_the_step_and_goes_on_from_it() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot.app)
        start = screen.scenario
        await trained(pilot)
        await pilot.press("shift+left", "shift+left")
        await pilot.pause()
        shown = screen.scenario
        await pilot.press("u")  # a change of the user's: the replay ends where it is
        await pilot.pause()
        assert screen.replay_step is None and screen.trainer.recording is None
        assert screen.scenario.unit.value == "bits"
        assert screen.scenario.models[0].q.tolist() == shown.models[0].q.tolist()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.scenario is shown  # first the unit goes back, then the run
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.scenario == start


async def test_stepping_back_while_a_run_goes_pauses_it() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        clock = await trained(pilot, 6, stop=False)
        screen = main_screen(pilot.app)
        assert screen.trainer.running
        await pilot.press("shift+left")
        await pilot.pause()
        assert not screen.trainer.running and clock.timers[-1].stopped
        assert screen.replay_step == 5
        await pilot.press("t")  # training goes on from the step shown, as a new run
        await pilot.pause()
        assert screen.trainer.running and screen.replay_step is None
        run = screen.trainer.run
        assert run is not None and run.before.models[0].q.tolist() == (
            screen.scenario.models[0].q.tolist()
        )


async def test_with_no_run_to_replay_the_keys_say_how_to_make_one() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40), notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("shift+left")
        await pilot.pause()
        assert screen.replay_step is None
        assert any("press t to train" in text for text in toasts(pilot.app))


@pytest.mark.usefixtures("no_cursor_blink")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_a_run_mid_way_snapshot(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await trained(pilot, 8, stop=False)
        await charts_drawn(pilot)

    assert snap_compare(DivtuiApp(preset("weather")), run_before=run_before, terminal_size=size)


@pytest.mark.usefixtures("no_cursor_blink")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_a_replay_snapshot(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await trained(pilot, 30)
        for _ in range(20):
            await pilot.press("shift+left")
        await charts_drawn(pilot)

    assert snap_compare(DivtuiApp(preset("weather")), run_before=run_before, terminal_size=size)
