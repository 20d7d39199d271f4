"""Rényi divergence of order α: D_α(p‖q) = 1/(α − 1) · log Σ p_i^α q_i^(1−α), α in [0, ∞].

Of the distributions p / Σp and q / Σq (as KL in `divtui.core.measures`), with its limits
taken exactly:

* α = 0: −log q(supp p), the q-mass where p > 0;
* α = ½: −2 log of the Bhattacharyya coefficient Σ √(p_i q_i);
* α → 1: KL(p‖q), by the exact KL kernel;
* α = ∞: log max p_i / q_i over supp p.

D_α is +∞ when q_i = 0 < p_i for some i and α ≥ 1, and for every α when the supports are
disjoint (Σ p^α q^(1−α) = 0). Away from 0 the log-sum is a logsumexp of α log p + (1 − α) log q,
so tiny entries do not underflow. Near 0 (α near 1, or q near p) it is log1p of a sum of
same-signed terms p·g(d), g(d) = (1 + d)^(−t) − 1 + t·d with d = q/p − 1 and t = α − 1, taken as
t·φ(d) + ψ(t·ℓ) with φ the KL kernel's d − log1p(d), ℓ = −log1p(d) and ψ(x) = eˣ − 1 − x ≥ 0:
the limit α → 1 is then continuous, D_α = KL + O(α − 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from divtui.core.errors import DivtuiError
from divtui.core.kl_kernel import phi_of
from divtui.core.measures import kl_divergence
from divtui.core.units import Unit

FloatArray = npt.NDArray[np.float64]

LOG_SUM_FROM = 0.5
"""Where |log Σ p^α q^(1−α)| is at least this, it is divided by α − 1 as it is; below, the
cancellation-free log1p form is used."""

RESCALE_BEYOND = 1e-3
"""p or q is divided by its sum first when that sum is further than this from 1."""

PSI_SERIES_BELOW = 0.5
"""Below this |x|, ψ(x) = eˣ − 1 − x is summed as its series."""

_PSI_TERMS = 18
"""Terms x^k / k! (k = 2 … 19) of ψ's series: the first left out is < 1e-17 of ψ for |x| < ½."""


def parse_alpha(text: str, where: str = "Rényi order α") -> float:
    """The order α a user typed: a finite number ≥ 0, or "inf" / "∞" for the limit α = ∞."""
    value = text.strip().lower()
    if value in ("inf", "infinity", "∞", "+inf"):
        return math.inf
    if not value:
        raise DivtuiError(f"{where}: empty; give a number ≥ 0 or 'inf'")
    try:
        alpha = float(value.replace("_", ""))
    except ValueError:
        raise DivtuiError(f"{where}: {text.strip()!r} is not a number ≥ 0 or 'inf'") from None
    return check_alpha(alpha, where)


def check_alpha(alpha: float, where: str = "Rényi order α") -> float:
    """α itself checked: ≥ 0, not NaN (+∞ is the limit α = ∞)."""
    if math.isnan(alpha):
        raise DivtuiError(f"{where}: NaN is not an order; give a number ≥ 0 or 'inf'")
    if alpha < 0:
        raise DivtuiError(f"{where}: {alpha:g} is negative; the order must be ≥ 0")
    return alpha + 0.0


def format_alpha(alpha: float) -> str:
    """α for people: `2`, `0.5`, `∞`."""
    return "∞" if math.isinf(alpha) else f"{alpha:g}"


@dataclass(frozen=True, slots=True)
class RenyiValue:
    """D_α(p‖q) in one unit, with why it is infinite when it is."""

    alpha: float
    value: float
    infinite_because: str
    """"" when finite; else "disjoint supports" or "q = 0 < p" (for α ≥ 1)."""


DISJOINT = "p and q have disjoint supports"
MISMATCH = "q = 0 where p > 0 (α ≥ 1)"


def renyi(p: npt.ArrayLike, q: npt.ArrayLike, alpha: float, unit: Unit = Unit.NATS) -> RenyiValue:
    """D_α(p‖q) of the normalised p and q, in `unit`, with the cause of an infinite value."""
    alpha = check_alpha(float(alpha))
    pv, qv = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    if pv.ndim != 1 or pv.shape != qv.shape:
        raise ValueError(f"p and q must be vectors of one length, got {pv.shape} and {qv.shape}")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        nats, cause = _renyi_nats(pv, qv, alpha)
    return RenyiValue(alpha, unit.from_nats(nats) if nats else 0.0, cause)


def renyi_divergence(
    p: npt.ArrayLike, q: npt.ArrayLike, alpha: float, unit: Unit = Unit.NATS
) -> float:
    """D_α(p‖q) = 1/(α − 1) · log Σ p_i^α q_i^(1−α), in `unit` (+inf where it is infinite)."""
    return renyi(p, q, alpha, unit).value


