"""`divtui serve --ssh` with the real OpenSSH client: what a visitor gets, and what they do not.

Each test starts its own server on a free port of 127.0.0.1, with a throwaway state directory
(so a fresh host key) and an authorized_keys file holding one client key. The clients are real
`ssh` processes in tmux panes, as a visitor's terminal would run them.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest

from divtui.core.formatting import format_value
from divtui.core.presets import preset
from divtui.serve.process import MAX_COLUMNS, MAX_ROWS, MEMORY_LIMIT
from divtui.serve.ssh_session import FULL, GOODBYE, NO_TERMINAL

from .terminal import (
    APP_START_TIMEOUT,
    Tmux,
    Tools,
    cmdline,
    descendants,
    describe,
    environment,
    kl_shown,
    new_key,
    proc,
    running,
    set_uniform_rain_to_point_4,
    signal_all,
    ssh_client,
    state,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the served processes from Linux's /proc"
)

SERVER_START_TIMEOUT = 30.0
"""Seconds for the server to say it listens."""
HANG_UP_TIMEOUT = 2.0
"""Seconds an app may outlive its visitor's connection (the issue's bound)."""
SECRET = "DIVTUI_TEST_SERVER_SECRET"
"""A variable only the server's environment holds: no app may see it."""
APP_VARIABLES = {
    "PATH",
    "HOME",
    "XDG_CONFIG_HOME",
    "PYTHONPATH",
    "PYTHONSAFEPATH",
    "LANG",
    "TERM",
    "COLORTERM",
}
"""Every variable an app's environment may hold."""
CLIENT_TERMINAL = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}


@dataclass
class DivtuiSsh:
    """A running `divtui serve --ssh` and the key it lets in."""

    process: subprocess.Popen[bytes]
    port: int
    key: Path
    log: Path

    def apps(self) -> list[int]:
        """The app processes it runs (its children on divtui), alive."""
        return [
            pid
            for pid in descendants(self.process.pid)
            if running(pid) and any("divtui" in word for word in cmdline(pid))
        ]

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-25:])

    def client(self, tools: Tools, *options: str, log_level: str = "ERROR") -> list[str]:
        return ssh_client(tools, self.port, self.key, *options, log_level=log_level)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def start_server(tools: Tools, tmp_path: Path) -> Iterator[Callable[..., DivtuiSsh]]:
    """Start `divtui serve --ssh --preset weather` with the given extra options; every server
    started is stopped afterwards, with anything it left."""
    key = new_key(tools, tmp_path / "visitor_ed25519")
    keys = tmp_path / "authorized_keys"
    keys.write_text(Path(f"{key}.pub").read_text())
    started: list[DivtuiSsh] = []

    def start(*options: str) -> DivtuiSsh:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path / "home"),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            SECRET: "hunter2",
        }
        log = tmp_path / f"server-{len(started)}.log"
        for _attempt in range(3):
            port = _free_port()
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "divtui", "serve", "--ssh", "--preset", "weather"]
                    + ["--port", str(port), "--authorized-keys", str(keys), *options],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            server = DivtuiSsh(process, port, key, log)
            started.append(server)
            if _wait_until_serving(server):
                return server
            if "cannot listen" not in log.read_text():  # not a port someone took meanwhile
                break
        pytest.fail(f"divtui serve --ssh did not start:\n{log.read_text()}", pytrace=False)

    try:
        yield start
    finally:
        for server in started:
            left = server.apps()
            if server.process.poll() is None:
                server.process.kill()
            server.process.wait(timeout=10)
            signal_all(left, signal.SIGKILL)


def _wait_until_serving(server: DivtuiSsh) -> bool:
    """Whether the server says it serves before `SERVER_START_TIMEOUT` (False if it exited)."""
    wait_until(
        lambda: "visitors run" in server.log.read_text() or server.process.poll() is not None,
        SERVER_START_TIMEOUT,
    )
    return server.process.poll() is None and "visitors run" in server.log.read_text()


