"""Properties that hold for every pair of distributions, checked with hypothesis."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import FloatArray

from divtui.core import measures
from divtui.core.units import Unit

LN2 = math.log(2)
EPS = np.finfo(np.float64).eps

fast = settings(max_examples=150, deadline=None)

positive_weights = st.floats(min_value=1e-300, max_value=1e3)
weights = st.one_of(st.just(0.0), positive_weights)


def _column(draw: st.DrawFn, n: int, element: st.SearchStrategy[float]) -> FloatArray:
    raw = np.array(draw(st.lists(element, min_size=n, max_size=n)))
    if not np.any(raw > 0):
        raw[draw(st.integers(0, n - 1))] = 1.0
    column: FloatArray = raw / raw.sum()
    return column


@st.composite
def distribution_pairs(draw: st.DrawFn, positive: bool = False) -> tuple[FloatArray, FloatArray]:
    """Two normalised vectors of one length (2..20), with zeros unless `positive`.

    Besides independent pairs, q is often p nudged by ~1e-9 (where rounding can push KL below
    0), or lives on the outcomes p rules out (where TV and Hellinger can round above 1).
    """
    n = draw(st.integers(min_value=2, max_value=20))
    element = positive_weights if positive else weights
    p = _column(draw, n, element)
    relation = draw(st.sampled_from(["independent", "near", "disjoint"]))
    if relation == "near":
        nudges = np.array(draw(st.lists(st.floats(-1e-9, 1e-9), min_size=n, max_size=n)))
        q = p * (1 + nudges)
        q /= q.sum()
    elif relation == "disjoint" and not positive:
        split = draw(st.integers(1, n - 1))
        p = np.concatenate((_column(draw, split, positive_weights), np.zeros(n - split)))
        q = np.concatenate((np.zeros(split), _column(draw, n - split, positive_weights)))
    else:
        q = _column(draw, n, element)
    return p, q


def tolerance(n: int, *magnitudes: float) -> float:
    """Rounding allowed for sums of n terms of these magnitudes (finite ones).

    The 1 is the total mass: p / p.sum() sums to 1 only within n ulps, and KL is that of the
    normalised distributions while H and H(p, q) are of the vectors as given, so the identity
    H(p, q) = H(p) + KL(p‖q) holds only within that residue.
    """
    return 16 * n * EPS * (1 + sum(abs(m) for m in magnitudes if math.isfinite(m)))


@fast
@given(distribution_pairs())
def test_kl_is_never_negative(pair: tuple[FloatArray, FloatArray]) -> None:
    """The sum itself: the kernel has no clamp, every one of its terms is ≥ 0."""
    p, q = pair
    got = measures.compare(p, q)
    assert got.kl >= 0 and got.reverse_kl >= 0
    assert measures.kl_divergence(p, q) >= 0
    assert measures.decompose(p, q).kl >= 0


@fast
@given(distribution_pairs())
def test_cross_entropy_is_entropy_plus_kl(pair: tuple[FloatArray, FloatArray]) -> None:
    p, q = pair
    got = measures.compare(p, q)
    for h, ce, kl in (
        (got.entropy_p, got.cross_entropy, got.kl),
        (got.entropy_q, got.reverse_cross_entropy, got.reverse_kl),
    ):
        assert math.isinf(ce) is math.isinf(kl)
        if math.isfinite(ce):
            assert abs(ce - (h + kl)) <= tolerance(len(p), h, ce, kl)
    d = measures.decompose(p, q)
    if math.isfinite(d.cross_entropy):
        assert abs(d.cross_entropy - (d.entropy + d.kl)) <= tolerance(
            len(p), d.entropy, d.cross_entropy, d.kl
        )


@fast
@given(distribution_pairs())
def test_a_distribution_is_at_no_distance_from_itself(
    pair: tuple[FloatArray, FloatArray],
) -> None:
    p, _ = pair
    got = measures.compare(p, p)
    assert got.kl == 0.0 and got.reverse_kl == 0.0
    assert got.js_divergence == 0.0 and got.total_variation == 0.0 and got.hellinger == 0.0
    assert got.cross_entropy == got.entropy_p
    assert measures.kl_divergence(p, p) == 0.0
    assert measures.decompose(p, p).kl == 0.0


@fast
@given(distribution_pairs())
def test_bounded_measures_stay_in_their_bounds(pair: tuple[FloatArray, FloatArray]) -> None:
    p, q = pair
    for unit in Unit:
        got = measures.compare(p, q, unit)
        js_max = math.log(2, unit.base) if unit is not Unit.BITS else 1.0
        assert 0 <= got.js_divergence <= js_max * (1 + 2 * EPS)
        assert 0 <= measures.js_divergence(p, q, unit) <= js_max * (1 + 2 * EPS)
    got = measures.compare(p, q)
    assert 0 <= got.js_divergence <= LN2
    assert measures.js_divergence(p, q, Unit.BITS) <= 1.0
    assert 0 <= got.total_variation <= 1 and 0 <= measures.total_variation(p, q) <= 1
    assert 0 <= got.hellinger <= 1 and 0 <= measures.hellinger(p, q) <= 1
    assert got.entropy_p >= 0 and got.entropy_q >= 0
    assert got.perplexity >= 1 or math.isclose(got.perplexity, 1.0, rel_tol=1e-12)


@fast
@given(distribution_pairs(), st.randoms(use_true_random=False))
def test_relabelling_outcomes_changes_nothing(
    pair: tuple[FloatArray, FloatArray], random: object
) -> None:
    p, q = pair
    order = np.arange(len(p))
    random.shuffle(order)  # type: ignore[attr-defined]
    before = measures.compare(p, q)
    after = measures.compare(p[order], q[order])
    for name in (
        "entropy_p",
        "entropy_q",
        "cross_entropy",
        "kl",
        "reverse_cross_entropy",
        "reverse_kl",
        "js_divergence",
        "total_variation",
        "hellinger",
    ):
        a, b = getattr(before, name), getattr(after, name)
        assert math.isinf(a) is math.isinf(b), name
        if math.isfinite(a):
            assert abs(a - b) <= tolerance(len(p), a, before.entropy_p, before.cross_entropy), name
    # Outcome i moved to position order⁻¹(i): the mismatch names the same outcomes.
    assert sorted(int(order[i]) for i in after.support_mismatch) == list(before.support_mismatch)
    assert sorted(int(order[i]) for i in after.reverse_support_mismatch) == list(
        before.reverse_support_mismatch
    )


@fast
@given(distribution_pairs())
def test_units_differ_only_by_the_base_of_the_logarithm(
    pair: tuple[FloatArray, FloatArray],
) -> None:
    p, q = pair
    nats = measures.compare(p, q, Unit.NATS)
    for unit, divisor in ((Unit.BITS, math.log(2)), (Unit.HARTLEYS, math.log(10))):
        other = measures.compare(p, q, unit)
        for name in (
            "entropy_p",
            "entropy_q",
            "cross_entropy",
            "kl",
            "reverse_cross_entropy",
            "reverse_kl",
            "js_divergence",
        ):
            assert math.isclose(
                getattr(other, name), getattr(nats, name) / divisor, rel_tol=4 * EPS
            ), name
        assert other.total_variation == nats.total_variation
        assert other.hellinger == nats.hellinger
        assert other.perplexity == nats.perplexity
        singles = (
            (measures.entropy(p, unit), measures.entropy(p)),
            (measures.cross_entropy(p, q, unit), measures.cross_entropy(p, q)),
            (measures.kl_divergence(p, q, unit), measures.kl_divergence(p, q)),
            (measures.js_divergence(p, q, unit), measures.js_divergence(p, q)),
        )
        for in_unit, in_nats in singles:
            assert math.isclose(in_unit, in_nats / divisor, rel_tol=4 * EPS)


@fast
@given(distribution_pairs(), st.sampled_from(list(Unit)))
def test_outcome_terms_sum_to_their_measures(
    pair: tuple[FloatArray, FloatArray], unit: Unit
) -> None:
    p, q = pair
    terms = measures.outcome_terms(p, q, unit)
    got = measures.compare(p, q, unit)
    n = len(p)
    for vector, total in (
        (terms.entropy, got.entropy_p),
        (terms.cross_entropy, got.cross_entropy),
        (terms.kl, got.kl),
    ):
        assert vector.shape == (n,) and not vector.flags.writeable
        if math.isinf(total):
            assert np.any(np.isposinf(vector))
            continue
        assert np.all(np.isfinite(vector))
        size = math.fsum(np.abs(vector))
        # The terms are of the vectors as given, KL of the normalised ones: they differ by the
        # residue of the total mass.
        slack = tolerance(n, size, got.entropy_p, got.cross_entropy)
        assert abs(math.fsum(vector) - total) <= slack
    assert np.all(terms.entropy >= 0) and np.all(terms.cross_entropy >= 0)


@fast
@given(distribution_pairs(positive=True))
def test_without_zeros_everything_is_finite(pair: tuple[FloatArray, FloatArray]) -> None:
    p, q = pair
    got = measures.compare(p, q)
    assert got.support_mismatch == () and got.reverse_support_mismatch == ()
    assert all(
        math.isfinite(getattr(got, name))
        for name in ("cross_entropy", "kl", "reverse_cross_entropy", "reverse_kl")
    )


@fast
@given(distribution_pairs())
def test_support_mismatch_names_exactly_the_outcomes_q_rules_out(
    pair: tuple[FloatArray, FloatArray],
) -> None:
    p, q = pair
    got = measures.compare(p, q)
    expected = tuple(int(i) for i in np.flatnonzero((p > 0) & (q == 0)))
    reverse = tuple(int(i) for i in np.flatnonzero((q > 0) & (p == 0)))
    assert got.support_mismatch == expected
    assert got.reverse_support_mismatch == reverse
    assert math.isinf(got.kl) is bool(expected)
    assert math.isinf(got.reverse_kl) is bool(reverse)
