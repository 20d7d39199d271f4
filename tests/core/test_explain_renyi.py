"""The Rényi divergence explained: the sum written out gives the value the panel shows, for
every order with a form of its own (0, 1, ∞) and between, in every unit, infinite cases too."""

from __future__ import annotations

import math

import pytest
from scipy.special import rel_entr

from divtui.core.analysis import Analysis
from divtui.core.explain import RENYI, explain
from divtui.core.presets import PRESETS, preset
from divtui.core.units import Unit

ORDERS = [0.0, 0.5, 1.0, 2.0, 3.7, math.inf]
NAMES = list(PRESETS)


@pytest.mark.parametrize("unit", list(Unit), ids=lambda unit: unit.value)
@pytest.mark.parametrize("alpha", ORDERS, ids=lambda a: f"alpha={a:g}")
@pytest.mark.parametrize("name", NAMES)
def test_the_written_sum_gives_the_divergence_shown(name: str, alpha: float, unit: Unit) -> None:
    analysis = Analysis.of(preset(name).with_unit(unit))
    log = math.log(unit.base)
    for model in range(len(analysis.scenario.models)):
        explanation = explain(analysis, model, RENYI, alpha)
        value = analysis.renyi(alpha)[model].value
        assert explanation.value == value
        total = explanation.sums[0]
        if math.isinf(value):
            assert explanation.notes and "infinite because" in explanation.notes[-1]
            continue
        if alpha == 1:
            recomputed = total.exact_sum
        elif alpha == 0:
            recomputed = -math.log(total.exact_sum) / log
        elif math.isinf(alpha):
            recomputed = math.log(total.value) / log
        else:
            recomputed = math.log(total.exact_sum) / (alpha - 1) / log
        assert recomputed == pytest.approx(value, rel=1e-9, abs=1e-12)
        assert explanation.name == f"D_{'∞' if math.isinf(alpha) else f'{alpha:g}'}(p‖q)"


def test_at_order_one_it_is_kl_term_by_term() -> None:
    analysis = Analysis.of(preset("weather"))
    explanation = explain(analysis, 0, RENYI, 1.0)
    scenario = analysis.scenario
    terms = rel_entr(scenario.p, scenario.models[0].q)  # scipy: an independent oracle
    written = {term.outcome: term.value for term in explanation.sums[0].terms}
    for outcome, value in written.items():
        assert value == pytest.approx(float(terms[outcome]), rel=1e-12)
    assert "KL(p‖q)" in explanation.result


def test_a_zero_of_q_under_p_is_named_as_the_cause_of_infinity() -> None:
    analysis = Analysis.of(preset("support-mismatch"))
    infinite = [
        explain(analysis, model, RENYI, 2.0)
        for model in range(len(analysis.scenario.models))
        if math.isinf(analysis.renyi(2.0)[model].value)
    ]
    assert infinite, "the preset has a model with q = 0 < p"
    assert all("q = 0 where p > 0" in e.notes[-1] for e in infinite)
