"""How the main screen is laid out for a window size: the size classes the stylesheet keys on,
and how many lines the table may take. Plain rules, without Textual."""

from __future__ import annotations

from enum import Enum

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


class View(Enum):
    """What the screen puts first (`v` cycles them; the header names the one shown)."""

    OVERVIEW = "overview"
    """Everything that fits: at 80x24 the table, the compact measures and the decomposition."""
    LESSON = "lesson"
    """The story: the decomposition and p against q, large, with the identity."""
    TABLE = "table"
    """The table as tall as the window, with the measures."""
    ALL = "all"
    """Every panel and chart, one under the other; the screen scrolls."""

    def next(self) -> View:
        """The view after this one, round the cycle."""
        views = list(View)
        return views[(views.index(self) + 1) % len(views)]

    def compact_measures(self, narrow: bool) -> bool:
        """Whether the measures show only H(p), H(p,q), KL and the identity."""
        return self is View.LESSON or (self is View.OVERVIEW and narrow)


def size_classes(width: int, height: int) -> dict[str, bool]:
    """The screen's classes for a window: `-tiny` (too small to draw), `-narrow` (stacked)."""
    return {
        "-tiny": width < MIN_WIDTH or height < MIN_HEIGHT,
        "-narrow": width < NARROW_WIDTH or height < NARROW_HEIGHT,
    }


def stacks_panels(models: int, grid_width: int, width: int = 120, narrow: bool = False) -> bool:
    """Whether the table and the measures take the full width each (`-many`): many models, or
    wide columns (logits, weights, long names) would not fit side by side — in a small
    window's overview the table has two fifths of the `width`."""
    room = int(0.4 * width) - 4 if narrow else HALF_WIDTH_TABLE
    return models > MANY_MODELS or grid_width > room


def table_budget(height: int, stacked: bool, view: View = View.ALL, narrow: bool = False) -> int:
    """How many lines the table's rows (and its editor) may take in a window `height` rows
    high. The table view gives it the window; side by side with the measures, the top row
    holds 60% of the body (45% in a small window's overview, where the decomposition chart
    shares it); stacked, the table leaves a few lines to the measures below, so they are seen."""
    body = height - 2  # the header and the footer
    if view is View.TABLE:
        rows = body - 2 - (4 if stacked else 0)
    elif view is View.OVERVIEW and narrow and not stacked:
        rows = int(body * 0.45) - 2
    elif stacked or (narrow and view is View.ALL):
        rows = body - 2 - 4
    else:
        rows = int(body * 0.6) - 2  # - the panel's border
    return max(4, rows)
