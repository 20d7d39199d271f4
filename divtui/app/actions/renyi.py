"""Handlers for the Rényi divergence: type the order α the measures show D_α at, and open the
chart of D_α against α."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.screens.prompt import PromptScreen
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.core.renyi import format_alpha, parse_alpha

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen

DEFAULT_ALPHA = 2.0
"""The order first offered when none is set yet (D_2 is log of 1 + χ²)."""


def panel(screen: MainScreen) -> MetricsPanel:
    """The measures panel, which holds the order α its D_α row shows (the α is view state,
    not part of the scenario: it is neither undone nor saved)."""
    return screen.query_one(MetricsPanel)


def set_alpha(screen: MainScreen) -> None:
    """Type the Rényi order α exactly (a number ≥ 0 or inf); an empty answer hides the row."""
    current = panel(screen).renyi_alpha

    def apply(text: str | None) -> None:
        if text is None:
            return
        if not text.strip():
            panel(screen).renyi_alpha = None
            screen.notify("The measures no longer show D_α.", timeout=2, markup=False)
            return
        alpha = parse_alpha(text)
        panel(screen).renyi_alpha = alpha
        screen.notify(f"The measures show D_{format_alpha(alpha)}(p‖q).", timeout=2, markup=False)

    screen.app.push_screen(
        PromptScreen(
            "Rényi order α ≥ 0 or inf (D_α = log Σ p^α q^(1−α) / (α − 1); empty: hide):",
            value=format_alpha(DEFAULT_ALPHA if current is None else current).replace("∞", "inf"),
            check=lambda text: parse_alpha(text) if text.strip() else None,
        ),
        apply,
    )


def open_chart(screen: MainScreen) -> None:
    """Open the chart of D_α(p‖q) against α, the current α marked; α set there comes back."""
    from divtui.app.screens.renyi import RenyiScreen

    def apply(alpha: float | None) -> None:
        if alpha is not None:
            panel(screen).renyi_alpha = alpha

    screen.app.push_screen(
        RenyiScreen(screen.analysis, panel(screen).renyi_alpha, screen.chart_model), apply
    )
