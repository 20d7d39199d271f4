"""What the SSH demo tests share: the OpenSSH and tmux programs, processes read from /proc, a
private tmux server whose panes run real ssh clients, and reading divtui's screen in a pane.

The fixtures that hand these out are in conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

WIDTH, HEIGHT = 120, 40
"""Every pane's size, unless a test resizes it."""
POLL = 0.1
"""Seconds between two looks at a pane or at /proc."""
APP_START_TIMEOUT = 60.0
"""Seconds for the first screen: key exchange, a fresh interpreter, imports and the first paint."""
KEY_TIMEOUT = 20.0
"""Seconds for one key press to show on the screen."""

KL_ROW = re.compile(r"KL\(p‖q\)\s+([0-9][0-9.e+-]*|∞)")
"""The KL(p‖q) row of the measures panel (the chart legend has no number after the name)."""
EDITOR_HOLDS_POINT_4 = re.compile(r"uniform\(rain\) = \W*\.4(?![0-9])")
"""The cell editor on uniform(rain), holding `.4`."""
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
"""A Select Graphic Rendition sequence, as `tmux capture-pane -e` writes styles."""


# --- the tools ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tools:
    """Paths of the OpenSSH and tmux programs."""

    sshd: str
    ssh: str
    ssh_keygen: str
    tmux: str


def find_tools() -> Tools:
    """The programs, or a skip (a failure when CI is set) naming what is missing."""
    sshd = "/usr/sbin/sshd" if os.access("/usr/sbin/sshd", os.X_OK) else shutil.which("sshd")
    ssh, ssh_keygen, tmux = (shutil.which(name) for name in ("ssh", "ssh-keygen", "tmux"))
    found = {"sshd": sshd, "ssh": ssh, "ssh-keygen": ssh_keygen, "tmux": tmux}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        reason = (
            f"not found: {', '.join(missing)} (apt-get install openssh-server openssh-client tmux)"
        )
        if os.environ.get("CI") is not None:
            pytest.fail(f"{reason}; CI is set, so the SSH demo must run, not skip", pytrace=False)
        pytest.skip(reason)
    assert sshd and ssh and ssh_keygen and tmux
    return Tools(sshd=sshd, ssh=ssh, ssh_keygen=ssh_keygen, tmux=tmux)


