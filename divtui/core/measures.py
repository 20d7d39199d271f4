"""Information measures between two discrete distributions, in pure vectorised numpy.

Every function takes probability vectors (non-negative, summing to 1, same length) and returns
its value in the requested `Unit`. Conventions, applied explicitly:

* ``0 · log 0 = 0`` and ``0 · log q = 0``: outcomes that `p` rules out contribute nothing.
* ``H(p, q)`` and ``KL(p‖q)`` are ``+inf`` exactly when some ``p_i > 0`` has ``q_i = 0``.
* KL is summed from its own terms in Bregman form, never as ``H(p, q) − H(p)``, so that it keeps
  its digits when ``q ≈ p`` (where the difference of the two cross-entropies keeps none).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from divtui.core.units import Unit

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

_CLOSE = 0.1
"""Outcomes with |p − q| < _CLOSE · q take log(p/q) as log1p(r), r = (p − q)/q (exact)."""

_SERIES = 1e-3
"""Below this |r|, (1 + r)·log1p(r) − r is summed as its series to avoid cancellation."""

# f(r)/r² = Σ_{k≥2} (−1)^k r^(k−2) / (k(k−1)), truncated at r^7: exact to ~1e-21 for |r| < 1e-3.
_SERIES_COEFFS = tuple((-1.0) ** k / (k * (k - 1)) for k in range(9, 1, -1))


def _as_vector(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _quiet(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `function` with numpy's divide, invalid and overflow warnings off.

    log 0 = −inf and 0·(−inf) = NaN are expected inside and repaired explicitly; one errstate per
    public call keeps small inputs fast.
    """

    @functools.wraps(function)
    def quiet(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return function(*args, **kwargs)

    return quiet


def _log(x: FloatArray) -> FloatArray:
    """Natural log with log 0 = −inf (called under `_quiet`)."""
    return np.log(x)


_BLOCK = 1 << 16
"""Long vectors are decomposed in blocks of this many outcomes, so that p, q and both logs of a
block stay in cache: one pass over memory instead of five."""

_workspace = threading.local()


def _block_buffer(rows: int) -> FloatArray:
    """A per-thread rows×_BLOCK scratch buffer, reused from call to call (no fresh pages)."""
    buffers: dict[int, FloatArray] = _workspace.__dict__.setdefault("buffers", {})
    if rows not in buffers:
        buffers[rows] = np.empty((rows, _BLOCK))
    return buffers[rows]


def _decompose_blocked(p: FloatArray, q: FloatArray) -> tuple[float, float, float] | None:
    """H(p), H(p, q) and the fast KL sum of long vectors, block by block, in nats.

    Returns None when the careful path is needed: a 0·log 0 to repair, or a KL whose error
    bound does not prove 1e-12 relative accuracy. Block sums are added with math.fsum, so the
    error bound of the pairwise sum within a block holds for the whole.
    """
    buffer = _block_buffer(2)
    h_parts: list[float] = []
    ce_parts: list[float] = []
    kl_parts: list[float] = []
    for start in range(0, p.shape[0], _BLOCK):
        pc = p[start : start + _BLOCK]
        qc = q[start : start + _BLOCK]
        log_p = np.log(pc, out=buffer[0, : pc.shape[0]])
        log_q = np.log(qc, out=buffer[1, : pc.shape[0]])
        h_parts.append(float(np.dot(pc, log_p)))
        ce_parts.append(float(np.dot(pc, log_q)))
        log_p -= log_q
        log_p *= pc
        kl_parts.append(float(np.add.reduce(log_p)))
    h = 0.0 - math.fsum(h_parts)
    ce = 0.0 - math.fsum(ce_parts)
    kl = math.fsum(kl_parts)
    if math.isnan(h) or math.isnan(ce) or math.isnan(kl):
        return None
    if kl == math.inf:
        return h, ce, kl
    bound = _UNIT_ROUNDOFF * (10 + math.log2(p.shape[0])) * (h + ce)
    if bound <= _FAST_TOLERANCE * kl:
        return h, ce, kl
    return None


def _neg_sum_plogq(p: FloatArray, log_q: FloatArray) -> float:
    """−Σ p_i log q_i with 0 · log q_i = 0 (the sum behind H(p) and H(p, q))."""
    # 0.0 − x, not −x: a certain outcome (log 1 = 0) must give +0.0, never a printed "-0.000000".
    value = 0.0 - float(np.dot(p, log_q))
    if math.isnan(value):  # some p_i = 0 met log q_i = −inf: drop those 0·(−inf) terms
        keep = p > 0
        value = 0.0 - float(np.dot(p[keep], log_q[keep]))
    return value


def _bregman_correction(r: FloatArray) -> FloatArray:
    """f(r) = (1 + r)·log1p(r) − r ≥ 0, accurate for every r > −1 including r → 0."""
    out = (1.0 + r) * np.log1p(r) - r
    small = np.flatnonzero(np.abs(r) < _SERIES)
    if small.size:
        rs = r[small]
        acc = np.full_like(rs, _SERIES_COEFFS[0])
        for coeff in _SERIES_COEFFS[1:]:
            acc *= rs
            acc += coeff
        out[small] = rs * rs * acc
    return out


def _kl_nats(
    a: FloatArray,
    b: FloatArray,
    log_a: FloatArray,
    log_b: FloatArray,
    *,
    reuse_logs: bool = False,
    weight: FloatArray | float | None = None,
) -> FloatArray:
    """KL(a‖b) along the last axis, summed from its own terms a_i log(a_i / b_i).

    A fast pass sums a·(log a − log b) and bounds its rounding error from above; when that bound
    does not prove 1e-12 relative accuracy (q close to p, or a tiny KL), the divergence is summed
    again in Bregman form, Σ [a log(a/b) − a + b] + Σ (a − b): every bracket is ≥ 0, and those of
    outcomes near b are recomputed as b·f(r) with r = (a − b)/b, exact by Sterbenz, so no digit is
    lost as b → a. Works on vectors and on stacks of vectors (one KL per row). With `reuse_logs`
    the log buffers are overwritten instead of allocating more arrays of the input's size;
    `weight`, when the caller knows it, is H(a) + H(a, b) = Σ a(|log a| + |log b|).
    """
    if weight is None:
        weight = -(_rowdot(a, log_a) + _rowdot(a, log_b))
    terms = np.subtract(log_a, log_b, out=log_a if reuse_logs else None)
    terms *= a
    fast: FloatArray = np.add.reduce(terms, axis=-1)
    # |Σ terms − exact| ≤ u·(10 + log2 n)·Σ a(|log a| + |log b|), with logs good to 4 ulp.
    # Checked row by row in Python: at most four rows, and far cheaper than numpy reductions
    # on the tiny vectors that dominate interactive use.
    scale = _UNIT_ROUNDOFF * (10 + math.log2(max(a.shape[-1], 2)))
    sums = fast.tolist() if fast.ndim else [float(fast)]
    weights = np.ravel(weight).tolist()
    if len(weights) == 1 and len(sums) > 1:
        weights = weights * len(sums)
    if all(
        # False on NaN (a 0·log 0 to repair); +inf (KL = ∞) needs no repair either.
        (scale * w <= _FAST_TOLERANCE * f and f < math.inf) or (f == math.inf)
        for f, w in zip(sums, weights, strict=True)
    ):
        return fast
    return _kl_bregman(a, b, terms, spare=log_b if reuse_logs else None)


def _rowdot(x: FloatArray, y: FloatArray) -> FloatArray:
    """Σ x_i y_i along the last axis (a BLAS dot for vectors)."""
    if x.ndim == 1:
        return np.asarray(np.dot(x, y))
    rows: FloatArray = np.einsum("ij,ij->i", x, y)
    return rows


_UNIT_ROUNDOFF = 2.0**-53
_FAST_TOLERANCE = 1e-12


def _kl_bregman(
    a: FloatArray, b: FloatArray, terms: FloatArray, spare: FloatArray | None
) -> FloatArray:
    """The careful KL: Σ [terms − (a − b)] + Σ (a − b), repairing close and absent outcomes."""
    diff = np.subtract(a, b, out=spare)
    bracket = terms
    bracket -= diff
    abs_r = np.abs(diff)
    abs_r /= b
    close = np.flatnonzero(abs_r < _CLOSE)
    flat_bracket = bracket.reshape(-1)
    if close.size:
        flat_b = b.reshape(-1)[close]
        flat_bracket[close] = flat_b * _bregman_correction(diff.reshape(-1)[close] / flat_b)
    # a_i = 0 made 0·(−inf) = NaN; its bracket is b_i (0·log 0 = 0, then − 0 + b_i).
    absent = np.flatnonzero(a.reshape(-1) == 0)
    if absent.size:
        flat_bracket[absent] = b.reshape(-1)[absent]
    total: FloatArray = np.sum(bracket, axis=-1)
    total += np.sum(diff, axis=-1)
    return total


def _kl_term_vector(
    p: FloatArray, q: FloatArray, log_p: FloatArray, log_q: FloatArray
) -> FloatArray:
    """Signed per-outcome p_i log(p_i/q_i): 0 where p_i = 0, +inf where p_i > 0 = q_i."""
    terms = p * (log_p - log_q)
    terms[p == 0] = 0.0
    diff = p - q
    close = np.flatnonzero(np.abs(diff) < _CLOSE * q)
    if close.size:
        terms[close] = p[close] * np.log1p(diff[close] / q[close])
    return terms


# --- single measures -------------------------------------------------------------------------


@_quiet
def entropy(p: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Shannon entropy H(p) = −Σ p_i log p_i."""
    pv = _as_vector(p)
    return unit.from_nats(_neg_sum_plogq(pv, _log(pv)))


@_quiet
def cross_entropy(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Cross-entropy H(p, q) = −Σ p_i log q_i; +inf when some p_i > 0 has q_i = 0."""
    pv, qv = _as_vector(p), _as_vector(q)
    return unit.from_nats(_neg_sum_plogq(pv, _log(qv)))


@_quiet
def kl_divergence(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Kullback–Leibler divergence KL(p‖q) = Σ p_i log(p_i / q_i) ≥ 0 (Gibbs' inequality)."""
    pv, qv = _as_vector(p), _as_vector(q)
    return unit.from_nats(_clamp_kl(float(_kl_nats(pv, qv, _log(pv), _log(qv)))))


@_quiet
def js_divergence(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Jensen–Shannon divergence ½ KL(p‖m) + ½ KL(q‖m), m = ½(p + q); at most 1 bit."""
    pv, qv = _as_vector(p), _as_vector(q)
    return unit.from_nats(_js_nats(pv, qv, _log(pv), _log(qv)))


def js_distance(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Jensen–Shannon distance: the square root of the JS divergence in `unit` (a metric)."""
    return math.sqrt(js_divergence(p, q, unit))


def total_variation(p: ArrayLike, q: ArrayLike) -> float:
    """Total variation distance ½ Σ |p_i − q_i|, in [0, 1]; unitless."""
    return _clamp_unit_interval(0.5 * float(np.sum(np.abs(_as_vector(p) - _as_vector(q)))))


def hellinger(p: ArrayLike, q: ArrayLike) -> float:
    """Hellinger distance ‖√p − √q‖₂ / √2, in [0, 1]; unitless.

    Computed from the differences of square roots, not as √(1 − Σ √(p_i q_i)), which cancels
    catastrophically when q ≈ p.
    """
    d = np.sqrt(_as_vector(p)) - np.sqrt(_as_vector(q))
    return _clamp_unit_interval(math.sqrt(0.5 * float(np.dot(d, d))))


def perplexity(p: ArrayLike, q: ArrayLike) -> float:
    """Perplexity exp(H(p, q)) with H in nats: the same number whatever the unit."""
    return _exp(cross_entropy(p, q, Unit.NATS))


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _js_nats(p: FloatArray, q: FloatArray, log_p: FloatArray, log_q: FloatArray) -> float:
    m = 0.5 * (p + q)
    log_m = _log(m)
    both = _kl_nats(
        np.stack((p, q)), np.stack((m, m)), np.stack((log_p, log_q)), np.stack((log_m, log_m))
    )
    return _clamp_js(_exact_m_js(0.5 * float(both[0] + both[1]), p, q))


def _exact_m_js(js: float, p: FloatArray, q: FloatArray) -> float:
    """JS at the exact m = ½(p + q), from the JS computed at the rounded m̃.

    ∂JS/∂m_i = −(p_i + q_i)/(2 m_i) = −1, so JS(m) = JS(m̃) − Σ (m_i − m̃_i) to first order, and
    m_i − m̃_i = e_i / 2 with e_i the rounding error of p_i + q_i, recovered exactly by TwoSum.
    |Σ e_i / 2| ≤ u Σ m_i ≈ u: every digit of a JS near 1e-15, but under 1e-13 of any JS at or
    above _JS_EXACT_M, so only smaller ones pay for the correction.
    """
    if js >= _JS_EXACT_M:
        return js
    s = p + q
    q_part = s - p
    p_part = s - q_part
    rounding = (p - p_part) + (q - q_part)
    return js - 0.5 * float(np.sum(rounding))


_JS_EXACT_M = 1e-3


def _clamp_js(value: float) -> float:
    """JS lies in [0, ln 2]; rounding may step a hair outside."""
    return min(max(value, 0.0), _LN2)


_LN2 = math.log(2.0)


def _clamp_kl(value: float) -> float:
    """KL ≥ 0 (Gibbs); vectors that sum to 1 only up to rounding may give a hair below 0."""
    return max(value, 0.0)


def _clamp_unit_interval(value: float) -> float:
    """TV and Hellinger lie in [0, 1]; disjoint supports may round a hair above 1."""
    return min(value, 1.0)


# --- the article's identity ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decomposition:
    """H(p, q) = H(p) + KL(p‖q): the three numbers of the identity, in one unit."""

    entropy: float
    cross_entropy: float
    kl: float


@_quiet
def decompose(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> Decomposition:
    """H(p), H(p, q) and KL(p‖q) together, sharing one log of p and one of q."""
    pv, qv = _as_vector(p), _as_vector(q)
    fast = _decompose_blocked(pv, qv) if pv.shape[0] > _BLOCK else None
    if fast is not None:
        h, ce, kl = fast
    else:
        log_p, log_q = _log(pv), _log(qv)
        h = _neg_sum_plogq(pv, log_p)
        ce = _neg_sum_plogq(pv, log_q)
        kl = float(_kl_nats(pv, qv, log_p, log_q, reuse_logs=True, weight=h + ce))
    kl = _clamp_kl(kl)
    return Decomposition(
        entropy=unit.from_nats(h), cross_entropy=unit.from_nats(ce), kl=unit.from_nats(kl)
    )


# --- per-outcome terms -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutcomeTerms:
    """Signed per-outcome contributions, in one unit; each vector sums to its measure."""

    entropy: FloatArray
    """−p_i log p_i (≥ 0): the outcome's share of H(p)."""
    cross_entropy: FloatArray
    """−p_i log q_i (≥ 0, +inf where p_i > 0 = q_i): its share of H(p, q)."""
    kl: FloatArray
    """p_i log(p_i / q_i): its share of KL(p‖q). Can be negative; the sum cannot."""


@_quiet
def outcome_terms(
    p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS, *, log_q: ArrayLike | None = None
) -> OutcomeTerms:
    """The per-outcome terms of H(p), H(p, q) and KL(p‖q), in `unit`.

    `log_q`, when given (a softmax's log_softmax), is used instead of log(q): it stays finite
    where q underflows to 0, as PyTorch's cross-entropy does.
    """
    pv, qv = _as_vector(p), _as_vector(q)
    log_p = _log(pv)
    log_q = _log(qv) if log_q is None else np.array(log_q, dtype=np.float64)
    scale = unit.per_nat
    h = -pv * log_p
    ce = -pv * log_q
    absent = pv == 0
    h[absent] = 0.0
    ce[absent] = 0.0
    h += 0.0  # −(1 · log 1) is −0.0; + 0.0 makes it +0.0 and leaves every other value alone
    ce += 0.0
    kl = _kl_term_vector(pv, qv, log_p, log_q)
    for vector in (h, ce, kl):
        vector *= scale
        vector.flags.writeable = False
    return OutcomeTerms(entropy=h, cross_entropy=ce, kl=kl)


# --- everything at once ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairMeasures:
    """Every measure between a true distribution p and a model q, in one unit."""

    unit: Unit
    entropy_p: float
    """H(p)."""
    entropy_q: float
    """H(q)."""
    cross_entropy: float
    """H(p, q) = H(p) + KL(p‖q)."""
    kl: float
    """KL(p‖q)."""
    reverse_cross_entropy: float
    """H(q, p) = H(q) + KL(q‖p)."""
    reverse_kl: float
    """KL(q‖p)."""
    js_divergence: float
    """Jensen–Shannon divergence, in the unit (≤ ln 2 nats = 1 bit)."""
    js_distance: float
    """√(JS divergence in the unit)."""
    total_variation: float
    """½ Σ |p − q|, unitless."""
    hellinger: float
    """‖√p − √q‖₂ / √2, unitless."""
    perplexity: float
    """exp(H(p, q) in nats), the same in every unit."""
    support_mismatch: tuple[int, ...]
    """Indices i with p_i > 0 = q_i: the cause of an infinite H(p, q) and KL(p‖q)."""
    reverse_support_mismatch: tuple[int, ...]
    """Indices i with q_i > 0 = p_i: the cause of an infinite H(q, p) and KL(q‖p)."""

    def in_unit(self, unit: Unit) -> PairMeasures:
        """The same measures converted to `unit` (the unitless ones are unchanged)."""
        if unit is self.unit:
            return self
        factor = unit.per_nat / self.unit.per_nat
        js = self.js_divergence * factor
        return replace(
            self,
            unit=unit,
            entropy_p=self.entropy_p * factor,
            entropy_q=self.entropy_q * factor,
            cross_entropy=self.cross_entropy * factor,
            kl=self.kl * factor,
            reverse_cross_entropy=self.reverse_cross_entropy * factor,
            reverse_kl=self.reverse_kl * factor,
            js_divergence=js,
            js_distance=math.sqrt(js),
        )


def _mismatch(a: FloatArray, b: FloatArray) -> tuple[int, ...]:
    return tuple(np.flatnonzero((a > 0) & (b == 0)).tolist())


@_quiet
def compare(
    p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS, *, log_q: ArrayLike | None = None
) -> PairMeasures:
    """Every measure between p and q in one pass.

    The four KL divergences behind KL(p‖q), KL(q‖p) and JS (p‖m, q‖m) run as one stacked
    computation over a 4×n array, so small vectors pay numpy's call overhead once, not four times.
    `log_q`, when given (a model's log_softmax), replaces log(q): a logit gap so wide that
    softmax underflows to 0 then gives a large but finite cross-entropy, as in PyTorch.
    """
    pv, qv = _as_vector(p), _as_vector(q)
    if pv.ndim != 1 or pv.shape != qv.shape:
        raise ValueError(f"p and q must be vectors of one length, got {pv.shape} and {qv.shape}")
    blocked = _compare_blocked(pv, qv, log_q) if pv.shape[0] > _BLOCK else None
    if blocked is not None:
        sums, kls, abs_diff_sum, root_diff_sq = blocked
    else:
        sums, kls, abs_diff_sum, root_diff_sq = _compare_whole(pv, qv, log_q)
    h_p, ce, _ = sums[0]
    rce, h_q, _ = sums[1]
    kl, rkl = _clamp_kl(kls[0]), _clamp_kl(kls[1])
    js = _clamp_js(_exact_m_js(0.5 * (kls[2] + kls[3]), pv, qv))
    scale = unit.per_nat
    js_u = js * scale
    return PairMeasures(
        unit=unit,
        entropy_p=h_p * scale,
        entropy_q=h_q * scale,
        cross_entropy=ce * scale,
        kl=kl * scale,
        reverse_cross_entropy=rce * scale,
        reverse_kl=rkl * scale,
        js_divergence=js_u,
        js_distance=math.sqrt(js_u),
        total_variation=_clamp_unit_interval(0.5 * abs_diff_sum),
        hellinger=_clamp_unit_interval(math.sqrt(0.5 * root_diff_sq)),
        perplexity=_exp(ce),
        support_mismatch=_mismatch(pv, qv) if math.isinf(ce) else (),
        reverse_support_mismatch=_mismatch(qv, pv) if math.isinf(rce) else (),
    )


_CompareSums = tuple[list[list[float]], list[float], float, float]
"""The six −Σ a·log b (2×3), the four KL sums, Σ |p − q| and Σ (√p − √q)²."""


def _compare_whole(pv: FloatArray, qv: FloatArray, log_q: ArrayLike | None) -> _CompareSums:
    """compare()'s sums over whole vectors, repairing 0·log 0 and q ≈ p (the careful path)."""
    rows = np.empty((3, pv.shape[0]))
    rows[0] = pv
    rows[1] = qv
    np.add(pv, qv, out=rows[2])
    rows[2] *= 0.5
    logs = _log(rows)
    if log_q is not None:
        logs[1] = _as_vector(log_q)
    # One product gives all six Σ a·log b for a in (p, q), b in (p, q, m).
    sums = _cross_sums(rows, logs)
    h_p, ce, ce_pm = sums[0]
    rce, h_q, ce_qm = sums[1]
    weights = np.array([h_p + ce, h_q + rce, h_p + ce_pm, h_q + ce_qm])
    if pv.shape[0] <= _BLOCK:
        kls = _kl_nats(
            rows.take(_KL_FROM, axis=0),
            rows.take(_KL_TO, axis=0),
            logs.take(_KL_FROM, axis=0),
            logs.take(_KL_TO, axis=0),
            weight=weights,
        ).tolist()
    else:  # long vectors: four passes over views, not four stacked copies of (p, q, m, logs)
        kls = [
            float(_kl_nats(rows[i], rows[j], logs[i], logs[j], weight=w))
            for i, j, w in zip(_KL_FROM.tolist(), _KL_TO.tolist(), weights.tolist(), strict=True)
        ]
    roots = np.sqrt(rows[:2])
    root_diff = roots[0] - roots[1]
    return sums, kls, float(np.add.reduce(np.abs(pv - qv))), float(np.dot(root_diff, root_diff))


def _compare_blocked(p: FloatArray, q: FloatArray, log_q: ArrayLike | None) -> _CompareSums | None:
    """compare()'s sums of long vectors, block by block in cache (as `_decompose_blocked`).

    Returns None when the careful whole-vector path is needed: a 0·log 0 to repair (an outcome
    with p or q = 0), or a KL whose error bound does not prove 1e-12 relative accuracy. KL sums
    are pairwise (np.add.reduce) within a block and math.fsum across blocks, so the bound of
    `_kl_nats` holds for the whole.
    """
    given = None if log_q is None else _as_vector(log_q)
    buffer = _block_buffer(6)
    parts: list[list[float]] = [[] for _ in range(12)]
    for start in range(0, p.shape[0], _BLOCK):
        pc = p[start : start + _BLOCK]
        qc = q[start : start + _BLOCK]
        size = pc.shape[0]
        lp, lq, m, lm, t1, t2 = (buffer[i, :size] for i in range(6))
        np.log(pc, out=lp)
        if given is None:
            np.log(qc, out=lq)
        else:
            lq[...] = given[start : start + _BLOCK]
        np.add(pc, qc, out=m)
        m *= 0.5
        np.log(m, out=lm)
        for index, (a, log_b) in enumerate(
            ((pc, lp), (pc, lq), (pc, lm), (qc, lp), (qc, lq), (qc, lm))
        ):
            parts[index].append(float(np.dot(a, log_b)))
        for index, (a, log_a, log_b) in enumerate(
            ((pc, lp, lq), (qc, lq, lp), (pc, lp, lm), (qc, lq, lm)), start=6
        ):
            np.subtract(log_a, log_b, out=t1)
            t1 *= a
            parts[index].append(float(np.add.reduce(t1)))
        np.subtract(pc, qc, out=t1)
        np.abs(t1, out=t1)
        parts[10].append(float(np.add.reduce(t1)))
        np.sqrt(pc, out=t1)
        np.sqrt(qc, out=t2)
        t1 -= t2
        parts[11].append(float(np.dot(t1, t1)))
    totals = [math.fsum(values) for values in parts]
    if any(math.isnan(total) for total in totals):
        return None
    h_p, ce, ce_pm, rce, h_q, ce_qm = (0.0 - total for total in totals[:6])
    kls = totals[6:10]
    scale = _UNIT_ROUNDOFF * (10 + math.log2(p.shape[0]))
    for kl, weight in zip(kls, (h_p + ce, h_q + rce, h_p + ce_pm, h_q + ce_qm), strict=True):
        if kl != math.inf and not scale * weight <= _FAST_TOLERANCE * kl:
            return None
    return [[h_p, ce, ce_pm], [rce, h_q, ce_qm]], kls, totals[10], totals[11]


def _cross_sums(rows: FloatArray, logs: FloatArray) -> list[list[float]]:
    """−Σ a·log b for a in rows[:2] and b in logs (0·log 0 = 0), as a 2×3 list of floats."""
    product = rows[:2] @ logs.T
    sums: list[list[float]] = (0.0 - product).tolist()
    if np.isnan(product).any():  # a 0·(−inf) somewhere: recompute those entries term by term
        for i in range(2):
            for j in range(3):
                if math.isnan(sums[i][j]):
                    sums[i][j] = _neg_sum_plogq(rows[i], logs[j])
    return sums


# Rows of (p, q, m) compared by compare(): KL(p‖q), KL(q‖p), KL(p‖m), KL(q‖m).
_KL_FROM = np.array([0, 1, 0, 1])
_KL_TO = np.array([1, 0, 2, 2])
