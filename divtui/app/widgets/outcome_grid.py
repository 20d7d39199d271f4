"""The grid of outcomes: one row per outcome, columns label, p and one per model.

A line-API widget (ScrollView): only the rows on screen are ever formatted, so a model's output
with a million outcomes scrolls, sorts and edits as fast as the weather's four. Rows are listed
in a `Sorting` (outcome order, label, p, q or |KL term|); the cursor lives in display rows, and
everything the grid tells its owner (edits, pastes) is said in outcome indices.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import ClassVar

import numpy as np
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from divtui.core.distribution import FloatArray
from divtui.core.outcome_order import (
    LARGE_TABLE,
    IntArray,
    SortBy,
    Sorting,
    default_sorting,
    find_outcome,
    outcome_order,
    row_of,
)
from divtui.core.report import format_value
from divtui.core.scenario import P_COLUMN, Scenario

LABEL_COLUMN = 0
"""The grid column of the outcome labels; grid column c ≥ 1 is scenario column c − 1."""

MAX_LABEL_WIDTH = 32
"""Longer labels are cut with "…" in the grid (the editor shows them whole)."""

_BY_VALUE = frozenset({SortBy.P, SortBy.Q, SortBy.KL})
"""Orders that an edit of a value can spoil."""
_STARTS_EDIT = frozenset("0123456789.-")
_ARROWS = frozenset({"up", "down", "left", "right"})
_PADDING = 1
"""Blank cells on each side of a cell's text."""
INFINITE_MARK = " ∞"
"""After q_i = 0 where p_i > 0: the outcome that makes KL(p‖q) infinite."""
KL_TERM_WIDTH = 10
"""The width of the KL-term column shown while the rows are sorted by it."""


TINY = 1e-3
"""A probability below this (but not 0) would keep one digit or none in four decimals: it is
shown with three significant digits instead (1.94e-06)."""


def format_probability(value: float) -> str:
    """A probability as the grid shows it: four decimals, or three digits when tiny."""
    return f"{value:.2e}" if 0 < value < TINY else f"{value:.4f}"


_tiny_columns: dict[int, tuple[weakref.ref[FloatArray], bool]] = {}
"""Whether a column has tiny probabilities, by array identity (weakly held): an edit replaces
one column and leaves the others' arrays as they were."""


def _has_tiny(values: FloatArray) -> bool:
    cached = _tiny_columns.get(id(values))
    if cached is not None and cached[0]() is values:
        return cached[1]
    tiny = bool(np.any((values > 0) & (values < TINY)))
    if len(_tiny_columns) > 64:
        _tiny_columns.clear()
    _tiny_columns[id(values)] = (weakref.ref(values), tiny)
    return tiny


def format_weight(value: float) -> str:
    """A weight as typed: the shortest text that reads back as the same number."""
    return repr(value) if value != int(value) or abs(value) >= 1e16 else str(int(value))


def format_weight_briefly(value: float) -> str:
    """A weight as the grid shows it: as typed when short, else to four significant digits
    (the editor still opens on the exact value)."""
    exact = format_weight(value)
    return exact if len(exact) <= 10 else f"{value:.4g}"


def column_header(scenario: Scenario, column: int, weights_mode: bool) -> str:
    """The header of a scenario column in the grid."""
    name = scenario.column_name(column)
    if column > P_COLUMN and (model := scenario.models[column - 1]).logits is not None:
        return f"{name} (z → q, T={model.temperature:.3g})"
    if column == P_COLUMN and scenario.label_smoothing:
        return f"p (ε={scenario.label_smoothing:g} in use)"
    return f"{name} (weight → p)" if weights_mode else name


def _cell_width(scenario: Scenario, column: int, weights_mode: bool) -> int:
    extra = 2 if _has_tiny(scenario.probabilities(column)) else 0
    if column > P_COLUMN and scenario.measures[column - 1].support_mismatch:
        extra += len(INFINITE_MARK)
    if column > P_COLUMN and scenario.models[column - 1].logits is not None:
        return 17 + extra
    return (22 if weights_mode else 6) + extra


_label_widths: dict[int, tuple[tuple[str, ...], int]] = {}
"""The label column's width for the last labels seen, by identity: an edit keeps the labels
tuple, and measuring a million labels again would cost 15 ms a keystroke."""


