"""Reading and writing scenario files safely: bounded reads, atomic writes, printable names."""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import signal
import stat
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from divtui.core.errors import DivtuiError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


def shown(file: Path) -> str:
    """The file as a message names it: as given, or quoted with escapes when its name holds a
    control character (a newline would split the one-line error, an ESC would reach the
    terminal)."""
    name = str(file)
    return repr(name) if any(unicodedata.category(char) == "Cc" for char in name) else name


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(name: str, mode: int) -> DivtuiError:
    if stat.S_ISDIR(mode):
        return DivtuiError(f"{name}: is a directory, not a scenario file")
    what = next((kind for test, kind in _KINDS if test(mode)), "not a regular file")
    return DivtuiError(f"{name}: is {what}; divtui reads only regular files")


@contextlib.contextmanager
def open_regular(file: Path) -> Iterator[tuple[BinaryIO, int]]:
    """The file open for reading, with its size, if it is a regular file (after symlinks).

    FIFOs, devices and sockets are refused from `stat` before they are opened (opening a FIFO
    with no writer blocks forever; /dev/zero never ends). The open itself cannot block either
    (O_NONBLOCK), and the opened file is checked again, in case it was swapped meanwhile."""
    name = shown(file)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        mode = os.stat(file).st_mode
        handle = os.open(file, flags) if stat.S_ISREG(mode) else -1
    except FileNotFoundError:
        raise DivtuiError(f"{name}: no such file") from None
    except PermissionError:
        raise DivtuiError(f"{name}: permission denied") from None
    except IsADirectoryError:
        raise DivtuiError(f"{name}: is a directory, not a scenario file") from None
    except OSError as error:
        raise DivtuiError(f"{name}: cannot read ({error.strerror or error})") from None
    except ValueError:  # a NUL in the name, which no file has
        raise DivtuiError(f"{name}: no such file (the name holds a NUL character)") from None
    if handle < 0:
        raise _not_regular(name, mode)
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(name, info.st_mode)
        try:
            yield stream, info.st_size
        except OSError as error:
            raise DivtuiError(f"{name}: cannot read ({error.strerror or error})") from None


def read_bytes(file: Path, limit: int, kind: str) -> bytes:
    """The whole of a regular file, refused when over `limit` bytes; every error names the
    file."""
    with open_regular(file) as (stream, size):
        return _bounded_read(stream, size, limit, kind, shown(file))


def read_standard_input(limit: int, kind: str) -> bytes:
    """Standard input (`-` on the command line) up to `limit` bytes; more is refused."""
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None:
        raise DivtuiError("-: there is no standard input to read")
    try:
        return _bounded_read(stream, None, limit, kind, "<stdin>")
    except OSError as error:
        raise DivtuiError(f"<stdin>: cannot read ({error.strerror or error})") from None


def _bounded_read(stream: BinaryIO, size: int | None, limit: int, kind: str, name: str) -> bytes:
    if size is not None and size > limit:
        raise DivtuiError(f"{name}: {size} bytes is too large for a {kind}")
    raw = stream.read(limit + 1)  # a file that grows while it is read is still bounded
    if len(raw) > limit:
        raise DivtuiError(f"{name}: more than {limit} bytes is too large for a {kind}")
    return raw


def decode_text(raw: bytes, file: Path) -> str:
    """UTF-8 text, without the byte-order mark Windows editors write; an error names the bad
    byte's offset in the file (the mark counted)."""
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise DivtuiError(
            f"{shown(file)}: not a text file (invalid UTF-8 at byte {bom + error.start})"
        ) from None


def write_atomic(file: Path, data: bytes) -> None:
    """Write to a temporary file beside `file`, fsync it, then rename it over `file`."""
    write_atomic_with(file, lambda stream: stream.write(data))


def write_atomic_with(file: Path, write: Callable[[BinaryIO], object]) -> None:
    """Let `write` fill a temporary file beside `file`, fsync it, then rename it over `file`:
    a failed save leaves the old file intact.

    The temporary file goes when the save fails or is interrupted (an exception, Ctrl+C, or
    SIGTERM/SIGHUP, which are held off as exceptions while the file is written). One left by a
    process killed outright (SIGKILL, a power cut) is removed by the next save beside it."""
    directory = file.parent if str(file.parent) else Path(".")
    name = shown(file)
    remove_stale_temporaries(file)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=_temporary_prefix(file), suffix=TEMPORARY_SUFFIX, dir=directory
        )
    except OSError as error:
        raise DivtuiError(f"{name}: cannot write there ({error.strerror or error})") from None
    _claim(handle)
    try:
        with _signals_as_exceptions(), os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
            with contextlib.suppress(OSError):
                os.chmod(temporary, _mode_for(file))
            os.replace(temporary, file)  # still open, so still claimed: no cleaner removes it
    except OSError as error:
        _discard(temporary)
        raise DivtuiError(f"{name}: could not save ({error.strerror or error})") from None
    except _Terminated as stop:
        _discard(temporary)
        signal.raise_signal(stop.signal)  # the handler it interrupted: by default, the end
        raise DivtuiError(f"{name}: not saved (interrupted)") from None
    except BaseException:
        _discard(temporary)
        raise


TEMPORARY_SUFFIX = ".tmp"
"""Temporary files are `.NAME.XXXXXXXX.tmp` beside NAME (tempfile's 8 random characters)."""

_RANDOM_PART = re.compile(r"[a-z0-9_]{8}")


def _temporary_prefix(file: Path) -> str:
    return f".{file.name}."


def remove_stale_temporaries(file: Path) -> list[Path]:
    """Remove the temporary files an earlier save of `file` left behind (its process was
    killed mid-write); returns them. A temporary file still being written by a live save holds
    a lock and is left alone (without `fcntl`, only files older than an hour are removed)."""
    directory = file.parent if str(file.parent) else Path(".")
    prefix = _temporary_prefix(file)
    removed: list[Path] = []
    try:
        entries = [entry.name for entry in os.scandir(directory) if entry.name.startswith(prefix)]
    except OSError:
        return removed
    for entry in entries:
        middle = entry[len(prefix) :].removesuffix(TEMPORARY_SUFFIX)
        if not entry.endswith(TEMPORARY_SUFFIX) or not _RANDOM_PART.fullmatch(middle):
            continue
        candidate = directory / entry
        if _abandoned(candidate):
            with contextlib.suppress(OSError):
                os.unlink(candidate)
                removed.append(candidate)
    return removed


def _abandoned(candidate: Path) -> bool:
    """A regular file of ours that no live save holds."""
    try:
        info = os.lstat(candidate)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != _euid():
            return False
        if fcntl is None:
            return time.time() - info.st_mtime > 3600
        handle = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a save in progress (in this or another process)
    finally:
        os.close(handle)  # the lock, if it was taken, goes with it
    return True


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def _claim(handle: int) -> None:
    """Lock the temporary file for as long as it is open, so a cleaner sees it is in use."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _discard(temporary: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temporary)


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while a temporary file was being written."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal = signal_number


_HELD_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def _signals_as_exceptions() -> Iterator[None]:
    """While the body runs, SIGTERM and SIGHUP raise `_Terminated` (so the temporary file can
    be removed) instead of ending the process at once; only the main thread can do this."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signal_number: int, frame: object) -> None:
        raise _Terminated(signal_number)

    previous = {
        number: signal.signal(number, terminated)
        for number in _HELD_SIGNALS
        if signal.getsignal(number) is not signal.SIG_IGN  # an ignored signal stays ignored
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _mode_for(file: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0o666 less the umask."""
    try:
        return file.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
