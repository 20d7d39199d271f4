"""The main screen: it owns the scenario, analyses each new one once, binds both down to the
table, the measures and the charts, and turns their messages into the next scenario.

What the keys do lives in `divtui.app.actions` (declared in `divtui.app.commands`); the undo
history and the file in `divtui.app.session`; the training animation in `divtui.app.training`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.events import Resize
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from divtui.app.actions import bench, train
from divtui.app.commands import BY_ID, CommandState, screen_bindings
from divtui.app.header_text import header_titles
from divtui.app.layout import TOO_SMALL, View, size_classes, stacks_panels, table_budget
from divtui.app.screens.prompt import PromptScreen
from divtui.app.session import Session
from divtui.app.training import Trainer, fixed_view
from divtui.app.widgets.busy_line import BusyLine
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.distribution_table import DistributionTable, EditOutcome
from divtui.app.widgets.distributions_chart import DistributionsChart
from divtui.app.widgets.grid_state import Cell, CursorRequest, GridView, SortRequest
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.app.widgets.training_chart import TrainingChart
from divtui.core.analysis import Analysis
from divtui.core.baseline import Baseline
from divtui.core.edit_text import apply_cell_text, apply_column_text
from divtui.core.errors import DivtuiError
from divtui.core.kiosk import KioskPolicy
from divtui.core.outcome_order import Sorting
from divtui.core.presets import preset
from divtui.core.scenario import Scenario
from divtui.core.training import TrainingRun

SUBTITLE_FROM = 12
"""The table panel says how many outcomes there are once there are more than this."""


class MainScreen(Screen[None]):
    """Table, metrics and charts of one scenario, all visible at once when there is room."""

    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings()]

    scenario: var[Scenario] = var(lambda: preset("weather"))
    """The one scenario; replaced, never mutated, on every change."""
    analysis: var[Analysis] = var(lambda: Analysis.of(preset("weather")))
    """The scenario's measures, computed once per change (widgets never compute them)."""
    weights_mode: var[bool] = var(False)
    """Whether the table edits weights rather than probabilities."""
    baseline: var[Baseline | None] = var(None)
    """Measures pinned with `b`; every measure then shows its change against them."""
    training: var[TrainingRun | None] = var(None)
    """The current or last training run (its chart replaces the per-outcome chart)."""
    sort_request: var[SortRequest | None] = var(None)
    """The order asked of the table (`o`)."""
    cursor_request: var[CursorRequest | None] = var(None)
    """Where the table's cursor is asked to go (a find)."""
    edit_outcome: var[EditOutcome | None] = var(None)
    """The answer to the table's last edit: accepted, or refused with the reason."""
    row_budget: var[int] = var(12)
    """How many lines the table may take."""
    gap_view: var[bool | None] = var(None)
    """The decomposition chart's broken-axis view: on, off, or None (automatic)."""
    run_axis: var[tuple[float, float] | None] = var(None)
    """The decomposition chart's axis, fixed for a training run (None: fitted to the bars)."""
    run_ghost: var[Baseline | None] = var(None)
    """A training run's start, drawn as ghost bars behind the bars."""
    view: var[View] = var(View.OVERVIEW)
    """What the screen puts first (`v`)."""
    compact_measures: var[bool] = var(False)
    """Whether the measures show only the identity's three (small windows, the lesson)."""
    chart_model: var[int] = var(0)
    """The model whose terms and distribution the charts draw (the last one selected)."""

    def __init__(self, scenario: Scenario, path: Path | None = None) -> None:
        super().__init__()
        self.session = Session(scenario, path)
        """The undo history and the file."""
        self.trainer = Trainer(
            self.set_interval, partial(train.frame, self), partial(train.stopped, self)
        )
        """The training animation."""
        self.rows = GridView()
        """The table's order and cursor, as it last said (it is watched)."""
        self.last_search = ""
        """What `/` looked for last (offered again, so Enter finds the next match)."""
        self._serial = 0
        self.table = DistributionTable(id="table")
        """The distribution table."""
        self.busy = BusyLine(id="busy")
        """The line that says a file is being read or written."""
        self.set_reactive(MainScreen.scenario, scenario)
        self.set_reactive(MainScreen.analysis, Analysis.of(scenario))
        self.add_class(f"-view-{View.OVERVIEW.value}")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            with Horizontal(id="top"):
                with Vertical(id="left"):
                    with Vertical(id="table-panel", classes="panel") as panel:
                        panel.border_title = "Distributions"
                        yield self.table.data_bind(
                            MainScreen.analysis,
                            MainScreen.weights_mode,
                            MainScreen.sort_request,
                            MainScreen.cursor_request,
                            MainScreen.edit_outcome,
                            MainScreen.row_budget,
                        )
                    yield DistributionsChart(id="distributions").data_bind(
                        MainScreen.analysis, model_index=MainScreen.chart_model
                    )
                with Vertical(id="metrics-panel", classes="panel") as panel:
                    panel.border_title = "Measures"
                    yield MetricsPanel(id="metrics").data_bind(
                        MainScreen.analysis,
                        MainScreen.baseline,
                        compact=MainScreen.compact_measures,
                    )
            with Horizontal(id="charts"):
                yield DecompositionChart(id="decomposition").data_bind(
                    MainScreen.analysis,
                    MainScreen.baseline,
                    MainScreen.gap_view,
                    axis_range=MainScreen.run_axis,
                    ghost=MainScreen.run_ghost,
                )
                yield OutcomeChart(id="outcomes").data_bind(
                    MainScreen.analysis, model_index=MainScreen.chart_model
                )
                yield TrainingChart(id="training").data_bind(
                    MainScreen.analysis, run=MainScreen.training
                )
        yield self.busy
        yield Static(TOO_SMALL, id="too-small")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.update_titles()
        with contextlib.suppress(NoMatches):  # the app is already closing (its input ended)
            grid = self.query_one(OutcomeGrid)
            self.watch(grid, "view", self._on_view)
            self.watch(self.table, "editing", lambda: self.refresh_bindings())
            grid.focus()

    def validate_scenario(self, scenario: Scenario) -> Scenario:
        """Kiosk mode caps what a visitor can build (outcomes, models): a change past the caps
        is refused with the reason, and the scenario stays as it was."""
        refusal = None if self.kiosk is None else self.kiosk.refuse(scenario)
        if refusal is not None and self.is_mounted:
            self.notify(refusal, severity="error", markup=False)
            return self.scenario
        return scenario

    def watch_scenario(self, scenario: Scenario) -> None:
        """Each new scenario: one undo step (or a frame of a run), analysed once."""
        run = self.trainer.run
        if run is not None and scenario is not run.scenario:
            # Anything but a frame of the run (an edit, undo, a preset, a file) ends it, and its
            # chart gives the per-outcome chart its place back.
            self.trainer.forget()
            self.training = None
        if notice := self.session.change(scenario):
            self.notify(notice, timeout=4, markup=False)
        self.analysis = Analysis.of(scenario)
        self.watch_weights_mode()

    def watch_weights_mode(self) -> None:
        if self.is_mounted:
            self._fit_table()
        self.update_titles()

    def watch_baseline(self) -> None:
        self.update_titles()

    def watch_training(self, old: TrainingRun | None, training: TrainingRun | None) -> None:
        self.set_class(training is not None, "-training")
        if training is None:
            self.run_axis = self.run_ghost = None
        elif old is None or old.before is not training.before:
            # A new run: its axis stays put from the first frame to the last, so H(p,q) is
            # seen to fall, and its start stays behind the bars as a ghost.
            self.run_axis, self.run_ghost = fixed_view(training.before)

    def _on_view(self, view: GridView) -> None:
        sorted_before = self.rows.sorting, self.rows.stale
        self.rows = view
        many = stacks_panels(
            len(self.scenario.models), view.width, self.size.width, self.has_class("-narrow")
        )
        self.set_class(many, "-many")
        if (view.sorting, view.stale) != sorted_before or self.scenario.size > SUBTITLE_FROM:
            self._update_table_subtitle()

    def update_titles(self) -> None:
        """The header: the scenario's title (with * when unsaved), unit, mode and state."""
        self.title, self.sub_title = header_titles(
            self.scenario,
            self.session,
            view=self.view.value,
            weights_mode=self.weights_mode,
            baseline=self.baseline,
            training=self.trainer.run if self.trainer.running else None,
        )

    def _update_table_subtitle(self) -> None:
        """The outcome count and the order, once there are enough rows to need them."""
        with contextlib.suppress(NoMatches):
            panel = self.query_one("#table-panel")
            panel.border_subtitle = self.rows.subtitle(self.scenario, SUBTITLE_FROM)

    @property
    def kiosk(self) -> KioskPolicy | None:
        """The kiosk policy when serving a visitor (nothing that touches the host), else None."""
        return getattr(self.app, "kiosk", None)  # None too in a test's bare App

    @property
    def cursor(self) -> Cell:
        """The outcome and the scenario column (None: the labels) under the table's cursor."""
        return self.rows.cell(self.scenario)

    def on_resize(self, event: Resize) -> None:
        was_tiny = self.has_class("-tiny")
        for name, applies in size_classes(*event.size).items():
            self.set_class(applies, name)
        tiny = self.has_class("-tiny")
        self._fit_table()
        if tiny != was_tiny:
            self.refresh_bindings()
            if not tiny and self.focused is None:
                self.call_after_refresh(self.query_one(OutcomeGrid).focus)

    def _fit_table(self) -> None:
        narrow = self.has_class("-narrow")
        stacked = self.has_class("-many")
        self.compact_measures = self.view.compact_measures(narrow)
        self.row_budget = table_budget(self.size.height, stacked, self.view, narrow)

    def action_run(self, command: str) -> None:
        """Run one of the commands (`divtui.app.commands`)."""
        handler = BY_ID[command].run
        if handler is not None:
            handler(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Whether a command is offered now: the command table says (`Command.availability`)."""
        if action != "run" or not parameters:
            return True
        state = CommandState(
            kiosk=self.kiosk is not None,
            tiny=self.has_class("-tiny"),
            editing=self.is_mounted and self.table.is_editing,
            busy=self.is_mounted and self.busy.shown,
            training=self.trainer.running,
        )
        return BY_ID[str(parameters[0])].availability(state)

    def attempt(self, make: Callable[[], Scenario], done: str | None = None) -> bool:
        """Apply a change, or say why it was refused; True when applied."""
        try:
            self.scenario = make()
        except DivtuiError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        if done:
            self.notify(done, timeout=2, markup=False)
        return True

    def ask(self, question: str, value: str, make: Callable[[str], Scenario]) -> None:
        """Prompt for a value; the prompt stays open with the reason while `make` refuses it."""

        def apply(text: str | None) -> None:
            if text is not None:
                self.scenario = make(text)

        self.app.push_screen(PromptScreen(question, value=value, check=make), apply)

    def replace_scenario(self, scenario: Scenario, path: Path | None) -> None:
        """A preset or a file replaces the scenario (one undo step)."""
        self.trainer.forget()
        if notice := self.session.opened(scenario, path):
            self.notify(notice, timeout=4, markup=False)
        self.scenario = scenario
        self.update_titles()

    def sort(self, sorting: Sorting) -> None:
        """Ask the table for another order (or to sort again by the same one)."""
        self.sort_request = SortRequest(sorting, self._next_serial())

    def move_to(self, outcome: int) -> None:
        """Ask the table for the cursor on an outcome."""
        self.cursor_request = CursorRequest(outcome, self._next_serial())

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _answer_edit(self, error: str | None) -> None:
        self.edit_outcome = EditOutcome(self._next_serial(), error)

    @on(DistributionTable.CellEdited)
    def _on_cell_edited(self, event: DistributionTable.CellEdited) -> None:
        try:
            scenario = apply_cell_text(
                self.scenario, event.row, event.column, event.text, self.weights_mode
            )
        except DivtuiError as error:
            self._answer_edit(str(error))
            return
        if scenario is not None:
            self.scenario = scenario
            bench.notify_rescaled(self, event.row, event.column)
        self._answer_edit(None)

    @on(DistributionTable.ColumnPasted)
    def _on_column_pasted(self, event: DistributionTable.ColumnPasted) -> None:
        try:
            scenario, notice = apply_column_text(
                self.scenario, event.column, event.text, self.rows.order
            )
        except DivtuiError as error:
            self.notify(str(error), title="Paste refused", severity="error", markup=False)
            return
        self.scenario = scenario
        self.notify(notice, timeout=3, markup=False)

    @on(OutcomeGrid.CellHighlighted)
    def _on_cell_highlighted(self, event: OutcomeGrid.CellHighlighted) -> None:
        if event.coordinate.column > 1:  # a model's column: the charts of terms follow it
            self.chart_model = event.coordinate.column - 2

    @on(OutcomeGrid.Sorted)
    def _on_sorted(self, event: OutcomeGrid.Sorted) -> None:
        self._update_table_subtitle()
        self.notify(f"Rows {event.sorting.describe(self.scenario)}.", timeout=2, markup=False)
