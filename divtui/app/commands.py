"""Every action divtui offers, declared once: its keys, footer label, help text, whether it
changes the scenario and whether kiosk mode allows it.

The main screen's and the app's bindings, the footer, the help screen and the command palette
are all generated from `COMMANDS`, so they cannot disagree; a new action is one `Command` here
and one handler in `divtui.app.actions`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from divtui.app.actions import (
    bench,
    edits,
    explain,
    family,
    files,
    models,
    quiz,
    renyi,
    replay,
    sampling,
    train,
)

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


@dataclass(frozen=True, slots=True)
class CommandState:
    """What decides which commands are offered at a moment."""

    kiosk: bool = False
    """Serving a visitor: nothing that touches the host."""
    tiny: bool = False
    """The terminal is too small to draw the screen."""
    editing: bool = False
    """A cell editor is open (it holds a row and column that must stay valid)."""
    busy: bool = False
    """A file is being read or written."""
    training: bool = False
    """A training run is animating."""
    replaying: bool = False
    """A recorded step of a run is on screen."""


@dataclass(frozen=True, slots=True)
class Command:
    """One action: how it is invoked, named and described, and where it is allowed."""

    id: str
    """The name the screen's `run` action dispatches on (and the palette's identity)."""
    help: str
    """One line on what it does: the help screen's text and the palette's name."""
    kiosk: bool
    """Whether a kiosk visitor may use it (False for anything that touches the host)."""
    run: Callable[[MainScreen], object] | None = None
    """The handler, given the main screen; None for an app action (`app_action`)."""
    keys: str | None = None
    """Textual key names, comma-separated; None: only in the palette."""
    label: str = ""
    """The footer's short label."""
    footer: bool = False
    """Whether the footer shows it."""
    key_display: str | None = None
    """How the help and the footer write the keys, when not by their names."""
    changes: bool = False
    """Whether it changes the scenario: it then waits while a cell is edited."""
    app_action: str | None = None
    """For an app-level command, the App's action it runs."""
    priority: bool = False
    """Whether its keys win over the focused widget's."""
    when: Callable[[CommandState], bool] | None = None
    """When it is offered at all, if not always (two commands may share a key this way)."""

    def availability(self, state: CommandState) -> bool | None:
        """Offered (True), shown disabled (None: a change while a cell is edited) or hidden
        (False: not allowed in kiosk mode, not now, or the terminal is too small)."""
        if state.kiosk and not self.kiosk:
            return False
        if self.when is not None and not self.when(state):
            return False
        if self.changes:
            if state.tiny:
                return False
            if state.editing:
                return None
        return True

    @property
    def action(self) -> str:
        """The Textual action string its binding runs."""
        return self.app_action or f"run({self.id!r})"

    @property
    def binding(self) -> Binding:
        """The binding generated for its keys (check `keys` first)."""
        assert self.keys is not None
        return Binding(
            self.keys,
            self.action,
            self.label or self.help,
            show=self.footer,
            key_display=self.key_display,
            tooltip=self.help,
            priority=self.priority,
        )

    @property
    def keys_text(self) -> str:
        """The keys as the help and the palette write them."""
        if self.key_display:
            return self.key_display
        if self.keys is None:
            return "palette"
        names = {"question_mark": "?", "delete": "Delete"}
        return ", ".join(names.get(key.strip(), key.strip()) for key in self.keys.split(","))


def _c(id: str, help: str, *, kiosk: bool, **options: object) -> Command:
    return Command(id, help, kiosk, **options)  # type: ignore[arg-type]


