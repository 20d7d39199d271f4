"""Accuracy where naive formulas fail: q ≈ p (also with one outcome near 1, as in the report of
issue 10), probabilities near 1e-300, and long vectors summed block by block.

Every reference is mpmath at 50 digits of the normalised inputs (`oracles`), or for vectors too
long for it the exact-sum float reference `fsum_kl`; each test also checks that its reference is
not 0, so that a relative check cannot pass vacuously.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
import pytest
import scipy.stats
from oracles import (
    UNIT_IDS,
    UNITS,
    FloatArray,
    fsum_kl,
    mp_cross_entropy,
    mp_entropy,
    mp_js,
    mp_kl,
    near_pair,
    relative_error,
)
from scipy.spatial import distance
from scipy.special import rel_entr, xlogy

from divtui.core import measures
from divtui.core.units import Unit

SEVEN_DIGITS = 1e-7
ORDINARY = 1e-12
JS_NEAR = 1e-9

NEAR_CASES = [(seed, n) for n in (2, 3, 4, 10, 50, 200) for seed in range(4)]
NEAR_IDS = [f"n{n}-seed{seed}" for seed, n in NEAR_CASES]

KLFunction = Callable[[FloatArray, FloatArray], float]

KL_FORMS: dict[str, KLFunction] = {
    "kl_divergence": lambda p, q: measures.kl_divergence(p, q),
    "compare.kl": lambda p, q: measures.compare(p, q).kl,
    "compare.reverse_kl": lambda p, q: measures.compare(q, p).reverse_kl,
    "decompose.kl": lambda p, q: measures.decompose(p, q).kl,
}


# --- q within 1e-6 of p, both summing to exactly 1 ----------------------------------------


@pytest.mark.parametrize("form", KL_FORMS)
@pytest.mark.parametrize(("seed", "n"), NEAR_CASES, ids=NEAR_IDS)
def test_a_tiny_kl_keeps_seven_digits(seed: int, n: int, form: str) -> None:
    p, q = near_pair(seed, n)
    want = mp_kl(p, q)
    assert 1e-17 < want < 1e-13, "the case must be a near miss with KL around 1e-14"
    assert relative_error(KL_FORMS[form](p, q), want) <= SEVEN_DIGITS


@pytest.mark.parametrize(("seed", "n"), NEAR_CASES, ids=NEAR_IDS)
def test_the_difference_of_cross_entropies_does_not_keep_them(seed: int, n: int) -> None:
    """H(p,q) − H(p) loses the digits the test above demands, so that test can fail."""
    p, q = near_pair(seed, n)
    naive = measures.cross_entropy(p, q) - measures.entropy(p)
    assert relative_error(naive, mp_kl(p, q)) > SEVEN_DIGITS


@pytest.mark.parametrize(("seed", "n"), NEAR_CASES, ids=NEAR_IDS)
def test_a_tiny_js_keeps_its_digits(seed: int, n: int) -> None:
    p, q = near_pair(seed, n)
    want = mp_js(p, q)
    assert want > 1e-20
    assert relative_error(measures.js_divergence(p, q), want) <= JS_NEAR
    assert relative_error(measures.compare(p, q).js_divergence, want) <= JS_NEAR


@pytest.mark.parametrize("n", [2, 4, 10, 100])
@pytest.mark.parametrize("seed", range(3))
def test_a_tiny_js_keeps_its_digits_when_the_midpoint_rounds(seed: int, n: int) -> None:
    """Non-dyadic p and q: m = ½(p + q) rounds, which alone costs all digits of a 1e-15 JS."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(n))
    q = p * (1 + 1e-7 * rng.standard_normal(n))
    q /= q.sum()
    want = mp_js(p, q)
    assert 1e-22 < want < 1e-13
    assert relative_error(measures.js_divergence(p, q), want) <= JS_NEAR
    assert relative_error(measures.compare(p, q).js_divergence, want) <= JS_NEAR


# --- q within 1e-6 of p, normalised in floats: the report of issue 10 ----------------------


def skewed(n: int, seed: int, tiny: bool = False) -> tuple[FloatArray, FloatArray]:
    """p with one outcome at 1 − 1e-9 (the rest share 1e-9, or with `tiny` one of them is
    1e-300), q = p·(1 + 1e-6·δ) with δ ~ N(0, 1); both divided by their float sums, so they
    sum to 1 only within rounding, as stored vectors do."""
    rng = np.random.default_rng(seed)
    p = np.full(n, 1e-9 / (n - 1)) * rng.uniform(0.5, 1.5, n)
    p[0] = 1 - 1e-9
    if tiny:
        p[1] = 1e-300
    p /= p.sum()
    q = p * (1 + 1e-6 * rng.standard_normal(n))
    q /= q.sum()
    return p, q


@functools.cache
def skewed_case(
    n: int, seed: int, tiny: bool
) -> tuple[FloatArray, FloatArray, float, float, float]:
    """A skewed pair with its references KL(p‖q), KL(q‖p) and JS (cached: n = 131072 is slow)."""
    p, q = skewed(n, seed, tiny)
    return p, q, mp_kl(p, q), mp_kl(q, p), mp_js(p, q)


