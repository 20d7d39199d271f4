"""How the outcome grid writes numbers and sizes its columns (no Textual: plain text rules)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from textual.coordinate import Coordinate
from textual.geometry import Size

from divtui.core.analysis import Analysis
from divtui.core.distribution import FloatArray
from divtui.core.locks import locked_rows
from divtui.core.outcome_order import SortBy, Sorting, kl_difference_pair
from divtui.core.scenario import P_COLUMN, Scenario

LABEL_COLUMN = 0
"""The grid column of the outcome labels; grid column c ≥ 1 is scenario column c − 1."""
MAX_LABEL_WIDTH = 32
"""Longer labels are cut with "…" in the grid (the editor shows them whole)."""
PADDING = 1
"""Blank cells on each side of a cell's text."""
INFINITE_MARK = " ∞"
"""After q_i = 0 where p_i > 0: the outcome that makes KL(p‖q) infinite."""
LOCK_MARK = " ⊡"
"""After a locked cell (`L`): edits in its column leave it as it is."""
KL_TERM_WIDTH = 17
"""The width of the KL-term column shown while the rows are sorted by it."""
TINY = 1e-3
"""A probability below this (but not 0) would keep one digit or none in four decimals: it is
shown with three significant digits instead (1.94e-06)."""


def format_probability(value: float) -> str:
    """A probability as the grid shows it: four decimals, or three digits when tiny."""
    return f"{value:.2e}" if 0 < value < TINY else f"{value:.4f}"


def format_weight(value: float) -> str:
    """A weight as typed: the shortest text that reads back as the same number."""
    return repr(value) if value != int(value) or abs(value) >= 1e16 else str(int(value))


def format_weight_briefly(value: float) -> str:
    """A weight as the grid shows it: as typed when short, else to four significant digits
    (the editor still opens on the exact value)."""
    exact = format_weight(value)
    return exact if len(exact) <= 10 else f"{value:.4g}"


def column_header(scenario: Scenario, column: int, weights_mode: bool) -> str:
    """The header of a scenario column in the grid."""
    name = scenario.column_name(column)
    if column > P_COLUMN and (model := scenario.models[column - 1]).logits is not None:
        return f"{name} (z → q, T={model.temperature:.3g})"
    if column > P_COLUMN and (model := scenario.models[column - 1]).family is not None:
        return f"{name} (gaussian μ={model.mu:.3g} σ={model.sigma:.3g})"
    if column == P_COLUMN and scenario.label_smoothing:
        return f"p → p′ (ε={scenario.label_smoothing:g})"
    return f"{name} (weight → p)" if weights_mode else name


@dataclass
class ColumnSizer:
    """Column widths, remembering what is costly to measure again: the widest label (15 ms for
    a million) while the labels stay the same tuple, and whether each column has tiny values
    while it stays the same array (an edit replaces one column and keeps the others)."""

    _labels: tuple[tuple[str, ...], int] | None = None
    _tiny: list[tuple[FloatArray, bool]] = field(default_factory=list)

    def label_width(self, scenario: Scenario) -> int:
        """The label column's width (its longest label, within MAX_LABEL_WIDTH)."""
        labels = scenario.labels
        if self._labels is None or self._labels[0] is not labels:
            width = min(MAX_LABEL_WIDTH, max(len("outcome"), max(map(len, labels)) + 2))
            self._labels = (labels, width)
        return self._labels[1]

    def has_tiny(self, values: FloatArray) -> bool:
        """Whether a column has probabilities shown with three digits (longer cells)."""
        for array, tiny in self._tiny:
            if array is values:
                return tiny
        tiny = bool(np.any((values > 0) & (values < TINY)))
        self._tiny = [*self._tiny[-15:], (values, tiny)]
        return tiny

    def cell_width(self, analysis: Analysis, column: int, weights_mode: bool) -> int:
        """The width of a scenario column's cells."""
        scenario = analysis.scenario
        extra = 2 if self.has_tiny(scenario.probabilities(column)) else 0
        if column > P_COLUMN and analysis.infinite[column - 1]:
            extra += len(INFINITE_MARK)
        if scenario.locks and locked_rows(scenario, column):
            extra += len(LOCK_MARK)
        if column > P_COLUMN and scenario.models[column - 1].logits is not None:
            return 17 + extra
        if column == P_COLUMN and scenario.label_smoothing:
            return 15 + 2 * extra
        return (22 if weights_mode else 6) + extra

    def grid_width(self, analysis: Analysis, weights_mode: bool) -> int:
        """How many terminal columns the grid needs to show every column in full."""
        scenario = analysis.scenario
        width = self.label_width(scenario) + 2 * PADDING
        for column in range(scenario.column_count):
            header = len(column_header(scenario, column, weights_mode)) + 2  # a sort mark
            width += max(self.cell_width(analysis, column, weights_mode), header) + 2 * PADDING
        return width

    def layout(
        self, analysis: Analysis, weights_mode: bool, sorting: Sorting
    ) -> tuple[list[str], list[int]]:
        """The headers (with the sort mark) and the widths of every grid column."""
        scenario = analysis.scenario
        marks = {LABEL_COLUMN: " ▲"} if sorting.by is SortBy.LABEL else {}
        if sorting.by is SortBy.P:
            marks[1] = " ▼"
        elif sorting.by is SortBy.Q:
            marks[min(sorting.model, len(scenario.models) - 1) + 2] = " ▼"
        headers = ["outcome"] + [
            column_header(scenario, c, weights_mode) for c in range(scenario.column_count)
        ]
        headers = [h + marks.get(i, "") for i, h in enumerate(headers)]
        # Room for the rank a sorted table shows before each label, kept in outcome order
        # too: the columns to its right stay where they were clicked when the order changes.
        rank = len(f"{scenario.size:,}") + 1
        widths = [max(self.label_width(scenario) + rank, len(headers[0]))] + [
            max(self.cell_width(analysis, c, weights_mode), len(headers[c + 1]))
            for c in range(scenario.column_count)
        ]
        if sorting.by is SortBy.KL:
            # The key of the order, shown: each outcome's signed KL term (read-only).
            headers.append("KL term ▼  cum %")
            widths.append(max(KL_TERM_WIDTH, len(headers[-1])))
        elif sorting.by is SortBy.KL_DIFF:
            first, second = kl_difference_pair(scenario, sorting.model)
            names = f"{scenario.models[first].name}−{scenario.models[second].name}"
            headers.append(f"ΔKL {names} ▼")
            widths.append(max(KL_TERM_WIDTH, len(headers[-1])))
        return headers, widths


def scroll_to_show(
    cursor: Coordinate, widths: list[int], view: Size, scroll: tuple[int, int]
) -> tuple[int, int]:
    """The scroll offset that brings the cursor's cell into a `view` of the grid, moving as
    little as possible from `scroll`. Columns scroll under the fixed label column."""
    row, column = cursor
    x, y = scroll
    visible_rows = view.height - 1  # below the header
    if row < y:
        y = row
    elif row >= y + visible_rows:
        y = row - visible_rows + 1
    fixed = widths[0] + 2 * PADDING
    left = max(0, sum(w + 2 * PADDING for w in widths[:column]) - fixed)
    right = left + widths[min(column, len(widths) - 1)] + 2 * PADDING
    if column == LABEL_COLUMN:
        left = right = 0
    visible = max(1, view.width - fixed)
    if left < x:
        x = left
    elif right > x + visible:
        x = right - visible
    return x, y
