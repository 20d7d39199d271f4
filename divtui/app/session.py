"""The editing session, without Textual: the undo history of scenarios and which file each
belongs to, so undo, redo, open, save and "unsaved changes?" are answered in one place.

Each step of the history is a scenario with the file it went with and that file's saved state
then. Undoing past an open or a save-as goes back to the file before it, so ctrl+s never writes
the scenario on screen over a file it did not come from. The history is bounded by memory: a
million-outcome scenario costs tens of megabytes a step, and the oldest steps go first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from divtui.core.history import History
from divtui.core.scenario import Scenario

HISTORY_BUDGET = 200 * 2**20
"""The undo history keeps at most about this many bytes of arrays and labels."""
LABEL_BYTES = 64
"""What one label costs in memory, roughly (a short str object and its tuple slot)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One state of the session: a scenario, its file, and that file's saved state."""

    scenario: Scenario
    path: Path | None
    """The file the scenario was opened from or last saved to (None: not saved yet)."""
    saved: Scenario
    """The scenario as that file holds it (or as opened: a preset counts as saved)."""


class Session:
    """The scenario being edited, its file, and its undo history."""

    def __init__(
        self, scenario: Scenario, path: Path | None = None, *, budget: int = HISTORY_BUDGET
    ) -> None:
        self._history: History[Step] = History(Step(scenario, path, scenario))
        self._live_base: History[Step] | None = None
        self._last_live_base: History[Step] | None = None
        self._budget = budget
        self.path = path
        """The file ctrl+s writes (None: ask for one)."""
        self._saved = scenario

    # --- reading ------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The scenario now."""
        return self._history.present.scenario

    @property
    def has_unsaved_changes(self) -> bool:
        """Whether the scenario differs from the one last opened or saved."""
        return self.scenario != self._saved

    @property
    def can_undo(self) -> bool:
        """Whether there is a change to take back."""
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone change to apply again."""
        return self._history.can_redo

    @property
    def steps(self) -> int:
        """How many steps the history holds, the present one included."""
        return len(self._history.past) + 1 + len(self._history.future)

    def save_target(self) -> Path | None:
        """The file ctrl+s writes: the scenario's own, or its .npz when it outgrew TOML."""
        from divtui.core.scenario_file import save_path_for  # the file formats, when needed

        return None if self.path is None else save_path_for(self.scenario, self.path)

    # --- changing -----------------------------------------------------------------------------

    def change(self, scenario: Scenario) -> str | None:
        """Make `scenario` the present, as one undo step (or as the one step of a live run).
        Returns a notice when the oldest steps were dropped to stay within the budget."""
        if scenario is self.scenario:
            return None
        step = Step(scenario, self.path, self._saved)
        if self._live_base is not None:
            self._history = self._live_base.record(step)
            return None
        self._last_live_base = None
        self._history = self._history.record(step)
        return self._trim()

    def begin_live(self) -> None:
        """Start a run of changes (a training animation) that undo takes back as one step."""
        self._live_base = self._history

    def end_live(self) -> None:
        """End a live run: its last scenario stays as the one step it made."""
        if self._live_base is not None:
            self._last_live_base = self._live_base
        self._live_base = None

    def resume_live(self) -> bool:
        """Go on with the last live run, whose step is still the present (replaying a training
        run: the step shown replaces the run's one step); False when something else has been
        done since."""
        if self._last_live_base is None:
            return False
        self._live_base = self._last_live_base
        return True

    def opened(self, scenario: Scenario, path: Path | None) -> str | None:
        """A file (or a preset, `path` None) replaces the scenario; undo brings the old back."""
        self.end_live()
        self._last_live_base = None
        self.path, self._saved = path, scenario
        return self.change(scenario)

    def saved(self, scenario: Scenario, path: Path) -> None:
        """`scenario` was written to `path`: that file is now the session's, as saved."""
        self.path, self._saved = path, scenario
        present = self._history.present
        if present.scenario is scenario:
            self._history = self._history.replace_present(
                replace(present, path=path, saved=scenario)
            )

    def undo(self) -> bool:
        """Step back one change; False when there is none."""
        return self._move(self._history.can_undo, self._history.undo)

    def redo(self) -> bool:
        """Step forward one undone change; False when there is none."""
        return self._move(self._history.can_redo, self._history.redo)

    def _move(self, possible: bool, step: Callable[[], History[Step]]) -> bool:
        self.end_live()
        self._last_live_base = None
        if not possible:
            return False
        self._history = step()
        self._restore_file()
        return True

    def _restore_file(self) -> None:
        step = self._history.present
        if step.path != self.path:
            # Back to another file: its saved state then (this file's stays what was saved).
            self.path, self._saved = step.path, step.saved

    # --- memory -------------------------------------------------------------------------------

    def history_bytes(self) -> int:
        """What the history's arrays and labels take, each counted once however many steps
        share it (an edit replaces one column and keeps the others)."""
        seen: dict[int, int] = {}
        history = self._history
        for step in (*history.past, history.present, *history.future):
            for scenario in (step.scenario, step.saved):
                for size_id, size in _footprint(scenario):
                    seen[size_id] = size
        return sum(seen.values())

    def _trim(self) -> str | None:
        """Drop the oldest steps while the history is over its budget."""
        dropped = 0
        while self._history.past and self.history_bytes() > self._budget:
            history = self._history
            self._history = History(history.present, history.past[1:], history.future)
            dropped += 1
        if not dropped:
            return None
        steps = "step" if dropped == 1 else "steps"
        megabytes = self._budget // 2**20
        return f"Undo history: the oldest {dropped} {steps} dropped to stay within {megabytes} MB."


def _footprint(scenario: Scenario) -> list[tuple[int, int]]:
    """(identity, bytes) of each array and the labels a scenario holds."""
    arrays: list[np.ndarray] = [scenario.p_weights, scenario.p_target, scenario.p]
    for model in scenario.models:
        arrays += [model.weights, model.q]
        arrays += [a for a in (model.logits, model.log_q) if a is not None]
    parts = [(id(array), array.nbytes) for array in arrays]
    parts.append((id(scenario.labels), LABEL_BYTES * len(scenario.labels)))
    return parts