def renyi_curve(
    p: npt.ArrayLike, q: npt.ArrayLike, alphas: npt.ArrayLike, unit: Unit = Unit.NATS
) -> FloatArray:
    """D_α(p‖q) at each α of `alphas` (for a chart against α)."""
    values = [renyi_divergence(p, q, float(a), unit) for a in np.asarray(alphas).tolist()]
    return np.array(values, dtype=np.float64)


def _renyi_nats(p: FloatArray, q: FloatArray, alpha: float) -> tuple[float, str]:
    support = p > 0
    mass_p, mass_q = float(np.sum(p)), float(np.sum(q))
    if mass_p <= 0 or mass_q <= 0:
        raise DivtuiError("Rényi divergence: p and q must each have some weight")
    # Vectors far from summing to 1 are divided first: the normaliser 1 + c below would
    # round to 0 for a p of total 1e-200.
    if abs(mass_p - 1.0) > RESCALE_BEYOND:
        p, mass_p = p / mass_p, 1.0
    if abs(mass_q - 1.0) > RESCALE_BEYOND:
        q, mass_q = q / mass_q, 1.0
    shared = support & (q > 0)
    if not shared.any():
        return math.inf, DISJOINT
    mismatch = bool((support & (q == 0)).any())
    if alpha >= 1 and mismatch:
        return math.inf, MISMATCH
    if alpha == 1:
        return kl_divergence(p, q), ""
    outside = float(np.sum(q[~support])) / mass_q  # q's mass where p = 0
    if 0 < alpha < 0.5:
        if 1.0 - alpha == 1.0:
            # α < 2⁻⁵³: D_α = D_0 + O(α), and D_0 = 0 leaves α·KL(q‖p) (the slope at 0).
            if outside:
                return _clean(-math.log1p(-outside)), ""
            return alpha * kl_divergence(q, p), ""
        # (1 − α)·D_α(p‖q) = α·D_{1−α}(q‖p): the log1p form below cancels as 1/α for a small α,
        # and by no more than 2 at orders ≥ ½.
        reverse, _ = _renyi_nats(q, p, 1.0 - alpha)
        return _clean(alpha / (1.0 - alpha) * reverse), ""
    if alpha == 0:
        return _clean(-math.log1p(-outside)), ""
    # d = Q/P − 1 of the normalised P, Q, as the KL kernel forms it: (q − p)(1 + c)/p + c.
    c = float(np.sum(p - q)) / mass_q  # Σ(p − q) of exact differences when q ≈ p
    ps, qs = p[shared], q[shared]
    # Quotients first: (1 + c)/p would overflow for a subnormal p.
    d = (qs - ps) / ps * (1.0 + c) + c
    u = qs / ps * (1.0 + c)  # Q/P itself: 1 + d would round a tiny Q/P to 0
    ell = np.where(np.abs(d) < 0.5, -np.log1p(d), -np.log(u))  # log P/Q
    if math.isinf(alpha):
        return _clean(float(np.max(ell))), ""
    t = alpha - 1.0
    log_p = np.log(ps) - math.log(mass_p)
    exponents = log_p + t * ell  # log P^α Q^(1−α) = log P − t·log(Q/P)
    top = float(np.max(exponents))
    log_sum = top + math.log(float(np.sum(np.exp(exponents - top))))
    if abs(log_sum) >= LOG_SUM_FROM:
        return _clean(log_sum / t), ""
    # Σ P g(d) over every outcome: the shared ones, those with q = 0 < p (g = −α, as t < 0
    # here) and those with p = 0 < q (P·t·d → t·Q).
    terms = ps * (t * phi_of(d, u)) + _p_psi(ps, t * ell, np.log(ps))
    only_p = float(np.sum(p[support & (q == 0)]))
    only_q = float(np.sum(q[~support])) * (1.0 + c)
    m = (math.fsum(terms.tolist()) - alpha * only_p + t * only_q) / mass_p
    return _clean(math.log1p(m) / t), ""


def _p_psi(p: FloatArray, x: FloatArray, log_p: FloatArray) -> FloatArray:
    """p·ψ(x) = p·(eˣ − 1 − x) ≥ 0, by its series for small |x|; p·eˣ as exp(x + log p), so a
    tiny p with a large x does not overflow."""
    small = np.abs(x) < PSI_SERIES_BELOW
    out = np.exp(x + log_p) - p - p * x
    if small.any():
        out[small] = p[small] * _psi_poly(x[small])
    return np.maximum(out, 0.0)


def _psi_poly(x: FloatArray) -> FloatArray:
    """ψ(x) = Σ_{k≥2} x^k / k! by Horner: x²(1/2! + x(1/3! + x(1/4! + …)))."""
    acc = np.full_like(x, 1.0 / math.factorial(_PSI_TERMS + 1))
    for k in range(_PSI_TERMS, 1, -1):
        acc = acc * x + 1.0 / math.factorial(k)
    out: FloatArray = acc * x * x
    return out


def _clean(value: float) -> float:
    """D_α ≥ 0: a rounding below 0 (q = p) is 0, and −0.0 prints as 0."""
    return max(value, 0.0) + 0.0
