"""`divtui serve --ssh`: the explorer for SSH clients, with asyncssh and no sshd.

Visitors run ``ssh -p 2222 host``. The server keeps its host key under
``$XDG_STATE_HOME/divtui/`` (mode 600, created on first start), lets in the keys of
`--authorized-keys FILE` (any user name) or, with `--open`, everyone, and gives each session a
kiosk divtui of its own (`divtui.serve.ssh_session`). Nothing else is served: no password or
keyboard-interactive login, no command, subsystem, port, socket, agent or X11 forwarding; each of
those requests is answered with a refusal. SIGTERM or Ctrl+C says goodbye to every visitor, ends
every app and then the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import os
import re
import signal
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

import asyncssh

from divtui.app.launch import check_theme
from divtui.core.errors import DivtuiError
from divtui.serve.process import DEFAULT_MAX_SESSIONS, KIOSK_WARNING, app_argv
from divtui.serve.ssh_session import Seats, VisitorSession
from divtui.serve.web import check_listen, is_loopback

log = logging.getLogger("divtui.ssh")

HOST_KEY_NAME = "ssh_host_ed25519_key"
"""The host key's file name under the state directory."""

LOGIN_TIMEOUT = 30
"""Seconds a connection may take to log in."""

KEEPALIVE_INTERVAL = 15
"""Seconds of silence before the server checks that a client is still there (4 unanswered
checks drop it, so a vanished visitor's app ends within about a minute)."""

CLOSE_GRACE = 2.0
"""Seconds a stopping server gives its clients to read their goodbye and disconnect."""

_OPTIONS = re.compile(r'^(?:[^\s"]|"(?:[^"\\]|\\.)*")+')
"""The first field of an authorized_keys line: options, or the key type when there are none."""

_NO_FORWARDING = "divtui serves the explorer only: no forwarding"


def state_directory() -> Path:
    """``$XDG_STATE_HOME/divtui`` (an absolute XDG_STATE_HOME only), else ~/.local/state/divtui."""
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "divtui"


def host_key(path: Path) -> asyncssh.SSHKey:
    """The server's private host key at `path`, created (ed25519, mode 600) if there is none."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519", comment="divtui serve --ssh")
        draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(key.export_private_key())
            with contextlib.suppress(FileExistsError):  # another server made one first
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise DivtuiError(f"host key {path}: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise DivtuiError(f"host key {path}: not a regular file")
    if mode & 0o077:
        raise DivtuiError(
            f"host key {path}: others can read it (mode {stat.S_IMODE(mode):03o}); chmod 600 {path}"
        )
    try:
        return asyncssh.read_private_key(path)
    except (OSError, ValueError) as error:
        raise DivtuiError(f"host key {path}: not a usable private key ({error})") from None


def read_authorized_keys(name: str) -> asyncssh.SSHAuthorizedKeys:
    """The keys of an OpenSSH authorized_keys file; an unreadable file, a line that is not a key,
    or a ``command=`` option (this server runs nothing but the explorer) is an error."""
    path = Path(name)
    try:
        if not path.is_file():
            raise DivtuiError(f"--authorized-keys {name}: not a regular file")
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DivtuiError(f"--authorized-keys {name}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise DivtuiError(f"--authorized-keys {name}: not a text file") from None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            asyncssh.import_authorized_keys(line)
        except ValueError:
            raise DivtuiError(
                f"--authorized-keys {name} line {number}: not a public key line"
            ) from None
        first = _OPTIONS.match(line)
        if first and re.search(r'(?:^|,)command="', first.group(0)):
            raise DivtuiError(
                f"--authorized-keys {name} line {number}: a command= option; this server runs "
                "only the explorer, so remove it"
            )
    try:
        return asyncssh.import_authorized_keys(text)
    except ValueError:
        raise DivtuiError(f"--authorized-keys {name}: no public key in it") from None


class _Server(asyncssh.SSHServer):
    """One client connection: who may log in, and a refusal for everything but a session."""

    def __init__(self, seats: Seats, *, open_door: bool) -> None:
        self._seats = seats
        self._open_door = open_door
        self._visitor = "a visitor"

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        host, port = (conn.get_extra_info("peername") or ("?", 0))[:2]
        self._visitor = f"{host}:{port}"
        self._conn = conn
        if len(self._seats.connections) >= self._seats.limit * 2 + 8:
            log.info("%s: turned away, too many connections", self._visitor)
            conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, "divtui is full; try again later")
            return
        self._seats.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._seats.connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return not self._open_door  # False: no authentication needed

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def session_requested(self) -> VisitorSession:
        return VisitorSession(self._seats, self._visitor)

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        log.info("%s: refused to forward a connection (ssh -L/-D)", self._visitor)
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, _NO_FORWARDING)

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("%s: refused to listen for the client (ssh -R)", self._visitor)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, _NO_FORWARDING)

    def unix_server_requested(self, listen_path: str) -> bool:
        return False


def serve_ssh(
    options: Sequence[str],
    *,
    host: str,
    port: int,
    theme: str | None = None,
    authorized_keys: str | None = None,
    kiosk: bool = True,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> int:
    """Check everything that can be checked, then serve SSH visitors until SIGTERM or Ctrl+C."""
    check_theme(theme)
    keys = read_authorized_keys(authorized_keys) if authorized_keys is not None else None
    key = host_key(state_directory() / HOST_KEY_NAME)
    check_listen(host, port)
    argv = app_argv([*options, *([f"--theme={theme}"] if theme else [])], kiosk=kiosk)
    if not kiosk:
        sys.stderr.write(KIOSK_WARNING.format(user=getpass.getuser()))
    if keys is None:
        reach = "this machine" if is_loopback(host) else f"port {port}"
        sys.stderr.write(
            f"divtui: warning: --open: anyone who can reach {reach} gets in, with no key\n"
        )
    logging.basicConfig(level=logging.INFO, format="divtui: %(message)s", stream=sys.stderr)
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    asyncio.run(_serve(argv, key, keys, host=host, port=port, max_sessions=max_sessions))
    return 0


async def _serve(
    argv: Sequence[str],
    key: asyncssh.SSHKey,
    keys: asyncssh.SSHAuthorizedKeys | None,
    *,
    host: str,
    port: int,
    max_sessions: int,
) -> None:
    seats = Seats(argv=argv, limit=max_sessions)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        acceptor = await asyncssh.create_server(
            lambda: _Server(seats, open_door=keys is None),
            host,
            port,
            server_host_keys=[key],
            authorized_client_keys=keys,
            encoding=None,
            line_editor=False,
            allow_pty=True,
            agent_forwarding=False,
            x11_forwarding=False,
            login_timeout=LOGIN_TIMEOUT,
            keepalive_interval=KEEPALIVE_INTERVAL,
            keepalive_count_max=4,
        )
    except OSError as error:
        raise DivtuiError(f"cannot listen on {host} port {port}: {error.strerror}") from None
    fingerprint = key.get_fingerprint()
    log.info("serving the explorer over SSH on %s port %d (host key %s)", host, port, fingerprint)
    log.info("visitors run: ssh -p %d %s   (stop with Ctrl+C)", port, host)
    await stop.wait()
    log.info("stopping: ending %d session(s)", len(seats.sessions))
    acceptor.close()
    await asyncio.gather(*(session.leave() for session in list(seats.sessions)))
    # A client leaves once its session has closed; closing its connection first would drop the
    # goodbye still on its way.
    deadline = loop.time() + CLOSE_GRACE
    while seats.connections and loop.time() < deadline:
        await asyncio.sleep(0.05)
    for conn in list(seats.connections):
        conn.close()
    await acceptor.wait_closed()
