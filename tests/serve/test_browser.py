"""`divtui serve` in a real browser: Debian's headless Chromium, driven by Playwright.

The page draws the app with xterm.js on a canvas, so there is no text in the DOM to read. The
test reads xterm's own screen buffer instead: an init script catches the `Terminal` that
textual-serve's page stores as `this.terminal` (on the object that also holds the websocket URL)
and keeps it in `window.__divtuiTerminal`.
"""

from __future__ import annotations

import contextlib
import http.server
import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
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
FOOTER = re.compile(r"\bq Quit\b")
"""The footer's last key, on the terminal's last row."""


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


Server = tuple[subprocess.Popen[bytes], int, Path]
"""A running `divtui serve`, the port it listens on, and its log."""

SECRET = "DIVTUI_TEST_SERVER_SECRET"
"""A variable only the server's environment holds: no app may see it."""


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start `divtui serve` with extra options on a free port of 127.0.0.1, and wait until it
    listens; every server started is killed afterwards, with anything it left, if still running."""
    _require_browser()
    started: list[subprocess.Popen[bytes]] = []

    def start(*options: str) -> Server:
        port = free_port()
        log = tmp_path / f"serve-{len(started)}.log"
        env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), SECRET: "hunter2"}
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "divtui", "serve", "--port", str(port), *options],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        started.append(process)
        if not wait_until_listening(port, timeout=30, alive=lambda: process.poll() is None):
            pytest.fail(f"divtui serve did not listen on port {port}:\n{log.read_text()}")
        return process, port, log

    try:
        yield start
    finally:
        for process in started:
            leftovers = descendants(process.pid)
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
            kill_all(leftovers)


@pytest.fixture
def server(start_server: Callable[..., Server]) -> Server:
    """`divtui serve` with its defaults."""
    return start_server()


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

            # The footer is drawn on the first paint, before any click (it stayed blank until one).
            _wait_for_screen(
                page,
                lambda text: "Distributions" in text and bool(FOOTER.search(text.splitlines()[-1])),
                "the app's first screen, footer included",
            )
            kl = f"{weather.measures[0].kl:.4f}"
            _wait_for_screen(page, lambda text: _kl_shown(text) == kl, f"KL(p‖q) = {kl}")
            apps = _app_processes(process.pid)
            assert len(apps) == 1, f"expected one app process, found {apps}"
            assert cmdline(apps[0])[-2:] == ["divtui", "--kiosk"], cmdline(apps[0])
            assert SECRET.encode() not in Path(f"/proc/{apps[0]}/environ").read_bytes()

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


FOREIGN_PAGE = """<!DOCTYPE html>
<html><body><script>
window.__result = "pending";
const socket = new WebSocket("ws://127.0.0.1:{port}/ws?width=80&height=24");
socket.binaryType = "arraybuffer";
socket.onmessage = () => {{ window.__result = "drove the app"; }};
socket.onclose = () => {{ if (window.__result === "pending") window.__result = "refused"; }};
</script></body></html>
"""
"""A page of another origin that tries to drive the app through the server's websocket."""


@contextlib.contextmanager
def _foreign_site(html: Callable[[], str]) -> Iterator[int]:
    """An HTTP server of its own on another port of 127.0.0.1 that serves `html()` at /."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            body = html().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield site.server_address[1]
    finally:
        site.shutdown()
        site.server_close()


@pytest.mark.parametrize("allowed", [False, True], ids=["foreign", "allowed"])
def test_a_page_of_another_origin_cannot_open_the_socket(
    allowed: bool, start_server: Callable[..., Server]
) -> None:
    """And a foreign name resolving here (DNS rebinding) is refused at the door. With
    --allow-origin, the same page does reach the app: the refusal is the server's doing."""
    from playwright.sync_api import sync_playwright

    server_port: list[int] = []
    with _foreign_site(lambda: FOREIGN_PAGE.format(port=server_port[0])) as page_port:
        origin = f"http://127.0.0.1:{page_port}"
        process, port, log = start_server(*(["--allow-origin", origin] if allowed else []))
        server_port.append(port)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"],
                timeout=60_000,
            )
            try:
                page = browser.new_page()
                page.set_default_timeout(30_000)
                page.goto(f"{origin}/")
                page.wait_for_function("window.__result !== 'pending'", timeout=30_000)
                result = page.evaluate("window.__result")
                apps = _app_processes(process.pid)
                rebound = page.goto(f"http://rebind.test:{port}/")
                assert rebound is not None and rebound.status == 403
            finally:
                browser.close()
    if allowed:
        assert result == "drove the app", log.read_text()
        assert len(apps) == 1
    else:
        assert result == "refused", log.read_text()
        assert apps == []
        assert "refused a websocket" in log.read_text()


def test_one_past_max_sessions_gets_the_full_page(start_server: Callable[..., Server]) -> None:
    from playwright.sync_api import sync_playwright

    process, port, log = start_server("--max-sessions", "2")
    url = f"http://127.0.0.1:{port}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            tabs = [browser.new_page() for _seat in range(2)]
            for tab in tabs:  # both apps start together
                tab.set_default_timeout(30_000)
                tab.add_init_script(CATCH_TERMINAL)
                tab.goto(url)
            for tab in tabs:
                _wait_for_screen(tab, lambda text: "Distributions" in text, "the app")
            assert len(_app_processes(process.pid)) == 2
            third = browser.new_page()
            answer = third.goto(url)
            assert answer is not None and answer.status == 503
            assert "divtui is full" in third.inner_text("body")
            assert "2 seats" in third.inner_text("body")
            assert len(_app_processes(process.pid)) == 2

            tabs[0].close()  # a seat frees once that tab's app has ended
            deadline = time.monotonic() + 20
            while (answer := third.goto(url)) is not None and answer.status == 503:
                assert time.monotonic() < deadline, "the freed seat was not given again"
                third.wait_for_timeout(200)
            assert answer is not None and answer.status == 200
        finally:
            browser.close()
