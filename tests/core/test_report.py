"""Reports: one mapping with a fixed schema, rendered as text, JSON, Markdown and CSV."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from helpers import TERM_KEYS, model_keys, strict_json, top_keys

from divtui.core.formatting import format_value
from divtui.core.presets import PRESETS, preset
from divtui.core.report import (
    CSV_COLUMNS,
    MEASURE_FIELDS,
    ReportFormat,
    build_report,
    identity_line,
    infinite_cause,
    render,
)
from divtui.core.scenario import Scenario
from divtui.core.units import Unit


def two_models() -> Scenario:
    return Scenario.build(
        ["a", "b", "c"],
        [2, 1, 1],
        [("close", [0.5, 0.25, 0.25]), ("blind", [0.5, 0.5, 0.0])],
        unit=Unit.BITS,
        title="Two models",
    )


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_report_has_exactly_the_schema(name: str) -> None:
    scenario = preset(name)
    report = strict_json(render(scenario, ReportFormat.JSON))
    assert report == build_report(scenario)
    assert list(report) == top_keys(report)
    assert ("label_smoothing" in report) == (scenario.label_smoothing > 0)
    assert report["labels"] == list(scenario.labels)
    assert report["entropy_p"] == scenario.measures[0].entropy_p
    for model, entry in zip(scenario.models, report["models"], strict=True):
        assert list(entry) == model_keys(entry)
        assert ("logits" in entry) == (model.logits is not None)
        assert entry["name"] == model.name
        assert len(entry["terms"]) == scenario.size
        for label, term in zip(scenario.labels, entry["terms"], strict=True):
            assert list(term) == TERM_KEYS and term["label"] == label


def test_infinite_values_are_the_string_inf_and_json_stays_strict() -> None:
    text = render(preset("support-mismatch"), ReportFormat.JSON)
    assert "Infinity" not in text and "NaN" not in text
    entry = strict_json(text)["models"][0]
    assert entry["kl"] == entry["cross_entropy"] == entry["perplexity"] == "inf"
    assert isinstance(entry["reverse_kl"], float)
    assert entry["support_mismatch"] == ["sleet"]
    sleet = entry["terms"][2]
    assert sleet["label"] == "sleet" and sleet["q"] == 0.0
    assert sleet["cross_entropy"] == sleet["kl"] == "inf"


def test_json_values_are_the_measures() -> None:
    scenario = two_models()
    report = strict_json(render(scenario, ReportFormat.JSON))
    assert report["unit"] == "bits" and report["p"] == [0.5, 0.25, 0.25]
    for measures, terms, entry in zip(
        scenario.measures, scenario.terms, report["models"], strict=True
    ):
        for key, _ in MEASURE_FIELDS:
            value = getattr(measures, key)
            assert entry[key] == ("inf" if math.isinf(value) else value), key
        assert entry["terms"][0]["kl"] == float(terms.kl[0])


def test_the_text_report_shows_every_measure_and_the_identity() -> None:
    scenario = two_models()
    text = render(scenario, ReportFormat.TEXT)
    assert text.startswith("Two models (bits)\n")
    for _, label in MEASURE_FIELDS:
        assert any(line.startswith(label) for line in text.splitlines()), label
    close = scenario.measures[0]
    assert f"close: {identity_line(close)}" in text
    assert f"{close.kl:.6f}" in text
    assert "blind: KL(p‖q) = ∞ because q(c) = 0 while p(c) = 0.25" in text
    assert "Per outcome, model close (bits):" in text


def test_the_text_report_says_when_weights_did_not_sum_to_one() -> None:
    text = render(two_models(), ReportFormat.TEXT)
    assert "note: p's weights summed to 4; normalised to probabilities" in text
    assert "close's weights" not in text
    assert "note:" not in render(preset("weather"), ReportFormat.TEXT)
    markdown = render(two_models(), ReportFormat.MARKDOWN)
    assert "note: p's weights summed to 4" in markdown


def test_a_certain_outcome_is_never_shown_as_negative_zero() -> None:
    for format in ReportFormat:
        assert "-0.0" not in render(preset("one-hot"), format), format


def test_the_markdown_report_is_a_table_per_model() -> None:
    text = render(two_models(), ReportFormat.MARKDOWN)
    lines = text.splitlines()
    assert lines[0] == "# Two models" and "Unit: bits" in lines
    assert "| measure | close | blind |" in lines
    assert "## close" in lines and "## blind" in lines
    assert sum(line.startswith("| a |") for line in lines) == 2
    assert "| KL(p‖q) |" in text and "∞" in text


def test_the_csv_report_has_one_row_per_model_and_every_measure() -> None:
    scenario = two_models()
    rows = list(csv.DictReader(io.StringIO(render(scenario, ReportFormat.CSV))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert {"entropy_p", *(key for key, _ in MEASURE_FIELDS)} <= set(CSV_COLUMNS)
    assert [row["model"] for row in rows] == ["close", "blind"]
    for row, measures in zip(rows, scenario.measures, strict=True):
        assert row["unit"] == "bits"
        assert float(row["entropy_p"]) == measures.entropy_p
        for key, _ in MEASURE_FIELDS:
            assert float(row[key]) == getattr(measures, key), key
    assert rows[1]["support_mismatch"] == "c" and rows[0]["support_mismatch"] == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0.000000"),
        (1.1055291211185652, "1.105529"),
        (-0.081175, "-0.081175"),
        (math.inf, "∞"),
        (1e-14, "1.0000e-14"),
        (-2.5e-9, "-2.5000e-09"),
        (123.0, "123.000000"),
    ],
)
def test_format_value(value: float, text: str) -> None:
    assert format_value(value) == text


def test_identity_line_and_infinite_cause() -> None:
    scenario = preset("weather")
    assert identity_line(scenario.measures[0]) == (
        "H(p,q) = H(p) + KL(p‖q): 1.3863 = 1.1055 + 0.2808"
    )
    assert infinite_cause(scenario, 0) == ""
    mismatch = preset("support-mismatch")
    assert infinite_cause(mismatch, 0) == "q(sleet) = 0 while p(sleet) = 0.03"


def test_reports_name_the_cause_of_an_infinite_reverse_kl_and_escape_markdown() -> None:
    scenario = Scenario.build(["a", "b|c"], [1, 0], [("m|1", [1, 1])])
    assert math.isinf(scenario.measures[0].reverse_kl)
    text = render(scenario, ReportFormat.TEXT)
    assert "m|1: KL(q‖p) = ∞ because p(b|c) = 0 while q(b|c) = 0.5" in text
    markdown = render(scenario, ReportFormat.MARKDOWN)
    assert "| measure | m\\|1 |" in markdown
    assert "| b\\|c |" in markdown
    assert "KL(q‖p) = ∞ because p(b|c) = 0 while q(b|c) = 0.5." in markdown


def test_an_infinite_kl_names_three_causes_and_counts_the_rest() -> None:
    size = 10
    q = np.ones(size)
    q[[2, 4, 5, 7, 8]] = 0.0
    scenario = Scenario.build([f"o{i}" for i in range(size)], np.ones(size), [("m", q)])
    assert infinite_cause(scenario, 0) == (
        "q(o2) = 0 while p(o2) = 0.1; q(o4) = 0 while p(o4) = 0.1; "
        "q(o5) = 0 while p(o5) = 0.1; … and 2 more outcomes"
    )
