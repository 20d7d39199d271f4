"""The main screen: it owns the scenario, turns the table's messages into the next scenario, and
binds the new value down to the table, the metrics and the charts."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.events import Resize
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from divtui.app.screens.confirm import ConfirmScreen
from divtui.app.screens.help import HelpScreen
from divtui.app.screens.path_prompt import PathPromptScreen
from divtui.app.screens.preset_picker import PresetPickerScreen
from divtui.app.screens.prompt import PromptScreen
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.distribution_table import DistributionTable
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.app.widgets.outcome_grid import OutcomeGrid, grid_width
from divtui.app.widgets.training_chart import TrainingChart
from divtui.core.baseline import Baseline
from divtui.core.distribution import parse_number, parse_weight
from divtui.core.errors import DivtuiError
from divtui.core.history import History
from divtui.core.logits import Objective
from divtui.core.outcome_order import SortBy
from divtui.core.presets import PRESETS, preset
from divtui.core.scenario import P_COLUMN, Scenario
from divtui.core.scenario_file import load_scenario, save_path_for, save_scenario
from divtui.core.spec import parse_column
from divtui.core.training import MAX_LEARNING_RATE, TrainingRun, suggested_learning_rate

_CHANGES = frozenset(
    {
        "cycle_unit",
        "toggle_weights",
        "normalise",
        "add_outcome",
        "remove_outcome",
        "rename_outcome",
        "add_model",
        "remove_model",
        "rename_model",
        "toggle_logits",
        "temperature",
        "set_temperature",
        "smoothing",
        "set_smoothing",
        "undo",
        "redo",
        "pin_baseline",
        "clear_baseline",
        "choose_preset",
        "open",
    }
)
"""Actions that change the scenario, the table's mode or the baseline."""

