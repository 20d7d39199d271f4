"""The Rényi screen: D_α(p‖q) of every model against α over [0, 4], KL marked at α = 1, and
the orders with closed forms (0, ½, 1, ∞) and the chosen α written out with their values."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static

from divtui.app.screens.modal import Dialog
from divtui.app.screens.prompt import PromptScreen
from divtui.app.widgets.renyi_chart import ALPHA_RANGE, RenyiChart, RenyiCurves, curve_points
from divtui.core.analysis import Analysis
from divtui.core.formatting import format_value
from divtui.core.renyi import format_alpha, parse_alpha, renyi_curve

STEP = 0.25
"""`←` / `→` move α by this."""

NAMED_ORDERS: tuple[tuple[float, str], ...] = (
    (0.0, "−log q(supp p)"),
    (0.5, "−2 log Bhattacharyya"),
    (1.0, "KL(p‖q)"),
    (2.0, "log(1 + χ²)"),
    (math.inf, "log max p/q"),
)
"""The orders the table lists, with the closed form each one is."""


def curves_of(analysis: Analysis) -> RenyiCurves:
    """D_α of every model at evenly spaced orders over the chart's range (the core computes)."""
    scenario = analysis.scenario
    alphas = np.linspace(*ALPHA_RANGE, curve_points(scenario.size))
    values = tuple(
        tuple(renyi_curve(scenario.p, model.q, alphas, scenario.unit).tolist())
        for model in scenario.models
    )
    return RenyiCurves(
        alphas=tuple(alphas.tolist()),
        values=values,
        kl=tuple(m.kl for m in analysis.measures),
        names=tuple(m.name for m in scenario.models),
    )


class RenyiScreen(Dialog[float | None]):
    """The chart of D_α against α; dismissed with the α chosen here (None: unchanged)."""

    DEFAULT_CSS = """
    RenyiScreen { align: center middle; }
    RenyiScreen > Vertical {
        width: 100%; max-width: 110; height: 100%; max-height: 36;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RenyiScreen RenyiChart { height: 1fr; min-height: 8; }
    RenyiScreen #renyi-table { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,A", "close", "Close"),
        Binding("a,D", "type_alpha", "Type α"),
        Binding("left", "step(-1)", "α − 0.25"),
        Binding("right", "step(1)", "α + 0.25"),
    ]

    def __init__(self, analysis: Analysis, alpha: float | None, model: int = 0) -> None:
        super().__init__()
        self.analysis = analysis
        """The scenario drawn, with its measures."""
        self.alpha = alpha
        """The order chosen (None: none yet)."""
        self._chosen = False
        self._model = min(model, len(analysis.scenario.models) - 1)
        self.chart = RenyiChart(id="renyi-chart")
        """The chart of D_α against α."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Rényi divergence D_α(p‖q) = log Σ p^α q^(1−α) / (α − 1)"
            yield self.chart
            yield Static(id="renyi-table")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.chart.analysis = self.analysis
        self.chart.curves = curves_of(self.analysis)
        self._show()

    def _show(self) -> None:
        self.chart.alpha = self.alpha
        self.query_one("#renyi-table", Static).update(self._table())

    def _table(self) -> Group:
        """The named orders (and the chosen α) as columns, a row per model."""
        analysis = self.analysis
        orders = list(NAMED_ORDERS)
        if self.alpha is not None and self.alpha not in [a for a, _ in orders]:
            orders.append((self.alpha, "chosen"))
        table = Table(box=None, pad_edge=False, header_style="bold")
        table.add_column(f"in {analysis.scenario.unit.value}", no_wrap=True)
        for alpha, name in orders:
            mark = " ◀" if alpha == self.alpha else ""
            table.add_column(f"α = {format_alpha(alpha)}{mark}\n{name}", justify="right")
        rows = [analysis.renyi(alpha) for alpha, _ in orders]
        for k, model in enumerate(analysis.scenario.models):
            style = "bold" if k == self._model else ""
            table.add_row(
                Text(model.name, style=style),
                *(Text(format_value(row[k].value, 4), style=style) for row in rows),
            )
        causes = {row[k].infinite_because for row in rows for k in range(len(row))} - {""}
        notes = [Text(f"∞: {cause}", style="dim") for cause in sorted(causes)]
        return Group(table, *notes)

    def action_step(self, direction: int) -> None:
        """Move α by a quarter, within [0, 4] (from ∞ or none: from 4 or 1)."""
        alpha = self.alpha
        if alpha is None or math.isinf(alpha):
            alpha = 1.0 if alpha is None else ALPHA_RANGE[1] + STEP
        self._set(min(max(alpha + direction * STEP, ALPHA_RANGE[0]), ALPHA_RANGE[1]))

    def action_type_alpha(self) -> None:
        """Type α exactly (a number ≥ 0 or inf)."""

        def apply(text: str | None) -> None:
            if text is not None:
                self._set(parse_alpha(text))

        value = "2" if self.alpha is None else format_alpha(self.alpha).replace("∞", "inf")
        self.app.push_screen(
            PromptScreen("Rényi order α ≥ 0 or inf:", value=value, check=parse_alpha), apply
        )

    def _set(self, alpha: float) -> None:
        self.alpha = alpha
        self._chosen = True
        self._show()

    def action_close(self) -> None:
        self.dismiss(self.alpha if self._chosen else None)
