"""The main screen: it owns the scenario, turns the table's messages into the next scenario, and
binds the new value down to the table, the metrics and the charts."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from divtui.app.screens.help import HelpScreen
from divtui.app.screens.prompt import PromptScreen
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.distribution_table import DistributionTable
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.core.distribution import parse_weight
from divtui.core.errors import DivtuiError
from divtui.core.presets import preset
from divtui.core.scenario import P_COLUMN, Scenario

_CHANGES = frozenset(
    {"cycle_unit", "toggle_weights", "normalise", "add_outcome", "remove_outcome", "rename_outcome"}
)
"""Actions that change the scenario or the table's mode."""

NARROW_WIDTH = 110
"""Below this many columns the panels stack and the body scrolls."""
NARROW_HEIGHT = 34
"""Below this many rows, likewise."""
MIN_WIDTH = 60
"""Below this size a notice asks for a larger terminal instead of a broken layout."""
MIN_HEIGHT = 16


class MainScreen(Screen[None]):
    """Table, metrics and charts of one scenario, all visible at once when there is room."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "cycle_unit", "Unit", tooltip="Cycle nats → bits → hartleys"),
        Binding("w", "toggle_weights", "Weights", tooltip="Toggle probabilities ↔ weights"),
        Binding("n", "normalise", "Normalise", tooltip="Normalise the current column"),
        Binding("a", "add_outcome", "Add", tooltip="Add an outcome"),
        Binding("x,delete", "remove_outcome", "Remove", tooltip="Remove the selected outcome"),
        Binding("r", "rename_outcome", "Rename", tooltip="Rename the selected outcome"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    scenario: var[Scenario] = var(lambda: preset("weather"))
    """The one scenario; replaced, never mutated, on every change."""
    weights_mode: var[bool] = var(False)
    """Whether the table edits weights rather than probabilities."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.set_reactive(MainScreen.scenario, scenario)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            with Horizontal(id="top"):
                with Vertical(id="table-panel", classes="panel") as panel:
                    panel.border_title = "Distributions"
                    yield DistributionTable(id="table").data_bind(
                        MainScreen.scenario, MainScreen.weights_mode
                    )
                with Vertical(id="metrics-panel", classes="panel") as panel:
                    panel.border_title = "Measures"
                    yield MetricsPanel(id="metrics").data_bind(MainScreen.scenario)
            with Horizontal(id="charts"):
                yield DecompositionChart(id="decomposition").data_bind(MainScreen.scenario)
                yield OutcomeChart(id="outcomes").data_bind(MainScreen.scenario)
        yield Static(
            "The terminal is too small for divtui.\nPlease enlarge it to at least "
            f"{MIN_WIDTH}×{MIN_HEIGHT}.",
            id="too-small",
        )
        yield Footer()

    def on_mount(self) -> None:
        self._update_titles()
        self.query_one("#grid").focus()

    @property
    def table(self) -> DistributionTable:
        """The distribution table."""
        return self.query_one(DistributionTable)

    # --- state --------------------------------------------------------------------------------

    def watch_scenario(self) -> None:
        self._update_titles()

    def watch_weights_mode(self) -> None:
        self._update_titles()

    def _update_titles(self) -> None:
        scenario = self.scenario
        mode = "weights" if self.weights_mode else "probabilities"
        self.title = scenario.title
        self.sub_title = f"{scenario.unit.value} · {mode}"

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        was_tiny = self.has_class("-tiny")
        tiny = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(tiny, "-tiny")
        self.set_class(width < NARROW_WIDTH or height < NARROW_HEIGHT, "-narrow")
        if tiny != was_tiny:
            self.refresh_bindings()
            if not tiny and self.focused is None:
                self.call_after_refresh(self._focus_table)

    def _focus_table(self) -> None:
        if self.table.is_editing:
            self.query_one("#editor-input").focus()
        else:
            self.table.grid.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Changes wait while the terminal is too small (hidden) or a cell is being edited
        (shown disabled): the editor holds a row and column that must stay valid."""
        if action in _CHANGES:
            if self.has_class("-tiny"):
                return False
            if self.table.is_editing:
                return None
        return True

    # --- messages up --------------------------------------------------------------------------

    @on(DistributionTable.CellEdited)
    def _on_cell_edited(self, event: DistributionTable.CellEdited) -> None:
        scenario = self.scenario
        if not 0 <= event.row < scenario.size:  # the outcome went away while it was edited
            event.control.close_editor()
            return
        try:
            if event.column is None:
                next_scenario = scenario.with_label(event.row, event.text)
            else:
                where = f"{scenario.column_name(event.column)}({scenario.labels[event.row]})"
                value = parse_weight(event.text, where)
                if self.weights_mode:
                    next_scenario = scenario.with_weight(event.column, event.row, value)
                else:
                    next_scenario = scenario.with_probability(event.column, event.row, value)
        except DivtuiError as error:
            event.control.show_error(str(error))
            return
        self.scenario = next_scenario
        event.control.close_editor()

    @on(DataTable.CellHighlighted)
    def _on_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        column = event.coordinate.column - 1
        if column > P_COLUMN:
            self.query_one(OutcomeChart).show_model(column - 1)

    # --- actions ------------------------------------------------------------------------------

    def action_cycle_unit(self) -> None:
        """Measure in the next unit."""
        self.scenario = self.scenario.with_unit(self.scenario.unit.next())
        self.notify(f"Unit: {self.scenario.unit.value}", timeout=2, markup=False)

    def action_toggle_weights(self) -> None:
        """Switch the table between probabilities and weights."""
        self.weights_mode = not self.weights_mode

    def action_normalise(self) -> None:
        """Replace the current column's weights by its probabilities."""
        column = self.table.scenario_column
        if column is None:
            self.notify("Move to a p or q column to normalise it.", severity="warning")
            return
        self.scenario = self.scenario.normalised(column)
        self.notify(f"Normalised {self.scenario.column_name(column)}.", timeout=2, markup=False)

    def action_add_outcome(self) -> None:
        """Ask for a label and add an outcome with weight 0 everywhere."""

        def add(label: str | None) -> None:
            if label is not None:
                self.scenario = self.scenario.with_outcome(label)
                self.table.grid.move_cursor(row=self.scenario.size - 1)

        self.app.push_screen(
            PromptScreen("Label of the new outcome:", check=self.scenario.with_outcome), add
        )

    def action_remove_outcome(self) -> None:
        """Remove the outcome under the cursor (never below two)."""
        row = self.table.cursor_row
        label = self.scenario.labels[row]
        try:
            self.scenario = self.scenario.without_outcome(row)
        except DivtuiError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(f"Removed {label!r}.", timeout=2, markup=False)

    def action_rename_outcome(self) -> None:
        """Ask for a new label for the outcome under the cursor."""
        row = self.table.cursor_row

        def rename(label: str | None) -> None:
            if label is not None:
                self.scenario = self.scenario.with_label(row, label)

        self.app.push_screen(
            PromptScreen(
                f"New label for {self.scenario.labels[row]!r}:",
                value=self.scenario.labels[row],
                check=lambda text: self.scenario.with_label(row, text),
            ),
            rename,
        )

    def action_help(self) -> None:
        """Show every key."""
        self.app.push_screen(HelpScreen())
