"""`divtui presets`, `--version` and `--help`: they print, exit 0 and never start the app."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_runner import RUNNERS, run_module
from helpers import PRESET_NAMES

import divtui
from divtui.core.presets import PRESETS


@pytest.mark.parametrize("runner", RUNNERS)
def test_presets_lists_every_preset_with_its_description(runner: str) -> None:
    run = RUNNERS[runner](["presets"])
    assert run.status == 0 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == len(PRESETS) == 8
    for line, (name, entry) in zip(lines, PRESETS.items(), strict=True):
        assert line.split()[0] == name
        assert line.endswith(entry.description)
    assert tuple(line.split()[0] for line in lines) == PRESET_NAMES


@pytest.mark.parametrize("runner", RUNNERS)
def test_version(runner: str) -> None:
    run = RUNNERS[runner](["--version"])
    assert run.status == 0
    assert run.stdout == f"divtui {divtui.__version__}\n"
    assert divtui.__version__ != "0.0.0+unknown"


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_shows_usage_and_examples(runner: str, flag: str) -> None:
    run = RUNNERS[runner]([flag])
    assert run.status == 0 and run.stderr == ""
    assert run.stdout.startswith("usage: divtui")
    assert "examples:" in run.stdout
    assert "divtui report --preset weather" in run.stdout
    assert "divtui presets" in run.stdout
    assert "--unit UNIT" in run.stdout


@pytest.mark.parametrize("runner", RUNNERS)
def test_report_help_shows_usage_and_examples(runner: str) -> None:
    run = RUNNERS[runner](["report", "--help"])
    assert run.status == 0 and run.stderr == ""
    assert run.stdout.startswith("usage: divtui report")
    assert "--format {text,json,markdown,csv,toml}" in run.stdout
    assert "examples:" in run.stdout
    examples = run.stdout.split("examples:", 1)[1]
    assert "divtui report --preset weather" in examples
    assert "--format json" in examples and "--unit bits" in examples
    assert 'SPEC is "label=weight" pairs' in run.stdout


def test_presets_help() -> None:
    run = run_module(["presets", "--help"])
    assert run.status == 0 and run.stdout.startswith("usage: divtui presets")


@pytest.mark.parametrize(
    "args",
    [["report", "--preset", "weather", "--format", "json"], ["presets"], ["--version"]],
    ids=["report", "presets", "version"],
)
def test_printing_commands_do_not_import_textual(args: list[str]) -> None:
    """The report path is pure core: no UI import, so it starts fast and works headless."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "divtui", *args],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "divtui" in imported  # the probe does see what was imported
    # --version needs no numbers: the core (and numpy) load only for commands that use them
    assert ("numpy" in imported) == (args != ["--version"])
    assert "textual" not in imported and "scipy" not in imported
