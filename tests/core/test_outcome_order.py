"""Row orders and label search: permutations checked against Python's own sorted()."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from divtui.core.outcome_order import (
    LARGE_TABLE,
    SortBy,
    Sorting,
    default_sorting,
    find_outcome,
    outcome_order,
    row_of,
)
from divtui.core.scenario import Scenario

LABELS = ["rain", "snow", "sleet", "hail", "Rainbow", "drizzle"]


def scenario_of(p: list[float], q: list[float], labels: list[str] | None = None) -> Scenario:
    labels = labels or [f"o{i}" for i in range(len(p))]
    return Scenario.build(labels, p, [("a", q), ("b", list(reversed(q)))])


weights = st.lists(st.floats(0, 10), min_size=2, max_size=40).filter(lambda w: sum(w) > 0)


@given(weights, st.data())
def test_each_order_is_the_stable_sort_python_would_make(
    p: list[float], data: st.DataObject
) -> None:
    q = data.draw(st.lists(st.floats(0.01, 10), min_size=len(p), max_size=len(p)))
    scenario = scenario_of(p, q)
    probabilities = scenario.p_target.tolist()
    n = len(p)
    assert outcome_order(scenario, Sorting()) is None
    by_p = outcome_order(scenario, Sorting(SortBy.P))
    assert by_p is not None
    assert by_p.tolist() == sorted(range(n), key=lambda i: -probabilities[i])
    for model in (0, 1):
        qs = scenario.models[model].q.tolist()
        by_q = outcome_order(scenario, Sorting(SortBy.Q, model))
        assert by_q is not None and by_q.tolist() == sorted(range(n), key=lambda i: -qs[i])
        # The oracle computes each term by the formula, with 0·log 0 = 0.
        terms = [
            0.0 if probabilities[i] == 0 else probabilities[i] * math.log(probabilities[i] / qs[i])
            for i in range(n)
        ]
        by_kl = outcome_order(scenario, Sorting(SortBy.KL, model))
        assert by_kl is not None
        magnitudes = [abs(terms[i]) for i in by_kl.tolist()]
        assert all(
            a >= b * (1 - 1e-9) - 1e-300 for a, b in zip(magnitudes, magnitudes[1:], strict=False)
        )


def test_labels_sort_by_code_point_and_an_infinite_term_comes_first() -> None:
    scenario = scenario_of([1, 2, 3, 4, 5, 6], [1, 1, 0, 1, 1, 1], LABELS)
    by_label = outcome_order(scenario, Sorting(SortBy.LABEL))
    assert by_label is not None
    assert [LABELS[i] for i in by_label] == sorted(LABELS)
    by_kl = outcome_order(scenario, Sorting(SortBy.KL, 0))
    assert by_kl is not None and by_kl[0] == 2  # q(sleet) = 0 < p(sleet): ∞


def test_the_cycle_and_the_defaults() -> None:
    seen = [Sorting()]
    for _ in range(5):
        seen.append(seen[-1].next(model=1))
    assert [s.by for s in seen] == [
        SortBy.OUTCOME,
        SortBy.LABEL,
        SortBy.P,
        SortBy.Q,
        SortBy.KL,
        SortBy.OUTCOME,
    ]
    small = scenario_of([1.0] * LARGE_TABLE, [1.0] * LARGE_TABLE)
    large = scenario_of([1.0] * (LARGE_TABLE + 1), [1.0] * (LARGE_TABLE + 1))
    assert default_sorting(small).by is SortBy.OUTCOME
    assert default_sorting(large) == Sorting(SortBy.KL, 0)
    assert Sorting(SortBy.KL, 1).describe(small) == "by |KL term| of b, largest first"


@pytest.mark.parametrize(
    ("text", "after", "found"),
    [
        ("sleet", -1, "sleet"),  # exact
        ("  sleet ", 3, "sleet"),  # exact wins wherever the cursor is
        ("rain", -1, "rain"),
        ("RAIN", -1, "rain"),  # case-insensitive prefix
        ("rain", 0, "rain"),  # an exact label is found even from its own row
        ("ra", 0, "Rainbow"),  # the next match after the cursor
        ("ra", 4, "rain"),  # wraps around
        ("izz", -1, "drizzle"),  # contained
        ("fog", -1, None),
        ("", -1, None),
    ],
)
def test_find_outcome(text: str, after: int, found: str | None) -> None:
    scenario = scenario_of([1] * 6, [1] * 6, LABELS)
    row = find_outcome(scenario, None, text, after)
    assert (None if row is None else LABELS[row]) == found


def test_find_outcome_answers_in_display_rows_of_a_sorted_table() -> None:
    scenario = scenario_of([1, 2, 3, 4, 5, 6], [1] * 6, LABELS)
    order = outcome_order(scenario, Sorting(SortBy.P))
    assert order is not None
    row = find_outcome(scenario, order, "snow")
    assert row is not None and int(order[row]) == 1
    assert row_of(order, 1) == row
    first_ra = find_outcome(scenario, order, "ra")
    assert first_ra is not None and LABELS[int(order[first_ra])] == "Rainbow"  # p = 5 comes first


def test_brief_descriptions_fit_the_table_border() -> None:
    scenario = scenario_of([1, 2], [1, 1])
    assert [Sorting(by, 1).describe_briefly(scenario) for by in SortBy] == [
        "in outcome order",
        "by label ▲",
        "by p ▼",
        "by q of b ▼",
        "by |KL| of b ▼",
        "by |ΔKL| b − a ▼",
    ]


def test_numbered_labels_sort_by_number_and_others_by_code_point() -> None:
    shuffled = [str(i) for i in (10, 2, 1, 0, 11, 3, 4, 5, 6, 7, 8, 9)]
    numbered = scenario_of([1.0] * 12, [1.0] * 12, shuffled)
    order = outcome_order(numbered, Sorting(SortBy.LABEL))
    assert order is not None
    assert [numbered.labels[i] for i in order] == [str(i) for i in range(12)]
    mixed = scenario_of([1.0] * 3, [1.0] * 3, ["10", "9", "x"])
    order = outcome_order(mixed, Sorting(SortBy.LABEL))
    assert order is not None and [mixed.labels[i] for i in order] == ["10", "9", "x"]
