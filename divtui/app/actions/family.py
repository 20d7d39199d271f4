"""Training two models side by side: one by forward KL(p‖q), the next by reverse KL(q‖p)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.actions.train import start_run
from divtui.core.logits import Objective

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


def train_side_by_side(screen: MainScreen) -> None:
    """Start one run on the selected model by H(p,q) (= KL(p‖q) + H(p)) and on the model
    after it (the first, after the last) by KL(q‖p); the chart follows the selected one."""
    scenario = screen.scenario
    trainer = screen.trainer
    if trainer.running:
        return
    if len(scenario.models) < 2:
        screen.notify(
            "Training side by side needs two models (m adds a copy).",
            severity="error",
            markup=False,
        )
        return
    first = screen.cursor.model
    second = (first + 1) % len(scenario.models)
    if trainer.objective is not Objective.CROSS_ENTROPY:
        trainer.toggle_objective()
    message = start_run(screen, first, ((second, Objective.REVERSE_KL),))
    if message is None:
        return
    names = f"{scenario.models[first].name} by KL(p‖q), {scenario.models[second].name} by KL(q‖p)"
    screen.notify(f"{message} Side by side: {names}.", timeout=4, markup=False)
