"""What passes between the outcome grid and its owner: the owner's requests (a sort, a cursor
move) going down, and the grid's view (its order and cursor) that the owner watches."""

from __future__ import annotations

from dataclasses import dataclass

from divtui.app.widgets.grid_format import LABEL_COLUMN
from divtui.core.outcome_order import IntArray, Sorting
from divtui.core.row_order import RowOrder


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
