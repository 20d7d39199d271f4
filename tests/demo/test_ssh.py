"""divtui over real SSH, the way a demo gives it to visitors.

OpenSSH's sshd serves `python -m divtui --kiosk --preset weather` as a forced command
(`command="…",restrict,pty` in authorized_keys); a real ssh client runs inside a 120x40 tmux
session, edits a cell with keys, and the test reads the new KL(p‖q) off the screen. When the client
is killed, the remote divtui must exit: nothing may be left running on the server.

Needs sshd, ssh, ssh-keygen and tmux (`apt-get install openssh-server openssh-client tmux`).
Without them the test skips, unless CI is set: then it fails, so CI cannot pass by skipping it.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import divtui
from divtui.core.formatting import format_value
from divtui.core.presets import preset

from .terminal import (
    APP_START_TIMEOUT,
    HEIGHT,
    POLL,
    WIDTH,
    Tmux,
    Tools,
    cmdline,
    descendants,
    describe,
    environment,
    kl_shown,
    new_key,
    pids,
    proc,
    running,
    set_uniform_rain_to_point_4,
    signal_all,
    ssh_client,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds the remote process through Linux's /proc"
)

SSHD_START_TIMEOUT = 15.0
"""Seconds for sshd to say it is listening."""
EXIT_TIMEOUT = 5.0
"""Seconds the remote divtui may take to go once its client has gone."""

FORCED_COMMAND = [sys.executable, "-m", "divtui", "--kiosk", "--preset", "weather"]
"""What every login with the client key runs: the interpreter running this test, so its divtui."""
MARKER_VARIABLE = "DIVTUI_SSH_TEST_MARKER"
"""Set by sshd (SetEnv) for the forced command, so the test finds exactly its own process."""
CLIENT_ENVIRONMENT = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
"""The client terminal's self-description: TERM travels in the pty request, COLORTERM by
SendEnv/AcceptEnv. The remote process must see both."""


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
            for pid in pids()
            if tag in (proc(pid, "environ") or b"").split(b"\0") and running(pid)
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
    family = descendants(process.pid) if process.poll() is None else []
    if server is not None:
        family += [pid for pid in server.divtui_processes() if pid not in family]
    process.terminate()
    signal_all(family, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    deadline = time.monotonic() + 5
    while any(running(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(POLL)
    signal_all(family, signal.SIGKILL)


@pytest.fixture
def ssh_server(tools: Tools, tmp_path: Path) -> Iterator[SshServer]:
    """sshd on a free port of 127.0.0.1 with a throwaway host key; one client key whose every
    login runs divtui, in an environment sshd sets up (SetEnv) so that it needs nothing else."""
    base = tmp_path / "ssh"
    home = base / "home"
    home.mkdir(parents=True)
    host_key, client_key = base / "host_ed25519", base / "client_ed25519"
    for key in (host_key, client_key):
        new_key(tools, key)
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


# --- the test -------------------------------------------------------------------------------


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
            *ssh_client(tools, ssh_server.port, ssh_server.client_key, "-tt"),
            "-o",
            "SendEnv=COLORTERM",
            f"{ssh_server.user}@127.0.0.1",
        ]
    )
    assert tmux.show("#{pane_width}x#{pane_height}") == f"{WIDTH}x{HEIGHT}"
    tmux.wait_for(
        f"the explorer with KL(p‖q) = {kl_before}",
        lambda pane: "Distributions" in pane and kl_shown(pane) == kl_before,
        APP_START_TIMEOUT,
        log=ssh_server.log_tail,
    )
    remote = ssh_server.divtui_processes()
    assert len(remote) == 1, f"expected one divtui started by sshd, found:\n{describe(remote)}"
    assert cmdline(remote[0]) == FORCED_COMMAND
    variables = environment(remote[0])
    seen = {name: variables.get(name) for name in CLIENT_ENVIRONMENT}
    assert seen == CLIENT_ENVIRONMENT, "the client's TERM and COLORTERM must reach divtui"

    # The cursor starts on p(rain); one step right is uniform(rain), and `.` opens its editor.
    set_uniform_rain_to_point_4(tmux, ssh_server.log_tail)
    tmux.wait_for(
        f"KL(p‖q) = {kl_after} after uniform(rain) = 0.4",
        lambda pane: kl_shown(pane) == kl_after,
        log=ssh_server.log_tail,
    )

    client = int(tmux.show("#{pane_pid}"))
    assert cmdline(client)[:1] == [tools.ssh], f"the pane runs {cmdline(client)}, not ssh"
    os.kill(client, signal.SIGKILL)  # the visitor's connection is gone, without a goodbye
    ended = wait_until(lambda: not ssh_server.divtui_processes(), EXIT_TIMEOUT)
    left = ssh_server.divtui_processes()
    assert ended, (
        f"divtui still runs {EXIT_TIMEOUT:.0f} s after its ssh client was killed:\n"
        f"{describe(left)}\n--- sshd log ---\n{ssh_server.log_tail()}"
    )
