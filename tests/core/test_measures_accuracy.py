"""Accuracy where naive formulas fail: q ≈ p, probabilities near 1e-300, and long vectors.

The long-vector checks run both branches of `_kl_nats` (the fast pass with its error bound and
the careful Bregman sum) and prove which one ran.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
import pytest
import scipy.stats
from oracles import (
    UNIT_IDS,
    UNITS,
    FloatArray,
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

NEAR_CASES = [(seed, n) for n in (2, 3, 4, 10, 50, 200) for seed in range(4)]
NEAR_IDS = [f"n{n}-seed{seed}" for seed, n in NEAR_CASES]

KLFunction = Callable[[FloatArray, FloatArray], float]

KL_FORMS: dict[str, KLFunction] = {
    "kl_divergence": lambda p, q: measures.kl_divergence(p, q),
    "compare.kl": lambda p, q: measures.compare(p, q).kl,
    "compare.reverse_kl": lambda p, q: measures.compare(q, p).reverse_kl,
    "decompose.kl": lambda p, q: measures.decompose(p, q).kl,
}


# --- q within 1e-6 of p -----------------------------------------------------------------------


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
def test_a_tiny_js_keeps_seven_digits(seed: int, n: int) -> None:
    p, q = near_pair(seed, n)
    want = mp_js(p, q)
    assert relative_error(measures.js_divergence(p, q), want) <= SEVEN_DIGITS
    assert relative_error(measures.compare(p, q).js_divergence, want) <= SEVEN_DIGITS


@pytest.mark.parametrize("n", [2, 4, 10, 100])
@pytest.mark.parametrize("seed", range(3))
def test_a_tiny_js_keeps_its_digits_when_the_midpoint_rounds(seed: int, n: int) -> None:
    """Non-dyadic p and q: m = ½(p + q) rounds, which alone costs all digits of a 1e-15 JS."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(n))
    q = p * (1 + 1e-7 * rng.standard_normal(n))
    q /= q.sum()
    want = mp_js(p, q)
    assert 0 < want < 1e-13
    assert relative_error(measures.js_divergence(p, q), want) <= SEVEN_DIGITS
    assert relative_error(measures.compare(p, q).js_divergence, want) <= SEVEN_DIGITS


# --- probabilities as small as 1e-300 ---------------------------------------------------------

TINY_PAIRS = {
    "tiny entry in p": ([1e-300, 0.25, 0.75], [0.5, 0.25, 0.25]),
    "tiny entry in q": ([0.5, 0.25, 0.25], [1e-300, 0.25, 0.75]),
    "tiny in both": ([1e-300, 0.5, 0.5], [3e-300, 0.5, 0.5]),
    "only the tiny entries differ": ([0.5, 0.5, 1e-300], [0.5, 0.5, 1e-310]),
    "tiny against a subnormal": ([1e-300, 1.0], [5e-324, 1.0]),
    "many tiny entries": ([1e-300] * 5 + [0.5, 0.5], [0.5, 0.5] + [1e-300] * 5),
}


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize("case", TINY_PAIRS)
def test_probabilities_near_1e_300_give_finite_exact_measures(case: str, unit: Unit) -> None:
    p, q = (np.array(v) for v in TINY_PAIRS[case])
    got = measures.compare(p, q, unit)
    # These floats sum to 1 + 1e-300 or so; their exact KL may dip below 0 by that much, where
    # the core returns 0 (KL ≥ 0 for the distributions they stand for).
    expected = {
        "entropy_p": mp_entropy(p, unit),
        "entropy_q": mp_entropy(q, unit),
        "cross_entropy": mp_cross_entropy(p, q, unit),
        "reverse_cross_entropy": mp_cross_entropy(q, p, unit),
        "kl": max(mp_kl(p, q, unit), 0.0),
        "reverse_kl": max(mp_kl(q, p, unit), 0.0),
        "js_divergence": mp_js(p, q, unit),
    }
    for name, want in expected.items():
        value = getattr(got, name)
        assert math.isfinite(value), f"{name} = {value}"
        assert tiny_close(value, want), f"{name}: {value!r} vs {want!r}"
    assert tiny_close(measures.entropy(p, unit), expected["entropy_p"])
    assert tiny_close(measures.kl_divergence(p, q, unit), expected["kl"])
    decomposition = measures.decompose(p, q, unit)
    assert tiny_close(decomposition.kl, expected["kl"])
    assert tiny_close(decomposition.cross_entropy, expected["cross_entropy"])


def tiny_close(got: float, want: float) -> bool:
    """Within 1e-12 relative, or within the spacing of subnormals (which carry fewer digits)."""
    return abs(got - want) <= 1e-12 * abs(want) + 1e-320


def test_the_entropy_of_a_1e_300_outcome_is_its_own_tiny_number() -> None:
    """H([1e-300, 1]) = 300 ln 10 · 1e-300: tiny, but not zero and not lost."""
    got = measures.entropy([1e-300, 1.0])
    assert got > 0
    assert relative_error(got, mp_entropy([1e-300, 1.0])) <= 1e-12


# --- long vectors: both branches of _kl_nats --------------------------------------------------

LONG = 100_000


class BregmanSpy:
    """Counts the careful path while letting it run."""

    def __init__(self, careful: Callable[..., FloatArray]) -> None:
        self.careful = careful
        self.calls = 0

    def __call__(self, *args: object, **kwargs: object) -> FloatArray:
        self.calls += 1
        return self.careful(*args, **kwargs)


@pytest.fixture
def careful_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[BregmanSpy]:
    spy = BregmanSpy(measures._kl_bregman)
    monkeypatch.setattr(measures, "_kl_bregman", spy)
    yield spy


