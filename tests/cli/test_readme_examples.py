"""The README's examples work for a newcomer: the files they open exist and load, its Python
snippet runs as printed, and its TOML blocks are whole scenario files."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from divtui.core.scenario_file import load_scenario, scenario_from_mapping

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    """The README's fenced code blocks in `language` (indented ones included)."""
    pattern = rf"^( *)```{language}\n(.*?)^\1```"
    return [
        "\n".join(line[len(indent) :] for line in body.splitlines())
        for indent, body in re.findall(pattern, README, flags=re.S | re.M)
    ]


def test_every_example_file_the_readme_names_exists_and_loads() -> None:
    named = sorted(set(re.findall(r"examples/[\w.-]+\.(?:toml|npz|csv|json)", README)))
    assert {"examples/weather.toml", "examples/next-token.npz"} <= set(named)
    for name in named:
        scenario = load_scenario(ROOT / name)
        assert scenario.size >= 2, name


def test_the_python_snippet_runs_as_printed(tmp_path: Path) -> None:
    (snippet,) = [code for code in blocks("python") if "np.savez" in code]
    subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, check=True, timeout=60)
    scenario = load_scenario(tmp_path / "next-token.npz")
    assert scenario.size == 5_000 and scenario.models[0].is_logits


@pytest.mark.parametrize("code", [c for c in blocks("toml") if "[[models]]" in c])
def test_each_toml_block_is_a_whole_scenario(code: str) -> None:
    scenario = scenario_from_mapping(tomllib.loads(code))
    assert scenario.models


def test_the_shipped_next_token_file_is_what_its_script_writes(tmp_path: Path) -> None:
    script = (ROOT / "examples" / "make_next_token.py").read_text(encoding="utf-8")
    copy = tmp_path / "make_next_token.py"
    copy.write_text(script, encoding="utf-8")
    subprocess.run([sys.executable, str(copy)], check=True, timeout=60)
    assert load_scenario(tmp_path / "next-token.npz") == load_scenario(
        ROOT / "examples" / "next-token.npz"
    )
