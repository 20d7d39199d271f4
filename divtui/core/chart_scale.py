"""Pure arithmetic for the charts: round ticks, the decomposition's axis, distinct short labels.

No Textual and no plotext here: the widgets place what these functions decide, and the tests
check the decisions without drawing anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

STEPS = (1.0, 2.0, 2.5, 5.0)
"""Tick spacings, times a power of ten: values a reader can add up in their head."""

GAP_RATIO = 0.2
"""The decomposition switches to its gap view when the largest finite KL is less than this
fraction of H(p): below it a KL segment would be a row or two of a tall bar."""

BELOW_FLOOR = 0.45
"""In the gap view the axis starts this many times the largest KL below H(p): enough of the
H(p) segment shows to read it as the base of the bar, and KL fills most of the height."""

HEADROOM = 0.3
"""Room above the tallest bar, as a fraction of the span shown, for its labels."""


def nice_step(span: float, most: int) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that cuts `span` into at most `most` intervals."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(span / max(1, most)))
    for factor in (*STEPS, 10.0):
        step = factor * power
        if span / step <= most + 1e-9:
            return step
    return 10.0 * power  # unreachable: 10^(k+1) ≥ span / most


def nice_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Multiples of a round step inside [low, high] (both ends included when they are
    multiples), at most `most` + 1 of them; 0 is a tick whenever it is in range."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    step = nice_step(high - low, most)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [_clean(k * step) for k in range(first, last + 1)]


def _clean(value: float) -> float:
    """`value` without the float noise of k·step (0.30000000000000004 → 0.3), and never −0."""
    return float(f"{value:.15g}") + 0.0


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """The ticks written with one number of decimals, as few as tell them apart; a true minus."""
    if not ticks:
        return []
    step = min((b - a for a, b in zip(ticks, ticks[1:], strict=False)), default=0.0)
    decimals = 0
    if step > 0:
        while decimals < 12 and abs(round(step, decimals) - step) > step * 1e-6:
            decimals += 1
    elif ticks[0] != 0:
        decimals = max(0, 3 - math.floor(math.log10(abs(ticks[0]))))
    return [f"{t:.{decimals}f}".replace("-", "−") for t in ticks]


def round_up(value: float, most: int = 5) -> float:
    """`value` rounded up to the round step of a [0, value] axis (an axis that ends on a tick)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    step = nice_step(value, most)
    return _clean(math.ceil(value / step - 1e-9) * step)


@dataclass(frozen=True, slots=True)
class Axis:
    """A value axis: what it shows, and whether it starts above 0 (a broken axis)."""

    low: float
    high: float
    broken: bool = False

    @property
    def span(self) -> float:
        """high − low."""
        return self.high - self.low


def wants_gap_view(entropy: float, kls: Sequence[float]) -> bool:
    """Whether KL is small next to H(p): every finite KL under GAP_RATIO · H(p), one above 0."""
    finite = [k for k in kls if math.isfinite(k)]
    if entropy <= 0 or not finite:
        return False
    largest = max(finite)
    return 0 < largest < GAP_RATIO * entropy


def decomposition_axis(
    entropy: float, tops: Sequence[float], *, gap_view: bool, fixed: tuple[float, float] | None
) -> Axis:
    """The decomposition chart's axis for bars from 0 (or the break) to each top H(p,q).

    `fixed` (a training run's range) wins. The gap view starts just below H(p), on a round value,
    so that KL fills most of the height; the full view starts at 0. Both leave HEADROOM above
    the tallest bar for its labels.
    """
    if fixed is not None:
        low, high = fixed
        return Axis(low, high, broken=low > 0)
    top = max([entropy, *tops])
    if not gap_view or top <= entropy:
        high = top * (1 + HEADROOM) if top > 0 else 1.0
        return Axis(0.0, high)
    largest = top - entropy
    start = entropy - BELOW_FLOOR * largest
    step = nice_step(largest * (1 + BELOW_FLOOR), 4)
    low = math.floor(start / step) * step
    if low <= 0:
        return Axis(0.0, top * (1 + HEADROOM))
    return Axis(_clean(low), top + HEADROOM * (top - low), broken=True)


