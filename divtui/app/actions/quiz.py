"""The handler of `P`: the classroom mode (predict, then reveal) on or off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.app.widgets.quiz_line import QuizLine

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


def toggle(screen: MainScreen) -> None:
    """Start the classroom mode (a question line over the footer, KL hidden until answered),
    or leave it (everything shown again)."""
    found = screen.query(QuizLine)
    if found:
        line = found.first()
        line.leave()
        line.remove()
        screen.update_titles()
        screen.query_one(OutcomeGrid).focus()
        screen.notify("Classroom mode off.", timeout=2, markup=False)
        return
    screen.mount(QuizLine(screen), before=screen.busy)
    screen.update_titles()
