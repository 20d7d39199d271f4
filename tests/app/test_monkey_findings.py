"""Regressions for what the monkey (test_monkey.py) found, each reproduced on purpose.

The monkey sends input the way a terminal does, without waiting for the app between two keys;
these tests do the same with `send_at_once`.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen

from divtui.app.app import DivtuiApp
from divtui.app.screens.preset_picker import PresetPickerScreen
from divtui.app.screens.prompt import PromptScreen
from divtui.app.widgets.distribution_table import DistributionTable
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.core.presets import preset
from divtui.core.scenario import ModelInput, Scenario

from .support import SIZE, draw_counts, main_screen, new_app, toasts, type_text, wait_for


def send_at_once(app: App[Any], *keys: str) -> None:
    """Queue key presses as a terminal delivers them when typed fast: all before any is handled."""
    for key in keys:
        character = "\r" if key == "enter" else key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def active(app: App[Any]) -> Screen[Any]:
    """The active screen (a call, so that isinstance checks on it do not narrow later ones)."""
    return app.screen


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()


# --- a second Enter queued behind the one that closed a dialog -------------------------------


async def test_a_double_enter_in_a_prompt_answers_once() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("a")
        assert isinstance(pilot.app.screen, PromptScreen)
        await type_text(pilot, "fog")
        send_at_once(pilot.app, "enter", "enter")
        await settle(pilot)
        assert active(pilot.app) is screen
        assert screen.scenario.labels == (*preset("weather").labels, "fog")
        assert screen.session.undo()  # one change, one undo step
        assert screen.session.scenario == preset("weather")


async def test_a_double_enter_in_the_preset_picker_answers_once() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("p", "down")
        assert isinstance(pilot.app.screen, PresetPickerScreen)
        send_at_once(pilot.app, "enter", "enter")
        await settle(pilot)
        assert active(pilot.app) is screen
        assert screen.scenario != preset("weather")


async def test_a_second_answer_does_not_close_the_dialog_beneath() -> None:
    """A prompt over a prompt: the top one's second Enter must not pop the one below it."""
    async with new_app().run_test(size=SIZE) as pilot:
        answers: list[str | None] = []
        lower = PromptScreen("lower")
        upper = PromptScreen("upper", value="x")
        pilot.app.push_screen(lower, answers.append)
        pilot.app.push_screen(upper, answers.append)
        await settle(pilot)
        assert active(pilot.app) is upper
        send_at_once(pilot.app, "enter", "enter")
        await settle(pilot)
        assert answers == ["x"]
        assert active(pilot.app) is lower


def click_at_once(app: App[Any], x: int, y: int, times: int) -> None:
    """Queue `times` clicks (button down, button up) at one cell, as a fast double click."""
    for _ in range(times):
        for event in (events.MouseDown, events.MouseUp):
            app.post_message(event(None, x, y, 0, 0, 1, False, False, False, x, y))


@pytest.mark.parametrize("key", ["ctrl+p", "ctrl+t"])
async def test_a_double_click_beside_the_command_palette_closes_it_once(key: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(pilot.app.screen, CommandPalette)
        click_at_once(pilot.app, 0, SIZE[1] - 1, times=2)  # the palette's background
        await settle(pilot)
        assert active(pilot.app) is screen
        assert pilot.app.is_running


# --- lists in dialogs on terminals too small for them -----------------------------------------

LIST_DIALOGS = {"p": PresetPickerScreen, "ctrl+p": CommandPalette, "ctrl+t": CommandPalette}
"""The keys that open a dialog holding an OptionList, and the dialog."""


@pytest.mark.parametrize("key", LIST_DIALOGS)
async def test_a_list_dialog_survives_any_narrow_terminal(key: str) -> None:
    """Textual cannot wrap an option in no width at all (ValueError from rich's chop_cells)."""
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, LIST_DIALOGS[key])
        for width in range(1, 13):
            await pilot.resize_terminal(width, 20)
            await pilot.pause()
            assert active(pilot.app) is dialog and pilot.app._exception is None, width


@pytest.mark.parametrize("page", ["pageup", "pagedown"])
@pytest.mark.parametrize("key", LIST_DIALOGS)
async def test_paging_a_list_that_shows_no_rows_does_nothing(key: str, page: str) -> None:
    """Textual's OptionList raises KeyError when it pages with no rows on screen."""
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await settle(pilot)
        dialog = pilot.app.screen
        await pilot.resize_terminal(20, 3)
        await pilot.press(page, page)
        await settle(pilot)
        assert active(pilot.app) is dialog and pilot.app._exception is None
        await pilot.resize_terminal(*SIZE)
        await pilot.press(page)
        await settle(pilot)
        assert active(pilot.app) is dialog and pilot.app._exception is None


