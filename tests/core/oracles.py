"""Independent references for the measures: mpmath at 50 digits, and input generators.

The mpmath references take every float exactly (mpf(x) is exact). H(p), H(p, q), TV, Hellinger,
perplexity and the per-outcome terms are sums over the vectors as given; KL and JS are the
divergences of the distributions the vectors stand for, so their references first normalise
each vector exactly (p / Σp at 50 digits): stored vectors sum to 1 only within rounding, and
that residue must not decide a KL of 1e-22.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mpmath
import numpy as np
import numpy.typing as npt

from divtui.core.units import Unit

FloatArray = npt.NDArray[np.float64]

DIGITS = 50

UNITS = tuple(Unit)
UNIT_IDS = [unit.value for unit in UNITS]


def _mp(values: Sequence[float] | FloatArray) -> list[mpmath.mpf]:
    return [mpmath.mpf(float(x)) for x in values]


def _in_unit(value: mpmath.mpf, unit: Unit) -> float:
    """A value in nats converted to `unit` at full precision, then rounded once to a float."""
    with mpmath.workdps(DIGITS):
        if mpmath.isinf(value):
            return math.inf
        return float(value / mpmath.log(mpmath.mpf(unit.base)))


def _neg_sum_xlogy(x: list[mpmath.mpf], y: list[mpmath.mpf]) -> mpmath.mpf:
    total = mpmath.mpf(0)
    for a, b in zip(x, y, strict=True):
        if a == 0:
            continue
        if b == 0:
            return mpmath.inf
        total -= a * mpmath.log(b)
    return total


def _kl(x: list[mpmath.mpf], y: list[mpmath.mpf]) -> mpmath.mpf:
    total = mpmath.mpf(0)
    for a, b in zip(x, y, strict=True):
        if a == 0:
            continue
        if b == 0:
            return mpmath.inf
        total += a * mpmath.log(a / b)
    return total


def mp_entropy(p: Sequence[float] | FloatArray, unit: Unit = Unit.NATS) -> float:
    """H(p) = −Σ p log p."""
    with mpmath.workdps(DIGITS):
        x = _mp(p)
        return _in_unit(_neg_sum_xlogy(x, x), unit)


def mp_cross_entropy(
    p: Sequence[float] | FloatArray, q: Sequence[float] | FloatArray, unit: Unit = Unit.NATS
) -> float:
    """H(p, q) = −Σ p log q."""
    with mpmath.workdps(DIGITS):
        return _in_unit(_neg_sum_xlogy(_mp(p), _mp(q)), unit)


def _normalised(values: Sequence[float] | FloatArray) -> list[mpmath.mpf]:
    """The distribution a vector stands for: each entry over the vector's exact sum."""
    x = _mp(values)
    total = mpmath.fsum(x)
    return [a / total for a in x]


def mp_kl(
    p: Sequence[float] | FloatArray, q: Sequence[float] | FloatArray, unit: Unit = Unit.NATS
) -> float:
    """KL(P‖Q) = Σ P log(P / Q) of P = p/Σp and Q = q/Σq, at 50 digits.

    Summed as (1/Σp) Σ p log(p/q) + log1p(Σ(q − p)/Σp), which is the same number: 50 digits
    cannot hold Σq/Σp = 1 + 2e-300, but they hold Σ(q − p) = 2e-300 exactly.
    """
    with mpmath.workdps(DIGITS):
        x, y = _mp(p), _mp(q)
        raw = _kl(x, y)
        if mpmath.isinf(raw):
            return math.inf
        total = mpmath.fsum(x)
        gap = mpmath.fsum(b - a for a, b in zip(x, y, strict=True))
        return _in_unit(raw / total + mpmath.log1p(gap / total), unit)


def mp_js(
    p: Sequence[float] | FloatArray, q: Sequence[float] | FloatArray, unit: Unit = Unit.NATS
) -> float:
    """JS = ½ KL(P‖M) + ½ KL(Q‖M) of the normalised P, Q, with M = ½(P + Q) formed exactly."""
    with mpmath.workdps(DIGITS):
        x, y = _normalised(p), _normalised(q)
        m = [(a + b) / 2 for a, b in zip(x, y, strict=True)]
        return _in_unit((_kl(x, m) + _kl(y, m)) / 2, unit)


