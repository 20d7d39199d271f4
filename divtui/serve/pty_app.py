"""One visitor's app in its own process on its own pseudo-terminal, driven from an asyncio loop.

The process is a session leader whose controlling terminal is the pty, so the kernel does what it
does for a login: a window-size change (TIOCSWINSZ on the master) sends it SIGWINCH, and closing
the master hangs the terminal up, which sends it SIGHUP (divtui keeps SIGHUP's default: it ends).
That holds even when the server itself is killed with SIGKILL: its master descriptors close with
it, so no app outlives its server. Each process also gets a cap on its address space
(`MEMORY_LIMIT`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import resource
import signal
import struct
import termios
from collections.abc import Callable, Mapping, Sequence

from divtui.serve.process import MEMORY_LIMIT, clamp_size

HANG_UP_GRACE = 1.0
"""Seconds an app gets to end after its terminal hangs up, before SIGKILL."""

INPUT_HIGH_WATER = 256 * 1024
"""Bytes of visitor input waiting for the app beyond which the visitor's side is paused."""


def _take_terminal() -> None:
    """In the child, after setsid: make stdin's pty the controlling terminal; cap the memory."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _keys_are_keys(terminal: int) -> None:
    """No signal keys on the app's terminal: until Textual takes the terminal raw (a fraction of
    a second after start), Ctrl+C would interrupt the app mid-import with a traceback for the
    visitor, and Ctrl+Z would stop it for good, seat and all. As keys, Textual reads them later."""
    attributes = termios.tcgetattr(terminal)
    attributes[3] &= ~termios.ISIG  # the local modes
    termios.tcsetattr(terminal, termios.TCSANOW, attributes)


class PtyApp:
    """A process on a pty: output goes to `on_output`, input comes from `write`, `resize`
    changes the window, `hang_up` ends it; `wait` returns its exit status."""

    def __init__(
        self,
        on_output: Callable[[bytes], None],
        *,
        pause_input: Callable[[], None] = lambda: None,
        resume_input: Callable[[], None] = lambda: None,
    ) -> None:
        self._on_output = on_output
        self._pause_input = pause_input
        self._resume_input = resume_input
        self._loop = asyncio.get_running_loop()
        self._master: int | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._pending = bytearray()
        self._input_paused = False
        self._reading = False
        self._output_ended = asyncio.Event()

    @property
    def pid(self) -> int | None:
        """The app's process id (also its process group and session), once started."""
        return self._process.pid if self._process is not None else None

    async def start(
        self, argv: Sequence[str], *, environment: Mapping[str, str], size: tuple[int, int]
    ) -> None:
        """Start `argv` on a fresh pty of `size` (clamped) columns x rows, in directory /."""
        master, slave = os.openpty()
        try:
            self._master = master
            self.resize(*size)
            _keys_are_keys(slave)
            os.set_blocking(master, False)
            self._process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(environment),
                cwd="/",
                start_new_session=True,
                preexec_fn=_take_terminal,
            )
        except BaseException:
            self._close_master()
            raise
        finally:
            os.close(slave)
        self.resume_output()

    def resize(self, columns: int, rows: int) -> None:
        """Tell the app's terminal its new size (the kernel sends the app SIGWINCH)."""
        if self._master is None:
            return
        columns, rows = clamp_size(columns, rows)
        with contextlib.suppress(OSError):
            fcntl.ioctl(self._master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def write(self, data: bytes) -> None:
        """Queue the visitor's keystrokes for the app; pause the visitor when the app lags."""
        if self._master is None:
            return
        self._pending += data
        self._flush_input()

    def _flush_input(self) -> None:
        if self._master is None:
            return
        try:
            written = os.write(self._master, self._pending) if self._pending else 0
        except BlockingIOError:
            written = 0
        except OSError:  # the app closed its terminal: its input goes nowhere
            written = len(self._pending)
        del self._pending[:written]
        if self._pending:
            self._loop.add_writer(self._master, self._flush_input)
            if len(self._pending) > INPUT_HIGH_WATER and not self._input_paused:
                self._input_paused = True
                self._pause_input()
            return
        self._loop.remove_writer(self._master)
        if self._input_paused:
            self._input_paused = False
            self._resume_input()

    def pause_output(self) -> None:
        """Stop reading the app's screen (the visitor's side is full): the app then waits."""
        if self._master is not None and self._reading:
            self._loop.remove_reader(self._master)
            self._reading = False

    def resume_output(self) -> None:
        if self._master is not None and not self._reading and not self._output_ended.is_set():
            self._loop.add_reader(self._master, self._read_output)
            self._reading = True

    def _read_output(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: no process has the terminal open any more
            data = b""
        if data:
            self._on_output(data)
            return
        self.pause_output()
        self._output_ended.set()

    async def wait(self) -> int:
        """Wait for the app to exit, and for the last of its output; its exit status (128 + N
        for signal N, as a shell reports it)."""
        assert self._process is not None
        status = await self._process.wait()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._output_ended.wait(), 1.0)
        self._close_master()
        return status if status >= 0 else 128 - status

    async def hang_up(self) -> None:
        """End the app as a dropped line does: hang its terminal up (SIGHUP), and SIGKILL its
        process group if it is still there after `HANG_UP_GRACE` seconds."""
        process = self._process
        self._close_master()
        if process is None or process.returncode is not None:
            return
        for ending in (signal.SIGHUP, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, ending)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(process.wait()), HANG_UP_GRACE)
                return

    def _close_master(self) -> None:
        master, self._master = self._master, None
        if master is None:
            return
        self._loop.remove_reader(master)
        self._loop.remove_writer(master)
        self._reading = False
        self._output_ended.set()
        os.close(master)
