"""Reports of large scenarios: the 50 largest |KL terms| beyond 1,000 outcomes, and how many
were left out."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divtui.core.report import (
    ALL_TERMS_UP_TO,
    TOP_TERMS,
    ReportFormat,
    build_report,
    listed_outcomes,
    render,
)
from divtui.core.scenario import ModelInput, Scenario

RNG = np.random.default_rng(7)


def random_scenario(size: int) -> Scenario:
    q = RNG.random(size)
    q[3] = 0.0  # an outcome with KL term ∞: it must come first
    return Scenario.build(
        [f"o{i}" for i in range(size)], RNG.random(size), [("a", q), ("b", RNG.random(size))]
    )


@given(
    arrays(np.float64, st.integers(1, 300), elements=st.floats(-5, 5, width=32)),
    st.integers(1, 60),
)
def test_listed_outcomes_are_the_largest_magnitudes_largest_first(
    terms: np.ndarray, limit: int
) -> None:
    listed = listed_outcomes(terms, limit)
    if len(terms) <= limit:
        assert listed == list(range(len(terms)))
        return
    # Oracle: a full stable sort by descending magnitude, ties by outcome order.
    expected = sorted(range(len(terms)), key=lambda i: (-abs(terms[i]), i))[:limit]
    assert listed == expected


def test_over_a_thousand_outcomes_only_the_top_50_are_listed_and_the_rest_counted() -> None:
    scenario = random_scenario(ALL_TERMS_UP_TO + 1)
    report = build_report(scenario, TOP_TERMS)
    for model, terms in zip(report["models"], scenario.terms, strict=True):
        assert len(model["terms"]) == TOP_TERMS
        assert model["terms_omitted"] == ALL_TERMS_UP_TO + 1 - TOP_TERMS
        shown = [scenario.labels.index(term["label"]) for term in model["terms"]]
        smallest_shown = min(abs(terms.kl[i]) for i in shown)
        hidden = np.delete(np.abs(terms.kl), shown)
        assert hidden.max() <= smallest_shown
    assert report["models"][0]["terms"][0]["label"] == "o3"  # the infinite term
    assert report["models"][0]["terms"][0]["kl"] == "inf"


@pytest.mark.parametrize("size", [4, ALL_TERMS_UP_TO])
def test_up_to_a_thousand_outcomes_every_term_is_listed(size: int) -> None:
    scenario = random_scenario(size)
    report = json.loads(render(scenario, ReportFormat.JSON))
    for model in report["models"]:
        assert [t["label"] for t in model["terms"]] == list(scenario.labels)
        assert model["terms_omitted"] == 0


def test_terms_all_lists_every_outcome_of_a_large_scenario() -> None:
    scenario = random_scenario(3000)
    report = json.loads(render(scenario, ReportFormat.JSON, "all"))
    assert [len(m["terms"]) for m in report["models"]] == [3000, 3000]
    assert [m["terms_omitted"] for m in report["models"]] == [0, 0]
    text = render(scenario, ReportFormat.TEXT, "all")
    assert "not listed" not in text
    assert all(f"\no{i} " in text for i in range(3000))


@pytest.mark.parametrize("format", [ReportFormat.TEXT, ReportFormat.MARKDOWN])
def test_people_reports_say_how_many_outcomes_they_left_out(format: ReportFormat) -> None:
    scenario = random_scenario(5000)
    text = render(scenario, format)
    assert text.count("… 4,950 more outcomes not listed") == 2
    assert "--terms all" in text
    listed = render(scenario, format, 7)
    assert listed.count("… 4,993 more outcomes not listed") == 2


def test_the_note_on_a_large_logits_model_shows_a_few_of_its_logits() -> None:
    size = 100_000
    scenario = Scenario.build(
        [str(i) for i in range(size)],
        np.ones(size),
        [ModelInput("m", logits=np.arange(size, dtype=float) / size)],
    )
    notes = [line for line in render(scenario, ReportFormat.TEXT).splitlines() if "z = [" in line]
    assert len(notes) == 1
    assert notes[0].endswith(", … (100,000 logits)]")
    assert len(notes[0]) < 200


def test_one_outcome_left_out_is_said_in_the_singular() -> None:
    text = render(random_scenario(1002), ReportFormat.TEXT, 1001)
    assert text.count("… 1 more outcome not listed") == 2
