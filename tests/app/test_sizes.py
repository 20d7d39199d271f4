"""Terminal sizes: from 1×1 to 250×80, a notice below 60×16, everything reachable at 80×24."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widget import Widget

from divtui.app.layout import MIN_HEIGHT, MIN_WIDTH

from .support import main_screen, new_app, shown_words

SIZES = [(1, 1), (2, 2), (10, 5), (40, 12), (59, 15), (60, 16), (80, 24), (120, 40), (250, 80)]


def is_tiny(width: int, height: int) -> bool:
    """Whether divtui should show the too-small notice instead of its body."""
    return width < MIN_WIDTH or height < MIN_HEIGHT


async def test_every_size_and_rapid_resizes_keep_the_app_sane() -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        notice = screen.query_one("#too-small")
        body = screen.query_one("#body")
        extra = [(59, 16), (60, 15), (60, 16)]  # each bound alone makes the notice appear
        for width, height in [*SIZES, *extra, *reversed(SIZES)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert screen.size == (width, height)
            tiny = is_tiny(width, height)
            assert screen.has_class("-tiny") is tiny, (width, height)
            assert notice.display is tiny
            assert body.display is not tiny
            if tiny and width >= 40:
                assert "too small" in shown_words(notice)
                assert f"{MIN_WIDTH}×{MIN_HEIGHT}" in shown_words(notice)
        # A burst of resizes with no pause between them, then the last one must win.
        for width, height in [*SIZES, *reversed(SIZES), (30, 10), (80, 24)]:
            await pilot.resize_terminal(width, height)
        await pilot.pause()
        await pilot.pause()
        assert screen.size == (80, 24)
        assert not screen.has_class("-tiny")
        assert body.display and not notice.display
        assert app.is_running


def visible(widget: Widget, screen_region: Region) -> bool:
    """Whether some of the widget is painted on the screen."""
    return widget.region.area > 0 and screen_region.overlaps(widget.region)


@pytest.mark.parametrize(
    ("views", "wanted"),
    [
        (0, ["grid", "metrics", "decomposition"]),  # overview: the story on one screen
        (3, ["grid", "distributions", "metrics", "decomposition", "outcomes"]),  # all
    ],
    ids=["overview", "all"],
)
async def test_at_80x24_table_metrics_and_charts_are_reachable_with_tab(
    views: int, wanted: list[str]
) -> None:
    async with new_app().run_test(size=(80, 24)) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press(*["v"] * views)
        await pilot.pause()
        assert screen.has_class("-narrow") and not screen.has_class("-tiny")
        region = Region(0, 0, 80, 24)
        reached: list[str] = []
        for _ in range(10):
            focused = pilot.app.focused
            assert focused is not None
            if focused.id in wanted and focused.id not in reached:
                assert visible(focused, region), f"{focused.id} focused but not on screen"
                reached.append(focused.id)
            await pilot.press("tab")
            await pilot.pause()
        assert reached == wanted
        for name in wanted:
            widget = screen.query_one(f"#{name}")
            widget.scroll_visible(animate=False)
            await pilot.pause()
            assert visible(widget, region), name
            # Side by side at 80 columns the table and the measures share the width; the
            # charts (and, in the all view, everything) take the full width.
            least = 60 if views or name not in ("grid", "metrics") else 28
            assert widget.size.width >= least, f"{name} is squeezed to {widget.size}"
