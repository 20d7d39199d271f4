"""`divtui serve`: the explorer in a web browser, one app process per browser tab (textual-serve).

textual-serve answers each websocket by running a shell command and relaying the app's screen and
the browser's keys. divtui's command is ``exec <python> -m divtui --kiosk <scenario options>``:
this interpreter, kiosk mode (unless `--no-kiosk`), the options `divtui serve` was given (so every
tab opens the same scenario), and ``exec`` so that the process the server holds *is* the app, with
no ``/bin/sh`` in between to be signalled instead of it or to outlive it. Its environment is not
the server's but `divtui.serve.process.app_environment` with `ServedDriver` as its driver.

Strangers can reach the page, so the server also refuses a WebSocket from a page of another
origin and any request whose Host is not one of its names (`divtui.serve.guard`), lets at
most `--max-sessions` tabs in at once, and clamps the terminal size a tab declares.

Why each app ends with its tab (and how) is told in `divtui.serve.web_session`.
"""

from __future__ import annotations

import asyncio
import getpass
import ipaddress
import json
import logging
import re
import shlex
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from divtui.app.launch import check_theme
from divtui.core.errors import DivtuiError
from divtui.serve.guard import Guard, parse_origin, parse_public_url
from divtui.serve.process import (
    DEFAULT_MAX_SESSIONS,
    KIOSK_WARNING,
    MEMORY_LIMIT,
    app_argv,
    clamp_size,
)
from divtui.serve.web_session import Session

FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>divtui is full</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>divtui is full</h1>
<p>All {seats} seats are taken. Please try again in a few minutes.</p>
</body></html>
"""
"""The page (and the refused WebSocket's body) when `--max-sessions` visitors are in."""

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


def app_command(options: Sequence[str], *, kiosk: bool = True) -> str:
    """The shell command that starts one served app: at most `MEMORY_LIMIT` of address space,
    then this Python on divtui (kiosk unless told otherwise) with these options. Its driver and
    environment come from `Session`."""
    cap = f"ulimit -v {MEMORY_LIMIT // 1024} 2>/dev/null"  # fails only under a lower hard limit
    return f"{cap}; exec {shlex.join(app_argv(options, kiosk=kiosk))}"


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
    kiosk: bool = True,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    allow_origins: Sequence[str] = (),
) -> int:
    """Check everything that can be checked, then serve the app until Ctrl+C or SIGTERM."""
    check_theme(theme)
    reached_at = parse_public_url(url or public_url(host, port))
    origins = [parse_origin(origin) for origin in allow_origins]
    check_listen(host, port)
    if not kiosk:
        sys.stderr.write(KIOSK_WARNING.format(user=getpass.getuser()))
    if not is_loopback(host):
        sys.stderr.write(
            f"divtui: warning: serving on {host}: anyone who can reach port {port} can use the "
            "explorer\n"
        )
    server = DivtuiServer(
        app_command([*options, *([f"--theme={theme}"] if theme is not None else [])], kiosk=kiosk),
        host=host,
        port=port,
        public_url=str(reached_at).rstrip("/"),
        guard=Guard.for_server(host=host, port=port, public_url=reached_at, allow_origins=origins),
        max_sessions=max_sessions,
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


class DivtuiServer(Server):
    """textual-serve's `Server`, offline and guarded, with at most `max_sessions` app processes,
    each of which ends with its browser tab."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        public_url: str,
        guard: Guard,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
    ) -> None:
        super().__init__(command, host=host, port=port, title="divtui", public_url=public_url)
        self.guard = guard
        self.max_sessions = max_sessions
        self._sockets: set[web.WebSocketResponse] = set()
        self._sessions = 0
        """Tabs with an app process, from the handshake until their app has ended."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._check_host)
        aiohttp_jinja2.get_env(app).loader = _OfflineTemplates(self.templates_path)
        return app

    @web.middleware
    async def _check_host(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Answer only requests addressed to one of this server's names (DNS rebinding)."""
        if not self.guard.allows_host(request.headers.get("Host")):
            log.warning("refused a request for host %r", request.headers.get("Host"))
            return web.Response(
                status=403, text="divtui: this server does not answer to that host name\n"
            )
        return await handler(request)

    def _full(self) -> web.HTTPServiceUnavailable:
        return web.HTTPServiceUnavailable(
            content_type="text/html",
            text=FULL_PAGE.format(seats=self.max_sessions),
            headers={"Retry-After": "60"},
        )

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, or a plain "full" page when every seat is taken."""
        if self._sessions >= self.max_sessions:
            raise self._full()
        page: web.StreamResponse = await super().handle_index(request)
        return page

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(f"divtui: serving the explorer on {self.public_url}", highlight=False)
        self.console.print("Press Ctrl+C to stop.", highlight=False)

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every websocket, so each handler stops its app before the loop goes away."""
        await asyncio.gather(
            *(websocket.close(code=WSCloseCode.GOING_AWAY) for websocket in list(self._sockets)),
            return_exceptions=True,
        )

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """Relay the page's messages to the app; anything malformed is dropped, not raised."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except (ValueError, RecursionError):  # not JSON, or nested beyond reason
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = clamp_size(data.get("width"), data.get("height"))
                await app_service.set_terminal_size(width, height)
            elif kind == "ping" and isinstance(data, str) and len(data) <= 32:
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler, behind the Origin check and the seat count, with a `Session`
        that is always stopped, even on cancel."""
        origin = request.headers.get("Origin")
        if not self.guard.allows_origin(origin):
            log.warning("refused a websocket from a page of %r", origin)
            raise web.HTTPForbidden(
                text="divtui: refused: the page that opened this connection is not this "
                "server's (see divtui serve --allow-origin)\n",
            )
        if self._sessions >= self.max_sessions:
            raise self._full()
        self._sessions += 1
        try:
            return await self._run_session(request)
        finally:
            self._sessions -= 1

    async def _run_session(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width, height = clamp_size(request.query.get("width"), request.query.get("height"))
        session: Session | None = None

        async def close() -> None:  # the app said "exit": end the tab's session
            await websocket.close()

        try:
            await websocket.prepare(request)
            self._sockets.add(websocket)
            session = Session(
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