SKEWED = [(4, 0, False), (4, 1, False), (4, 2, True), (1000, 0, False), (1000, 1, True)]
SKEWED += [(131_072, 0, False)]
SKEWED_IDS = [f"n{n}-seed{seed}{'-tiny' if tiny else ''}" for n, seed, tiny in SKEWED]


@pytest.mark.parametrize(("n", "seed", "tiny"), SKEWED, ids=SKEWED_IDS)
def test_a_skewed_near_identical_pair_keeps_seven_digits_both_ways(
    n: int, seed: int, tiny: bool
) -> None:
    p, q, kl, reverse, _ = skewed_case(n, seed, tiny)
    assert 1e-24 < kl < 1e-18 and 1e-24 < reverse < 1e-18
    got = measures.compare(p, q)
    for value, want in (
        (measures.kl_divergence(p, q), kl),
        (measures.decompose(p, q).kl, kl),
        (got.kl, kl),
        (measures.kl_divergence(q, p), reverse),
        (measures.decompose(q, p).kl, reverse),
        (got.reverse_kl, reverse),
    ):
        assert relative_error(value, want) <= SEVEN_DIGITS, (value, want)


@pytest.mark.parametrize(("n", "seed", "tiny"), SKEWED, ids=SKEWED_IDS)
def test_a_skewed_near_identical_pair_has_its_js(n: int, seed: int, tiny: bool) -> None:
    p, q, _, _, js = skewed_case(n, seed, tiny)
    assert js > 1e-280
    for value in (measures.js_divergence(p, q), measures.compare(p, q).js_divergence):
        assert value >= 0 and not math.isnan(value)
        assert relative_error(value, js) <= JS_NEAR


@pytest.mark.parametrize(("n", "seed", "tiny"), SKEWED[:5], ids=SKEWED_IDS[:5])
def test_the_unnormalised_sum_is_wrong_on_those_pairs(n: int, seed: int, tiny: bool) -> None:
    """Σ p log(p/q) of the floats as stored, even summed exactly, misses the KL of the
    distributions they stand for by the sums' residue: the tests above can fail."""
    p, q, kl, _, _ = skewed_case(n, seed, tiny)
    raw = math.fsum(rel_entr(p, q).tolist())
    assert relative_error(raw, kl) > SEVEN_DIGITS


def test_the_report_of_issue_10() -> None:
    """p = (1e-9, 1 − 1e-9), q = p·(1 + 1e-6·δ) normalised: KL ≈ 1e-22 both ways, not 0 or 1e-17."""
    p = np.array([1e-9, 1 - 1e-9])
    for delta in (1.0, -1.0, 0.3):
        q = p * (1 + 1e-6 * np.array([delta, -delta]))
        q /= q.sum()
        for a, b in ((p, q), (q, p)):
            want = mp_kl(a, b)
            assert 1e-23 < want < 1e-20
            assert relative_error(measures.compare(a, b).kl, want) <= SEVEN_DIGITS
            assert relative_error(measures.compare(b, a).reverse_kl, want) <= SEVEN_DIGITS


# --- probabilities as small as 1e-300 ---------------------------------------------------------

TINY_PAIRS = {
    "tiny entry in p": ([1e-300, 0.25, 0.75], [0.5, 0.25, 0.25]),
    "tiny entry in q": ([0.5, 0.25, 0.25], [1e-300, 0.25, 0.75]),
    "tiny in both": ([1e-300, 0.5, 0.5], [3e-300, 0.5, 0.5]),
    "only the tiny entries differ": ([0.5, 0.5, 1e-300], [0.5, 0.5, 1e-310]),
    "tiny against a subnormal": ([1e-300, 1.0], [5e-324, 1.0]),
    "a subnormal against tiny": ([5e-324, 1.0], [1e-300, 1.0]),
    "many tiny entries": ([1e-300] * 5 + [0.5, 0.5], [0.5, 0.5] + [1e-300] * 5),
    "tiny, moderately apart": ([0.3, 0.7, 1e-300], [0.3, 0.7, 2e-300]),
}


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize("case", TINY_PAIRS)
def test_probabilities_near_1e_300_give_finite_exact_measures(case: str, unit: Unit) -> None:
    p, q = (np.array(v) for v in TINY_PAIRS[case])
    got = measures.compare(p, q, unit)
    expected = {
        "entropy_p": mp_entropy(p, unit),
        "entropy_q": mp_entropy(q, unit),
        "cross_entropy": mp_cross_entropy(p, q, unit),
        "reverse_cross_entropy": mp_cross_entropy(q, p, unit),
        "kl": mp_kl(p, q, unit),
        "reverse_kl": mp_kl(q, p, unit),
        "js_divergence": mp_js(p, q, unit),
    }
    for name, want in expected.items():
        value = getattr(got, name)
        assert want > 0, f"the reference {name} must not be 0"
        assert math.isfinite(value), f"{name} = {value}"
        assert tiny_close(value, want), f"{name}: {value!r} vs {want!r}"
    assert tiny_close(measures.entropy(p, unit), expected["entropy_p"])
    assert tiny_close(measures.kl_divergence(p, q, unit), expected["kl"])
    assert tiny_close(measures.js_divergence(p, q, unit), expected["js_divergence"])
    decomposition = measures.decompose(p, q, unit)
    assert tiny_close(decomposition.kl, expected["kl"])
    assert tiny_close(decomposition.cross_entropy, expected["cross_entropy"])


