"""The KL kernel: Σ p_i φ(d_i) of the normalised distributions, with d_i = q_i/p_i − 1 and
φ(d) = d − log1p(d) ≥ 0, for every length (long vectors in cache-sized blocks through the same
code). `divtui.core.measures` builds KL, reverse KL and JS on it.

Every term is ≥ 0, so the sum is: no add-back of Σ(p − q), no clamp, no error bound. A short
vector costs numpy's per-call overhead, not arithmetic, so each step is one numpy call over a
whole stack of rows, and nothing is done twice (no errstate, no dataclass, no re-validation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SERIES_BELOW = 2.0**-7
"""Below this |d|, φ(d) is summed as its series: d − log1p(d) would cancel (2 ulp / |d|)."""

# φ(d) = d² · Σ_{j=0..7} w_j d^j with w_j = (−1)^j / (j + 2): the first term left out,
# d^10 / 10, is under 1e-17 of φ(d) for |d| < 2^-7.
SERIES = np.array([(-1.0) ** j / (j + 2) for j in range(8)])
_WEIGHTS = SERIES.tolist()

BLAS_ABOVE = 10_001
"""From this length on, sums of products avoid BLAS: OpenBLAS wakes its threads for a longer
dot product (measured: 16384 terms cost 42 µs wall and 76 µs CPU, 10000 terms 3 µs)."""

BLOCK = BLAS_ABOVE - 1
"""Long vectors are summed in blocks of this many values (shared among the rows of a stack):
the largest block whose dot products stay on BLAS's single thread. Its arrays, 80 KB each,
stay in cache and under malloc's mmap threshold, so temporaries fault in no fresh pages."""

_FEW = 8
"""Up to this many outcomes, `phi_series` runs in Python floats rather than numpy."""


def phi_of(d: FloatArray, u: FloatArray) -> FloatArray:
    """φ(d) = d − log1p(d) ≥ 0 elementwise, given d and u = 1 + d, each computed directly
    (u is overwritten).

    Away from 0, log1p(d) is d·log(u)/(u − 1): the quotient follows u's own rounding, so one
    log of u is as good as a log1p of d (and about half its cost), and u keeps every digit of
    a tiny q/p that 1 + d would round away. Near 0, where d − log1p(d) cancels, the series.
    """
    small = np.abs(d) < SERIES_BELOW
    count = np.count_nonzero(small)
    if count == d.size:  # q ≈ p throughout (the near-identical case): no log at all
        return phi_series(d)
    log1p = np.subtract(u, 1.0)
    np.divide(d, log1p, out=log1p)
    log1p *= np.log(u, out=u)
    out = np.subtract(d, log1p, out=log1p)
    if count:
        out[small] = phi_series(d[small])
    return out


def phi_series(d: FloatArray) -> FloatArray:
    """φ(d) = d² · Σ_j w_j d^j for |d| < SERIES_BELOW, by Horner.

    On a block, in a few in-place numpy passes that stay in cache; the handful of outcomes a
    short vector sends here, in Python floats, since there numpy's per-call cost is the price.
    """
    if d.size <= _FEW:
        values = []
        for x in d.reshape(-1).tolist():
            acc = _WEIGHTS[-1]
            for weight in _WEIGHTS[-2::-1]:
                acc = acc * x + weight
            values.append(acc * x * x)
        return np.array(values).reshape(d.shape)
    out: FloatArray = d * _WEIGHTS[-1]
    for weight in _WEIGHTS[-2::-1]:
        out += weight
        out *= d
    out *= d
    return out


class Totals(NamedTuple):
    """Σp, Σq, and the normalisers c with 1 + c = Σp/Σq (KL(p‖q)) and Σq/Σp (KL(q‖p)).

    c = Σ(p − q)/Σq: when q ≈ p that is a sum of exact differences, so c carries every digit
    it needs (0 for an empty column, whose divergence is 0).
    """

    p: float
    q: float
    forward: float
    backward: float


def totals_of(p: float, q: float, difference: float) -> Totals:
    """The totals from Σp, Σq and Σ(q − p)."""
    return Totals(p, q, -difference / q if q > 0 else 0.0, difference / p if p > 0 else 0.0)


_ONE = (slice(None),)