@pytest.mark.parametrize("key", ["ctrl+p", "ctrl+t"])
async def test_paging_the_palette_before_it_is_laid_out_does_nothing(key: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        send_at_once(pilot.app, key, "pagedown", "pageup")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CommandPalette)
        assert pilot.app._exception is None


# --- measures too large for a chart's axis ----------------------------------------------------


@pytest.mark.parametrize("logits", [[1e308, 0.0], [0.0, -1e308]])
async def test_a_cross_entropy_near_the_float_limit_is_drawn_capped(logits: list[float]) -> None:
    """H(p,q) ≈ 5e307 is finite, but plotext's axis arithmetic on it overflowed to inf."""
    scenario = Scenario.build(["a", "b"], [0.5, 0.5], [ModelInput("z", logits=logits)])
    assert 1e307 < scenario.measures[0].cross_entropy < math.inf
    async with DivtuiApp(scenario).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app._exception is None
        assert all(count > 0 for count in draw_counts(pilot.app))
        await pilot.press("right", "t")  # the training chart scales the same values
        screen = main_screen(pilot.app)
        await wait_for(
            pilot,
            lambda: (
                not screen.trainer.running
                or (screen.training is not None and screen.training.steps > 0)
            ),
            "a frame of the run (or its refusal)",
        )
        await settle(pilot)
        assert pilot.app._exception is None


@pytest.mark.parametrize("key", ["ctrl+p", "ctrl+t"])
async def test_a_palette_that_is_not_active_starts_no_search(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key queued behind the input that closed the palette still changes its input; the
    search Textual started for it outlived the palette and failed in a worker (NoMatches)."""
    searched: list[str] = []
    monkeypatch.setattr(CommandPalette, "_gather_commands", lambda _, text: searched.append(text))
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await settle(pilot)
        palette = active(pilot.app)
        assert isinstance(palette, CommandPalette)
        palette.query_one(CommandInput).value = "first"
        await settle(pilot)
        assert searched[-1] == "first"  # the palette on top searches as you type
        pilot.app.push_screen(PromptScreen("over the palette"))
        await settle(pilot)
        palette.query_one(CommandInput).value = "second"
        await settle(pilot)
        assert "second" not in searched


# --- a paste that arrives after its column went away -------------------------------------------


async def test_a_paste_on_a_column_removed_meanwhile_is_refused() -> None:
    """The grid names the column when the paste arrives; a model removed (M, undo, redo) before
    the screen handles it left an index past the models (IndexError in column_name)."""
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        table = screen.table
        table.post_message(DistributionTable.ColumnPasted(table, 2, "1 2 3 4"))
        await settle(pilot)
        assert pilot.app._exception is None
        assert screen.scenario is before
        assert any("column it was pasted on is gone" in toast for toast in toasts(pilot.app))


async def test_an_edit_committed_on_a_model_removed_meanwhile_closes_the_editor() -> None:
    """Seed 8675309: an edit of a model column arrived after an undo had removed that model
    (IndexError in models[column - 1]). It is dropped, and the editor closes."""
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        table = screen.table
        table.post_message(DistributionTable.CellEdited(table, 1, 2, "0.3"))
        await settle(pilot)
        assert pilot.app._exception is None
        assert screen.scenario is before
        assert not table.is_editing


async def test_a_press_on_a_widget_just_removed_does_nothing() -> None:
    # The CI monkey (seed 20240611) pressed where a widget had just been removed: the screen's
    # map still held it, and Textual's text selection read its parent (None) and raised.
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = main_screen(pilot.app)
        panel = screen.query_one(MetricsPanel)
        x, y = panel.region.x + 3, panel.region.y + 2
        await panel.remove()
        widget, _ = screen.get_widget_and_offset_at(x, y)
        assert widget is panel and panel.parent is None, "the map still holds the removed panel"
        press = events.MouseDown(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y)
        await pilot.app.on_event(press)
        await pilot.pause()
        assert pilot.app._exception is None
        await pilot.click(offset=(x, y))  # once the layout has caught up, presses work again
        assert pilot.app._exception is None


@pytest.mark.parametrize("key", ["up", "down"])
async def test_the_palette_s_list_keys_do_nothing_once_its_list_is_gone(key: str) -> None:
    # A monkey (seed 4) pressed ↑ as the palette closed: its list was already removed.
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        await palette.query_one(CommandList).remove()
        await pilot.press(key)
        await settle(pilot)
        assert pilot.app._exception is None
