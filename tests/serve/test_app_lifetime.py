"""A served app never outlives the way to reach it (no browser needed).

See `divtui.serve.web` for why: textual-serve only *asks* an app to quit, and Textual's web driver
ignores the end of its input. These tests cover both halves of divtui's fix: the app quits on its
own when the server vanishes, and the server ends an app that will not quit.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from textual_serve.download_manager import DownloadManager

from divtui.serve import web_session as serve_session
from divtui.serve.web_session import SERVED_DRIVER, Session

from .processes import (
    children,
    free_port,
    has_ended,
    kill_all,
    wait_until_ended,
    wait_until_listening,
)


def _packet(kind: bytes, payload: bytes) -> bytes:
    """A packet of textual-serve's protocol on the app's stdin: kind, 4-byte length, payload."""
    return kind + len(payload).to_bytes(4, "big") + payload


def _wait_until_drawn(app: subprocess.Popen[bytes], text: str, timeout: float = 30) -> None:
    """Read the app's output until a frame shows `text` (quitting while the app still mounts its
    screen is another matter: these tests are about an app that is up)."""
    assert app.stdout is not None
    fd = app.stdout.fileno()
    deadline = time.monotonic() + timeout
    seen = b""
    while text.encode() not in seen:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            pytest.fail(f"the app did not draw {text!r} within {timeout} s (or it ended)")
        seen = seen[-len(text) :] + chunk
    assert app.poll() is None


@pytest.fixture
def served_app(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m divtui` with pipes and environment as textual-serve gives it, started."""
    env = {
        **os.environ,
        "TEXTUAL_DRIVER": SERVED_DRIVER,
        "TEXTUAL_COLOR_SYSTEM": "truecolor",
        "COLUMNS": "100",
        "ROWS": "30",
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "divtui"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        _wait_until_drawn(app, "Distributions")
        yield app
    finally:
        if app.poll() is None:
            app.kill()
        app.wait(timeout=10)


def test_the_app_quits_when_its_input_ends(served_app: subprocess.Popen[bytes]) -> None:
    """The server died: stdin reaches end of file (Textual's WebDriver alone would run on)."""
    assert served_app.stdin is not None and served_app.stdout is not None
    served_app.stdin.close()
    while served_app.stdout.read(65536):  # keep reading, as a live server would
        pass
    assert served_app.wait(timeout=10) == 0


def test_the_app_quits_when_its_output_breaks(served_app: subprocess.Popen[bytes]) -> None:
    """Nobody reads the screen any more: the next frame fails with EPIPE, and the app quits."""
    assert served_app.stdin is not None and served_app.stdout is not None
    served_app.stdout.close()
    resize = {"type": "resize", "width": 90, "height": 28}  # makes the app draw a frame
    served_app.stdin.write(_packet(b"M", json.dumps(resize).encode()))
    served_app.stdin.flush()
    assert served_app.wait(timeout=10) == 0


async def test_a_session_kills_an_app_that_will_not_quit(monkeypatch: pytest.MonkeyPatch) -> None:
    """No "quit" packet, no SIGTERM stops this one: after the grace periods, SIGKILL does."""
    monkeypatch.setattr(serve_session, "STOP_GRACE", 0.3)
    stubborn = (
        "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush(); time.sleep(60)"
    )
    sent: list[bytes | str] = []

    async def keep(data: bytes | str) -> None:
        sent.append(data)

    async def close() -> None:
        pass

    session = Session(
        f"exec {shlex.join([sys.executable, '-c', stubborn])}",
        write_bytes=keep,
        write_str=keep,
        close=close,
        download_manager=DownloadManager(),
    )
    await session.start(80, 24)
    process = session._process
    assert process is not None
    await asyncio.sleep(0.5)
    started = time.monotonic()
    await asyncio.wait_for(session.stop(), 10)
    assert process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_stopping_the_server_ends_the_apps_of_open_tabs(tmp_path: Path) -> None:
    """Ctrl+C (SIGINT) with a browser tab still connected: the server closes the tab's websocket,
    ends its app, and exits, all promptly."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "divtui", "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    apps: list[int] = []
    try:
        assert wait_until_listening(port, timeout=30, alive=lambda: server.poll() is None), (
            log.read_text()
        )

        async def open_tab_then_stop_server() -> None:
            async with aiohttp.ClientSession() as client:
                url = f"http://127.0.0.1:{port}/ws?width=100&height=30"
                async with client.ws_connect(url, origin=f"http://127.0.0.1:{port}") as websocket:
                    first = await websocket.receive(timeout=30)  # the app has drawn
                    assert first.type == aiohttp.WSMsgType.BINARY, first
                    apps.extend(children(server.pid))
                    server.send_signal(signal.SIGINT)
                    closing = await websocket.receive(timeout=15)
                    while closing.type == aiohttp.WSMsgType.BINARY:
                        closing = await websocket.receive(timeout=15)
                    assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)

        asyncio.run(open_tab_then_stop_server())
        assert len(apps) == 1, apps
        assert server.wait(timeout=15) == 0, log.read_text()
        assert all(wait_until_ended(pid, 5) for pid in apps)
        assert "Traceback" not in log.read_text()
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=10)
        kill_all([pid for pid in apps if not has_ended(pid)])
