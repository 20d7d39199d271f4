"""The conventions: 0·log 0 = 0, where infinities come from, no NaN, bounds, units, and the
article's worked examples."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest
from oracles import UNIT_IDS, UNITS

from divtui.core import measures
from divtui.core.presets import WEATHER_LABELS, WEATHER_P, preset
from divtui.core.units import Unit

LN2 = math.log(2)


def finite_or_inf_fields(result: measures.PairMeasures) -> dict[str, float]:
    return {
        f.name: getattr(result, f.name)
        for f in fields(result)
        if isinstance(getattr(result, f.name), float)
    }


# --- 0 · log 0 = 0 ----------------------------------------------------------------------------


def test_an_impossible_outcome_adds_nothing_to_the_entropy() -> None:
    assert measures.entropy([0.0, 1.0]) == 0.0
    assert measures.entropy([0.5, 0.0, 0.5]) == measures.entropy([0.5, 0.5]) == LN2


@pytest.mark.parametrize("where", [0, 2, 4])
def test_an_outcome_both_rule_out_changes_no_measure(where: int) -> None:
    p, q = [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]
    before = finite_or_inf_fields(measures.compare(p, q))
    after = finite_or_inf_fields(measures.compare(np.insert(p, where, 0), np.insert(q, where, 0)))
    for name, value in before.items():
        assert after[name] == pytest.approx(value, rel=1e-15, abs=0), name


def test_a_certain_outcome_has_positive_zero_entropy() -> None:
    """−(1 · log 1) is −0.0 in floating point; it must not be shown as "-0.000000"."""
    p = [0.0, 1.0, 0.0]
    q = [0.2, 0.7, 0.1]
    values = [
        measures.entropy(p),
        measures.cross_entropy(p, p),
        measures.compare(p, q).entropy_p,
        measures.decompose(p, q).entropy,
        *measures.outcome_terms(p, q).entropy,
        *measures.outcome_terms(p, p).cross_entropy,
    ]
    for value in values:
        assert value == 0.0 and math.copysign(1.0, value) == 1.0


# --- infinities and support mismatch ----------------------------------------------------------

MISMATCH_CASES = {
    "q rules out one outcome p allows": ([0.5, 0.5, 0.0], [0.5, 0.0, 0.5], (1,), (2,)),
    "q rules out two": ([0.2, 0.3, 0.5], [1.0, 0.0, 0.0], (1, 2), ()),
    "p rules out what q allows": ([1.0, 0.0], [0.5, 0.5], (), (1,)),
    "both rule out the same": ([0.5, 0.5, 0.0], [0.25, 0.75, 0.0], (), ()),
    "disjoint supports": ([0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5], (0, 1), (2, 3)),
    "no zeros": ([0.3, 0.7], [0.6, 0.4], (), ()),
}


@pytest.mark.parametrize("case", MISMATCH_CASES)
def test_kl_and_cross_entropy_are_infinite_exactly_on_a_support_mismatch(case: str) -> None:
    p, q, mismatch, reverse = MISMATCH_CASES[case]
    got = measures.compare(p, q)
    assert got.support_mismatch == mismatch
    assert got.reverse_support_mismatch == reverse
    assert math.isinf(got.kl) is bool(mismatch)
    assert math.isinf(got.cross_entropy) is bool(mismatch)
    assert math.isinf(got.perplexity) is bool(mismatch)
    assert math.isinf(got.reverse_kl) is bool(reverse)
    assert math.isinf(got.reverse_cross_entropy) is bool(reverse)
    assert math.isinf(measures.kl_divergence(p, q)) is bool(mismatch)
    assert math.isinf(measures.cross_entropy(p, q)) is bool(mismatch)
    assert math.isinf(measures.decompose(p, q).kl) is bool(mismatch)
    assert math.isinf(measures.decompose(p, q).cross_entropy) is bool(mismatch)
    for value in (got.kl, got.cross_entropy, got.reverse_kl, got.reverse_cross_entropy):
        assert value > 0 or not math.isinf(value)  # +inf, never −inf
    terms = measures.outcome_terms(p, q)
    assert tuple(np.flatnonzero(np.isinf(terms.kl))) == mismatch
    assert tuple(np.flatnonzero(np.isinf(terms.cross_entropy))) == mismatch
    # JS, TV and Hellinger are finite whatever the supports.
    assert math.isfinite(got.js_divergence) and math.isfinite(got.hellinger)


@pytest.mark.parametrize("case", MISMATCH_CASES)
@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
def test_no_measure_is_ever_nan(case: str, unit: Unit) -> None:
    p, q, _, _ = MISMATCH_CASES[case]
    for a, b in ((p, q), (q, p), (p, p)):
        got = measures.compare(a, b, unit)
        for name, value in finite_or_inf_fields(got).items():
            assert not math.isnan(value), name
        singles = [
            measures.entropy(a, unit),
            measures.cross_entropy(a, b, unit),
            measures.kl_divergence(a, b, unit),
            measures.js_divergence(a, b, unit),
            measures.js_distance(a, b, unit),
            measures.total_variation(a, b),
            measures.hellinger(a, b),
            measures.perplexity(a, b),
            *vars_of(measures.decompose(a, b, unit)),
        ]
        assert not any(math.isnan(value) for value in singles)
        terms = measures.outcome_terms(a, b, unit)
        for vector in (terms.entropy, terms.cross_entropy, terms.kl):
            assert not np.any(np.isnan(vector))


def vars_of(decomposition: measures.Decomposition) -> list[float]:
    return [decomposition.entropy, decomposition.cross_entropy, decomposition.kl]


# --- bounds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
def test_disjoint_supports_reach_every_upper_bound_and_no_further(unit: Unit) -> None:
    p, q = [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]
    got = measures.compare(p, q, unit)
    assert got.js_divergence == pytest.approx(LN2 * unit.per_nat, rel=1e-15, abs=0)
    assert got.js_divergence <= math.log(2, unit.base)
    assert got.total_variation == 1.0
    assert got.hellinger == 1.0
    assert measures.js_divergence(p, q, Unit.BITS) == 1.0


def test_tv_and_hellinger_never_round_above_one() -> None:
    """Disjoint supports whose sums are 1 only to rounding once gave 1.0000000000000002."""
    rng = np.random.default_rng(0)
    for _ in range(2000):
        n = int(rng.integers(2, 12))
        k = int(rng.integers(1, n))
        p, q = np.zeros(n), np.zeros(n)
        p[:k] = rng.dirichlet(np.ones(k))
        q[k:] = rng.dirichlet(np.ones(n - k))
        got = measures.compare(p, q)
        assert got.total_variation <= 1.0 and measures.total_variation(p, q) <= 1.0
        assert got.hellinger <= 1.0 and measures.hellinger(p, q) <= 1.0


def test_kl_is_never_below_zero_when_the_sums_are_one_only_to_rounding() -> None:
    """p / p.sum() sums to 1 ± an ulp, so Σ p log(p/q) of the floats can be −1e-16; the KL of
    the distributions they stand for cannot."""
    rng = np.random.default_rng(0)
    for _ in range(2000):
        n = int(rng.integers(2, 6))
        p = rng.dirichlet(np.ones(n))
        q = p * (1 + 1e-9 * rng.standard_normal(n))
        q /= q.sum()
        got = measures.compare(p, q)
        assert got.kl >= 0 and got.reverse_kl >= 0
        assert measures.kl_divergence(p, q) >= 0 and measures.decompose(p, q).kl >= 0


# --- units ------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
def test_perplexity_is_the_same_whatever_the_unit(unit: Unit) -> None:
    p, q = [0.1, 0.6, 0.3], [0.3, 0.3, 0.4]
    got = measures.compare(p, q, unit)
    assert got.perplexity == measures.compare(p, q, Unit.NATS).perplexity
    assert got.perplexity == measures.perplexity(p, q)
    assert got.perplexity == pytest.approx(unit.base**got.cross_entropy, rel=1e-14, abs=0)


@pytest.mark.parametrize("target", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize("source", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize("case", ["ordinary", "infinite"])
def test_in_unit_agrees_with_recomputing(source: Unit, target: Unit, case: str) -> None:
    p, q = (
        ([0.1, 0.6, 0.3], [0.3, 0.3, 0.4])
        if case == "ordinary"
        else MISMATCH_CASES["q rules out one outcome p allows"][:2]
    )
    converted = measures.compare(p, q, source).in_unit(target)
    direct = measures.compare(p, q, target)
    assert converted.unit is target
    for name, value in finite_or_inf_fields(direct).items():
        assert finite_or_inf_fields(converted)[name] == pytest.approx(value, rel=1e-14, abs=0), name
    assert converted.support_mismatch == direct.support_mismatch
    assert converted.reverse_support_mismatch == direct.reverse_support_mismatch


def test_in_unit_of_the_same_unit_is_the_same_object() -> None:
    got = measures.compare([0.5, 0.5], [0.9, 0.1], Unit.BITS)
    assert got.in_unit(Unit.BITS) is got


def test_compare_refuses_vectors_of_different_shapes() -> None:
    with pytest.raises(ValueError, match=r"one length.*\(3,\).*\(2,\)"):
        measures.compare([0.2, 0.3, 0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="vectors"):
        measures.compare([[0.5, 0.5]], [[0.5, 0.5]])


# --- the article's worked examples ------------------------------------------------------------


def test_the_weather_example_reproduces_the_published_numbers() -> None:
    scenario = preset("weather")
    assert scenario.labels == WEATHER_LABELS
    assert tuple(scenario.p) == WEATHER_P
    got = scenario.measures[0]
    assert got.entropy_p == pytest.approx(1.1055291211185652, rel=2e-16, abs=0)
    assert got.cross_entropy == pytest.approx(math.log(4), rel=2e-16, abs=0)
    assert got.kl == pytest.approx(0.28076524000132, abs=1e-14)
    assert got.kl == pytest.approx(math.log(4) - 1.1055291211185652, rel=1e-14, abs=0)
    decomposition = measures.decompose(scenario.p, scenario.models[0].q)
    assert decomposition.cross_entropy == pytest.approx(
        decomposition.entropy + decomposition.kl, rel=1e-15, abs=0
    )


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
def test_the_weather_example_in_every_unit(unit: Unit) -> None:
    got = preset("weather").with_unit(unit).measures[0]
    assert got.entropy_p == pytest.approx(
        1.1055291211185652 / math.log(unit.base), rel=1e-15, abs=0
    )
    assert got.cross_entropy == pytest.approx(math.log(4, unit.base), rel=1e-15, abs=0)
    assert got.perplexity == pytest.approx(4.0, rel=1e-15, abs=0)


def test_the_one_hot_example_has_zero_entropy_and_the_log_loss() -> None:
    scenario = preset("one-hot")
    y = scenario.labels.index("dog")
    assert scenario.p[y] == 1.0 and scenario.p.sum() == 1.0
    q = scenario.models[0].q
    got = scenario.measures[0]
    assert got.entropy_p == 0.0 and math.copysign(1.0, got.entropy_p) == 1.0
    assert got.cross_entropy == pytest.approx(-math.log(q[y]), rel=1e-15, abs=0)
    assert got.kl == pytest.approx(-math.log(q[y]), rel=1e-15, abs=0)
    assert math.isinf(got.reverse_kl)  # q allows cat and bird, which p rules out
    assert got.reverse_support_mismatch == (0, 2)


def test_the_support_mismatch_example_has_infinite_kl() -> None:
    scenario = preset("support-mismatch")
    got = scenario.measures[0]
    assert got.kl == math.inf and got.cross_entropy == math.inf
    assert got.support_mismatch == (scenario.labels.index("sleet"),)
    assert math.isfinite(got.reverse_kl) and got.reverse_support_mismatch == ()


def test_the_coin_example() -> None:
    got = preset("coin").measures[0]
    assert got.entropy_p == pytest.approx(LN2, rel=1e-15, abs=0)
    assert got.cross_entropy == pytest.approx(
        -0.5 * math.log(0.8) - 0.5 * math.log(0.2), rel=1e-6, abs=0
    )
    assert got.total_variation == pytest.approx(0.3, rel=1e-15, abs=0)
