"""The charts as pictures, each alone at a panel's size, in the three shipped themes.

Update with `pytest tests/app/test_chart_snapshots.py --snapshot-update`, then look at every
changed SVG as a PNG (`chromium --headless --screenshot=x.png file://…/x.svg`) before accepting.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from divtui.app.widgets.chart import Chart
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.distributions_chart import DistributionsChart
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.core.baseline import Baseline
from divtui.core.presets import preset
from divtui.core.scenario import ModelInput, Scenario

from .chart_cells import ChartHost
from .test_decomposition_chart import close_models

SnapCompare = Callable[..., bool]
THEMES = ["divtui-dark", "divtui-light", "divtui-ansi"]


def tokens() -> Scenario:
    """50,000 outcomes labelled tok00000 …, like a next-token distribution."""
    rng = np.random.default_rng(2026)
    size = 50_000
    return Scenario.build(
        [f"tok{i:05d}" for i in range(size)],
        rng.dirichlet(np.full(size, 0.5)),
        [ModelInput("student", rng.dirichlet(np.full(size, 0.5)))],
    )


@pytest.mark.parametrize("theme", THEMES)
def test_decomposition_gap_view(snap_compare: SnapCompare, theme: str) -> None:
    assert snap_compare(
        ChartHost(DecompositionChart, close_models(), theme), terminal_size=(60, 20)
    )


def test_decomposition_with_a_ghost_and_a_baseline(snap_compare: SnapCompare) -> None:
    start = preset("weather")
    now = start.with_column(1, list(0.3 * start.models[0].q + 0.7 * start.p))

    def make() -> Chart:
        chart = DecompositionChart()
        chart.set_reactive(DecompositionChart.axis_range, (0.0, start.measures[0].cross_entropy))
        chart.set_reactive(DecompositionChart.ghost, Baseline.pin(start))
        chart.set_reactive(DecompositionChart.baseline, Baseline.pin(start))
        return chart

    assert snap_compare(ChartHost(make, now), terminal_size=(60, 20))


@pytest.mark.parametrize("theme", THEMES)
def test_per_outcome_terms(snap_compare: SnapCompare, theme: str) -> None:
    assert snap_compare(
        ChartHost(OutcomeChart, preset("support-mismatch"), theme), terminal_size=(60, 20)
    )


def test_per_outcome_terms_of_50000_tokens(snap_compare: SnapCompare) -> None:
    assert snap_compare(ChartHost(OutcomeChart, tokens()), terminal_size=(60, 20))


@pytest.mark.parametrize("theme", THEMES)
def test_p_against_two_models(snap_compare: SnapCompare, theme: str) -> None:
    assert snap_compare(
        ChartHost(DistributionsChart, preset("distillation"), theme), terminal_size=(60, 20)
    )


def test_p_against_q_for_50000_tokens(snap_compare: SnapCompare) -> None:
    assert snap_compare(ChartHost(DistributionsChart, tokens()), terminal_size=(70, 20))
