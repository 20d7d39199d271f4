"""Start the app from the command line, checking what can be checked before any screen is drawn."""

from __future__ import annotations

import signal
from pathlib import Path

from divtui.app.app import DivtuiApp, theme_names
from divtui.app.theme_files import DiscoveredThemes, discover_themes
from divtui.core.errors import DivtuiError
from divtui.core.scenario import Scenario


def run_app(scenario: Scenario, *, theme: str | None = None, source: str | None = None) -> int:
    """Run the explorer on `scenario`; an unknown theme is an error before the screen opens."""
    themes = discover_themes()
    check_theme(theme, themes)
    # A terminal that goes away (an SSH visitor leaving) must end divtui: under `nohup` or a
    # `trap '' HUP` wrapper SIGHUP would stay ignored and the orphan would spin on its dead tty.
    if hasattr(signal, "SIGHUP"):  # not on Windows
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    app = DivtuiApp(
        scenario, theme=theme, themes=themes, path=Path(source) if source is not None else None
    )
    app.run()
    return app.return_code or 0


def check_theme(theme: str | None, themes: DiscoveredThemes | None = None) -> None:
    """An unknown theme is an error before any screen (or server) starts."""
    if theme is None:
        return
    names = theme_names(themes if themes is not None else discover_themes())
    if theme not in names:
        raise DivtuiError(f"unknown theme {theme!r} (available: {', '.join(names)})")
