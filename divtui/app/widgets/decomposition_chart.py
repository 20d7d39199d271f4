"""The decomposition chart: for each model a bar of height H(p,q) split into H(p) and KL(p‖q).

The gap between cross-entropy and the H(p) floor reads as KL at a glance; an infinite KL draws
as a capped bar marked ∞.
"""

from __future__ import annotations

import math
from typing import Any

from divtui.app.widgets.chart import Chart, drawable
from divtui.core.scenario import Scenario

CAP = 1.35
"""An infinite bar is drawn this many times as tall as the tallest finite one."""


def capped_height(values: list[float], floor: float) -> float:
    """Where to cap infinite bars: above every finite value (and the floor), never zero."""
    finite = [v for v in values if drawable(v)]
    top = max([floor, *finite], default=floor)
    return top * CAP if top > 0 else 1.0


class DecompositionChart(Chart):
    """Stacked bars H(p) + KL(p‖q) = H(p,q), one per model."""

    def draw(self, scenario: Scenario) -> None:
        plt = self.plt
        names = [model.name for model in scenario.models]
        assert self.analysis is not None
        measures = self.analysis.measures
        entropy = measures[0].entropy_p
        cross = [m.cross_entropy for m in measures]
        cap = capped_height(cross, entropy)
        kl = [(ce if drawable(ce) else cap) - entropy for ce in cross]
        # textual-plotext's stub lacks `labels` and per-series colour lists that plotext takes.
        series_style: dict[str, Any] = {
            "labels": ["H(p)", "KL(p‖q)"],
            "color": [self.colour("divtui-entropy"), self.colour("divtui-kl")],
            "width": 0.5,
        }
        plt.stacked_bar(names, [[entropy] * len(names), [max(k, 0.0) for k in kl]], **series_style)
        plt.xticks(list(range(1, len(names) + 1)), names)
        plt.xlim(0.25, len(names) + 0.75)
        plt.horizontal_line(entropy, color=self.colour("divtui-entropy"))
        for position, value in enumerate(cross, start=1):
            label = (
                "∞" if math.isinf(value) else f"{value:.3f}" if drawable(value) else f"{value:.3g}"
            )
            # One text row above the bar, whatever the chart's height.
            row = cap * 1.15 / max(1, self.size.height - 6)
            height = (value if drawable(value) else cap) + max(row * 1.2, cap * 0.04)
            self.label(label, position, height, "divtui-cross-entropy")
        plt.ylim(0, cap * 1.15)
        plt.title(f"H(p,q) = H(p) + KL(p‖q)   [{scenario.unit.value}]")
