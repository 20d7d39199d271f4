"""Files that are not good scenarios, handed to `load_scenario` and to the command line.

Whatever the file (malformed, mistyped, absurd numbers, huge, endless, binary, not UTF-8, empty,
a directory, missing, unreadable, or holding terminal escapes), the answer is one line naming the
file and the problem: a `DivtuiError` in process, and on the command line status 2, nothing on
stdout, and for `divtui FILE` nothing drawn either (Textual draws on stderr, which holds only
the error line). Files with extreme but valid numbers load, and a failed save leaves the old
file byte for byte with no temporary file beside it.
"""

from __future__ import annotations

import errno
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from helpers import GOOD_SCENARIO, IS_ROOT

from divtui.core.errors import DivtuiError
from divtui.core.presets import preset
from divtui.core.scenario_file import MAX_FILE_BYTES, load_scenario, save_scenario


def good_with(old: str, new: str) -> str:
    """GOOD_SCENARIO with one piece replaced."""
    assert old in GOOD_SCENARIO
    return GOOD_SCENARIO.replace(old, new)


@dataclass(frozen=True)
class Broken:
    """A bad file: how to make it in a directory, and what its refusal must say."""

    make: Callable[[Path], Path]
    fragment: str


def text_file(content: str | bytes, name: str = "bad.toml") -> Callable[[Path], Path]:
    def make(directory: Path) -> Path:
        path = directory / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return make


def sparse_file(directory: Path) -> Path:
    """A file one byte over the limit, without writing 64 MB (a hole reads as zeros)."""
    path = directory / "huge.toml"
    with path.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)
    return path


def directory_named_like_a_file(directory: Path) -> Path:
    path = directory / "folder.toml"
    path.mkdir()
    return path


