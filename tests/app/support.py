"""Helpers for the app tests: reach the main screen's parts and read what they show."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Label

from divtui.app.app import DivtuiApp
from divtui.app.commands import CommandsProvider
from divtui.app.screens.main import MainScreen
from divtui.app.widgets.chart import Chart
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.core.outcome_order import SortBy
from divtui.core.presets import preset

SIZE = (120, 40)
"""The size most behaviour tests run at: everything visible at once."""


def main_screen(app: App[Any]) -> MainScreen:
    """The app's main screen (which must be the active one)."""
    screen = app.screen
    assert isinstance(screen, MainScreen), f"expected the main screen, got {screen!r}"
    return screen


def shown_lines(widget: Widget) -> list[str]:
    """The text of each line the widget paints, as on the terminal."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def shown_text(widget: Widget) -> str:
    """Everything the widget paints, one line per row."""
    return "\n".join(shown_lines(widget))


def shown_words(widget: Widget) -> str:
    """What the widget paints with its line wrapping undone (words joined by single spaces)."""
    return " ".join(" ".join(shown_lines(widget)).split())


def words(text: str) -> str:
    """`text` with its whitespace collapsed, to compare with `shown_words`."""
    return " ".join(text.split())


def metrics_text(app: App[Any]) -> str:
    """What the metrics panel shows."""
    return shown_text(main_screen(app).query_one(MetricsPanel))


def metrics_rows(app: App[Any]) -> dict[str, list[str]]:
    """The metrics table as shown: row label → its cells, one per model (the header row is
    keyed by its first cell, `in <unit>`)."""
    rows: dict[str, list[str]] = {}
    for line in shown_lines(main_screen(app).query_one(MetricsPanel)):
        if not line.strip():
            break  # the table ends; the identities follow
        label, _, values = line.strip().partition("  ")
        rows[label.strip()] = values.split()
    return rows


def grid(app: App[Any]) -> OutcomeGrid:
    """The grid of outcomes."""
    return main_screen(app).query_one(OutcomeGrid)


def cell(app: App[Any], row: int, column: int) -> str:
    """The text shown in a grid cell (column 0 is the label, 1 is p, 2… the models)."""
    return grid(app).get_cell_at(Coordinate(row, column)).plain


def grid_column(app: App[Any], column: int) -> list[str]:
    """The texts shown down one grid column (the labels without the rank a sorted table
    shows before them: `ranks` reads those)."""
    table = grid(app)
    texts = [table.get_cell_at(Coordinate(row, column)).plain for row in range(table.row_count)]
    if column == 0 and table.sorting.by is not SortBy.OUTCOME:
        texts = [text.split(maxsplit=1)[1] for text in texts]
    return texts


def ranks(app: App[Any]) -> list[str]:
    """The ranks a sorted table shows before its labels, top to bottom."""
    table = grid(app)
    return [
        table.get_cell_at(Coordinate(row, 0)).plain.split()[0] for row in range(table.row_count)
    ]


def editor(app: App[Any]) -> Input:
    """The cell editor's input."""
    return main_screen(app).query_one("#editor-input", Input)


def editor_error(app: App[Any]) -> str:
    """The message beside the cell editor, as shown (wrapping undone)."""
    return shown_words(main_screen(app).query_one("#editor-error", Label))


def charts(app: App[Any]) -> list[Chart]:
    """The charts on screen: decomposition and per-outcome (or training, while a run shows)."""
    return [chart for chart in main_screen(app).query(Chart) if chart.display]


def draw_counts(app: App[Any]) -> list[int]:
    """How many times each chart has been built by plotext."""
    return [chart.draw_count for chart in charts(app)]


def toasts(app: App[Any]) -> list[str]:
    """The notifications on screen (needs `run_test(notifications=True)`)."""
    return [shown_words(toast) for toast in app.screen.query("Toast")]


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` key by key."""
    await pilot.press(*("space" if char == " " else char for char in text))


async def commit(pilot: Pilot[None], text: str) -> None:
    """Open the editor on the cursor's cell, replace its text with `text` and press Enter."""
    await pilot.press("enter")
    editor(pilot.app).value = ""
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


def new_app(name: str = "weather", theme: str | None = None) -> DivtuiApp:
    """An app on a preset scenario."""
    return DivtuiApp(preset(name), theme=theme)


def header_text(app: App[Any]) -> str:
    """The title and sub-title as the header shows them."""
    return shown_words(main_screen(app).query_one("HeaderTitle"))


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 5.0
) -> None:
    """Let the app run until `condition` holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(0.02)


async def charts_drawn(pilot: Pilot[None]) -> None:
    """Wait until every chart on screen has been built from its newest data."""
    await wait_for(
        pilot,
        lambda: all(chart.up_to_date for chart in charts(pilot.app) if chart.display),
        "every chart on screen to draw its newest data",
        timeout=30,
    )


class FakeTimer:
    """A timer a `FakeClock` started: it fires only when the test says."""

    def __init__(self, interval: float, callback: Callable[[], None]) -> None:
        self.interval = interval
        self.callback = callback
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


class FakeClock:
    """A schedule for the trainer (`Trainer.schedule`) whose timers tick on demand, so a run's
    state after n frames is exact."""

    def __init__(self) -> None:
        self.timers: list[FakeTimer] = []

    def schedule(self, interval: float, callback: Callable[[], None]) -> FakeTimer:
        timer = FakeTimer(interval, callback)
        self.timers.append(timer)
        return timer

    def tick(self, frames: int = 1) -> None:
        """Fire the newest timer `frames` times (each is one frame of the animation)."""
        for _ in range(frames):
            timer = self.timers[-1]
            if timer.stopped:
                return
            timer.callback()


async def palette_titles(app: App[Any]) -> set[str]:
    """Every command the palette offers on the main screen: divtui's and Textual's."""
    screen = main_screen(app)
    hits = [hit async for hit in CommandsProvider(screen).discover()]
    titles = {str(hit.text) for hit in hits}
    return titles | {command.title for command in app.get_system_commands(screen)}


async def settle(pilot: Pilot[None]) -> None:
    """Let queued messages and file workers (open, save) finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
