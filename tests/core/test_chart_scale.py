"""The charts' pure arithmetic: round ticks, the decomposition's axis, distinct short labels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divtui.core.chart_scale import (
    decomposition_axis,
    distinct_labels,
    largest_magnitudes,
    nice_step,
    nice_ticks,
    reserve_rows,
    short_number,
    tick_labels,
    wants_gap_view,
)
from divtui.core.report import listed_outcomes


def is_round(step: float) -> bool:
    """1, 2, 2.5 or 5 times a power of ten."""
    mantissa = step / 10 ** math.floor(math.log10(step))
    # Ticks far from 0 differ by a round step up to float rounding of their magnitude.
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))


@given(
    low=st.floats(-1e6, 1e6),
    span=st.floats(1e-9, 1e6),
    most=st.integers(2, 10),
)
def test_ticks_are_round_inside_the_range_and_not_too_many(
    low: float, span: float, most: int
) -> None:
    high = low + span
    if span < 1e-7 * max(1.0, abs(low)):
        return  # beyond what a chart of doubles can tick
    ticks = nice_ticks(low, high, most)
    assert 1 <= len(ticks) <= most + 1
    tolerance = 1e-9 * max(1.0, abs(low), abs(high))
    assert all(low - tolerance <= t <= high + tolerance for t in ticks)
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    if steps:
        assert is_round(steps[0])
        assert all(math.isclose(s, steps[0], rel_tol=1e-5) for s in steps)
    if low <= 0 <= high and len(ticks) > 1:
        assert 0.0 in ticks


def test_the_issue_s_odd_ticks_become_round_ones() -> None:
    # The old chart ticked −0.09, 0.09, 0.28, 0.47 …; the range itself is the same.
    assert nice_ticks(-0.09, 1.03, 5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert tick_labels([0.0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"]
    assert tick_labels([-0.5, 0.0, 0.5]) == ["−0.5", "0.0", "0.5"]
    assert tick_labels([8.6, 8.65, 8.7]) == ["8.60", "8.65", "8.70"]
    assert nice_step(0.03, 5) == pytest.approx(0.01)


def test_the_gap_view_is_wanted_when_kl_is_small_next_to_h() -> None:
    assert not wants_gap_view(1.1055, [0.2808]), "the weather example draws from 0"
    assert wants_gap_view(8.66, [0.14]), "the 50,000-token file"
    assert wants_gap_view(1.28, [0.007, 0.002])
    assert not wants_gap_view(0.0, [0.5]), "H(p) = 0: the bar is all KL"
    assert not wants_gap_view(1.0, [0.0]), "q = p: nothing to magnify"
    assert wants_gap_view(1.0, [0.01, math.inf]), "an infinite KL is capped, not measured"


def test_the_gap_view_axis_starts_on_a_round_value_just_below_h() -> None:
    axis = decomposition_axis(1.28, [1.287, 1.282], gap_view=True, fixed=None)
    assert axis.broken and 0 < axis.low < 1.28
    assert 1.28 - axis.low <= 0.007, "KL, not H(p), fills the height"
    assert axis.high > 1.287
    assert is_round(axis.low) or axis.low == pytest.approx(round(axis.low, 3))
    full = decomposition_axis(1.28, [1.287], gap_view=False, fixed=None)
    assert full.low == 0 and not full.broken
    fixed = decomposition_axis(1.1, [1.2], gap_view=True, fixed=(0.0, 1.4))
    assert (fixed.low, fixed.high, fixed.broken) == (0.0, 1.4, False)


def test_reserve_rows_leaves_exactly_that_many_rows_above_the_value() -> None:
    high = reserve_rows(10.0, 0.0, rows=21, reserved=2)
    per_row = high / 21
    assert high - 10.0 == pytest.approx(2 * per_row)


def test_labels_keep_what_tells_them_apart() -> None:
    assert distinct_labels(["tok06934", "tok36712"], 6) == ["…06934", "…36712"]
    assert distinct_labels(["rain", "snow", "sleet", "hail"], 4) == ["rain", "snow", "sle…", "hail"]
    assert distinct_labels(["alpha", "beta"], 10) == ["alpha", "beta"], "fitting labels stay"
    # The shared prefix goes (it tells nothing apart); what is left fits or keeps its tail.
    assert distinct_labels(["layer1.weight", "layer1.bias"], 6) == ["weight", "…bias"]
    assert distinct_labels(["layer1.weights", "layer1.bias"], 6) == ["…ights", "…bias"]


@given(
    st.lists(st.text(alphabet="ab0123456789_", min_size=1, max_size=14), min_size=2, max_size=9),
    st.integers(3, 8),
)
def test_cut_labels_fit_and_stay_distinct_when_a_head_or_tail_can_tell_them_apart(
    labels: list[str], width: int
) -> None:
    labels = list(dict.fromkeys(labels))
    cut = distinct_labels(labels, width)
    assert len(cut) == len(labels)
    assert all(len(c) <= width for c in cut)
    heads = {label[: width - 1] if len(label) > width else label for label in labels}
    tails = {label[-(width - 1) :] if len(label) > width else label for label in labels}
    if len(heads) == len(labels) or len(tails) == len(labels):
        assert len(set(cut)) == len(labels), cut


def test_short_numbers() -> None:
    assert short_number(0.2808) == "0.281"
    assert short_number(-0.019) == "−0.019"
    assert short_number(2.5e-5) == "2.5e−05"
    assert short_number(math.inf) == "∞"
    assert short_number(12345.6) == "1.235e+04"
    assert short_number(0.0) == "0"


@given(
    st.lists(
        st.sampled_from([0.0, -0.5, 0.5, 1.0, -1.0, 2.0, math.inf, -math.inf, 1e-300]),
        min_size=1,
        max_size=3000,
    ),
    st.integers(1, 40),
)
def test_largest_magnitudes_agree_with_the_report_s_listing(
    values: list[float], count: int
) -> None:
    array = np.array(values)
    assert largest_magnitudes(array, count) == listed_outcomes(array, count)


def test_largest_magnitudes_of_a_million() -> None:
    rng = np.random.default_rng(5)
    values = rng.normal(size=1_000_000)
    values[[3, 999_999]] = [np.inf, -np.inf]
    assert largest_magnitudes(values, 8) == listed_outcomes(values, 8)
