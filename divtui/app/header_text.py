"""What the header says: the scenario's title, marked when unsaved, and the state it is in."""

from __future__ import annotations

from divtui.app.session import Session
from divtui.core.baseline import Baseline
from divtui.core.scenario import Scenario


def header_titles(
    scenario: Scenario, session: Session, *, weights_mode: bool, baseline: Baseline | None
) -> tuple[str, str]:
    """(title, subtitle): "Weather *" and "nats · probabilities · baseline pinned"."""
    parts = [scenario.unit.value, "weights" if weights_mode else "probabilities"]
    if scenario.label_smoothing:
        parts.append(f"ε = {scenario.label_smoothing:g}")
    if baseline is not None:
        parts.append("baseline pinned")
    if not session.can_undo:
        parts.append("nothing to undo")
    return f"{scenario.title}{' *' if session.has_unsaved_changes else ''}", " · ".join(parts)
