"""The text of the grid's cells and how one line of them is put together on screen: only the
lines in view are ever built."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from divtui.app.widgets.grid_format import (
    INFINITE_MARK,
    LABEL_COLUMN,
    LOCK_MARK,
    PADDING,
    format_probability,
    format_weight_briefly,
)
from divtui.core.analysis import Analysis
from divtui.core.distribution import FloatArray
from divtui.core.formatting import format_value
from divtui.core.locks import is_locked
from divtui.core.outcome_order import IntArray, SortBy, Sorting, kl_difference_pair
from divtui.core.row_order import RowOrder
from divtui.core.scenario import P_COLUMN
from divtui.core.token_analysis import cumulative_share


@dataclass(frozen=True)
class CellSource:
    """What the cells are read from: a scenario's analysis, as probabilities or weights, with
    the KL-term column of one model when the rows are sorted by it."""

    analysis: Analysis
    weights_mode: bool
    kl_model: int
    ranked: bool = False
    """Whether the label column starts with each row's rank in the current order."""
    order: IntArray | None = None
    """Display row → outcome (None: outcome order), for the cumulative share of KL."""
    by: SortBy = SortBy.OUTCOME
    """What the rows are sorted by: the extra column shows |KL term| or |ΔKL term|."""
    _shares: FloatArray | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, analysis: Analysis, weights_mode: bool, rows: RowOrder | None) -> CellSource:
        """The cells of `analysis` listed in `rows`' order."""
        sorting = Sorting() if rows is None else rows.sorting
        ranked = sorting.by is not SortBy.OUTCOME
        order = None if rows is None else rows.order
        return cls(analysis, weights_mode, sorting.model, ranked, order, sorting.by)

    def cumulative_share(self, row: int) -> float:
        """The share of KL carried by the rows down to display row `row` (computed once, for
        every row, on first use)."""
        if self._shares is None:
            model = min(self.kl_model, len(self.analysis.scenario.models) - 1)
            shares = cumulative_share(self.analysis.terms(model).kl, self.order)
            object.__setattr__(self, "_shares", shares)
        assert self._shares is not None
        return float(self._shares[row])


def kl_term_text(source: CellSource, outcome: int, row: int) -> Text:
    """The KL-term column of a table sorted by it: the term, and the cumulative share of KL
    down to this row ("0.1234  38.2%")."""
    scenario = source.analysis.scenario
    model = min(source.kl_model, len(scenario.models) - 1)
    if source.by is SortBy.KL_DIFF:
        first, second = kl_difference_pair(scenario, model)
        analysis = source.analysis
        difference = analysis.kl_term(first, outcome) - analysis.kl_term(second, outcome)
        return Text(format_value(difference, 4), style="italic")
    value = source.analysis.kl_term(model, outcome)
    share = source.cumulative_share(row)
    # An infinite term has no share of the finite part it is measured against.
    shown = "" if math.isnan(share) or math.isinf(value) else f"{100 * share:.1f}%"
    text = Text(format_value(value, 4), style="italic")
    if shown:
        text.append(f" {shown:>6}", style="dim")
    return text


def cell_text(source: CellSource | None, outcome: int, column: int, row: int = 0) -> Text:
    """The text of one cell on display row `row`: a label (after its rank in a sorted table),
    a probability (with its weight or logit, or p′ when p is smoothed), or a KL term."""
    if source is None:
        return Text("")
    analysis = source.analysis
    scenario = analysis.scenario
    infinite = analysis.infinite
    if column > scenario.column_count:  # the KL terms the rows are sorted by (read-only)
        return kl_term_text(source, outcome, row)
    if column == LABEL_COLUMN:
        label = scenario.labels[outcome]
        marked = any(outcome in causes for causes in infinite)
        text = Text(f"∞ {label}" if marked else label, style="bold" if marked else "")
        if source.ranked:
            digits = len(f"{scenario.size:,}")
            text = Text.assemble((f"{row + 1:>{digits},} ", "dim"), text)
        return text
    column -= 1
    probability = float(scenario.probabilities(column)[outcome])
    logits = scenario.models[column - 1].logits if column > P_COLUMN else None
    if logits is not None:
        text = Text(f"{float(logits[outcome]):.3f} → {format_probability(probability)}")
    elif source.weights_mode:
        weight = float(scenario.weights(column)[outcome])
        text = Text(f"{format_weight_briefly(weight)} → {format_probability(probability)}")
    elif column == P_COLUMN and scenario.label_smoothing:
        smoothed = float(scenario.p[outcome])
        text = Text(f"{format_probability(probability)} → {format_probability(smoothed)}")
    else:
        text = Text(format_probability(probability))
    if column > P_COLUMN and outcome in infinite[column - 1]:
        text.append(INFINITE_MARK, style="bold reverse")  # in the cell's own colours
    if scenario.locks and is_locked(scenario, column, outcome):
        text.append(LOCK_MARK, style="bold")
    return text


def join_cells(
    cells: Sequence[tuple[Text, Style]],
    widths: Sequence[int],
    console: Console,
    window: tuple[int, int],
    starts: Sequence[int],
    line_style: Style,
) -> Strip:
    """One line of the grid: the label column fixed on the left, the others scrolled under it
    to `window` (scroll x, width); `starts` are where the scrolled columns begin."""
    scroll_x, width = window
    strips = []
    for (text, style), cell_width in zip(cells, widths, strict=True):
        text.truncate(cell_width, overflow="ellipsis", pad=True)
        segments = [Segment(" " * PADDING, style)]
        text_style = style + console.get_style(text.style)  # Text.render omits its own style
        segments.extend(Segment.apply_style(text.render(console, end=""), text_style))
        segments.append(Segment(" " * PADDING, style))
        strips.append(Strip(segments))
    fixed_width = widths[0] + 2 * PADDING
    fixed = strips[0].crop_extend(0, min(width, fixed_width), line_style)
    rest = Strip.join(strips[1:])
    end = scroll_x + max(0, width - fixed.cell_length)
    # A column cut at the left edge would show the tail of its numbers ("5 → 0.25" of
    # "0.25 → 0.25") as if they were values: it is left blank up to the next column.
    start = min((x for x in starts if x >= scroll_x), default=end)
    # The header bar and the stripes run the whole width, past the last column.
    blank = Strip.blank(min(start, end) - scroll_x, line_style)
    scrolled = rest.crop_extend(min(start, end), end, line_style)
    return Strip.join([fixed, blank, scrolled])
