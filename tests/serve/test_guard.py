"""What a served app is told and whom a server answers, without a server: the Host and Origin
checks, the size clamp, the stripped environment, and the page messages the server relays."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest
from aiohttp import WSMsgType
from yarl import URL

from divtui.core.errors import DivtuiError
from divtui.serve.guard import Guard, parse_origin, parse_public_url
from divtui.serve.process import (
    MAX_COLUMNS,
    MAX_ROWS,
    app_argv,
    app_environment,
    clamp_size,
    terminal_name,
)
from divtui.serve.web import DivtuiServer


def _guard(host: str = "127.0.0.1", url: str = "http://127.0.0.1:8000", *allowed: str) -> Guard:
    return Guard.for_server(
        host=host,
        port=8000,
        public_url=URL(url),
        allow_origins=[parse_origin(origin) for origin in allowed],
    )


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("127.0.0.1:8000", True),
        ("127.0.0.1", True),
        ("localhost:8000", True),
        ("LOCALHOST.:8000", True),
        ("[::1]:8000", True),
        ("127.8.9.10:8000", True),  # loopback, whatever the bind address
        ("evil.example:8000", False),  # DNS rebinding: a foreign name resolving to us
        ("localhost.evil.example:8000", False),
        ("10.0.0.5:8000", False),  # not an address this server is bound to
        ("", False),
        (None, False),
        ("a b", False),
        ("[not-an-address]:80", False),
    ],
)
def test_a_server_on_loopback_answers_only_to_its_own_names(
    header: str | None, allowed: bool
) -> None:
    assert _guard().allows_host(header) is allowed


def test_a_server_on_every_interface_answers_to_any_address_but_only_its_names() -> None:
    guard = _guard("0.0.0.0", "http://demo.example.org:8000")
    assert guard.allows_host("10.0.0.5:8000")  # digits cannot be rebound
    assert guard.allows_host("[2001:db8::1]:8000")
    assert guard.allows_host("demo.example.org")
    assert not guard.allows_host("evil.example:8000")


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),  # the same page, reached by another name of ours
        ("https://demo.example.org", True),  # the public URL (a proxy)
        ("https://demo.example.org:443", True),
        ("http://127.0.0.1:8001", False),  # another server on this machine
        ("http://localhost:3000", False),
        ("http://evil.example:8000", False),
        ("https://demo.example.org:8443", False),
        ("null", False),  # a sandboxed frame or a file:// page
        ("", False),
        (None, False),
        ("file:///home/me/page.html", False),
    ],
)
def test_only_pages_of_this_server_may_open_its_websocket(
    origin: str | None, allowed: bool
) -> None:
    guard = _guard("127.0.0.1", "https://demo.example.org")
    assert guard.allows_origin(origin) is allowed


def test_allow_origin_adds_an_origin() -> None:
    guard = _guard("127.0.0.1", "http://127.0.0.1:8000", "https://Teach.Example.org:8443")
    assert guard.allows_origin("https://teach.example.org:8443")
    assert not guard.allows_origin("https://teach.example.org")
    assert not guard.allows_origin("http://teach.example.org:8443")


@pytest.mark.parametrize(
    "text", ["demo.example.org", "ftp://x.org", "https://", "http://x.org:99999", "https://x/a"]
)
def test_a_bad_allow_origin_is_one_clear_error(text: str) -> None:
    with pytest.raises(DivtuiError, match=r"^--allow-origin '.*': not an origin"):
        parse_origin(text)


@pytest.mark.parametrize("text", ["demo.example.org", "ftp://x.org/", "http://", "http://x:0x1"])
def test_a_bad_public_url_is_one_clear_error(text: str) -> None:
    with pytest.raises(DivtuiError, match=r"^--public-url '.*': not an http:// or https:// URL"):
        parse_public_url(text)


@pytest.mark.parametrize(
    ("width", "height", "clamped"),
    [
        (8000, 8000, (MAX_COLUMNS, MAX_ROWS)),
        ("8000", "8000", (MAX_COLUMNS, MAX_ROWS)),
        ("9" * 10_000, "9" * 10_000, (MAX_COLUMNS, MAX_ROWS)),
        (120, 40, (120, 40)),
        ("100", " 30 ", (100, 30)),
        (0, -5, (80, 24)),
        (1, 1, (1, 1)),
        (None, None, (80, 24)),
        ("wide", 2.5, (80, 24)),
        (True, False, (80, 24)),
        ({"x": 1}, [3], (80, 24)),
    ],
)
def test_a_declared_terminal_size_is_clamped(
    width: object, height: object, clamped: tuple[int, int]
) -> None:
    assert clamp_size(width, height) == clamped


def test_the_app_environment_is_not_the_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hunter2")
    monkeypatch.setenv("TEXTUAL", "debug,devtools")
    monkeypatch.setenv("PYTHONSTARTUP", "/tmp/evil.py")
    monkeypatch.setenv("LD_PRELOAD", "/tmp/evil.so")
    monkeypatch.setenv("PATH", "/opt/bin:/usr/bin")
    environment = app_environment(term="xterm-256color", colorterm="truecolor")
    assert set(environment) <= {
        "PATH",
        "HOME",
        "XDG_CONFIG_HOME",
        "PYTHONPATH",
        "PYTHONSAFEPATH",
        "LANG",
        "TERM",
        "COLORTERM",
    }
    assert environment["PATH"] == "/opt/bin:/usr/bin"
    assert environment["TERM"] == "xterm-256color"
    assert environment["COLORTERM"] == "truecolor"
    assert environment["LANG"] == "C.UTF-8"
    assert environment["PYTHONSAFEPATH"] == "1"
    assert "COLORTERM" not in app_environment(term="xterm", colorterm=None)
    extra = app_environment(term="xterm", colorterm=None, extra={"TEXTUAL_FPS": "60"})
    assert extra["TEXTUAL_FPS"] == "60"


def test_the_app_finds_the_servers_divtui(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONPATH", raising=False)
    import divtui

    root = os.path.dirname(os.path.dirname(os.path.abspath(divtui.__file__)))
    assert app_environment(term="xterm", colorterm=None)["PYTHONPATH"].split(os.pathsep)[0] == root


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("xterm-256color", "xterm-256color"),
        ("tmux-256color", "tmux-256color"),
        ("truecolor", "truecolor"),
        ("xterm\x1b]0;owned\x07", "fallback"),
        ("", "fallback"),
        (None, "fallback"),
        ("x" * 65, "fallback"),
        ("../../etc/passwd", "fallback"),
    ],
)
def test_a_terminal_name_from_a_client_is_checked(value: str | None, expected: str) -> None:
    assert terminal_name(value, "fallback") == expected


def test_the_app_runs_in_kiosk_mode_unless_told_not_to() -> None:
    assert app_argv(["--preset=coin"], kiosk=True)[-2:] == ["--kiosk", "--preset=coin"]
    assert "--kiosk" not in app_argv(["--preset=coin"], kiosk=False)


@dataclass
class _Message:
    type: WSMsgType
    data: str


class _Page:
    """The page's side of a websocket: a fixed list of messages, and what was sent back."""

    def __init__(self, *messages: object) -> None:
        self._messages = [
            _Message(WSMsgType.TEXT, text if isinstance(text, str) else json.dumps(text))
            for text in messages
        ]
        self.sent: list[object] = []

    def __aiter__(self) -> _Page:
        return self

    async def __anext__(self) -> _Message:
        if not self._messages:
            raise StopAsyncIteration
        return self._messages.pop(0)

    async def send_json(self, data: object) -> None:
        self.sent.append(data)


