"""What passes between the outcome grid and its owner: the owner's requests (a sort, a cursor
move) going down, and the grid's view (its order and cursor) that the owner watches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from divtui.app.widgets.grid_format import LABEL_COLUMN
from divtui.core.outcome_order import IntArray, SortBy, Sorting
from divtui.core.row_order import RowOrder
from divtui.core.scenario import Scenario


class Cell(NamedTuple):
    """A cell of the table: an outcome, and a scenario column (None: the label)."""

    outcome: int
    column: int | None

    @property
    def model(self) -> int:
        """The model of the cell's column, or the first model on the label and p columns."""
        return 0 if not self.column else self.column - 1


@dataclass(frozen=True, slots=True)
class SortRequest:
    """Sort the rows by `sorting` (again, if it is the current order): the owner's request."""

    sorting: Sorting
    serial: int = 0
    """Distinguishes two requests for the same order (re-sorting after edits)."""


@dataclass(frozen=True, slots=True)
class CursorRequest:
    """Put the cursor on an outcome's row: the owner's request (after a find)."""

    outcome: int
    serial: int = 0


@dataclass(frozen=True, slots=True)
class GridView:
    """What the grid shows, for its owner: the order and where the cursor is."""

    rows: RowOrder | None = None
    cursor_row: int = 0
    """The display row under the cursor."""
    cursor_column: int = 1
    """The grid column under the cursor (0: the labels)."""
    width: int = 0
    """How many terminal columns the grid needs to show every column in full."""

    @property
    def sorting(self) -> Sorting:
        """The order the rows are listed in."""
        return Sorting() if self.rows is None else self.rows.sorting

    @property
    def stale(self) -> bool:
        """Whether edits changed the values the rows were sorted by."""
        return self.rows is not None and self.rows.stale

    @property
    def order(self) -> IntArray | None:
        """Display row → outcome (None: outcome order)."""
        return None if self.rows is None else self.rows.order

    def outcome_at(self, row: int) -> int:
        """The outcome on a display row."""
        return row if self.rows is None else self.rows.outcome_at(row)

    @property
    def cursor_outcome(self) -> int:
        """The outcome under the cursor."""
        return self.outcome_at(self.cursor_row)

    @property
    def cursor_scenario_column(self) -> int | None:
        """The scenario column under the cursor (0 is p), or None on the labels."""
        return None if self.cursor_column == LABEL_COLUMN else self.cursor_column - 1

    def cell(self, scenario: Scenario) -> Cell:
        """The cursor's cell, clamped to `scenario` (the grid may not have caught up yet)."""
        outcome = min(self.cursor_outcome, scenario.size - 1)
        column = self.cursor_scenario_column
        valid = column is not None and column < scenario.column_count
        return Cell(outcome, column if valid else None)

    def subtitle(self, scenario: Scenario, count_from: int) -> str:
        """The table panel's subtitle: the order (and how many outcomes, beyond
        `count_from`), or that edits have spoiled it."""
        sorting = self.sorting
        if self.stale:
            return f"{sorting.describe_briefly(scenario)} before your edits · o re-sorts"
        if scenario.size > count_from or sorting.by is not SortBy.OUTCOME:
            brief = sorting.describe_briefly(scenario)
            return f"{scenario.size:,} outcomes, {brief} · o sort · / find"
        return ""
