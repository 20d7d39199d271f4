"""`divtui serve` to a raw HTTP client (aiohttp, no browser): whom it refuses, how many it lets in,
and what the app process it starts gets to see."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from divtui.serve.guard import Guard
from divtui.serve.process import DEFAULT_MAX_SESSIONS, MAX_COLUMNS, MAX_ROWS, MEMORY_LIMIT
from divtui.serve.web import FULL_PAGE, DivtuiServer

from .processes import (
    children,
    cmdline,
    descendants,
    free_port,
    has_ended,
    kill_all,
    wait_until_ended,
    wait_until_listening,
)

SECRET = "DIVTUI_TEST_SERVER_SECRET"
"""A variable only the server's environment holds."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`divtui serve` on a free port of 127.0.0.1, listening, with a secret in its environment."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), SECRET: "hunter2"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "divtui", "serve", "--port", str(port), "--preset", "coin"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        assert wait_until_listening(port, timeout=30, alive=lambda: process.poll() is None), (
            log.read_text()
        )
        yield process, port, log
    finally:
        leftovers = descendants(process.pid)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        kill_all(leftovers)


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {name.decode(): value.decode(errors="replace") for name, value in pairs}


def _address_space_limit(pid: int) -> str:
    limits = Path(f"/proc/{pid}/limits").read_text()
    found = re.search(r"^Max address space\s+(\S+)", limits, re.MULTILINE)
    return found.group(1) if found else "?"


def test_foreign_origins_and_hosts_are_refused_and_the_app_sees_little(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    process, port, log = server
    ours = f"http://127.0.0.1:{port}"
    socket_url = f"{ours}/ws?width=8000&height=8000"

    async def visit() -> None:
        async with aiohttp.ClientSession() as client:
            for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}", "null", None):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await client.ws_connect(socket_url, origin=origin)
                assert refused.value.status == 403, origin
            # DNS rebinding: a foreign name that resolves here, on every kind of request.
            rebound = {"Host": f"evil.example:{port}"}
            for path in ("/", "/static/js/textual.js", "/ws"):
                async with client.get(ours + path, headers=rebound) as answer:
                    assert answer.status == 403, path
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(socket_url, origin=ours, headers=rebound)
            assert refused.value.status == 403
            assert children(process.pid) == [], "a refused visitor got an app"

            async with client.get(f"http://localhost:{port}/") as page:
                assert page.status == 200
            async with client.ws_connect(socket_url, origin=ours) as websocket:
                first = await websocket.receive(timeout=30)
                assert first.type == aiohttp.WSMsgType.BINARY, first
                (app,) = children(process.pid)
                words = cmdline(app)
                assert words[-3:] == ["divtui", "--kiosk", "--preset=coin"], words
                variables = _environ(app)
                assert SECRET not in variables
                assert (variables["COLUMNS"], variables["ROWS"]) == (
                    str(MAX_COLUMNS),
                    str(MAX_ROWS),
                )
                assert _address_space_limit(app) == str(MEMORY_LIMIT)
            assert wait_until_ended(app, 10)

    asyncio.run(visit())
    assert "Traceback" not in log.read_text()


FAKE_APP = r"""
import os, sys
out = sys.stdout.buffer
out.write(b"__GANGLION__\n" + b"D" + (5).to_bytes(4, "big") + b"ready")
out.flush()
while True:
    chunk = os.read(0, 65536)
    if not chunk or b'"quit"' in chunk:
        break
"""
"""A stand-in for divtui that speaks just enough of textual-serve's protocol: says it is ready,
draws five bytes, and quits when told to."""


async def test_past_max_sessions_visitors_get_a_full_page_until_a_seat_is_free() -> None:
    port = free_port()
    ours = f"http://127.0.0.1:{port}"
    server = DivtuiServer(
        f"exec {shlex.join([sys.executable, '-c', FAKE_APP])}",
        host="127.0.0.1",
        port=port,
        public_url=ours,
        guard=Guard.for_server(host="127.0.0.1", port=port, public_url=URL(ours)),
    )
    assert server.max_sessions == DEFAULT_MAX_SESSIONS == 16
    runner = aiohttp.web.AppRunner(await server._make_app())
    await runner.setup()
    await aiohttp.web.TCPSite(runner, "127.0.0.1", port).start()
    sockets: list[aiohttp.ClientWebSocketResponse] = []
    try:
        async with aiohttp.ClientSession() as client:
            for _seat in range(16):
                websocket = await client.ws_connect(f"{ours}/ws", origin=ours)
                sockets.append(websocket)
                first = await websocket.receive(timeout=30)
                assert first.data == b"ready", first
            assert len(children(os.getpid())) >= 16

            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:  # the 17th
                await client.ws_connect(f"{ours}/ws", origin=ours)
            assert refused.value.status == 503
            async with client.get(f"{ours}/") as page:
                assert page.status == 503
                assert "divtui is full" in await page.text()
                assert FULL_PAGE.format(seats=16) == await page.text()

            await sockets.pop().close()
            deadline = time.monotonic() + 15
            while True:  # the seat frees once the app has ended
                try:
                    sockets.append(await client.ws_connect(f"{ours}/ws", origin=ours))
                    break
                except aiohttp.WSServerHandshakeError as error:
                    assert error.status == 503
                    assert time.monotonic() < deadline, "the freed seat was not given again"
                    await asyncio.sleep(0.1)
            first = await sockets[-1].receive(timeout=30)
            assert first.data == b"ready"
            for websocket in sockets:
                await websocket.close()
    finally:
        apps = [pid for pid in children(os.getpid()) if not has_ended(pid)]
        await runner.cleanup()
        kill_all(apps)
