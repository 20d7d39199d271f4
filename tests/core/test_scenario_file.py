"""Scenario files: exact round trips, precise errors naming file and key, atomic saves."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import tomllib
from pathlib import Path

import pytest

from divtui.core import scenario_file
from divtui.core.errors import DivtuiError
from divtui.core.presets import PRESETS
from divtui.core.scenario import Scenario
from divtui.core.scenario_file import (
    load_scenario,
    save_scenario,
    scenario_from_mapping,
    scenario_to_mapping,
)
from divtui.core.units import Unit

GOOD = """\
title = "Weather"
unit = "bits"
labels = ["rain", "snow", "sleet", "hail"]
p = [0.14, 0.37, 0.03, 0.46]

[[models]]
name = "uniform"
q = [0.25, 0.25, 0.25, 0.25]

[[models]]
name = "forecast"
q = [2, 3, 1, 4]
"""

AWKWARD = Scenario.build(
    ["0.1", 'say "hi"', "a=b", "日本", "tab\there"],
    [0.1, 1e-300, 1 / 3, 2 / 3, 5e-324],
    [
        ("thirds", [1 / 3, 1 / 3, 1 / 3, 0.0, 0.0]),
        ("extremes", [1e300, 1.7976931348623157e308, 2.2250738585072014e-308, 0.1, 7]),
        ("repeating", [0.1, 0.2, 0.30000000000000004, 0.7, 1e-300]),
    ],
    unit=Unit.HARTLEYS,
    title='Awkward: "quotes", \\ backslash, ünïcode\nand a newline',
)


def write(directory: Path, text: str | bytes, name: str = "scenario.toml") -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def assert_identical(a: Scenario, b: Scenario) -> None:
    """Equal, and every float bit-for-bit (np.array_equal alone would accept -0.0 for 0.0)."""
    assert a == b
    assert a.p_weights.tobytes() == b.p_weights.tobytes()
    for x, y in zip(a.models, b.models, strict=True):
        assert x.weights.tobytes() == y.weights.tobytes()


# --- round trips ------------------------------------------------------------------------------


def test_a_good_file_loads() -> None:
    scenario = scenario_from_mapping(tomllib.loads(GOOD))
    assert scenario.title == "Weather" and scenario.unit is Unit.BITS
    assert scenario.labels == ("rain", "snow", "sleet", "hail")
    assert [m.name for m in scenario.models] == ["uniform", "forecast"]
    assert list(scenario.models[1].weights) == [2, 3, 1, 4]


@pytest.mark.parametrize(
    "scenario",
    [AWKWARD, *(entry.make() for entry in PRESETS.values())],
    ids=["awkward", *PRESETS],
)
def test_load_save_load_is_exact(tmp_path: Path, scenario: Scenario) -> None:
    first = tmp_path / "first.toml"
    save_scenario(scenario, first)
    loaded = load_scenario(first)
    assert_identical(loaded, scenario)
    second = tmp_path / "second.toml"
    save_scenario(loaded, second)
    assert second.read_bytes() == first.read_bytes()
    assert_identical(load_scenario(second), scenario)


def test_a_hand_written_file_survives_a_round_trip(tmp_path: Path) -> None:
    original = load_scenario(write(tmp_path, GOOD))
    save_scenario(original, tmp_path / "copy.toml")
    assert_identical(load_scenario(tmp_path / "copy.toml"), original)


def test_the_saved_document_is_the_documented_format(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    save_scenario(PRESETS["weather"].make(), path)
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert document == scenario_to_mapping(PRESETS["weather"].make())
    assert set(document) == {"title", "unit", "labels", "p", "models"}
    assert document["unit"] == "nats"
    assert document["models"] == [{"name": "uniform", "q": [0.25, 0.25, 0.25, 0.25]}]


def test_a_relative_path_saves_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    save_scenario(AWKWARD, "here.toml")
    assert_identical(load_scenario("here.toml"), AWKWARD)
    assert sorted(os.listdir(tmp_path)) == ["here.toml"]


# --- errors that name the file and the key ----------------------------------------------------

BAD_DOCUMENTS = {
    "unknown top-level key": (
        GOOD.replace('unit = "bits"', 'unit = "bits"\ncolour = "red"'),
        ["unknown key 'colour'", "expected: label_smoothing, labels, models, p, title, unit"],
    ),
    "unknown model key": (
        GOOD.replace('name = "uniform"', 'name = "uniform"\nweight = 2'),
        ["models[0].weight", "unknown"],
    ),
    "title not text": (GOOD.replace('title = "Weather"', "title = 3"), ["'title'", "got int"]),
    "unit not text": (GOOD.replace('unit = "bits"', "unit = 2"), ["'unit'", "got int"]),
    "unknown unit": (
        GOOD.replace('unit = "bits"', 'unit = "furlongs"'),
        ["'unit'", "unknown unit 'furlongs'"],
    ),
    "labels not a list": (
        GOOD.replace('labels = ["rain", "snow", "sleet", "hail"]', 'labels = "rain snow"'),
        ["'labels'", "expected a list of text, got str"],
    ),
    "label not text": (
        GOOD.replace('"sleet"', "3"),
        ["labels[2]", "a label must be text, got 3"],
    ),
    "duplicate label": (
        GOOD.replace('"sleet"', '"rain"'),
        ["labels[2]", "duplicate label 'rain' (also at [0])"],
    ),
    "empty label": (GOOD.replace('"sleet"', '" "'), ["labels[2]", "cannot be empty"]),
    "p not a list": (
        GOOD.replace("p = [0.14, 0.37, 0.03, 0.46]", 'p = "0.14"'),
        ["p:", "expected a list of numbers, got str"],
    ),
    "p entry not a number": (
        GOOD.replace("0.37", '"0.37"'),
        ["p[1]", "'0.37' is not a number"],
    ),
    "p entry a boolean": (GOOD.replace("0.37", "true"), ["p[1]", "True is not a number"]),
    "negative p": (GOOD.replace("0.37", "-0.37"), ["p[1]", "-0.37 is negative"]),
    "NaN in p": (GOOD.replace("0.37", "nan"), ["p[1]", "NaN"]),
    "inf in p": (GOOD.replace("0.37", "inf"), ["p[1]", "inf is not a finite weight"]),
    "-inf in p": (GOOD.replace("0.37", "-inf"), ["p[1]", "-inf is not a finite weight"]),
    "overflowing literal": (GOOD.replace("0.37", "1e400"), ["p[1]", "inf is not a finite"]),
    "empty p": (GOOD.replace("p = [0.14, 0.37, 0.03, 0.46]", "p = []"), ["p:", "empty"]),
    "all-zero p": (
        GOOD.replace("p = [0.14, 0.37, 0.03, 0.46]", "p = [0, 0, 0.0, 0]"),
        ["p:", "all weights are zero"],
    ),
    "p of the wrong length": (
        GOOD.replace("p = [0.14, 0.37, 0.03, 0.46]", "p = [0.5, 0.5]"),
        ["p:", "2 values for 4 labels"],
    ),
    "q of the wrong length": (
        GOOD.replace("q = [2, 3, 1, 4]", "q = [2, 3, 1]"),
        ["models[1].q", "model 'forecast'", "3 values for 4 labels"],
    ),
    "negative q": (GOOD.replace("q = [2, 3, 1, 4]", "q = [2, -3, 1, 4]"), ["models[1].q[1]"]),
    "q not a list": (
        GOOD.replace("q = [2, 3, 1, 4]", "q = 4"),
        ["models[1].q", "expected a list of numbers, got int"],
    ),
    "missing labels": (
        GOOD.replace('labels = ["rain", "snow", "sleet", "hail"]\n', ""),
        ["missing key 'labels'"],
    ),
    "missing p": (GOOD.replace("p = [0.14, 0.37, 0.03, 0.46]\n", ""), ["missing key 'p'"]),
    "missing models": (GOOD.split("[[models]]")[0], ["missing key 'models'"]),
    "no models": (GOOD.split("[[models]]")[0] + "models = []\n", ["models", "at least one"]),
    "models not tables": (
        GOOD.split("[[models]]")[0] + "models = [1, 2]\n",
        ["'models'", "[[models]] tables"],
    ),
    "model without a name": (
        GOOD.replace('name = "forecast"\n', ""),
        ["models[1]", "missing 'name'"],
    ),
    "model without q": (
        GOOD.replace("q = [2, 3, 1, 4]\n", ""),
        ["models[1]", "missing 'q'"],
    ),
    "model name not text": (
        GOOD.replace('name = "forecast"', "name = 7"),
        ["models[1].name", "non-empty name"],
    ),
    "duplicate model name": (
        GOOD.replace('name = "forecast"', 'name = "uniform"'),
        ["models[1].name", "duplicate model name 'uniform'"],
    ),
}


@pytest.mark.parametrize("case", BAD_DOCUMENTS)
def test_a_bad_document_is_refused_naming_the_file_and_the_key(tmp_path: Path, case: str) -> None:
    text, fragments = BAD_DOCUMENTS[case]
    path = write(tmp_path, text, "bad-scenario.toml")
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (GOOD + "p = [\n", "invalid TOML"),
        (GOOD.replace('unit = "bits"', 'unit = "bits"\nunit = "nats"'), "invalid TOML"),
        ("title = 'unterminated\n", "invalid TOML"),
        ("labels = [1, 2", "invalid TOML"),
        (b"\x00\x01title='x'", "invalid TOML"),
        (bytes(range(256)), "not a text file (invalid UTF-8 at byte 128)"),
        ('title = "café"'.encode("latin-1"), "not a text file (invalid UTF-8 at byte 12)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        ("", "missing key 'labels'"),
    ],
    ids=[
        "truncated",
        "duplicate key",
        "unterminated string",
        "open array",
        "control bytes",
        "binary",
        "latin-1",
        "png",
        "empty",
    ],
)
def test_a_file_that_is_not_a_scenario_is_refused(
    tmp_path: Path, content: str | bytes, fragment: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and fragment in message
    assert "\n" not in message


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DivtuiError, match="is a directory, not a scenario file"):
        load_scenario(tmp_path)


@pytest.mark.parametrize("name", ["missing.toml", "no/such/dir/missing.toml"])
def test_a_missing_file_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}: no such file"


def fail_to_open(path: Path, error: OSError, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make opening `path` fail with `error` (the way the file system would)."""
    real_open = os.open

    def failing(file: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:
            raise error
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", failing)


def test_an_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD)
    if os.geteuid() != 0:
        path.chmod(0)  # a real permission error
    else:
        # root reads through any mode bits, so make the open fail the way it would for a user.
        fail_to_open(path, PermissionError(errno.EACCES, "Permission denied"), monkeypatch)
    try:
        with pytest.raises(DivtuiError) as caught:
            load_scenario(path)
    finally:
        path.chmod(0o644)
    assert str(caught.value) == f"{path}: permission denied"