def _visitor(tmux: Tmux, server: DivtuiSsh, tools: Tools, name: str = "visitor") -> Tmux:
    """A new tmux session whose pane runs `ssh -tt` to `server`, as the visitor's terminal."""
    pane = tmux.another(name)
    pane.start(
        [
            "env",
            *(f"{key}={value}" for key, value in CLIENT_TERMINAL.items()),
            *server.client(tools, "-tt", "-o", "SendEnv=COLORTERM"),
            f"{name}@127.0.0.1",
        ]
    )
    return pane


def _explorer_shown(pane: str) -> bool:
    return "Distributions" in pane and kl_shown(pane) is not None


def _window(pid: int) -> tuple[int, int]:
    """(columns, rows) of the terminal `pid` has as its standard input."""
    terminal = os.readlink(f"/proc/{pid}/fd/0")
    descriptor = os.open(terminal, os.O_RDONLY | os.O_NOCTTY)
    try:
        rows, columns, _x, _y = struct.unpack(
            "HHHH", fcntl.ioctl(descriptor, termios.TIOCGWINSZ, b"\0" * 8)
        )
    finally:
        os.close(descriptor)
    return columns, rows


def _address_space_limit(pid: int) -> str:
    limits = (proc(pid, "limits") or b"").decode()
    found = re.search(r"^Max address space\s+(\S+)", limits, re.MULTILINE)
    return found.group(1) if found else "?"


def test_a_visitor_edits_a_cell_in_kiosk_divtui_and_its_app_ends_with_its_client_or_server(
    tools: Tools, tmux: Tmux, start_server: Callable[..., DivtuiSsh]
) -> None:
    weather = preset("weather")
    kl_before = format_value(weather.measures[0].kl, 4)
    kl_after = format_value(weather.with_probability(1, 0, 0.4).measures[0].kl, 4)
    server = start_server()
    pane = _visitor(tmux, server, tools)
    pane.wait_for(
        f"the explorer with KL(p‖q) = {kl_before}",
        lambda text: _explorer_shown(text) and kl_shown(text) == kl_before,
        APP_START_TIMEOUT,
        log=server.log_tail,
    )

    apps = server.apps()
    assert len(apps) == 1, describe(apps)
    app = apps[0]
    assert cmdline(app) == [sys.executable, "-m", "divtui", "--kiosk", "--preset=weather"]
    variables = environment(app)
    assert {name: variables.get(name) for name in CLIENT_TERMINAL} == CLIENT_TERMINAL
    assert set(variables) <= APP_VARIABLES, f"the server's environment leaked: {variables}"
    assert SECRET not in variables
    assert os.readlink(f"/proc/{app}/fd/0").startswith("/dev/pts/")
    assert _address_space_limit(app) == str(MEMORY_LIMIT)

    set_uniform_rain_to_point_4(pane, server.log_tail)
    pane.wait_for(
        f"KL(p‖q) = {kl_after}", lambda text: kl_shown(text) == kl_after, log=server.log_tail
    )

    # The visitor's window changes reach the app's terminal; a huge one is clamped.
    pane.resize(100, 30)
    assert wait_until(lambda: _window(app) == (100, 30), 10), _window(app)
    pane.wait_for(  # redrawn at the new width: a box's right edge in the last column
        "the explorer redrawn at 100 columns",
        lambda text: any(len(line) == 100 and line.endswith("╮") for line in text.splitlines()),
        log=server.log_tail,
    )
    pane.resize(1000, 400)
    assert wait_until(lambda: _window(app) == (MAX_COLUMNS, MAX_ROWS), 10), _window(app)

    client = int(pane.show("#{pane_pid}"))
    assert cmdline(client)[:1] == [tools.ssh]
    os.kill(client, signal.SIGKILL)  # the visitor vanishes, without a goodbye
    assert wait_until(lambda: not running(app), HANG_UP_TIMEOUT), (
        f"the app outlived its client by {HANG_UP_TIMEOUT} s:\n{describe([app])}\n"
        f"{server.log_tail()}"
    )
    assert server.process.poll() is None

    # Even the server killed outright takes its visitors' apps along: their terminals hang up.
    pane = _visitor(tmux, server, tools, "second")
    pane.wait_for("the explorer", _explorer_shown, APP_START_TIMEOUT, log=server.log_tail)
    (app,) = server.apps()
    server.process.kill()
    assert wait_until(lambda: not running(app), HANG_UP_TIMEOUT), describe([app])


