"""The explanation of one measure: its formula, its sum written out with the scenario's numbers,
and why it is infinite when it is. It follows the main screen's analysis, so an edit (a
training frame, a unit, an undo) rewrites it at once; the core builds it, this only lays it out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from divtui.app.colours import rich_colour
from divtui.app.commands import COMMANDS
from divtui.app.screens.modal import Dialog
from divtui.app.widgets.metrics_panel import smoothed
from divtui.core.analysis import Analysis
from divtui.core.explain import DIGITS, Explanation, WrittenSum, explain, signed
from divtui.core.formatting import format_value

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen

FORWARDED = (
    "cycle_unit",
    "temperature_down",
    "temperature_up",
    "smoothing_down",
    "smoothing_up",
    "undo",
    "redo",
    "train",
    "stop_training",
)
"""The main screen's commands that also work over the explanation, which follows them."""

HINT = "Escape closes · ← → another model · u unit · [ ] temperature · ctrl+z undo"


def _value(value: float) -> str:
    return format_value(value, DIGITS)


class ExplanationScreen(Dialog[None]):
    """One measure of one model, explained with live numbers."""

    DEFAULT_CSS = """
    ExplanationScreen { align: center middle; }
    ExplanationScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,e", "dismiss", "Close"),
        Binding("left", "model(-1)", "Previous model", show=False),
        Binding("right", "model(1)", "Next model", show=False),
        *(
            Binding(c.keys, f"forward({c.id!r})", c.label, show=False)
            for c in COMMANDS
            if c.id in FORWARDED and c.keys is not None
        ),
    ]

    def __init__(
        self, main: MainScreen, field: str, model: int, alpha: float | None = None
    ) -> None:
        super().__init__()
        self.alpha = alpha
        """The Rényi order, when the measure explained is D_α."""
        self.main = main
        """The screen whose analysis is explained (watched)."""
        self.field = field
        """The measure explained (a PairMeasures field)."""
        self.model = model
        """The model's index."""
        self.explanation: Explanation | None = None
        """What is shown now."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="explanation")

    def on_mount(self) -> None:
        self.watch(self.main, "analysis", self._show)

    def _show(self, analysis: Analysis) -> None:
        models = len(analysis.scenario.models)
        self.model = max(0, min(self.model, models - 1))
        explanation = explain(analysis, self.model, self.field, self.alpha)
        self.explanation = explanation
        self.query_one("#explanation", Static).update(self._layout(explanation, analysis))

    def action_model(self, step: int) -> None:
        """Explain the same measure of the previous or next model."""
        analysis = self.main.analysis
        self.model = (self.model + step) % len(analysis.scenario.models)
        self._show(analysis)

    def action_forward(self, command: str) -> None:
        """Run one of the main screen's commands (a unit, an undo): the explanation follows."""
        if self.main.check_action("run", (command,)):
            self.main.action_run(command)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    # --- layout ----------------------------------------------------------------------------

    def _layout(self, explanation: Explanation, analysis: Analysis) -> RenderableType:
        scenario = analysis.scenario
        kl = Style(color=rich_colour(self.app, "divtui-kl"))
        parts: list[RenderableType] = [
            Text.assemble(
                (smoothed(explanation.name, scenario), "bold"),
                f" of {explanation.model}, in {explanation.unit.value}",
            ),
            Text(smoothed(explanation.formula, scenario), style="bold"),
            Text(explanation.meaning, style="dim"),
            Text(""),
        ]
        if explanation.field == "cross_entropy":
            parts.append(self._identity_table(explanation.sums))
        else:
            parts.append(self._terms_table(explanation.sums[0]))
        parts.append(Text(""))
        for written in explanation.sums:
            parts.append(Text(smoothed(written.line, scenario)))
        parts.append(Text(smoothed(explanation.result, scenario), style="bold"))
        for note in explanation.notes:
            infinite = math.isinf(explanation.value)
            parts.append(Text(note, style=kl if infinite else "dim"))
        if scenario.label_smoothing:
            parts.append(
                Text(
                    f"label smoothing ε = {scenario.label_smoothing:g}: p′ = (1 − ε)·p + ε/K "
                    "is the p written above",
                    style="dim",
                )
            )
        parts.append(Text(HINT, style="dim"))
        return Group(*parts)

    @staticmethod
    def _terms_table(written: WrittenSum) -> Table:
        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column(no_wrap=True)
        table.add_column()  # a JS term is long: it wraps in a narrow window
        table.add_column(justify="right", no_wrap=True)
        for term in written.terms:
            table.add_row(term.label, term.text, f"{signed(term.value, first=True)}")
        if written.rest:
            table.add_row(
                Text(f"… {written.rest:,} more", style="dim"),
                Text("the other terms, summed", style="dim"),
                signed(written.rest_sum, first=True),
            )
        table.add_row("", Text("sum", style="bold"), Text(_value(written.value), style="bold"))
        return table

    @staticmethod
    def _identity_table(sums: tuple[WrittenSum, ...]) -> Table:
        """H(p,q)'s terms beside H(p)'s and KL(p‖q)'s, outcome by outcome: each row adds up."""
        cross, entropy, kl = sums
        table = Table(box=None, pad_edge=False)
        table.add_column("", no_wrap=True)
        table.add_column(cross.formula, no_wrap=True)
        table.add_column(cross.name, justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column(entropy.name, justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column(kl.name, justify="right", no_wrap=True)
        for c, h, k in zip(cross.terms, entropy.terms, kl.terms, strict=True):
            sign = "−" if k.value < 0 else "+"
            table.add_row(
                c.label, c.text, _value(c.value), "=", _value(h.value), sign, _value(abs(k.value))
            )
        if cross.rest:
            sign = "−" if kl.rest_sum < 0 else "+"
            table.add_row(
                Text(f"… {cross.rest:,} more", style="dim"),
                Text("the other terms, summed", style="dim"),
                _value(cross.rest_sum),
                "=",
                _value(entropy.rest_sum),
                sign,
                _value(abs(kl.rest_sum)),
            )
        sign = "−" if kl.value < 0 else "+"
        table.add_row(
            "",
            Text("sum", style="bold"),
            Text(_value(cross.value), style="bold"),
            "=",
            Text(_value(entropy.value), style="bold"),
            sign,
            Text(_value(abs(kl.value)), style="bold"),
        )
        return table
