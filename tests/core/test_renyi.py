"""Rényi divergence D_α(p‖q) against mpmath at 50 digits: ordinary inputs, the limits α = 0, ½,
1, ∞, the neighbourhood of α = 1, infinite cases, and properties that hold for every pair."""

from __future__ import annotations

import math
from collections.abc import Sequence

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import UNIT_IDS, UNITS, FloatArray, dirichlet_pair, near_pair

from divtui.core.errors import DivtuiError
from divtui.core.measures import kl_divergence
from divtui.core.renyi import (
    DISJOINT,
    MISMATCH,
    format_alpha,
    parse_alpha,
    renyi,
    renyi_curve,
    renyi_divergence,
)
from divtui.core.units import Unit

DIGITS = 50
ORDERS = (0.0, 1e-6, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0, 1.01, 1.5, 2.0, 3.0, 4.0, 10.0, 100.0)


def mp_renyi(
    p: Sequence[float] | FloatArray,
    q: Sequence[float] | FloatArray,
    alpha: float,
    unit: Unit = Unit.NATS,
) -> float:
    """D_α(P‖Q) of P = p/Σp, Q = q/Σq from its definition (and its limits), at 50 digits."""
    with mpmath.workdps(DIGITS):
        x = [mpmath.mpf(float(v)) for v in p]
        y = [mpmath.mpf(float(v)) for v in q]
        sx, sy = mpmath.fsum(x), mpmath.fsum(y)
        x, y = [v / sx for v in x], [v / sy for v in y]
        pairs = [(a, b) for a, b in zip(x, y, strict=True) if a > 0]
        if all(b == 0 for _, b in pairs):
            return math.inf
        if alpha >= 1 and any(b == 0 for _, b in pairs):
            return math.inf
        if alpha == 0:
            value = -mpmath.log(mpmath.fsum(b for _, b in pairs))
        elif alpha == 1:
            value = mpmath.fsum(a * mpmath.log(a / b) for a, b in pairs)
        elif math.isinf(alpha):
            value = mpmath.log(max(a / b for a, b in pairs if b > 0))
        else:
            order = mpmath.mpf(alpha)
            total = mpmath.fsum(a**order * b ** (1 - order) for a, b in pairs if b > 0)
            value = mpmath.log(total) / (order - 1)
        return float(value / mpmath.log(mpmath.mpf(unit.base)))


def close(got: float, want: float, relative: float = 1e-12, absolute: float = 1e-300) -> bool:
    if math.isinf(want):
        return got == want
    return abs(got - want) <= relative * abs(want) + absolute


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("alpha", ORDERS)
def test_ordinary_inputs_match_mpmath(seed: int, alpha: float) -> None:
    p, q = dirichlet_pair(seed, 3 + seed)
    got, want = renyi_divergence(p, q, alpha), mp_renyi(p, q, alpha)
    # α = 0 of two full supports is exactly 0; mpmath's normalisation leaves ~1e-51 there.
    assert close(got, want, absolute=1e-40), (got, want)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("alpha", (0.1, 0.5, 0.9, 1.0, 1.1, 2.0, 4.0, math.inf))
def test_near_identical_pairs_keep_their_digits(seed: int, alpha: float) -> None:
    """q within 1e-6 of p: D_α ≈ α·χ²/2 ≈ 1e-14, where log Σ p^α q^(1−α) keeps no digit."""
    p, q = near_pair(seed, 6)
    got, want = renyi_divergence(p, q, alpha), mp_renyi(p, q, alpha)
    assert want > 0
    assert close(got, want, 1e-12 if math.isfinite(alpha) else 1e-9), (got, want)


@pytest.mark.parametrize("unit", UNITS, ids=UNIT_IDS)
def test_units_as_the_other_measures(unit: Unit) -> None:
    p, q = dirichlet_pair(3, 5)
    for alpha in (0.5, 2.0, math.inf):
        assert close(renyi_divergence(p, q, alpha, unit), mp_renyi(p, q, alpha, unit))
    assert renyi_divergence(p, q, 1.0, unit) == kl_divergence(p, q, unit)


