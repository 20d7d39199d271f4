"""Validation at the boundary: every bad weight or label is refused with what and where."""

from __future__ import annotations

import math

import numpy as np
import pytest

from divtui.core.distribution import (
    check_label,
    check_labels,
    check_weight,
    check_weights,
    frozen,
    is_normalised,
    normalise,
    parse_weight,
)
from divtui.core.errors import DivtuiError


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "cell B3: 'abc' is not a number"),
        ("1,5", "cell B3: '1,5' is not a number"),
        ("", "cell B3: a value is needed"),
        ("   ", "cell B3: a value is needed"),
        ("-0.5", "cell B3: -0.5 is negative; weights must be ≥ 0"),
        ("nan", "cell B3: NaN is not a probability or weight"),
        ("inf", "cell B3: inf is not a finite weight"),
        ("-inf", "cell B3: -inf is not a finite weight"),
        ("1e400", "cell B3: inf is not a finite weight"),
    ],
)
def test_a_typed_weight_is_refused_with_what_and_where(text: str, message: str) -> None:
    with pytest.raises(DivtuiError) as caught:
        parse_weight(text, "cell B3")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "value"), [(" 0.25 ", 0.25), ("1e-300", 1e-300), ("3", 3.0), ("0", 0.0)]
)
def test_a_typed_weight_is_accepted(text: str, value: float) -> None:
    assert parse_weight(text, "cell") == value


def test_negative_zero_becomes_zero() -> None:
    value = parse_weight("-0", "cell")
    assert value == 0.0 and math.copysign(1.0, value) == 1.0


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (True, "True is not a number"),
        ("0.5", "'0.5' is not a number"),
        (None, "None is not a number"),
        ([0.5], "[0.5] is not a number"),
        (float("nan"), "NaN is not a probability or weight"),
        (math.inf, "inf is not a finite weight"),
        (-math.inf, "-inf is not a finite weight"),
        (-1, "-1 is negative"),
    ],
)
def test_check_weight_refuses_what_is_not_a_finite_non_negative_number(
    value: object, fragment: str
) -> None:
    with pytest.raises(DivtuiError) as caught:
        check_weight(value, "q[2]")
    assert str(caught.value).startswith(f"q[2]: {fragment}")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "p: the list is empty"),
        ([0, 0.0, 0], "p: all weights are zero; at least one must be positive"),
        ("0.5 0.5", "p: expected a list of numbers, got str"),
        ({"a": 1}, "p: expected a list of numbers, got dict"),
        (0.5, "p: expected a list of numbers, got float"),
        ([0.5, "x"], "p[1]: 'x' is not a number"),
        ([0.5, 0.2, -0.1], "p[2]: -0.1 is negative; weights must be ≥ 0"),
        ([float("nan"), 1], "p[0]: NaN is not a probability or weight"),
        ([1, math.inf], "p[1]: inf is not a finite weight"),
        (np.array([0.5, -math.inf]), "p[1]: -inf is not a finite weight"),
        (np.array([0.5, 0.5, np.nan]), "p[2]: NaN is not a probability or weight"),
        (np.array([0.5, -2.0]), "p[1]: -2.0 is negative; weights must be ≥ 0"),
        (np.zeros(3), "p: all weights are zero; at least one must be positive"),
        (np.array([]), "p: the list is empty"),
    ],
)
def test_a_column_is_refused_with_what_and_where(values: object, message: str) -> None:
    with pytest.raises(DivtuiError) as caught:
        check_weights(values, "p")
    assert str(caught.value) == message


@pytest.mark.parametrize("values", [[0.2, 0, 3], (1, 2), np.array([0.0, 1.0])])
def test_a_valid_column_becomes_a_read_only_float_array(values: object) -> None:
    got = check_weights(values, "p")
    assert got.dtype == np.float64 and not got.flags.writeable
    np.testing.assert_array_equal(got, np.asarray(values, dtype=np.float64))


def test_a_checked_column_does_not_share_memory_with_its_input() -> None:
    source = np.array([0.25, 0.75])
    got = check_weights(source, "p")
    source[0] = 99.0
    assert got[0] == 0.25


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["rain", "snow", "rain"], "labels[2]: duplicate label 'rain' (also at [0])"),
        (["rain", " rain "], "labels[1]: duplicate label 'rain' (also at [0])"),
        (["rain", ""], "labels[1]: a label cannot be empty"),
        (["  ", "snow"], "labels[0]: a label cannot be empty"),
        (["rain", 3], "labels[1]: a label must be text, got 3"),
        ([], "labels: there must be at least one outcome"),
    ],
)
def test_labels_are_refused_with_what_and_where(labels: list[object], message: str) -> None:
    with pytest.raises(DivtuiError) as caught:
        check_labels(labels, "labels")
    assert str(caught.value) == message


def test_labels_are_stripped() -> None:
    assert check_labels([" rain", "snow "], "labels") == ("rain", "snow")
    assert check_label("  hail\t", "label") == "hail"


def test_frozen_is_a_read_only_copy() -> None:
    source = [0.5, 0.5]
    got = frozen(source)
    assert not got.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        got[0] = 1.0


def test_normalise_divides_by_the_sum() -> None:
    got = normalise(frozen([1.0, 3.0]))
    np.testing.assert_array_equal(got, [0.25, 0.75])
    assert not got.flags.writeable


def test_normalise_keeps_values_that_already_sum_to_one_exactly_as_entered() -> None:
    """0.3 + 0.6 + 0.1 is not 1.0 in floating point; dividing would change what was typed."""
    weights = frozen([0.3, 0.6, 0.1])
    assert float(np.sum(weights)) != 1.0
    assert list(weights / np.sum(weights)) != [0.3, 0.6, 0.1]
    assert normalise(weights) is weights
    assert is_normalised(weights)


def test_normalise_freezes_a_writable_array_it_keeps() -> None:
    weights = np.array([0.5, 0.5])
    got = normalise(weights)
    assert not got.flags.writeable and weights.flags.writeable


def test_weights_whose_sum_overflows_still_normalise() -> None:
    """1e308 + 1.5e308 is inf; the probabilities are still 0.4 and 0.6, not 0 and 0."""
    got = normalise(frozen([1e308, 1.5e308]))
    np.testing.assert_allclose(got, [0.4, 0.6], rtol=1e-15)
    assert not is_normalised(frozen([1e308, 1.5e308]))


@pytest.mark.parametrize(
    ("weights", "expected"),
    [([0.5, 0.5], True), ([0.5, 0.5 + 2e-13], True), ([0.5, 0.5 + 1e-11], False), ([1, 3], False)],
)
def test_is_normalised_allows_only_rounding(weights: list[float], expected: bool) -> None:
    assert is_normalised(frozen(weights)) is expected
