"""Everything around the scenario: themes, help, the command palette and quitting."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from textual.binding import Binding
from textual.color import Color
from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from divtui.app.app import DivtuiApp
from divtui.app.commands import BY_ID, COMMANDS, CommandState
from divtui.app.screens.help import HelpScreen
from divtui.app.screens.main import MainScreen
from divtui.app.screens.prompt import PromptScreen
from divtui.app.theme_files import discover_themes, shipped_theme_dir
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.core.presets import preset
from divtui.core.units import Unit

from .support import (
    SIZE,
    draw_counts,
    editor,
    header_text,
    main_screen,
    new_app,
    palette_titles,
    shown_lines,
    toasts,
    type_text,
    wait_for,
)

SHIPPED_THEMES = ["divtui-dark", "divtui-light", "divtui-ansi"]


def shipped_variable(theme: str, variable: str) -> str:
    """A colour variable as the shipped theme file spells it."""
    path = shipped_theme_dir() / f"{theme}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    value = data["variables"][variable]
    assert isinstance(value, str)
    return value


def kl_label_colour(app: DivtuiApp) -> RichColor | None:
    """The colour the metrics panel paints its `KL(p‖q)` row label with."""
    panel = main_screen(app).query_one(MetricsPanel)
    for y in range(panel.size.height):
        for segment in panel.render_line(y):
            if segment.text.strip().startswith("KL(p‖q)") and segment.style is not None:
                return segment.style.color
    raise AssertionError("no KL(p‖q) row in the metrics panel")


def test_the_shipped_themes_are_discovered() -> None:
    found = discover_themes()
    assert found.names() == sorted(SHIPPED_THEMES)
    assert found.warnings == []


@pytest.mark.parametrize("theme", SHIPPED_THEMES)
async def test_switching_theme_recolours_metrics_and_redraws_charts(theme: str) -> None:
    start = "divtui-light" if theme == "divtui-dark" else "divtui-dark"
    async with new_app(theme=start).run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, DivtuiApp)
        await pilot.pause()
        before = draw_counts(app)
        app.theme = theme
        await pilot.pause()
        await pilot.pause()
        assert app.current_theme.name == theme
        expected = Color.parse(shipped_variable(theme, "divtui-kl")).rich_color
        assert kl_label_colour(app) == expected
        after = draw_counts(app)
        assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)


async def test_the_theme_given_at_start_is_used() -> None:
    async with new_app(theme="divtui-light").run_test(size=SIZE) as pilot:
        assert pilot.app.theme == "divtui-light"
        assert not pilot.app.current_theme.dark


BROKEN_THEME = """\
name = "mine"
primary = "not-a-colour"
"""

GOOD_THEME = """\
name = "my-good-theme"
primary = "#884488"

[variables]
divtui-kl = "#00ff00"
"""


async def test_a_broken_user_theme_warns_and_the_app_still_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "xdg" / "divtui" / "themes"
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text(BROKEN_THEME, encoding="utf-8")
    (folder / "good.toml").write_text(GOOD_THEME, encoding="utf-8")
    (folder / "not-toml.toml").write_text("name = [", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    themes = discover_themes()
    app = DivtuiApp(preset("weather"), themes=themes)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.theme == "divtui-dark"
        # A long path folds across lines: compare the texts without their whitespace.
        shown = ["".join(text.split()) for text in toasts(app)]
        assert len(shown) == 2, shown
        broken, not_toml = sorted(shown)
        assert broken.startswith("Themenotloaded")
        assert f"{folder / 'broken.toml'}:key'primary':'not-a-colour'isnotacolour" in broken
        assert f"{folder / 'not-toml.toml'}:invalidTOML" in not_toml
        assert "my-good-theme" in app.available_themes
        app.theme = "my-good-theme"
        await pilot.pause()
        assert kl_label_colour(app) == Color.parse("#00ff00").rich_color


def help_keys(help_screen: HelpScreen) -> set[str]:
    """The keys in the help table's first column, as shown, lower-cased one by one."""
    keys: set[str] = set()
    for static in help_screen.query(Static):
        for line in shown_lines(static):
            column = re.split(r"\s{2,}", line.strip())[0]
            for key in re.split(r",\s*|\s+/\s+|\s+or\s+", column):
                keys.add(key.strip().lower())
    return keys