class _App:
    """What the server relays to the app."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    async def send_bytes(self, data: bytes) -> bool:
        self.calls.append(("stdin", data))
        return True

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.calls.append(("resize", (width, height)))

    async def blur(self) -> None:
        self.calls.append(("blur", None))

    async def focus(self) -> None:
        self.calls.append(("focus", None))


async def test_the_server_relays_page_messages_clamped_and_drops_malformed_ones() -> None:
    page = _Page(
        ["resize", {"width": 8000, "height": 8000}],
        ["resize", {"width": "120", "height": 40}],
        ["resize", "huge"],
        ["stdin", "q"],
        ["stdin", 42],
        "not json {",
        "[" * 100_000 + "]" * 100_000,
        {"not": "a list"},
        [],
        ["ping", "1700000000000"],
        ["ping", "x" * 10_000],
        ["focus"],
        ["blur"],
        ["bogus", 1],
    )
    app = _App()
    server = DivtuiServer(
        "true", host="127.0.0.1", port=8000, public_url="http://127.0.0.1:8000", guard=_guard()
    )
    await server._process_messages(page, app)  # type: ignore[arg-type]
    assert app.calls == [
        ("resize", (MAX_COLUMNS, MAX_ROWS)),
        ("resize", (120, 40)),
        ("stdin", b"q"),
        ("focus", None),
        ("blur", None),
    ]
    assert page.sent == [["pong", "1700000000000"]]