def long_pair(kind: str) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(LONG))
    if kind == "ordinary":
        q = rng.dirichlet(np.ones(LONG))
    elif kind == "near":
        q = p * (1 + 1e-2 * rng.standard_normal(LONG))
        q /= q.sum()
    else:  # "zeros": p rules out a tenth of the outcomes, which the fast pass cannot repair
        q = rng.dirichlet(np.ones(LONG))
        p[rng.random(LONG) < 0.1] = 0.0
        p /= p.sum()
    return p, q


def reference_kl(p: FloatArray, q: FloatArray) -> float:
    """Σ rel_entr(p, q) summed exactly: each term is right to a few ulps, and no sum error."""
    return math.fsum(rel_entr(p, q))


def reference_cross_entropy(p: FloatArray, q: FloatArray) -> float:
    return -math.fsum(xlogy(p, q))


KL_OF_LONG: dict[str, KLFunction] = {
    "kl_divergence": lambda p, q: measures.kl_divergence(p, q),
    "decompose": lambda p, q: measures.decompose(p, q).kl,
    "compare": lambda p, q: measures.compare(p, q).kl,
}


@pytest.mark.parametrize("form", KL_OF_LONG)
@pytest.mark.parametrize(
    ("kind", "careful_expected"), [("ordinary", False), ("near", True), ("zeros", True)]
)
def test_long_vectors_take_the_expected_path_and_agree_with_scipy(
    careful_path: BregmanSpy, kind: str, careful_expected: bool, form: str
) -> None:
    p, q = long_pair(kind)
    got = KL_OF_LONG[form](p, q)
    assert (careful_path.calls > 0) is careful_expected
    assert relative_error(got, reference_kl(p, q)) <= 1e-12


@pytest.mark.parametrize("forced", ["fast", "careful"])
@pytest.mark.parametrize("form", KL_OF_LONG)
def test_both_paths_agree_with_scipy_on_ordinary_long_vectors(
    monkeypatch: pytest.MonkeyPatch, careful_path: BregmanSpy, form: str, forced: str
) -> None:
    """Forcing each branch in turn: each alone is right on ordinary inputs."""
    # A zero tolerance can never be proved, so the careful sum always runs; an infinite one is
    # proved by any positive fast sum.
    monkeypatch.setattr(measures, "_FAST_TOLERANCE", 0.0 if forced == "careful" else math.inf)
    p, q = long_pair("ordinary")
    got = KL_OF_LONG[form](p, q)
    assert (careful_path.calls > 0) is (forced == "careful")
    assert relative_error(got, reference_kl(p, q)) <= 1e-12
    assert relative_error(got, float(scipy.stats.entropy(p, q))) <= 1e-12


@pytest.mark.parametrize(("seed", "n"), NEAR_CASES[:8], ids=NEAR_IDS[:8])
def test_the_fast_pass_alone_would_lose_a_near_miss(
    monkeypatch: pytest.MonkeyPatch, seed: int, n: int
) -> None:
    """Why the error bound exists: forced onto the fast pass, a 1e-14 KL loses its digits."""
    p, q = near_pair(seed, n)
    want = mp_kl(p, q)
    assert relative_error(measures.kl_divergence(p, q), want) <= SEVEN_DIGITS
    monkeypatch.setattr(measures, "_FAST_TOLERANCE", math.inf)
    assert relative_error(measures.kl_divergence(p, q), want) > SEVEN_DIGITS


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize("kind", ["ordinary", "near", "zeros"])
def test_every_measure_of_long_vectors_agrees_with_scipy(kind: str, unit: Unit) -> None:
    p, q = long_pair(kind)
    scale = 1 / math.log(unit.base)
    got = measures.compare(p, q, unit)
    js = float(distance.jensenshannon(p, q, base=unit.base)) ** 2
    expected = {
        "entropy_p": reference_cross_entropy(p, p) * scale,
        "entropy_q": reference_cross_entropy(q, q) * scale,
        "cross_entropy": reference_cross_entropy(p, q) * scale,
        "kl": reference_kl(p, q) * scale,
        "reverse_cross_entropy": reference_cross_entropy(q, p) * scale,
        "reverse_kl": reference_kl(q, p) * scale,
        "total_variation": math.fsum(np.abs(p - q)) / 2,
        "perplexity": math.exp(reference_cross_entropy(p, q)),
    }
    for name, want in expected.items():
        assert relative_error(getattr(got, name), want) <= 1e-12, name
    # scipy's own JS sums rel_entr naively, so it is only as good as its cancellation allows.
    assert relative_error(got.js_divergence, js) <= (1e-12 if kind != "near" else 1e-9)
    decomposition = measures.decompose(p, q, unit)
    assert relative_error(decomposition.entropy, expected["entropy_p"]) <= 1e-12
    assert relative_error(decomposition.cross_entropy, expected["cross_entropy"]) <= 1e-12
    assert relative_error(decomposition.kl, expected["kl"]) <= 1e-12


def test_long_vectors_with_a_support_mismatch_are_infinite_at_once(
    careful_path: BregmanSpy,
) -> None:
    p, q = long_pair("ordinary")
    q[[3, 99_999]] = 0.0
    assert measures.kl_divergence(p, q) == math.inf
    assert measures.decompose(p, q).kl == math.inf
    got = measures.compare(p, q)
    assert got.kl == math.inf and got.cross_entropy == math.inf
    assert got.support_mismatch == (3, 99_999)
    assert math.isfinite(got.reverse_kl) and got.reverse_support_mismatch == ()
    assert careful_path.calls >= 1  # compare's stacked rows: KL(q‖p) must still be repaired
