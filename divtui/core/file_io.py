"""Reading and writing scenario files safely: bounded reads, atomic writes, printable names."""

from __future__ import annotations

import codecs
import contextlib
import os
import stat
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from divtui.core.errors import DivtuiError


def shown(file: Path) -> str:
    """The file as a message names it: as given, or quoted with escapes when its name holds a
    control character (a newline would split the one-line error, an ESC would reach the
    terminal)."""
    name = str(file)
    return repr(name) if any(unicodedata.category(char) == "Cc" for char in name) else name


def read_bytes(file: Path, limit: int, kind: str) -> bytes:
    """The whole file, refused when over `limit` bytes; every error names the file."""
    name = shown(file)
    try:
        if file.is_dir():
            raise DivtuiError(f"{name}: is a directory, not a scenario file")
        info = file.stat()
        if stat.S_ISREG(info.st_mode):
            if info.st_size > limit:
                raise DivtuiError(f"{name}: {info.st_size} bytes is too large for a {kind}")
            return file.read_bytes()
        # A pipe or a device (/dev/stdin, /dev/zero): its size is known once it is read.
        with file.open("rb") as stream:
            raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise DivtuiError(f"{name}: more than {limit} bytes is too large for a {kind}")
        return raw
    except FileNotFoundError:
        raise DivtuiError(f"{name}: no such file") from None
    except PermissionError:
        raise DivtuiError(f"{name}: permission denied") from None
    except OSError as error:
        raise DivtuiError(f"{name}: cannot read ({error.strerror or error})") from None


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
    a failed save leaves the old file intact."""
    directory = file.parent if str(file.parent) else Path(".")
    name = shown(file)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise DivtuiError(f"{name}: cannot write there ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, _mode_for(file))
        os.replace(temporary, file)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DivtuiError(f"{name}: could not save ({error.strerror or error})") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(file: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0o666 less the umask."""
    try:
        return file.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
