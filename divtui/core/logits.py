"""Models given by logits: softmax with a temperature, label smoothing, and the training step.

A classifier outputs logits z; its distribution is q = softmax(z / T). Training on a target p
with cross-entropy moves z against the gradient ∂H(p, q)/∂z = (q − p) / T, which drives q to p
and H(p, q) down to H(p).
"""

from __future__ import annotations

import math
from enum import Enum

import numpy as np

from divtui.core.distribution import FloatArray, frozen, number_array
from divtui.core.errors import DivtuiError


def log_softmax(logits: FloatArray, temperature: float = 1.0) -> FloatArray:
    """log softmax(z / T), computed stably by subtracting the largest logit first.

    The shift comes before the division: (z − max z) / T is 0 or below, where z / T itself can
    overflow to inf (huge logits, a tiny T) and inf − inf is NaN.
    """
    z = np.asarray(logits, dtype=np.float64)
    with np.errstate(over="ignore"):
        shifted = (z - np.max(z)) / temperature
    result: FloatArray = shifted - np.log(np.sum(np.exp(shifted)))
    return result


def softmax(logits: FloatArray, temperature: float = 1.0) -> FloatArray:
    """softmax(z / T): probabilities proportional to exp(z_i / T), computed as exp((z − max z) / T)
    so that no exponent overflows (see `log_softmax`)."""
    z = np.asarray(logits, dtype=np.float64)
    with np.errstate(over="ignore"):
        e = np.exp((z - np.max(z)) / temperature)
    result: FloatArray = e / np.sum(e)
    return result


ABSENT_LOGIT_GAP = 50.0
"""An outcome with q = 0 gets a logit this far (times T) below the smallest other one: softmax
can never output an exact 0, so this is its nearest to "weight 0" (q ≈ e^-50 ≈ 2e-22)."""


def logits_from_probabilities(q: FloatArray, temperature: float = 1.0) -> FloatArray:
    """Logits z with softmax(z / T) = q: T · log q, shifted so the largest is 0.

    An outcome with q_i = 0 gets a very negative logit (its probability underflows to 0).
    """
    with np.errstate(divide="ignore"):
        log_q = np.log(np.asarray(q, dtype=np.float64))
    floor = float(np.min(log_q[np.isfinite(log_q)])) - ABSENT_LOGIT_GAP
    log_q = np.where(np.isfinite(log_q), log_q, floor)
    result: FloatArray = temperature * (log_q - np.max(log_q))
    return result


def check_temperature(value: object, where: str = "temperature") -> float:
    """A temperature: a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DivtuiError(f"{where}: {value!r} is not a number")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise DivtuiError(f"{where}: {value!r} must be a finite number > 0")
    return number


def check_logits(values: object, where: str) -> FloatArray:
    """A list of finite logits (any sign)."""
    if isinstance(values, str | bytes) or not isinstance(values, list | tuple | np.ndarray):
        raise DivtuiError(f"{where}: expected a list of numbers, got {type(values).__name__}")
    if len(values) == 0:
        raise DivtuiError(f"{where}: the list is empty")
    array = number_array(values)
    if array is not None and bool(np.all(np.isfinite(array))):
        return frozen(array)
    checked = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
            raise DivtuiError(f"{where}[{index}]: {value!r} is not a number")
        number = float(value)
        if not math.isfinite(number):
            raise DivtuiError(f"{where}[{index}]: {value!r} is not a finite logit")
        checked.append(number)
    return frozen(checked)


def check_smoothing(value: object, where: str = "label_smoothing") -> float:
    """A label-smoothing ε in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DivtuiError(f"{where}: {value!r} is not a number")
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise DivtuiError(f"{where}: {value!r} must lie in [0, 1]")
    return number + 0.0


def smooth(p: FloatArray, epsilon: float) -> FloatArray:
    """Label smoothing p' = (1 − ε)·p + ε/K over K outcomes.

    With a one-hot p this is exactly the target of PyTorch's
    `cross_entropy(z, y, label_smoothing=ε)`, so H(p', softmax(z)) equals that loss (in nats).
    """
    if epsilon == 0.0:
        return p
    k = len(p)
    return frozen((1.0 - epsilon) * np.asarray(p) + epsilon / k)


class Objective(Enum):
    """What a training run minimises."""

    CROSS_ENTROPY = "cross-entropy"
    """H(p, q), equivalently KL(p‖q): mean-seeking, q covers all of p."""
    REVERSE_KL = "reverse KL"
    """KL(q‖p): mode-seeking, q settles on one mode of p."""

    @property
    def formula(self) -> str:
        """The quantity minimised, as the chart labels it."""
        return "H(p,q)" if self is Objective.CROSS_ENTROPY else "KL(q‖p)"


def gradient(
    logits: FloatArray,
    p: FloatArray,
    temperature: float = 1.0,
    objective: Objective = Objective.CROSS_ENTROPY,
) -> FloatArray:
    """∂/∂z of the objective, for q = softmax(z / T).

    Cross-entropy: (q − p) / T. Reverse KL: q ⊙ (log q − log p − KL(q‖p)) / T, which is infinite
    where p_i = 0 < q_i; those outcomes are pushed down hard but finitely (log p_i is floored).
    """
    log_q = log_softmax(logits, temperature)
    q = np.exp(log_q)
    if objective is Objective.CROSS_ENTROPY:
        result: FloatArray = (q - p) / temperature
        return result
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
    log_p = np.maximum(log_p, -745.0)  # exp underflow: finite, and steep enough to empty q_i
    log_ratio = log_q - log_p
    reverse_kl = float(np.dot(q, log_ratio))
    result = q * (log_ratio - reverse_kl) / temperature
    return result


def train_step(
    logits: FloatArray,
    p: FloatArray,
    learning_rate: float,
    temperature: float = 1.0,
    objective: Objective = Objective.CROSS_ENTROPY,
) -> FloatArray:
    """One step of gradient descent on the logits: z − η ∇z."""
    step: FloatArray = np.asarray(logits) - learning_rate * gradient(
        logits, p, temperature, objective
    )
    return frozen(step - np.max(step))  # logits are shift-invariant: keep them near 0
