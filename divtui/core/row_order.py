"""The table's row order across changes, worked out from the scenarios themselves.

An edit keeps the rows where they are (the row being edited stays under the cursor); adding,
removing or renaming one outcome carries the order over instead of sorting a million rows
again; anything else (a preset, a file) is new and gets its own default order. Which of these a
change was is read off the labels, so nobody has to announce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from divtui.core.outcome_order import (
    LARGE_TABLE,
    IntArray,
    SortBy,
    Sorting,
    default_sorting,
    outcome_order,
)
from divtui.core.scenario import Scenario

_BY_VALUE = frozenset({SortBy.P, SortBy.Q, SortBy.KL, SortBy.KL_DIFF})
"""Orders that an edit of a value can spoil."""


class LabelChange(Enum):
    """How one scenario's outcomes differ from the one before."""

    SAME = "same"
    RENAMED = "renamed"
    ADDED = "added"
    REMOVED = "removed"
    NEW = "new"


@dataclass(frozen=True, slots=True)
class LabelDiff:
    """A `LabelChange` and the outcome it concerns (the removed index, or the added one)."""

    change: LabelChange
    outcome: int = -1


def diff_labels(before: tuple[str, ...] | None, after: tuple[str, ...]) -> LabelDiff:
    """Whether `after` is `before` unchanged, with one outcome renamed, one added at the end,
    one removed, or something new. Tuple comparisons run in C: a million labels take ~1 ms."""
    if before is None:
        return LabelDiff(LabelChange.NEW)
    if after is before or after == before:
        return LabelDiff(LabelChange.SAME)
    size = len(before)
    if len(after) == size + 1 and after[:size] == before:
        return LabelDiff(LabelChange.ADDED, size)
    first = _first_difference(before, after)
    if len(after) == size - 1:
        at = size - 1 if first is None else first
        if after[at:] == before[at + 1 :]:
            return LabelDiff(LabelChange.REMOVED, at)
    elif len(after) == size and first is not None and after[first + 1 :] == before[first + 1 :]:
        return LabelDiff(LabelChange.RENAMED, first)
    return LabelDiff(LabelChange.NEW)


def _first_difference(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    """The first index where `a` and `b` differ (None: one is a prefix of the other), by
    halving on prefix comparisons, which run in C, rather than a Python loop over a million."""
    low, high = 0, min(len(a), len(b))
    if a[:high] == b[:high]:
        return None
    while high - low > 1:  # a[:low] == b[:low] and a[:high] != b[:high]
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    return low


@dataclass(frozen=True, slots=True)
class RowOrder:
    """The order the rows are listed in, for one scenario."""

    sorting: Sorting
    order: IntArray | None
    """Display row → outcome, or None for outcome order."""
    scenario: Scenario
    stale: bool = False
    """Whether values changed since the rows were sorted by them."""

    @classmethod
    def of(cls, scenario: Scenario, sorting: Sorting | None = None) -> RowOrder:
        """`scenario`'s rows sorted by `sorting` (by default: its size's default order)."""
        chosen = default_sorting(scenario) if sorting is None else sorting
        return cls(chosen, outcome_order(scenario, chosen), scenario)

    def follow(self, scenario: Scenario) -> tuple[RowOrder, LabelDiff]:
        """The order for the next scenario, and how its outcomes changed."""
        diff = diff_labels(self.scenario.labels, scenario.labels)
        crossed = (self.scenario.size > LARGE_TABLE) != (scenario.size > LARGE_TABLE)
        if diff.change is LabelChange.NEW or crossed:
            return RowOrder.of(scenario), diff
        if diff.change is LabelChange.SAME:
            stale = self.stale or (
                self.sorting.by in _BY_VALUE
                and not _same_values(scenario, self.scenario, self.sorting.by)
            )
            return RowOrder(self.sorting, self.order, scenario, stale), diff
        if self.order is None or self.sorting.by is SortBy.LABEL:
            return RowOrder.of(scenario, self.sorting), diff
        order = self.order
        if diff.change is LabelChange.REMOVED:
            order = order[order != diff.outcome]
            order[order > diff.outcome] -= 1
        elif diff.change is LabelChange.ADDED:
            order = np.append(order, diff.outcome)
        return RowOrder(self.sorting, order, scenario, self.stale), diff

    def sorted(self, sorting: Sorting) -> RowOrder:
        """The same scenario's rows in another order (or freshly in the same one)."""
        return RowOrder.of(self.scenario, sorting)

    def outcome_at(self, row: int) -> int:
        """The outcome shown on display row `row`."""
        return row if self.order is None else int(self.order[row])


def _same_values(scenario: Scenario, other: Scenario, by: SortBy = SortBy.KL) -> bool:
    """Whether the values an order `by` sorts on are the very same arrays in both (a unit
    change, a new title; label smoothing changes the KL terms but neither p nor q)."""
    same_p = scenario.p_weights is other.p_weights
    same_models = len(scenario.models) == len(other.models) and all(
        a is b for a, b in zip(scenario.models, other.models, strict=True)
    )
    if by is SortBy.P:
        return same_p
    if by is SortBy.Q:
        return same_models
    return same_p and same_models and scenario.label_smoothing == other.label_smoothing
