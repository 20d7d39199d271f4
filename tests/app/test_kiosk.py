"""Kiosk mode in the app: an 8000x8000 terminal draws at the clamp, and idle or too long
sessions end with a goodbye line (a fake clock; the check is called, not waited for)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from textual.geometry import Size
from textual.widgets import Static

from divtui.app.app import DivtuiApp
from divtui.app.commands import COMMANDS
from divtui.core.kiosk import KioskPolicy
from divtui.core.presets import preset

from .support import palette_titles, shown_text, toasts


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def kiosk_app(clock: FakeClock | None = None) -> DivtuiApp:
    policy = KioskPolicy(clock=clock or FakeClock())
    return DivtuiApp(preset("weather"), kiosk=policy)


async def test_the_app_keeps_its_kiosk_policy() -> None:
    policy = KioskPolicy(max_models=3)
    assert DivtuiApp(preset("weather"), kiosk=policy).kiosk is policy
    assert DivtuiApp(preset("weather")).kiosk is None


async def test_a_huge_terminal_draws_at_the_clamp_with_one_notice() -> None:
    app = kiosk_app()
    said: list[str] = []
    notify = app.notify

    def recording(message: str, **options: Any) -> None:
        said.append(message)
        notify(message, **options)

    app.notify = recording  # type: ignore[method-assign]
    async with app.run_test(size=(8000, 8000), notifications=True) as pilot:
        await pilot.pause()
        assert app.size == Size(400, 150)
        assert app.screen.size == Size(400, 150)
        assert app.screen.region.size == Size(400, 150)
        notices = [text for text in toasts(app) if "8000x8000" in text]
        assert len(notices) == 1 and "at most 400x150" in notices[0]
        await pilot.resize_terminal(9000, 200)
        await pilot.pause()
        assert app.screen.size == Size(400, 150)
        assert len([text for text in said if "draws at most" in text]) == 1, "one notice"
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.size == Size(120, 40) and app.screen.size == Size(120, 40)


async def test_outside_kiosk_mode_the_size_is_the_terminals() -> None:
    app = DivtuiApp(preset("weather"))
    async with app.run_test(size=(450, 160)) as pilot:
        await pilot.pause()
        assert app.screen.size == Size(450, 160)


async def test_an_idle_visitor_is_sent_off_with_a_goodbye() -> None:
    clock = FakeClock()
    app = kiosk_app(clock)
    async with app.run_test(size=(120, 40)) as pilot:
        clock.now = 10 * 60
        await pilot.press("down")  # activity at 10 minutes
        clock.now = 24 * 60
        app.check_kiosk_session()
        await pilot.pause()
        assert app.is_running and app.kiosk_goodbye is None
        clock.now = 25 * 60
        app.check_kiosk_session()
        await pilot.pause()
        assert app.kiosk_goodbye is not None and "15 minutes without a key" in app.kiosk_goodbye
    assert app.return_code == 0


async def test_a_session_ends_at_its_maximum_length_however_busy() -> None:
    clock = FakeClock()
    app = kiosk_app(clock)
    async with app.run_test(size=(120, 40)) as pilot:
        for minute in range(5, 120, 5):
            clock.now = minute * 60
            await pilot.press("u")
            app.check_kiosk_session()
        assert app.kiosk_goodbye is None
        clock.now = 120 * 60
        app.check_kiosk_session()
        await pilot.pause()
    assert app.kiosk_goodbye is not None and "after 120 minutes" in app.kiosk_goodbye


def test_the_goodbye_line_is_printed_after_the_terminal_is_restored() -> None:
    """The real thing, in a pseudo-terminal: a 0.01-minute idle timeout (0.6 s)."""
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "divtui", "--kiosk", "--idle-timeout", "0.01"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    chunk = b""
                output += chunk
                if not chunk:
                    break
            elif child.poll() is not None:
                break
        status = child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
    assert status == 0
    after = output[output.rindex(b"\x1b[?1049l") :]  # what follows leaving the alternate screen
    assert b"divtui: this demo session has ended after 0.6 seconds without a key pressed" in after


async def test_kiosk_mode_offers_nothing_that_touches_the_host(tmp_path: Path) -> None:
    app = kiosk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = await palette_titles(app)
        for command in COMMANDS:
            if not command.kiosk:
                assert command.help not in titles, command.id
        assert {"Screenshot"} & titles == set(), "Textual's screenshot writes a file"
        assert "Add an outcome" in titles, "what lives in memory stays"
        screen = app.screen
        for key in ("ctrl+s", "ctrl+o", "ctrl+shift+s"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, f"{key} opened nothing"
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = " ".join(shown_text(static) for static in app.screen.query(Static))
        assert "Save the scenario" not in help_text and "Open a scenario file" not in help_text
        assert "Add an outcome" in help_text
    assert list(tmp_path.iterdir()) == []


def test_every_command_says_whether_kiosk_mode_allows_it() -> None:
    assert {c.id for c in COMMANDS if not c.kiosk} == {"save", "save_as", "open"}
    for command in COMMANDS:
        assert isinstance(command.kiosk, bool)
