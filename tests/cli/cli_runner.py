"""Run the command line two ways: `python -m divtui` in a subprocess and `main(argv)` in-process."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from divtui.cli import main


@dataclass(frozen=True)
class Run:
    """What one run of the command line left behind."""

    status: int
    stdout: str
    stderr: str


def run_module(args: Sequence[str], cwd: Path | None = None) -> Run:
    """`python -m divtui ARGS` in a fresh interpreter (UTF-8 pipes, 60 s guard against a hang)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
    result = subprocess.run(
        [sys.executable, "-m", "divtui", *args],
        capture_output=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def run_main(args: Sequence[str]) -> Run:
    """`divtui.cli.main(ARGS)` with stdout and stderr captured; SystemExit becomes a status."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
    return Run(status, out.getvalue(), err.getvalue())


RUNNERS: dict[str, Callable[[Sequence[str]], Run]] = {"module": run_module, "main": run_main}
"""Both ways, for parametrising a test over them."""
