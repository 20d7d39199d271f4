"""Read a rendered chart cell by cell: its characters and their colours, as the terminal gets
them, so chart tests can assert on the picture rather than on what was passed to plotext."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.color import Color as RichColor
from textual.app import App, ComposeResult
from textual.reactive import reactive

from divtui.app.colours import theme_colour
from divtui.app.theme_files import CHART_VARIABLES, discover_themes
from divtui.app.widgets.chart import Chart
from divtui.core.analysis import Analysis
from divtui.core.scenario import Scenario

Cell = tuple[str, tuple[int, int, int] | None]
"""A character and its foreground colour (None for the terminal's default)."""


def _rgb(colour: RichColor | None) -> tuple[int, int, int] | None:
    if colour is None or colour.is_default:
        return None
    triplet = colour.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def cells(chart: Chart) -> list[list[Cell]]:
    """Every cell the chart paints, row by row."""
    grid: list[list[Cell]] = []
    for y in range(chart.size.height):
        row: list[Cell] = []
        for segment in chart.render_line(y):
            colour = _rgb(segment.style.color) if segment.style else None
            row.extend((char, colour) for char in segment.text)
        grid.append(row)
    return grid


def colour_of(chart: Chart, variable: str) -> tuple[int, int, int]:
    """The RGB a chart colour variable paints with in the current theme."""
    return theme_colour(chart.app, variable).rgb


def column_runs(grid: list[list[Cell]], colour: tuple[int, int, int], char: str = "█") -> list[int]:
    """For each column, how many cells of it show `char` in `colour`."""
    width = max(len(row) for row in grid)
    return [
        sum(1 for row in grid if x < len(row) and row[x] == (char, colour)) for x in range(width)
    ]


def bars(grid: list[list[Cell]], colour: tuple[int, int, int]) -> list[int]:
    """The heights (in rows) of the bars of one colour, left to right: runs of adjacent columns
    that show it, each measured by its tallest column."""
    runs = column_runs(grid, colour)
    heights: list[int] = []
    current = 0
    for count in [*runs, 0]:
        if count:
            current = max(current, count)
        elif current:
            heights.append(current)
            current = 0
    return heights


class ChartHost(App[None]):
    """One chart bound to a scenario, in divtui's themes, at whatever size the test runs."""

    scenario: reactive[Scenario | None] = reactive(None, always_update=True)
    """The scenario drawn."""
    analysis: reactive[Analysis | None] = reactive(None, always_update=True)
    """Its analysis, as the main screen computes it once per change."""

    def watch_scenario(self, scenario: Scenario | None) -> None:
        self.analysis = None if scenario is None else Analysis.of(scenario)

    def __init__(self, make: Callable[[], Chart], scenario: Scenario, theme: str = "divtui-dark"):
        super().__init__()
        for entry in discover_themes().themes:
            self.register_theme(entry.theme)
        self.theme = theme
        self._make = make
        self._initial = scenario

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(CHART_VARIABLES)

    def compose(self) -> ComposeResult:
        yield self._make().data_bind(ChartHost.analysis)

    def on_mount(self) -> None:
        self.scenario = self._initial

    @property
    def chart(self) -> Chart:
        """The chart under test."""
        return self.query_one(Chart)


async def settled(pilot: Any, chart: Chart, at_least: int = 1) -> None:
    """Wait (with a deadline) until the chart has been built `at_least` times and painted."""
    for _ in range(100):
        await pilot.pause(0.02)
        if chart.draw_count >= at_least and not chart._stale:
            await pilot.pause()
            return
    raise AssertionError(f"the chart was built {chart.draw_count} times, not {at_least}")
