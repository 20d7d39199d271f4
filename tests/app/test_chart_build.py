"""The charts' own build path gives plotext's picture, cell for cell, without plotext's ANSI
round trip, and paints bars, marks and labels where plotext would put them."""

from __future__ import annotations

import pytest
from rich.text import Text

from divtui.app.widgets.training_chart import TrainingChart
from divtui.core.presets import preset
from divtui.core.training import TrainingRun

from .chart_cells import ChartHost, settled


@pytest.mark.parametrize("theme", ["divtui-dark", "divtui-light", "divtui-ansi"])
async def test_the_fast_build_is_plotext_s_own_picture(theme: str) -> None:
    scenario = preset("weather")

    def make() -> TrainingChart:
        return TrainingChart()

    app = ChartHost(make, scenario, theme)
    async with app.run_test(size=(70, 20)) as pilot:
        chart = app.chart
        assert isinstance(chart, TrainingChart)
        await settled(pilot, chart)
        built = chart.draw_count
        chart.run = TrainingRun.start(scenario, 0).step(8)
        await settled(pilot, chart, built + 1)
        chart._overlays = []  # plotext alone: no labels painted by the chart
        chart._stale = True
        chart._build_allowed = True
        ours = chart._build()
        theirs = Text.from_ansi(chart.plt.build())
    assert ours.plain == theirs.plain
    assert ours.spans == theirs.spans