BROKEN: dict[str, Broken] = {
    # Not TOML at all.
    "malformed": Broken(text_file('labels = ["a", "b"\np = ['), "invalid TOML"),
    "duplicate key": Broken(text_file('title = "again"\n' + GOOD_SCENARIO), "invalid TOML"),
    "nested too deeply": Broken(
        text_file("p = " + "[" * 50_000 + "]" * 50_000 + "\n"),
        "invalid TOML: arrays or tables nested too deeply",
    ),
    "binary garbage": Broken(text_file(bytes(range(256)) * 4), "not a text file"),
    "not UTF-8": Broken(
        text_file('title = "café"\n'.encode("latin-1")),
        "not a text file (invalid UTF-8 at byte 12)",
    ),
    "empty": Broken(text_file(""), "missing key 'labels'"),
    # TOML, but the wrong types.
    "labels a number": Broken(
        text_file(good_with('labels = ["a", "b"]', "labels = 3")),
        "key 'labels': expected a list of text, got int",
    ),
    "q a table": Broken(
        text_file(good_with("q = [0.5, 0.5]", "q = { a = 1 }")),
        "models[0].q: expected a list of numbers, got dict",
    ),
    "p nested lists": Broken(
        text_file(good_with("p = [0.5, 0.5]", "p = [[0.5], [0.5]]")),
        "p[0]: [0.5] is not a number",
    ),
    "a date for a weight": Broken(
        text_file(good_with("p = [0.5, 0.5]", "p = [1979-05-27, 1]")),
        "p[0]: datetime.date(1979, 5, 27) is not a number",
    ),
    "temperature as text": Broken(
        text_file(good_with('name = "m"', 'name = "m"\ntemperature = "hot"')),
        "models[0].temperature: 'hot' is not a number",
    ),
    "title a list": Broken(
        text_file(good_with('title = "Two"', 'title = ["Two"]')),
        "key 'title': expected text, got list",
    ),
    # Absurd numbers: TOML reads 1e400 as inf and 1e-400 as 0.
    "1e400 weight": Broken(
        text_file(good_with("p = [0.5, 0.5]", "p = [1e400, 1]")),
        "p[0]: inf is not a finite weight",
    ),
    "-1e400 weight": Broken(
        text_file(good_with("p = [0.5, 0.5]", "p = [-1e400, 1]")),
        "p[0]: -inf is not a finite weight",
    ),
    "nan weight": Broken(
        text_file(good_with("q = [0.5, 0.5]", "q = [nan, 1]")),
        "models[0].q[0]: NaN is not a probability or weight",
    ),
    "weights that underflow to zero": Broken(
        text_file(good_with("q = [0.5, 0.5]", "q = [1e-400, -0.0]")),
        "models[0].q: all weights are zero",
    ),
    "1e400 logit": Broken(
        text_file(good_with("q = [0.5, 0.5]", "logits = [1e400, 0]")),
        "models[0].logits[0]: inf is not a finite logit",
    ),
    "temperature 1e-400": Broken(
        text_file(good_with("q = [0.5, 0.5]", "logits = [1, 0]\ntemperature = 1e-400")),
        "models[0].temperature: 0.0 must be a finite number > 0",
    ),
    "temperature 1e400": Broken(
        text_file(good_with("q = [0.5, 0.5]", "logits = [1, 0]\ntemperature = 1e400")),
        "models[0].temperature: inf must be a finite number > 0",
    ),
    "label smoothing 1e400": Broken(
        text_file(good_with("p = [0.5, 0.5]", "p = [0.5, 0.5]\nlabel_smoothing = 1e400")),
        "label_smoothing: inf must lie in [0, 1]",
    ),
    # Text that would drive the terminal of whoever reads the report or opens the app.
    "escape in a label": Broken(
        text_file(good_with('labels = ["a", "b"]', r'labels = ["a\u001b]0;owned\u0007", "b"]')),
        r"labels[0]: 'a\x1b]0;owned\x07' contains the control character '\x1b'",
    ),
    "escape in a model name": Broken(
        text_file(good_with('name = "m"', r'name = "m\u001b[2J"')),
        r"models[0].name: 'm\x1b[2J' contains the control character '\x1b'",
    ),
    "carriage return in the title": Broken(
        text_file(good_with('title = "Two"', r'title = "Two\rOne"')),
        r"title: 'Two\rOne' contains the control character '\r'",
    ),
    # Not a readable file.
    "too large": Broken(sparse_file, f"{MAX_FILE_BYTES + 1} bytes is too large"),
    "a directory": Broken(directory_named_like_a_file, "is a directory, not a scenario file"),
    "missing": Broken(lambda directory: directory / "absent.toml", "no such file"),
    "endless device": Broken(
        lambda _: Path("/dev/zero"), "is a character device; divtui reads only regular files"
    ),
}


def one_line_naming(message: str, path: Path, fragment: str) -> None:
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message and "\x1b" not in message, repr(message)
    assert fragment in message, message


@pytest.mark.parametrize("case", BROKEN)
def test_load_scenario_refuses_in_one_line(tmp_path: Path, case: str) -> None:
    if case == "endless device" and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    path = BROKEN[case].make(tmp_path)
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    one_line_naming(str(caught.value), path, BROKEN[case].fragment)


def test_a_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sparse_file(tmp_path)

    class Unread:
        def __init__(self, fd: int, mode: str) -> None:
            self._stream = _real_fdopen(fd, mode)

        def __enter__(self) -> Unread:
            return self

        def __exit__(self, *exc: object) -> None:
            self._stream.close()

        def read(self, size: int = -1) -> bytes:
            raise AssertionError("the 64 MB file was read")

    monkeypatch.setattr(os, "fdopen", Unread)
    with pytest.raises(DivtuiError, match="too large"):
        load_scenario(path)