COMMANDS: tuple[Command, ...] = (
    _c("help", "Show every key", kiosk=True, run=edits.show_help, keys="question_mark",
       label="Help", footer=True, key_display="?"),
    _c("cycle_unit", "Cycle nats → bits → hartleys", kiosk=True, run=edits.cycle_unit,
       keys="u", label="Unit", footer=True, changes=True),
    _c("toggle_weights", "Toggle probabilities ↔ weights", kiosk=True,
       run=edits.toggle_weights, keys="w", label="Weights", changes=True),
    _c("normalise", "Normalise the current column", kiosk=True, run=edits.normalise, keys="n",
       label="Normalise", changes=True),
    _c("add_outcome", "Add an outcome", kiosk=True, run=edits.add_outcome, keys="a",
       label="Add", changes=True),
    _c("remove_outcome", "Remove the selected outcome", kiosk=True, run=edits.remove_outcome,
       keys="x,delete", label="Remove", changes=True),
    _c("rename_outcome", "Rename the selected outcome", kiosk=True, run=edits.rename_outcome,
       keys="r", label="Rename", changes=True),
    _c("edit_cell", "Edit the selected cell", kiosk=True, run=edits.edit_cell,
       label="Edit"),
    _c("add_model", "Add a model (a copy of the selected one)", kiosk=True,
       run=models.add_model, keys="m", label="Model+", footer=True, changes=True),
    _c("remove_model", "Remove the selected model", kiosk=True, run=models.remove_model,
       keys="M", label="Model−", changes=True),
    _c("rename_model", "Rename the selected model", kiosk=True, run=models.rename_model,
       keys="R", label="Rename model", changes=True),
    _c("toggle_logits", "Switch the selected model between probabilities and logits",
       kiosk=True, run=models.toggle_logits, keys="l", label="Logits", changes=True),
    _c("toggle_family", "Switch the selected model to the Gaussian fitted by moments, or back",
       kiosk=True, run=models.toggle_family, keys="f", label="Gaussian", changes=True),
    _c("temperature_down", "Lower the selected model's temperature (÷ 1.25)", kiosk=True,
       run=partial(models.temperature, up=False), keys="left_square_bracket", label="T÷1.25",
       key_display="[", changes=True),
    _c("temperature_up", "Raise the selected model's temperature (× 1.25)", kiosk=True,
       run=partial(models.temperature, up=True), keys="right_square_bracket", label="T×1.25",
       key_display="]", changes=True),
    _c("set_temperature", "Set the temperature of the selected model…", kiosk=True,
       run=models.set_temperature, label="Temperature", changes=True),
    _c("smoothing_down", "Less label smoothing (ε − 0.05)", kiosk=True,
       run=partial(models.smoothing, up=False), keys="left_curly_bracket", label="ε−0.05",
       key_display="{", changes=True),
    _c("smoothing_up", "More label smoothing (ε + 0.05)", kiosk=True,
       run=partial(models.smoothing, up=True), keys="right_curly_bracket", label="ε+0.05",
       key_display="}", changes=True),
    _c("set_smoothing", "Set the label smoothing ε…", kiosk=True, run=models.set_smoothing,
       label="Smoothing", changes=True),
    _c("pin_baseline", "Pin the current measures as a baseline", kiosk=True,
       run=edits.pin_baseline, keys="b", label="Baseline", footer=True, changes=True),
    _c("clear_baseline", "Clear the baseline", kiosk=True, run=edits.clear_baseline, keys="B",
       label="Clear baseline", changes=True),
    _c("train", "Start training the selected model (gradient descent on its logits)",
       kiosk=True, run=train.toggle, keys="t", label="Train", footer=True,
       when=lambda state: not state.training),
    _c("stop_training", "Stop the training run", kiosk=True, run=train.toggle, keys="t",
       label="Stop", footer=True, when=lambda state: state.training),
    _c("train_side_by_side", "Train the selected model by KL(p‖q) and the next by KL(q‖p)",
       kiosk=True, run=family.train_side_by_side, keys="K", label="Fwd+rev",
       when=lambda state: not state.training),
    _c("toggle_objective", "Switch the training objective: H(p,q) ↔ reverse KL(q‖p)",
       kiosk=True, run=train.toggle_objective, keys="T", label="Objective"),
    _c("learning_rate_down", "Halve the training learning rate", kiosk=True,
       run=partial(train.learning_rate, up=False), keys="left_parenthesis", label="η÷2",
       key_display="("),
    _c("learning_rate_up", "Double the training learning rate", kiosk=True,
       run=partial(train.learning_rate, up=True), keys="right_parenthesis", label="η×2",
       key_display=")"),
    _c("speed_down", "Train slower (fewer gradient steps a second)", kiosk=True,
       run=partial(train.speed, up=False), keys="less_than_sign", label="Slower",
       key_display="<"),
    _c("speed_up", "Train faster (more gradient steps a second)", kiosk=True,
       run=partial(train.speed, up=True), keys="greater_than_sign", label="Faster",
       key_display=">"),
    _c("replay_back", "Replay the last training run: one step back", kiosk=True,
       run=partial(replay.step, delta=-1), keys="shift+left", label="◀ Step",
       key_display="shift+←"),
    _c("replay_forward", "Replay the last training run: one step on", kiosk=True,
       run=partial(replay.step, delta=1), keys="shift+right", label="Step ▶",
       key_display="shift+→"),
    _c("replay_first", "Replay the last training run from its start", kiosk=True,
       run=replay.first, keys="shift+home", label="First step"),
    _c("replay_last", "Replay: go to the last step of the run", kiosk=True, run=replay.last,
       keys="shift+end", label="Last step"),
    _c("replay_keep", "Keep the replayed step as the scenario (one undo step)", kiosk=True,
       run=replay.keep, keys="enter", label="Keep step", footer=True, priority=True,
       when=lambda state: state.replaying),
    _c("replay_leave", "Leave the replay: back to the end of the run", kiosk=True,
       run=replay.leave, keys="escape", label="Run's end", footer=True,
       when=lambda state: state.replaying),
    _c("explain", "Explain the selected measure: its formula with this scenario's numbers",
       kiosk=True, run=explain.open_explanation, keys="e", label="Explain"),
    _c("quiz", "Classroom mode: hide KL, predict the answer to a question, then reveal it",
       kiosk=True, run=quiz.toggle, keys="P", label="Predict"),
    _c("view", "Show another view: overview → lesson → table → all", kiosk=True,
       run=edits.cycle_view, keys="v", label="View", footer=True),
    _c("gap_view", "Switch the decomposition chart's gap view: automatic → on → off", kiosk=True,
       run=edits.cycle_gap_view, keys="g", label="Gap view"),
    _c("sort", "Sort the rows: outcome order → label → p → q → |KL term| (selected model)",
       kiosk=True, run=edits.sort, keys="o", label="Sort"),
    _c("find", "Jump to an outcome by its label (or part of it)", kiosk=True, run=edits.find,
       keys="slash", label="Find", key_display="/"),
    _c("sampling", "Learn from samples: draw N outcomes from p, estimate each H(p,q)",
       kiosk=True, run=sampling.open_view, keys="s", label="Samples"),
    _c("renyi_chart", "Rényi divergence: D_α(p‖q) against α, KL at α = 1", kiosk=True,
       run=renyi.open_chart, keys="A", label="Rényi"),
    _c("set_alpha", "Set the Rényi order α the measures show D_α at…", kiosk=True,
       run=renyi.set_alpha, keys="D", label="α"),
    _c("show_code", "Show the calls numpy, scipy, PyTorch, optax and Keras need (selected model)",
       kiosk=True, run=bench.show_code, keys="c", label="Code"),
    _c("copy_value", "Copy the cell, measures or bar in focus at full precision", kiosk=True,
       run=bench.copy_value, keys="y", label="Copy"),
    _c("copy_report", "Copy the whole report as Markdown", kiosk=True, run=bench.copy_report,
       keys="Y", label="Copy report"),
    _c("floor_what_if", "What KL would be with q floored at ε and renormalised…", kiosk=True,
       run=bench.floor_what_if, keys="F", label="Floor q"),
    _c("toggle_lock", "Lock or unlock the cell: edits then rescale only unlocked cells",
       kiosk=True, run=bench.toggle_lock, keys="L", label="Lock", changes=True),
    _c("choose_preset", "Open a preset (replaces the scenario)", kiosk=True,
       run=files.choose_preset, keys="p", label="Presets", footer=True, changes=True),
    _c("save", "Save the scenario", kiosk=False, run=files.save, keys="ctrl+s", label="Save"),
    _c("save_as", "Save the scenario under a new name", kiosk=False, run=files.save_as,
       keys="ctrl+shift+s", label="Save as"),
    _c("open", "Open a scenario file", kiosk=False, run=files.open_file, keys="ctrl+o",
       label="Open", changes=True),
    _c("cancel_file", "Cancel the file being read or written", kiosk=True, run=files.cancel,
       keys="escape", label="Cancel", footer=True, when=lambda state: state.busy),
    _c("undo", "Undo the last change", kiosk=True, run=edits.undo, keys="ctrl+z",
       label="Undo", changes=True),
    _c("redo", "Redo", kiosk=True, run=edits.redo, keys="ctrl+y,ctrl+shift+z", label="Redo",
       changes=True),
    _c("quit", "Quit divtui", kiosk=True, app_action="quit", keys="q", label="Quit",
       footer=True),
    _c("force_quit", "Quit divtui", kiosk=True, app_action="quit", keys="ctrl+q",
       label="Quit", priority=True),
    _c("interrupt", "Quit divtui (Ctrl+C; in the cell editor it copies)", kiosk=True,
       app_action="quit", keys="ctrl+c", label="Quit"),
    _c("change_theme", "Choose a colour theme", kiosk=True, app_action="change_theme",
       keys="ctrl+t", label="Theme"),
)  # fmt: skip

BY_ID: dict[str, Command] = {command.id: command for command in COMMANDS}
"""Each command by its id."""


def screen_bindings() -> list[Binding]:
    """The main screen's bindings: every screen command with keys."""
    return [c.binding for c in COMMANDS if c.run is not None and c.keys is not None]


def app_bindings() -> list[Binding]:
    """The app's bindings: the app-level commands."""
    return [c.binding for c in COMMANDS if c.app_action is not None and c.keys is not None]


class CommandsProvider(Provider):
    """The palette's entries for divtui's own commands: those the screen allows right now."""

    def _available(self) -> Iterator[Command]:
        screen = self.screen
        check = getattr(screen, "check_action", None)
        for command in COMMANDS:
            if command.run is None or check is None:
                continue
            if check("run", (command.id,)):
                yield command

    def _run(self, command: Command) -> Callable[[], object]:
        screen = self.screen
        return lambda: self.app.run_action(command.action, screen)

    async def discover(self) -> Hits:
        for command in self._available():
            yield DiscoveryHit(
                command.help, self._run(command), help=f"{command.label} ({command.keys_text})"
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._available():
            score = matcher.match(command.help)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.help),
                    self._run(command),
                    help=f"{command.label} ({command.keys_text})",
                )
