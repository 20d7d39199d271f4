"""The explanations' sums add up to the measures the panel shows: every preset, every unit, the
infinite cases and more outcomes than are written out; and each written term, evaluated from
the numbers it shows, is the term's value."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from divtui.core.analysis import Analysis
from divtui.core.explain import (
    ALL_TERMS_UP_TO,
    EXPLAINED,
    LARGEST_SHOWN,
    Explanation,
    explain,
)
from divtui.core.formatting import format_value
from divtui.core.presets import PRESETS, preset
from divtui.core.scenario import Scenario
from divtui.core.units import Unit

LOGS = {"ln": math.log, "log₂": math.log2, "log₁₀": math.log10}


NUMBER = r"[0-9][0-9.e+-]*"
PIECE = re.compile(rf"(−?)({NUMBER})·(ln|log₂|log₁₀)\(({NUMBER})(?:/({NUMBER}))?\)")


def evaluate(text: str) -> float:
    """A written term computed from the rounded numbers it shows: each piece `a·log(b/c)` or
    `−a·log(b)` (0·log 0 = 0, log(x/0) = +∞), halved under `½·[…]`."""
    total = 0.0
    pieces = PIECE.findall(text)
    assert pieces, text
    for sign, a, log, b, c in pieces:
        weight, top, bottom = float(a), float(b), float(c) if c else 1.0
        if weight == 0:
            continue
        if bottom == 0:
            value = math.inf
        elif top == 0:
            value = -math.inf
        else:
            value = LOGS[log](top / bottom)
        total += -weight * value if sign else weight * value
    return 0.5 * total if text.startswith("½") else total


def scenarios() -> list[Scenario]:
    found = []
    for name in PRESETS:
        for unit in Unit:
            found.append(preset(name).with_unit(unit))
    return found


def all_explanations(scenario: Scenario) -> list[Explanation]:
    analysis = Analysis.of(scenario)
    return [
        explain(analysis, model, field)
        for model in range(len(scenario.models))
        for field in EXPLAINED
    ]


def ids(scenario: Scenario) -> str:
    return f"{scenario.title}-{scenario.unit.value}"


@pytest.mark.parametrize("scenario", scenarios(), ids=ids)
def test_every_sum_adds_up_to_the_measure_shown(scenario: Scenario) -> None:
    for explanation in all_explanations(scenario):
        for written in explanation.sums:
            where = f"{explanation.field} of {explanation.model}: {written.name}"
            values = [term.value for term in written.terms]
            assert len(values) + written.rest == scenario.size, where
            shown_total = math.fsum([*values, written.rest_sum])
            # At the panel's precision, the terms written (and the rest) give the value shown.
            assert format_value(shown_total, 4) == format_value(written.value, 4), where
            # Exactly, every term sums to the core's value: to the rounding of the signed terms
            # (1e-12 of their sizes), and to 1e-9 relative where q ≈ p makes them cancel (the
            # core's kernel keeps those digits; a sum of signed terms cannot).
            if math.isinf(written.value):
                assert math.isinf(written.exact_sum), where
            else:
                size = math.fsum(abs(v) for v in values) + abs(written.rest_sum)
                assert written.exact_sum == pytest.approx(
                    written.value, rel=1e-9, abs=1e-12 * size + 1e-300
                ), where
        names = [model.name for model in scenario.models]
        measures = Analysis.of(scenario).measures[names.index(explanation.model)]
        panel = getattr(measures, explanation.field)
        assert explanation.value == panel, explanation.field


@pytest.mark.parametrize("scenario", scenarios(), ids=ids)
def test_each_written_term_is_its_value_from_the_numbers_it_shows(scenario: Scenario) -> None:
    for explanation in all_explanations(scenario):
        for written in explanation.sums:
            for term in written.terms:
                computed = evaluate(term.text)
                where = f"{explanation.field}: {term.text} = {term.value}"
                if math.isinf(term.value):
                    assert math.isinf(computed), where
                else:
                    # The numbers are written to 4 significant digits.
                    assert computed == pytest.approx(term.value, rel=2e-3, abs=2e-4), where


def test_the_weather_kl_is_written_as_the_article_does() -> None:
    explanation = explain(Analysis.of(preset("weather")), 0, "kl")
    texts = [term.text for term in explanation.sums[0].terms]
    assert texts[0] == "0.14·ln(0.14/0.25)"
    assert explanation.formula == "KL(p‖q) = Σ pᵢ·ln(pᵢ/qᵢ)"
    assert explanation.sums[0].line.endswith("= 0.2808")
    bits = explain(Analysis.of(preset("weather").with_unit(Unit.BITS)), 0, "kl")
    assert bits.sums[0].terms[0].text == "0.14·log₂(0.14/0.25)"
    assert bits.result == f"KL(p‖q) = {0.28076524000132547 / math.log(2):.4f} bits"


def test_cross_entropy_writes_the_identity_over_the_same_outcomes() -> None:
    explanation = explain(Analysis.of(preset("weather")), 0, "cross_entropy")
    cross, entropy, kl = explanation.sums
    assert [s.name for s in explanation.sums] == ["H(p,q)", "H(p)", "KL(p‖q)"]
    outcomes = [[t.outcome for t in s.terms] for s in explanation.sums]
    assert outcomes[0] == outcomes[1] == outcomes[2]
    for c, h, k in zip(cross.terms, entropy.terms, kl.terms, strict=True):
        assert c.value == pytest.approx(h.value + k.value, rel=1e-12)
    assert cross.value == pytest.approx(entropy.value + kl.value, rel=1e-12)


def test_an_infinite_kl_names_the_outcome_and_why() -> None:
    analysis = Analysis.of(preset("support-mismatch"))
    for field in ("kl", "cross_entropy", "perplexity"):
        explanation = explain(analysis, 0, field)
        assert math.isinf(explanation.value)
        note = " ".join(explanation.notes)
        assert "q(sleet) = 0 while p(sleet) = 0.03" in note, field
        assert "0.03" in note and "+∞" in note
    reverse = Scenario.build(("a", "b"), (1.0, 0.0), [("q", (0.5, 0.5))])
    explanation = explain(Analysis.of(reverse), 0, "reverse_kl")
    assert math.isinf(explanation.value)
    assert "p(b) = 0 while q(b) = 0.5" in " ".join(explanation.notes)


def test_beyond_eight_outcomes_the_largest_terms_and_the_rest() -> None:
    rng = np.random.default_rng(7)
    size = 1000
    p, q = rng.dirichlet(np.ones(size)), rng.dirichlet(np.ones(size))
    scenario = Scenario.build([f"x{i}" for i in range(size)], p, [("q", q)])
    analysis = Analysis.of(scenario)
    for field in EXPLAINED:
        explanation = explain(analysis, 0, field)
        for written in explanation.sums:
            assert len(written.terms) == LARGEST_SHOWN and written.rest == size - LARGEST_SHOWN
            assert f"({size - LARGEST_SHOWN:,} more)" in written.line
        first = explanation.sums[0]
        sizes = [abs(term.value) for term in first.terms]
        assert sizes == sorted(sizes, reverse=True)
        assert min(sizes) >= np.partition(np.abs(_all_terms(analysis, field)), -6)[-6] - 1e-15
    assert ALL_TERMS_UP_TO == 8
    nine = Scenario.build([str(i) for i in range(9)], np.ones(9), [("q", np.arange(1, 10))])
    assert explain(Analysis.of(nine), 0, "kl").sums[0].rest == 9 - LARGEST_SHOWN
    eight = Scenario.build([str(i) for i in range(8)], np.ones(8), [("q", np.arange(1, 9))])
    assert explain(Analysis.of(eight), 0, "kl").sums[0].rest == 0


def _all_terms(analysis: Analysis, field: str) -> np.ndarray:
    terms = analysis.terms(0)
    if field in ("entropy_p",):
        return np.asarray(terms.entropy)
    if field in ("cross_entropy", "perplexity"):
        return np.asarray(terms.cross_entropy)
    if field == "kl":
        return np.asarray(terms.kl)
    from divtui.core.measures import outcome_terms

    scenario = analysis.scenario
    p, q = scenario.p, scenario.models[0].q
    if field == "entropy_q":
        return np.asarray(outcome_terms(q, q).entropy)
    if field == "reverse_kl":
        return np.asarray(outcome_terms(q, p).kl)
    m = 0.5 * (p + q)
    return 0.5 * (np.asarray(outcome_terms(p, m).kl) + np.asarray(outcome_terms(q, m).kl))


def test_perplexity_is_the_same_number_in_every_unit() -> None:
    results = [
        explain(Analysis.of(preset("weather").with_unit(unit)), 0, "perplexity").result
        for unit in Unit
    ]
    assert results == [
        "perplexity = e^1.3863 = 4.0000",
        "perplexity = 2^2.0000 = 4.0000",
        "perplexity = 10^0.6021 = 4.0000",
    ]


def test_an_unknown_measure_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'hellinger'"):
        explain(Analysis.of(preset("weather")), 0, "hellinger")
