"""`divtui serve --ssh` before it listens: the host key it keeps, the keys it lets in, and the app
command each visitor gets (no SSH client needed; tests/demo/test_ssh_server.py has those)."""

from __future__ import annotations

import stat
import sys
from collections.abc import Sequence
from pathlib import Path

import asyncssh
import pytest

from divtui.cli import main
from divtui.core.errors import DivtuiError
from divtui.serve import ssh_server
from divtui.serve import web as serve_module
from divtui.serve.process import MEMORY_LIMIT
from divtui.serve.ssh_server import HOST_KEY_NAME, host_key, read_authorized_keys, state_directory


def test_the_host_key_is_created_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "state" / "divtui" / HOST_KEY_NAME
    first = host_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert first.algorithm == b"ssh-ed25519"
    again = host_key(path)
    assert again.get_fingerprint() == first.get_fingerprint()
    assert [entry.name for entry in path.parent.iterdir()] == [HOST_KEY_NAME]  # no draft left


def test_a_host_key_others_can_read_or_that_is_no_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / HOST_KEY_NAME
    host_key(path)
    path.chmod(0o644)
    with pytest.raises(DivtuiError, match=r"others can read it \(mode 644\); chmod 600"):
        host_key(path)
    path.write_text("not a key\n")
    path.chmod(0o600)
    with pytest.raises(DivtuiError, match=r"not a usable private key"):
        host_key(path)


def test_the_state_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state_directory() == tmp_path / "divtui"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_directory() == tmp_path / "home" / ".local" / "state" / "divtui"


def _public_key(tmp_path: Path) -> str:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="visitor@laptop")
    return key.export_public_key().decode().strip()


def test_authorized_keys_are_read_with_their_comments_and_options(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text(
        f"# the demo's visitors\n\n{_public_key(tmp_path)}\n"
        f'from="127.0.0.1",no-agent-forwarding {_public_key(tmp_path)}\n'
    )
    assert isinstance(read_authorized_keys(str(keys)), asyncssh.SSHAuthorizedKeys)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# only a comment\n", "no public key in it"),
        ("ssh-ed25519 AAAA-not-base64\n", "line 1: not a public key line"),
        ("KEY\nhello world\n", "line 2: not a public key line"),
        ('command="/bin/sh" KEY\n', "line 1: a command= option; this server runs only"),
        ('restrict,command="x" KEY\n', "line 1: a command= option"),
    ],
)
def test_a_bad_authorized_keys_file_is_one_clear_error(
    text: str, message: str, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    keys.write_text(text.replace("KEY", _public_key(tmp_path)))
    with pytest.raises(DivtuiError, match=rf"^--authorized-keys {keys}.*{message}"):
        read_authorized_keys(str(keys))


def test_a_binary_authorized_keys_file_is_an_error(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DivtuiError, match="not a text file"):
        read_authorized_keys(str(keys))


@pytest.mark.parametrize("kiosk", [True, False])
def test_ssh_visitors_get_kiosk_divtui_unless_the_operator_opts_out_with_a_warning(
    kiosk: bool,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    seen: dict[str, object] = {}

    async def fake_serve(argv: Sequence[str], *args: object, **settings: object) -> None:
        seen.update(settings, argv=list(argv))

    monkeypatch.setattr(ssh_server, "_serve", fake_serve)
    monkeypatch.setattr(ssh_server, "check_listen", lambda host, port: None)
    options = ["serve", "--ssh", "--open", "--preset", "coin", "--theme", "divtui-light"]
    assert main([*options, *([] if kiosk else ["--no-kiosk"]), "--max-sessions", "3"]) == 0
    expected = [sys.executable, "-m", "divtui", *(["--kiosk"] if kiosk else [])]
    assert seen["argv"] == [*expected, "--preset=coin", "--theme=divtui-light"]
    assert seen["max_sessions"] == 3
    assert seen["port"] == 2222
    errors = capsys.readouterr().err
    assert "divtui: warning: --open: anyone who can reach this machine gets in" in errors
    assert ("--no-kiosk: every visitor can open, save and overwrite" in errors) is not kiosk
    assert (tmp_path / "divtui" / HOST_KEY_NAME).is_file()


@pytest.mark.parametrize("kiosk", [True, False])
def test_browser_visitors_get_kiosk_divtui_unless_the_operator_opts_out_with_a_warning(
    kiosk: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    servers: list[serve_module.DivtuiServer] = []
    monkeypatch.setattr(serve_module.DivtuiServer, "serve", lambda self: servers.append(self))
    monkeypatch.setattr(serve_module, "check_listen", lambda host, port: None)
    assert main(["serve", "--preset", "coin", *([] if kiosk else ["--no-kiosk"])]) == 0
    (server,) = servers
    assert ("--kiosk" in server.command.split()) is kiosk
    assert f"ulimit -v {MEMORY_LIMIT // 1024}" in server.command
    assert server.max_sessions == 16
    errors = capsys.readouterr().err
    assert ("--no-kiosk: every visitor can open, save and overwrite" in errors) is not kiosk