def test_an_input_output_error_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD)

    fail_to_open(path, OSError(errno.EIO, "Input/output error"), monkeypatch)
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}: cannot read (Input/output error)"


def test_an_enormous_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, GOOD)
    monkeypatch.setattr(scenario_file, "MAX_FILE_BYTES", 100)
    with pytest.raises(DivtuiError, match=r"bytes is too large for a TOML scenario"):
        load_scenario(path)


# --- atomic save ------------------------------------------------------------------------------


def _raise_oserror(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EIO, "Input/output error")


def _deny(*args: object, **kwargs: object) -> None:
    raise PermissionError(errno.EACCES, "Permission denied")


_real_fdopen = os.fdopen


class _FullDisk:
    """A stream over the real temporary file whose writes fail as on a full disk."""

    def __init__(self, fd: int, mode: str) -> None:
        self._stream = _real_fdopen(fd, mode)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("target", "replacement", "fragment"),
    [
        ((os, "replace"), _raise_oserror, "could not save (Input/output error)"),
        ((os, "fsync"), _raise_oserror, "could not save (Input/output error)"),
        ((os, "fdopen"), _FullDisk, "could not save (No space left on device)"),
        ((tempfile, "mkstemp"), _deny, "cannot write there (Permission denied)"),
    ],
    ids=["rename fails", "fsync fails", "disk full", "read-only directory"],
)
def test_a_failed_save_leaves_the_old_file_intact_and_no_temporary_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: tuple[object, str],
    replacement: object,
    fragment: str,
) -> None:
    path = write(tmp_path, GOOD)
    before = path.read_bytes()
    monkeypatch.setattr(*target, replacement)
    with pytest.raises(DivtuiError) as caught:
        save_scenario(AWKWARD, path)
    monkeypatch.undo()
    assert str(caught.value) == f"{path}: {fragment}"
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]


def test_saving_into_a_missing_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "absent" / "s.toml"
    with pytest.raises(DivtuiError) as caught:
        save_scenario(AWKWARD, path)
    assert str(caught.value).startswith(f"{path}: cannot write there")
    assert not path.parent.exists()


def test_saving_over_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    path.chmod(0o640)
    save_scenario(AWKWARD, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert_identical(load_scenario(path), AWKWARD)


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    old_umask = os.umask(0o027)
    try:
        save_scenario(AWKWARD, tmp_path / "new.toml")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "new.toml").stat().st_mode) == 0o640
