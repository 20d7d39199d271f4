"""The core is pure numpy: importing it must not pull in textual, nor the test-only oracles.

Each check runs in a fresh interpreter, so what other tests imported cannot hide a leak.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import divtui.core

FORBIDDEN = ("textual", "textual_plotext", "plotext", "scipy", "mpmath", "torch")

CORE_MODULES = sorted(
    f"divtui.core.{info.name}" for info in pkgutil.iter_modules(divtui.core.__path__)
)

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
forbidden = {forbidden!r}
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in forbidden)))
"""


def _leaked(*modules: str) -> list[str]:
    """The forbidden modules present after importing `modules` in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(forbidden=FORBIDDEN), *modules],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    leaked: list[str] = json.loads(result.stdout)
    return leaked


def test_the_core_has_the_modules_the_design_names() -> None:
    expected = {
        "distribution",
        "errors",
        "measures",
        "presets",
        "report",
        "scenario",
        "scenario_file",
        "spec",
        "units",
    }
    assert expected <= {name.rsplit(".", 1)[1] for name in CORE_MODULES}


@pytest.mark.parametrize("module", ["divtui.core", *CORE_MODULES])
def test_importing_a_core_module_pulls_in_no_ui_and_no_oracle(module: str) -> None:
    assert _leaked(module) == []


def test_importing_the_whole_core_at_once_pulls_in_no_ui() -> None:
    assert _leaked("divtui", "divtui.core", *CORE_MODULES) == []


def test_the_probe_does_see_a_forbidden_import() -> None:
    """Guards the guard: a probe that could never report a leak would prove nothing."""
    assert "scipy" in _leaked("divtui.core.report", "scipy.special")
