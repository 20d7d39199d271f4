"""The sampling chart: each model's running estimate −(1/N) Σ log q(x_i) against log N, with a
±2 standard-error band, converging to its H(p,q); H(p) and every H(p,q) drawn across."""

from __future__ import annotations

import math

import numpy as np
from textual.reactive import reactive

from divtui.app.widgets.chart import Chart, drawable
from divtui.app.widgets.distributions_chart import MARKERS
from divtui.core.chart_scale import nice_ticks, tick_labels
from divtui.core.sampling import Sample
from divtui.core.scenario import Scenario

SETTLED_FROM = 10
"""The y axis fits the estimates from this N on (and from N/100 for a large N; earlier ones
are cut at its edges): the first draws swing far and would flatten the convergence."""


def n_label(n: int) -> str:
    """`1`, `10`, `100`, `1k`, `10k`, `100k`, `1M`, `10M`."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= size:
            return f"{n // size:g}{suffix}"
    return str(n)


class SamplingChart(Chart):
    """Running estimates of H(p,q) by N (log axis), ±2 SE, beside the exact values."""

    sample: reactive[Sample | None] = reactive(None, repaint=False)
    """The sample drawn; owned by the sampling screen."""

    def _watch_sample(self) -> None:
        self.replot()

    def draw(self, scenario: Scenario) -> None:
        plt = self.plt
        sample = self.sample
        if sample is None:
            return
        x = np.log10(sample.checkpoints.astype(np.float64))
        settled = sample.checkpoints >= min(max(SETTLED_FROM, sample.n // 100), sample.n)
        exact = [m.cross_entropy for m in sample.models]
        fitted = [sample.entropy, *(v for v in exact if drawable(v))]
        for m in sample.models:
            band = 2 * np.nan_to_num(m.running_error, nan=0.0)
            for values in (m.running - band, m.running + band):
                fitted += [float(v) for v in values[settled] if drawable(float(v))]
        low, high = min(fitted), max(fitted)
        span = max(high - low, 1e-3 * max(1.0, abs(high)))
        low, high = low - 0.08 * span, high + 0.22 * span  # the legend's row on top
        right = max(float(x[-1]), 1.0)
        rows = max(2, self.size.height - 5)
        ceiling = high - 1.5 * (high - low) / rows  # the legend's row stays clear
        plt.hline(sample.entropy, self.colour("divtui-entropy"))
        for value in exact:
            if drawable(value):
                plt.hline(value, self.colour("divtui-kl"))
        for m in sample.models:
            finite = np.isfinite(m.running)
            errors = np.nan_to_num(m.running_error, nan=0.0)
            if finite.any():
                xs = x[finite].tolist()
                for sign in (-1.0, 1.0):
                    edge = np.clip(m.running + sign * 2 * errors, low, ceiling)
                    plt.plot(xs, edge[finite].tolist(), marker="·",
                             color=self.colour("divtui-baseline"))  # fmt: skip
                ys = np.clip(m.running[finite], low, ceiling).tolist()
                plt.plot(xs, ys, marker="hd", color=self.colour("divtui-cross-entropy"))
            if not finite.all():
                at = float(x[int(np.flatnonzero(~finite)[0])])
                self.label("∞", at, high - 0.12 * span, "divtui-kl")
        self.limits(0.0, right, low, high)
        for k, m in enumerate(sample.models):
            finite = np.flatnonzero(np.isfinite(m.running))
            if finite.size:
                last = float(np.clip(m.running[finite[-1]], low, ceiling))
                self.mark(float(x[finite[-1]]), last, MARKERS[k % len(MARKERS)],
                          "divtui-cross-entropy")  # fmt: skip
        decades = [float(d) for d in range(0, int(math.floor(right)) + 1)]
        plt.xticks(decades, [n_label(10 ** int(d)) for d in decades])
        ticks = nice_ticks(low, high, max(2, rows // 3))
        plt.yticks(ticks, tick_labels(ticks))
        per_column = right / max(1, self.size.width - 8)
        self.legend(_legend(sample, self.size.width - 8), 0.0, high, per_column)
        title = f"−(1/N) Σ log q(xᵢ) against N ({scenario.unit.value})"
        plt.title(title if len(title) <= self.size.width - 4 else "estimate of H(p,q)")


def _legend(sample: Sample, width: int) -> list[tuple[str, str]]:
    """The legend's entries: the lines, each model's marker and name, the band; in a narrow
    chart the band's entry goes first, then the names give way to their markers."""
    head = [("─ H(p)", "divtui-entropy"), ("─ H(p,q)", "divtui-kl")]
    band = [("· ±2 SE", "divtui-baseline")]
    markers = [MARKERS[k % len(MARKERS)] for k in range(len(sample.models))]
    named = [(f"{m} {model.name}", "divtui-cross-entropy") for m, model in
             zip(markers, sample.models, strict=True)]  # fmt: skip
    for entries in (
        head + named + band,
        head + named,
        head + [("".join(markers), "divtui-cross-entropy")],
    ):
        if sum(len(text) + 2 for text, _ in entries) <= width:
            return entries
    return head
