"""Numbers and counts written for people, shared by reports, the token analysis and the app."""

from __future__ import annotations

import math


def format_value(value: float, digits: int = 6) -> str:
    """A measure for people: fixed decimals, `∞` for infinity."""
    if math.isinf(value):
        return "∞"
    if value != 0 and (abs(value) < 10 ** -(digits - 1) or abs(value) >= 1e6):
        return f"{value:.{digits - 2}e}"
    return f"{value:.{digits}f}"


def outcomes(count: int) -> str:
    """ "outcome" or "outcomes", to follow `count`."""
    return "outcome" if count == 1 else "outcomes"
