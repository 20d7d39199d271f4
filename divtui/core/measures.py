"""Information measures between two discrete distributions, in pure vectorised numpy.

Every function takes probability vectors (non-negative, same length) and returns its value in
the requested `Unit`. Conventions, applied explicitly:

* ``0 · log 0 = 0`` and ``0 · log q = 0``: outcomes that `p` rules out contribute nothing.
* ``H(p, q)`` and ``KL(p‖q)`` are ``+inf`` exactly when some ``p_i > 0`` has ``q_i = 0``.
* H(p), H(p, q), TV, Hellinger and perplexity are the sums over the vectors as given. KL and JS
  are the divergences of the distributions the vectors stand for, p / Σp and q / Σq: stored
  vectors sum to 1 only within rounding, and that residue (≈ 1e-16) must not become the KL of a
  near-identical pair (≈ 1e-22).
* KL is one sum of non-negative terms, Σ p_i φ(d_i) with d_i = q_i / p_i − 1 (of the normalised
  distributions) and φ(d) = d − log1p(d) ≥ 0: it is ≥ 0 by construction, and it keeps its digits
  when q ≈ p, where the difference H(p, q) − H(p) keeps none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from divtui.core.kl_kernel import (
    BLAS_ABOVE,
    Totals,
    blocks,
    dot,
    kl_block,
    kl_nats,
    kl_sums,
    neg_sum_plogq,
    normalised,
    sum_totals,
    totals_of,
)
from divtui.core.units import Unit

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

_quiet = np.errstate(divide="ignore", invalid="ignore", over="ignore")
"""Decorator: run a measure with numpy's divide, invalid and overflow warnings off.

log 0 = −inf, 0/0 = NaN and 0·(−inf) = NaN are expected inside and repaired explicitly. As a
decorator errstate sets numpy's error state once per call with a token of its own (safe across
threads), at about half the cost of entering a `with np.errstate(...)` block.
"""


def _as_vector(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


# --- single measures -------------------------------------------------------------------------


@_quiet
def entropy(p: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Shannon entropy H(p) = −Σ p_i log p_i."""
    pv = _as_vector(p)
    return unit.from_nats(neg_sum_plogq(pv, np.log(pv)))


