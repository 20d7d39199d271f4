"""The grid of outcomes: one row per outcome, columns label, p and one per model.

A line-API widget (ScrollView): only the rows on screen are ever formatted, so a model's output
with a million outcomes scrolls, sorts and edits as fast as the weather's four. Rows are listed
in a `Sorting` (outcome order, label, p, q or |KL term|); the cursor lives in display rows, and
everything the grid tells its owner (edits, pastes) is said in outcome indices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from divtui.app.widgets.grid_format import (
    LABEL_COLUMN,
    PADDING,
    ColumnSizer,
    format_weight,
    scroll_to_show,
)
from divtui.app.widgets.grid_lines import CellSource, cell_text, join_cells
from divtui.app.widgets.grid_state import CursorRequest, GridView, SortRequest
from divtui.core.analysis import Analysis
from divtui.core.outcome_order import Sorting, row_of
from divtui.core.row_order import LabelChange, RowOrder
from divtui.core.scenario import P_COLUMN, Scenario

_STARTS_EDIT = frozenset("0123456789.-")
_ARROWS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
"""How far each arrow moves the cursor: (rows, columns)."""


class OutcomeGrid(ScrollView, can_focus=True):
    """The scenario's outcomes, virtual; Enter, a digit or `.` asks to edit a cell."""

    DEFAULT_CSS = """
    OutcomeGrid {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .outcome-grid--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .outcome-grid--header { background-tint: $foreground 5%; }
        }
        &:dark > .outcome-grid--even-row { background: $surface-darken-1 40%; }
        & > .outcome-grid--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .outcome-grid--header { background: ansi_bright_blue; color: ansi_default; }
        & > .outcome-grid--even-row { background: $surface-lighten-1 50%; }
        & > .outcome-grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "outcome-grid--header",
        "outcome-grid--even-row",
        "outcome-grid--cursor",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer: it must fit 80 columns, and Enter is the first key anyone tries.
        Binding("enter", "edit", "Edit", show=False, tooltip="Edit the selected cell"),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_row", "First row", show=False),
        Binding("end,ctrl+end", "last_row", "Last row", show=False),
    ]

    analysis: reactive[Analysis | None] = reactive(None, always_update=True)
    """The scenario's measures (the infinite marks, the KL terms); set by the owner."""
    weights_mode: reactive[bool] = reactive(False)
    """Show raw weights beside the normalised probabilities."""
    sort_request: reactive[SortRequest | None] = reactive(None)
    """The owner asks for another order (`o`)."""
    cursor_request: reactive[CursorRequest | None] = reactive(None)
    """The owner asks for the cursor on an outcome (a find)."""
    cursor_coordinate: reactive[Coordinate] = reactive(Coordinate(0, 1), always_update=True)
    """The cursor: a display row (not an outcome index) and a grid column."""
    view: reactive[GridView] = reactive(GridView, always_update=True)
    """The order and the cursor, for the owner to read (it watches this)."""

    @dataclass
    class CellHighlighted(Message):
        """The cursor moved to another cell."""

        grid: OutcomeGrid
        coordinate: Coordinate
        """The display row and grid column under the cursor."""

        @property
        def control(self) -> OutcomeGrid:
            """The grid whose cursor moved."""
            return self.grid

    @dataclass
    class Sorted(Message):
        """The rows were put in another order."""

        grid: OutcomeGrid
        sorting: Sorting

        @property
        def control(self) -> OutcomeGrid:
            """The grid that was sorted."""
            return self.grid

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.open_editor: Callable[[Coordinate, str | None], None] | None = None
        """Set by the owning table: opens its editor at once (a message would arrive after the
        keys typed just behind the first one)."""
        self.editor_keys: Callable[[events.Key], bool] | None = None
        """Set by the owning table: while its editor is open but not yet focused, keys that
        still reach the grid are given to it (True when it took the key)."""
        self._rows: RowOrder | None = None
        self._sizer = ColumnSizer()
        self._widths: list[int] = []
        self._starts: list[int] = []
        """Where each column right of the labels starts, in the scrolled part."""
        self._headers: list[str] = []
        self._cells: CellSource | None = None
        self._needed = 0
        """The grid's width with every column in full, measured once per layout."""

    # --- reading ------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario | None:
        """The scenario shown (the analysis's)."""
        return None if self.analysis is None else self.analysis.scenario

    @property
    def row_count(self) -> int:
        """How many rows (outcomes) there are."""
        return 0 if self.scenario is None else self.scenario.size

    @property
    def sorting(self) -> Sorting:
        """The order the rows are listed in."""
        return Sorting() if self._rows is None else self._rows.sorting

    @property
    def headers(self) -> list[str]:
        """The column headers as shown (with the sort mark)."""
        return list(self._headers)

    @property
    def _fixed_width(self) -> int:
        """The label column's width: it stays on the left while the others scroll."""
        return self._widths[0] + 2 * PADDING if self._widths else 0

    def column_x(self, column: int) -> int:
        """Where a grid column starts, in the grid's content (before scrolling)."""
        return sum(width + 2 * PADDING for width in self._widths[:column])

    def outcome_at(self, row: int) -> int:
        """The outcome shown on display row `row`."""
        return row if self._rows is None else self._rows.outcome_at(row)

    @property
    def cursor_outcome(self) -> int:
        """The outcome under the cursor."""
        return self.outcome_at(self.cursor_coordinate.row)

    def get_cell_at(self, coordinate: Coordinate) -> Text:
        """The text of a cell, at a display row and grid column."""
        scenario = self.scenario
        assert scenario is not None
        outcome = self.outcome_at(coordinate.row)
        return cell_text(self._cells, outcome, coordinate.column, coordinate.row)

    def cell_value_text(self, coordinate: Coordinate) -> str:
        """The exact text to pre-fill an editor with (row = the outcome's index)."""
        scenario = self.scenario
        assert scenario is not None
        if coordinate.column == LABEL_COLUMN:
            return scenario.labels[coordinate.row]
        column = coordinate.column - 1
        if column > P_COLUMN and (logits := scenario.models[column - 1].logits) is not None:
            return repr(float(logits[coordinate.row]))
        if self.weights_mode:
            return format_weight(float(scenario.weights(column)[coordinate.row]))
        return repr(float(scenario.probabilities(column)[coordinate.row]))

    # --- building -----------------------------------------------------------------------------

    def watch_analysis(self) -> None:
        self._rebuild()

    def watch_weights_mode(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        analysis = self.analysis
        if analysis is None:
            return
        scenario = analysis.scenario
        cursor = self.cursor_coordinate
        if self._rows is None:
            self._rows = RowOrder.of(scenario)
        elif self._rows.scenario is not scenario:
            previous = self._rows.scenario.models
            self._rows, diff = self._rows.follow(scenario)
            if diff.change is LabelChange.ADDED:
                cursor = Coordinate(row_of(self._rows.order, diff.outcome), cursor.column)
            elif len(scenario.models) == len(previous) + 1 and all(
                a is b for a, b in zip(previous, scenario.models, strict=False)
            ):
                cursor = Coordinate(cursor.row, scenario.column_count)  # the model just added
        self._layout()
        self.cursor_coordinate = Coordinate(
            min(cursor.row, scenario.size - 1), min(cursor.column, scenario.column_count)
        )
        self.refresh()

    def watch_sort_request(self, request: SortRequest | None) -> None:
        if request is not None:
            self.sort(request.sorting)

    def watch_cursor_request(self, request: CursorRequest | None) -> None:
        if request is not None and self._rows is not None:
            self.move_cursor(row=row_of(self._rows.order, request.outcome))

    def _layout(self) -> None:
        analysis = self.analysis
        if analysis is None:
            return
        self._headers, self._widths = self._sizer.layout(analysis, self.weights_mode, self.sorting)
        self._cells = CellSource.of(analysis, self.weights_mode, self._rows)
        width = sum(w + 2 * PADDING for w in self._widths)
        self._starts = [self.column_x(c) - self._fixed_width for c in range(1, len(self._widths))]
        self.virtual_size = Size(width, analysis.scenario.size + 1)
        self._needed = self._sizer.grid_width(analysis, self.weights_mode)

    def _publish(self) -> None:
        """Tell the owner what is shown (it watches `view`)."""
        cursor = self.cursor_coordinate
        self.view = GridView(self._rows, cursor.row, cursor.column, self._needed)

    @property
    def _editable_columns(self) -> int:
        """The grid columns the cursor visits: label, p and the models (not the KL terms)."""
        return 0 if self.scenario is None else self.scenario.column_count + 1

    # --- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        scenario = self.scenario
        if scenario is None or not self._widths:
            return Strip.blank(width, base)
        if y == 0:
            header = base + self.get_component_rich_style("outcome-grid--header")
            cells = [(Text(h), header) for h in self._headers]
            line_style = header
        else:
            row = int(scroll_y) + y - 1
            if row >= scenario.size:
                return Strip.blank(width, base)
            style = base
            if row % 2:
                style += self.get_component_rich_style("outcome-grid--even-row")
            line_style = style
            outcome = self.outcome_at(row)
            cursor = self.cursor_coordinate
            cursor_style = style + self.get_component_rich_style("outcome-grid--cursor")
            cells = [
                (
                    cell_text(self._cells, outcome, column, row),
                    cursor_style if (row, column) == (cursor.row, cursor.column) else style,
                )
                for column in range(len(self._widths))
            ]
        return join_cells(
            cells, self._widths, self.app.console, (scroll_x, width), self._starts, line_style
        )

    # --- the cursor ---------------------------------------------------------------------------

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self._publish()
        if old != new:
            if self.has_focus:
                # In a scrolled body (80x24), bring the table back into view: a key must not
                # move the cursor, or open an editor, somewhere off the screen.
                self.scroll_visible(animate=False)
            self.post_message(self.CellHighlighted(self, new))

    def move_cursor(
        self, *, row: int | None = None, column: int | None = None, animate: bool = False
    ) -> None:
        """Put the cursor on a display row and/or grid column (clamped to the grid)."""
        del animate  # the grid jumps; a million rows are not worth animating through
        current = self.cursor_coordinate
        rows = max(1, self.row_count)
        columns = max(1, self._editable_columns)
        self.cursor_coordinate = Coordinate(
            min(max(current.row if row is None else row, 0), rows - 1),
            min(max(current.column if column is None else column, 0), columns - 1),
        )

    def _scroll_to_cursor(self) -> None:
        region = self.scrollable_content_region
        if not self._widths or region.height < 2:
            return
        scroll = (int(self.scroll_x), int(self.scroll_y))
        x, y = scroll_to_show(self.cursor_coordinate, self._widths, region.size, scroll)
        if (x, y) != scroll:
            self.scroll_to(x, y, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._scroll_to_cursor()

    def _step(self, rows: int = 0, columns: int = 0) -> None:
        row, column = self.cursor_coordinate
        self.move_cursor(row=row + rows, column=column + columns)

    def action_page_up(self) -> None:
        self._step(rows=-max(1, self.scrollable_content_region.height - 2))

    def action_page_down(self) -> None:
        self._step(rows=max(1, self.scrollable_content_region.height - 2))

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self.move_cursor(row=self.row_count - 1)

    # --- sorting and finding ------------------------------------------------------------------

    def sort(self, sorting: Sorting) -> None:
        """List the rows in another order: the view goes to the top, where the order starts,
        and the cursor with it."""
        if self._rows is None:
            return
        self._rows = self._rows.sorted(sorting)
        self._layout()
        self.cursor_coordinate = Coordinate(0, self.cursor_coordinate.column)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Sorted(self, sorting))

    # --- input --------------------------------------------------------------------------------

    def action_edit(self) -> None:
        """Open the table's editor on the cursor's cell."""
        if self.editor_keys is not None and self.editor_keys(events.Key("enter", None)):
            return  # an editor already open takes the Enter: it commits
        if self.row_count:
            self._request_edit(None)

    def _request_edit(self, initial: str | None) -> None:
        coordinate = Coordinate(self.cursor_outcome, self.cursor_coordinate.column)
        if self.open_editor is not None:
            self.open_editor(coordinate, initial)

    def on_key(self, event: events.Key) -> None:
        """A digit, `.` or `-` on a number cell starts editing with that character; while the
        editor is opening, keys typed right behind it go to the editor too."""
        if self.editor_keys is not None and self.editor_keys(event):
            event.stop()
            event.prevent_default()
            return
        if event.key in _ARROWS:
            # Handled here, in order with the digits behind them: as bindings they would be
            # looked up only after those digits had opened the editor (Textualize/textual#6605).
            event.stop()
            event.prevent_default()
            self._step(*_ARROWS[event.key])
            return
        if (
            event.character in _STARTS_EDIT
            and self.row_count
            and self.cursor_coordinate.column != LABEL_COLUMN
        ):
            event.stop()
            event.prevent_default()
            self._request_edit(event.character)

    @dataclass
    class Pasted(Message):
        """Text was pasted while the grid had focus."""

        grid: OutcomeGrid
        coordinate: Coordinate
        """The cell under the cursor when the text arrived (row = the outcome's index)."""
        text: str

        @property
        def control(self) -> OutcomeGrid:
            """The grid pasted into."""
            return self.grid

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text goes to the owner: a number edits the cell, a list replaces the column."""
        event.stop()
        event.prevent_default()
        if self.editor_keys is not None and self.editor_keys(events.Key("paste", None)):
            return
        if self.row_count:
            coordinate = Coordinate(self.cursor_outcome, self.cursor_coordinate.column)
            self.post_message(self.Pasted(self, coordinate, event.text))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to its cell (on a header: sorts by that column); a double
        click edits the cell."""
        offset = event.get_content_offset(self)
        if offset is None or not self._widths:
            return
        x = offset.x if offset.x < self._fixed_width else offset.x + int(self.scroll_x)
        column, left = 0, 0
        for index, cell_width in enumerate(self._widths):
            column = index
            left += cell_width + 2 * PADDING
            if x < left:
                break
        if offset.y == 0:  # a header: sort by its column (see `Sorting.after_header_click`)
            column = min(column, self._editable_columns - 1)
            self.sort(self.sorting.after_header_click(column - 1 if column else None))
            return
        row = int(self.scroll_y) + offset.y - 1
        if row >= self.row_count or column >= self._editable_columns:
            return
        self.move_cursor(row=row, column=column)
        if event.chain == 2:
            self._request_edit(None)
