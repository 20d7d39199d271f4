"""Save, open, presets and quitting with unsaved changes, through the keys a person uses."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from divtui.app.app import DivtuiApp
from divtui.app.screens.confirm import ConfirmScreen
from divtui.app.screens.path_prompt import PathPromptScreen
from divtui.app.screens.preset_picker import PresetPickerScreen
from divtui.core.presets import PRESETS, preset
from divtui.core.scenario_file import load_scenario, save_scenario

from .support import SIZE, main_screen, new_app, settle


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
    await settle(pilot)


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)
    await pilot.pause()


def active(app: App[Any]) -> Screen[Any]:
    """The active screen (a call, so that isinstance checks on it do not narrow later ones)."""
    return app.screen


def prompt_error(app: App[Any]) -> str:
    screen = app.screen
    assert isinstance(screen, PathPromptScreen)
    return " ".join(str(label.render()) for label in screen.query("Label"))


async def test_save_asks_for_a_path_the_first_time_then_saves_in_place(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, ".", "2", "enter")
        assert str(screen.title).endswith(" *")  # unsaved changes
        await press(pilot, "ctrl+s")
        assert isinstance(active(pilot.app), PathPromptScreen)
        await type_text(pilot, str(target))
        await press(pilot, "enter")
        saved = tmp_path / "mine.toml"
        assert load_scenario(saved) == screen.scenario
        assert screen.session.path == saved and not str(screen.title).endswith(" *")
        await press(pilot, ".", "3", "enter", "ctrl+s")  # now saves without asking
        assert main_screen(pilot.app) is pilot.app.screen
        assert load_scenario(saved) == screen.scenario
        assert not screen.session.has_unsaved_changes


async def test_a_failed_save_says_why_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "keep.toml"
    save_scenario(preset("coin"), target)
    before = target.read_bytes()
    async with DivtuiApp(preset("weather"), path=target).run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, ".", "2", "enter")
        os.chmod(tmp_path, 0o500)
        try:
            if os.access(tmp_path, os.W_OK):  # root ignores permissions: make the rename fail
                real = os.replace

                def refuse(*args: object) -> None:
                    raise PermissionError(13, "Permission denied")

                os.replace = refuse  # type: ignore[assignment]
                try:
                    await press(pilot, "ctrl+s")
                finally:
                    os.replace = real
            else:
                await press(pilot, "ctrl+s")
        finally:
            os.chmod(tmp_path, 0o700)
        assert target.read_bytes() == before
        assert screen.session.has_unsaved_changes
        assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.toml"]


async def test_open_loads_a_file_and_a_broken_one_changes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    save_scenario(preset("mode-seeking"), good)
    bad = tmp_path / "bad.toml"
    bad.write_text('labels = ["a", "b"]\np = [1, -1]\n[[models]]\nname = "m"\nq = [1, 1]\n')
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await press(pilot, "ctrl+o")
        await type_text(pilot, str(bad))
        await press(pilot, "enter")
        assert isinstance(active(pilot.app), PathPromptScreen)
        assert "p[1]: -1 is negative" in prompt_error(pilot.app)
        assert screen.scenario is before
        await press(pilot, "ctrl+a", "shift+end")
        await type_text(pilot, str(good))
        await press(pilot, "enter")
        assert active(pilot.app) is screen
        assert screen.scenario == preset("mode-seeking")
        assert screen.session.path == good and not screen.session.has_unsaved_changes
        await press(pilot, "ctrl+z")  # opening is undoable
        assert screen.scenario == before


async def test_the_preset_picker_replaces_the_scenario_undoably() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await press(pilot, "p")
        assert isinstance(active(pilot.app), PresetPickerScreen)
        names = list(PRESETS)
        await press(pilot, *(["down"] * names.index("near-miss")), "enter")
        assert screen.scenario == preset("near-miss")
        await press(pilot, "ctrl+z")
        assert screen.scenario == before


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_quitting_with_unsaved_changes_asks_first(answer: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await press(pilot, ".", "2", "enter", "q")
        assert isinstance(active(pilot.app), ConfirmScreen)
        await press(pilot, answer)
        if answer == "y":
            assert pilot.app.return_code == 0 and not pilot.app.is_running
        else:
            assert pilot.app.is_running and active(pilot.app) is main_screen(pilot.app)


async def test_quitting_without_changes_does_not_ask() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await press(pilot, "q")
        assert not pilot.app.is_running


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_save_as_asks_before_replacing_another_file(tmp_path: Path, answer: str) -> None:
    other = tmp_path / "other.toml"
    save_scenario(preset("coin"), other)
    before = other.read_bytes()
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.app.run_action("run('save_as')", screen)
        await pilot.pause()
        await type_text(pilot, str(other))
        await press(pilot, "enter")
        assert isinstance(active(pilot.app), ConfirmScreen)
        await press(pilot, answer)
        if answer == "y":
            assert load_scenario(other) == screen.scenario and screen.session.path == other
        else:
            assert other.read_bytes() == before and screen.session.path is None


async def test_undoing_an_open_goes_back_to_the_file_before_it(tmp_path: Path) -> None:
    """ctrl+s after undoing an open wrote the scenario on screen over the opened file."""
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    save_scenario(preset("weather"), first)
    save_scenario(preset("coin"), second)
    second_bytes = second.read_bytes()
    async with DivtuiApp(load_scenario(first), path=first).run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "ctrl+o")
        await type_text(pilot, str(second))
        await press(pilot, "enter")
        assert screen.session.path == second
        await press(pilot, "ctrl+z")
        assert screen.scenario == load_scenario(first)
        assert screen.session.path == first, "the open was undone: its file goes with it"
        assert not screen.session.has_unsaved_changes, "first.toml is as saved"
        await press(pilot, ".", "5", "enter", "ctrl+s")
        assert second.read_bytes() == second_bytes, "the other file is untouched"
        assert load_scenario(first) == screen.scenario
        await press(pilot, "ctrl+z")  # before the edit: no longer what first.toml holds
        assert screen.session.path == first and screen.session.has_unsaved_changes
        await press(pilot, "ctrl+y")
        assert screen.session.path == first and not screen.session.has_unsaved_changes