def new_key(tools: Tools, path: Path) -> Path:
    """A fresh ed25519 key pair at `path` (and `path`.pub), without a passphrase."""
    subprocess.run(
        [tools.ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-C", "divtui-test", "-f", path],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return path


# --- processes, read from /proc -------------------------------------------------------------


def proc(pid: int, name: str) -> bytes | None:
    """`/proc/PID/NAME`, or None when the process is gone or not ours to read."""
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return None


def state(pid: int) -> str | None:
    """The process state letter (`R`, `S`, `Z` …), or None when there is no such process."""
    stat = proc(pid, "stat")
    return None if stat is None else stat.rsplit(b")", 1)[1].split()[0].decode()


def parent(pid: int) -> int | None:
    stat = proc(pid, "stat")
    return None if stat is None else int(stat.rsplit(b")", 1)[1].split()[1])


def cmdline(pid: int) -> list[str]:
    raw = proc(pid, "cmdline") or b""
    return [part.decode(errors="replace") for part in raw.split(b"\0")[:-1]]


def environment(pid: int) -> dict[str, str]:
    raw = proc(pid, "environ") or b""
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {name.decode(errors="replace"): value.decode(errors="replace") for name, value in pairs}


def pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def running(pid: int) -> bool:
    """Whether the process exists and has not exited (a zombie has exited; it awaits its reaper)."""
    return state(pid) not in (None, "Z")


def descendants(root: int) -> list[int]:
    """Every process below `root`, children first."""
    children: dict[int, list[int]] = {}
    for pid in pids():
        above = parent(pid)
        if above is not None:
            children.setdefault(above, []).append(pid)
    found: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop(0)
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def describe(processes: Sequence[int]) -> str:
    return "\n".join(f"  {pid} [{state(pid)}] {shlex.join(cmdline(pid))}" for pid in processes)


def signal_all(processes: Sequence[int], signum: signal.Signals) -> None:
    for pid in processes:
        if running(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; whether it held."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL)
    return True


# --- tmux -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tmux:
    """One session on a private tmux server (its own socket and configuration)."""

    program: str
    config: Path
    socket_path: Path
    session: str
    environment: dict[str, str]

    def run(self, *args: str, check: bool = True) -> str:
        command = [self.program, "-u", "-f", str(self.config), "-S", str(self.socket_path), *args]
        result = subprocess.run(
            command,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            env=self.environment,
            timeout=30,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{shlex.join(command)} failed: {result.stderr.strip()}")
        return result.stdout

    def another(self, name: str) -> Tmux:
        """Another session (another visitor's window) on the same tmux server."""
        return replace(self, session=f"{self.session}-{name}")

    def start(self, command: Sequence[str]) -> None:
        """Run `command` (executed directly, no shell) in a new detached session."""
        self.run(
            "new-session", "-d", "-s", self.session, "-x", str(WIDTH), "-y", str(HEIGHT), *command
        )

    def show(self, template: str) -> str:
        """A tmux format (`#{pane_pid}` …) for the session's pane."""
        return self.run("display-message", "-p", "-t", self.session, template).strip()

    def capture(self, *, styles: bool = False) -> str:
        """The visible screen as text; with `styles`, with its SGR escape sequences."""
        return self.run("capture-pane", "-p", *(["-e"] if styles else []), "-t", self.session)

    def keys(self, *names: str) -> None:
        self.run("send-keys", "-t", self.session, *names)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def resize(self, columns: int, rows: int) -> None:
        self.run("resize-window", "-t", self.session, "-x", str(columns), "-y", str(rows))

    def dead(self) -> tuple[bool, str]:
        """Whether the pane's program (the ssh client) has exited, and its exit status."""
        dead, status, killed = (
            self.show("#{pane_dead} #{pane_dead_status} #{pane_dead_signal}").split() + ["", ""]
        )[:3]
        return dead == "1", status or (f"signal {killed}" if killed else "")

    def wait_for(
        self,
        what: str,
        condition: Callable[[str], bool],
        timeout: float = KEY_TIMEOUT,
        *,
        styles: bool = False,
        log: Callable[[], str] = lambda: "",
    ) -> str:
        """Poll the pane until `condition` holds; fail with the last screen and `log()`."""
        deadline = time.monotonic() + timeout
        while True:
            pane = self.capture(styles=styles)
            if condition(pane):
                return pane
            dead, status = self.dead()
            if dead and condition(pane := self.capture(styles=styles)):
                return pane  # its last words, written just before it exited
            if dead or time.monotonic() > deadline:
                why = f"the ssh client exited ({status})" if dead else f"{timeout:.0f} s passed"
                raise AssertionError(
                    f"waiting for {what}: {why}\n--- last pane ---\n{self.capture()}\n"
                    f"--- server log ---\n{log()}"
                )
            time.sleep(POLL)


def ssh_client(
    tools: Tools, port: int, key: Path, *options: str, log_level: str = "ERROR"
) -> list[str]:
    """An OpenSSH client command for 127.0.0.1:`port` with `key` only, no config, no questions."""
    return [
        tools.ssh,
        "-F",
        "/dev/null",
        "-p",
        str(port),
        "-i",
        str(key),
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        f"LogLevel={log_level}",
        "-o",
        "ConnectTimeout=15",
        *options,
    ]


# --- divtui's screen ------------------------------------------------------------------------


def kl_shown(pane: str) -> str | None:
    match = KL_ROW.search(pane)
    return match.group(1) if match else None


def bold_characters(line: str) -> tuple[str, list[bool]]:
    """A captured line (with SGR sequences) as plain text and, per character, whether it is bold."""
    text: list[str] = []
    bold_flags: list[bool] = []
    bold = False
    position = 0
    for match in [*SGR.finditer(line), None]:
        end = match.start() if match else len(line)
        text.append(line[position:end])
        bold_flags.extend([bold] * (end - position))
        if match is None:
            break
        position = match.end()
        parameters = match.group(1).split(";")
        index = 0
        while index < len(parameters):
            code = parameters[index]
            if code in ("", "0", "22"):
                bold = False
            elif code == "1":
                bold = True
            elif code in ("38", "48", "58") and index + 1 < len(parameters):
                index += {"5": 2, "2": 4}.get(parameters[index + 1], 0)  # skip the colour
            index += 1
    return "".join(text), bold_flags


def cursor_on(styled_pane: str, label: str, value: str) -> bool:
    """Whether the grid cursor (bold: the default block cursor style, which divtui-dark keeps) is on
    the first cell showing `value` in the row of outcome `label`, and on no other cell of it."""
    for line in styled_pane.splitlines():
        text, bold = bold_characters(line)
        if re.match(rf"│ {re.escape(label)}\s", text):
            start = text.find(f" {value} ") + 1
            row_end = text.find("│", 1)
            cells = re.finditer(r"\S+", text[: row_end if row_end > 0 else len(text)])
            bold_cells = {m.start() for m in cells if any(bold[m.start() : m.end()])}
            return start > 0 and bold_cells == {start}
    return False


def set_uniform_rain_to_point_4(tmux: Tmux, log: Callable[[], str] = lambda: "") -> str:
    """On the weather preset's first screen: move to uniform(rain), type `.4`, Enter; the pane
    once the cell shows 0.4000.

    Each key waits for the screen to show the previous one: a bound key (Right) is resolved when it
    reaches the App, and a `.` sent right behind it can move the focus to the editor first
    (Textualize/textual#6605), as a fast typist over a laggy link could too."""
    tmux.wait_for(
        "the cursor on p(rain)",
        lambda pane: cursor_on(pane, "rain", "0.1400"),
        styles=True,
        log=log,
    )
    tmux.keys("Right")
    tmux.wait_for(
        "the cursor on uniform(rain)",
        lambda pane: cursor_on(pane, "rain", "0.2500"),
        styles=True,
        log=log,
    )
    tmux.type(".")
    tmux.wait_for("the editor on uniform(rain)", lambda pane: "uniform(rain) =" in pane, log=log)
    tmux.type("4")
    tmux.wait_for(
        "`.4` in the editor", lambda pane: EDITOR_HOLDS_POINT_4.search(pane) is not None, log=log
    )
    tmux.keys("Enter")
    return tmux.wait_for(
        "uniform(rain) = 0.4000",
        lambda pane: re.search(r"rain\s+0\.1400\s+0\.4000", pane) is not None,
        log=log,
    )
