"""One SSH visitor's session under `divtui serve --ssh`: an interactive shell request answered
with the explorer, and every other kind of session refused.

The visitor asks for a pty and a shell (what a plain ``ssh -p 2222 host`` does) and gets
divtui on a pty of its own (`divtui.serve.pty_app`), with the pty's size following the visitor's
window (clamped) and TERM/COLORTERM taken from the visitor's request. A command (``ssh host
ls``) or a subsystem (``sftp``) is refused: the client reports the failure. A shell without a
pty, or a visitor beyond the last seat, is told why in one line and let go.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncssh

from divtui.serve.process import app_environment, terminal_name
from divtui.serve.pty_app import PtyApp

log = logging.getLogger("divtui.ssh")

NO_TERMINAL = "divtui needs a terminal: connect with ssh -t (or without -T)."
"""Said to a visitor who asked for a shell without a pty."""

FULL = "divtui is full ({seats} visitors at once). Please try again in a few minutes."
"""Said to the visitor one past `--max-sessions`."""

GOODBYE = "divtui: the server is shutting down. Goodbye."
"""Said to every visitor when the server stops."""

TERMINAL_RESET = (
    b"\x18\x1b\\"  # CAN and ST: abandon whatever escape sequence the app was cut off in
    b"\x1b[?1049l"  # leave the alternate screen
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reports off
    b"\x1b[?2004l\x1b[<u\x1b[0m\x1b[?25h"  # bracketed paste, kitty keys, colours; the cursor
)
"""What an app that was ended (and could not tidy up) leaves switched on in the visitor's
terminal, switched off again; harmless after an app that did tidy up."""


@dataclass
class Seats:
    """What every session of one server shares: the app to run and who is in."""

    argv: Sequence[str]
    """The app's command line (kiosk divtui on the server's scenario)."""
    limit: int
    """`--max-sessions`."""
    sessions: set[VisitorSession] = field(default_factory=set)
    """Sessions whose app is running (or still ending): each holds a seat."""
    connections: set[asyncssh.SSHServerConnection] = field(default_factory=set)
    """Open client connections, logged in or not (at most twice the seats, and 8 more)."""

    def take(self, session: VisitorSession) -> bool:
        """Seat `session` if a seat is free."""
        if len(self.sessions) >= self.limit:
            return False
        self.sessions.add(session)
        return True


class VisitorSession(asyncssh.SSHServerSession[bytes]):
    """A session channel: a pty plus a shell runs the app; nothing else runs at all."""

    def __init__(self, seats: Seats, visitor: str) -> None:
        self._seats = seats
        self._visitor = visitor
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._app: PtyApp | None = None
        self._task: asyncio.Task[None] | None = None
        self._gone = False
        self._farewell: str | None = None
        """Said once the app has ended, instead of its exit status (the server is stopping)."""
        self._hanging_up: asyncio.Task[None] | None = None
        """Ending the app of a visitor who left (held here: the loop keeps only weak references)."""

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object
    ) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        log.info("%s: refused a command (exec) request", self._visitor)
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("%s: refused the subsystem %r", self._visitor, subsystem[:40])
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def session_started(self) -> None:
        chan = self._chan
        assert chan is not None
        if chan.get_terminal_type() is None:
            self._say_and_leave(NO_TERMINAL)
        elif not self._seats.take(self):
            log.info("%s: turned away, all %d seats taken", self._visitor, self._seats.limit)
            self._say_and_leave(FULL.format(seats=self._seats.limit))
        else:
            self._task = asyncio.create_task(self._run(chan))

    def _say_and_leave(self, message: str, status: int = 1) -> None:
        self._relay(f"\r\n{message}\r\n".encode())
        self._exit(status)

    def _exit(self, status: int) -> None:
        if self._chan is not None and not self._gone:
            self._gone = True  # nothing more goes out on this channel
            self._chan.exit(status)

    async def _run(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        """Run the app for this visitor, relay it until it ends, and give the seat back."""
        app = self._app = PtyApp(
            self._relay, pause_input=chan.pause_reading, resume_input=chan.resume_reading
        )
        environment = app_environment(
            term=terminal_name(chan.get_terminal_type(), "xterm-256color"),
            colorterm=terminal_name(chan.get_environment().get("COLORTERM"), "") or None,
        )
        columns, rows, _pixels_wide, _pixels_high = chan.get_terminal_size()
        status = 1
        try:
            await app.start(self._seats.argv, environment=environment, size=(columns, rows))
            log.info(
                "%s: app %s started (%d of %d seats taken)",
                self._visitor,
                app.pid,
                len(self._seats.sessions),
                self._seats.limit,
            )
            if self._farewell is not None:  # the server began stopping while the app started
                await app.hang_up()
            status = await app.wait()
        except OSError as error:
            log.warning("%s: the app did not start: %s", self._visitor, error)
        finally:
            await app.hang_up()
            self._seats.sessions.discard(self)
            log.info("%s: app %s ended", self._visitor, app.pid)
        self._relay(TERMINAL_RESET)
        if self._farewell is not None:
            self._say_and_leave(self._farewell, status=0)
        self._exit(status)

    def _relay(self, data: bytes) -> None:
        if self._chan is not None and not self._gone:
            try:
                self._chan.write(data)
            except OSError:  # the channel closed under us: connection_lost follows
                self._gone = True

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if self._app is not None:
            self._app.write(data)

    def eof_received(self) -> bool:
        return True  # half-close: keep the channel open for the app's output

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self._app is not None:
            self._app.resize(width, height)

    def pause_writing(self) -> None:
        if self._app is not None:
            self._app.pause_output()

    def resume_writing(self) -> None:
        if self._app is not None:
            self._app.resume_output()

    def connection_lost(self, exc: Exception | None) -> None:
        """The channel or the whole connection is gone: end the app now (`_run` frees the seat)."""
        self._gone = True
        if self._app is not None:
            self._hanging_up = asyncio.get_running_loop().create_task(self._app.hang_up())

    async def leave(self) -> None:
        """End the app, then say goodbye: the server is stopping."""
        self._farewell = GOODBYE
        if self._task is None:
            self._say_and_leave(GOODBYE, status=0)
            return
        if self._app is not None:
            await self._app.hang_up()
        await asyncio.wait([self._task], timeout=5)
