"""The Rényi chart: D_α(p‖q) of every model against the order α over [0, 4], KL marked ✦ at
α = 1 and the chosen α drawn across. The screen computes the curves (in the core); this only
draws them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.reactive import reactive

from divtui.app.widgets.chart import Chart, drawable
from divtui.app.widgets.distributions_chart import MARKERS
from divtui.core.chart_scale import nice_ticks, tick_labels
from divtui.core.renyi import format_alpha
from divtui.core.scenario import Scenario

ALPHA_RANGE = (0.0, 4.0)
"""The orders the chart spans."""


@dataclass(frozen=True, slots=True)
class RenyiCurves:
    """What the chart draws: the orders, and D_α of each model at each (∞ where infinite)."""

    alphas: tuple[float, ...]
    values: tuple[tuple[float, ...], ...]
    """One tuple per model, in the order of `alphas`."""
    kl: tuple[float, ...]
    """D_1 = KL(p‖q) of each model (its mark at α = 1)."""
    names: tuple[str, ...]


class RenyiChart(Chart):
    """D_α against α for each model (its own marker), KL marked ✦ at α = 1, α drawn across."""

    curves: reactive[RenyiCurves | None] = reactive(None, repaint=False)
    """The curves drawn; computed by the screen."""
    alpha: reactive[float | None] = reactive(None, repaint=False)
    """The order chosen (None: none); drawn as a vertical line when it is inside [0, 4]."""

    def _watch_curves(self) -> None:
        self.replot()

    def _watch_alpha(self) -> None:
        self.replot()

    def draw(self, scenario: Scenario) -> None:
        plt = self.plt
        curves = self.curves
        if curves is None:
            return
        unit = scenario.unit.value
        finite = [v for row in curves.values for v in row if drawable(v)]
        top = max([*finite, *(k for k in curves.kl if drawable(k)), 1e-9])
        infinite = any(not drawable(v) for row in curves.values for v in row)
        cap = top * (1.25 if infinite else 1.0)
        high = cap * 1.2
        left, right = ALPHA_RANGE
        for k, row in enumerate(curves.values):
            xs = [a for a, v in zip(curves.alphas, row, strict=True) if drawable(v)]
            ys = [v for v in row if drawable(v)]
            if xs:
                plt.plot(xs, ys, marker="hd", color=self.colour("divtui-cross-entropy"))
            for a, v in zip(curves.alphas[::8], row[::8], strict=True):
                if drawable(v):
                    self.mark(a, v, MARKERS[k % len(MARKERS)], "divtui-cross-entropy")
            if len(xs) < len(row):
                first = curves.alphas[len(xs)] if xs else left
                self.label("∞", first, cap, "divtui-kl")
        alpha = self.alpha
        if alpha is not None and left <= alpha <= right:
            plt.vline(alpha, self.colour("divtui-baseline"))
        rows = max(2, self.size.height - 5)
        ticks = nice_ticks(0.0, high, max(2, rows // 3))
        plt.xticks([0, 0.5, 1, 2, 3, 4], ["0", "½", "1", "2", "3", "4"])
        self.limits(left, right, 0.0, high)
        plt.yticks(ticks, tick_labels(ticks))
        for kl in curves.kl:
            if drawable(kl):
                self.mark(1.0, kl, "✦", "divtui-kl")
        per_column = (right - left) / max(1, self.size.width - 8)
        legend = [("✦ KL at α = 1", "divtui-kl")] + [
            (f"{MARKERS[k % len(MARKERS)]} {name}", "divtui-cross-entropy")
            for k, name in enumerate(curves.names)
        ]
        if alpha is not None:
            legend.append((f"│ α = {format_alpha(alpha)}", "divtui-baseline"))
        self.legend(legend, left, high, per_column)
        title = f"Rényi divergence D_α(p‖q) against α ({unit})"
        plt.title(title if len(title) <= self.size.width - 4 else f"D_α(p‖q), {unit}")
        plt.xlabel("α")


def curve_points(size: int) -> int:
    """How many orders a curve is computed at: fewer for very long vectors (one pass each)."""
    return 81 if size <= 10_000 else 41 if size <= 200_000 else 17