def _label_width(scenario: Scenario) -> int:
    labels = scenario.labels
    cached = _label_widths.get(id(labels))
    if cached is not None and cached[0] is labels:
        return cached[1]
    width = min(MAX_LABEL_WIDTH, max(len("outcome"), max(map(len, labels)) + 2))
    _label_widths.clear()
    _label_widths[id(labels)] = (labels, width)
    return width


def grid_width(scenario: Scenario, weights_mode: bool) -> int:
    """How many terminal columns the grid needs to show every column in full."""
    width = _label_width(scenario) + 2 * _PADDING
    for column in range(scenario.column_count):
        header = len(column_header(scenario, column, weights_mode)) + 2  # room for a sort mark
        width += max(_cell_width(scenario, column, weights_mode), header) + 2 * _PADDING
    return width


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
        Binding("enter", "edit", "Edit", tooltip="Edit the selected cell"),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_row", "First row", show=False),
        Binding("end,ctrl+end", "last_row", "Last row", show=False),
    ]

    scenario: reactive[Scenario | None] = reactive(None, always_update=True)
    """The scenario shown; set by the owner, never changed here."""
    weights_mode: reactive[bool] = reactive(False)
    """Show raw weights beside the normalised probabilities."""
    cursor_coordinate: reactive[Coordinate] = reactive(Coordinate(0, 0), always_update=True)
    """The cursor: a display row (not an outcome index) and a grid column."""

    class EditRequested(Message):
        """The user asked to edit a cell (Enter, a digit, `.`, or a double click)."""

        def __init__(self, grid: OutcomeGrid, coordinate: Coordinate, initial: str | None) -> None:
            super().__init__()
            self.grid = grid
            self.coordinate = coordinate
            """Row = the outcome's index; column 0 = label, c ≥ 1 = scenario column c − 1."""
            self.initial = initial
            """The character that started the edit, or None to pre-fill the current value."""

        @property
        def control(self) -> OutcomeGrid:
            """The grid that asked."""
            return self.grid

    class CellHighlighted(Message):
        """The cursor moved to another cell."""

        def __init__(self, grid: OutcomeGrid, coordinate: Coordinate) -> None:
            super().__init__()
            self.grid = grid
            self.coordinate = coordinate
            """The display row and grid column under the cursor."""

        @property
        def control(self) -> OutcomeGrid:
            """The grid whose cursor moved."""
            return self.grid

    class Sorted(Message):
        """The rows were put in another order."""

        def __init__(self, grid: OutcomeGrid, sorting: Sorting) -> None:
            super().__init__()
            self.grid = grid
            self.sorting = sorting

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
        self._sorting = Sorting()
        self._order: IntArray | None = None
        """Display row → outcome, or None for outcome order."""
        self._new = False
        self._shown: Scenario | None = None
        self._stale = False
        self._carry: tuple[int | None, bool] | None = None
        """How the next scenario's outcomes differ (see `keep_order`), or None: unknown."""
        self._labels: tuple[str, ...] | None = None
        """The labels the order was computed for (a new set of labels sorts again)."""
        self._widths: list[int] = []
        self._starts: list[int] = []
        """Where each column right of the labels starts, in the scrolled part."""
        self._headers: list[str] = []
        self._infinite: list[frozenset[int]] = []
        self._first_build = True

    # --- reading ------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows (outcomes) there are."""
        return 0 if self.scenario is None else self.scenario.size

    @property
    def sorting(self) -> Sorting:
        """The order the rows are listed in."""
        return self._sorting

    @property
    def headers(self) -> list[str]:
        """The column headers as shown (with the sort mark)."""
        return list(self._headers)

    @property
    def _fixed_width(self) -> int:
        """The label column's width: it stays on the left while the others scroll."""
        return self._widths[0] + 2 * _PADDING if self._widths else 0

    def column_x(self, column: int) -> int:
        """Where a grid column starts, in the grid's content (before scrolling)."""
        return sum(width + 2 * _PADDING for width in self._widths[:column])

    @property
    def display_order(self) -> IntArray | None:
        """The outcome on each display row, or None when the rows are in outcome order."""
        return self._order

    def outcome_at(self, row: int) -> int:
        """The outcome shown on display row `row`."""
        return row if self._order is None else int(self._order[row])

    @property
    def cursor_outcome(self) -> int:
        """The outcome under the cursor."""
        return self.outcome_at(self.cursor_coordinate.row)

    def get_cell_at(self, coordinate: Coordinate) -> Text:
        """The text of a cell, at a display row and grid column."""
        scenario = self.scenario
        assert scenario is not None
        return self._cell(scenario, self.outcome_at(coordinate.row), coordinate.column)

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

    def watch_scenario(self) -> None:
        self._rebuild()

    def watch_weights_mode(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        scenario = self.scenario
        if scenario is None:
            return
        if scenario.labels is not self._labels:
            # New outcomes (a file, a preset, an added or removed outcome): sort them again.
            # An edit keeps the order, so the row being edited stays under the cursor.
            # Each keeps the order the user chose, except that crossing LARGE_TABLE outcomes
            # (opening a model's output, or a small file after one) gives that size's default.
            previous = self._labels
            if (
                self._new
                or previous is None
                or (len(previous) > LARGE_TABLE) != (scenario.size > LARGE_TABLE)
            ):
                self._sorting = default_sorting(scenario)
                self._sort(scenario)
            elif (carried := self._carried_order(scenario)) is not None:
                self._order, self._labels = carried, scenario.labels
            else:
                self._sort(scenario)
        elif self._sorting.by in _BY_VALUE and not _same_values(scenario, self._shown):
            self._stale = True  # the values changed under an order sorted by them
        self._shown = scenario
        self._carry = None
        self._new = False
        self._infinite = [frozenset(m.support_mismatch) for m in scenario.measures]
        self._layout(scenario)
        cursor = self.cursor_coordinate
        if self._first_build:
            self._first_build = False
            cursor = Coordinate(0, 1)  # start on the first p cell
        self.cursor_coordinate = Coordinate(
            min(cursor.row, scenario.size - 1), min(cursor.column, scenario.column_count)
        )
        self.refresh()

    def sort_as_new(self) -> None:
        """The next scenario is a new one (a preset, a file): list it in its own default order,
        not in the order chosen for this one."""
        self._new = True

    def keep_order(self, *, removed: int | None = None, added: bool = False) -> None:
        """Say how the next scenario's outcomes differ from these: one `removed`, one `added`
        at the end, or (neither) relabelled. Its rows then keep their order instead of being
        sorted again (a million rows take 0.1 s to sort, and would jump about)."""
        self._carry = (removed, added)

    def _carried_order(self, scenario: Scenario) -> IntArray | None:
        """The current order carried over a change announced by `keep_order`, or None."""
        if self._carry is None or self._order is None or self._sorting.by is SortBy.LABEL:
            return None
        removed, added = self._carry
        order = self._order
        if removed is not None:
            order = order[order != removed]
            order[order > removed] -= 1
        elif added:
            order = np.append(order, scenario.size - 1)
        return order if len(order) == scenario.size else None

    def _sort(self, scenario: Scenario) -> None:
        self._order = outcome_order(scenario, self._sorting)
        self._labels = scenario.labels
        self._stale = False

    @property
    def order_is_stale(self) -> bool:
        """Whether values changed since the rows were sorted by them (an edit keeps its row
        where it was); sorting again puts them in order."""
        return self._stale

    def _layout(self, scenario: Scenario) -> None:
        marks = {LABEL_COLUMN: " ▲"} if self._sorting.by is SortBy.LABEL else {}
        if self._sorting.by is SortBy.P:
            marks[1] = " ▼"
        elif self._sorting.by is SortBy.Q:
            marks[min(self._sorting.model, len(scenario.models) - 1) + 2] = " ▼"
        self._headers = ["outcome"] + [
            column_header(scenario, c, self.weights_mode) for c in range(scenario.column_count)
        ]
        self._headers = [h + marks.get(i, "") for i, h in enumerate(self._headers)]
        self._widths = [_label_width(scenario)] + [
            max(_cell_width(scenario, c, self.weights_mode), len(self._headers[c + 1]))
            for c in range(scenario.column_count)
        ]
        self._widths[0] = max(self._widths[0], len(self._headers[0]))
        if self._sorting.by is SortBy.KL:
            # The key of the order, shown: each outcome's signed KL term (read-only).
            # Its model is named in the panel's border ("by |KL| of q ▼").
            self._headers.append("KL term ▼")
            self._widths.append(max(KL_TERM_WIDTH, len(self._headers[-1])))
        width = sum(w + 2 * _PADDING for w in self._widths)
        self._starts = [self.column_x(c) - self._fixed_width for c in range(1, len(self._widths))]
        self.virtual_size = Size(width, scenario.size + 1)

    @property
    def _editable_columns(self) -> int:
        """The grid columns the cursor visits: label, p and the models (not the KL terms)."""
        return 0 if self.scenario is None else self.scenario.column_count + 1

    def _kl_term(self, scenario: Scenario, outcome: int) -> Text:
        """p log(p/q) of one outcome for the model the rows are sorted by, computed for this
        cell alone (a million terms are not recomputed for the rows on screen)."""
        value = scenario.kl_term(min(self._sorting.model, len(scenario.models) - 1), outcome)
        return Text(format_value(value, 4), style="italic")

    def _cell(self, scenario: Scenario, outcome: int, column: int) -> Text:
        if column > scenario.column_count:
            return self._kl_term(scenario, outcome)
        if column == LABEL_COLUMN:
            label = scenario.labels[outcome]
            marked = any(outcome in causes for causes in self._infinite)
            return Text(f"∞ {label}" if marked else label, style="bold" if marked else "")
        column -= 1
        probability = float(scenario.probabilities(column)[outcome])
        logits = scenario.models[column - 1].logits if column > P_COLUMN else None
        if logits is not None:
            text = Text(f"{float(logits[outcome]):.3f} → {format_probability(probability)}")
        elif self.weights_mode:
            weight = float(scenario.weights(column)[outcome])
            text = Text(f"{format_weight_briefly(weight)} → {format_probability(probability)}")
        else:
            text = Text(format_probability(probability))
        if column >= 1 and outcome in self._infinite[column - 1]:
            text.append(INFINITE_MARK, style="bold reverse")  # in the cell's own colours
        return text

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
                    self._cell(scenario, outcome, column),
                    cursor_style if (row, column) == (cursor.row, cursor.column) else style,
                )
                for column in range(len(self._widths))
            ]
        strips = []
        for (text, style), cell_width in zip(cells, self._widths, strict=True):
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            segments = [Segment(" " * _PADDING, style)]
            console = self.app.console
            text_style = style + console.get_style(text.style)  # Text.render omits its own style
            segments.extend(Segment.apply_style(text.render(console, end=""), text_style))
            segments.append(Segment(" " * _PADDING, style))
            strips.append(Strip(segments))
        # The label column stays put; the columns right of it scroll under it.
        fixed = strips[0].crop_extend(0, min(width, self._fixed_width), base)
        rest = Strip.join(strips[1:])
        end = scroll_x + max(0, width - fixed.cell_length)
        # A column cut at the left edge would show the tail of its numbers ("5 → 0.25" of
        # "0.25 → 0.25") as if they were values: it is left blank up to the next column.
        start = min((x for x in self._starts if x >= scroll_x), default=end)
        # The header bar and the stripes run the whole width, past the last column.
        blank = Strip.blank(min(start, end) - scroll_x, line_style)
        scrolled = rest.crop_extend(min(start, end), end, line_style)
        return Strip.join([fixed, blank, scrolled])

    # --- the cursor ---------------------------------------------------------------------------

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        self._scroll_to_cursor()
        self.refresh()
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

    def move_cursor_to_outcome(self, outcome: int) -> None:
        """Put the cursor on the row of an outcome, keeping its column."""
        self.move_cursor(row=row_of(self._order, outcome))

    def _scroll_to_cursor(self) -> None:
        region = self.scrollable_content_region
        if not self._widths or region.height < 2:
            return
        row, column = self.cursor_coordinate
        visible_rows = region.height - 1  # below the header
        y = self.scroll_y
        if row < y:
            y = row
        elif row >= y + visible_rows:
            y = row - visible_rows + 1
        # Horizontal offsets count from the end of the fixed label column.
        left = max(0, self.column_x(column) - self._fixed_width)
        right = left + (self._widths[min(column, len(self._widths) - 1)] + 2 * _PADDING)
        if column == LABEL_COLUMN:
            left = right = 0
        visible = max(1, region.width - self._fixed_width)
        x = self.scroll_x
        if left < x:
            x = left
        elif right > x + visible:
            x = right - visible
        if (x, y) != (self.scroll_x, self.scroll_y):
            self.scroll_to(x, y, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._scroll_to_cursor()

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_coordinate.row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_coordinate.row + 1)

    def action_cursor_left(self) -> None:
        self.move_cursor(column=self.cursor_coordinate.column - 1)

    def action_cursor_right(self) -> None:
        self.move_cursor(column=self.cursor_coordinate.column + 1)

    def action_page_up(self) -> None:
        page = max(1, self.scrollable_content_region.height - 2)
        self.move_cursor(row=self.cursor_coordinate.row - page)

    def action_page_down(self) -> None:
        page = max(1, self.scrollable_content_region.height - 2)
        self.move_cursor(row=self.cursor_coordinate.row + page)

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self.move_cursor(row=self.row_count - 1)

    # --- sorting and finding ------------------------------------------------------------------

    def sort(self, sorting: Sorting) -> None:
        """List the rows in another order; the cursor stays on its outcome."""
        scenario = self.scenario
        if scenario is None:
            return
        outcome = self.cursor_outcome
        self._sorting = sorting
        self._sort(scenario)
        self._layout(scenario)
        self.move_cursor_to_outcome(outcome)
        self.refresh()
        self.post_message(self.Sorted(self, sorting))

    def find(self, text: str) -> bool:
        """Move to the next outcome whose label is, starts with or contains `text`."""
        scenario = self.scenario
        if scenario is None:
            return False
        row = find_outcome(scenario, self._order, text, after=self.cursor_coordinate.row)
        if row is None:
            return False
        self.move_cursor(row=row)
        return True

    # --- input --------------------------------------------------------------------------------

    def action_edit(self) -> None:
        """Ask the owner to open the editor on the cursor's cell."""
        if self.editor_keys is not None and self.editor_keys(events.Key("enter", None)):
            return  # an editor already open takes the Enter: it commits
        if self.row_count:
            self._request_edit(None)

    def _request_edit(self, initial: str | None) -> None:
        coordinate = Coordinate(self.cursor_outcome, self.cursor_coordinate.column)
        if self.open_editor is not None:
            self.open_editor(coordinate, initial)
        else:
            self.post_message(self.EditRequested(self, coordinate, initial))

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
            getattr(self, f"action_cursor_{event.key}")()
            return
        if (
            event.character in _STARTS_EDIT
            and self.row_count
            and self.cursor_coordinate.column != LABEL_COLUMN
        ):
            event.stop()
            event.prevent_default()
            self._request_edit(event.character)

    class Pasted(Message):
        """Text was pasted while the grid had focus."""

        def __init__(self, grid: OutcomeGrid, coordinate: Coordinate, text: str) -> None:
            super().__init__()
            self.grid = grid
            self.coordinate = coordinate
            """The cell under the cursor when the text arrived (row = the outcome's index)."""
            self.text = text

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
            left += cell_width + 2 * _PADDING
            if x < left:
                break
        if offset.y == 0:
            self._sort_by_column(min(column, self._editable_columns - 1))
            return
        row = int(self.scroll_y) + offset.y - 1
        if row >= self.row_count or column >= self._editable_columns:
            return
        self.move_cursor(row=row, column=column)
        if event.chain == 2:
            self._request_edit(None)

    def _sort_by_column(self, column: int) -> None:
        """A click on a header: label and p toggle their order; a model's header goes from its
        q to its |KL term| and back to outcome order."""
        current = self._sorting
        if column == LABEL_COLUMN:
            self.sort(Sorting() if current.by is SortBy.LABEL else Sorting(SortBy.LABEL))
        elif column == 1:
            self.sort(Sorting() if current.by is SortBy.P else Sorting(SortBy.P))
        else:
            by_q, by_kl = Sorting(SortBy.Q, column - 2), Sorting(SortBy.KL, column - 2)
            self.sort({by_q: by_kl, by_kl: Sorting()}.get(current, by_q))


def _same_values(scenario: Scenario, other: Scenario | None) -> bool:
    """Whether two scenarios hold the very same columns (a unit change, a new title)."""
    return other is not None and (
        scenario.p_weights is other.p_weights
        and scenario.label_smoothing == other.label_smoothing
        and len(scenario.models) == len(other.models)
        and all(a is b for a, b in zip(scenario.models, other.models, strict=True))
    )