def test_half_is_minus_twice_the_log_of_bhattacharyya() -> None:
    p, q = dirichlet_pair(7, 9)
    with mpmath.workdps(DIGITS):
        coefficient = mpmath.fsum(
            mpmath.sqrt(mpmath.mpf(float(a)) * mpmath.mpf(float(b)))
            for a, b in zip(p, q, strict=True)
        ) / mpmath.sqrt(
            mpmath.fsum(map(mpmath.mpf, p.tolist())) * mpmath.fsum(map(mpmath.mpf, q.tolist()))
        )
        want = float(-2 * mpmath.log(coefficient))
    assert close(renyi_divergence(p, q, 0.5), want)


def test_zero_is_minus_log_of_q_on_the_support_of_p() -> None:
    p = np.array([0.5, 0.5, 0.0, 0.0])
    q = np.array([0.1, 0.2, 0.3, 0.4])
    assert close(renyi_divergence(p, q, 0.0), -math.log(0.3))
    assert renyi_divergence(q, q, 0.0) == 0.0


def test_infinity_is_log_of_the_largest_ratio() -> None:
    p = np.array([0.14, 0.37, 0.03, 0.46])
    q = np.array([0.25, 0.25, 0.25, 0.25])
    assert close(renyi_divergence(p, q, math.inf), math.log(0.46 / 0.25))
    assert renyi_divergence(p, q, 1e300) <= renyi_divergence(p, q, math.inf) * (1 + 1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_the_limit_at_one_is_kl_and_continuous(seed: int) -> None:
    p, q = dirichlet_pair(seed, 5)
    kl = kl_divergence(p, q)
    assert renyi_divergence(p, q, 1.0) == kl
    # D_α − KL ≈ (α − 1)·Var(log p/q)/2: within 1e-9 of KL from |α − 1| ≈ 1e-10 on, exact
    # (against mpmath) at every step.
    for step in (1e-6, 1e-9, 1e-11, 1e-12, 1e-15):
        for alpha in (1 - step, 1 + step):
            got = renyi_divergence(p, q, alpha)
            if step <= 1e-11:
                assert abs(got - kl) <= 1e-9 * kl, (alpha, got, kl)
            assert close(got, mp_renyi(p, q, alpha)), alpha


def test_near_one_on_a_near_identical_pair() -> None:
    p, q = near_pair(2, 8)
    kl = kl_divergence(p, q)
    for alpha in (1 - 1e-10, 1 + 1e-10):
        assert abs(renyi_divergence(p, q, alpha) - kl) <= 1e-9 * kl


def test_q_zero_where_p_is_positive_is_infinite_from_order_one() -> None:
    p = np.array([0.14, 0.37, 0.03, 0.46])
    q = np.array([0.15, 0.40, 0.0, 0.45])
    for alpha in (1.0, 1.5, 4.0, math.inf):
        value = renyi(p, q, alpha)
        assert value.value == math.inf and value.infinite_because == MISMATCH
    for alpha in (0.0, 0.3, 0.5, 0.999):
        value = renyi(p, q, alpha)
        assert math.isfinite(value.value) and value.infinite_because == ""
        assert close(value.value, mp_renyi(p, q, alpha))


def test_disjoint_supports_are_infinite_at_every_order() -> None:
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.0, 1.0])
    for alpha in ORDERS + (math.inf,):
        value = renyi(p, q, alpha)
        assert value.value == math.inf and value.infinite_because == DISJOINT


def test_tiny_entries_do_not_underflow() -> None:
    """p^α of p = 1e-300 at α = 4 underflows; its log does not."""
    p = np.array([1e-300, 1.0 - 1e-300, 0.0])
    q = np.array([1e-250, 0.5, 0.5])
    for alpha in (0.5, 2.0, 4.0, 50.0):
        assert close(renyi_divergence(p, q, alpha), mp_renyi(p, q, alpha), 1e-11)
    p = np.array([2e-310, 1.0])  # a subnormal beside a normal entry
    q = np.array([1e-300, 1.0])
    for alpha in (0.5, 2.0):
        assert close(renyi_divergence(p, q, alpha), mp_renyi(p, q, alpha), 1e-11, 1e-30)


