"""One browser tab's app process under `divtui serve`, and why it never outlives the tab.

Why a served app can outlive its browser, and what divtui does about it
------------------------------------------------------------------------
textual-serve 1.1 never signals its app processes. When a websocket ends it writes a "quit"
packet to the app's stdin and waits, with no time limit, for the app's stdout to close. That works
while both ends behave (a browser killed with SIGKILL: its app ends within a second or two), but
nothing else ends an app:

* Stdin at end of file is the only sign an app gets that its server died (killed, crashed)
  without sending "quit". Textual's web driver then just ends its input thread, and the app lives
  on, idle and reparented to init, for ever; textual-serve's ``/bin/sh -c`` wrapper with it.
  Textual's *terminal* driver is worse: at end of file its input loop polls a stdin that is
  always "readable" and reads nothing, for ever, at 100 % of a core (Textual 8.2.8
  ``LinuxDriver.run_input_thread``: its ``while`` loop over ``select``, whose empty read only
  breaks the inner ``for``; ``divtui < /dev/null`` shows it). That is the spinning process seen
  when the app runs under a terminal driver behind a relay that drops the connection.
* An app that does not quit (stuck on a full output pipe, busy, or ignoring the packet) keeps the
  server's websocket handler waiting for ever; and Ctrl+C does not close open websockets, so the
  server stays up until every browser leaves, then drops its event loop under the children.

The fix has two halves. In the app, `divtui.app.served_driver.ServedDriver` quits when stdin ends
or stdout breaks, so a dead server takes its apps with it. Here, `_Session.stop` bounds the wait:
after the quit packet the app gets `STOP_GRACE` seconds (its output still drained, so a full pipe
cannot hold it), then SIGTERM (which the web driver turns into a normal exit), then SIGKILL. The
server also closes every open websocket when it shuts down, so Ctrl+C ends every app first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from importlib.metadata import version

from textual_serve.app_service import AppService

from divtui.serve.process import app_environment, clamp_size

SERVED_DRIVER = "divtui.app.served_driver:ServedDriver"
"""The driver each served app runs under (Textual reads it from $TEXTUAL_DRIVER)."""

STOP_GRACE = 3.0
"""Seconds an app gets to quit after a "quit" packet, and again after SIGTERM, before SIGKILL."""

log = logging.getLogger("textual-serve")


class Session(AppService):
    """One browser tab's app process, which `stop` guarantees to end (see the module docstring),
    in an environment of its own and never told of a terminal larger than the clamp."""

    _stopped = False

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        width, height = clamp_size(width, height)
        return app_environment(
            term="xterm-256color",
            colorterm="truecolor",
            extra={
                "TEXTUAL_DRIVER": SERVED_DRIVER,
                "TEXTUAL_FPS": "60",
                "TEXTUAL_COLOR_SYSTEM": "truecolor",
                "TERM_PROGRAM": "textual",
                "TERM_PROGRAM_VERSION": version("textual-serve"),
                "COLUMNS": str(width),
                "ROWS": str(height),
            },
        )

    async def set_terminal_size(self, width: int, height: int) -> None:
        await super().set_terminal_size(*clamp_size(width, height))

    async def stop(self) -> None:
        """Ask the app to quit; after `STOP_GRACE` seconds terminate it, then kill it."""
        if self._stopped:
            return
        self._stopped = True
        process = self._process
        try:
            await asyncio.wait_for(super().stop(), STOP_GRACE)
        except TimeoutError:
            log.warning("the app did not quit within %s s; terminating it", STOP_GRACE)
        finally:
            if process is not None:
                await _end(process)


async def _end(process: asyncio.subprocess.Process) -> None:
    """Wait for `process` to exit, reading and dropping its output meanwhile; signal it if not."""
    drains = [
        asyncio.create_task(_drain(stream)) for stream in (process.stdout, process.stderr) if stream
    ]
    try:
        for ending in (None, signal.SIGTERM, signal.SIGKILL):
            if process.returncode is not None:
                return
            if ending is not None:
                try:
                    process.send_signal(ending)
                except ProcessLookupError:
                    return
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE)
            except TimeoutError:
                continue
            return
    finally:
        for drain in drains:
            drain.cancel()


async def _drain(stream: asyncio.StreamReader) -> None:
    with contextlib.suppress(RuntimeError, ConnectionError):  # another reader, a closed pipe
        while await stream.read(65536):
            pass
