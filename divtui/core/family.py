"""A model family over ordered outcomes: the discretised Gaussian q(i) ∝ exp(−(i − μ)² / 2σ²).

The outcomes are taken in their order in the scenario, i = 0 … n−1 (their index, not their
label), so μ is a position among them and σ a width in outcomes. Two parameters cannot follow
every p, which is what makes forward and reverse KL disagree: KL(p‖q) is zero-avoiding (q must
cover every outcome p has, so it widens over both peaks of a two-peaked p), KL(q‖p) is
zero-forcing (q keeps away from where p is small, so it settles on one peak).

Training works on θ = (μ, log σ). With the statistics t_i = ((i − μ)/σ², (i − μ)²/σ²), the
derivatives of the exponent, ∂ log q_i / ∂θ = t_i − E_q[t], and the exact gradients are

* cross-entropy H(p, q): ∇θ = E_q[t] − E_p[t] (so the fit matches moments of p);
* reverse KL(q‖p): ∇θ = Σ q_i (t_i − E_q[t]) (log q_i − log p_i − KL(q‖p)).

A step goes against the gradient in the family's own metric, the Fisher information
F = Cov_q(t): θ ← θ − η F⁻¹ ∇θ (a natural-gradient step). It makes one η suit every width and
every number of outcomes; for cross-entropy F is the Hessian at the optimum, so η = 1 is close
to Newton's step and η = ½ halves what is left at each step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from divtui.core.distribution import FloatArray, frozen
from divtui.core.errors import DivtuiError
from divtui.core.logits import Objective, log_softmax

GAUSSIAN = "gaussian"
"""The one family divtui knows (the name scenario files write)."""

FAMILIES = (GAUSSIAN,)

MAX_LOG_SIGMA_STEP = 1.0
"""A step changes log σ by at most this (σ by a factor e): a trust region for steps from a
q far narrower or wider than p, where the metric is nearly singular."""

FISHER_DAMPING = 1e-3
"""F is regularised by this fraction of the continuous Gaussian's metric diag(1/σ², 2), so a q
on a single outcome (Cov_q(t) ≈ 0) still takes a finite step."""


def check_family(value: object, where: str) -> str:
    """A family name: "gaussian"."""
    if not isinstance(value, str):
        raise DivtuiError(f"{where}: expected text such as {GAUSSIAN!r}, got {value!r}")
    name = value.strip().lower()
    if name not in FAMILIES:
        raise DivtuiError(f"{where}: unknown family {value!r} (available: {', '.join(FAMILIES)})")
    return name


def check_mu(value: object, where: str = "mu") -> float:
    """μ: a finite number (an outcome index; it may lie between or beyond the outcomes)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise DivtuiError(f"{where}: {value!r} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise DivtuiError(f"{where}: {value!r} must be a finite number")
    return number + 0.0


def check_sigma(value: object, where: str = "sigma") -> float:
    """σ: a finite number > 0 (a width in outcomes)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise DivtuiError(f"{where}: {value!r} is not a number")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise DivtuiError(f"{where}: {value!r} must be a finite number > 0")
    return number


def _nearest(size: int, mu: float) -> int:
    return int(min(max(round(mu), 0), size - 1))


def gaussian_log_q(size: int, mu: float, sigma: float) -> FloatArray:
    """log q(i) = log_softmax(−(i − μ)² / 2σ²) over i = 0 … size−1.

    The squares are taken relative to the outcome nearest μ, as (i − i*)(i + i* − 2μ) ≥ 0, and
    divided by σ twice: nothing overflows for any finite μ and σ > 0 (a huge exponent only
    sends q_i to an exact 0, log q_i to −inf), and the nearest outcome keeps q > 0.
    """
    i = np.arange(size, dtype=np.float64)
    star = float(_nearest(size, mu))
    with np.errstate(over="ignore"):
        excess = np.maximum((i - star) * (i + star - 2.0 * mu), 0.0)
        exponent = -((excess / sigma) / sigma) / 2.0
    return log_softmax(exponent)


def gaussian_q(size: int, mu: float, sigma: float) -> FloatArray:
    """q(i) ∝ exp(−(i − μ)² / 2σ²), read-only."""
    return frozen(np.exp(gaussian_log_q(size, mu, sigma)))


def moment_fit(q: FloatArray) -> tuple[float, float]:
    """(μ, σ) = the mean index and standard deviation of q (σ at least a hundredth of an
    outcome, so a one-hot q gets a narrow Gaussian on it rather than σ = 0)."""
    weights = np.asarray(q, dtype=np.float64)
    weights = weights / np.sum(weights)
    i = np.arange(len(weights), dtype=np.float64)
    mean = float(np.dot(weights, i))
    variance = float(np.dot(weights, (i - mean) ** 2))
    return mean, max(math.sqrt(max(variance, 0.0)), 0.01)


def _statistics(size: int, mu: float, sigma: float) -> FloatArray:
    """t_i = ((i − μ)/σ², (i − μ)²/σ²): ∂/∂(μ, log σ) of the exponent −(i − μ)²/2σ², one row
    per parameter."""
    offset = np.arange(size, dtype=np.float64) - mu
    with np.errstate(over="ignore"):
        return np.array(((offset / sigma) / sigma, (offset / sigma) ** 2))


def _expect(weights: FloatArray, values: FloatArray) -> FloatArray:
    """Σ w_i v_i per row, with 0 · anything = 0 (a q that underflowed meets a huge t)."""
    result: FloatArray = np.where(weights > 0, weights * values, 0.0).sum(axis=-1)
    return result


def gradient(
    p: FloatArray, mu: float, sigma: float, objective: Objective = Objective.CROSS_ENTROPY
) -> tuple[float, float]:
    """The exact ∂/∂(μ, log σ) of H(p, q) or of KL(q‖p) for q = the Gaussian (μ, σ).

    Raises DivtuiError for reverse KL when p is 0 where q is not: KL(q‖p) is then ∞ for every
    Gaussian, which is never 0 (unless it underflows), and there is nothing to descend.
    """
    p = np.asarray(p, dtype=np.float64)
    log_q = gaussian_log_q(len(p), mu, sigma)
    q = np.exp(log_q)
    t = _statistics(len(p), mu, sigma)
    mean_q = _expect(q, t)
    if objective is Objective.CROSS_ENTROPY:
        result = mean_q - _expect(p, t)
        return float(result[0]), float(result[1])
    held = q > 0
    if np.any(held & (p == 0)):
        raise DivtuiError(
            "KL(q‖p) is ∞ for every Gaussian here: p is 0 at an outcome q covers "
            "(a Gaussian q is never 0); give p a little mass there"
        )
    with np.errstate(divide="ignore"):
        ratio = np.where(held, log_q - np.log(np.where(held, p, 1.0)), 0.0)
    reverse_kl = float(np.dot(q, ratio))
    centred = t - mean_q[:, None]
    result = _expect(q, centred * (ratio - reverse_kl))
    return float(result[0]), float(result[1])


def fisher(size: int, mu: float, sigma: float) -> FloatArray:
    """The Fisher information of the family at (μ, log σ): Cov_q(t), 2×2."""
    q = gaussian_q(size, mu, sigma)
    t = _statistics(size, mu, sigma)
    centred = np.where(q > 0, t - _expect(q, t)[:, None], 0.0)
    result: FloatArray = (centred * q) @ centred.T
    return result


@dataclass(frozen=True, slots=True)
class GaussianStep:
    """Where one step lands: the new μ and σ."""

    mu: float
    sigma: float


def natural_step(
    p: FloatArray,
    mu: float,
    sigma: float,
    learning_rate: float,
    objective: Objective = Objective.CROSS_ENTROPY,
) -> GaussianStep:
    """One step θ ← θ − η (F + δ·diag(1/σ², 2))⁻¹ ∇θ on θ = (μ, log σ), with log σ moving at
    most `MAX_LOG_SIGMA_STEP` and μ at most max(σ, 1) (see the module's docstring)."""
    size = len(p)
    grad = np.array(gradient(p, mu, sigma, objective))
    metric = fisher(size, mu, sigma) + FISHER_DAMPING * np.diag((1.0 / sigma**2, 2.0))
    step = -learning_rate * np.linalg.solve(metric, grad)
    log_sigma_step = float(np.clip(step[1], -MAX_LOG_SIGMA_STEP, MAX_LOG_SIGMA_STEP))
    reach = max(sigma, 1.0)  # μ moves at most a width (or one outcome) a step
    new_mu = mu + float(np.clip(step[0], -reach, reach))
    new_sigma = sigma * math.exp(log_sigma_step)
    if not (math.isfinite(new_mu) and math.isfinite(new_sigma) and new_sigma > 0):
        raise DivtuiError(
            f"the Gaussian's step overflowed at learning rate {learning_rate:g}; try a smaller one"
        )
    return GaussianStep(new_mu, new_sigma)
