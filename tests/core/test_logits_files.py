"""Scenario files and reports carry logits, temperatures and label smoothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from divtui.core.errors import DivtuiError
from divtui.core.logits import softmax
from divtui.core.report import ReportFormat, render
from divtui.core.scenario_file import load_scenario, save_scenario

LOGITS_FILE = """\
title = "Logits"
unit = "bits"
labels = ["a", "b", "c"]
p = [0, 1, 0]
label_smoothing = 0.1

[[models]]
name = "net"
logits = [1.5, 3.0, -0.25]
temperature = 2.0

[[models]]
name = "plain"
q = [0.2, 0.5, 0.3]
"""


def test_a_file_with_logits_and_smoothing_loads_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "logits.toml"
    path.write_text(LOGITS_FILE, encoding="utf-8")
    scenario = load_scenario(path)
    net = scenario.models[0]
    assert net.logits is not None and net.temperature == 2.0
    np.testing.assert_allclose(net.q, softmax(np.array([1.5, 3.0, -0.25]), 2.0), rtol=1e-15)
    assert scenario.label_smoothing == 0.1
    np.testing.assert_allclose(scenario.p, [0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3], rtol=1e-15)
    copy = tmp_path / "copy.toml"
    save_scenario(scenario, copy)
    assert load_scenario(copy) == scenario
    assert "logits = [" in copy.read_text() and "label_smoothing = 0.1" in copy.read_text()


def test_the_json_report_adds_logits_temperature_and_smoothing(tmp_path: Path) -> None:
    path = tmp_path / "logits.toml"
    path.write_text(LOGITS_FILE, encoding="utf-8")
    scenario = load_scenario(path)
    report = json.loads(render(scenario, ReportFormat.JSON))
    assert report["label_smoothing"] == 0.1
    assert report["p"] == [0.0, 1.0, 0.0]
    assert report["p_smoothed"] == [float(x) for x in scenario.p]
    assert report["models"][0]["logits"] == [1.5, 3.0, -0.25]
    assert report["models"][0]["temperature"] == 2.0
    assert "logits" not in report["models"][1]
    assert [t["p"] for t in report["models"][0]["terms"]] == report["p_smoothed"]


@pytest.mark.parametrize(
    ("replace", "by", "fragment"),
    [
        (
            "q = [0.2, 0.5, 0.3]",
            "q = [0.2, 0.5, 0.3]\nlogits = [1, 2, 3]",
            "give q or logits, not both",
        ),
        (
            "temperature = 2.0",
            "temperature = 0",
            "models[0].temperature: 0 must be a finite number > 0",
        ),
        (
            "temperature = 2.0",
            'temperature = "hot"',
            "models[0].temperature: 'hot' is not a number",
        ),
        ("logits = [1.5, 3.0, -0.25]", "logits = [1.5, nan, -0.25]", "models[0].logits[1]"),
        ("logits = [1.5, 3.0, -0.25]", "logits = [1.5, 3.0]", "2 values for 3 labels"),
        (
            "label_smoothing = 0.1",
            "label_smoothing = 1.5",
            "label_smoothing: 1.5 must lie in [0, 1]",
        ),
        ('name = "plain"\nq = [0.2, 0.5, 0.3]', 'name = "plain"', "missing 'q' (or 'logits')"),
    ],
)
def test_bad_logits_files_name_the_file_and_the_key(
    tmp_path: Path, replace: str, by: str, fragment: str
) -> None:
    path = tmp_path / "bad.toml"
    assert replace in LOGITS_FILE
    path.write_text(LOGITS_FILE.replace(replace, by), encoding="utf-8")
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert fragment in str(caught.value)


def test_a_model_name_longer_than_24_characters_is_refused() -> None:
    from divtui.core.model import MAX_NAME_LENGTH
    from divtui.core.scenario import Scenario

    name = "m" * (MAX_NAME_LENGTH + 1)
    with pytest.raises(DivtuiError, match=f"a model name has at most {MAX_NAME_LENGTH}"):
        Scenario.build(["a", "b"], [1, 1], [(name, [1, 1])])
    assert Scenario.build(["a", "b"], [1, 1], [(name[:-1], [1, 1])]).models[0].name == name[:-1]
