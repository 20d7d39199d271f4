"""The per-outcome chart: −p log p beside −p log q and the signed KL term p log(p/q).

Grouped, not stacked: KL terms can be negative, and plotext's stacked bars hide mixed signs.
The outcomes whose −p log q towers over −p log p are the ones driving KL.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from divtui.app.widgets.chart import Chart, drawable
from divtui.app.widgets.decomposition_chart import capped_height
from divtui.core.report import listed_outcomes
from divtui.core.scenario import Scenario

OTHER = "other"
"""The label of the bar that aggregates the outcomes not shown."""


def shown_outcomes(kl_terms: np.ndarray, width: int) -> tuple[list[int], bool]:
    """The outcomes to draw: all when they fit, else the top ones by |KL term| (and an `other`)."""
    fits = max(2, width // 9)
    if len(kl_terms) <= fits:
        return list(range(len(kl_terms))), False
    return sorted(listed_outcomes(kl_terms, fits - 1)), True


class OutcomeChart(Chart):
    """Grouped bars per outcome for one model (the one under the table's cursor)."""

    model_index: int = 0

    def show_model(self, index: int) -> None:
        """Draw the terms of the `index`-th model."""
        if index != self.model_index:
            self.model_index = index
            self.replot()

    def draw(self, scenario: Scenario) -> None:
        plt = self.plt
        index = min(self.model_index, len(scenario.models) - 1)
        terms = scenario.terms[index]
        shown, aggregated = shown_outcomes(np.asarray(terms.kl), self.size.width)
        labels = [scenario.labels[i] for i in shown]
        series = [
            [float(terms.entropy[i]) for i in shown],
            [float(terms.cross_entropy[i]) for i in shown],
            [float(terms.kl[i]) for i in shown],
        ]
        if aggregated:
            rest = np.ones(scenario.size, dtype=bool)
            rest[shown] = False  # the sums of the rest: O(n) in numpy, whatever the size
            labels.append(f"{OTHER} ({scenario.size - len(shown):,})")
            for values, vector in zip(
                series, (terms.entropy, terms.cross_entropy, terms.kl), strict=True
            ):
                values.append(float(np.sum(vector[rest])))
        cap = capped_height(series[1] + series[0], 0.0)
        drawn = [[v if drawable(v) else cap for v in values] for values in series]
        # textual-plotext's stub lacks `labels` and per-series colour lists that plotext takes.
        series_style: dict[str, Any] = {
            "labels": ["−p log p", "−p log q", "p log(p/q)"],
            "color": [
                self.colour("divtui-entropy"),
                self.colour("divtui-cross-entropy"),
                self.colour("divtui-kl"),
            ],
        }
        plt.multiple_bar(labels, drawn, **series_style)
        positions = [float(x) for x in range(1, len(labels) + 1)]
        plt.xticks(positions, labels)  # centre each label under its group of bars
        plt.xlim(0.4, len(labels) + 0.6)
        for position, value in enumerate(series[1], start=1):
            if math.isinf(value):
                self.label("∞", position, cap * 1.06, "divtui-kl")
        low = min(0.0, *(v for v in drawn[2]))
        plt.ylim(low * 1.15, cap * 1.2)
        name = scenario.models[index].name
        plt.title(f"Per outcome, model {name}   [{scenario.unit.value}]")
