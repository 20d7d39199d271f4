"""The base of divtui's charts: a PlotextPlot that draws from one place, off the critical path.

plotext takes 15–30 ms to build a chart. The table and metrics must repaint within a frame, so a
data change only marks the chart stale and asks for a redraw after the next refresh; a burst of
changes before then collapses into one redraw of the newest data. The built chart is cached and
reused until the data, the size or the theme changes.
"""

from __future__ import annotations

import math
from typing import Literal

from textual.app import RenderResult
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from divtui.app.colours import PlotextColour, plotext_colour
from divtui.core.scenario import Scenario

LARGEST_DRAWN = 1e300
"""Finite values beyond this are drawn like infinite ones, capped: plotext's axis arithmetic on
them would overflow (a logits model with a gap near 1e308 has such a cross-entropy)."""


FRAME_ROWS = 4
"""The rows plotext takes from a chart's height for its title, frame and x tick labels."""


def drawable(value: float) -> bool:
    """Whether a value can go on a chart's axis as it is."""
    return math.isfinite(value) and abs(value) <= LARGEST_DRAWN


class Chart(PlotextPlot, can_focus=True):
    """A chart of a scenario; subclasses implement `draw`."""

    DEFAULT_CSS = """
    Chart { height: 1fr; min-height: 10; }
    """

    scenario: reactive[Scenario | None] = reactive(None, always_update=True, repaint=False)
    """The scenario drawn; owned by the screen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._stale = True
        self._redraw_pending = False
        self._build_allowed = False
        self._cache_key: tuple[object, ...] | None = None
        self._cached: RenderResult | None = None
        self.draw_count = 0
        """How many times plotext actually built this chart (for tests and benchmarks)."""

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.replot())

    def watch_scenario(self) -> None:
        self.replot()

    def replot(self) -> None:
        """Mark the chart stale and redraw it once, after the screen's next refresh."""
        self._stale = True
        self._schedule()

    def _schedule(self) -> None:
        if not self._redraw_pending:
            self._redraw_pending = True
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        self._redraw_pending = False
        self._build_allowed = True
        self.refresh()

    def colour(self, variable: str) -> PlotextColour:
        """A theme colour variable as plotext takes it."""
        return plotext_colour(self.app, variable)

    def background(self) -> PlotextColour:
        """The chart's own background, as plotext takes it."""
        return "default" if self.app.current_theme.ansi else plotext_colour(self.app, "surface")

    def label(
        self,
        text: str,
        x: float,
        y: float,
        variable: str,
        alignment: Literal["left", "center", "right"] = "center",
    ) -> None:
        """Text on the chart in a theme colour, on the chart's own background (plotext would
        put it on a white box)."""
        self.plt.text(
            text,
            x,
            y,
            color=self.colour(variable),
            background=self.background(),
            alignment=alignment,
        )

    def plot_rows(self, *, xlabel: bool = False) -> int:
        """About how many text rows plotext gives the plot area (title, frame and x ticks off)."""
        return max(1, self.size.height - FRAME_ROWS - (1 if xlabel else 0))

    def plot_columns(self, tick_width: int) -> int:
        """About how many columns plotext gives the plot area beside y tick labels this wide."""
        return max(1, self.size.width - tick_width - 2)

    def legend(
        self, entries: list[tuple[str, str]], left: float, y: float, per_column: float
    ) -> None:
        """A one-row legend, entries (text, colour variable) from `left` rightwards; drawn by
        the chart itself on a row its bars leave free, so nothing can overwrite it."""
        x = left + per_column
        for text, variable in entries:
            self.label(text, x, y, variable, alignment="left")
            x += (len(text) + 2) * per_column

    def render(self) -> RenderResult:
        key = (self.size, self.app.theme)
        if self._cached is not None and not self._stale and key == self._cache_key:
            return self._cached
        if not self._build_allowed:
            # Never build in the frame that asked for it: show the last chart (or nothing yet)
            # and build in the next one, after the table and metrics have painted.
            self._schedule()
            return self._cached if self._cached is not None else ""
        self._build_allowed = False
        self.theme = "clear" if self.app.current_theme.ansi else "auto"
        plt = self.plt
        plt.clear_figure()
        if self.scenario is not None and self.size.width > 4 and self.size.height > 4:
            self.draw(self.scenario)
        self._cached = super().render()
        self._cache_key = key
        self._stale = False
        self.draw_count += 1
        return self._cached

    def draw(self, scenario: Scenario) -> None:
        """Draw `scenario` with `self.plt`; called at most once per change, size or theme."""
        raise NotImplementedError
