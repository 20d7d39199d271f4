"""Token analysis of a model against p: where KL(p‖q) comes from, outcome by outcome.

For a model's output over tens of thousands of tokens: how much of KL the largest terms carry
(the cumulative share down a table sorted by |KL term|), what makes an infinite KL infinite
(the outcomes with q = 0 < p, their p-mass, the finite part over the rest, and KL with q floored
at ε), and how two models differ outcome by outcome. Pure numpy, in the scenario's unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from divtui.core.distribution import FloatArray
from divtui.core.errors import DivtuiError
from divtui.core.formatting import format_value, outcomes
from divtui.core.measures import PairMeasures, kl_divergence, outcome_terms
from divtui.core.outcome_order import IntArray
from divtui.core.scenario import Scenario

TOP_OUTCOMES = 10
"""`kl_top_share` is the share of KL that this many largest |KL terms| carry."""


@dataclass(frozen=True, slots=True)
class KlSummary:
    """Where one model's KL(p‖q) comes from."""

    kl_top_share: float | None
    """The share of the finite part of KL carried by the `top` largest |KL terms| (None when
    the finite part is 0: there is nothing to share)."""
    top: int
    """How many outcomes `kl_top_share` counts (at most `TOP_OUTCOMES`)."""
    infinite_outcomes: int
    """How many outcomes have q = 0 while p > 0 (each makes KL infinite)."""
    infinite_mass: float
    """The total p of those outcomes."""
    kl_finite_part: float
    """Σ p log(p/q) over every other outcome: KL itself when it is finite."""


def summarise(kl_terms: FloatArray, p: FloatArray) -> KlSummary:
    """The summary of one model from its KL terms (in the unit) and the p they use. An
    infinite term is an outcome with q = 0 < p (a logits model's q that underflows to 0 keeps a
    finite term, from log q)."""
    infinite = np.isinf(kl_terms)
    finite_terms = np.where(infinite, 0.0, kl_terms)
    finite_part = float(np.sum(finite_terms))
    top = min(TOP_OUTCOMES, len(kl_terms))
    share: float | None = None
    if finite_part != 0:
        magnitude = np.abs(finite_terms)
        largest = np.argpartition(-magnitude, top - 1)[:top]
        share = float(np.sum(finite_terms[largest])) / finite_part
    return KlSummary(
        kl_top_share=share,
        top=top,
        infinite_outcomes=int(np.count_nonzero(infinite)),
        infinite_mass=float(np.sum(p[infinite])),
        kl_finite_part=finite_part,
    )


def summary(scenario: Scenario, index: int) -> KlSummary:
    """The summary of model `index` of `scenario` (its terms computed afresh)."""
    model = scenario.models[index]
    terms = outcome_terms(scenario.p, model.q, scenario.unit, log_q=model.log_q)
    return summarise(terms.kl, scenario.p)


def infinite_line(scenario: Scenario, measures: PairMeasures) -> str:
    """The outcomes with q = 0 < p and their p-mass, from the measures alone (no per-outcome
    terms: the measures panel shows it on every change)."""
    rows = list(measures.support_mismatch)
    mass = float(np.sum(scenario.p[rows]))
    outcomes = "outcome" if len(rows) == 1 else "outcomes"
    return f"{len(rows):,} {outcomes} with q = 0 < p, p-mass {mass:.6g} (F: floor q at ε)"


def cumulative_share(kl_terms: FloatArray, order: IntArray | None) -> FloatArray:
    """Display row → the share of the finite part of KL carried by the rows down to it, in the
    table's `order` (None: outcome order). An infinite term counts as 0 here; with no finite
    KL to share, every share is nan."""
    finite = np.where(np.isinf(kl_terms), 0.0, kl_terms)
    listed = finite if order is None else finite[order]
    total = float(np.sum(finite))
    running = np.cumsum(listed)
    if total == 0:
        return np.full(len(listed), math.nan)
    shares: FloatArray = running / total
    return shares


def floored_kl(scenario: Scenario, index: int, epsilon: float) -> float:
    """KL(p‖q′) with q′ = max(q, ε) renormalised: the what-if for an infinite KL (ε > 0)."""
    if not (isinstance(epsilon, float | int) and math.isfinite(epsilon) and 0 < epsilon < 1):
        raise DivtuiError(f"floor ε: {epsilon!r} is not a number between 0 and 1 (exclusive)")
    q = np.maximum(scenario.models[index].q, float(epsilon))
    return kl_divergence(scenario.p, q / q.sum(), scenario.unit)


def kl_difference(scenario: Scenario, first: int, second: int) -> FloatArray:
    """Outcome by outcome, the KL term of model `first` minus that of model `second` (in the
    unit; ∞ − ∞ is nan, an outcome both models miss)."""
    terms = scenario.terms
    with np.errstate(invalid="ignore"):
        difference: FloatArray = terms[first].kl - terms[second].kl
    return difference


def other_model(scenario: Scenario, index: int) -> int:
    """The model the difference column compares model `index` with: the next one (cycling)."""
    return (index + 1) % len(scenario.models)


def token_lines(scenario: Scenario, index: int, token: KlSummary | None = None) -> list[str]:
    """Where model `index`'s KL comes from, in words: the share its largest terms carry and,
    when KL is infinite, the outcomes with q = 0 and the finite part over the rest."""
    token = token or summary(scenario, index)
    lines = []
    if token.infinite_outcomes:
        count = token.infinite_outcomes
        lines.append(
            f"{count:,} {outcomes(count)} with q = 0 < p, p-mass {token.infinite_mass:.6g}; "
            f"finite part of KL (over the rest) {format_value(token.kl_finite_part)}"
        )
    if token.kl_top_share is not None and token.top < scenario.size:
        lines.append(
            f"the top {token.top:,} outcomes by |KL term| carry "
            f"{100 * token.kl_top_share:.1f} % of "
            + ("the finite part of KL" if token.infinite_outcomes else "KL")
        )
    return lines
