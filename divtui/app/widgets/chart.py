"""The base of divtui's charts: a plotext figure that draws from one place, off the critical path.

plotext is imported when a chart first builds, not with this module: the first frame (table and
measures) does not wait for it. plotext takes 15–30 ms to build a chart. The table and metrics
must repaint within a frame, so a data change only marks the chart stale and asks for a redraw
after the next refresh; a burst of changes before then collapses into one redraw of the newest
data. The built chart is cached and
reused until the data, the size or the theme changes.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.reactive import reactive
from textual.widget import Widget

from divtui.app.colours import PlotextColour, plotext_colour
from divtui.core.analysis import Analysis
from divtui.core.measures import PairMeasures
from divtui.core.scenario import Scenario

if TYPE_CHECKING:
    from textual_plotext.plot import Plot

LARGEST_DRAWN = 1e300
"""Finite values beyond this are drawn like infinite ones, capped: plotext's axis arithmetic on
them would overflow (a logits model with a gap near 1e308 has such a cross-entropy)."""


FRAME_ROWS = 4
"""The rows plotext takes from a chart's height for its title, frame and x tick labels."""


def drawable(value: float) -> bool:
    """Whether a value can go on a chart's axis as it is."""
    return math.isfinite(value) and abs(value) <= LARGEST_DRAWN


def _set_matrices(self: Any) -> None:
    """plotext's `matrix_class.set_matrices`, with the same result, without a call per cell:
    at 120x40 plotext spent a quarter of a chart's redraw here (twice per build)."""
    from plotext import _utility as plotext_utility

    cols, rows = self.cols, self.Rows
    space, none = plotext_utility.space, plotext_utility.no_color
    self.marker = [[space] * cols for _ in rows]
    self.fullground = [[none] * cols for _ in rows]
    first = min(max(self.Cols_canvas.start, 0), cols)
    last = min(max(self.Cols_canvas.stop, first), cols)
    axes, canvas = self.axes_color, self.canvas_color
    inside = [axes] * first + [canvas] * (last - first) + [axes] * (cols - last)
    self.background = [list(inside) if row in self.Rows_canvas else [axes] * cols for row in rows]
    self.style = [[none] * cols for _ in rows]


@cache
def _plotext() -> Any:
    """plotext's figure class, imported (and patched) on the first chart build."""
    from plotext import _matrix as plotext_matrix
    from textual_plotext.plot import Plot

    plotext_matrix.matrix_class.set_matrices = _set_matrices
    return Plot


def _plotext_theme(app_theme: str, surface: str, foreground: str) -> str:
    """The name of a plotext theme with the app theme's surface and foreground (registered
    with plotext the first time), as textual-plotext's "auto" theme does."""
    from plotext._dict import themes
    from textual_plotext.plot import _rgbify_theme, _sequence

    name = f"textual-auto-{app_theme}"
    if name not in themes:
        back, fore = Color.parse(surface).rgb, Color.parse(foreground).rgb
        themes[name] = _rgbify_theme(back, back, fore, "default", list(_sequence))
    return name


def _hashable(colours: tuple[object, ...]) -> tuple[object, ...]:
    """A matrix cell's (foreground, style, background) as a dictionary key."""
    return tuple(tuple(c) if isinstance(c, list) else c for c in colours)


_STYLES: dict[tuple[object, ...], Style] = {}
"""The Rich style of each plotext (foreground, style, background) seen so far: a theme has a
dozen, and parsing one costs a fifth of a millisecond."""


def _plotext_style(colours: tuple[object, ...]) -> Style:
    """The Rich style of a plotext cell's colours, read from the ANSI plotext would write for
    them (so every colour form plotext accepts maps as it always did)."""
    from plotext import _utility as plotext_utility

    parsed = Text.from_ansi(plotext_utility.colors_to_ansi(*colours) + "x")
    styles = [span.style for span in parsed.spans if isinstance(span.style, Style)]
    return Style.combine(styles) if styles else Style.null()