def deny_reading(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `path` unreadable: by its mode, or for root (who reads through any mode) by making
    the read fail the way it fails for everyone else."""
    if not IS_ROOT:
        path.chmod(0)
        return

    real_open = os.open

    def denied(file: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)


def test_an_unreadable_file_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = text_file(GOOD_SCENARIO)(tmp_path)
    deny_reading(path, monkeypatch)
    try:
        with pytest.raises(DivtuiError) as caught:
            load_scenario(path)
    finally:
        path.chmod(0o644)
    one_line_naming(str(caught.value), path, "permission denied")


def test_a_file_name_with_a_newline_keeps_the_error_on_one_line(tmp_path: Path) -> None:
    path = text_file(b"\xff", name="two\nlines.toml")(tmp_path)
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(repr(str(path))) and "\n" not in message
    assert "not a text file" in message


# --- extreme numbers that are valid -----------------------------------------------------------


def test_minus_zero_and_underflowing_weights_are_plain_zeros(tmp_path: Path) -> None:
    path = text_file(
        good_with("p = [0.5, 0.5]", "p = [-0.0, 1]").replace("q = [0.5, 0.5]", "q = [1e-400, 1]")
    )(tmp_path)
    scenario = load_scenario(path)
    assert list(scenario.p_weights) == [0.0, 1.0] and math.copysign(1, scenario.p_weights[0]) > 0
    assert list(scenario.models[0].weights) == [0.0, 1.0]
    assert scenario.measures[0].kl == 0.0


def test_weights_whose_sum_overflows_still_normalise(tmp_path: Path) -> None:
    path = text_file(good_with("p = [0.5, 0.5]", "p = [1.7976931348623157e308, 1e308]"))(tmp_path)
    scenario = load_scenario(path)
    assert math.isclose(float(np.sum(scenario.p)), 1.0, abs_tol=1e-12)
    assert all(math.isfinite(getattr(scenario.measures[0], name)) for name in ("kl", "hellinger"))


def test_logits_near_the_float_limit_give_a_distribution(tmp_path: Path) -> None:
    path = text_file(good_with("q = [0.5, 0.5]", "logits = [1e308, -1e308]\ntemperature = 0.5"))(
        tmp_path
    )
    scenario = load_scenario(path)
    assert list(scenario.models[0].q) == [1.0, 0.0]
    assert math.isinf(scenario.measures[0].kl)  # q(b) = 0 < p(b): infinite, not NaN
    assert not math.isnan(scenario.measures[0].reverse_kl)


def test_a_byte_order_mark_is_not_part_of_the_document(tmp_path: Path) -> None:
    path = text_file(b"\xef\xbb\xbf" + GOOD_SCENARIO.encode())(tmp_path)
    assert load_scenario(path) == load_scenario(text_file(GOOD_SCENARIO, "plain.toml")(tmp_path))


def test_tabs_and_newlines_in_names_are_not_control_characters_to_refuse(tmp_path: Path) -> None:
    path = text_file(good_with('labels = ["a", "b"]', r'labels = ["a\tb", "b"]'))(tmp_path)
    assert load_scenario(path).labels == ("a\tb", "b")


# --- the command line -------------------------------------------------------------------------


def run_divtui(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m divtui ARGS` in a fresh interpreter (UTF-8 pipes, a guard against a hang)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100", "TERM": "xterm"}
    return subprocess.run(
        [sys.executable, "-m", "divtui", *args],
        capture_output=True,
        encoding="utf-8",
        errors="backslashreplace",
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        env=env,
        timeout=60,
        check=False,
    )


def refused_in_one_line(run: subprocess.CompletedProcess[str], path: Path, fragment: str) -> None:
    """Status 2, nothing on stdout, one error line on stderr and nothing drawn there."""
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    assert run.stderr.endswith("\n") and run.stderr.count("\n") == 1, repr(run.stderr)
    assert run.stderr.startswith("divtui: error: ")
    one_line_naming(run.stderr.removeprefix("divtui: error: ").rstrip("\n"), path, fragment)


COMMANDS = {"report": ["report"], "app": []}
"""`divtui report FILE` prints the measures; `divtui FILE` opens the app on the file."""


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", BROKEN)
def test_the_command_line_refuses_with_status_2(tmp_path: Path, case: str, command: str) -> None:
    if case == "endless device" and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    path = BROKEN[case].make(tmp_path)
    run = run_divtui([*COMMANDS[command], str(path)])
    refused_in_one_line(run, path, BROKEN[case].fragment)


@pytest.mark.skipif(
    IS_ROOT,
    reason="root reads a file whatever its mode; the in-process test simulates the denial instead",
)
@pytest.mark.parametrize("command", COMMANDS)
def test_the_command_line_refuses_an_unreadable_file(tmp_path: Path, command: str) -> None:
    path = text_file(GOOD_SCENARIO)(tmp_path)
    path.chmod(0)
    try:
        run = run_divtui([*COMMANDS[command], str(path)])
    finally:
        path.chmod(0o644)
    refused_in_one_line(run, path, "permission denied")


def test_a_scenario_comes_from_standard_input_as_minus() -> None:
    """`-` reads standard input explicitly; /dev/stdin, a pipe here, is refused like any FIFO."""
    run = run_divtui(["report", "-", "--format", "csv"], stdin=GOOD_SCENARIO)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("model,")
    run = run_divtui(["report", "/dev/stdin", "--format", "csv"], stdin=GOOD_SCENARIO)
    refused_in_one_line(run, Path("/dev/stdin"), "divtui reads only regular files")


# --- saving that fails ------------------------------------------------------------------------

_real_fdopen = os.fdopen


class FailingStream:
    """The temporary file's stream, failing as a full disk does at `failing` (write or flush)."""

    def __init__(self, fd: int, mode: str, failing: str) -> None:
        self._stream = _real_fdopen(fd, mode)
        self._failing = failing

    def __enter__(self) -> FailingStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def fileno(self) -> int:
        return self._stream.fileno()

    def write(self, data: bytes) -> int:
        if self._failing == "write":
            raise OSError(errno.ENOSPC, "No space left on device")
        return self._stream.write(data)

    def flush(self) -> None:
        if self._failing == "flush":
            raise OSError(errno.ENOSPC, "No space left on device")
        self._stream.flush()


def _raise(error: OSError) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise error

    return fail


SAVE_FAILURES: dict[str, tuple[object, str, object, str]] = {
    "disk full on write": (
        os,
        "fdopen",
        lambda fd, mode: FailingStream(fd, mode, "write"),
        "could not save (No space left on device)",
    ),
    "disk full on flush": (
        os,
        "fdopen",
        lambda fd, mode: FailingStream(fd, mode, "flush"),
        "could not save (No space left on device)",
    ),
    "read-only directory": (
        tempfile,
        "mkstemp",
        _raise(PermissionError(errno.EACCES, "Permission denied")),
        "cannot write there (Permission denied)",
    ),
    "read-only file system": (
        tempfile,
        "mkstemp",
        _raise(OSError(errno.EROFS, "Read-only file system")),
        "cannot write there (Read-only file system)",
    ),
    "quota exceeded on fsync": (
        os,
        "fsync",
        _raise(OSError(errno.EDQUOT, "Disk quota exceeded")),
        "could not save (Disk quota exceeded)",
    ),
}


@pytest.mark.parametrize("case", SAVE_FAILURES)
def test_a_failed_save_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    target, name, replacement, fragment = SAVE_FAILURES[case]
    path = tmp_path / "keep.toml"
    save_scenario(preset("coin"), path)
    before = path.read_bytes()
    monkeypatch.setattr(target, name, replacement)
    with pytest.raises(DivtuiError) as caught:
        save_scenario(preset("weather"), path)
    monkeypatch.undo()
    assert str(caught.value) == f"{path}: {fragment}"
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["keep.toml"]