def test_unnormalised_vectors_are_the_distributions_they_stand_for() -> None:
    p, q = np.array([0.0, 1.6e-201]), np.array([0.57, 0.43])
    for alpha in (0.5, 1.0, 2.0):
        assert close(renyi_divergence(p, q, alpha), -math.log(0.43))
    assert close(renyi_divergence([2, 6], [1, 1], 2.0), mp_renyi([2, 6], [1, 1], 2.0))


def test_the_curve_is_the_values() -> None:
    p, q = dirichlet_pair(1, 4)
    alphas = np.linspace(0, 4, 9)
    curve = renyi_curve(p, q, alphas)
    assert curve.tolist() == [renyi_divergence(p, q, float(a)) for a in alphas]


@pytest.mark.parametrize(
    ("text", "value"),
    [("2", 2.0), (" 0.5 ", 0.5), ("0", 0.0), ("inf", math.inf), ("∞", math.inf), ("1e3", 1e3)],
)
def test_alpha_is_parsed(text: str, value: float) -> None:
    assert parse_alpha(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-1", "Rényi order α: -1 is negative; the order must be ≥ 0"),
        ("nan", "Rényi order α: NaN is not an order; give a number ≥ 0 or 'inf'"),
        ("two", "Rényi order α: 'two' is not a number ≥ 0 or 'inf'"),
        ("", "Rényi order α: empty; give a number ≥ 0 or 'inf'"),
        ("-inf", "Rényi order α: -inf is negative; the order must be ≥ 0"),
    ],
)
def test_bad_alpha_says_what_and_where(text: str, message: str) -> None:
    with pytest.raises(DivtuiError) as error:
        parse_alpha(text)
    assert str(error.value) == message


def test_alpha_is_written_for_people() -> None:
    assert [format_alpha(a) for a in (2.0, 0.5, math.inf)] == ["2", "0.5", "∞"]


# --- properties ------------------------------------------------------------------------------

positive = st.floats(min_value=1e-12, max_value=1e3)
entries = st.one_of(st.just(0.0), positive)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[FloatArray, FloatArray]:
    n = draw(st.integers(2, 12))
    p = np.array(draw(st.lists(entries, min_size=n, max_size=n)))
    if not (p > 0).any():
        p[0] = 1.0
    if draw(st.booleans()):
        q = np.array(draw(st.lists(positive, min_size=n, max_size=n)))
    else:
        q = p * np.array(draw(st.lists(st.floats(0.5, 2.0), min_size=n, max_size=n)))
        q[draw(st.integers(0, n - 1))] += 1e-3
    return p / p.sum(), q / q.sum()


orders = st.one_of(st.floats(0.0, 10.0), st.sampled_from([0.5, 1.0, 1 - 1e-9, 1 + 1e-9, math.inf]))
fast = settings(max_examples=150, deadline=None)


@fast
@given(pairs(), orders, orders)
def test_non_decreasing_in_alpha(pair: tuple[FloatArray, FloatArray], a: float, b: float) -> None:
    p, q = pair
    low, high = sorted((a, b))
    d_low, d_high = renyi_divergence(p, q, low), renyi_divergence(p, q, high)
    assert d_low <= d_high * (1 + 1e-10) + 1e-15, (low, high, d_low, d_high)


@fast
@given(pairs(), orders)
def test_non_negative(pair: tuple[FloatArray, FloatArray], alpha: float) -> None:
    assert renyi_divergence(*pair, alpha) >= 0.0


@fast
@given(pairs(), st.one_of(st.floats(1e-3, 10.0), st.just(math.inf)))
def test_zero_exactly_when_q_is_p(pair: tuple[FloatArray, FloatArray], alpha: float) -> None:
    p, q = pair
    assert renyi_divergence(p, p, alpha) == 0.0
    if not np.array_equal(p, q):
        assert renyi_divergence(p, q, alpha) > 0.0
