"""`divtui serve` on the command line: options checked before any server starts, the command each
browser tab runs, and a page that needs nothing from the internet."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import jinja2
import pytest
from textual_serve.server import Server

from divtui.cli import main
from divtui.serve import web as serve_module
from divtui.serve.process import MEMORY_LIMIT
from divtui.serve.web import _OfflineTemplates, app_command, is_loopback, public_url


def _serve(args: Sequence[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`python -m divtui serve ARGS`, which must give up (a server would run past the timeout)."""
    return subprocess.run(
        [sys.executable, "-m", "divtui", "serve", *args],
        capture_output=True,
        encoding="utf-8",
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "XDG_CONFIG_HOME": str(tmp_path),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "COLUMNS": "100",
        },
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "nope"], "unknown preset 'nope'"),
        (["--preset", "coin", "--p", "1,1"], "give one scenario source, not --preset and --p/--q"),
        (["--q", "1,1"], "--q needs a --p"),
        (["missing.toml"], "missing.toml"),
        (["--unit", "furlongs"], "unknown unit 'furlongs'"),
        (["--theme", "nope"], "unknown theme 'nope'"),
        (["--port", "0"], "argument --port: '0' is not a port number (1–65535)"),
        (["--port", "http"], "argument --port: 'http' is not a port number (1–65535)"),
        (["--port", "65536"], "is not a port number"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--max-sessions", "0"], "argument --max-sessions: '0' is not a whole number ≥ 1"),
        (["--max-sessions", "many"], "argument --max-sessions: 'many' is not a whole number ≥ 1"),
        (["--allow-origin", "evil.example"], "--allow-origin 'evil.example': not an origin"),
        (["--allow-origin", "https://x.org/page"], "--allow-origin 'https://x.org/page'"),
        (["--public-url", "demo.example.org"], "--public-url 'demo.example.org': not an http"),
        (["--open"], "--open goes with --ssh"),
        (["--authorized-keys", "keys"], "--authorized-keys goes with --ssh"),
        (["--ssh"], "give --authorized-keys FILE (who may log in) or --open (anyone)"),
        (["--ssh", "--open", "--authorized-keys", "k"], "not both nor neither"),
        (["--ssh", "--open", "--public-url", "http://x.org"], "--public-url is for browsers"),
        (["--ssh", "--open", "--allow-origin", "http://x.org"], "--allow-origin is for browsers"),
        (["--ssh", "--authorized-keys", "nope"], "--authorized-keys nope: not a regular file"),
        (["--ssh", "--open", "--theme", "nope"], "unknown theme 'nope'"),
        (["--ssh", "--open", "--preset", "nope"], "unknown preset 'nope'"),
    ],
)
def test_a_bad_option_is_one_error_line_and_status_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = _serve(args, tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("divtui: error: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


@pytest.mark.parametrize("ssh", [[], ["--ssh", "--open"]])
def test_a_port_in_use_is_an_error_before_the_server_starts(ssh: list[str], tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _serve([*ssh, "--port", str(port)], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.endswith(
        f"divtui: error: cannot listen on 127.0.0.1 port {port}: Address already in use\n"
    )
    assert result.stderr.count("\n") == 1


def test_serve_hands_the_scenario_options_to_every_app(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}

    def fake_serve(options: Sequence[str], **settings: object) -> int:
        seen.update(settings, options=list(options))
        return 0

    monkeypatch.setattr(serve_module, "serve", fake_serve)
    monkeypatch.chdir(tmp_path)
    scenario = tmp_path / "my scenario.toml"
    scenario.write_text(
        'title = "t"\nunit = "nats"\nlabels = ["a", "b"]\np = [1, 1]\n\n'
        '[[models]]\nname = "m"\nq = [1, 3]\n',
        encoding="utf-8",
    )
    assert main(["serve", "my scenario.toml", "--unit", "bits", "--theme", "divtui-light"]) == 0
    assert seen == {
        "options": [str(scenario), "--unit=bits"],
        "host": "127.0.0.1",
        "port": 8000,
        "theme": "divtui-light",
        "url": None,
        "kiosk": True,
        "max_sessions": 16,
        "allow_origins": [],
    }
    seen.clear()
    assert (
        main(["serve", "--p", "rain=.5 snow=.5", "--q", "f: rain=.2 snow=.8", "--port", "9"]) == 0
    )
    assert seen["options"] == ["--p=rain=.5 snow=.5", "--q=f: rain=.2 snow=.8"]
    assert seen["port"] == 9


@pytest.mark.parametrize(
    "options",
    [
        ["--p=-a=1,b=3", "--q=1,1"],  # a label that starts with "-"
        ["--p", "rain=.5 snow=.5", "--q", "f: rain=.2 snow=.8", "--q", "1 3", "--unit", "bits"],
        ["--preset", "support-mismatch", "--unit", "hartleys"],
    ],
)
def test_each_app_reads_the_same_scenario_from_the_options_it_is_given(
    options: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handed: list[str] = []

    def fake_serve(words: Sequence[str], **settings: object) -> int:
        handed.extend(words)
        return 0

    monkeypatch.setattr(serve_module, "serve", fake_serve)
    assert main(["serve", *options]) == 0
    assert main(["report", *options, "--format", "json"]) == 0
    direct = capsys.readouterr().out
    assert main(["report", *handed, "--format", "json"]) == 0
    assert capsys.readouterr().out == direct


def test_the_app_command_runs_this_python_on_kiosk_divtui() -> None:
    options = ["--p", "rain=.5 snow=.5", "--q", "it's: rain=.2 snow=.8", "--theme", "nord"]
    cap = ["ulimit", "-v", str(MEMORY_LIMIT // 1024), "2>/dev/null;"]
    words = shlex.split(app_command(options))
    assert words == [*cap, "exec", sys.executable, "-m", "divtui", "--kiosk", *options]
    words = shlex.split(app_command(options, kiosk=False))
    assert words == [*cap, "exec", sys.executable, "-m", "divtui", *options]


def test_the_page_loads_its_font_from_the_server_not_the_internet() -> None:
    server = Server("true")
    loader = _OfflineTemplates(server.templates_path)
    page = jinja2.Environment(loader=loader, autoescape=True).get_template("app_index.html")
    html = page.render(
        config={"static": {"url": "http://127.0.0.1:8000/static/"}},
        application={"name": "divtui"},
        app_websocket_url="ws://127.0.0.1:8000/ws",
        font_size=16,
    )
    assert "googleapis" not in html
    external = [
        url
        for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
        + re.findall(r"""url\(\s*["']?([^"')]+)""", html)
        if not url.startswith("http://127.0.0.1:8000/")
    ]
    assert external == []
    for name in ("RobotoMono-VariableFont_wght.ttf", "RobotoMono-Italic-VariableFont_wght.ttf"):
        assert f"http://127.0.0.1:8000/static/fonts/{name}" in html
        assert (Path(server.statics_path) / "fonts" / name).is_file()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("localhost", True)]
    + [("0.0.0.0", False), ("192.0.2.7", False), ("example.org", False)],
)
def test_only_loopback_hosts_are_private(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_public_url_is_one_a_browser_can_reach() -> None:
    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url("::1", 8080) == "http://[::1]:8080"
    assert public_url("0.0.0.0", 8000) == f"http://{socket.gethostname()}:8000"
