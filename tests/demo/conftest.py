"""Fixtures of the SSH demo tests: the OpenSSH and tmux programs, and a private tmux server."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .terminal import Tmux, Tools, find_tools


@pytest.fixture(scope="module")
def tools() -> Tools:
    """The programs, or a skip (a failure when CI is set) naming what is missing."""
    return find_tools()


@pytest.fixture
def tmux(tools: Tools, tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server, killed afterwards whatever happened. No status line, so the pane is
    the whole 120x40 window; a pane whose program exited stays, so its last words can be read."""
    config = tmp_path / "tmux.conf"
    config.write_text("set -g status off\nset -g remain-on-exit on\n")
    environment = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    # A socket path must be short (about 100 bytes), and tmp_path need not be.
    sockets = Path(tempfile.mkdtemp(prefix="divtui-tmux-"))
    name = f"divtui-ssh-{secrets.token_hex(4)}"
    session = Tmux(tools.tmux, config, sockets / "socket", session=name, environment=environment)
    try:
        yield session
    finally:
        session.run("kill-server", check=False)
        shutil.rmtree(sockets, ignore_errors=True)
