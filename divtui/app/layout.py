"""How the main screen is laid out for a window size: the size classes the stylesheet keys on,
and how many lines the table may take. Plain rules, without Textual."""

from __future__ import annotations

HALF_WIDTH_TABLE = 56
"""A grid wider than this (terminal columns) does not fit beside the measures at 120x40."""
MANY_MODELS = 3
"""With more models than this, the table and the measures each take the full width."""
NARROW_WIDTH, NARROW_HEIGHT = 110, 34
"""Below this many columns or rows the panels stack and the body scrolls."""
MIN_WIDTH, MIN_HEIGHT = 60, 16
"""Below this size a notice asks for a larger terminal instead of a broken layout."""
TOO_SMALL = (
    "The terminal is too small for divtui.\n"
    f"Please enlarge it to at least {MIN_WIDTH}×{MIN_HEIGHT}."
)


def size_classes(width: int, height: int) -> dict[str, bool]:
    """The screen's classes for a window: `-tiny` (too small to draw), `-narrow` (stacked)."""
    return {
        "-tiny": width < MIN_WIDTH or height < MIN_HEIGHT,
        "-narrow": width < NARROW_WIDTH or height < NARROW_HEIGHT,
    }


def stacks_panels(models: int, grid_width: int) -> bool:
    """Whether the table and the measures take the full width each (`-many`): many models, or
    wide columns (logits, weights, long names) would not fit side by side."""
    return models > MANY_MODELS or grid_width > HALF_WIDTH_TABLE


def table_budget(height: int, stacked: bool) -> int:
    """How many lines the table's rows (and its editor) may take in a window `height` rows
    high. Side by side with the measures, the top row holds 60% of the body; stacked, the
    table leaves a few lines of the screen to the measures below it, so they are seen."""
    body = height - 2  # the header and the footer
    rows = body - 2 - 4 if stacked else int(body * 0.6) - 2  # - the panel's border
    return max(4, rows)