@_quiet
def cross_entropy(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Cross-entropy H(p, q) = −Σ p_i log q_i; +inf when some p_i > 0 has q_i = 0."""
    pv, qv = _as_vector(p), _as_vector(q)
    return unit.from_nats(neg_sum_plogq(pv, np.log(qv)))


@_quiet
def kl_divergence(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Kullback–Leibler divergence KL(p‖q) = Σ p_i log(p_i / q_i) ≥ 0 of the normalised p, q."""
    return unit.from_nats(kl_nats(_as_vector(p), _as_vector(q)))


@_quiet
def js_divergence(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Jensen–Shannon divergence ½ KL(p‖m) + ½ KL(q‖m), m = ½(p + q); at most 1 bit."""
    return unit.from_nats(_compare_nats(_as_vector(p), _as_vector(q), None)[6])


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
    return _clamp_unit_interval(math.sqrt(0.5 * float(dot(d, d))))


def perplexity(p: ArrayLike, q: ArrayLike) -> float:
    """Perplexity exp(H(p, q)) with H in nats: the same number whatever the unit."""
    return _exp(cross_entropy(p, q, Unit.NATS))


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


_LN2 = math.log(2.0)


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
    """H(p), H(p, q) and KL(p‖q) together, block by block, from one log of p and one of q/p.

    H(p, q) = −Σ p log q is taken through the identity −Σ p log q = H(p) + Σ p φ(d) +
    Σp·log1p(c) (exact for the vectors as given, `kl_sums`): three terms ≥ 0 or tiny, so
    it keeps the digits −Σ p log q would have, without a log of q.
    """
    pv, qv = _as_vector(p), _as_vector(q)
    totals = sum_totals(pv, qv)
    h_parts: list[float] = []
    kl_parts: list[float] = []
    for block in blocks(pv.shape[0]):
        pc, qc = pv[block], qv[block]
        log_p = np.log(pc)
        h_parts.append(neg_sum_plogq(pc, log_p))
        kl_part, totals = kl_block(pc, qc, totals, log_p)
        kl_parts.append(kl_part)
    assert totals is not None  # every vector has at least one block
    h, kl_sum = math.fsum(h_parts), math.fsum(kl_parts)
    ce = h + kl_sum + totals.p * math.log1p(totals.forward)
    scale = unit.per_nat
    return Decomposition(
        entropy=h * scale, cross_entropy=ce * scale, kl=normalised(kl_sum, totals.p) * scale
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


_CLOSE = 0.1
"""Outcomes with |p − q| < _CLOSE · q take log(p/q) as log1p((p − q)/q), exact by Sterbenz."""


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


@_quiet
def outcome_terms(
    p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS, *, log_q: ArrayLike | None = None
) -> OutcomeTerms:
    """The per-outcome terms of H(p), H(p, q) and KL(p‖q), in `unit`.

    `log_q`, when given (a softmax's log_softmax), is used instead of log(q): it stays finite
    where q underflows to 0, as PyTorch's cross-entropy does.
    """
    pv, qv = _as_vector(p), _as_vector(q)
    log_p = np.log(pv)
    log_qv = np.log(qv) if log_q is None else np.array(log_q, dtype=np.float64)
    scale = unit.per_nat
    h = -pv * log_p
    ce = -pv * log_qv
    absent = pv == 0
    h[absent] = 0.0
    ce[absent] = 0.0
    h += 0.0  # −(1 · log 1) is −0.0; + 0.0 makes it +0.0 and leaves every other value alone
    ce += 0.0
    kl = _kl_term_vector(pv, qv, log_p, log_qv)
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


_COMPARE_ROWS = 4
"""compare() stacks four kernel rows: KL(p‖q), KL(q‖p), then KL(p‖m) and KL(q‖m)."""

_MIDPOINT_ROWS = np.array([False, True])[:, None, None]
"""The stack's first axis: the divergences from q (or p), then those from the midpoint m."""


def _compare_block(
    p: FloatArray, q: FloatArray, totals: Totals | None, given_log_q: FloatArray | None
) -> tuple[list[float], Totals]:
    """One block's −Σ p log p, −Σ p log q, −Σ q log p, −Σ q log q; the kernel's sums for
    KL(p‖q), KL(q‖p), KL(p‖m), KL(q‖m); Σ |p − q| and Σ (√p − √q)²; and the totals used.

    p and q are stacked once, and the four divergences are one kernel call over a (2, 2, n)
    stack of d (rows (p, q) against (q, p), then the same halved for the midpoint), so a
    short vector pays numpy's per-call cost once per step, not once per measure.
    """
    n = p.shape[0]
    rows = np.array((p, q))
    logs = np.log(rows)
    if given_log_q is not None:
        logs[1] = given_log_q
    # [[Σ p log p, Σ p log q], [Σ q log p, Σ q log q]]
    product = np.dot(rows, logs.T) if n < BLAS_ABOVE else np.einsum("ik,jk->ij", rows, logs)
    cross = [0.0 - value for value in product.reshape(-1).tolist()]
    for k, value in enumerate(cross):
        if math.isnan(value):  # a 0·(−inf): recompute that sum term by term
            cross[k] = neg_sum_plogq(rows[k // 2], logs[k % 2])
    diffs = rows[::-1] - rows  # (q − p, p − q): exact where q ≈ p
    if totals is None:
        s, t = np.add.reduce(rows, axis=1).tolist()
        totals = totals_of(s, t, float(np.add.reduce(diffs[0])))
    normalisers = np.array(
        ((totals.forward, 1.0 + totals.forward), (totals.backward, 1.0 + totals.backward))
    )
    c = normalisers[:, :1]
    scale = np.divide(normalisers[:, 1:], rows)  # (1 + c)/a: d and u then cost a product each
    d = np.empty((2, 2, n))
    u = np.empty((2, 2, n))
    np.multiply(diffs, scale, out=d[0])
    d[0] += c
    np.multiply(d[0], 0.5, out=d[1])
    np.multiply(rows[::-1], scale, out=u[0])
    np.add(d[1], 1.0, out=u[1])  # d/2 ≥ −½: 1 + d/2 loses nothing
    sums = kl_sums(
        rows,
        rows[::-1],
        d,
        u,
        c,
        half=_MIDPOINT_ROWS,
        log_a=None if given_log_q is None else logs,
        log_b=None if given_log_q is None else logs[::-1],
    )
    roots = np.sqrt(rows)
    root_diff = roots[0] - roots[1]
    return [
        *cross,
        *sums,
        float(np.add.reduce(np.abs(diffs[0]))),
        dot(root_diff, root_diff),
    ], totals


def _compare_nats(p: FloatArray, q: FloatArray, log_q: ArrayLike | None) -> list[float]:
    """compare()'s sums in nats: H(p), H(p, q), H(q, p), H(q), KL(p‖q), KL(q‖p), JS,
    Σ|p − q| and Σ(√p − √q)²."""
    totals = sum_totals(p, q, _COMPARE_ROWS)
    given = None if log_q is None else _as_vector(log_q)
    parts: list[list[float]] = []
    for b in blocks(p.shape[0], _COMPARE_ROWS):
        part, totals = _compare_block(p[b], q[b], totals, None if given is None else given[b])
        parts.append(part)
    assert totals is not None  # every vector has at least one block
    s = parts[0] if len(parts) == 1 else [math.fsum(column) for column in zip(*parts, strict=True)]
    js = 0.5 * (normalised(s[6], totals.p) + normalised(s[7], totals.q))
    return [
        s[0],
        s[1],
        s[2],
        s[3],
        normalised(s[4], totals.p),
        normalised(s[5], totals.q),
        min(js, _LN2),  # ln 2 is the bound; rounding may step a hair over it
        s[8],
        s[9],
    ]


@_quiet
def compare(
    p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS, *, log_q: ArrayLike | None = None
) -> PairMeasures:
    """Every measure between p and q in one pass (block by block for long vectors).

    `log_q`, when given (a model's log_softmax), replaces log(q): a logit gap so wide that
    softmax underflows to 0 then gives a large but finite cross-entropy and KL, as in PyTorch.
    """
    pv, qv = _as_vector(p), _as_vector(q)
    if pv.ndim != 1 or pv.shape != qv.shape:
        raise ValueError(f"p and q must be vectors of one length, got {pv.shape} and {qv.shape}")
    h_p, ce, reverse_ce, h_q, kl, reverse_kl, js, abs_diff, root_diff_sq = _compare_nats(
        pv, qv, log_q
    )
    scale = unit.per_nat
    js *= scale
    return PairMeasures(
        unit=unit,
        entropy_p=h_p * scale,
        entropy_q=h_q * scale,
        cross_entropy=ce * scale,
        kl=kl * scale,
        reverse_cross_entropy=reverse_ce * scale,
        reverse_kl=reverse_kl * scale,
        js_divergence=js,
        js_distance=math.sqrt(js),
        total_variation=_clamp_unit_interval(0.5 * abs_diff),
        hellinger=_clamp_unit_interval(math.sqrt(0.5 * root_diff_sq)),
        perplexity=_exp(ce),
        support_mismatch=_mismatch(pv, qv) if math.isinf(ce) else (),
        reverse_support_mismatch=_mismatch(qv, pv) if math.isinf(reverse_ce) else (),
    )
