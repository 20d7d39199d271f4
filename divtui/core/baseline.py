"""A pinned baseline: the measures at one moment, to show how every later change moves them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from divtui.core.measures import PairMeasures
from divtui.core.scenario import Scenario
from divtui.core.units import Unit


@dataclass(frozen=True, slots=True)
class Baseline:
    """Each model's measures when the baseline was pinned, by model name."""

    measures: dict[str, PairMeasures]

    @classmethod
    def pin(cls, scenario: Scenario) -> Baseline:
        """The scenario's current measures."""
        return cls(
            {
                m.name: measures
                for m, measures in zip(scenario.models, scenario.measures, strict=True)
            }
        )

    def delta(self, model: str, field: str, current: PairMeasures) -> float | None:
        """current − pinned for one measure, converted to the current unit.

        None for a model the baseline does not know (added later), and NaN-free: ∞ − ∞ is None.
        """
        pinned = self.measures.get(model)
        if pinned is None:
            return None
        before = float(getattr(pinned.in_unit(current.unit), field))
        now = float(getattr(current, field))
        if math.isinf(before) and math.isinf(now):
            return None if before == now else now - before
        return now - before

    def in_unit(self, unit: Unit) -> Baseline:
        """The same baseline expressed in another unit (the charts draw it in the scenario's)."""
        return Baseline({name: m.in_unit(unit) for name, m in self.measures.items()})