class Chart(Widget, can_focus=True):
    """A chart of a scenario; subclasses implement `draw`."""

    DEFAULT_CSS = """
    Chart { width: 1fr; height: 1fr; min-height: 10; }
    """

    analysis: reactive[Analysis | None] = reactive(None, always_update=True, repaint=False)
    """The scenario drawn, with its measures; owned by the screen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._figure: Plot | None = None
        self._stale = True
        self._redraw_pending = False
        self._build_allowed = False
        self._cache_key: tuple[object, ...] | None = None
        self._overlays: list[tuple[str, tuple[Any, ...], str, PlotextColour]] = []
        self._limits: tuple[float, float, float, float] | None = None
        self._cached: RenderResult | None = None
        self.draw_count = 0
        """How many times plotext actually built this chart (for tests and benchmarks)."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.replot())

    @property
    def plt(self) -> Plot:
        """The chart's plotext figure (made, and plotext imported, on first use)."""
        if self._figure is None:
            self._figure = _plotext()()
        return self._figure

    @property
    def up_to_date(self) -> bool:
        """Whether the chart on screen was built from its newest data (for tests that wait)."""
        return not self._stale and not self._redraw_pending

    @property
    def scenario(self) -> Scenario | None:
        """The scenario drawn (the analysis's)."""
        return None if self.analysis is None else self.analysis.scenario

    @property
    def measures(self) -> tuple[PairMeasures, ...]:
        """Every measure of each model, as the screen computed them (never here)."""
        assert self.analysis is not None, "a chart draws only once it has a scenario"
        return self.analysis.measures

    def watch_analysis(self) -> None:
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

    def plotext_theme(self) -> str:
        """plotext's theme for the app's: "clear" (the terminal's own colours) for an ANSI
        theme, else one with the theme's surface and foreground."""
        app = self.app
        if app.current_theme.ansi:
            return "clear"
        variables = app.theme_variables
        return _plotext_theme(app.theme, variables["surface"], variables["foreground"])

    def colour(self, variable: str) -> PlotextColour:
        """A theme colour variable as plotext takes it."""
        return plotext_colour(self.app, variable)

    def background(self) -> PlotextColour:
        """The chart's own background, as plotext takes it."""
        return "default" if self.app.current_theme.ansi else plotext_colour(self.app, "surface")

    def limits(self, left: float, right: float, low: float, high: float) -> None:
        """The axes' ranges; the bars, marks and labels below are placed by them."""
        self.plt.xlim(left, right)
        self.plt.ylim(low, high)
        self._limits = (left, right, low, high)
        # plotext draws the axes' ticks only for axes that carry data: two blank points.
        self.plt.scatter([left, right], [high, high], marker=" ")

    def rect(
        self, left: float, right: float, bottom: float, top: float, variable: str, marker: str = "█"
    ) -> None:
        """A filled rectangle (a bar) from column(left) to column(right) and row(bottom) to
        row(top), both ends included, as plotext places a bar; drawn in call order, over
        plotext's own lines."""
        self._overlays.append(("rect", (left, right, bottom, top), marker, self.colour(variable)))

    def mark(self, x: float, y: float, marker: str, variable: str) -> None:
        """One character at (x, y), as plotext places a scatter point."""
        self._overlays.append(("text", (x, y, "center"), marker, self.colour(variable)))

    def label(
        self,
        text: str,
        x: float,
        y: float,
        variable: str,
        alignment: Literal["left", "center", "right"] = "center",
    ) -> None:
        """Text on the chart in a theme colour, on the chart's own background (plotext would
        put it on a white box); cut at the plot's edges."""
        self._overlays.append(("label", (x, y, alignment), text, self.colour(variable)))

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
        plt = self.plt
        plt.clear_figure()
        self._overlays = []
        self._limits = None
        if self.scenario is not None and self.size.width > 4 and self.size.height > 4:
            self.draw(self.scenario)
        self._cached = self._build()
        self._cache_key = key
        self._stale = False
        self.draw_count += 1
        return self._cached

    def _build(self) -> Text:
        """What textual-plotext's PlotextPlot.render does, without its detour through text:
        plotext fills its character and colour matrices, and they become Rich text directly.
        Writing the ANSI string and parsing it back took half of a chart's redraw at 120x40."""
        figure: Any = self.plt
        width, height = self.size.width, self.size.height
        figure.plotsize(width, height)
        figure._set_size(width, height)
        figure.theme(self.plotext_theme())
        figure._set_sizes()
        figure._build_matrix()
        matrix = figure.monitor.matrix
        self._paint(matrix)
        text = Text(no_wrap=True, overflow="crop", end="")
        styles = _STYLES
        markers, fullground = matrix.marker, matrix.fullground
        style_rows, background = matrix.style, matrix.background
        rows = range(matrix.rows - 1, -1, -1)
        for row in rows:
            characters = markers[row]
            colours = list(zip(fullground[row], style_rows[row], background[row], strict=True))
            start = 0
            for column in range(1, len(characters) + 1):
                if column < len(characters) and colours[column] == colours[start]:
                    continue
                try:
                    style = styles[colours[start]]
                except KeyError:
                    style = styles[colours[start]] = _plotext_style(colours[start])
                except TypeError:  # a colour given as a list
                    key = _hashable(colours[start])
                    if key not in styles:
                        styles[key] = _plotext_style(colours[start])
                    style = styles[key]
                text.append("".join(characters[start:column]), style)
                start = column
            text.append("\n")
        return text

    def _paint(self, matrix: Any) -> None:
        """Draw the bars, marks and labels into plotext's matrices, in the order they were
        given. plotext's own bars cost a filled polygon each (most of a redraw); a rectangle
        of cells is all a bar is."""
        if self._limits is None or not self._overlays:
            return
        left, right, low, high = self._limits
        columns, rows = matrix.Cols_canvas, matrix.Rows_canvas
        if not columns or not rows or right <= left or high <= low:
            return

        def column(x: float) -> int:
            offset = 0.5 + (len(columns) - 1) * (x - left) / (right - left)
            return int(columns.start + math.floor(round(offset, 8)))

        def row(y: float) -> int:
            offset = 0.5 + (len(rows) - 1) * (y - low) / (high - low)
            return int(rows.start + math.floor(round(offset, 8)))

        markers, fullground, background = matrix.marker, matrix.fullground, matrix.background
        back = self.background()
        for kind, where, text, colour in self._overlays:
            if kind == "rect":
                x0, x1, y0, y1 = where
                c0, c1 = sorted((column(x0), column(x1)))
                r0, r1 = sorted((row(y0), row(y1)))
                c0, c1 = max(c0, columns.start), min(c1, columns.stop - 1)
                r0, r1 = max(r0, rows.start), min(r1, rows.stop - 1)
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        markers[r][c] = text
                        fullground[r][c] = colour
                continue
            x, y, alignment = where
            c, r = column(x), row(y)
            if r not in rows:
                continue
            size = len(text)
            start = (
                c
                if alignment == "left"
                else c - size // 2
                if alignment == "center"
                else c - size + 1
            )
            for i, char in enumerate(text):
                if start + i in columns:
                    markers[r][start + i] = char
                    fullground[r][start + i] = colour
                    if kind == "label":
                        background[r][start + i] = back

    def draw(self, scenario: Scenario) -> None:
        """Draw `scenario` with `self.plt`; called at most once per change, size or theme."""
        raise NotImplementedError


class ModelChart(Chart):
    """A chart of one model at a time: the one under the table's cursor."""

    model_index: reactive[int] = reactive(0, repaint=False)
    """The model drawn (the one under the table's cursor); set by the screen."""

    def _watch_model_index(self) -> None:
        self.replot()
