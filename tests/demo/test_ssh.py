"""divtui over real SSH, the way a demo gives it to visitors.

OpenSSH's sshd serves `python -m divtui --preset weather` as a forced command
(`command="…",restrict,pty` in authorized_keys); a real ssh client runs inside a 120x40 tmux
session, edits a cell with keys, and the test reads the new KL(p‖q) off the screen. When the client
is killed, the remote divtui must exit: nothing may be left running on the server.

Needs sshd, ssh, ssh-keygen and tmux (`apt-get install openssh-server openssh-client tmux`).
Without them the test skips, unless CI is set: then it fails, so CI cannot pass by skipping it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

import divtui
from divtui.core.presets import preset
from divtui.core.report import format_value

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds the remote process through Linux's /proc"
)

WIDTH, HEIGHT = 120, 40
SSHD_START_TIMEOUT = 15.0
"""Seconds for sshd to say it is listening."""
APP_START_TIMEOUT = 60.0
"""Seconds for the first screen: key exchange, a fresh interpreter, imports and the first paint."""
KEY_TIMEOUT = 20.0
"""Seconds for one key press to show on the screen."""
EXIT_TIMEOUT = 5.0
"""Seconds the remote divtui may take to go once its client has gone."""
POLL = 0.1

FORCED_COMMAND = [sys.executable, "-m", "divtui", "--preset", "weather"]
"""What every login with the client key runs: the interpreter running this test, so its divtui."""
MARKER_VARIABLE = "DIVTUI_SSH_TEST_MARKER"
"""Set by sshd (SetEnv) for the forced command, so the test finds exactly its own process."""
CLIENT_ENVIRONMENT = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
"""The client terminal's self-description: TERM travels in the pty request, COLORTERM by
SendEnv/AcceptEnv. The remote process must see both."""

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


@pytest.fixture(scope="module")
def tools() -> Tools:
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


# --- processes, read from /proc -------------------------------------------------------------


def _proc(pid: int, name: str) -> bytes | None:
    """`/proc/PID/NAME`, or None when the process is gone or not ours to read."""
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return None


def _state(pid: int) -> str | None:
    """The process state letter (`R`, `S`, `Z` …), or None when there is no such process."""
    stat = _proc(pid, "stat")
    return None if stat is None else stat.rsplit(b")", 1)[1].split()[0].decode()


def _parent(pid: int) -> int | None:
    stat = _proc(pid, "stat")
    return None if stat is None else int(stat.rsplit(b")", 1)[1].split()[1])


def _cmdline(pid: int) -> list[str]:
    raw = _proc(pid, "cmdline") or b""
    return [part.decode(errors="replace") for part in raw.split(b"\0")[:-1]]


def _environment(pid: int) -> dict[str, str]:
    raw = _proc(pid, "environ") or b""
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {name.decode(errors="replace"): value.decode(errors="replace") for name, value in pairs}


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _running(pid: int) -> bool:
    """Whether the process exists and has not exited (a zombie has exited; it awaits its reaper)."""
    return _state(pid) not in (None, "Z")


def _descendants(root: int) -> list[int]:
    """Every process below `root`, children first."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        parent = _parent(pid)
        if parent is not None:
            children.setdefault(parent, []).append(pid)
    found: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop(0)
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _describe(pids: Sequence[int]) -> str:
    return "\n".join(f"  {pid} [{_state(pid)}] {shlex.join(_cmdline(pid))}" for pid in pids)


def _signal_all(pids: Sequence[int], signum: signal.Signals) -> None:
    for pid in pids:
        if _running(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)


