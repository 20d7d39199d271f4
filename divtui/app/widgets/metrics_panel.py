"""The metrics panel: every measure for every model, the identity with live numbers, and why a
divergence is infinite. It only formats what the core computed; it computes nothing."""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from divtui.app.colours import rich_colour
from divtui.core.analysis import Analysis
from divtui.core.baseline import Baseline
from divtui.core.measures import PairMeasures
from divtui.core.report import (
    format_value,
    identity_line,
    infinite_cause,
    reverse_infinite_cause,
)

ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("H(p)", "entropy_p", "divtui-entropy"),
    ("H(q)", "entropy_q", None),
    ("H(p,q)", "cross_entropy", "divtui-cross-entropy"),
    ("KL(p‖q)", "kl", "divtui-kl"),
    ("KL(q‖p)", "reverse_kl", None),
    ("JS divergence", "js_divergence", None),
    ("perplexity", "perplexity", None),
)
"""(label, PairMeasures field, theme colour variable) for each row of the panel."""


INLINE_DELTA_MODELS = 4
"""Up to this many models, Δ sits beside each value; beyond, on a row of its own."""
MANY_IDENTITIES = 3
"""With more models than this, the identity is written out for the best (★) model only."""


class MetricsPanel(Widget, can_focus=True):
    """A table of measures (rows) by models (columns), with the identity written out."""

    DEFAULT_CSS = """
    MetricsPanel { height: auto; padding: 0 1; }
    """

    analysis: reactive[Analysis | None] = reactive(None, always_update=True, layout=True)
    """The scenario whose measures are shown, with them; owned by the screen."""
    baseline: reactive[Baseline | None] = reactive(None, layout=True)
    """Pinned measures: each measure also shows its change Δ against them."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    def render(self) -> RenderableType:
        analysis = self.analysis
        if analysis is None:
            return ""
        scenario, all_measures = analysis.scenario, analysis.measures
        unit = scenario.unit.value
        best = analysis.best_models
        table = Table(box=None, pad_edge=False, expand=False, header_style="bold")
        table.add_column(f"in {unit}", no_wrap=True)
        for index, model in enumerate(scenario.models):
            name = f"{model.name} ★" if index in best else model.name
            table.add_column(name, justify="right", no_wrap=True)
        baseline = self.baseline
        inline = baseline is not None and len(scenario.models) <= INLINE_DELTA_MODELS
        for label, field, variable in ROWS:
            style = Style(color=rich_colour(self.app, variable), bold=True) if variable else None
            cells = [self._value(getattr(m, field)) for m in all_measures]
            if baseline is not None and inline:
                for cell, model, measures in zip(cells, scenario.models, all_measures, strict=True):
                    cell.append(" ")
                    cell.append_text(self._delta(baseline.delta(model.name, field, measures)))
            table.add_row(Text(label, style=style or ""), *cells)
            if baseline is not None and not inline:
                table.add_row(
                    Text("  Δ", style="dim"),
                    *(
                        self._delta(baseline.delta(model.name, field, measures))
                        for model, measures in zip(scenario.models, all_measures, strict=True)
                    ),
                )
        lines: list[RenderableType] = [table, Text("")]
        if baseline is not None:
            lines.append(Text("Δ: change since the baseline was pinned (b; B clears)", style="dim"))
        if best:
            lines.append(Text("★ lowest cross-entropy H(p,q)", style="dim"))
        compact = len(scenario.models) > 2
        many = len(scenario.models) > MANY_IDENTITIES
        if compact:
            lines.append(Text("H(p,q) = H(p) + KL(p‖q):", style="bold"))
        width = max(len(model.name) for model in scenario.models)
        shown = (best[:1] or (0,)) if many else range(len(scenario.models))
        for index, (model, measures) in enumerate(zip(scenario.models, all_measures, strict=True)):
            if index in shown:
                if compact:
                    lines.append(self._compact_identity(model.name.ljust(width), measures))
                else:
                    lines.append(self._identity(model.name, measures))
            if math.isinf(measures.kl):
                cause = infinite_cause(scenario, index, measures)
                lines.append(
                    Text(
                        f"  KL = ∞: {cause}", style=Style(color=rich_colour(self.app, "divtui-kl"))
                    )
                )
            if math.isinf(measures.reverse_kl):
                cause = reverse_infinite_cause(scenario, index, measures)
                lines.append(Text(f"  KL(q‖p) = ∞: {cause}", style="dim"))
        if many:
            lines.append(Text("  (every column above adds up the same way)", style="dim"))
        if scenario.label_smoothing:
            lines.append(
                Text(
                    f"label smoothing ε = {scenario.label_smoothing:g}: "
                    "measured with p' = (1 − ε)·p + ε/K",
                    style="dim",
                )
            )
        return Group(*lines)

    @staticmethod
    def _value(value: float) -> Text:
        return Text(format_value(value, 4), style="bold" if math.isinf(value) else "")

    @staticmethod
    def _delta(delta: float | None) -> Text:
        if delta is None:
            return Text("")
        if math.isinf(delta):
            return Text("+∞" if delta > 0 else "−∞", style="bold")
        if delta == 0:
            return Text("±0", style="dim")
        sign = "−" if delta < 0 else "+"
        size = abs(delta)
        return Text(f"{sign}{size:.4f}" if size >= 1e-4 else f"{sign}{size:.1e}", style="dim")

    def _identity(self, name: str, measures: PairMeasures) -> Text:
        text = Text(f"{name}\n", style="bold")
        text.append(f"  {identity_line(measures)}", style="not bold")
        return text

    def _compact_identity(self, name: str, measures: PairMeasures) -> Text:
        line = identity_line(measures).split(": ", 1)[1]
        text = Text(f"  {name}  ", style="bold")
        text.append(line, style="not bold")
        return text