def tiny_close(got: float, want: float) -> bool:
    """Within 1e-12 relative, or within the spacing of subnormals (which carry fewer digits)."""
    return abs(got - want) <= ORDINARY * abs(want) + 1e-320


def test_the_entropy_of_a_1e_300_outcome_is_its_own_tiny_number() -> None:
    """H([1e-300, 1]) = 300 ln 10 · 1e-300: tiny, but not zero and not lost."""
    got = measures.entropy([1e-300, 1.0])
    want = mp_entropy([1e-300, 1.0])
    assert want > 0 and got > 0
    assert relative_error(got, want) <= ORDINARY


# --- long vectors, block by block ------------------------------------------------------------

LONG = 100_000


@functools.cache
def long_pair(kind: str) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(LONG))
    if kind == "ordinary":
        q = rng.dirichlet(np.ones(LONG))
    elif kind == "near":
        q = p * (1 + 1e-2 * rng.standard_normal(LONG))
        q /= q.sum()
    else:  # "zeros": p rules out a tenth of the outcomes
        q = rng.dirichlet(np.ones(LONG))
        p[rng.random(LONG) < 0.1] = 0.0
        p /= p.sum()
    p.flags.writeable = False
    q.flags.writeable = False
    return p, q


def reference_cross_entropy(p: FloatArray, q: FloatArray) -> float:
    return -math.fsum(xlogy(p, q).tolist())


KL_OF_LONG: dict[str, KLFunction] = {
    "kl_divergence": lambda p, q: measures.kl_divergence(p, q),
    "decompose": lambda p, q: measures.decompose(p, q).kl,
    "compare": lambda p, q: measures.compare(p, q).kl,
}


@pytest.mark.parametrize("form", KL_OF_LONG)
@pytest.mark.parametrize("kind", ["ordinary", "near", "zeros"])
def test_long_vectors_agree_with_the_exact_sum_reference(kind: str, form: str) -> None:
    p, q = long_pair(kind)
    want = fsum_kl(p, q)
    assert want > 1e-6
    assert relative_error(KL_OF_LONG[form](p, q), want) <= ORDINARY


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize("kind", ["ordinary", "near", "zeros"])
def test_every_measure_of_long_vectors_agrees_with_its_reference(kind: str, unit: Unit) -> None:
    p, q = long_pair(kind)
    scale = 1 / math.log(unit.base)
    got = measures.compare(p, q, unit)
    js = float(distance.jensenshannon(p, q, base=unit.base)) ** 2
    expected = {
        "entropy_p": reference_cross_entropy(p, p) * scale,
        "entropy_q": reference_cross_entropy(q, q) * scale,
        "cross_entropy": reference_cross_entropy(p, q) * scale,
        "kl": fsum_kl(p, q) * scale,
        "reverse_cross_entropy": reference_cross_entropy(q, p) * scale,
        "reverse_kl": fsum_kl(q, p) * scale,
        "total_variation": math.fsum(np.abs(p - q).tolist()) / 2,
        "perplexity": math.exp(reference_cross_entropy(p, q)),
    }
    for name, want in expected.items():
        assert want > 0, name
        assert relative_error(getattr(got, name), want) <= ORDINARY, name
    # scipy's own JS sums rel_entr naively, so it is only as good as its cancellation allows.
    assert relative_error(got.js_divergence, js) <= (ORDINARY if kind != "near" else JS_NEAR)
    decomposition = measures.decompose(p, q, unit)
    assert relative_error(decomposition.entropy, expected["entropy_p"]) <= ORDINARY
    assert relative_error(decomposition.cross_entropy, expected["cross_entropy"]) <= ORDINARY
    assert relative_error(decomposition.kl, expected["kl"]) <= ORDINARY


@pytest.mark.parametrize("kind", ["ordinary", "near"])
def test_scipy_agrees_where_the_sums_are_one(kind: str) -> None:
    """A check of the reference itself: for vectors that sum to 1 almost exactly, fsum_kl and
    scipy's KL (which normalises in floats) agree."""
    p, q = long_pair(kind)
    want = fsum_kl(p, q)
    assert relative_error(float(scipy.stats.entropy(p, q)), want) <= 1e-9


def test_long_vectors_with_a_support_mismatch_are_infinite() -> None:
    p, q = (v.copy() for v in long_pair("ordinary"))
    q[[3, 99_999]] = 0.0
    assert measures.kl_divergence(p, q) == math.inf
    assert measures.decompose(p, q).kl == math.inf
    got = measures.compare(p, q)
    assert got.kl == math.inf and got.cross_entropy == math.inf
    assert got.support_mismatch == (3, 99_999)
    assert math.isfinite(got.reverse_kl) and got.reverse_support_mismatch == ()
    assert relative_error(got.reverse_kl, fsum_kl(q, p)) <= ORDINARY
