"""The row order across changes, inferred from the labels: kept for edits, carried over one
outcome added, removed or renamed, fresh for anything new."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from divtui.core.outcome_order import SortBy, Sorting, outcome_order
from divtui.core.row_order import LabelChange, RowOrder, diff_labels
from divtui.core.scenario import Scenario
from divtui.core.units import Unit

LABELS = ("rain", "snow", "sleet", "hail")


def weather() -> Scenario:
    return Scenario.build(LABELS, [0.14, 0.37, 0.03, 0.46], [("q", [0.25] * 4)])


@pytest.mark.parametrize(
    ("after", "change", "outcome"),
    [
        (LABELS, LabelChange.SAME, -1),
        (("rain", "snow", "ice", "hail"), LabelChange.RENAMED, 2),
        (("x", "snow", "sleet", "hail"), LabelChange.RENAMED, 0),
        ((*LABELS, "fog"), LabelChange.ADDED, 4),
        (("rain", "sleet", "hail"), LabelChange.REMOVED, 1),
        (("snow", "sleet", "hail"), LabelChange.REMOVED, 0),
        (("rain", "snow", "sleet"), LabelChange.REMOVED, 3),
        (("a", "b"), LabelChange.NEW, -1),
        (("rain", "x", "y", "hail"), LabelChange.NEW, -1),
        (("hail", "rain", "snow", "sleet"), LabelChange.NEW, -1),
    ],
)
def test_diff_labels_names_the_change(
    after: tuple[str, ...], change: LabelChange, outcome: int
) -> None:
    diff = diff_labels(LABELS, after)
    assert (diff.change, diff.outcome) == (change, outcome)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=3), min_size=2, max_size=30, unique=True), st.data())
def test_diff_labels_agrees_with_a_plain_loop(labels: list[str], data: st.DataObject) -> None:
    before = tuple(labels)
    at = data.draw(st.integers(0, len(before) - 1))
    removed = before[:at] + before[at + 1 :]
    assert diff_labels(before, removed).outcome == at or (
        # Removing one of two equal neighbours is the same tuple either way: the first is named.
        removed == before[: at - 1] + before[at:]
    )
    renamed = before[:at] + ("\x00new",) + before[at + 1 :]
    assert diff_labels(before, renamed) == diff_labels(before, renamed)
    assert diff_labels(before, renamed).outcome == at


def test_an_edit_keeps_the_order_and_marks_a_value_order_stale() -> None:
    start = RowOrder.of(weather(), Sorting(SortBy.P))
    np.testing.assert_array_equal(start.order, [3, 1, 0, 2])
    edited = weather().with_probability(0, 2, 0.9)
    after, diff = start.follow(edited)
    assert diff.change is LabelChange.SAME
    np.testing.assert_array_equal(after.order, [3, 1, 0, 2])
    assert after.stale
    resorted = after.sorted(after.sorting)
    np.testing.assert_array_equal(resorted.order, outcome_order(edited, Sorting(SortBy.P)))
    assert not resorted.stale


def test_a_unit_change_does_not_spoil_the_order() -> None:
    start = RowOrder.of(weather(), Sorting(SortBy.KL))
    after, _ = start.follow(start.scenario.with_unit(Unit.BITS))
    assert not after.stale


def shown(rows: RowOrder) -> list[str]:
    """The labels down the rows."""
    return [rows.scenario.labels[rows.outcome_at(row)] for row in range(rows.scenario.size)]


def test_removing_adding_and_renaming_carry_the_order_over() -> None:
    scenario = weather()
    rows = RowOrder.of(scenario, Sorting(SortBy.P))  # hail, snow, rain, sleet
    removed = scenario.without_outcome(1)  # snow
    rows, _ = rows.follow(removed)
    assert shown(rows) == ["hail", "rain", "sleet"]
    added = removed.with_outcome("fog")
    rows, diff = rows.follow(added)
    assert diff.change is LabelChange.ADDED
    assert shown(rows) == ["hail", "rain", "sleet", "fog"]
    renamed = added.with_label(0, "drizzle")
    rows, _ = rows.follow(renamed)
    assert shown(rows) == ["hail", "drizzle", "sleet", "fog"]


def test_a_new_scenario_gets_its_own_default_order() -> None:
    rows = RowOrder.of(weather(), Sorting(SortBy.P))
    other = Scenario.build(["a", "b"], [1, 1], [("q", [1, 2])])
    after, diff = rows.follow(other)
    assert diff.change is LabelChange.NEW and after.sorting == Sorting() and after.order is None


def test_crossing_the_large_table_size_gives_that_sizes_default() -> None:
    size = 1001
    rng = np.random.default_rng(3)
    big = Scenario.build(
        [f"t{i}" for i in range(size)], rng.random(size), [("q", rng.random(size))]
    )
    small = big.without_outcome(0)
    assert RowOrder.of(big).sorting.by is SortBy.KL
    after, diff = RowOrder.of(big, Sorting()).follow(small)
    assert diff.change is LabelChange.REMOVED and after.sorting.by is SortBy.OUTCOME


def test_label_smoothing_spoils_a_kl_order_but_not_a_p_order() -> None:
    by_p = RowOrder.of(weather(), Sorting(SortBy.P))
    by_kl = RowOrder.of(by_p.scenario, Sorting(SortBy.KL))
    smoothed = by_p.scenario.with_label_smoothing(0.1)
    assert not by_p.follow(smoothed)[0].stale, "p itself did not change"
    assert by_kl.follow(smoothed)[0].stale, "every KL term did"
