"""`divtui serve`: the explorer in a web browser, one app process per browser tab (textual-serve).

textual-serve answers each websocket by running a shell command and relaying the app's screen and
the browser's keys. divtui's command is ``exec env TEXTUAL_DRIVER=<ServedDriver> <python> -m
divtui <scenario options>``: this interpreter, the options `divtui serve` was given (so every tab
opens the same scenario), and ``exec`` so that the process the server holds *is* the app, with no
``/bin/sh`` in between to be signalled instead of it or to outlive it.

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
import ipaddress
import logging
import re
import shlex
import signal
import socket
import sys
from collections.abc import Callable, Sequence

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from divtui.app.launch import check_theme
from divtui.core.errors import DivtuiError

SERVED_DRIVER = "divtui.app.served_driver:ServedDriver"
"""The driver each served app runs under (Textual reads it from $TEXTUAL_DRIVER)."""

STOP_GRACE = 3.0
"""Seconds an app gets to quit after a "quit" packet, and again after SIGTERM, before SIGKILL."""

log = logging.getLogger("textual-serve")

_REMOTE_FONTS = re.compile(r"<link[^>]*https?://fonts\.googleapis\.com[^>]*>", re.DOTALL)
"""The page template's stylesheet link to Google Fonts (for Roboto Mono)."""

_LOCAL_FONTS = """<style>
      @font-face {
        font-family: "Roboto Mono";
        font-style: normal;
        font-weight: 100 700;
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf")
          format("truetype");
      }
      @font-face {
        font-family: "Roboto Mono";
        font-style: italic;
        font-weight: 100 700;
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf")
          format("truetype");
      }
    </style>"""
"""The same font from the files textual-serve ships in its static/fonts/: the page works offline."""


def app_command(options: Sequence[str]) -> str:
    """The shell command that starts one served app: this Python, divtui, these options."""
    argv = ["env", f"TEXTUAL_DRIVER={SERVED_DRIVER}", sys.executable, "-m", "divtui", *options]
    return "exec " + shlex.join(argv)


def check_listen(host: str, port: int) -> None:
    """Fail early, with one line, when `host` does not resolve or `port` cannot be bound there."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except (socket.gaierror, UnicodeError) as error:
        raise DivtuiError(f"--host {host!r}: cannot resolve it ({error})") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        try:
            probe.bind(address)
        except OSError as error:
            raise DivtuiError(f"cannot listen on {host} port {port}: {error.strerror}") from None


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(host: str, port: int) -> str:
    """The address the page tells the browser to load scripts and the websocket from."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()  # a wildcard address is no place for a browser to connect
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(
    options: Sequence[str],
    *,
    host: str,
    port: int,
    theme: str | None = None,
    url: str | None = None,
) -> int:
    """Check everything that can be checked, then serve the app until Ctrl+C or SIGTERM."""
    check_theme(theme)
    check_listen(host, port)
    if not is_loopback(host):
        sys.stderr.write(
            f"divtui: warning: serving on {host}: anyone who can reach port {port} can use the "
            "explorer, and its open and save dialogs read and write this machine's files\n"
        )
    server = DivtuiServer(
        app_command([*options, *([f"--theme={theme}"] if theme is not None else [])]),
        host=host,
        port=port,
        public_url=url or public_url(host, port),
    )
    server.serve()
    return 0


class _OfflineTemplates(jinja2.FileSystemLoader):
    """textual-serve's page template with its Google Fonts link swapped for the bundled font."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        return _REMOTE_FONTS.sub(_LOCAL_FONTS, source), filename, uptodate


class _Session(AppService):
    """One browser tab's app process, which `stop` guarantees to end (see the module docstring)."""

    _stopped = False

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


class DivtuiServer(Server):
    """textual-serve's `Server`, offline, with app processes that end with their browser tab."""

    def __init__(self, command: str, *, host: str, port: int, public_url: str) -> None:
        super().__init__(command, host=host, port=port, title="divtui", public_url=public_url)
        self._sockets: set[web.WebSocketResponse] = set()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        aiohttp_jinja2.get_env(app).loader = _OfflineTemplates(self.templates_path)
        return app

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(f"divtui: serving the explorer on {self.public_url}", highlight=False)
        self.console.print("Press Ctrl+C to stop.", highlight=False)

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every websocket, so each handler stops its app before the loop goes away."""
        await asyncio.gather(
            *(websocket.close(code=WSCloseCode.GOING_AWAY) for websocket in list(self._sockets)),
            return_exceptions=True,
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler, with a `_Session` that is always stopped, even on cancel."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        session: _Session | None = None

        async def close() -> None:  # the app said "exit": end the tab's session
            await websocket.close()

        try:
            await websocket.prepare(request)
            self._sockets.add(websocket)
            session = _Session(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            await websocket.close()
            raise
        except Exception as error:
            log.exception(error)
        finally:
            self._sockets.discard(websocket)
            if session is not None:
                await asyncio.shield(session.stop())
        return websocket
