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
from divtui.core.analysis import Analysis
from divtui.core.report import listed_outcomes
from divtui.core.scenario import Scenario

OTHER = "other"
"""The label of the bar that aggregates the outcomes not shown."""


GROUP_WIDTH = 10
"""Terminal columns per group of three bars (and its label)."""


def shown_outcomes(kl_terms: np.ndarray, width: int) -> tuple[list[int], bool]:
    """The outcomes to draw: all in order when they fit, else the largest |KL terms|, largest
    first (and an `other` bar for the rest)."""
    fits = max(2, width // GROUP_WIDTH)
    if len(kl_terms) <= fits:
        return list(range(len(kl_terms))), False
    return listed_outcomes(kl_terms, fits - 1), True


def outcome_bars(
    analysis: Analysis, model: int, width: int
) -> tuple[list[str], list[list[float]], int]:
    """The chart's groups: labels, then the series −p log p, −p log q and p log(p/q), and how
    many outcomes the last group ("other") sums (0 when every outcome has its own group)."""
    scenario = analysis.scenario
    terms = analysis.terms(model)
    shown, aggregated = shown_outcomes(np.asarray(terms.kl), width)
    labels = [scenario.labels[i] for i in shown]
    vectors = (terms.entropy, terms.cross_entropy, terms.kl)
    series = [[float(vector[i]) for i in shown] for vector in vectors]
    if not aggregated:
        return labels, series, 0
    rest = np.ones(scenario.size, dtype=bool)
    rest[shown] = False  # the sums of the rest: O(n) in numpy, whatever the size
    for values, vector in zip(series, vectors, strict=True):
        values.append(float(np.sum(vector[rest])))
    return [*labels, OTHER], series, scenario.size - len(shown)


def fit_label(label: str, width: int) -> str:
    """A tick label cut to `width` (plotext drops labels that would overlap)."""
    return label if len(label) <= width else label[: max(1, width - 1)] + "…"


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
        assert self.analysis is not None
        labels, series, rest = outcome_bars(self.analysis, index, self.size.width)
        # The cap (where bars too tall to draw stop) comes from the outcomes shown one by one:
        # the sum of all the others would flatten them.
        shown = len(labels) - (1 if rest else 0)
        cap = capped_height(series[1][:shown] + series[0][:shown], 0.0)
        if rest:
            plt.xlabel(f"{OTHER}: the other {rest:,} outcomes, summed")
        drawn = [
            [min(max(v, -cap), cap) if drawable(v) else cap for v in values] for values in series
        ]
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
        room = max(4, (self.size.width - 10) // len(labels) - 2)
        plt.xticks(positions, [fit_label(label, room) for label in labels])  # under each group
        plt.xlim(0.4, len(labels) + 0.6)
        for position, value in enumerate(series[1], start=1):
            if math.isinf(value):
                self.label("∞", position, cap * 1.06, "divtui-kl")
            elif value > cap:  # the "other" sum, drawn capped: its value is written on it
                self.label(f"{value:.3g}", position, cap * 1.06, "divtui-cross-entropy")
        low = min(0.0, *(v for v in drawn[2]))
        plt.ylim(low * 1.15, cap * 1.2)
        name = scenario.models[index].name
        plt.title(f"Per outcome, model {name}   [{scenario.unit.value}]")
