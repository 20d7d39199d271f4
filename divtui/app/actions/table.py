"""Answers to what the table posts: a cell's typed text, a column pasted into it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.app.actions import bench
from divtui.app.widgets.distribution_table import DistributionTable
from divtui.core.edit_text import apply_cell_text, apply_column_text, family_left
from divtui.core.errors import DivtuiError

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


def cell_edited(screen: MainScreen, event: DistributionTable.CellEdited) -> None:
    """Apply the text typed into a cell, or give the editor the reason it was refused."""
    before = screen.scenario
    try:
        scenario = apply_cell_text(
            screen.scenario, event.row, event.column, event.text, screen.weights_mode
        )
    except DivtuiError as error:
        screen.answer_edit(str(error))
        return
    if scenario is not None:
        screen.scenario = scenario
        bench.notify_rescaled(screen, event.row, event.column)
        column = event.column
        if column is not None and (left := family_left(before, scenario, column)):
            screen.notify(left.strip(), timeout=4, markup=False)
    screen.answer_edit(None)


def column_pasted(screen: MainScreen, event: DistributionTable.ColumnPasted) -> None:
    """Fill a column from pasted text (in the rows' order on screen), or say why not."""
    try:
        scenario, notice = apply_column_text(
            screen.scenario, event.column, event.text, screen.rows.order
        )
    except DivtuiError as error:
        screen.notify(str(error), title="Paste refused", severity="error", markup=False)
        return
    screen.scenario = scenario
    screen.notify(notice, timeout=3, markup=False)
