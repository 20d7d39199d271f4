"""Views that fit the window: `v` cycles overview → lesson → table → all, the header names the
one shown, and each is kept as an SVG snapshot at 80x24, 100x30 and 120x40."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from divtui.app.app import DivtuiApp
from divtui.app.layout import View
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.distributions_chart import DistributionsChart
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.core.presets import preset

from .support import main_screen, shown_text

SnapCompare = Callable[..., bool]

SIZES = [(80, 24), (100, 30), (120, 40)]
PRESSES = {view: ["v"] * index for index, view in enumerate(View)}


def on_screen(widget: Widget) -> bool:
    """Whether the widget is drawn, whole, within the window (not scrolled away)."""
    region, screen = widget.region, widget.screen.region
    return bool(region) and screen.contains_region(region)


@pytest.mark.usefixtures("no_cursor_blink")
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("view", list(View), ids=lambda view: view.value)
def test_view_snapshot(snap_compare: SnapCompare, view: View, size: tuple[int, int]) -> None:
    assert snap_compare(DivtuiApp(preset("weather")), press=PRESSES[view], terminal_size=size)


async def test_v_cycles_the_views_and_the_header_names_each() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot.app)
        seen = []
        for _ in View:
            seen.append(screen.view)
            assert str(screen.sub_title).startswith(screen.view.value)
            await pilot.press("v")
            await pilot.pause()
        assert seen == list(View) and screen.view is View.OVERVIEW


async def test_at_80x24_the_first_screen_tells_the_story() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = main_screen(pilot.app)
        for widget in (OutcomeGrid, DecompositionChart, MetricsPanel):
            assert on_screen(screen.query_one(widget)), widget.__name__
        measures = shown_text(screen.query_one(MetricsPanel))
        assert "1.3863 = 1.1055 + 0.2808" in measures, "the identity line"
        assert "JS divergence" not in measures, "the compact form"
        assert pilot.app.focused is screen.query_one(OutcomeGrid)


async def test_at_120x40_nothing_is_hidden() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = main_screen(pilot.app)
        for widget in (OutcomeGrid, MetricsPanel, DistributionsChart, DecompositionChart):
            assert on_screen(screen.query_one(widget)), widget.__name__
        assert on_screen(screen.query_one(OutcomeChart))
        assert "JS divergence" in shown_text(screen.query_one(MetricsPanel))


async def test_the_lesson_puts_the_charts_first_and_keeps_the_keys_working() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(80, 24)) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("v")
        await pilot.pause()
        assert screen.view is View.LESSON
        assert on_screen(screen.query_one(DistributionsChart))
        assert on_screen(screen.query_one(DecompositionChart))
        assert not screen.query_one(OutcomeGrid).region, "the table gives way"
        await pilot.press("u")
        await pilot.pause()
        assert screen.scenario.unit.value == "bits"
        await pilot.press("v", "v", "v")  # table, all, overview: the table has the focus back
        await pilot.pause()
        assert pilot.app.focused is screen.query_one(OutcomeGrid)


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_the_footer_is_never_cut_mid_word(width: int) -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        footer = pilot.app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        assert keys and any(key.description == "Quit" for key in keys)
        regions = sorted((key.region, key.description) for key in keys)
        for (left, name), (right, other) in zip(regions, regions[1:], strict=False):
            assert left.right <= right.x, f"{name!r} runs into {other!r} at {width} columns"
        assert all(region.right <= footer.region.right for region, _ in regions)
