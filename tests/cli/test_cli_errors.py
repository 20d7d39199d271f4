"""Every user error: status 2, exactly one `divtui: error:` line on stderr, nothing on stdout.

Each case runs both as `python -m divtui` and through `main(argv)`. `{dir}` in an argument is
replaced by a temporary directory holding `bad.toml` (malformed), `binary.toml` (not UTF-8) and
`typo.toml` (an unknown key).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import RUNNERS, run_module

ERRORS: dict[str, tuple[list[str], str]] = {
    "bad spec value": (["report", "--p", "1,x", "--q", "1,2"], "--p item 2: 'x' is not a number"),
    "negative weight": (
        ["report", "--p", "a=1 b=-1", "--q", "a=1 b=1"],
        "--p 'b': -1.0 is negative",
    ),
    "negative first value": (["report", "--p=-1,2", "--q", "1,2"], "--p item 1: -1.0 is negative"),
    "mixed spec forms": (["report", "--p", "a=1 2", "--q", "1 2"], "mix of label=weight pairs"),
    "mismatched labels": (
        ["report", "--p", "a=1 b=1", "--q", "a=1 c=1"],
        "--q 'q1': p and q must have the same labels (missing b; not in p: c)",
    ),
    "wrong q length": (["report", "--p", "1 2", "--q", "1 2 3"], "--q 'q1': 3 values but p has 2"),
    "all-zero spec": (["report", "--p", "0 0", "--q", "1 1"], "all weights are zero"),
    "name on p": (["report", "--p", "x: 1 2", "--q", "1 2"], "only a model (--q)"),
    "malformed file": (["report", "{dir}/bad.toml"], "{dir}/bad.toml: invalid TOML"),
    "binary file": (["report", "{dir}/binary.toml"], "{dir}/binary.toml: not a text file"),
    "unknown key in file": (["report", "{dir}/typo.toml"], "{dir}/typo.toml: unknown key 'colour'"),
    "missing file": (["report", "{dir}/absent.toml"], "{dir}/absent.toml: no such file"),
    "directory": (["report", "{dir}"], "{dir}: is a directory"),
    "unknown preset": (["report", "--preset", "sunny"], "unknown preset 'sunny' (available:"),
    "unknown unit": (
        ["report", "--preset", "weather", "--unit", "furlongs"],
        "argument --unit: unknown unit 'furlongs'",
    ),
    "unknown format": (["report", "--preset", "weather", "--format", "xml"], "--format"),
    "unknown report option": (["report", "--preset", "weather", "--bogus"], "--bogus"),
    "unknown top-level option": (["--bogus"], "unrecognized arguments: --bogus"),
    "file and preset": (
        ["report", "{dir}/typo.toml", "--preset", "weather"],
        "give one scenario source, not FILE and --preset",
    ),
    "preset and specs": (
        ["report", "--preset", "weather", "--p", "1 1", "--q", "1 1"],
        "give one scenario source, not --preset and --p/--q",
    ),
    "q without p": (["report", "--q", "1,2"], "--q needs a --p to compare against"),
    "p without q": (["report", "--p", "1,2"], "--p needs at least one --q"),
    "no source": (["report"], "no scenario: give a FILE, --preset NAME, or --p SPEC --q SPEC"),
    "option without its value": (["report", "--p"], "argument --p: expected one argument"),
    "presets takes no argument": (["presets", "extra"], "unrecognized arguments: extra"),
    "app: unknown preset": (["--preset", "sunny"], "unknown preset 'sunny'"),
    "app: unknown unit": (["--unit", "furlongs"], "unknown unit 'furlongs'"),
    "app: q without p": (["--q", "1 2"], "--q needs a --p"),
    "app: missing file": (["{dir}/absent.toml"], "{dir}/absent.toml: no such file"),
    "app: two sources": (["{dir}/typo.toml", "--preset", "coin"], "give one scenario source"),
}


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    (tmp_path / "bad.toml").write_text("title = \n", encoding="utf-8")
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)))
    (tmp_path / "typo.toml").write_text(
        'colour = "red"\nlabels = ["a", "b"]\np = [1, 1]\n[[models]]\nname = "q"\nq = [1, 1]\n',
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("case", ERRORS)
def test_an_error_is_one_line_on_stderr_and_status_2(
    bad_files: Path, runner: str, case: str
) -> None:
    args, fragment = ERRORS[case]
    run = RUNNERS[runner]([arg.replace("{dir}", str(bad_files)) for arg in args])
    assert run.status == 2
    assert run.stdout == ""
    assert run.stderr.endswith("\n")
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("divtui: error: ")
    assert fragment.replace("{dir}", str(bad_files)) in lines[0]
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--unit", "bits", "--preset", "coin", "report"],
            "divtui: error: 'report' is a command: it comes first (divtui report [options])",
        ),
        (
            ["reprot", "--preset", "coin"],
            "divtui: error: reprot: no such file (did you mean the command 'divtui report'?)",
        ),
        (["report", ""], "divtui: error: FILE is empty: give the path of a scenario file"),
    ],
)
def test_a_misplaced_or_mistyped_command_is_named(argv: list[str], message: str) -> None:
    run = run_module(argv)
    assert run.status == 2 and run.stdout == ""
    assert run.stderr == message + "\n"
