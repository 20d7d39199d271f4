"""The metrics panel: every measure for every model, the identity with live numbers, and why a
divergence is infinite. It only formats what the core computed; it computes nothing."""

from __future__ import annotations

import math
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widget import Widget

from divtui.app.colours import rich_colour
from divtui.app.widgets.measure_cursor import HIDDEN, MeasureCursor
from divtui.core.analysis import Analysis
from divtui.core.baseline import Baseline
from divtui.core.explain import RENYI
from divtui.core.formatting import format_value
from divtui.core.measures import PairMeasures
from divtui.core.renyi import format_alpha
from divtui.core.report import identity_line, infinite_cause, reverse_infinite_cause
from divtui.core.scenario import Scenario
from divtui.core.token_analysis import infinite_line

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
BRIEF_ROWS = frozenset({"entropy_p", "cross_entropy", "kl"})
"""The rows the compact panel keeps: the three measures of the identity."""


LOWER_IS_BETTER = frozenset({"cross_entropy", "kl", "reverse_kl", "js_divergence", "perplexity"})
"""Measures a model improves by lowering: their Δ is coloured better (−) or worse (+). H(p) and
H(q) have no better direction; their Δ stays plain."""

UNCHANGED = 1e-12
"""A Δ within this fraction of the value is rounding, not a change: it is not shown."""

INLINE_DELTA_MODELS = 4
"""Up to this many models, Δ sits beside each value; beyond, on a row of its own."""
MANY_IDENTITIES = 3
"""With more models than this, the identity is written out for the best (★) model only."""


SMOOTHED = (
    ("H(p,q)", "H(p′,q)"),
    ("H(p)", "H(p′)"),
    ("KL(p‖q)", "KL(p′‖q)"),
    ("KL(q‖p)", "KL(q‖p′)"),
)
"""The names of the measures when they use the smoothed p′ instead of p."""


def smoothed(text: str, scenario: Scenario) -> str:
    """`text` naming p′ instead of p when the scenario smooths p (ε > 0): what was measured."""
    if not scenario.label_smoothing:
        return text
    for plain, prime in SMOOTHED:
        text = text.replace(plain, prime)
    return text


