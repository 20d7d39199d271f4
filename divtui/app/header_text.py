"""What the header says: the scenario's title, marked when unsaved, and the state it is in."""

from __future__ import annotations

from divtui.app.session import Session
from divtui.core.baseline import Baseline
from divtui.core.scenario import Scenario
from divtui.core.training import TrainingRun


def header_titles(
    scenario: Scenario,
    session: Session,
    *,
    view: str = "overview",
    weights_mode: bool,
    baseline: Baseline | None,
    training: TrainingRun | None = None,
    replay: int | None = None,
    quiz: str | None = None,
) -> tuple[str, str]:
    """(title, subtitle): "Weather *" and "overview · nats · probabilities · baseline pinned"
    (the view first); while a run goes on, what it minimises, its step and η first; while a
    run is replayed, the step shown and the keys that leave; in the classroom mode, its score
    after the view ("classroom 3/4")."""
    parts = [view, scenario.unit.value, "weights" if weights_mode else "probabilities"]
    if quiz is not None:
        parts.insert(1, f"classroom {quiz}")
    if replay is not None:
        parts.insert(0, f"replay: step {replay} · Enter keeps it · Esc back to the end")
    if training is not None:
        parts.insert(
            0,
            f"training {training.model.name}: {training.objective.formula}, "
            f"step {training.steps}, η = {training.learning_rate:g}",
        )
    if scenario.label_smoothing:
        parts.append(f"ε = {scenario.label_smoothing:g}")
    if baseline is not None:
        parts.append("baseline pinned")
    if not session.can_undo:
        parts.append("nothing to undo")
    return f"{scenario.title}{' *' if session.has_unsaved_changes else ''}", " · ".join(parts)
