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

import functools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from divtui.core.units import Unit

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _quiet(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `function` with numpy's divide, invalid and overflow warnings off.

    log 0 = −inf, 0/0 = NaN and 0·(−inf) = NaN are expected inside and repaired explicitly; one
    errstate per public call keeps small inputs fast.
    """

    @functools.wraps(function)
    def quiet(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return function(*args, **kwargs)

    return quiet


def _as_vector(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


# --- the KL kernel ---------------------------------------------------------------------------

_SERIES_BELOW = 2.0**-7
"""Below this |d|, φ(d) is summed as its series: d − log1p(d) would cancel (2 ulp / |d|)."""

# φ(d) = d² · Σ_{j=0..7} w_j d^j with w_j = (−1)^j / (j + 2): the first term left out,
# d^10 / 10, is under 1e-17 of φ(d) for |d| < 2^-7.
_SERIES = np.array([(-1.0) ** j / (j + 2) for j in range(8)])

_BLOCK = 1 << 14
"""Long vectors are summed in blocks of this many outcomes, so that a block's p, q, logs and
temporaries stay in cache: one pass over memory instead of one per operation."""


_BLAS_ABOVE = 4096
"""From this length on, sums of products avoid BLAS: it may wake its threads for them, which
costs milliseconds per block on a busy machine."""


def _phi(d: FloatArray, u: FloatArray) -> FloatArray:
    """φ(d) = d − log1p(d) ≥ 0 elementwise, given d and u = 1 + d, each computed directly.

    Away from 0, log1p(d) is d·log(u)/(u − 1): the quotient follows u's own rounding, so one
    log of u is as good as a log1p of d (and about half its cost), and u keeps every digit of
    a tiny q/p that 1 + d would round away. Near 0, where d − log1p(d) cancels, the series.
    """
    small = np.abs(d) < _SERIES_BELOW
    count = np.count_nonzero(small)
    if count == d.size:  # q ≈ p throughout (the near-identical case): no log at all
        return _phi_series(d)
    log1p = np.log(u)
    log1p *= d / (u - 1.0)
    out = np.subtract(d, log1p, out=log1p)
    if count:
        where = small.reshape(-1).nonzero()[0]
        out.reshape(-1)[where] = _phi_series(d.reshape(-1)[where])
    return out


def _phi_series(d: FloatArray) -> FloatArray:
    """φ(d) = d² · Σ_j w_j d^j for |d| < _SERIES_BELOW, by Horner.

    On a block, in a few in-place numpy passes that stay in cache; the handful of outcomes a
    short vector sends here, in Python floats, since there numpy's per-call cost is the price.
    """
    weights = _SERIES.tolist()
    if d.size <= _FEW:
        values = []
        for x in d.reshape(-1).tolist():
            acc = weights[-1]
            for weight in weights[-2::-1]:
                acc = acc * x + weight
            values.append(acc * x * x)
        return np.array(values).reshape(d.shape)
    out: FloatArray = d * weights[-1]
    for weight in weights[-2::-1]:
        out += weight
        out *= d
    out *= d
    return out


_FEW = 8
"""Up to this many outcomes, `_phi_series` runs in Python floats rather than numpy."""


@dataclass(frozen=True, slots=True)
class _Totals:
    """Σp, Σq, and the normalisers c with 1 + c = Σp/Σq (KL(p‖q)) and Σq/Σp (KL(q‖p)).

    c = Σ(p − q)/Σq: when q ≈ p that is a sum of exact differences, so c carries every digit
    it needs (0 for an empty column, whose divergence is 0).
    """

    p: float
    q: float
    forward: float
    backward: float

    @classmethod
    def of(cls, p: float, q: float, difference: float) -> _Totals:
        """From Σp, Σq and Σ(q − p)."""
        return cls(p, q, -difference / q if q > 0 else 0.0, difference / p if p > 0 else 0.0)


def _blocks(n: int) -> Iterator[slice]:
    """One slice for a short vector, cache-sized ones for a long one."""
    if n <= _BLOCK:
        yield _WHOLE
        return
    for start in range(0, n, _BLOCK):
        yield slice(start, start + _BLOCK)


_WHOLE = slice(None)


def _totals(p: FloatArray, q: FloatArray) -> _Totals | None:
    """The totals of vectors longer than a block, summed before the blocks are compared (in
    strides of a few blocks: three sums need no cache); None for a single block, which sums
    its own."""
    n = p.shape[0]
    if n <= _BLOCK:
        return None
    stride = 4 * _BLOCK
    parts = [
        (float(np.add.reduce(p[b])), float(np.add.reduce(q[b] - p[b])))
        for b in (slice(start, start + stride) for start in range(0, n, stride))
    ]
    mass, difference = (math.fsum(column) for column in zip(*parts, strict=True))
    return _Totals.of(mass, mass + difference, difference)  # Σq is needed only to ~1 ulp


def _normalised(total: float, mass: float) -> float:
    """Σ a φ(d) over Σa: the divergence of the normalised distribution (0 for an empty one)."""
    return total / mass if mass > 0 else 0.0


def _kl_kernel(
    a: FloatArray,
    b: FloatArray,
    d: FloatArray,
    u: FloatArray,
    c: FloatArray | float,
    *,
    half: FloatArray | None = None,
    log_a: FloatArray | None = None,
    log_b: FloatArray | None = None,
) -> list[float]:
    """Σ_i a_i φ(d_i) along the last axis, one sum per row of a 2-D stack: Σa times
    KL(A‖B), or times KL(A‖M) with M = ½(A + B) on the rows `half` marks.

    A = a/Σa and B = b/Σb are the normalised distributions, d = B/A − 1 and u = B/A; on a
    midpoint row d = (B/A − 1)/2 = M/A − 1, so JS needs no rounded midpoint. Every term is
    ≥ 0, so is the sum. An outcome with a_i = 0 adds nothing to Σ a log(a/b), but its term
    here is the limit m_i of a·φ as a → 0, m = b(1 + c) (½(a + b(1 + c)) on a midpoint row);
    b_i = 0 < a_i gives +inf. Terms that are not finite (a_i = 0, b_i/a_i overflowing, or
    b_i = 0 where `log_b`, a model's log_softmax, is finite) are taken again from logs
    (`_far_terms`). `c`, `half`, `log_a` and `log_b` broadcast against a.
    """
    phi = _phi(d, u)
    if a.ndim == 1:
        sums = [_dot(a, phi)]
        terms = phi
    else:
        terms = np.multiply(phi, a, out=phi)
        sums = np.add.reduce(terms, axis=-1).tolist()
    if all(math.isfinite(total) for total in sums) and (log_b is None or math.inf not in sums):
        return sums
    if a.ndim == 1:
        terms *= a
    far = np.flatnonzero(~np.isfinite(terms))

    def at_far(values: FloatArray | float | None) -> FloatArray | None:
        if values is None:
            return None
        return np.broadcast_to(values, terms.shape).reshape(-1)[far]

    terms.reshape(-1)[far] = _far_terms(
        a.reshape(-1)[far],
        b.reshape(-1)[far],
        at_far(c),
        at_far(half),
        at_far(log_a),
        at_far(log_b),
    )
    repaired: list[float] = np.add.reduce(terms, axis=-1).reshape(-1).tolist()
    return repaired


def _far_terms(
    a: FloatArray,
    b: FloatArray,
    c: FloatArray | None,
    half: FloatArray | None,
    log_a: FloatArray | None,
    log_b: FloatArray | None,
) -> FloatArray:
    """a φ(d) as m − a − a·log(m/a), m = b(1 + c) or ½(a + b(1 + c)), from logs."""
    assert c is not None
    b_scaled = b * (1.0 + c)
    m = b_scaled if half is None else np.where(half, 0.5 * (a + b_scaled), b_scaled)
    log_m = (np.log(b) if log_b is None else log_b) + np.log1p(c)
    if half is not None:
        log_m = np.where(half, np.log(m), log_m)
    terms: FloatArray = (m - a) - a * (log_m - (np.log(a) if log_a is None else log_a))
    absent = a == 0  # the limit of a·φ as a → 0 is m: Σ m = Σ a is what makes Σ a φ the KL
    terms[absent] = m[absent]
    return terms


def _dot(x: FloatArray, y: FloatArray) -> float:
    """Σ x_i y_i."""
    return float(np.dot(x, y) if x.shape[0] < _BLAS_ABOVE else np.einsum("i,i", x, y))


def _neg_sum_plogq(p: FloatArray, log_q: FloatArray) -> float:
    """−Σ p_i log q_i with 0 · log q_i = 0 (the sum behind H(p) and H(p, q))."""
    # 0.0 − x, not −x: a certain outcome (log 1 = 0) must give +0.0, never a printed "-0.000000".
    value = 0.0 - _dot(p, log_q)
    if math.isnan(value):  # some p_i = 0 met log q_i = −inf: drop those 0·(−inf) terms
        keep = p > 0
        value = 0.0 - _dot(p[keep], log_q[keep])
    return value


def _kl_block(
    p: FloatArray,
    q: FloatArray,
    totals: _Totals | None,
    log_p: FloatArray | None = None,
    log_q: FloatArray | None = None,
) -> tuple[float, _Totals]:
    """Σ p φ(d) over one block (not yet divided by Σp), and the totals it used.

    d = (q − p)·(1 + c)/p + c and u = q·(1 + c)/p: q − p is exact when q ≈ p (Sterbenz), so
    d carries two roundings, and c (≈ 1e-16) is added whole rather than lost in 1 + c. The
    logs, when the caller has them, serve the terms `_far_terms` takes again.
    """
    diff = q - p
    if totals is None:  # Σq = Σp + Σ(q − p): one sum fewer, and Σq is needed only to ~1 ulp
        mass, difference = float(np.add.reduce(p)), float(np.add.reduce(diff))
        totals = _Totals.of(mass, mass + difference, difference)
    c = totals.forward
    scale = np.divide(1.0 + c, p)  # (1 + c)/p: d and u then cost a product each, not a quotient
    d = np.multiply(diff, scale, out=diff)
    d += c
    u = np.multiply(q, scale, out=scale)
    total = _kl_kernel(p, q, d, u, c, log_a=log_p, log_b=log_q)[0]
    return total, totals


def _kl_nats(p: FloatArray, q: FloatArray) -> float:
    totals = _totals(p, q)
    parts = [_kl_block(p[b], q[b], totals) for b in _blocks(p.shape[0])]
    return _normalised(math.fsum(total for total, _ in parts), parts[0][1].p)


# --- single measures -------------------------------------------------------------------------


@_quiet
def entropy(p: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Shannon entropy H(p) = −Σ p_i log p_i."""
    pv = _as_vector(p)
    return unit.from_nats(_neg_sum_plogq(pv, np.log(pv)))


@_quiet
def cross_entropy(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Cross-entropy H(p, q) = −Σ p_i log q_i; +inf when some p_i > 0 has q_i = 0."""
    pv, qv = _as_vector(p), _as_vector(q)
    return unit.from_nats(_neg_sum_plogq(pv, np.log(qv)))


@_quiet
def kl_divergence(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Kullback–Leibler divergence KL(p‖q) = Σ p_i log(p_i / q_i) ≥ 0 of the normalised p, q."""
    return unit.from_nats(_kl_nats(_as_vector(p), _as_vector(q)))


@_quiet
def js_divergence(p: ArrayLike, q: ArrayLike, unit: Unit = Unit.NATS) -> float:
    """Jensen–Shannon divergence ½ KL(p‖m) + ½ KL(q‖m), m = ½(p + q); at most 1 bit."""
    return unit.from_nats(_compare_nats(_as_vector(p), _as_vector(q), None).js)


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
    return _clamp_unit_interval(math.sqrt(0.5 * float(_dot(d, d))))


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
    Σp·log1p(c) (exact for the vectors as given, `_kl_kernel`): three terms ≥ 0 or tiny, so
    it keeps the digits −Σ p log q would have, without a log of q.
    """
    pv, qv = _as_vector(p), _as_vector(q)
    totals = _totals(pv, qv)
    h_parts: list[float] = []
    kl_parts: list[float] = []
    for block in _blocks(pv.shape[0]):
        pc, qc = pv[block], qv[block]
        log_p = np.log(pc)
        h_parts.append(_neg_sum_plogq(pc, log_p))
        kl_part, totals = _kl_block(pc, qc, totals, log_p)
        kl_parts.append(kl_part)
    assert totals is not None  # every vector has at least one block
    h, kl_sum = math.fsum(h_parts), math.fsum(kl_parts)
    ce = h + kl_sum + totals.p * math.log1p(totals.forward)
    scale = unit.per_nat
    return Decomposition(
        entropy=h * scale, cross_entropy=ce * scale, kl=_normalised(kl_sum, totals.p) * scale
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


@dataclass(frozen=True, slots=True)
class _Sums:
    """compare()'s sums in nats: the four −Σ a log b, the divergences, Σ|p − q|, Σ(√p − √q)²."""

    entropy_p: float
    cross_entropy: float
    reverse_cross_entropy: float
    entropy_q: float
    kl: float
    reverse_kl: float
    js: float
    abs_diff: float
    root_diff_sq: float


_MIDPOINT_ROWS = np.array([False, False, True, True])
"""compare()'s four kernel rows: KL(p‖q), KL(q‖p), then KL(p‖m) and KL(q‖m)."""


def _compare_block(
    p: FloatArray, q: FloatArray, totals: _Totals | None, given_log_q: FloatArray | None
) -> tuple[list[float], _Totals]:
    """One block's −Σ p log p, −Σ p log q, −Σ q log p, −Σ q log q; the kernel's sums for
    KL(p‖q), KL(q‖p), KL(p‖m), KL(q‖m); Σ |p − q| and Σ (√p − √q)²; and the totals used.

    The four divergences are one kernel call over the rows (p, q, p, q) against (q, p, q, p),
    so that a short vector pays numpy's per-call cost once.
    """
    rows = np.array((p, q))
    logs = np.log(rows)
    if given_log_q is not None:
        logs[1] = given_log_q
    # [[Σ p log p, Σ p log q], [Σ q log p, Σ q log q]]
    product = (
        np.dot(rows, logs.T) if p.shape[0] < _BLAS_ABOVE else np.einsum("ik,jk->ij", rows, logs)
    )
    cross: list[list[float]] = (0.0 - product).tolist()
    for i in range(2):
        for j in range(2):
            if math.isnan(cross[i][j]):  # a 0·(−inf): recompute that sum term by term
                cross[i][j] = _neg_sum_plogq(rows[i], logs[j])
    diff = q - p
    if totals is None:
        s, t = np.add.reduce(rows, axis=1).tolist()
        totals = _Totals.of(s, t, float(np.add.reduce(diff)))
    c = np.array([[totals.forward], [totals.backward]] * 2)
    scale = np.divide([[1.0 + totals.forward], [1.0 + totals.backward]], rows)  # (1 + c)/p
    d = np.multiply(diff, scale)
    d[1] *= -1.0
    d += c[:2]
    u = np.multiply(rows[::-1], scale, out=scale)
    half = d * 0.5
    both = np.concatenate((rows, rows))
    logs_of = None if given_log_q is None else np.concatenate((logs, logs))
    sums = _kl_kernel(
        both,
        both[::-1],
        np.concatenate((d, half)),
        np.concatenate((u, half + 1.0)),  # d/2 ≥ −½: 1 + d/2 loses nothing
        c,
        half=_MIDPOINT_ROWS[:, None],
        log_a=logs_of,
        log_b=None if logs_of is None else logs_of[::-1],
    )
    roots = np.sqrt(rows)
    root_diff = roots[0] - roots[1]
    return [
        cross[0][0],
        cross[0][1],
        cross[1][0],
        cross[1][1],
        *sums,
        float(np.add.reduce(np.abs(diff))),
        _dot(root_diff, root_diff),
    ], totals


def _compare_nats(p: FloatArray, q: FloatArray, log_q: ArrayLike | None) -> _Sums:
    totals = _totals(p, q)
    given = None if log_q is None else _as_vector(log_q)
    parts: list[list[float]] = []
    for b in _blocks(p.shape[0]):
        part, totals = _compare_block(p[b], q[b], totals, None if given is None else given[b])
        parts.append(part)
    assert totals is not None  # every vector has at least one block
    s = parts[0] if len(parts) == 1 else [math.fsum(column) for column in zip(*parts, strict=True)]
    js = 0.5 * (_normalised(s[6], totals.p) + _normalised(s[7], totals.q))
    return _Sums(
        entropy_p=s[0],
        cross_entropy=s[1],
        reverse_cross_entropy=s[2],
        entropy_q=s[3],
        kl=_normalised(s[4], totals.p),
        reverse_kl=_normalised(s[5], totals.q),
        js=min(js, _LN2),  # ln 2 is the bound; rounding may step a hair over it
        abs_diff=s[8],
        root_diff_sq=s[9],
    )


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
    sums = _compare_nats(pv, qv, log_q)
    scale = unit.per_nat
    js = sums.js * scale
    return PairMeasures(
        unit=unit,
        entropy_p=sums.entropy_p * scale,
        entropy_q=sums.entropy_q * scale,
        cross_entropy=sums.cross_entropy * scale,
        kl=sums.kl * scale,
        reverse_cross_entropy=sums.reverse_cross_entropy * scale,
        reverse_kl=sums.reverse_kl * scale,
        js_divergence=js,
        js_distance=math.sqrt(js),
        total_variation=_clamp_unit_interval(0.5 * sums.abs_diff),
        hellinger=_clamp_unit_interval(math.sqrt(0.5 * sums.root_diff_sq)),
        perplexity=_exp(sums.cross_entropy),
        support_mismatch=_mismatch(pv, qv) if math.isinf(sums.cross_entropy) else (),
        reverse_support_mismatch=_mismatch(qv, pv)
        if math.isinf(sums.reverse_cross_entropy)
        else (),
    )
