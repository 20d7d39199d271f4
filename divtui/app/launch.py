"""Start the app from the command line, checking what can be checked before any screen is drawn."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from divtui import EXIT_INTERRUPTED
from divtui.app.app import DivtuiApp, theme_names
from divtui.app.theme_files import DiscoveredThemes, discover_themes
from divtui.core.errors import DivtuiError
from divtui.core.kiosk import KioskPolicy
from divtui.core.scenario import Scenario


def run_app(
    scenario: Scenario,
    *,
    theme: str | None = None,
    source: str | None = None,
    kiosk: KioskPolicy | None = None,
) -> int:
    """Run the explorer on `scenario`; an unknown theme, or in kiosk mode a scenario beyond
    the kiosk's caps, is an error before the screen opens. A kiosk session that times out
    ends with its goodbye line, printed once the terminal is restored."""
    if kiosk is not None and (reason := kiosk.refuse(scenario)) is not None:
        raise DivtuiError(f"kiosk mode: {reason}")
    themes = discover_themes()
    check_theme(theme, themes)
    # A terminal that goes away (an SSH visitor leaving) must end divtui: under `nohup` or a
    # `trap '' HUP` wrapper SIGHUP would stay ignored and the orphan would spin on its dead tty.
    if hasattr(signal, "SIGHUP"):  # not on Windows
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    app = DivtuiApp(
        scenario,
        theme=theme,
        themes=themes,
        path=Path(source) if source is not None else None,
        kiosk=kiosk,
    )
    previous = signal.signal(signal.SIGINT, _quit_on_interrupt(app))
    try:
        app.run()
    finally:
        signal.signal(signal.SIGINT, previous)
    if app.kiosk_goodbye is not None and sys.stdout.isatty():
        # on a terminal only: under `divtui serve` stdout carries textual-serve's packets
        sys.stdout.write(app.kiosk_goodbye + "\n")
        sys.stdout.flush()
    return app.return_code or 0


def _quit_on_interrupt(app: DivtuiApp) -> Callable[[int, object], None]:
    """SIGINT while the app runs (Ctrl+C before Textual turns the terminal raw, or `kill -INT`):
    the app quits with status 130 and restores the terminal; no traceback."""

    def interrupted(signal_number: int, frame: object) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # Textual is not running (yet, or any more): nothing to restore
            os._exit(EXIT_INTERRUPTED)
        # After the next refresh: exiting while the first screen still mounts races its
        # widgets' resize handlers.
        quit_app = partial(app.exit, return_code=EXIT_INTERRUPTED)
        loop.call_soon_threadsafe(partial(app.call_after_refresh, quit_app))

    return interrupted


def check_theme(theme: str | None, themes: DiscoveredThemes | None = None) -> None:
    """An unknown theme is an error before any screen (or server) starts."""
    if theme is None:
        return
    names = theme_names(themes if themes is not None else discover_themes())
    if theme not in names:
        raise DivtuiError(f"unknown theme {theme!r} (available: {', '.join(names)})")
