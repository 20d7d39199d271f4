"""The divtui Textual app: thin. It registers themes, pushes the main screen, and lists actions
in the command palette; the main screen owns the scenario."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.command import CommandPalette, Provider
from textual.screen import Screen
from textual.theme import ThemeProvider

from divtui.app.commands import CommandsProvider, app_bindings
from divtui.app.kiosk import KioskApp
from divtui.app.screens.confirm import ConfirmScreen
from divtui.app.screens.main import MainScreen
from divtui.app.screens.modal import Palette
from divtui.app.theme_files import CHART_VARIABLES, DiscoveredThemes, discover_themes
from divtui.core.kiosk import KioskPolicy
from divtui.core.scenario import Scenario

DEFAULT_THEME = "divtui-dark"
ANSI_THEME = "divtui-ansi"


class DivtuiApp(KioskApp):
    """Explore entropy, cross-entropy and KL divergence."""

    CSS_PATH = "app.tcss"
    TITLE = "divtui"

    BINDINGS: ClassVar[list[BindingType]] = [*app_bindings()]
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        *App.COMMANDS,
        CommandsProvider,
    }

    def __init__(
        self,
        scenario: Scenario,
        *,
        theme: str | None = None,
        themes: DiscoveredThemes | None = None,
        path: Path | None = None,
        kiosk: KioskPolicy | None = None,
    ) -> None:
        super().__init__()
        self.kiosk = kiosk
        self._scenario = scenario
        self._path = path
        self._themes = themes if themes is not None else discover_themes()
        for entry in self._themes.themes:
            self.register_theme(entry.theme)
        self._requested_theme = theme
        self.theme = self._initial_theme(theme)

    def _initial_theme(self, requested: str | None) -> str:
        if requested is not None:
            return requested
        if DEFAULT_THEME in self.available_themes:
            if self.console.color_system in ("standard", "windows") and (
                ANSI_THEME in self.available_themes
            ):
                return ANSI_THEME
            return DEFAULT_THEME
        return "textual-dark"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(CHART_VARIABLES)

    def action_command_palette(self) -> None:
        """Show the command palette (one that a double click on its background closes once)."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(Palette(id="--command-palette"))

    def search_themes(self) -> None:
        """Show the palette listing the themes (ctrl+t)."""
        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self._scenario, self._path)

    def on_mount(self) -> None:
        for warning in self._themes.warnings:
            self.notify(
                warning, title="Theme not loaded", severity="warning", timeout=10, markup=False
            )

    async def action_quit(self) -> None:
        """Quit, asking first when the scenario has unsaved changes."""
        main = self.screen_stack[0] if self.screen_stack else None
        if isinstance(self.screen, ConfirmScreen):
            return  # already asking
        if isinstance(main, MainScreen) and main.session.has_unsaved_changes:

            def answer(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    self.exit()

            await self.push_screen(
                ConfirmScreen("The scenario has unsaved changes. Quit without saving?"), answer
            )
            return
        self.exit()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.MouseDown) and self._on_removed_widget(event):
            # Textual's text selection would read the removed widget's parent (None) and raise:
            # a press on what is no longer there does nothing, as it would a frame later.
            return
        await super().on_event(event)

    def _on_removed_widget(self, event: events.MouseDown) -> bool:
        """Whether the press lands on a widget just removed (the screen's map of what is where
        still holds it until its next layout: a question line, an editor, a toast)."""
        if not self.screen_stack:
            return False
        widget, _ = self.screen.get_widget_and_offset_at(event.x, event.y)
        return widget is not None and widget is not self.screen and widget.parent is None

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands (divtui's come from `CommandsProvider`); in kiosk mode only
        those that touch nothing on the host: no screenshot written, no URL opened."""
        for command in super().get_system_commands(screen):
            if self.kiosk is None or command.title in KIOSK_SYSTEM_COMMANDS:
                yield command


KIOSK_SYSTEM_COMMANDS = frozenset({"Theme", "Keys", "Quit", "Maximize", "Minimize"})
"""Textual's palette commands a kiosk visitor keeps (by title)."""


def theme_names(themes: DiscoveredThemes) -> list[str]:
    """Every theme `--theme` accepts: divtui's and the user's, then Textual's built-ins."""
    from textual.theme import BUILTIN_THEMES

    return [*themes.names(), *(name for name in BUILTIN_THEMES if name not in themes.names())]


def stylesheet() -> Path:
    """The app's stylesheet (for tests that want to read it)."""
    return Path(__file__).with_name("app.tcss")
