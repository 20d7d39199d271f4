"""Handlers that edit the table's outcomes, units and baseline, and move about in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from divtui.app.actions.quiz import allows
from divtui.app.screens.help import HelpScreen
from divtui.app.screens.prompt import PromptScreen
from divtui.app.widgets.chart import Chart
from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.core.baseline import Baseline
from divtui.core.errors import DivtuiError
from divtui.core.outcome_order import Sorting, find_outcome

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


def show_help(screen: MainScreen) -> None:
    """Show every key."""
    from divtui.app.commands import COMMANDS

    screen.app.push_screen(HelpScreen(c for c in COMMANDS if c.kiosk or screen.kiosk is None))


def cycle_unit(screen: MainScreen) -> None:
    """Measure in the next unit (a training run carries on in it)."""
    unit = screen.scenario.unit.next()
    if not screen.trainer.change_unit(unit):
        screen.scenario = screen.scenario.with_unit(unit)
    screen.notify(f"Unit: {unit.value}", timeout=2, markup=False)


def toggle_weights(screen: MainScreen) -> None:
    """Switch the table between probabilities and weights."""
    screen.weights_mode = not screen.weights_mode


def normalise(screen: MainScreen) -> None:
    """Replace the current column's weights by its probabilities."""
    column = screen.cursor.column
    if column is None:
        screen.notify("Move to a p or q column to normalise it.", severity="warning")
        return
    screen.scenario = screen.scenario.normalised(column)
    screen.notify(f"Normalised {screen.scenario.column_name(column)}.", timeout=2, markup=False)


def add_outcome(screen: MainScreen) -> None:
    """Ask for a label and add an outcome with weight 0 everywhere."""
    screen.ask("Label of the new outcome:", "", screen.scenario.with_outcome)


def remove_outcome(screen: MainScreen) -> None:
    """Remove the outcome under the cursor (never below two)."""
    row = screen.cursor.outcome
    label = screen.scenario.labels[row]
    screen.attempt(lambda: screen.scenario.without_outcome(row), f"Removed {label!r}.")


def rename_outcome(screen: MainScreen) -> None:
    """Ask for a new label for the outcome under the cursor."""
    row = screen.cursor.outcome
    label = screen.scenario.labels[row]
    screen.ask(
        f"New label for {label!r}:", label, lambda text: screen.scenario.with_label(row, text)
    )


def edit_cell(screen: MainScreen) -> None:
    """Open the editor on the cell under the cursor (as Enter does)."""
    screen.table.action_edit_cell()


def pin_baseline(screen: MainScreen) -> None:
    """Pin the current measures; every measure then shows its change against them."""
    screen.baseline = Baseline.pin(screen.scenario)
    screen.notify("Baseline pinned: the measures now show Δ against it.", timeout=3)


def clear_baseline(screen: MainScreen) -> None:
    """Forget the baseline."""
    if screen.baseline is not None:
        screen.baseline = None
        screen.notify("Baseline cleared.", timeout=2)


def undo(screen: MainScreen) -> None:
    """Take back the last change to the scenario."""
    _travel(screen, screen.session.undo, "Nothing to undo.")


def redo(screen: MainScreen) -> None:
    """Apply again the last change undone."""
    _travel(screen, screen.session.redo, "Nothing to redo.")


def _travel(screen: MainScreen, step: Callable[[], bool], nothing: str) -> None:
    screen.trainer.stop()
    if not step():
        screen.notify(nothing, timeout=2)
        return
    screen.scenario = screen.session.scenario


def cycle_view(screen: MainScreen) -> None:
    """Show the next view: overview → lesson → table → all (the stylesheet keys on the
    screen's `-view-NAME` class)."""
    old, screen.view = screen.view, screen.view.next()
    screen.remove_class(f"-view-{old.value}")
    screen.add_class(f"-view-{screen.view.value}")
    screen.watch_weights_mode()  # the table's line budget and the header
    screen.call_after_refresh(_refocus, screen)
    # No notice: the header names the view, and a toast would cover the chart's numbers.


def _refocus(screen: MainScreen) -> None:
    """The table takes the focus back when a view shows it again (a hidden widget loses it);
    a view without the table gives it to the first chart it shows."""
    shown = [w for w in (screen.query_one(OutcomeGrid), *screen.query(Chart)) if w.region]
    if shown and (screen.focused is None or not screen.focused.region):
        shown[0].focus()


GAP_VIEWS: dict[bool | None, tuple[bool | None, str]] = {
    None: (True, "on: the axis starts just below H(p)"),
    True: (False, "off: the axis starts at 0"),
    False: (None, "automatic: on when every KL is small next to H(p)"),
}
"""The gap view's next state after each, and what the notice says of it."""


def cycle_gap_view(screen: MainScreen) -> None:
    """Turn the decomposition chart's broken-axis view on, off, or back to automatic."""
    screen.gap_view, said = GAP_VIEWS[screen.gap_view]
    screen.notify(f"Gap view {said}.", timeout=2, markup=False)


def sort(screen: MainScreen) -> None:
    """List the rows in the next order: outcome → label → p → q → |KL term|; after edits
    spoiled the current order, sort them by it again first."""
    rows = screen.rows
    models = len(screen.scenario.models)
    sorting = rows.sorting if rows.stale else rows.sorting.next(screen.cursor.model, models)
    if not allows(screen, sorting):  # the classroom mode: KL terms would give answers away
        sorting = Sorting()
    screen.sort(sorting)


def find(screen: MainScreen) -> None:
    """Ask for a label (or its start) and move to the next outcome that matches."""

    def go(text: str) -> None:
        rows = screen.rows
        row = find_outcome(screen.scenario, rows.order, text, after=rows.cursor_row)
        if row is None:
            raise DivtuiError(f"no outcome's label is, starts with or contains {text!r}")
        screen.last_search = text
        screen.move_to(rows.outcome_at(row))

    screen.app.push_screen(
        PromptScreen("Find an outcome (its label, or part of it):", screen.last_search, go)
    )