class MetricsPanel(Widget, can_focus=True):
    """A table of measures (rows) by models (columns), with the identity written out."""

    DEFAULT_CSS = """
    MetricsPanel { height: auto; padding: 0 1; }
    """

    analysis: reactive[Analysis | None] = reactive(None, always_update=True, layout=True)
    """The scenario whose measures are shown; owned by the screen."""
    compact: reactive[bool] = reactive(False, layout=True)
    """Only H(p), H(p,q) and KL(p‖q), and the identity in one line a model (small windows)."""
    baseline: reactive[Baseline | None] = reactive(None, layout=True)
    """Pinned measures: each measure also shows its change Δ against them."""
    cursor: reactive[MeasureCursor] = reactive(MeasureCursor())
    """The selected measure and model (↑ ↓ ← →): Enter or `e` explains it."""
    hide_kl: reactive[bool] = reactive(False, layout=True)
    """The classroom mode's question is open: KL, and what would give it away, shows `?`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1, 0)", "Previous measure", show=False),
        Binding("down", "move(1, 0)", "Next measure", show=False),
        Binding("left", "move(0, -1)", "Previous model", show=False),
        Binding("right", "move(0, 1)", "Next model", show=False),
        Binding("enter", "screen.run('explain')", "Explain", show=False),
    ]
    """The selection moves with the arrows; Enter explains the selected measure."""
    renyi_alpha: reactive[float | None] = reactive(None, layout=True)
    """The Rényi order α whose D_α(p‖q) is a row of the panel (None: no such row); set by `D`
    and the Rényi chart (`divtui.app.actions.renyi`)."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    @on(events.Focus)
    @on(events.Blur)
    def _show_selection(self) -> None:
        """The selection is drawn while the panel has the focus."""
        self.refresh()

    def shown_fields(self) -> list[str]:
        """The measures (PairMeasures fields) of the rows shown, top to bottom."""
        fields = [field for _, field, _ in ROWS if not self.compact or field in BRIEF_ROWS]
        if self.renyi_alpha is not None and not self.compact:
            fields.append(RENYI)
        return fields

    def selection(self) -> tuple[str, int]:
        """The selected (measure, model), within what is shown now."""
        models = 1 if self.analysis is None else len(self.analysis.scenario.models)
        return self.cursor.within(self.shown_fields(), models)

    def action_move(self, rows: int, models: int) -> None:
        """Move the selection by `rows` measures and `models` models."""
        count = 1 if self.analysis is None else len(self.analysis.scenario.models)
        self.cursor = self.cursor.moved(rows, models, self.shown_fields(), count)

    def render(self) -> RenderableType:
        analysis = self.analysis
        if analysis is None:
            return ""
        scenario, all_measures = analysis.scenario, analysis.measures
        unit = scenario.unit.value
        best = () if self.hide_kl else analysis.best_models
        selected, chosen = self.selection()
        table = Table(box=None, pad_edge=False, expand=False, header_style="bold")
        table.add_column(f"in {unit}", no_wrap=True)
        for index, model in enumerate(scenario.models):
            name = f"{model.name} ★" if index in best else model.name
            table.add_column(name, justify="right", no_wrap=True)
        baseline = self.baseline
        inline = baseline is not None and len(scenario.models) <= INLINE_DELTA_MODELS
        changed = False
        for label, field, variable in ROWS:
            if self.compact and field not in BRIEF_ROWS:
                continue
            style = Style(color=rich_colour(self.app, variable), bold=True) if variable else None
            hidden = self.hide_kl and field in HIDDEN
            cells = [
                Text("?", style="bold") if hidden else self._value(getattr(m, field))
                for m in all_measures
            ]
            if self.has_focus and field == selected:
                cells[chosen].stylize("reverse")
            deltas = [
                self._delta(field, baseline.delta(model.name, field, measures), measures)
                if baseline is not None and not hidden
                else Text("")
                for model, measures in zip(scenario.models, all_measures, strict=True)
            ]
            changed = changed or any(deltas)
            if inline:
                for cell, delta in zip(cells, deltas, strict=True):
                    if delta:
                        cell.append(" ")
                        cell.append_text(delta)
            table.add_row(Text(smoothed(label, scenario), style=style or ""), *cells)
            if baseline is not None and not inline and any(deltas):
                table.add_row(Text("  Δ", style="dim"), *deltas)
        if self.renyi_alpha is not None and not self.compact:
            values = analysis.renyi(self.renyi_alpha)
            label = f"D_{format_alpha(self.renyi_alpha)}(p‖q)"
            hidden = self.hide_kl and RENYI in HIDDEN  # D_1 is KL: the quiz hides it too
            cells = [Text("?", style="bold") if hidden else self._value(v.value) for v in values]
            if self.has_focus and selected == RENYI:
                cells[chosen].stylize("reverse")
            table.add_row(Text(label), *cells)
        lines: list[RenderableType] = [table] if self.compact else [table, Text("")]
        if baseline is not None and not self.compact:
            lines.append(
                Text(
                    "Δ: change since the baseline was pinned (b; B clears)"
                    if changed
                    else "Δ: nothing has changed since the baseline was pinned (B clears)",
                    style="dim",
                )
            )
        if best and not self.compact:
            lines.append(Text("★ lowest cross-entropy H(p,q)", style="dim"))
        compact = self.compact or len(scenario.models) > 2
        many = len(scenario.models) > MANY_IDENTITIES
        if compact:
            lines.append(Text(smoothed("H(p,q) = H(p) + KL(p‖q):", scenario), style="bold"))
        width = max(len(model.name) for model in scenario.models)
        shown = (best[:1] or (0,)) if many else range(len(scenario.models))
        for index, (model, measures) in enumerate(zip(scenario.models, all_measures, strict=True)):
            if self.hide_kl:  # the identity with the question's unknowns left as `?`
                if index in shown:
                    entropy = format_value(measures.entropy_p, 4)
                    head = (
                        f"  {model.name.ljust(width)}  "
                        if compact
                        else f"{model.name}\n  {smoothed('H(p,q) = H(p) + KL(p‖q)', scenario)}: "
                    )
                    lines.append(Text(f"{head}? = {entropy} + ?"))
                continue
            if index in shown:
                if compact:
                    lines.append(
                        self._compact_identity(model.name.ljust(width), measures, scenario)
                    )
                else:
                    lines.append(self._identity(model.name, measures, scenario))
            if math.isinf(measures.kl):
                cause = infinite_cause(scenario, index, measures)
                lines.append(
                    Text(
                        f"  KL = ∞: {cause}", style=Style(color=rich_colour(self.app, "divtui-kl"))
                    )
                )
                lines.append(Text(f"  {infinite_line(scenario, measures)}", style="dim"))
            if math.isinf(measures.reverse_kl):
                cause = reverse_infinite_cause(scenario, index, measures)
                lines.append(Text(f"  KL(q‖p) = ∞: {cause}", style="dim"))
        if many:
            lines.append(Text("  (every column above adds up the same way)", style="dim"))
        if scenario.label_smoothing:
            lines.append(
                Text(
                    f"label smoothing ε = {scenario.label_smoothing:g}: "
                    "measured with p′ = (1 − ε)·p + ε/K",
                    style="dim",
                )
            )
        return Group(*lines)

    @staticmethod
    def _value(value: float) -> Text:
        return Text(format_value(value, 4), style="bold" if math.isinf(value) else "")

    def _delta(self, field: str, delta: float | None, measures: PairMeasures) -> Text:
        """A measure's change since the baseline: empty when there is none (or no baseline for
        the model), coloured better or worse for the measures a model lowers."""
        if delta is None:
            return Text("")
        value = float(getattr(measures, field))
        if not math.isinf(delta) and abs(delta) <= UNCHANGED * max(1.0, abs(value)):
            return Text("")
        if field in LOWER_IS_BETTER:
            variable = "divtui-better" if delta < 0 else "divtui-worse"
            style: Style | str = Style(color=rich_colour(self.app, variable))
        else:
            style = "dim"
        if math.isinf(delta):
            return Text("+∞" if delta > 0 else "−∞", style=style)
        sign = "−" if delta < 0 else "+"
        size = abs(delta)
        return Text(f"{sign}{size:.4f}" if size >= 1e-4 else f"{sign}{size:.1e}", style=style)

    def _identity(self, name: str, measures: PairMeasures, scenario: Scenario) -> Text:
        text = Text(f"{name}\n", style="bold")
        text.append(f"  {smoothed(identity_line(measures), scenario)}", style="not bold")
        return text

    def _compact_identity(self, name: str, measures: PairMeasures, scenario: Scenario) -> Text:
        line = smoothed(identity_line(measures), scenario).split(": ", 1)[1]
        text = Text(f"  {name}  ", style="bold")
        text.append(line, style="not bold")
        return text
