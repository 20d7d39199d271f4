"""The order the table lists outcomes in, and finding an outcome by its label.

A model's output has tens of thousands of outcomes; the ones that matter are those with the
largest KL terms, so a large scenario is listed by |p log(p/q)|, largest first. Orders are
permutations computed with numpy (no Python loop over the outcomes).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

from divtui.core.scenario import Scenario

IntArray = npt.NDArray[np.intp]

LARGE_TABLE = 1000
"""Beyond this many outcomes the table starts sorted by |KL term|, largest first."""


class SortBy(Enum):
    """What the table's rows are sorted by."""

    OUTCOME = "outcome order"
    LABEL = "label"
    P = "p"
    Q = "q"
    KL = "|KL term|"
    KL_DIFF = "|ΔKL term|"
    """The difference of two models' KL terms (the model's minus the next model's)."""


_CYCLE = (SortBy.OUTCOME, SortBy.LABEL, SortBy.P, SortBy.Q, SortBy.KL, SortBy.KL_DIFF)


@dataclass(frozen=True, slots=True)
class Sorting:
    """A sort order: a key, and the model whose q or KL term it uses."""

    by: SortBy = SortBy.OUTCOME
    model: int = 0
    """The model (0-based) for `SortBy.Q` and `SortBy.KL`."""

    def next(self, model: int, models: int = 1) -> Sorting:
        """The next order in the cycle outcome → label → p → q → |KL term| → |ΔKL term|, for
        `model` (the difference only when there are two `models` or more)."""
        cycle = _CYCLE if models > 1 else _CYCLE[:-1]
        by = self.by if self.by in cycle else SortBy.KL
        return Sorting(cycle[(cycle.index(by) + 1) % len(cycle)], model)

    def after_header_click(self, column: int | None) -> Sorting:
        """The order after a click on a column's header (None: the labels'): label and p
        toggle their order; a model's header goes from its q to its |KL term| and back to
        outcome order."""
        if column is None:
            return Sorting() if self.by is SortBy.LABEL else Sorting(SortBy.LABEL)
        if column == 0:
            return Sorting() if self.by is SortBy.P else Sorting(SortBy.P)
        by_q, by_kl = Sorting(SortBy.Q, column - 1), Sorting(SortBy.KL, column - 1)
        return {by_q: by_kl, by_kl: Sorting()}.get(self, by_q)

    def describe_briefly(self, scenario: Scenario) -> str:
        """The order in a few words, for the table's border: "by |KL| of q ▼"."""
        return self._words(scenario, brief=True)

    def describe(self, scenario: Scenario) -> str:
        """The order in words: "by |KL term| of q, largest first"."""
        return self._words(scenario, brief=False)

    def _words(self, scenario: Scenario, *, brief: bool) -> str:
        if self.by is SortBy.OUTCOME:
            return "in outcome order"
        if self.by is SortBy.LABEL:
            return "by label ▲" if brief else "by label"
        if self.by is SortBy.KL_DIFF:
            first, second = kl_difference_pair(scenario, self.model)
            names = f"{scenario.models[first].name} − {scenario.models[second].name}"
            return f"by |ΔKL| {names} ▼" if brief else f"by |ΔKL term| {names}, largest first"
        key = {SortBy.P: "p", SortBy.Q: "q", SortBy.KL: "|KL|" if brief else "|KL term|"}[self.by]
        if self.by is not SortBy.P:
            key += f" of {scenario.models[min(self.model, len(scenario.models) - 1)].name}"
        return f"by {key} ▼" if brief else f"by {key}, largest first"


def kl_difference_pair(scenario: Scenario, model: int) -> tuple[int, int]:
    """The two models a |ΔKL term| order compares: `model` and the next one (cycling)."""
    first = min(model, len(scenario.models) - 1)
    return first, (first + 1) % len(scenario.models)


def kl_differences(scenario: Scenario, model: int) -> npt.NDArray[np.float64]:
    """Outcome by outcome, the KL term of `model` minus that of the next model (∞ − ∞: nan)."""
    first, second = kl_difference_pair(scenario, model)
    terms = scenario.terms
    with np.errstate(invalid="ignore"):
        difference: npt.NDArray[np.float64] = terms[first].kl - terms[second].kl
    return difference


def default_sorting(scenario: Scenario) -> Sorting:
    """Outcome order for a small scenario; |KL term| of the first model for a large one."""
    return Sorting(SortBy.KL if scenario.size > LARGE_TABLE else SortBy.OUTCOME)


def outcome_order(scenario: Scenario, sorting: Sorting) -> IntArray | None:
    """The outcomes in `sorting`'s order (display row → outcome), or None for outcome order.

    Ties keep outcome order (stable sorts); an infinite KL term sorts first.
    """
    if sorting.by is SortBy.OUTCOME:
        return None
    if sorting.by is SortBy.LABEL:
        names = np.array(scenario.labels)
        try:  # numbered outcomes ("0", "1", … "10", as an .npz without labels) by number
            keys = names.astype(np.float64)
        except ValueError:
            keys = names
        order: IntArray = np.argsort(keys, kind="stable")
        return order
    if sorting.by is SortBy.P:
        values = scenario.p_target
    else:
        model = min(sorting.model, len(scenario.models) - 1)
        if sorting.by is SortBy.Q:
            values = scenario.models[model].q
        elif sorting.by is SortBy.KL_DIFF:
            values = np.nan_to_num(np.abs(kl_differences(scenario, model)), nan=0.0, posinf=np.inf)
        else:
            values = np.abs(scenario.terms[model].kl)
    order = np.argsort(-values, kind="stable")
    return order


def find_outcome(
    scenario: Scenario, order: IntArray | None, text: str, after: int = -1
) -> int | None:
    """The display row of the outcome `text` names, searching from the row after `after` and
    wrapping: a label equal to `text`, else the first that starts with it, else the first that
    contains it (case-insensitive). None when no label matches."""
    needle = text.strip()
    if not needle:
        return None
    labels = scenario.labels
    try:
        return row_of(order, labels.index(needle))
    except ValueError:
        pass
    size = len(labels)
    lowered = needle.lower()
    rows = np.roll(np.arange(size), -(after + 1))
    outcomes = rows if order is None else order[rows]
    ordered = [labels[i].lower() for i in outcomes.tolist()]
    for test in (str.startswith, str.__contains__):
        for position, label in enumerate(ordered):
            if test(label, lowered):
                return int(rows[position])
    return None


def row_of(order: IntArray | None, outcome: int) -> int:
    """The display row of an outcome (one vectorised pass over the order)."""
    return outcome if order is None else int(np.flatnonzero(order == outcome)[0])