def _run(command: list[str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout
    )


def test_commands_subsystems_forwarding_and_strangers_are_refused(
    tools: Tools, tmp_path: Path, start_server: Callable[..., DivtuiSsh]
) -> None:
    server = start_server()
    visitor = "visitor@127.0.0.1"

    command = _run(server.client(tools, visitor, "cat", "/etc/passwd"))
    assert command.returncode == 255, command
    assert "exec request failed" in command.stderr
    assert "root:" not in command.stdout

    sftp = _run(server.client(tools, "-s", visitor, "sftp"))
    assert sftp.returncode == 255, sftp
    assert "subsystem request failed" in sftp.stderr

    no_terminal = _run(server.client(tools, "-T", visitor))
    assert no_terminal.returncode == 1, no_terminal
    assert NO_TERMINAL in no_terminal.stdout

    stranger = new_key(tools, tmp_path / "stranger_ed25519")
    refused = _run(ssh_client(tools, server.port, stranger, visitor))
    assert refused.returncode == 255, refused
    assert "Permission denied (publickey)" in refused.stderr  # and no password prompt offered

    remote = _run(
        server.client(tools, "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:x:1", visitor)
    )
    assert remote.returncode == 255, remote
    assert "remote port forwarding failed" in remote.stderr

    # -L: the client listens locally; each connection to it asks the server for a channel to the
    # target, which this test listens on. The server must refuse, so the target hears nothing.
    with socket.socket() as target:
        target.bind(("127.0.0.1", 0))
        target.listen()
        target.settimeout(1.0)
        local = _free_port()
        forward = f"{local}:127.0.0.1:{target.getsockname()[1]}"
        tunnel = subprocess.Popen(
            server.client(tools, "-N", "-L", forward, visitor, log_level="INFO"),
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert wait_until(lambda: _accepts(local), 20), "ssh -L did not start listening"
            with socket.create_connection(("127.0.0.1", local), timeout=10) as through:
                through.settimeout(10)
                assert through.recv(1) == b"", "the forwarded connection stayed open"
            with pytest.raises(TimeoutError):
                target.accept()
        finally:
            tunnel.terminate()
            _out, errors = tunnel.communicate(timeout=10)
    assert "administratively prohibited" in errors, errors

    # X11 (ssh -X): OpenSSH's client only warns; asyncssh's reports the server's refusal.
    assert asyncio.run(_x11_refusal(server)) == "X11 forwarding request failed"

    assert server.apps() == [], "a refused request started an app"
    assert server.process.poll() is None


async def _x11_refusal(server: DivtuiSsh) -> str:
    """Ask for a pty session with X11 forwarding; the reason it was refused ("" if it was not)."""
    async with asyncssh.connect(
        "127.0.0.1",
        server.port,
        username="visitor",
        client_keys=[str(server.key)],
        known_hosts=None,
        agent_path=None,
    ) as connection:
        try:
            channel, _session = await connection.create_session(
                asyncssh.SSHClientSession,
                term_type="xterm",
                x11_forwarding=True,
                x11_display="localhost:10",
                x11_auth_path="/dev/null",
            )
        except asyncssh.ChannelOpenError as error:
            return error.reason
        channel.close()
        return ""


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_five_visitors_at_once_a_sixth_is_turned_away_and_sigterm_ends_them_all(
    tools: Tools, tmux: Tmux, tmp_path: Path, start_server: Callable[..., DivtuiSsh]
) -> None:
    server = start_server("--max-sessions", "5")
    panes = [_visitor(tmux, server, tools, f"visitor{number}") for number in range(5)]
    for pane in panes:
        pane.wait_for("the explorer", _explorer_shown, APP_START_TIMEOUT, log=server.log_tail)
    apps = server.apps()
    assert len(apps) == 5, describe(apps)
    assert len({os.readlink(f"/proc/{pid}/fd/0") for pid in apps}) == 5, "a pty is shared"

    sixth = _run(server.client(tools, "-tt", "sixth@127.0.0.1"))
    assert sixth.returncode == 1, sixth
    assert sixth.stdout.strip() == FULL.format(seats=5), sixth
    assert len(server.apps()) == 5

    # One visitor's app crashes: only that visitor's session ends, and its seat is free again.
    crashed_pane, survivor, bystander = panes[1], panes[0], panes[2]
    crashed = _app_of(crashed_pane, server)
    os.kill(crashed, signal.SIGKILL)
    assert _ends(crashed_pane), "the crashed app's visitor stayed"
    others = [pane for pane in panes if pane is not crashed_pane]
    survivor.keys("u")  # the next unit: nats → bits, in this visitor's app only
    survivor.wait_for("bits", lambda text: "bits" in text.splitlines()[0], log=server.log_tail)
    assert "nats" in bystander.capture().splitlines()[0]
    # The late visitor's client writes to a file, which keeps every byte the server sent.
    screen = tmp_path / "late.out"
    with screen.open("wb") as out:
        late = subprocess.Popen(
            server.client(tools, "-tt", "late@127.0.0.1"),
            stdin=subprocess.PIPE,  # open and silent: not a terminal, hence -tt
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_until(lambda: b"Distributions" in screen.read_bytes(), APP_START_TIMEOUT), (
            screen.read_bytes()[-500:],
            server.log_tail(),
        )
        apps = server.apps()
        assert len(apps) == 5, describe(apps)

        server.process.send_signal(signal.SIGTERM)
        try:
            status = server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"divtui serve --ssh ignored SIGTERM:\n{server.log_tail()}")
        assert status == 0, server.log_tail()
        assert not [pid for pid in apps if running(pid)], describe(apps)
        assert late.wait(timeout=10) == 0
    finally:
        if late.poll() is None:
            late.kill()
        late.wait(timeout=10)
    assert screen.read_bytes().endswith(f"{GOODBYE}\r\n".encode()), screen.read_bytes()[-500:]
    for pane in others:  # (tmux does not always record the status of a pane's program)
        assert _ends(pane), pane.capture()
        assert pane.dead()[1] in ("0", ""), pane.dead()
    assert "Traceback" not in server.log.read_text()


def _ends(pane: Tmux) -> bool:
    """Whether `pane`'s ssh client exits within 10 s."""
    return wait_until(lambda: pane.dead()[0], 10)


def _app_of(pane: Tmux, server: DivtuiSsh) -> int:
    """The app of `pane`'s visitor: the server logs "HOST:PORT: app PID started", and the pane's
    ssh client holds the socket whose local port is PORT."""
    ports = _local_ports(int(pane.show("#{pane_pid}")))
    for port, pid in re.findall(r"127\.0\.0\.1:(\d+): app (\d+) started", server.log.read_text()):
        if int(port) in ports:
            return int(pid)
    raise AssertionError(f"no app for the client on ports {ports}:\n{server.log_tail()}")


def _local_ports(pid: int) -> set[int]:
    """The local TCP ports of the sockets `pid` holds open."""
    inodes = set()
    with contextlib.suppress(OSError):
        for entry in os.scandir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(entry.path)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in (proc(pid, f"net/{table}") or b"").decode().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def test_ctrl_c_and_ctrl_z_while_the_app_starts_are_keys_not_signals(
    tools: Tools, tmux: Tmux, start_server: Callable[..., DivtuiSsh]
) -> None:
    """A visitor pressing Ctrl+C (or Ctrl+Z) before the first frame neither kills the app with a
    traceback nor stops it: the app's terminal sends no signals, Textual reads them as keys."""
    server = start_server()
    pane = _visitor(tmux, server, tools)
    assert wait_until(lambda: bool(server.apps()), 30), server.log_tail()
    (app,) = server.apps()
    deadline = time.monotonic() + APP_START_TIMEOUT
    while not _explorer_shown(pane.capture()):  # from the app's first instant to its first frame
        assert time.monotonic() < deadline, pane.capture()
        pane.keys("C-c")
        pane.keys("C-z")
        assert running(app), f"the app ended:\n{pane.capture()}\n{server.log_tail()}"
        assert state(app) != "T", "the app was stopped"
        assert not pane.dead()[0], pane.capture()
    pane.wait_for("the explorer", _explorer_shown, APP_START_TIMEOUT, log=server.log_tail)
    assert "Traceback" not in pane.capture()
    assert running(app) and state(app) != "T"