def mp_total_variation(p: Sequence[float] | FloatArray, q: Sequence[float] | FloatArray) -> float:
    with mpmath.workdps(DIGITS):
        return float(sum(abs(a - b) for a, b in zip(_mp(p), _mp(q), strict=True)) / 2)


def mp_hellinger(p: Sequence[float] | FloatArray, q: Sequence[float] | FloatArray) -> float:
    with mpmath.workdps(DIGITS):
        squares = sum(
            (mpmath.sqrt(a) - mpmath.sqrt(b)) ** 2 for a, b in zip(_mp(p), _mp(q), strict=True)
        )
        return float(mpmath.sqrt(squares / 2))


def mp_perplexity(p: Sequence[float] | FloatArray, q: Sequence[float] | FloatArray) -> float:
    with mpmath.workdps(DIGITS):
        ce = _neg_sum_xlogy(_mp(p), _mp(q))
        return math.inf if mpmath.isinf(ce) else float(mpmath.exp(ce))


def mp_terms(
    p: Sequence[float] | FloatArray, q: Sequence[float] | FloatArray, unit: Unit = Unit.NATS
) -> tuple[list[float], list[float], list[float]]:
    """Per outcome: −p log p, −p log q and p log(p/q), each rounded once to a float."""
    with mpmath.workdps(DIGITS):
        entropy, cross, kl = [], [], []
        for a, b in zip(_mp(p), _mp(q), strict=True):
            entropy.append(_in_unit(_neg_sum_xlogy([a], [a]), unit))
            cross.append(_in_unit(_neg_sum_xlogy([a], [b]), unit))
            kl.append(_in_unit(_kl([a], [b]), unit))
        return entropy, cross, kl


def relative_error(got: float, want: float) -> float:
    """|got − want| / |want|; 0 when both are the same infinity or both zero."""
    if math.isinf(want) or want == 0:
        return 0.0 if got == want else math.inf
    return abs(got - want) / abs(want)


def dirichlet_pair(seed: int, n: int) -> tuple[FloatArray, FloatArray]:
    """Two random probability vectors of length n (the "ordinary inputs" of the oracle tests)."""
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))


def near_pair(seed: int, n: int, relative_step: float = 1.4e-7) -> tuple[FloatArray, FloatArray]:
    """p and a q within 1e-6 of it, both summing to exactly 1 (dyadic), with KL ≈ 1e-14.

    p_i = k_i / 2^20 and q_i = p_i + d_i / 2^50 with integers Σ d_i = 0 and d_i ≈ p_i · 1.4e-7:
    every value is a float and both sums are exactly 1, so the exact KL of the floats is that of
    two true distributions, ≈ ½ Σ p_i (1.4e-7)² ≈ 1e-14.
    """
    rng = np.random.default_rng(seed)
    cuts = np.sort(rng.choice(np.arange(1, 2**20), size=n - 1, replace=False))
    counts = np.diff(np.concatenate(([0], cuts, [2**20])))
    p = counts.astype(np.float64) / 2.0**20
    shifts = np.rint(p * 2.0**50 * relative_step * rng.standard_normal(n)).astype(np.int64)
    shifts[int(np.argmax(p))] -= int(shifts.sum())
    q = p + shifts.astype(np.float64) / 2.0**50
    assert math.fsum(p) == 1.0 and math.fsum(q) == 1.0
    assert np.all(q > 0) and np.max(np.abs(q - p)) < 1e-6
    return p, q


def fsum_kl(p: FloatArray, q: FloatArray) -> float:
    """KL(P‖Q) of the normalised P = p/Σp, Q = q/Σq in floats, for vectors too long for mpmath:
    (1/Σp) Σ p log(p/q) + log1p((Σq − Σp)/Σp), with both sums exact (math.fsum) and each term
    right to a few ulps (scipy's rel_entr). Good to about 1e-14 of a KL above 1e-5."""
    from scipy.special import rel_entr

    total = math.fsum(p.tolist())
    gap = math.fsum([*q.tolist(), *(-p).tolist()])
    with np.errstate(divide="ignore"):
        return math.fsum(rel_entr(p, q).tolist()) / total + math.log1p(gap / total)
