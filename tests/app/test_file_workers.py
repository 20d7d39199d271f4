"""Opening and saving run off the UI thread: a slow file shows a busy line, the app keeps
answering keys meanwhile, and Escape cancels a load without changing anything."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import divtui.core.scenario_file
from divtui.app.widgets.busy_line import BusyLine
from divtui.core.presets import preset
from divtui.core.scenario import Scenario
from divtui.core.scenario_file import save_scenario
from divtui.core.units import Unit

from .support import SIZE, main_screen, new_app, settle, type_text, wait_for


@pytest.fixture
def slow_load(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """load_scenario waits (in its worker thread) until the returned event is set."""
    release = threading.Event()
    original = divtui.core.scenario_file.load_scenario

    def waiting(path: object) -> Scenario:
        assert threading.current_thread() is not threading.main_thread(), "off the UI thread"
        release.wait(timeout=30)
        return original(path)  # type: ignore[arg-type]

    monkeypatch.setattr(divtui.core.scenario_file, "load_scenario", waiting)
    return release


async def test_a_slow_open_shows_progress_keeps_keys_and_can_be_cancelled(
    tmp_path: Path, slow_load: threading.Event
) -> None:
    path = tmp_path / "coin.toml"
    save_scenario(preset("coin"), path)
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("ctrl+o")
        await pilot.pause()
        await type_text(pilot, str(path))
        await pilot.press("enter")
        busy = screen.query_one(BusyLine)
        await wait_for(pilot, lambda: busy.shown, "the busy line")
        assert "Opening" in str(busy.render()) and "Escape cancels" in str(busy.render())
        await pilot.press("u")  # the UI answers while the file loads
        await wait_for(pilot, lambda: screen.scenario.unit is Unit.BITS, "the unit to change")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not busy.shown, "the busy line to go")
        slow_load.set()
        await settle(pilot)
        assert screen.scenario == before.with_unit(Unit.BITS), "the cancelled load changed nothing"


async def test_a_quick_open_shows_no_busy_line(tmp_path: Path) -> None:
    path = tmp_path / "coin.toml"
    save_scenario(preset("coin"), path)
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await type_text(pilot, str(path))
        await pilot.press("enter")
        await settle(pilot)
        assert screen.scenario == preset("coin")
        assert not screen.query_one(BusyLine).shown
        assert screen.session.path == path
