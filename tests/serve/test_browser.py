"""`divtui serve` in a real browser: Debian's headless Chromium, driven by Playwright.

The page draws the app with xterm.js on a canvas, so there is no text in the DOM to read. The
test reads xterm's own screen buffer instead: an init script catches the `Terminal` that
textual-serve's page stores as `this.terminal` (on the object that also holds the websocket URL)
and keeps it in `window.__divtuiTerminal`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from divtui.core.presets import preset

from .processes import (
    cmdline,
    descendants,
    free_port,
    has_ended,
    kill_all,
    wait_until_ended,
    wait_until_listening,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {
      value, writable: true, configurable: true, enumerable: true,
    });
    if ("websocket_url" in this) {
      window.__divtuiTerminal = value;
    }
  },
});
"""
"""Keep textual-serve's xterm.js `Terminal` where the test can reach it (before the page runs)."""

READ_SCREEN = """() => {
  const terminal = window.__divtuiTerminal;
  if (!terminal) return "";
  const buffer = terminal.buffer.active;
  const rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""
"""The terminal's visible rows as text."""

KEY_PAUSE_MS = 200
"""Milliseconds between keystrokes."""

KL_ROW = re.compile(r"KL\(p‖q\)\s+(\S+)")


def _require_browser() -> None:
    """Skip without Chromium or Playwright, except on CI, where their absence is a failure."""
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append('the playwright package (pip install -e ".[test]")')
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must install them")
        pytest.skip(message)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`divtui serve` on a free port of 127.0.0.1, listening; killed afterwards if still running."""
    _require_browser()
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "divtui", "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        if not wait_until_listening(port, timeout=30, alive=lambda: process.poll() is None):
            pytest.fail(f"divtui serve did not listen on port {port}:\n{log.read_text()}")
        yield process, port, log
    finally:
        leftovers = descendants(process.pid)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        kill_all(leftovers)


def _screen(page: Page) -> str:
    text: str = page.evaluate(READ_SCREEN)
    return text


def _wait_for_screen(page: Page, shows: Callable[[str], bool], what: str) -> str:
    """Poll the terminal until `shows(text)`, for 30 s at most; fail showing the screen if not."""
    deadline = time.monotonic() + 30
    text = ""
    while time.monotonic() < deadline:
        text = _screen(page)
        if shows(text):
            return text
        time.sleep(0.1)
    pytest.fail(f"not on the screen after 30 s: {what}\n{text}")


def _kl_shown(text: str) -> str | None:
    """The KL(p‖q) the measures panel shows (one model: the first match)."""
    found = KL_ROW.search(text)
    return found.group(1) if found else None


def _app_processes(server_pid: int) -> list[int]:
    """The served apps: children of the server whose command line names divtui."""
    return [
        pid
        for pid in descendants(server_pid)
        if not has_ended(pid) and any("divtui" in word for word in cmdline(pid))
    ]


def _chromium_processes() -> list[int]:
    """Chromium's browser process(es) started below this test process."""
    return [
        pid
        for pid in descendants(os.getpid())
        if (words := cmdline(pid))
        and words[0].endswith("chromium")
        and not any(word.startswith("--type=") for word in words)
    ]


def test_the_app_works_in_a_browser_and_ends_with_it(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    from playwright.sync_api import sync_playwright

    process, port, log = server
    url = f"http://127.0.0.1:{port}/"
    weather = preset("weather")
    edited = weather.with_probability(1, 0, 0.4)
    chromium: list[int] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            chromium = _chromium_processes()
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(30_000)
            page.on("request", lambda request: requests.append(request.url))
            page.add_init_script(CATCH_TERMINAL)
            page.goto(url)

            _wait_for_screen(page, lambda text: "Distributions" in text, "the app's first screen")
            kl = f"{weather.measures[0].kl:.4f}"
            _wait_for_screen(page, lambda text: _kl_shown(text) == kl, f"KL(p‖q) = {kl}")
            apps = _app_processes(process.pid)
            assert len(apps) == 1, f"expected one app process, found {apps}"

            # Typed at a person's pace: this test is about the browser round trip; how the app
            # orders keys that arrive in one burst is tests/app's business.
            page.focus("textarea.xterm-helper-textarea")
            page.keyboard.press("ArrowRight")  # from p(rain) to uniform(rain)
            page.wait_for_timeout(KEY_PAUSE_MS)
            page.keyboard.type(".4", delay=KEY_PAUSE_MS)
            page.wait_for_timeout(KEY_PAUSE_MS)
            page.keyboard.press("Enter")
            kl_edited = f"{edited.measures[0].kl:.4f}"
            assert kl_edited != kl
            _wait_for_screen(
                page,
                lambda text: _kl_shown(text) == kl_edited,
                f"KL(p‖q) = {kl_edited} once uniform(rain) = 0.4",
            )

            outside = [seen for seen in requests if not seen.startswith(url)]
            assert not outside, f"the page fetched from outside the server: {outside}"
            assert any(seen.endswith(".ttf") for seen in requests), "the font was not served"

            assert chromium, "could not find Chromium's browser process"
            for pid in chromium:  # abruptly: no websocket close frame, no page unload
                os.kill(pid, signal.SIGKILL)
            assert wait_until_ended(apps[0], 10), (
                f"the app process {apps[0]} outlived its browser by 10 s:\n{log.read_text()}"
            )
        finally:
            kill_all(chromium)
            browser.close()

    process.send_signal(signal.SIGTERM)
    try:
        status = process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"divtui serve ignored SIGTERM for 15 s:\n{log.read_text()}")
    output = log.read_text()
    assert status == 0, output
    assert "Traceback" not in output, output
    assert not _app_processes(process.pid)
