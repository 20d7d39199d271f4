"""The handler of `P`: the classroom mode (predict, then reveal) on or off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.app.widgets.quiz_line import QuizLine
from divtui.core.outcome_order import SortBy, Sorting

KL_ORDERS = frozenset({SortBy.KL, SortBy.KL_DIFF})
"""Orders whose key column shows KL terms: the classroom mode keeps the rows out of them."""

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
    if screen.rows.sorting.by in KL_ORDERS:
        screen.sort(Sorting())
        screen.notify(
            "Rows back in outcome order: sorted by KL term they would give the answers away.",
            timeout=3,
            markup=False,
        )


def allows(screen: MainScreen, sorting: Sorting) -> bool:
    """Whether the rows may take `sorting` now (not a KL order in the classroom mode)."""
    return sorting.by not in KL_ORDERS or not screen.query(QuizLine)
