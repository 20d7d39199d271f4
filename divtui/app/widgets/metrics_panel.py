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
from divtui.core.measures import PairMeasures
from divtui.core.report import format_value, identity_line, infinite_cause
from divtui.core.scenario import Scenario

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


class MetricsPanel(Widget, can_focus=True):
    """A table of measures (rows) by models (columns), with the identity written out."""

    DEFAULT_CSS = """
    MetricsPanel { height: auto; padding: 0 1; }
    """

    scenario: reactive[Scenario | None] = reactive(None, always_update=True, layout=True)
    """The scenario whose measures are shown; owned by the screen."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    def render(self) -> RenderableType:
        scenario = self.scenario
        if scenario is None:
            return ""
        unit = scenario.unit.value
        table = Table(box=None, pad_edge=False, expand=False, header_style="bold")
        table.add_column(f"in {unit}", no_wrap=True)
        for model in scenario.models:
            table.add_column(model.name, justify="right", no_wrap=True)
        for label, field, variable in ROWS:
            style = Style(color=rich_colour(self.app, variable), bold=True) if variable else None
            table.add_row(
                Text(label, style=style or ""),
                *(self._value(getattr(m, field)) for m in scenario.measures),
            )
        lines: list[RenderableType] = [table, Text("")]
        for index, (model, measures) in enumerate(
            zip(scenario.models, scenario.measures, strict=True)
        ):
            lines.append(self._identity(model.name, measures))
            if math.isinf(measures.kl):
                cause = infinite_cause(scenario, index)
                lines.append(
                    Text(
                        f"  KL = ∞: {cause}", style=Style(color=rich_colour(self.app, "divtui-kl"))
                    )
                )
        return Group(*lines)

    @staticmethod
    def _value(value: float) -> Text:
        return Text(format_value(value, 4), style="bold" if math.isinf(value) else "")

    def _identity(self, name: str, measures: PairMeasures) -> Text:
        text = Text(f"{name}\n", style="bold")
        text.append(f"  {identity_line(measures)}", style="not bold")
        return text
