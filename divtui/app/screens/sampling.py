"""The sampling view: N outcomes drawn from p, their counts and p̂ beside p, and each model's
running estimate of H(p,q) with its standard error converging to the exact value.

The article's point made visible: a model never sees p, only a sample of it; it is trained on
the estimate, and ranking models by it ranks them by KL once N is large, since H(p) is shared.
Nothing here touches a file, so kiosk mode allows it; N is bounded.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from divtui.app.widgets.distributions_chart import MARKERS
from divtui.app.widgets.sampling_chart import SamplingChart
from divtui.core.analysis import Analysis
from divtui.core.report_extras import estimate_text
from divtui.core.sampling import Sample, draw, summary

FIRST_N = 100
"""The sample drawn when the view opens."""
MOST_N = 1_000_000
"""The largest N the view draws (each step is a new draw of the same seeded stream)."""
TABLE_ROWS = 8
"""The outcomes the table lists at most: the most probable ones beyond this."""


class SamplingScreen(Screen[None]):
    """A sample of p and what it says about every model; `+`/`-` change N, `r` reseeds."""

    DEFAULT_CSS = """
    SamplingScreen { layout: vertical; }
    SamplingScreen #sampling-title { height: 1; background: $panel; text-style: bold; }
    SamplingScreen #sampling-top { height: 1fr; }
    SamplingScreen #sampling-counts { width: auto; max-width: 40; padding: 0 1; }
    SamplingScreen SamplingChart { width: 1fr; height: 1fr; min-height: 8; }
    SamplingScreen #sampling-estimates { height: auto; padding: 0 1; }
    SamplingScreen #sampling-summary { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,right_square_bracket,equals_sign", "grow(10)", "N × 10", key_display="+"),
        Binding("minus,left_square_bracket", "grow(0.1)", "N ÷ 10", key_display="-"),
        Binding("r", "reseed", "Reseed"),
        Binding("escape,q,s", "close", "Close"),
    ]

    def __init__(self, analysis: Analysis, n: int = FIRST_N, seed: int = 0) -> None:
        super().__init__()
        self.analysis = analysis
        """The scenario sampled, with its exact measures."""
        self.n = n
        """The sample size asked for."""
        self.seed = seed
        """The seed of the sample (`r` takes the next one)."""
        self.sample: Sample | None = None
        """The sample shown (None until the first is drawn)."""
        self.chart = SamplingChart(id="sampling-chart")
        """The running estimates."""

    def compose(self) -> ComposeResult:
        yield Static(id="sampling-title")
        with Horizontal(id="sampling-top"):
            yield Static(id="sampling-counts")
            yield self.chart
        yield Static(id="sampling-estimates")
        yield Static(id="sampling-summary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.chart.analysis = self.analysis
        self._title("drawing…")
        self._draw(self.n, self.seed)

    @work(thread=True, exclusive=True)
    def _draw(self, n: int, seed: int) -> None:
        """Draw off the event loop (a million draws take a moment), then show the sample."""
        sample = draw(self.analysis.scenario, n, seed, self.analysis.measures)
        self.app.call_from_thread(self._show, sample)

    def _show(self, sample: Sample) -> None:
        if (sample.n, sample.seed) != (self.n, self.seed) or not self.is_attached:
            return  # a newer request is on its way
        self.sample = sample
        self.chart.sample = sample
        self._title("")
        self.query_one("#sampling-counts", Static).update(self._counts(sample))
        self.query_one("#sampling-estimates", Static).update(self._estimates(sample))
        self.query_one("#sampling-summary", Static).update(Text(summary(sample)))

    def _title(self, note: str) -> None:
        text = f" Learning from samples: N = {self.n:,} outcomes drawn from p, seed {self.seed}"
        self.query_one("#sampling-title", Static).update(f"{text}  {note}" if note else text)

    def _counts(self, sample: Sample) -> Table:
        """Outcome, p, count and p̂: every outcome, or the most probable ones and the rest."""
        scenario = self.analysis.scenario
        p = scenario.p
        table = Table(box=None, pad_edge=False, header_style="bold")
        for name in ("outcome", "p", "count", "p̂"):
            table.add_column(name, justify="left" if name == "outcome" else "right")
        shown = (
            list(range(scenario.size))
            if scenario.size <= TABLE_ROWS
            else [int(i) for i in np.argsort(-p, kind="stable")[: TABLE_ROWS - 1]]
        )
        counts, p_hat = sample.counts, sample.p_hat
        for i in shown:
            table.add_row(
                scenario.labels[i][:14],
                f"{float(p[i]):.3f}",
                f"{int(counts[i]):,}",
                f"{float(p_hat[i]):.3f}",
            )
        rest = scenario.size - len(shown)
        if rest:
            mask = np.ones(scenario.size, dtype=bool)
            mask[shown] = False
            table.add_row(
                Text(f"+{rest:,} more", style="dim"),
                Text(f"{float(p[mask].sum()):.3f}", style="dim"),
                Text(f"{int(counts[mask].sum()):,}", style="dim"),
                Text(f"{float(p_hat[mask].sum()):.3f}", style="dim"),
            )
        return table

    def _estimates(self, sample: Sample) -> Table:
        """Each model's estimate ± SE beside its exact H(p,q) and KL."""
        scenario = self.analysis.scenario
        table = Table(box=None, pad_edge=False, header_style="bold")
        table.add_column(f"in {scenario.unit.value}")
        table.add_column("−(1/N) Σ log q(xᵢ) ± SE", justify="right")
        table.add_column("H(p,q)", justify="right")
        table.add_column("KL(p‖q)", justify="right")
        table.add_column("")
        for k, m in enumerate(sample.models):
            note = ""
            if m.infinite_from is not None and m.infinite_outcome is not None:
                label = scenario.labels[m.infinite_outcome]
                note = f"∞ from sample {m.infinite_from:,}: q({label}) = 0"
            table.add_row(
                f"{MARKERS[k % len(MARKERS)]} {m.name}",
                estimate_text(scenario, m.estimate, m.standard_error, 4),
                _value(m.cross_entropy),
                _value(m.kl),
                Text(note, style="bold"),
            )
        table.add_row(Text("H(p), every model", style="dim"), "", _value(sample.entropy))
        return table

    def action_grow(self, factor: float) -> None:
        """N × 10 or ÷ 10, within 1 … MOST_N."""
        n = max(1, min(MOST_N, round(self.n * factor)))
        if n == self.n:
            bound = f"at most {MOST_N:,} here" if factor > 1 else "at least 1"
            self.notify(f"N is {bound}.", timeout=2, markup=False)
            return
        self.n = n
        self._redraw()

    def action_reseed(self) -> None:
        """Draw a new sample of the same N with the next seed."""
        self.seed += 1
        self._redraw()

    def _redraw(self) -> None:
        self._title("drawing…")
        self._draw(self.n, self.seed)

    def action_close(self) -> None:
        self.dismiss(None)


def _value(value: float) -> str:
    return "∞" if math.isinf(value) else f"{value:.4f}"
