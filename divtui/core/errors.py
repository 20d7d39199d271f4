"""The one exception family the core raises for anything a user typed or loaded."""

from __future__ import annotations


class DivtuiError(ValueError):
    """Bad input from a user or a file; the message says what was wrong and where.

    The command line prints it after `divtui: error:`; the app shows it next to the cell or in a
    notification. It never means a bug.
    """
