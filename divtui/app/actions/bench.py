"""Handlers of the ML engineer's bench: the code panel, copying at full precision, locks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.screens.prompt import PromptScreen
from divtui.core.copy_text import bar_copy, cell_copy, measure_copy, term_copy
from divtui.core.distribution import parse_number
from divtui.core.errors import DivtuiError
from divtui.core.formatting import format_value
from divtui.core.locks import rescale_notice
from divtui.core.locks import toggle_lock as toggle_lock_of
from divtui.core.token_analysis import floored_kl, token_lines

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


def show_code(screen: MainScreen) -> None:
    """Open the code panel for the selected model (the one the charts follow)."""
    from divtui.app.screens.code_panel import CodePanel  # not needed for the first frame
    from divtui.core.snippets import data_source, snippets

    scenario = screen.scenario
    index = min(screen.chart_model, len(scenario.models) - 1)
    path = screen.session.path
    source = data_source(
        scenario,
        None if path is None else str(path),
        unsaved=screen.session.has_unsaved_changes,
        kiosk=screen.kiosk is not None,
    )
    name = scenario.models[index].name
    title = f"The calls for {name} ({scenario.size:,} outcomes; frameworks measure in nats)"
    if isinstance(source, str):
        screen.app.push_screen(CodePanel(title, (), source))
    else:
        screen.app.push_screen(CodePanel(title, snippets(scenario, index, source), None))


def copy_value(screen: MainScreen) -> None:
    """Copy what is focused at full precision: a cell, the measure selected in the measures
    panel, the selected model's bar, or the selected outcome's KL term."""
    from divtui.app.widgets.decomposition_chart import DecompositionChart
    from divtui.app.widgets.measure_cursor import HIDDEN
    from divtui.app.widgets.metrics_panel import ROWS, MetricsPanel
    from divtui.app.widgets.outcome_chart import OutcomeChart

    scenario, focused = screen.scenario, screen.focused
    index = min(screen.chart_model, len(scenario.models) - 1)
    measures = screen.analysis.measures[index]
    cell = screen.cursor
    if isinstance(focused, MetricsPanel):
        field, index = focused.selection()
        if focused.hide_kl and field in HIDDEN:
            screen.notify("That measure is hidden until the question is answered.", timeout=3)
            return
        label = next(label for label, key, _ in ROWS if key == field)
        measures = screen.analysis.measures[index]
        text, what = measure_copy(scenario, index, measures, field, label)
    elif isinstance(focused, DecompositionChart):
        text, what = bar_copy(scenario, index, measures)
    elif isinstance(focused, OutcomeChart):
        text, what = term_copy(scenario, index, cell.outcome)
    else:
        text, what = cell_copy(scenario, cell.outcome, cell.column, screen.weights_mode)
    screen.app.copy_to_clipboard(text)
    shown = text if "\n" not in text and len(text) <= 40 else f"{len(text.splitlines())} lines"
    screen.notify(f"Copied {what}: {shown}", timeout=3, markup=False)


def copy_report(screen: MainScreen) -> None:
    """Copy the whole scenario's report, as Markdown."""
    from divtui.core.report import ReportFormat, render

    text = render(screen.scenario, ReportFormat.MARKDOWN)
    screen.app.copy_to_clipboard(text)
    lines = len(text.splitlines())
    screen.notify(f"Copied the report as Markdown ({lines:,} lines).", timeout=3, markup=False)


def floor_what_if(screen: MainScreen) -> None:
    """Ask for ε and say what KL would be with the selected model's q floored at ε and
    renormalised (what an infinite KL becomes once no outcome is ruled out)."""
    scenario = screen.scenario
    index = min(screen.chart_model, len(scenario.models) - 1)
    name = scenario.models[index].name

    def answer(text: str) -> str:
        epsilon = parse_number(text, "floor ε")
        value = floored_kl(scenario, index, epsilon)
        lines = [
            f"{name}: KL with q floored at {epsilon:g} and renormalised = "
            f"{format_value(value)} {scenario.unit.value} ({value!r})"
        ]
        return "\n".join([*lines, *token_lines(scenario, index)])

    def show(text: str | None) -> None:
        if text is not None:
            screen.notify(answer(text), timeout=10, markup=False)

    screen.app.push_screen(
        PromptScreen(f"Floor {name}'s q at ε (0 < ε < 1), then renormalise:", "1e-6", answer),
        show,
    )


def toggle_lock(screen: MainScreen) -> None:
    """Lock (or unlock) the cell under the cursor: later edits in its column rescale only the
    unlocked cells."""
    cell = screen.cursor
    if cell.column is None:
        screen.notify("Move to a p or q cell to lock it.", severity="warning", markup=False)
        return
    try:
        scenario, notice = toggle_lock_of(screen.scenario, cell.column, cell.outcome)
    except DivtuiError as error:
        screen.notify(str(error), severity="error", markup=False)
        return
    screen.scenario = scenario
    screen.notify(notice, timeout=3, markup=False)


def notify_rescaled(screen: MainScreen, row: int, column: int | None) -> None:
    """After a cell edit in a column with locks: say which cells were rescaled and kept."""
    scenario = screen.scenario
    if column is None or not 0 <= row < scenario.size or column >= scenario.column_count:
        return
    if notice := rescale_notice(scenario, column, row):
        screen.notify(notice, timeout=4, markup=False)
