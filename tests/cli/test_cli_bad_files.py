"""Files a hurried user might hand divtui: each gives one line naming the file and the problem,
status 2, nothing on stdout — for `divtui report FILE` and for `divtui FILE`, which must refuse
before it draws anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run_module
from helpers import GOOD_SCENARIO


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "missing key 'labels'"),
        (
            GOOD_SCENARIO.replace("0.5, 0.5]\n\n", "1e400, 1]\n\n").encode(),
            "p[0]: inf is not a finite weight",
        ),
        (
            GOOD_SCENARIO.replace("q = [0.5, 0.5]", "q = [-1e-400, 0]").encode(),
            "all weights are zero",
        ),
        (GOOD_SCENARIO.replace("q = [0.5, 0.5]", "q = [nan, 1]").encode(), "models[0].q[0]: NaN"),
        (b"\xff\xfe\x00garbage\x00", "not a text file"),
        (b'labels = ["a", "b"\np = [', "invalid TOML"),
    ],
    ids=["empty", "1e400", "underflow to zero", "nan", "binary", "malformed"],
)
@pytest.mark.parametrize("command", [["report"], []], ids=["report", "app"])
def test_a_bad_file_is_one_line_and_status_2(
    tmp_path: Path, content: bytes, fragment: str, command: list[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    run = run_module([*command, str(path)])
    assert run.status == 2, run.stderr
    assert run.stdout == ""  # the app drew nothing
    assert run.stderr.count("\n") == 1 and run.stderr.startswith(f"divtui: error: {path}: ")
    assert fragment in run.stderr


def test_negative_zero_and_tiny_weights_are_ordinary(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(GOOD_SCENARIO.replace("q = [0.5, 0.5]", "q = [-0.0, 1e-300]"), encoding="utf-8")
    run = run_module(["report", str(path), "--format", "csv"])
    assert run.status == 0, run.stderr
    assert ",inf," in run.stdout  # q(a) = 0 while p(a) = 0.5: KL is infinite, not an error