def blocks(n: int, rows: int = 1) -> Sequence[slice]:
    """One slice for a short vector, cache-sized ones (BLOCK values over `rows` rows) for a
    long one."""
    size = max(1, BLOCK // rows)
    if n <= size:
        return _ONE
    return [slice(start, start + size) for start in range(0, n, size)]


def sum_totals(p: FloatArray, q: FloatArray, rows: int = 1) -> Totals | None:
    """The totals of vectors longer than one block (of `blocks(n, rows)`), summed before the
    blocks are compared, in strides of a few blocks (three sums need no cache); None for a
    single block, which sums its own."""
    n = p.shape[0]
    if len(blocks(n, rows)) == 1:
        return None
    stride = 4 * BLOCK
    parts = [
        (float(np.add.reduce(p[b])), float(np.add.reduce(q[b] - p[b])))
        for b in (slice(start, start + stride) for start in range(0, n, stride))
    ]
    mass, difference = (math.fsum(column) for column in zip(*parts, strict=True))
    return totals_of(mass, mass + difference, difference)  # Σq is needed only to ~1 ulp


def normalised(total: float, mass: float) -> float:
    """Σ a φ(d) over Σa: the divergence of the normalised distribution (0 for an empty one)."""
    return total / mass if mass > 0 else 0.0


def kl_sums(
    a: FloatArray,
    b: FloatArray,
    d: FloatArray,
    u: FloatArray,
    c: FloatArray | float,
    *,
    half: BoolArray | None = None,
    log_a: FloatArray | None = None,
    log_b: FloatArray | None = None,
) -> list[float]:
    """Σ_i a_i φ(d_i) along the last axis, one sum per row of a stack d: Σa times KL(A‖B),
    or times KL(A‖M) with M = ½(A + B) on the rows `half` marks (u is overwritten).

    A = a/Σa and B = b/Σb are the normalised distributions, d = B/A − 1 and u = B/A; on a
    midpoint row d = (B/A − 1)/2 = M/A − 1, so JS needs no rounded midpoint. Every term is
    ≥ 0, so is the sum. An outcome with a_i = 0 adds nothing to Σ a log(a/b), but its term
    here is the limit m_i of a·φ as a → 0, m = b(1 + c) (½(a + b(1 + c)) on a midpoint row);
    b_i = 0 < a_i gives +inf. Terms that are not finite (a_i = 0, b_i/a_i overflowing, or
    b_i = 0 where `log_b`, a model's log_softmax, is finite) are taken again from logs
    (`_far_terms`). `a`, `b`, `c`, `half`, `log_a` and `log_b` broadcast against d.
    """
    phi = phi_of(d, u)
    if d.ndim == 1:
        sums = [dot(a, phi)]
        terms = phi
    else:
        terms = np.multiply(phi, a, out=phi)
        sums = np.add.reduce(terms, axis=-1).reshape(-1).tolist()
    if math.isfinite(sum(sums)):  # no far term (a sum of finite terms that overflows is redone)
        return sums
    if d.ndim == 1:
        terms *= a
    far = np.flatnonzero(~np.isfinite(terms))

    def at_far(values: npt.NDArray[Any] | float | None) -> FloatArray | None:
        if values is None:
            return None
        return np.broadcast_to(values, terms.shape).reshape(-1)[far]

    terms.reshape(-1)[far] = _far_terms(
        at_far(a), at_far(b), at_far(c), at_far(half), at_far(log_a), at_far(log_b)
    )
    repaired: list[float] = np.add.reduce(terms, axis=-1).reshape(-1).tolist()
    return repaired


def _far_terms(
    a: FloatArray | None,
    b: FloatArray | None,
    c: FloatArray | None,
    half: FloatArray | None,
    log_a: FloatArray | None,
    log_b: FloatArray | None,
) -> FloatArray:
    """a φ(d) as m − a − a·log(m/a), m = b(1 + c) or ½(a + b(1 + c)), from logs."""
    assert a is not None and b is not None and c is not None
    b_scaled = b * (1.0 + c)
    m = b_scaled if half is None else np.where(half, 0.5 * (a + b_scaled), b_scaled)
    log_m = (np.log(b) if log_b is None else log_b) + np.log1p(c)
    if half is not None:
        log_m = np.where(half, np.log(m), log_m)
    terms: FloatArray = (m - a) - a * (log_m - (np.log(a) if log_a is None else log_a))
    absent = a == 0  # the limit of a·φ as a → 0 is m: Σ m = Σ a is what makes Σ a φ the KL
    terms[absent] = m[absent]
    return terms


def dot(x: FloatArray, y: FloatArray) -> float:
    """Σ x_i y_i."""
    return float(np.dot(x, y) if x.shape[0] < BLAS_ABOVE else np.einsum("i,i", x, y))


def neg_sum_plogq(p: FloatArray, log_q: FloatArray) -> float:
    """−Σ p_i log q_i with 0 · log q_i = 0 (the sum behind H(p) and H(p, q))."""
    # 0.0 − x, not −x: a certain outcome (log 1 = 0) must give +0.0, never a printed "-0.000000".
    value = 0.0 - dot(p, log_q)
    if math.isnan(value):  # some p_i = 0 met log q_i = −inf: drop those 0·(−inf) terms
        keep = p > 0
        value = 0.0 - dot(p[keep], log_q[keep])
    return value


def kl_block(
    p: FloatArray,
    q: FloatArray,
    totals: Totals | None,
    log_p: FloatArray | None = None,
    log_q: FloatArray | None = None,
) -> tuple[float, Totals]:
    """Σ p φ(d) over one block (not yet divided by Σp), and the totals it used.

    d = (q − p)·(1 + c)/p + c and u = q·(1 + c)/p: q − p is exact when q ≈ p (Sterbenz), so
    d carries two roundings, and c (≈ 1e-16) is added whole rather than lost in 1 + c. The
    logs, when the caller has them, serve the terms `_far_terms` takes again.
    """
    diff = q - p
    if totals is None:  # Σq = Σp + Σ(q − p): one sum fewer, and Σq is needed only to ~1 ulp
        mass, difference = float(np.add.reduce(p)), float(np.add.reduce(diff))
        totals = totals_of(mass, mass + difference, difference)
    c = totals.forward
    scale = np.divide(1.0 + c, p)  # (1 + c)/p: d and u then cost a product each, not a quotient
    d = np.multiply(diff, scale, out=diff)
    if c:
        d += c
    u = np.multiply(q, scale, out=scale)
    total = kl_sums(p, q, d, u, c, log_a=log_p, log_b=log_q)[0]
    return total, totals


def kl_nats(p: FloatArray, q: FloatArray) -> float:
    """KL(p‖q) in nats of the normalised p and q, block by block."""
    totals = sum_totals(p, q)
    parts = [kl_block(p[b], q[b], totals) for b in blocks(p.shape[0])]
    return normalised(math.fsum(total for total, _ in parts), parts[0][1].p)
