"""Validating weights and labels at the boundary, and normalising weights to probabilities."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from divtui.core.errors import DivtuiError

FloatArray = npt.NDArray[np.float64]

SUM_TOLERANCE = 1e-12
"""A column whose weights sum to within this of 1 is already a probability vector."""


def frozen(values: npt.ArrayLike) -> FloatArray:
    """A read-only float64 copy of `values`, so a scenario can never be changed in place."""
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


def _parse_float(text: str, where: str) -> float:
    stripped = text.strip()
    if not stripped:
        raise DivtuiError(f"{where}: a value is needed")
    try:
        return float(stripped)
    except ValueError:
        raise DivtuiError(f"{where}: {stripped!r} is not a number") from None


def parse_number(text: str, where: str) -> float:
    """Turn what a user typed into a finite number (any sign), or say precisely why not."""
    value = _parse_float(text, where)
    if math.isnan(value):
        raise DivtuiError(f"{where}: NaN is not a number here")
    if math.isinf(value):
        raise DivtuiError(f"{where}: {text.strip()!r} is not finite")
    return value + 0.0


def parse_weight(text: str, where: str) -> float:
    """Turn what a user typed into a non-negative finite weight, or say precisely why not."""
    return check_weight(_parse_float(text, where), where)


def check_weight(value: object, where: str) -> float:
    """Check one weight: a real number, finite, not negative."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DivtuiError(f"{where}: {value!r} is not a number")
    number = float(value)
    if math.isnan(number):
        raise DivtuiError(f"{where}: NaN is not a probability or weight")
    if math.isinf(number):
        raise DivtuiError(f"{where}: {'-' if number < 0 else ''}inf is not a finite weight")
    if number < 0:
        raise DivtuiError(f"{where}: {value!r} is negative; weights must be ≥ 0")
    return number + 0.0  # -0.0 becomes 0.0


def check_weights(values: object, where: str) -> FloatArray:
    """Check a whole column of weights: a non-empty list of valid weights, not all zero."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise DivtuiError(f"{where}: expected a list of numbers, got {type(values).__name__}")
    if len(values) == 0:
        raise DivtuiError(f"{where}: the list is empty")
    array = number_array(values)
    if array is not None:
        bad = np.flatnonzero(~np.isfinite(array) | (array < 0))
        if bad.size:
            index = int(bad[0])
            given = float(array[index]) if isinstance(values, np.ndarray) else values[index]
            check_weight(given, f"{where}[{index}]")
    else:
        array = np.array(
            [check_weight(value, f"{where}[{index}]") for index, value in enumerate(values)],
            dtype=np.float64,
        )
    if not np.any(array > 0):
        raise DivtuiError(f"{where}: all weights are zero; at least one must be positive")
    return frozen(array)


def number_array(values: Sequence[object] | np.ndarray) -> FloatArray | None:
    """`values` as float64 when every one is a real number (no bools), else None.

    A C-level pass, so a million values from a file are not checked one by one; the caller
    walks the values itself only when this returns None, to name the first that is wrong.
    """
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "fiu":
            return np.asarray(values, dtype=np.float64) + 0.0  # + 0.0: −0.0 becomes 0.0
        return None
    if set(map(type, values)) <= {float, int}:
        return np.array(values, dtype=np.float64) + 0.0
    return None


def normalise(weights: FloatArray) -> FloatArray:
    """Probabilities proportional to `weights` (left as they are when they already sum to 1)."""
    total = total_weight(weights)
    if abs(total - 1.0) <= SUM_TOLERANCE:
        return weights if not weights.flags.writeable else frozen(weights)
    if math.isinf(total):  # finite weights near 1e308 overflow their sum: scale them down first
        weights = weights / float(np.max(weights))
        total = total_weight(weights)
    return frozen(weights / total)


def total_weight(weights: FloatArray) -> float:
    """Σ weights; +inf, without a warning, when finite weights overflow."""
    with np.errstate(over="ignore"):
        return float(np.sum(weights))


def is_normalised(weights: FloatArray) -> bool:
    """Whether the weights already sum to 1 (within `SUM_TOLERANCE`)."""
    return abs(total_weight(weights) - 1.0) <= SUM_TOLERANCE


def check_label(label: object, where: str) -> str:
    """Check one outcome label: a non-empty string (surrounding spaces are dropped)."""
    if not isinstance(label, str):
        raise DivtuiError(f"{where}: a label must be text, got {label!r}")
    cleaned = label.strip()
    if not cleaned:
        raise DivtuiError(f"{where}: a label cannot be empty")
    return check_no_control(cleaned, where)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""The control characters (Unicode category Cc) other than tab and newline."""

SEPARATORS = re.compile(r"[\s,;]+")
"""What separates the numbers of a typed or pasted list: spaces, commas, semicolons."""


def check_no_control(text: str, where: str) -> str:
    """Refuse control characters other than tab and newline in a name shown on a terminal: an
    ESC from a file (`\x1b]0;…\x07`) would reach the terminal and drive it."""
    found = _CONTROL.search(text)
    if found is not None:
        raise DivtuiError(f"{where}: {text!r} contains the control character {found.group()!r}")
    return text


def check_labels(labels: Iterable[object], where: str) -> tuple[str, ...]:
    """Check a list of labels: each valid, none repeated.

    A million labels from a model's vocabulary are checked with C-level passes (map, set, one
    regex over the joined text); only a list that fails is walked label by label, to name the
    first offending index.
    """
    items = labels.tolist() if isinstance(labels, np.ndarray) else list(labels)
    if set(map(type, items)) == {str}:
        cleaned = list(map(str.strip, items))
        if (
            "" not in cleaned
            and len(set(cleaned)) == len(cleaned)
            and _CONTROL.search(" ".join(cleaned)) is None
        ):
            return tuple(cleaned)
    return _check_labels_one_by_one(items, where)


def _check_labels_one_by_one(labels: Iterable[object], where: str) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    checked: list[str] = []
    for index, label in enumerate(labels):
        cleaned = check_label(label, f"{where}[{index}]")
        if cleaned in seen:
            raise DivtuiError(
                f"{where}[{index}]: duplicate label {cleaned!r} (also at [{seen[cleaned]}])"
            )
        seen[cleaned] = index
        checked.append(cleaned)
    if not checked:
        raise DivtuiError(f"{where}: there must be at least one outcome")
    return tuple(checked)
