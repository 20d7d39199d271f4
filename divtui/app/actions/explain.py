"""The handler of `e` (and Enter on the measures panel): explain the selected measure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.widgets.measure_cursor import HIDDEN
from divtui.app.widgets.metrics_panel import ROWS, MetricsPanel
from divtui.core.explain import EXPLAINED, RENYI

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


def open_explanation(screen: MainScreen) -> None:
    """Open the explanation of the measure and model selected in the measures panel (KL(p‖q)
    of the first model until another is selected)."""
    from divtui.app.screens.explanation import ExplanationScreen  # it reads the command table

    panel = screen.query_one(MetricsPanel)
    field, model = panel.selection()
    if field not in EXPLAINED and field != RENYI:  # a row added before its explanation
        name = next((label for label, row, _ in ROWS if row == field), field)
        screen.notify(f"{name} has no explanation yet.", severity="warning", markup=False)
        return
    if panel.hide_kl and field in HIDDEN:
        screen.notify(
            "Answer the question first: this explanation would give the answer away.",
            severity="warning",
            markup=False,
        )
        return
    screen.app.push_screen(ExplanationScreen(screen, field, model, panel.renyi_alpha))