def shared_prefix(labels: Sequence[str]) -> str:
    """The longest start every label shares."""
    if not labels:
        return ""
    first, last = min(labels), max(labels)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def distinct_labels(labels: Sequence[str], width: int) -> list[str]:
    """Each label cut to at most `width` characters so that the cut labels stay distinct.

    Labels that fit are kept. Otherwise, when they share a prefix (`tok`), what follows it is
    kept, cut to its tail (`…06934`): the prefix tells nothing apart. Then the head (`rain…`),
    then the tail; the first that keeps every label apart wins. Only when none does (labels
    that differ only in the middle) may two cut labels look alike.
    """
    width = max(1, width)
    if all(len(label) <= width for label in labels):
        return list(labels)

    def head(label: str) -> str:
        return label if len(label) <= width else label[: max(1, width - 1)] + "…"

    def tail(label: str) -> str:
        return label if len(label) <= width else "…" + label[len(label) - max(1, width - 1) :]

    prefix = shared_prefix(labels) if len(labels) > 1 else ""

    def unprefixed(label: str) -> str:
        if len(label) <= width or not prefix:
            return label
        rest = label[len(prefix) :]
        if len(rest) < width:
            return "…" + rest
        return rest if len(rest) == width else tail(label)

    candidates = [[unprefixed(label) for label in labels]] if prefix else []
    candidates += [[head(label) for label in labels], [tail(label) for label in labels]]
    for cut in candidates:
        if len(set(cut)) == len(set(labels)):
            return cut
    return candidates[-1]


def short_number(value: float) -> str:
    """A value as a chart label writes it: 3 decimals, or 2 significant digits when smaller
    than 0.001, 4 when 100 or more; ∞ as ∞; a true minus."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    size = abs(value)
    if size == 0:
        text = "0"
    elif size < 1e-3:
        text = f"{value:.2g}"
    elif size < 100:
        text = f"{value:.3f}"
    else:
        text = f"{value:.4g}"
    return text.replace("-", "−")


def reserve_rows(value: float, low: float, rows: int, reserved: float) -> float:
    """The top of an axis from `low` over `rows` text rows that keeps `reserved` rows free above
    `value` (for labels and a legend): solves high = value + reserved · (high − low) / rows."""
    if rows <= reserved + 1:
        return value + (value - low) + 1e-12
    return (value * rows - reserved * low) / (rows - reserved)


BLOCKS = 1024
"""How many blocks `largest_magnitudes` splits a long vector into to find its candidates."""


def largest_magnitudes(values: FloatArray, count: int) -> list[int]:
    """The indices of the `count` largest |values|, largest first, ties by index (all, in
    order, when there are no more than `count`): the same as `report.listed_outcomes`, in a
    few passes of numpy instead of a partition (3 ms instead of 35 at 10^6).

    Any `count` blocks whose maxima are the largest hold `count` values at least as large as
    the count-th largest block maximum, so every value of the answer is at least that: the
    candidates are the values above it, usually a few more than `count`.
    """
    magnitude = np.abs(values)
    size = magnitude.size
    if count <= 0:
        return []
    if size <= count:
        return list(range(size))  # all of them, in order, as listed_outcomes gives them
    blocks = min(BLOCKS, size)
    edges = np.linspace(0, size, blocks + 1).astype(np.intp)
    maxima = np.maximum.reduceat(magnitude, edges[:-1])
    threshold = np.partition(maxima, blocks - count)[blocks - count] if count < blocks else 0.0
    candidates = np.flatnonzero(magnitude >= threshold)
    order = candidates[np.lexsort((candidates, -magnitude[candidates]))]
    return [int(i) for i in order[:count]]
