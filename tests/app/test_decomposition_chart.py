"""The decomposition chart as drawn: labelled segments, the gap view, the training hooks."""

from __future__ import annotations

import numpy as np
import pytest

from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.core.baseline import Baseline
from divtui.core.measures import compare
from divtui.core.presets import preset
from divtui.core.scenario import ModelInput, Scenario

from .chart_cells import ChartHost, bars, cells, colour_of, settled
from .support import shown_text

P = np.array([0.1, 0.2, 0.3, 0.4])


def q_with_kl(kl: float) -> np.ndarray:
    """A q between p and uniform whose KL(p‖q) is `kl` (bisection on the mixing weight)."""
    uniform = np.full(P.size, 1 / P.size)
    low, high = 0.0, 1.0
    for _ in range(80):
        t = (low + high) / 2
        if compare(P, (1 - t) * P + t * uniform).kl < kl:
            low = t
        else:
            high = t
    return (1 - low) * P + low * uniform


def close_models() -> Scenario:
    """Two models whose KL differ 3.5×, both tiny next to H(p) = 1.28."""
    models = [ModelInput("a", q_with_kl(0.007)), ModelInput("b", q_with_kl(0.002))]
    return Scenario.build(list("abcd"), P, models)


@pytest.mark.parametrize("size", [(60, 20), (50, 16), (100, 30)])
async def test_kl_of_0_007_and_0_002_draw_visibly_different_segments(
    size: tuple[int, int],
) -> None:
    scenario = close_models()
    assert [round(m.kl, 6) for m in scenario.measures] == [0.007, 0.002]
    app = ChartHost(DecompositionChart, scenario)
    async with app.run_test(size=size) as pilot:
        await settled(pilot, app.chart)
        grid = cells(app.chart)
        kl_rows = bars(grid, colour_of(app.chart, "divtui-kl"))
        text = shown_text(app.chart)
    assert len(kl_rows) == 2, kl_rows
    first, second = kl_rows
    assert first >= 2 * second, f"KL segments of {first} and {second} rows"
    assert second >= 1, "the smaller KL still shows"
    assert "broken axis" in text or "≈ from" in text or "axis from" in text
    assert "≈≈" in text, "the foot of each bar is drawn broken"
    assert "0.007" in text and "0.002" in text, "each KL segment carries its value"


async def test_the_gap_view_can_be_turned_off_and_the_axis_then_starts_at_zero() -> None:
    app = ChartHost(DecompositionChart, close_models())
    async with app.run_test(size=(60, 20)) as pilot:
        chart = app.chart
        assert isinstance(chart, DecompositionChart)
        await settled(pilot, chart)
        chart.gap_view = False
        await settled(pilot, chart, 2)
        text = shown_text(chart)
        assert "broken" not in text and "≈" not in text
        assert "0.0┤" in text or "0.00┤" in text or "0┤" in text
        chart.gap_view = None  # automatic again: KL is small next to H(p)
        await settled(pilot, chart, 3)
        assert "broken axis" in shown_text(chart)


async def test_the_weather_bar_is_labelled_with_its_parts_and_drawn_from_zero() -> None:
    app = ChartHost(DecompositionChart, preset("weather"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
        kl_rows = bars(cells(app.chart), colour_of(app.chart, "divtui-kl"))
        entropy_rows = bars(cells(app.chart), colour_of(app.chart, "divtui-entropy"))
    assert "1.386" in text and "KL 0.281" in text and "H(p) 1.106" in text
    assert "broken" not in text
    # 0.2808 on top of 1.1055: the segments' rows keep that ratio (±1 row of rounding).
    assert kl_rows[0] / entropy_rows[0] == pytest.approx(0.2808 / 1.1055, abs=0.1)


async def test_many_models_in_a_narrow_chart_put_the_values_above_the_bars() -> None:
    scenario = preset("distillation")
    app = ChartHost(DecompositionChart, scenario)
    async with app.run_test(size=(40, 16)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
    for measures in scenario.measures:
        assert f"{measures.cross_entropy:.3f}" in text
        assert f"+{measures.kl:.3f}" in text
    assert f"H(p) {scenario.measures[0].entropy_p:.3f}" in text, "in the legend"


async def test_a_training_run_keeps_its_axis_a_ghost_start_and_the_baseline_marker() -> None:
    start = preset("weather")
    now = start.with_column(1, list(0.3 * start.models[0].q + 0.7 * start.p))
    app = ChartHost(DecompositionChart, now)
    async with app.run_test(size=(60, 20)) as pilot:
        chart = app.chart
        assert isinstance(chart, DecompositionChart)
        await settled(pilot, chart)
        chart.axis_range = (0.0, start.measures[0].cross_entropy)
        chart.ghost = Baseline.pin(start)
        chart.baseline = Baseline.pin(start)
        await settled(pilot, chart, 2)
        grid = cells(chart)
        text = shown_text(chart)
        ghost = colour_of(chart, "divtui-cross-entropy")
        marker = colour_of(chart, "divtui-baseline")
    assert "broken" not in text, "the fixed range starts at 0"
    assert "░ start" in text and f"1.386 → {now.measures[0].cross_entropy:.3f}" in text
    assert "━ baseline" in text
    assert any(cell == ("░", ghost) for row in grid for cell in row), "the ghost bar is drawn"
    assert sum(cell == ("━", marker) for row in grid for cell in row) >= 5


async def test_an_infinite_kl_is_a_capped_bar_marked_infinite() -> None:
    app = ChartHost(DecompositionChart, preset("support-mismatch"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
    assert "∞" in text and "KL ∞" in text


async def test_with_label_smoothing_the_chart_names_p_prime() -> None:
    app = ChartHost(DecompositionChart, preset("label-smoothing"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
    assert "H(p′,q) = H(p′) + KL(p′‖q)" in text and "H(p′) " in text
