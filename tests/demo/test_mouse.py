"""The mouse in a real terminal: SGR mouse reports (what xterm, tmux and SSH carry) reach divtui
through a pty and a double click opens the editor on the cell under the pointer; the same cell
is reachable with keys alone (every action has a key)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TIMEOUT = 30.0


def _tmux_or_fail() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing (apt-get install tmux); CI must not skip this test")
        pytest.skip("tmux is not installed")
    return tmux


@pytest.fixture
def session() -> Iterator[list[str]]:
    """A private tmux server running divtui at 120x40: [tmux, options…, "--", session name]."""
    tmux = _tmux_or_fail()
    sockets = Path(tempfile.mkdtemp(prefix="divtui-mouse-"))
    base = [tmux, "-f", "/dev/null", "-S", str(sockets / "s")]
    name = f"m{secrets.token_hex(3)}"
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    env.update(TERM="xterm-256color", XDG_CONFIG_HOME=str(sockets / "config"))
    divtui = [sys.executable, "-m", "divtui", "--preset", "weather"]
    subprocess.run(
        [*base, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", *divtui],
        check=True,
        env=env,
    )
    try:
        yield [*base, "--", name]
    finally:
        subprocess.run([*base, "kill-server"], check=False, capture_output=True)
        shutil.rmtree(sockets, ignore_errors=True)


def _capture(base: list[str]) -> str:
    tmux, *options, _, name = base
    return subprocess.run(
        [tmux, *options, "capture-pane", "-p", "-t", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _send(base: list[str], text: str) -> None:
    tmux, *options, _, name = base
    subprocess.run([tmux, *options, "send-keys", "-t", name, "-l", text], check=True)


def _wait_for(base: list[str], text: str) -> str:
    deadline = time.monotonic() + TIMEOUT
    pane = ""
    while time.monotonic() < deadline:
        pane = _capture(base)
        if text in pane:
            return pane
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{pane}")


def _click(column: int, row: int) -> str:
    """An SGR press and release of the left button at 1-based (column, row)."""
    return f"\x1b[<0;{column};{row}M\x1b[<0;{column};{row}m"


def test_a_double_click_in_a_real_terminal_edits_the_cell_under_the_pointer(
    session: list[str],
) -> None:
    pane = _wait_for(session, "Distributions")
    lines = pane.splitlines()
    row = next(i for i, line in enumerate(lines) if "│ rain" in line) + 1
    column = lines[row - 1].index("0.2500") + 2  # on the uniform(rain) cell, 1-based
    _send(session, _click(column, row))
    _send(session, _click(column, row))
    _wait_for(session, "uniform(rain) =")


def test_the_same_edit_needs_no_mouse(session: list[str]) -> None:
    _wait_for(session, "Distributions")
    tmux, *options, _, name = session
    subprocess.run([tmux, *options, "send-keys", "-t", name, "Right", "Enter"], check=True)
    _wait_for(session, "uniform(rain) =")
