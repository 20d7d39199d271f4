"""What the screen derives from a scenario once per change: every measure of each model, and
the per-outcome terms the charts and the table ask for.

The screen computes one `Analysis` for each new scenario and binds it down with the scenario, so
no widget computes a measure. Per-outcome terms cost three arrays per outcome and model: they are
computed when a chart or the table first asks for them (charts redraw after the keystroke's
frame), then kept with this analysis, which is dropped with its scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from divtui.core.measures import OutcomeTerms, PairMeasures, outcome_terms
from divtui.core.renyi import RenyiValue, renyi
from divtui.core.scenario import Scenario


@dataclass(frozen=True, eq=False)
class Analysis:
    """The measures of one scenario, with its per-outcome terms on demand."""

    scenario: Scenario
    """The scenario analysed."""
    measures: tuple[PairMeasures, ...]
    """Every measure of p against each model, in the scenario's unit."""
    infinite: tuple[frozenset[int], ...]
    """For each model, the outcomes with q = 0 < p that make KL(p‖q) infinite."""
    _terms: dict[int, OutcomeTerms] = field(default_factory=dict, repr=False)
    _renyi: dict[float, tuple[RenyiValue, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, scenario: Scenario) -> Analysis:
        """Analyse `scenario` (the measures now, the terms when asked for)."""
        measures = scenario.measures
        return cls(scenario, measures, tuple(frozenset(m.support_mismatch) for m in measures))

    @property
    def best_models(self) -> tuple[int, ...]:
        """The models with the lowest finite H(p,q); empty when there is nothing to choose."""
        return lowest_cross_entropy(self.measures)

    def terms(self, model: int) -> OutcomeTerms:
        """The per-outcome terms of p against one model (computed once, on first use)."""
        cached = self._terms.get(model)
        if cached is None:
            scenario = self.scenario
            chosen = scenario.models[model]
            cached = outcome_terms(scenario.p, chosen.q, scenario.unit, log_q=chosen.log_q)
            self._terms[model] = cached
        return cached

    def renyi(self, alpha: float) -> tuple[RenyiValue, ...]:
        """D_α(p‖q) of every model, in the scenario's unit (computed once per α, on first use)."""
        cached = self._renyi.get(alpha)
        if cached is None:
            scenario = self.scenario
            cached = tuple(renyi(scenario.p, m.q, alpha, scenario.unit) for m in scenario.models)
            self._renyi[alpha] = cached
        return cached

    def kl_term(self, model: int, outcome: int) -> float:
        """p_i log(p_i / q_i) of one outcome: from the terms when they exist, else for that
        outcome alone (the table shows a few dozen rows of a million)."""
        cached = self._terms.get(model)
        if cached is not None:
            return float(cached.kl[outcome])
        return self.scenario.kl_term(model, outcome)


def lowest_cross_entropy(measures: tuple[PairMeasures, ...]) -> tuple[int, ...]:
    """The models with the lowest finite H(p,q); empty when there is nothing to choose (one
    model, every H(p,q) infinite, or all of them tied)."""
    values = [m.cross_entropy for m in measures]
    finite = [v for v in values if math.isfinite(v)]
    if len(values) < 2 or not finite:
        return ()
    lowest = min(finite)
    best = tuple(i for i, v in enumerate(values) if math.isclose(v, lowest, rel_tol=1e-12))
    return () if len(best) == len(values) else best
