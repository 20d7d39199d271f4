"""The grid of outcomes: one row per outcome, columns label, p and one per model."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from divtui.core.scenario import P_COLUMN, Scenario

LABEL_COLUMN = 0
"""The grid column of the outcome labels; grid column c ≥ 1 is scenario column c − 1."""

_STARTS_EDIT = frozenset("0123456789.-")
_ARROWS = frozenset({"up", "down", "left", "right"})


def format_probability(value: float) -> str:
    """A probability as the grid shows it."""
    return f"{value:.4f}"


def format_weight(value: float) -> str:
    """A weight as typed: the shortest text that reads back as the same number."""
    return repr(value) if value != int(value) or abs(value) >= 1e16 else str(int(value))


def column_header(scenario: Scenario, column: int, weights_mode: bool) -> str:
    """The header of a scenario column in the grid."""
    name = scenario.column_name(column)
    if column > P_COLUMN and (model := scenario.models[column - 1]).logits is not None:
        return f"{name} (z → q, T={model.temperature:.3g})"
    if column == P_COLUMN and scenario.label_smoothing:
        return f"p (ε={scenario.label_smoothing:g} in use)"
    return f"{name} (weight → p)" if weights_mode else name


def grid_width(scenario: Scenario, weights_mode: bool) -> int:
    """About how many terminal columns the grid needs to show every column in full."""
    width = max(len("outcome"), *(len(label) + 2 for label in scenario.labels)) + 2
    for column in range(scenario.column_count):
        logits = column > P_COLUMN and scenario.models[column - 1].logits is not None
        cell = 17 if logits else 16 if weights_mode else 8
        width += max(cell, len(column_header(scenario, column, weights_mode))) + 2
    return width


class OutcomeGrid(DataTable[Text]):
    """A DataTable of the scenario's outcomes; Enter, a digit or `.` asks to edit a cell."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit", "Edit", tooltip="Edit the selected cell"),
    ]

    scenario: reactive[Scenario | None] = reactive(None, always_update=True)
    """The scenario shown; set by the owner, never changed here."""
    weights_mode: reactive[bool] = reactive(False)
    """Show raw weights beside the normalised probabilities."""

    class EditRequested(Message):
        """The user asked to edit a cell (Enter, a digit, `.`, or a double click)."""

        def __init__(self, grid: OutcomeGrid, coordinate: Coordinate, initial: str | None) -> None:
            super().__init__()
            self.grid = grid
            self.coordinate = coordinate
            """Grid coordinate: row = outcome, column 0 = label, c ≥ 1 = scenario column c − 1."""
            self.initial = initial
            """The character that started the edit, or None to pre-fill the current value."""

        @property
        def control(self) -> OutcomeGrid:
            """The grid that asked."""
            return self.grid

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self.open_editor: Callable[[Coordinate, str | None], None] | None = None
        """Set by the owning table: opens its editor at once (a message would arrive after the
        keys typed just behind the first one)."""
        self.editor_keys: Callable[[events.Key], bool] | None = None
        """Set by the owning table: while its editor is open but not yet focused, keys that
        still reach the grid are given to it (True when it took the key)."""
        self._shape: tuple[int, ...] = ()
        self._first_build = True

    def watch_scenario(self) -> None:
        self._rebuild()

    def watch_weights_mode(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        scenario = self.scenario
        if scenario is None:
            return
        cursor = self.cursor_coordinate
        headers = ["outcome", *(self._header(scenario, c) for c in range(scenario.column_count))]
        shape = (len(headers), *(hash(h) for h in headers))
        if shape != self._shape:
            self.clear(columns=True)
            for index, header in enumerate(headers):
                self.add_column(Text(header), key=f"c{index}")
            self._shape = shape
        else:
            self.clear()
        infinite = [set(m.support_mismatch) for m in scenario.measures]
        for row, label in enumerate(scenario.labels):
            marked = any(row in causes for causes in infinite)
            cells = [Text(f"∞ {label}" if marked else label, style="bold" if marked else "")]
            for column in range(scenario.column_count):
                cells.append(self._cell(scenario, column, row, infinite))
            self.add_row(*cells, key=f"r{row}")
        if self._first_build and self.row_count:
            self._first_build = False
            self.move_cursor(row=0, column=1, animate=False)  # start on the first p cell
        elif self.row_count:
            self.move_cursor(
                row=min(cursor.row, self.row_count - 1),
                column=min(cursor.column, len(headers) - 1),
                animate=False,
            )

    def _header(self, scenario: Scenario, column: int) -> str:
        return column_header(scenario, column, self.weights_mode)

    def _cell(self, scenario: Scenario, column: int, row: int, infinite: list[set[int]]) -> Text:
        probability = float(scenario.probabilities(column)[row])
        logits = scenario.models[column - 1].logits if column > P_COLUMN else None
        if logits is not None:
            text = Text(f"{float(logits[row]):.3f} → {format_probability(probability)}")
        elif self.weights_mode:
            weight = float(scenario.weights(column)[row])
            text = Text(f"{format_weight(weight)} → {format_probability(probability)}")
        else:
            text = Text(format_probability(probability))
        if column >= 1 and row in infinite[column - 1]:
            text.append(" ∞", style="bold reverse")
        return text

    def action_edit(self) -> None:
        """Ask the owner to open the editor on the cursor's cell."""
        if self.editor_keys is not None and self.editor_keys(events.Key("enter", None)):
            return  # an editor already open takes the Enter: it commits
        if self.row_count:
            self._request_edit(None)

    def _request_edit(self, initial: str | None) -> None:
        if self.open_editor is not None:
            self.open_editor(self.cursor_coordinate, initial)
        else:
            self.post_message(self.EditRequested(self, self.cursor_coordinate, initial))

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
            """The grid cell under the cursor when the text arrived."""
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
            self.post_message(self.Pasted(self, self.cursor_coordinate, event.text))

    def on_click(self, event: events.Click) -> None:
        """A double click edits the cell under the pointer."""
        if event.chain == 2 and self.row_count:
            self._request_edit(None)

    def cell_value_text(self, coordinate: Coordinate) -> str:
        """The exact text to pre-fill an editor with."""
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
