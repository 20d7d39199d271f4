"""Processes for the serve tests, read from /proc (Linux), and a free port on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_listening(port: int, *, timeout: float, alive: Callable[[], bool]) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port` before `timeout` seconds pass
    (giving up early when `alive()` turns false)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of `pid`, or None when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # the command name may hold spaces and brackets
    return fields[0], int(fields[1])


def cmdline(pid: int) -> list[str]:
    """The argument vector of `pid` ([] when it is gone)."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [word.decode(errors="replace") for word in raw.split(b"\0") if word]


def children(parent: int) -> list[int]:
    """The pids whose parent is `parent`."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == parent:
                found.append(int(entry.name))
    return found


def descendants(root: int) -> list[int]:
    """Every pid below `root` in the process tree."""
    found: list[int] = []
    todo = [root]
    while todo:
        below = children(todo.pop())
        found += below
        todo += below
    return found


def has_ended(pid: int) -> bool:
    """Gone, or a zombie waiting for its parent: either way it runs no more."""
    stat = _stat(pid)
    return stat is None or stat[0] in ("Z", "X")


def wait_until_ended(pid: int, timeout: float) -> bool:
    """Whether `pid` ends within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if has_ended(pid):
            return True
        time.sleep(0.05)
    return has_ended(pid)


def kill_all(pids: list[int]) -> None:
    """SIGKILL each of `pids` that still runs (clean-up after a failed test)."""
    for pid in pids:
        if not has_ended(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