TEMPERATURE_STEP = 1.25
"""`[` divides and `]` multiplies the temperature by this."""
SMOOTHING_STEP = 0.05
"""`{` and `}` change label smoothing by this."""
TRAINING_FPS = 20
"""At most this many training frames a second; faster speeds take several steps a frame."""
SPEEDS = (2, 5, 10, 20, 50, 100, 200, 500, 1000)
"""Training speeds in gradient steps per second, slowest first (10 by default: slow enough to
talk over in front of a class)."""
"""The choices of steps per frame, slowest first."""
HALF_WIDTH_TABLE = 56
"""A grid wider than this (terminal columns) does not fit beside the measures at 120x40."""
SUBTITLE_FROM = 12
"""The table panel says how many outcomes there are once there are more than this."""
MANY_MODELS = 3
"""With more models than this, the table and the measures each take the full width."""

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
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("u", "cycle_unit", "Unit", tooltip="Cycle nats → bits → hartleys"),
        Binding(
            "w", "toggle_weights", "Weights", show=False, tooltip="Toggle probabilities ↔ weights"
        ),
        Binding("n", "normalise", "Normalise", show=False, tooltip="Normalise the current column"),
        Binding("a", "add_outcome", "Add", tooltip="Add an outcome"),
        Binding(
            "x,delete",
            "remove_outcome",
            "Remove",
            show=False,
            tooltip="Remove the selected outcome",
        ),
        Binding("r", "rename_outcome", "Rename", show=False, tooltip="Rename the selected outcome"),
        Binding("m", "add_model", "Model+", tooltip="Add a model (a copy of the selected one)"),
        Binding("M", "remove_model", "Model−", show=False, tooltip="Remove the selected model"),
        Binding(
            "R", "rename_model", "Rename model", show=False, tooltip="Rename the selected model"
        ),
        Binding(
            "l",
            "toggle_logits",
            "Logits",
            show=False,
            tooltip="Switch the selected model between probabilities and logits",
        ),
        Binding(
            "left_square_bracket",
            "temperature(False)",
            "T÷1.25",
            show=False,
            key_display="[",
            tooltip="Lower the selected model's temperature (÷ 1.25)",
        ),
        Binding(
            "right_square_bracket",
            "temperature(True)",
            "T×1.25",
            show=False,
            key_display="]",
            tooltip="Raise the selected model's temperature (× 1.25)",
        ),
        Binding(
            "left_curly_bracket",
            "smoothing(False)",
            "ε−0.05",
            show=False,
            key_display="{",
            tooltip="Less label smoothing (ε − 0.05)",
        ),
        Binding(
            "right_curly_bracket",
            "smoothing(True)",
            "ε+0.05",
            show=False,
            key_display="}",
            tooltip="More label smoothing (ε + 0.05)",
        ),
        Binding("b", "pin_baseline", "Baseline", tooltip="Pin the current measures as a baseline"),
        Binding("B", "clear_baseline", "Clear baseline", show=False, tooltip="Clear the baseline"),
        Binding(
            "t",
            "train",
            "Train",
            tooltip="Start or stop training the selected model (gradient descent on its logits)",
        ),
        Binding(
            "T",
            "toggle_objective",
            "Objective",
            show=False,
            tooltip="Switch the training objective: H(p,q) ↔ reverse KL(q‖p)",
        ),
        Binding(
            "left_parenthesis",
            "learning_rate(False)",
            "η÷2",
            show=False,
            key_display="(",
            tooltip="Halve the training learning rate",
        ),
        Binding(
            "right_parenthesis",
            "learning_rate(True)",
            "η×2",
            show=False,
            key_display=")",
            tooltip="Double the training learning rate",
        ),
        Binding(
            "less_than_sign",
            "speed(False)",
            "Slower",
            show=False,
            key_display="<",
            tooltip="Train slower (fewer gradient steps a second)",
        ),
        Binding(
            "greater_than_sign",
            "speed(True)",
            "Faster",
            show=False,
            key_display=">",
            tooltip="Train faster (more gradient steps a second)",
        ),
        Binding(
            "o",
            "sort",
            "Sort",
            show=False,
            tooltip="Sort the rows: outcome order → label → p → q → |KL term| (selected model)",
        ),
        Binding(
            "slash",
            "find",
            "Find",
            show=False,
            key_display="/",
            tooltip="Jump to an outcome by its label (or part of it)",
        ),
        Binding("p", "choose_preset", "Presets", tooltip="Open a preset (replaces the scenario)"),
        Binding("ctrl+s", "save", "Save", show=False, tooltip="Save the scenario"),
        Binding(
            "ctrl+shift+s",
            "save_as",
            "Save as",
            show=False,
            tooltip="Save the scenario under a new name",
        ),
        Binding("ctrl+o", "open", "Open", show=False, tooltip="Open a scenario file"),
        Binding("ctrl+z", "undo", "Undo", show=False, tooltip="Undo the last change"),
        Binding("ctrl+y,ctrl+shift+z", "redo", "Redo", show=False, tooltip="Redo"),
    ]

    scenario: var[Scenario] = var(lambda: preset("weather"))
    """The one scenario; replaced, never mutated, on every change."""
    weights_mode: var[bool] = var(False)
    """Whether the table edits weights rather than probabilities."""
    baseline: var[Baseline | None] = var(None)
    """Measures pinned with `b`; every measure then shows its change against them."""
    training: var[TrainingRun | None] = var(None)
    """The current or last training run (its chart replaces the per-outcome chart)."""

    def __init__(self, scenario: Scenario, path: Path | None = None) -> None:
        super().__init__()
        self.set_reactive(MainScreen.scenario, scenario)
        self._files: dict[int, tuple[weakref.ref[Scenario], Path | None, Scenario]] = {}
        """For each scenario met (by identity, weakly held): its file and that file's saved
        state, restored by undo and redo."""
        self._history: History[Scenario] = History(scenario)
        self._live_base: History[Scenario] | None = None
        self.path = path
        """The file the scenario was opened from or last saved to (None: not saved yet)."""
        self._saved = scenario
        self._remember_file(scenario)
        self._timer: Timer | None = None
        self.objective = Objective.CROSS_ENTROPY
        """What `t` minimises; `T` switches it."""
        self.learning_rate: float | None = None
        """The learning rate η (None: the run suggests one from the temperature)."""
        self._last_search = ""
        """What `/` looked for last (offered again, so Enter finds the next match)."""
        self.steps_per_second = SPEEDS[2]
        """How fast training runs, in gradient steps per second (`<` and `>` change it)."""

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
                    yield MetricsPanel(id="metrics").data_bind(
                        MainScreen.scenario, MainScreen.baseline
                    )
            with Horizontal(id="charts"):
                yield DecompositionChart(id="decomposition").data_bind(MainScreen.scenario)
                yield OutcomeChart(id="outcomes").data_bind(MainScreen.scenario)
                yield TrainingChart(id="training").data_bind(
                    MainScreen.scenario, run=MainScreen.training
                )
        yield Static(
            "The terminal is too small for divtui.\nPlease enlarge it to at least "
            f"{MIN_WIDTH}×{MIN_HEIGHT}.",
            id="too-small",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._update_titles()
        self.call_after_refresh(self._update_table_subtitle)
        # NoMatches: the app is already closing (its input ended while it started).
        with contextlib.suppress(NoMatches):
            self.table.grid.focus()

    @property
    def table(self) -> DistributionTable:
        """The distribution table."""
        return self.query_one(DistributionTable)

    # --- state --------------------------------------------------------------------------------

    def watch_scenario(self, scenario: Scenario) -> None:
        if self.training is not None and scenario is not self.training.scenario:
            # Anything but a frame of the run (an edit, undo, a preset, a file) ends it, and its
            # chart gives the per-outcome chart its place back.
            self._stop_training("Training stopped: the scenario changed.")
            self.training = None
        # Every new scenario is one undo step, except frames of a live run (training), which
        # all replace a single step recorded on top of the history the run started from.
        if self._live_base is not None:
            self._history = self._live_base.record(scenario)
        elif scenario is not self._history.present:
            self._history.present.forget_derived()  # undo recomputes what it needs
            self._history = self._history.record(scenario)
        self._remember_file(scenario)
        self._update_layout()
        self._update_titles()
        self.call_after_refresh(self._update_table_subtitle)

    def watch_weights_mode(self) -> None:
        self._update_layout()
        self._update_titles()

    def _update_layout(self) -> None:
        """The table and the measures take the full width each when many models, or wide
        columns (logits, weights, long names), would not fit side by side."""
        scenario = self.scenario
        wide = grid_width(scenario, self.weights_mode) > HALF_WIDTH_TABLE
        self.set_class(len(scenario.models) > MANY_MODELS or wide, "-many")
        if self.is_mounted:
            self._fit_table()

    @property
    def history(self) -> History[Scenario]:
        """The undo history; its present is always `scenario`."""
        return self._history

    def begin_live_change(self) -> None:
        """Start a run of changes (a training animation) that undo takes back as one step."""
        self._live_base = self._history

    def end_live_change(self) -> None:
        """End a live run: its last scenario stays as the one undo step it made."""
        self._live_base = None

    def _update_titles(self) -> None:
        scenario = self.scenario
        mode = "weights" if self.weights_mode else "probabilities"
        parts = [scenario.unit.value, mode]
        if scenario.label_smoothing:
            parts.append(f"ε = {scenario.label_smoothing:g}")
        if self.baseline is not None:
            parts.append("baseline pinned")
        if not self._history.can_undo:
            parts.append("nothing to undo")
        self.title = f"{scenario.title}{' *' if self.has_unsaved_changes else ''}"
        self.sub_title = " · ".join(parts)

    @property
    def has_unsaved_changes(self) -> bool:
        """Whether the scenario differs from the one last opened or saved."""
        return self.scenario != self._saved

    def _mark_saved(self, scenario: Scenario, path: Path | None) -> None:
        self._saved = scenario
        self.path = path
        self._remember_file(scenario)
        self._update_titles()

    def _remember_file(self, scenario: Scenario) -> None:
        """Note which file (and which saved state of it) goes with `scenario`, so that undoing
        past an open or a save-as also goes back to the file before it: ctrl+s must never write
        the scenario on screen over a file it did not come from."""
        if len(self._files) > 4 * len(self._history.past) + 64:
            self._files = {k: v for k, v in self._files.items() if v[0]() is not None}
        self._files[id(scenario)] = (weakref.ref(scenario), self.path, self._saved)

    def _restore_file(self, scenario: Scenario) -> None:
        entry = self._files.get(id(scenario))
        if entry is not None and entry[0]() is scenario and entry[1] != self.path:
            # Back to another file: its saved state then (this file's stays what was saved).
            self.path, self._saved = entry[1], entry[2]

    def watch_baseline(self) -> None:
        self._update_titles()

    def watch_training(self, training: TrainingRun | None) -> None:
        self.set_class(training is not None, "-training")

    @property
    def selected_model(self) -> int:
        """The model under the cursor, or the first model on the label and p columns."""
        column = self.table.scenario_column
        if column is None or column == P_COLUMN:
            return 0
        return min(column - 1, len(self.scenario.models) - 1)

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        was_tiny = self.has_class("-tiny")
        tiny = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(tiny, "-tiny")
        self.set_class(width < NARROW_WIDTH or height < NARROW_HEIGHT, "-narrow")
        self._fit_table()
        if tiny != was_tiny:
            self.refresh_bindings()
            if not tiny and self.focused is None:
                self.call_after_refresh(self._focus_table)

    def _fit_table(self) -> None:
        """How many lines the table's rows (and its editor) may take. Side by side with the
        measures, the top row holds 60% of the body; stacked, the table leaves a few lines of
        the screen to the measures below it, so they are seen to be there."""
        body = self.size.height - 2  # the header and the footer
        stacked = self.has_class("-narrow") or self.has_class("-many")
        rows = body - 2 - 4 if stacked else int(body * 0.6) - 2  # - the panel's border
        self.table.fit(max(4, rows))

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
        if not 0 <= event.row < scenario.size or (
            event.column is not None and event.column >= scenario.column_count
        ):  # the outcome or the model went away while it was edited
            event.control.close_editor()
            return
        try:
            if event.column is None:
                next_scenario = scenario.with_label(event.row, event.text)
            elif event.column > P_COLUMN and scenario.models[event.column - 1].is_logits:
                where = f"{scenario.column_name(event.column)} logit({scenario.labels[event.row]})"
                next_scenario = scenario.with_logit(
                    event.column - 1, event.row, parse_number(event.text, where)
                )
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
        if event.column is None:
            self.table.grid.keep_order()  # a relabelled outcome keeps its row
        self.scenario = next_scenario
        event.control.close_editor()

    @on(DistributionTable.ColumnPasted)
    def _on_column_pasted(self, event: DistributionTable.ColumnPasted) -> None:
        scenario = self.scenario
        if event.column is None:
            self.notify(
                "Paste numbers onto p or a model's column, one per outcome.",
                severity="error",
                markup=False,
            )
            return
        if not 0 <= event.column < scenario.column_count:  # a model went away on the way
            self.notify(
                "Paste refused: the column it was pasted on is gone.",
                severity="error",
                markup=False,
            )
            return
        name = scenario.column_name(event.column)
        order = self.table.grid.display_order
        try:
            logits = event.column > P_COLUMN and scenario.models[event.column - 1].is_logits
            where = f"pasted {name} logits" if logits else f"pasted {name}"
            values = np.asarray(parse_column(event.text, scenario.size, where, logits=logits))
            if order is not None:  # the list runs down the rows as shown
                values[order] = values.copy()
            if logits:
                next_scenario = scenario.with_logits(event.column - 1, values.tolist())
            else:
                next_scenario = scenario.with_column(event.column, values.tolist())
        except DivtuiError as error:
            self.notify(str(error), title="Paste refused", severity="error", markup=False)
            return
        self.scenario = next_scenario
        down = ", top to bottom as the rows are shown" if order is not None else ""
        self.notify(f"Pasted {scenario.size} values into {name}{down}.", timeout=3, markup=False)

    @on(OutcomeGrid.CellHighlighted)
    def _on_cell_highlighted(self, event: OutcomeGrid.CellHighlighted) -> None:
        column = event.coordinate.column - 1
        if column > P_COLUMN:
            self.query_one(OutcomeChart).show_model(column - 1)

    # --- actions ------------------------------------------------------------------------------

    def action_cycle_unit(self) -> None:
        """Measure in the next unit (a training run carries on in it)."""
        unit = self.scenario.unit.next()
        if self.is_training and self.training is not None:
            self.training = self.training.with_unit(unit)
            self.scenario = self.training.scenario
        else:
            self.scenario = self.scenario.with_unit(unit)
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
                self.table.grid.keep_order(added=True)
                self.scenario = self.scenario.with_outcome(label)
                self.table.grid.move_cursor_to_outcome(self.scenario.size - 1)

        self.app.push_screen(
            PromptScreen("Label of the new outcome:", check=self.scenario.with_outcome), add
        )

    def action_remove_outcome(self) -> None:
        """Remove the outcome under the cursor (never below two)."""
        row = self.table.cursor_row
        label = self.scenario.labels[row]
        try:
            scenario = self.scenario.without_outcome(row)
        except DivtuiError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.table.grid.keep_order(removed=row)
        self.scenario = scenario
        self.notify(f"Removed {label!r}.", timeout=2, markup=False)

    def action_rename_outcome(self) -> None:
        """Ask for a new label for the outcome under the cursor."""
        row = self.table.cursor_row

        def rename(label: str | None) -> None:
            if label is not None:
                self.table.grid.keep_order()  # the same outcomes, one relabelled
                self.scenario = self.scenario.with_label(row, label)

        self.app.push_screen(
            PromptScreen(
                f"New label for {self.scenario.labels[row]!r}:",
                value=self.scenario.labels[row],
                check=lambda text: self.scenario.with_label(row, text),
            ),
            rename,
        )

    def action_sort(self) -> None:
        """List the rows in the next order: outcome → label → p → q → |KL term|; after edits
        spoiled the current order, sort them by it again first."""
        grid = self.table.grid
        if grid.order_is_stale:
            grid.sort(grid.sorting)
        else:
            grid.sort(grid.sorting.next(self.selected_model))

    @on(OutcomeGrid.Sorted)
    def _on_sorted(self, event: OutcomeGrid.Sorted) -> None:
        self._update_table_subtitle()
        self.notify(f"Rows {event.sorting.describe(self.scenario)}.", timeout=2, markup=False)

    def _update_table_subtitle(self) -> None:
        """The outcome count and the order, once there are enough rows to need them."""
        grid = self.table.grid
        sorting = grid.sorting
        panel = self.query_one("#table-panel")
        if grid.order_is_stale:
            panel.border_subtitle = (
                f"{sorting.describe_briefly(self.scenario)} before your edits · o re-sorts"
            )
        elif self.scenario.size > SUBTITLE_FROM or sorting.by is not SortBy.OUTCOME:
            panel.border_subtitle = (
                f"{self.scenario.size:,} outcomes, {sorting.describe_briefly(self.scenario)}"
                " · o sort · / find"
            )
        else:
            panel.border_subtitle = ""

    def action_find(self) -> None:
        """Ask for a label (or its start) and move to the next outcome that matches."""
        grid = self.table.grid

        def find(text: str) -> None:
            if not grid.find(text):
                raise DivtuiError(f"no outcome's label is, starts with or contains {text!r}")
            self._last_search = text

        self.app.push_screen(
            PromptScreen("Find an outcome (its label, or part of it):", self._last_search, find)
        )

    def action_help(self) -> None:
        """Show every key."""
        self.app.push_screen(HelpScreen([*self.BINDINGS, *self.app.BINDINGS]))

    # --- models -------------------------------------------------------------------------------

    def _try(self, make: Callable[[], Scenario], done: str | None = None) -> bool:
        """Apply a change, or say why it was refused; True when applied."""
        try:
            self.scenario = make()
        except DivtuiError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        if done:
            self.notify(done, timeout=2, markup=False)
        return True

    def action_add_model(self) -> None:
        """Add a copy of the selected model, named q2, q3, …"""
        index = self.selected_model
        if self._try(lambda: self.scenario.with_model_copy(index)):
            self.table.grid.move_cursor(column=self.scenario.column_count)

    def action_remove_model(self) -> None:
        """Remove the selected model (never the last)."""
        index = self.selected_model
        name = self.scenario.models[index].name
        self._try(lambda: self.scenario.without_model(index), f"Removed model {name!r}.")

    def action_rename_model(self) -> None:
        """Ask for a new name for the selected model."""
        index = self.selected_model
        old = self.scenario.models[index].name

        def rename(name: str | None) -> None:
            if name is not None:
                self.scenario = self.scenario.with_model_name(index, name)

        self.app.push_screen(
            PromptScreen(
                f"New name for model {old!r}:",
                value=old,
                check=lambda text: self.scenario.with_model_name(index, text),
            ),
            rename,
        )

    def action_toggle_logits(self) -> None:
        """Give the selected model by logits (T·log q) or by probabilities (softmax(z/T))."""
        index = self.selected_model
        model = self.scenario.models[index]
        entry = "probabilities" if model.is_logits else "logits"
        self._try(
            lambda: self.scenario.with_logits_entry(index, not model.is_logits),
            f"{model.name} is now given by {entry}.",
        )

    def action_temperature(self, up: bool) -> None:
        """Multiply (`]`) or divide (`[`) the selected model's temperature by 1.25."""
        index = self.selected_model
        model = self.scenario.models[index]
        factor = TEMPERATURE_STEP if up else 1 / TEMPERATURE_STEP
        scenario = self.scenario
        if not model.is_logits:  # a temperature acts on logits: take them from q first
            scenario = scenario.with_logits_entry(index, True)
        temperature = model.temperature * factor
        self._try(
            lambda: scenario.with_temperature(index, temperature),
            f"{model.name}: T = {temperature:.4g}",
        )

    def action_set_temperature(self) -> None:
        """Type the selected model's temperature exactly."""
        index = self.selected_model
        model = self.scenario.models[index]

        def make(text: str) -> Scenario:
            scenario = self.scenario
            if not model.is_logits:
                scenario = scenario.with_logits_entry(index, True)
            return scenario.with_temperature(index, parse_number(text, f"{model.name} temperature"))

        self._ask(
            f"Temperature T of {model.name!r} (q = softmax(z / T)):", f"{model.temperature:g}", make
        )

    def action_smoothing(self, up: bool) -> None:
        """Raise (`}`) or lower (`{`) label smoothing by 0.05, within [0, 1]."""
        epsilon = self.scenario.label_smoothing + (SMOOTHING_STEP if up else -SMOOTHING_STEP)
        epsilon = round(min(max(epsilon, 0.0), 1.0), 12)
        self._try(
            lambda: self.scenario.with_label_smoothing(epsilon),
            f"Label smoothing ε = {epsilon:g}",
        )

    def action_set_smoothing(self) -> None:
        """Type the label smoothing ε exactly."""
        self._ask(
            "Label smoothing ε in [0, 1] (p' = (1 − ε)·p + ε/K):",
            f"{self.scenario.label_smoothing:g}",
            lambda text: self.scenario.with_label_smoothing(parse_number(text, "label smoothing")),
        )

    def _ask(self, question: str, value: str, make: Callable[[str], Scenario]) -> None:
        """Prompt for a value; the prompt stays open with the reason while `make` refuses it."""

        def apply(text: str | None) -> None:
            if text is not None:
                self.scenario = make(text)

        self.app.push_screen(PromptScreen(question, value=value, check=make), apply)

    # --- training -----------------------------------------------------------------------------

    @property
    def is_training(self) -> bool:
        """Whether a training animation is running."""
        return self._timer is not None

    def action_train(self) -> None:
        """Start (or stop) gradient descent on the selected model's logits."""
        if self.is_training:
            self._stop_training("Training stopped.")
            return
        try:
            run = TrainingRun.start(
                self.scenario, self.selected_model, self.objective, self.learning_rate
            )
        except DivtuiError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if run.converged:
            self.notify(f"{run.model.name} already minimises {self.objective.formula}.", timeout=3)
            return
        self.begin_live_change()
        self.training = run
        self.scenario = run.scenario
        self._start_timer()
        self.refresh_bindings()
        self.notify(
            f"Training {run.model.name}: minimising {self.objective.formula} "
            f"(η = {run.learning_rate:g}; t stops, T switches the objective).",
            timeout=3,
            markup=False,
        )

    def _start_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        frames = min(TRAINING_FPS, self.steps_per_second)
        self._timer = self.set_interval(1 / frames, self._training_frame)

    @property
    def steps_per_frame(self) -> int:
        """Gradient steps taken in each animation frame at the current speed."""
        return max(1, round(self.steps_per_second / TRAINING_FPS))

    def _training_frame(self) -> None:
        run = self.training
        if run is None or not self.is_training:
            return
        try:
            run = run.step(self.steps_per_frame)
        except DivtuiError as error:
            self._stop_training(str(error))
            return
        self.training = run
        self.scenario = run.scenario
        if run.converged:
            self._stop_training(
                f"Converged after {run.steps} steps: {run.objective.formula} is within 1e-6 "
                "of its minimum."
            )
        elif run.stalled:
            self._stop_training(f"Stopped after {run.steps} steps: the objective stopped moving.")

    def _stop_training(self, message: str | None = None) -> None:
        if self._timer is None:
            return
        self._timer.stop()
        self._timer = None
        self.end_live_change()
        self.refresh_bindings()
        if message:
            self.notify(message, timeout=4, markup=False)

    def action_toggle_objective(self) -> None:
        """Switch what training minimises: H(p,q) (forward KL) or the reverse KL(q‖p)."""
        self.objective = (
            Objective.REVERSE_KL
            if self.objective is Objective.CROSS_ENTROPY
            else Objective.CROSS_ENTROPY
        )
        if self.training is not None and self.is_training:
            self.training = self.training.with_objective(self.objective)
        self.notify(f"Training minimises {self.objective.formula}.", timeout=2, markup=False)

    def action_learning_rate(self, up: bool) -> None:
        """Double or halve the learning rate η."""
        current = (
            self.training.learning_rate
            if self.training is not None
            else self.learning_rate or suggested_learning_rate()
        )
        rate = min(current * 2 if up else current / 2, MAX_LEARNING_RATE)
        self.learning_rate = rate
        if self.training is not None:
            self.training = self.training.with_learning_rate(rate)
        self.notify(f"Learning rate η = {rate:g}", timeout=2, markup=False)

    def action_speed(self, up: bool) -> None:
        """More or fewer gradient steps per animation frame."""
        index = SPEEDS.index(self.steps_per_second) + (1 if up else -1)
        self.steps_per_second = SPEEDS[min(max(index, 0), len(SPEEDS) - 1)]
        if self.is_training:
            self._start_timer()
        self.notify(f"Training speed: {self.steps_per_second} steps per second", timeout=2)

    # --- files and presets --------------------------------------------------------------------

    def action_choose_preset(self) -> None:
        """Pick a preset; it replaces the scenario (ctrl+z brings the old one back)."""

        def choose(name: str | None) -> None:
            if name is not None:
                chosen = preset(name)
                self.table.grid.sort_as_new()
                self.scenario = chosen
                self._mark_saved(chosen, None)
                self.notify(f"Preset {name!r}: {PRESETS[name].description}", markup=False)

        self.app.push_screen(PresetPickerScreen(), choose)

    def action_save(self) -> None:
        """Save to the scenario's file, or ask for one the first time."""
        if self.path is None:
            self.action_save_as()
            return
        path = save_path_for(self.scenario, self.path)
        if path != self.path and path.exists():
            self.action_save_as(path)  # asks before replacing that .npz
            return
        self._save(self.scenario, path, self.path)

    def _save(self, scenario: Scenario, path: Path, asked: Path) -> None:
        """Write the file, or say why not; `asked` is the path the user gave, when a large
        scenario went to .npz instead of TOML."""
        try:
            save_scenario(scenario, path)
        except DivtuiError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self._mark_saved(scenario, path)
        note = "" if path == asked else f" ({scenario.size:,} outcomes go to .npz, not TOML)"
        self.notify(f"Saved {path}{note}", timeout=4, markup=False)

    def action_save_as(self, suggested: Path | None = None) -> None:
        """Ask for a path and save the scenario there (written atomically; asks before
        replacing another file). The format follows the suffix: .toml, .npz, .csv or .json."""
        scenario = self.scenario

        def chosen(asked: Path | None) -> None:
            if asked is None:
                return
            path = save_path_for(scenario, asked)

            def save(path: Path) -> None:
                self._save(scenario, path, asked)

            if path.exists() and path != self.path:

                def answer(replace: bool | None) -> None:
                    if replace:
                        save(path)

                self.app.push_screen(
                    ConfirmScreen(f"{path} already exists. Replace it?", confirm="Replace"),
                    answer,
                )
                return
            save(path)

        self.app.push_screen(
            PathPromptScreen(
                "Save the scenario as (.toml, .npz, .csv or .json):",
                initial=str(suggested or self.path or ""),
                must_exist=False,
            ),
            chosen,
        )

    def action_open(self) -> None:
        """Ask for a scenario file and open it; a file that fails to load changes nothing."""
        loaded: list[Scenario] = []

        def load(path: Path) -> None:
            loaded.append(load_scenario(path))

        def opened(path: Path | None) -> None:
            if path is not None and loaded:
                self.table.grid.sort_as_new()
                self.scenario = loaded[-1]
                self._mark_saved(loaded[-1], path)
                self.notify(f"Opened {path}", timeout=3, markup=False)

        self.app.push_screen(
            PathPromptScreen(
                "Open a scenario file (.toml, .npz, .csv or .json):", must_exist=True, check=load
            ),
            opened,
        )

    # --- baseline and history -----------------------------------------------------------------

    def action_pin_baseline(self) -> None:
        """Pin the current measures; every measure then shows its change against them."""
        self.baseline = Baseline.pin(self.scenario)
        self.notify("Baseline pinned: the measures now show Δ against it.", timeout=3)

    def action_clear_baseline(self) -> None:
        """Forget the baseline."""
        if self.baseline is not None:
            self.baseline = None
            self.notify("Baseline cleared.", timeout=2)

    def action_undo(self) -> None:
        """Take back the last change to the scenario."""
        self._stop_training()
        if not self._history.can_undo:
            self.notify("Nothing to undo.", timeout=2)
            return
        self._history = self._history.undo()
        self._restore_file(self._history.present)
        self.scenario = self._history.present

    def action_redo(self) -> None:
        """Apply again the last change undone."""
        self._stop_training()
        if not self._history.can_redo:
            self.notify("Nothing to redo.", timeout=2)
            return
        self._history = self._history.redo()
        self._restore_file(self._history.present)
        self.scenario = self._history.present