def command_keys() -> set[str]:
    """How each command's keys are written for people: its key_display or its key names."""
    shown = set()
    for command in COMMANDS:
        if command.keys is not None:
            for key in command.keys_text.split(","):
                shown.add(key.strip().lower())
    return shown


async def test_help_lists_every_key_and_closes_with_escape() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        listed = help_keys(help_screen)
        missing = command_keys() - listed
        assert missing == set(), f"keys bound but not in the help: {missing}"
        assert {"enter", "escape", "ctrl+p", "tab", "u", "?", "ctrl+s"} <= listed
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen


def test_every_binding_comes_from_the_command_table() -> None:
    declared = {(c.keys, c.action) for c in COMMANDS if c.keys is not None}
    bound = {
        (b.key, b.action)
        for b in [*MainScreen.BINDINGS, *DivtuiApp.BINDINGS]
        if isinstance(b, Binding)
    }
    assert bound == declared
    assert len({c.id for c in COMMANDS}) == len(COMMANDS), "command ids are unique"


async def test_q_in_help_closes_help_without_quitting() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
        assert pilot.app.return_code is None


async def test_the_command_palette_offers_our_actions() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        titles = await palette_titles(pilot.app)
        screen_commands = {c.help for c in COMMANDS if c.run is not None}
        # Offered only in a state the app is not in now: a file loading, a run going on, a
        # run being replayed.
        now = CommandState()
        sometimes = {c.help for c in COMMANDS if c.when is not None and not c.when(now)}
        assert {BY_ID["cancel_file"].help, BY_ID["stop_training"].help} <= sometimes
        assert screen_commands - sometimes <= titles
        assert not sometimes & titles, "offered only in the state they belong to"
        assert "Screenshot" in titles, "Textual's own commands stay (outside kiosk mode)"


@pytest.mark.parametrize(
    ("query", "check"),
    [
        pytest.param("add an out", "prompt", id="add"),
        pytest.param("cycle nats", "bits", id="unit"),
        pytest.param("edit the sel", "editor", id="edit"),
    ],
)
async def test_a_command_run_from_the_palette_acts(query: str, check: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, query)
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one(CommandList)
        await wait_for(  # the palette searches in a worker
            pilot,
            lambda: options.option_count > 0 and options.highlighted is not None,
            f"the palette to find {query!r}",
        )
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        if check == "prompt":
            assert isinstance(pilot.app.screen, PromptScreen)
        elif check == "bits":
            assert pilot.app.screen is screen
            assert screen.scenario.unit is Unit.BITS
            # The unit is part of the saved scenario: the title marks the unsaved change.
            assert header_text(pilot.app) == "Weather * — overview · bits · probabilities"
        else:
            assert pilot.app.screen is screen
            assert screen.table.is_editing
            assert editor(pilot.app).value == "0.14"


async def test_q_quits() -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running


async def test_q_while_editing_is_typed_not_a_quit() -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "q")
        await pilot.pause()
        assert editor(app).value == "q"
        assert app.return_code is None
        assert app.is_running


def test_a_copied_theme_that_keeps_its_name_warns_that_it_replaces_the_shipped_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "xdg" / "divtui" / "themes"
    folder.mkdir(parents=True)
    shipped = shipped_theme_dir() / "divtui-dark.toml"
    (folder / "my-dark.toml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    found = discover_themes()
    assert len(found.warnings) == 1
    warning = found.warnings[0]
    assert "my-dark.toml" in warning and "'divtui-dark'" in warning and "replaces" in warning
    (entry,) = [e for e in found.themes if e.name == "divtui-dark"]
    assert entry.source == folder / "my-dark.toml", "the user's copy is the one used"
