"""The editable distribution table: the outcome grid plus its cell editor.

The table never changes the scenario. It posts `CellEdited` with what the user typed; the owner
validates it and answers through `edit_outcome`: accepted (the editor closes, and the new
scenario comes down) or refused with the reason, shown beside the editor while the text stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label

from divtui.app.widgets.grid_format import LABEL_COLUMN
from divtui.app.widgets.grid_state import CursorRequest, SortRequest
from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.core.analysis import Analysis
from divtui.core.spec import is_one_number


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """The owner's answer to a `CellEdited`: accepted (`error` None) or refused, and why."""

    serial: int
    """Distinguishes two answers that read the same (two refusals for one reason)."""
    error: str | None = None


class CellInput(Input):
    """The editor's input: Escape cancels the edit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel edit", show=True),
    ]

    @dataclass
    class Cancelled(Message):
        """The user pressed Escape, or left the editor (Tab, a click elsewhere)."""

        left: bool = False
        """Whether the focus went elsewhere (the edit is dropped, and the user told so)."""

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())

    def _on_blur(self, event: events.Blur) -> None:
        # Tab, a click elsewhere: an editor left without focus would hold the table (changes
        # wait for it) while no key reaches it, so leaving it cancels the edit.
        if self.screen.is_active and self.app.focused is not self:
            self.post_message(self.Cancelled(left=True))


class DistributionTable(Vertical):
    """Outcomes by columns (p and each model), with an editor that opens on a cell."""

    DEFAULT_CSS = """
    DistributionTable {
        height: auto;
        OutcomeGrid { height: auto; max-height: 24; scrollbar-size-vertical: 1; }
        #editor { height: auto; display: none; padding: 0 1; }
        #editor.-open { display: block; }
        #editor-cell { width: auto; padding: 1 1 0 0; text-style: bold; }
        #editor Input { width: 24; }
        #editor-error { width: 1fr; height: auto; display: none; padding: 0 1;
                        color: $error; text-style: bold; }
        #editor-error.-shown { display: block; }
    }
    """

    analysis: reactive[Analysis | None] = reactive(None, always_update=True)
    """The scenario shown, with its measures; owned by the screen."""
    weights_mode: reactive[bool] = reactive(False)
    """Whether cells are weights (normalised on the fly) rather than probabilities."""
    sort_request: reactive[SortRequest | None] = reactive(None)
    """Passed on to the grid: the owner asks for another order."""
    cursor_request: reactive[CursorRequest | None] = reactive(None)
    """Passed on to the grid: the owner asks for the cursor on an outcome."""
    edit_outcome: reactive[EditOutcome | None] = reactive(None)
    """The owner's answer to the last `CellEdited`."""
    row_budget: reactive[int] = reactive(12)
    """How many lines the grid's rows and the editor may take together."""
    editing: reactive[bool] = reactive(False)
    """Whether the cell editor is open (the owner watches it: changes wait meanwhile)."""

    @dataclass
    class CellEdited(Message):
        """The user committed text to a cell; the owner decides whether it is valid."""

        table: DistributionTable
        """The table that was edited."""
        row: int
        """The outcome's index."""
        column: int | None
        """The scenario column (0 is p, k ≥ 1 the k-th model), or None for the label."""
        text: str
        """Exactly what the user typed."""

        @property
        def control(self) -> DistributionTable:
            """The table that was edited."""
            return self.table

    EDITOR_ROWS = 5
    """The editor's height below the grid (its input has a border)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._editing: Coordinate | None = None

    def watch_row_budget(self) -> None:
        self._fit_grid()

    def _fit_grid(self) -> None:
        """Keep grid and editor within `row_budget` lines: a long grid scrolls inside them, and
        the editor, when it opens, takes its lines from the grid rather than from below the
        panel, where it would be out of sight."""
        editor = self.EDITOR_ROWS if self._editing is not None else 0
        self.grid.styles.max_height = max(3, self.row_budget - editor)

    def watch_edit_outcome(self, outcome: EditOutcome | None) -> None:
        if outcome is None:
            return
        if outcome.error is None:
            self.close_editor()
        else:
            error = self.query_one("#editor-error", Label)
            error.update(f"✗ {outcome.error}")  # on its own line: it wraps in a narrow panel
            error.add_class("-shown")
            self.query_one(CellInput).focus()

    def compose(self) -> ComposeResult:
        yield OutcomeGrid(id="grid").data_bind(
            DistributionTable.analysis,
            DistributionTable.weights_mode,
            DistributionTable.sort_request,
            DistributionTable.cursor_request,
        )
        with Horizontal(id="editor"):
            yield Label(id="editor-cell", markup=False)
            yield CellInput(id="editor-input", select_on_focus=True)
        yield Label(id="editor-error", markup=False)

    def on_mount(self) -> None:
        self.grid.open_editor = self.open_editor
        self.grid.editor_keys = self._take_key
        # Bounded from the first layout: a grid laid out a million lines tall once costs Textual
        # a second and 150 MB (its dirty-line sets and spatial map are per line).
        self._fit_grid()

    def _take_key(self, event: events.Key) -> bool:
        """Keys that reach the grid while the editor is open (focus moves a moment later)."""
        if self._editing is None:
            return False
        editor = self.query_one(CellInput)
        if event.key == "paste":
            return False  # a paste while the editor opens is handled as a paste
        if event.key == "enter":
            self._commit_text(editor.value)
        elif event.key == "escape":
            self.close_editor()
        elif event.key == "backspace":
            editor.action_delete_left()
        elif event.is_printable and event.character:
            if editor.select_on_focus and not editor.has_focus:
                # Pre-filled and about to be selected: typing replaces it, as it will once focused.
                editor.value = ""
                editor.select_on_focus = False
            editor.insert_text_at_cursor(event.character)
        # Anything else (arrows, …) is swallowed: the cursor must not move under an open editor.
        return True

    @property
    def grid(self) -> OutcomeGrid:
        """The grid of outcomes."""
        return self.query_one(OutcomeGrid)

    @property
    def is_editing(self) -> bool:
        """Whether the cell editor is open."""
        return self._editing is not None

    def action_edit_cell(self) -> None:
        """Open the editor on the cell under the grid's cursor (the palette's "Edit")."""
        self.grid.action_edit()

    def open_editor(self, coordinate: Coordinate, initial: str | None = None) -> None:
        """Open the editor on a grid cell, pre-filled and selected, or with `initial` typed."""
        if self.analysis is None:
            return
        scenario = self.analysis.scenario
        self._editing = coordinate
        self.editing = True
        if coordinate.column == LABEL_COLUMN:
            name = f"label of {scenario.labels[coordinate.row]!r}"
        else:
            column = coordinate.column - 1
            label = scenario.labels[coordinate.row]
            if column > 0 and scenario.models[column - 1].is_logits:
                name = f"{scenario.column_name(column)} logit z({label})"
            else:
                name = f"{scenario.column_name(column)}({label})"
        self.query_one("#editor-cell", Label).update(f"{name} =")
        self.query_one("#editor-error", Label).update("")
        self.query_one("#editor-error").remove_class("-shown")
        editor = self.query_one(CellInput)
        editor.select_on_focus = initial is None
        editor.value = self.grid.cell_value_text(coordinate) if initial is None else initial
        self.query_one("#editor").add_class("-open")
        self._fit_grid()
        editor.focus()
        self.screen.refresh_bindings()
        if initial is not None:
            editor.cursor_position = len(editor.value)

    def close_editor(self) -> None:
        """Close the editor and give the grid back the focus."""
        self._editing = None
        self.editing = False
        self.query_one("#editor").remove_class("-open")
        self._fit_grid()
        self.query_one("#editor-error", Label).update("")
        self.query_one("#editor-error").remove_class("-shown")
        if self.app.focused in (None, self.query_one(CellInput)):  # not when tabbed away
            self.grid.focus()
        self.screen.refresh_bindings()

    @on(Input.Submitted, "#editor-input")
    def _commit(self, event: Input.Submitted) -> None:
        event.stop()
        self._commit_text(event.value)

    def _commit_text(self, text: str) -> None:
        if self._editing is None:
            return
        coordinate = self._editing
        column = None if coordinate.column == LABEL_COLUMN else coordinate.column - 1
        self.post_message(self.CellEdited(self, coordinate.row, column, text))

    @dataclass
    class ColumnPasted(Message):
        """A list of numbers was pasted onto a column; the owner applies it whole or refuses."""

        table: DistributionTable
        """The table pasted into."""
        column: int | None
        """The scenario column under the cursor (None for the label column)."""
        text: str
        """Exactly what was pasted."""

        @property
        def control(self) -> DistributionTable:
            """The table pasted into."""
            return self.table

    @on(OutcomeGrid.Pasted)
    def _on_pasted(self, event: OutcomeGrid.Pasted) -> None:
        event.stop()
        text = event.text.strip()
        column = None if event.coordinate.column == LABEL_COLUMN else event.coordinate.column - 1
        if column is not None and is_one_number(text):
            self.open_editor(event.coordinate, text)  # one number: edit the cell with it
        else:
            self.post_message(self.ColumnPasted(self, column, event.text))

    @on(CellInput.Cancelled)
    def _cancel(self, event: CellInput.Cancelled) -> None:
        event.stop()
        if event.left and self.is_editing:
            self.notify("Edit cancelled: Enter commits a value.", timeout=3, markup=False)
        self.close_editor()
