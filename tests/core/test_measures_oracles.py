"""Every measure against independent oracles: scipy, and mpmath at 50 digits, in every unit."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
from oracles import (
    UNIT_IDS,
    UNITS,
    FloatArray,
    dirichlet_pair,
    mp_cross_entropy,
    mp_entropy,
    mp_hellinger,
    mp_js,
    mp_kl,
    mp_perplexity,
    mp_terms,
    mp_total_variation,
    relative_error,
)
from scipy.spatial import distance
from scipy.special import rel_entr, xlogy

from divtui.core import measures
from divtui.core.units import Unit

RELATIVE = 1e-12
"""The accuracy promised on ordinary inputs."""

SIZES = (2, 3, 7, 30, 200)
SEEDS = (0, 1, 2)
PAIRS = [(seed, n) for n in SIZES for seed in SEEDS]
PAIR_IDS = [f"n{n}-seed{seed}" for seed, n in PAIRS]


def assert_close(got: float, want: float, what: str, relative: float = RELATIVE) -> None:
    assert not math.isnan(got), f"{what} is NaN"
    assert relative_error(got, want) <= relative, f"{what}: got {got!r}, want {want!r}"


def sparse_pair(seed: int, n: int) -> tuple[FloatArray, FloatArray]:
    """Random p and q with zeros: some outcomes ruled out by p, by q, or by both."""
    rng = np.random.default_rng(1000 + seed)
    p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    p[rng.random(n) < 0.3] = 0.0
    q[rng.random(n) < 0.3] = 0.0
    p[0] = p[0] or 0.5  # at least one positive weight in each column
    q[1] = q[1] or 0.5
    return p / p.sum(), q / q.sum()


# --- scipy ------------------------------------------------------------------------------------


def scipy_cross_entropy(p: FloatArray, q: FloatArray, unit: Unit) -> float:
    with np.errstate(divide="ignore"):
        return -math.fsum(xlogy(p, q)) / math.log(unit.base)


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_single_measures_agree_with_scipy(seed: int, n: int, unit: Unit) -> None:
    p, q = dirichlet_pair(seed, n)
    base = unit.base
    js_distance = float(distance.jensenshannon(p, q, base=base))
    assert_close(measures.entropy(p, unit), float(scipy.stats.entropy(p, base=base)), "H(p)")
    assert_close(measures.cross_entropy(p, q, unit), scipy_cross_entropy(p, q, unit), "H(p,q)")
    assert_close(
        measures.kl_divergence(p, q, unit), float(scipy.stats.entropy(p, q, base=base)), "KL"
    )
    assert_close(measures.js_divergence(p, q, unit), js_distance**2, "JS divergence")
    assert_close(measures.js_distance(p, q, unit), js_distance, "JS distance")
    assert_close(
        measures.total_variation(p, q), float(distance.cityblock(p, q)) / 2, "total variation"
    )
    assert_close(
        measures.hellinger(p, q),
        float(distance.euclidean(np.sqrt(p), np.sqrt(q))) / math.sqrt(2),
        "Hellinger",
    )
    assert_close(
        measures.perplexity(p, q),
        math.exp(scipy_cross_entropy(p, q, Unit.NATS)),
        "perplexity",
    )


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_compare_agrees_with_scipy(seed: int, n: int, unit: Unit) -> None:
    p, q = dirichlet_pair(seed, n)
    base = unit.base
    got = measures.compare(p, q, unit)
    h_p = float(scipy.stats.entropy(p, base=base))
    h_q = float(scipy.stats.entropy(q, base=base))
    kl = float(scipy.stats.entropy(p, q, base=base))
    reverse_kl = float(scipy.stats.entropy(q, p, base=base))
    js_distance = float(distance.jensenshannon(p, q, base=base))
    assert got.unit is unit
    assert_close(got.entropy_p, h_p, "H(p)")
    assert_close(got.entropy_q, h_q, "H(q)")
    assert_close(got.kl, kl, "KL(p‖q)")
    assert_close(got.reverse_kl, reverse_kl, "KL(q‖p)")
    assert_close(got.cross_entropy, h_p + kl, "H(p,q)")
    assert_close(got.reverse_cross_entropy, h_q + reverse_kl, "H(q,p)")
    assert_close(got.js_divergence, js_distance**2, "JS divergence")
    assert_close(got.js_distance, js_distance, "JS distance")
    assert_close(got.total_variation, float(distance.cityblock(p, q)) / 2, "TV")
    assert_close(got.perplexity, math.exp(scipy_cross_entropy(p, q, Unit.NATS)), "perplexity")
    assert got.support_mismatch == () and got.reverse_support_mismatch == ()


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_decompose_agrees_with_scipy(seed: int, n: int, unit: Unit) -> None:
    p, q = dirichlet_pair(seed, n)
    got = measures.decompose(p, q, unit)
    assert_close(got.entropy, float(scipy.stats.entropy(p, base=unit.base)), "H(p)")
    assert_close(got.cross_entropy, scipy_cross_entropy(p, q, unit), "H(p,q)")
    assert_close(got.kl, float(scipy.stats.entropy(p, q, base=unit.base)), "KL")


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_outcome_terms_agree_with_scipy_elementwise(seed: int, n: int, unit: Unit) -> None:
    p, q = dirichlet_pair(seed, n)
    got = measures.outcome_terms(p, q, unit)
    scale = 1 / math.log(unit.base)
    np.testing.assert_allclose(got.entropy, -xlogy(p, p) * scale, rtol=RELATIVE, atol=0)
    np.testing.assert_allclose(got.cross_entropy, -xlogy(p, q) * scale, rtol=RELATIVE, atol=0)
    np.testing.assert_allclose(got.kl, rel_entr(p, q) * scale, rtol=RELATIVE, atol=0)


# --- mpmath -----------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_single_measures_agree_with_mpmath(seed: int, n: int, unit: Unit) -> None:
    p, q = dirichlet_pair(seed, n)
    js = mp_js(p, q, unit)
    assert_close(measures.entropy(p, unit), mp_entropy(p, unit), "H(p)")
    assert_close(measures.cross_entropy(p, q, unit), mp_cross_entropy(p, q, unit), "H(p,q)")
    assert_close(measures.kl_divergence(p, q, unit), mp_kl(p, q, unit), "KL")
    assert_close(measures.js_divergence(p, q, unit), js, "JS divergence")
    assert_close(measures.js_distance(p, q, unit), math.sqrt(js), "JS distance")
    assert_close(measures.total_variation(p, q), mp_total_variation(p, q), "total variation")
    assert_close(measures.hellinger(p, q), mp_hellinger(p, q), "Hellinger")
    assert_close(measures.perplexity(p, q), mp_perplexity(p, q), "perplexity")


def assert_pair_measures_match_mpmath(
    got: measures.PairMeasures, p: FloatArray, q: FloatArray, unit: Unit
) -> None:
    js = mp_js(p, q, unit)
    assert got.unit is unit
    assert_close(got.entropy_p, mp_entropy(p, unit), "H(p)")
    assert_close(got.entropy_q, mp_entropy(q, unit), "H(q)")
    assert_close(got.cross_entropy, mp_cross_entropy(p, q, unit), "H(p,q)")
    assert_close(got.kl, mp_kl(p, q, unit), "KL(p‖q)")
    assert_close(got.reverse_cross_entropy, mp_cross_entropy(q, p, unit), "H(q,p)")
    assert_close(got.reverse_kl, mp_kl(q, p, unit), "KL(q‖p)")
    assert_close(got.js_divergence, js, "JS divergence")
    assert_close(got.js_distance, math.sqrt(js), "JS distance")
    assert_close(got.total_variation, mp_total_variation(p, q), "total variation")
    assert_close(got.hellinger, mp_hellinger(p, q), "Hellinger")
    assert_close(got.perplexity, mp_perplexity(p, q), "perplexity")
    mismatch = tuple(i for i in range(len(p)) if p[i] > 0 and q[i] == 0)
    reverse = tuple(i for i in range(len(p)) if q[i] > 0 and p[i] == 0)
    assert got.support_mismatch == mismatch
    assert got.reverse_support_mismatch == reverse


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_compare_agrees_with_mpmath(seed: int, n: int, unit: Unit) -> None:
    p, q = dirichlet_pair(seed, n)
    assert_pair_measures_match_mpmath(measures.compare(p, q, unit), p, q, unit)


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_compare_with_zeros_agrees_with_mpmath(seed: int, n: int, unit: Unit) -> None:
    p, q = sparse_pair(seed, n)
    assert_pair_measures_match_mpmath(measures.compare(p, q, unit), p, q, unit)


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_decompose_agrees_with_mpmath(seed: int, n: int, unit: Unit) -> None:
    for p, q in (dirichlet_pair(seed, n), sparse_pair(seed, n)):
        got = measures.decompose(p, q, unit)
        assert_close(got.entropy, mp_entropy(p, unit), "H(p)")
        assert_close(got.cross_entropy, mp_cross_entropy(p, q, unit), "H(p,q)")
        assert_close(got.kl, mp_kl(p, q, unit), "KL")


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
@pytest.mark.parametrize(("seed", "n"), PAIRS, ids=PAIR_IDS)
def test_outcome_terms_agree_with_mpmath(seed: int, n: int, unit: Unit) -> None:
    for p, q in (dirichlet_pair(seed, n), sparse_pair(seed, n)):
        got = measures.outcome_terms(p, q, unit)
        entropy, cross, kl = mp_terms(p, q, unit)
        for i in range(n):
            assert_close(float(got.entropy[i]), entropy[i], f"−p log p at {i}")
            assert_close(float(got.cross_entropy[i]), cross[i], f"−p log q at {i}")
            assert_close(float(got.kl[i]), kl[i], f"p log(p/q) at {i}")