# --- sshd -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SshServer:
    """A running sshd that serves divtui to one client key."""

    port: int
    user: str
    client_key: Path
    marker: str
    log: Path

    def divtui_processes(self) -> list[int]:
        """The running processes that sshd started for this test's logins."""
        tag = f"{MARKER_VARIABLE}={self.marker}".encode()
        return [
            pid
            for pid in _pids()
            if tag in (_proc(pid, "environ") or b"").split(b"\0") and _running(pid)
        ]

    def log_tail(self, lines: int = 25) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _config_word(value: object) -> str:
    """One sshd_config argument, double-quoted when it holds blanks or quotes."""
    text = str(value)
    if re.search(r"[\s\"'\\#]", text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _sshd_config(
    *, port: int, base: Path, host_key: Path, user: str, environment: dict[str, str]
) -> str:
    settings = [
        ("ListenAddress", "127.0.0.1"),
        ("Port", port),
        ("HostKey", _config_word(host_key)),
        ("PidFile", _config_word(base / "sshd.pid")),
        ("AuthorizedKeysFile", _config_word(base / "authorized_keys")),
        ("AuthenticationMethods", "publickey"),
        ("PasswordAuthentication", "no"),
        ("KbdInteractiveAuthentication", "no"),
        ("PermitRootLogin", "prohibit-password"),  # the test may run as root: keys only
        ("AllowUsers", user),
        ("StrictModes", "no"),  # pytest's tmp_path is not a home directory
        ("UsePAM", "no"),
        ("UseDNS", "no"),
        ("PrintMotd", "no"),
        ("PrintLastLog", "no"),
        ("AcceptEnv", "COLORTERM"),
        ("SetEnv", " ".join(_config_word(f"{k}={v}") for k, v in environment.items())),
        ("LogLevel", "VERBOSE"),
    ]
    return "".join(f"{key} {value}\n" for key, value in settings)


def _check_config(sshd: str, config: Path) -> None:
    """`sshd -t`; as root, create the privilege separation directory it asks for (as the
    distribution's service does at boot) instead of failing on a machine where sshd never ran."""
    for _ in range(2):
        result = subprocess.run(
            [sshd, "-t", "-f", str(config)], capture_output=True, text=True, timeout=30
        )
        if result.returncode == 0:
            return
        missing = re.search(r"Missing privilege separation directory: (\S+)", result.stderr)
        if missing is None or os.geteuid() != 0:
            break
        Path(missing.group(1)).mkdir(mode=0o755, parents=True, exist_ok=True)
    pytest.fail(
        f"sshd -t rejects the test's configuration:\n{result.stderr}\n{config.read_text()}",
        pytrace=False,
    )


def _wait_listening(process: subprocess.Popen[bytes], log: Path, port: int) -> bool:
    """Whether sshd came up on `port` (False when it exited, e.g. someone took the port)."""
    ready = f"Server listening on 127.0.0.1 port {port}."
    deadline = time.monotonic() + SSHD_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready in log.read_text(errors="replace"):
            return True
        time.sleep(POLL)
    return False


def _stop_sshd(process: subprocess.Popen[bytes], server: SshServer | None) -> None:
    """Stop sshd, its per-connection children and anything they left, by process id."""
    family = _descendants(process.pid) if process.poll() is None else []
    if server is not None:
        family += [pid for pid in server.divtui_processes() if pid not in family]
    process.terminate()
    _signal_all(family, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(POLL)
    _signal_all(family, signal.SIGKILL)


@pytest.fixture
def ssh_server(tools: Tools, tmp_path: Path) -> Iterator[SshServer]:
    """sshd on a free port of 127.0.0.1 with a throwaway host key; one client key whose every
    login runs divtui, in an environment sshd sets up (SetEnv) so that it needs nothing else."""
    base = tmp_path / "ssh"
    home = base / "home"
    home.mkdir(parents=True)
    host_key, client_key = base / "host_ed25519", base / "client_ed25519"
    for key in (host_key, client_key):
        subprocess.run(
            [tools.ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-C", "divtui-test", "-f", key],
            check=True,
            capture_output=True,
            timeout=30,
        )
    command = shlex.join(FORCED_COMMAND).replace('"', '\\"')
    public_key = Path(f"{client_key}.pub").read_text().strip()
    (base / "authorized_keys").write_text(f'command="{command}",restrict,pty {public_key}\n')
    user = pwd.getpwuid(os.geteuid()).pw_name
    marker = secrets.token_hex(8)
    environment = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin:/usr/bin:/bin"]),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),  # no user themes: the screen is known
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(Path(divtui.__file__).resolve().parent.parent),
        "PYTHONSAFEPATH": "1",  # the login directory must not shadow the divtui under test
        MARKER_VARIABLE: marker,
    }
    config = base / "sshd_config"
    log = base / "sshd.log"
    process: subprocess.Popen[bytes] | None = None
    server: SshServer | None = None
    try:
        for _attempt in range(5):
            port = _free_port()
            config.write_text(
                _sshd_config(
                    port=port, base=base, host_key=host_key, user=user, environment=environment
                )
            )
            _check_config(tools.sshd, config)
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [tools.sshd, "-D", "-e", "-f", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            if _wait_listening(process, log, port):
                break
            _stop_sshd(process, None)
            process = None
        else:
            pytest.fail(f"sshd did not start; its log:\n{log.read_text()}", pytrace=False)
        server = SshServer(port=port, user=user, client_key=client_key, marker=marker, log=log)
        yield server
    finally:
        if process is not None:
            _stop_sshd(process, server)


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


# --- the test -------------------------------------------------------------------------------


def _kl_shown(pane: str) -> str | None:
    match = KL_ROW.search(pane)
    return match.group(1) if match else None


def _bold_characters(line: str) -> tuple[str, list[bool]]:
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


def _cursor_on(styled_pane: str, label: str, value: str) -> bool:
    """Whether the grid cursor (bold: the default block cursor style, which divtui-dark keeps) is on
    the first cell showing `value` in the row of outcome `label`, and on no other cell of it."""
    for line in styled_pane.splitlines():
        text, bold = _bold_characters(line)
        if re.match(rf"│ {re.escape(label)}\s", text):
            start = text.find(f" {value} ") + 1
            row_end = text.find("│", 1)
            cells = re.finditer(r"\S+", text[: row_end if row_end > 0 else len(text)])
            bold_cells = {m.start() for m in cells if any(bold[m.start() : m.end()])}
            return start > 0 and bold_cells == {start}
    return False


def _wait_for(
    tmux: Tmux,
    server: SshServer,
    what: str,
    condition: Callable[[str], bool],
    timeout: float,
    *,
    styles: bool = False,
) -> str:
    """Poll the pane until `condition` holds; fail with the last screen and the sshd log."""
    deadline = time.monotonic() + timeout
    while True:
        pane = tmux.capture(styles=styles)
        if condition(pane):
            return pane
        dead, status = (tmux.show("#{pane_dead} #{pane_dead_status}").split() + [""])[:2]
        if dead == "1" or time.monotonic() > deadline:
            why = f"the ssh client exited ({status})" if dead == "1" else f"{timeout:.0f} s passed"
            raise AssertionError(
                f"waiting for {what}: {why}\n--- last pane ---\n{tmux.capture()}\n"
                f"--- sshd log ---\n{server.log_tail()}"
            )
        time.sleep(POLL)


def test_divtui_over_ssh_edits_a_cell_and_leaves_with_its_client(
    tools: Tools, ssh_server: SshServer, tmux: Tmux
) -> None:
    weather = preset("weather")
    kl_before = format_value(weather.measures[0].kl, 4)
    kl_after = format_value(weather.with_probability(1, 0, 0.4).measures[0].kl, 4)
    assert kl_before != kl_after
    tmux.start(
        [
            "env",
            *(f"{name}={value}" for name, value in CLIENT_ENVIRONMENT.items()),
            tools.ssh,
            "-tt",
            "-F",
            "/dev/null",
            "-p",
            str(ssh_server.port),
            "-i",
            str(ssh_server.client_key),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "ConnectTimeout=15",
            "-o",
            "SendEnv=COLORTERM",
            f"{ssh_server.user}@127.0.0.1",
        ]
    )
    assert tmux.show("#{pane_width}x#{pane_height}") == f"{WIDTH}x{HEIGHT}"

    def wait_for(
        what: str,
        condition: Callable[[str], bool],
        timeout: float = KEY_TIMEOUT,
        *,
        styles: bool = False,
    ) -> str:
        return _wait_for(tmux, ssh_server, what, condition, timeout, styles=styles)

    wait_for(
        f"the explorer with KL(p‖q) = {kl_before}",
        lambda pane: "Distributions" in pane and _kl_shown(pane) == kl_before,
        APP_START_TIMEOUT,
    )
    remote = ssh_server.divtui_processes()
    assert len(remote) == 1, f"expected one divtui started by sshd, found:\n{_describe(remote)}"
    assert _cmdline(remote[0]) == FORCED_COMMAND
    environment = _environment(remote[0])
    seen = {name: environment.get(name) for name in CLIENT_ENVIRONMENT}
    assert seen == CLIENT_ENVIRONMENT, "the client's TERM and COLORTERM must reach divtui"

    # The cursor starts on p(rain); one step right is uniform(rain), and `.` opens its editor.
    # Each key waits for the screen to show the previous one: a bound key (Right) is resolved
    # when it reaches the App, and a `.` sent right behind it can move the focus to the editor
    # first (Textualize/textual#6605), as a fast typist over a laggy link could too.
    wait_for(
        "the cursor on p(rain)",
        lambda pane: _cursor_on(pane, "rain", "0.1400"),
        styles=True,
    )
    tmux.keys("Right")
    wait_for(
        "the cursor on uniform(rain)",
        lambda pane: _cursor_on(pane, "rain", "0.2500"),
        styles=True,
    )
    tmux.type(".")
    wait_for("the editor on uniform(rain)", lambda pane: "uniform(rain) =" in pane)
    tmux.type("4")
    wait_for("`.4` in the editor", lambda pane: EDITOR_HOLDS_POINT_4.search(pane) is not None)
    tmux.keys("Enter")
    pane = wait_for(
        f"KL(p‖q) = {kl_after} after uniform(rain) = 0.4",
        lambda pane: _kl_shown(pane) == kl_after,
    )
    assert re.search(r"rain\s+0\.1400\s+0\.4000", pane), pane

    client = int(tmux.show("#{pane_pid}"))
    assert _cmdline(client)[:1] == [tools.ssh], f"the pane runs {_cmdline(client)}, not ssh"
    os.kill(client, signal.SIGKILL)  # the visitor's connection is gone, without a goodbye
    deadline = time.monotonic() + EXIT_TIMEOUT
    while ssh_server.divtui_processes() and time.monotonic() < deadline:
        time.sleep(POLL)
    left = ssh_server.divtui_processes()
    assert not left, (
        f"divtui still runs {EXIT_TIMEOUT:.0f} s after its ssh client was killed:\n"
        f"{_describe(left)}\n--- sshd log ---\n{ssh_server.log_tail()}"
    )
