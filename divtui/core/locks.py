"""Locked cells: a probability set and locked stays put while later edits in its column rescale
only the unlocked cells.

A lock is held in the scenario as (model name, or None for p; outcome label), so it follows its
cell through sorting, adding and removing outcomes and models, and undo takes it back with any
other change. Locks are never written to files.
"""

from __future__ import annotations

import numpy as np

from divtui.core.distribution import check_weight
from divtui.core.errors import DivtuiError
from divtui.core.scenario import P_COLUMN, Scenario

SUM_SLACK = 1e-12
"""Locked cells may sum past 1 by this much (rounding) before an edit is refused."""

LISTED = 4
"""A notice names at most this many cells, then counts the rest."""


def lock_key(scenario: Scenario, column: int, row: int) -> tuple[str | None, str]:
    """The key of a cell in `Scenario.locks`."""
    name = None if column == P_COLUMN else scenario.models[column - 1].name
    return name, scenario.labels[row]


def is_locked(scenario: Scenario, column: int, row: int) -> bool:
    """Whether the cell is locked."""
    return bool(scenario.locks) and lock_key(scenario, column, row) in scenario.locks


def locked_rows(scenario: Scenario, column: int) -> list[int]:
    """The outcomes locked in a column, in outcome order."""
    if not scenario.locks:
        return []
    name = None if column == P_COLUMN else scenario.models[column - 1].name
    labels = {label for model, label in scenario.locks if model == name}
    return [i for i, label in enumerate(scenario.labels) if label in labels]


def toggle_lock(scenario: Scenario, column: int, row: int) -> tuple[Scenario, str]:
    """The scenario with the cell locked (or unlocked), and the notice to show."""
    where = f"{scenario.column_name(column)}({scenario.labels[row]})"
    if column > P_COLUMN and scenario.models[column - 1].logits is not None:
        raise DivtuiError(f"{where}: a logits model's cells cannot be locked (its q is softmax)")
    key = lock_key(scenario, column, row)
    if key in scenario.locks:
        return scenario._replace(locks=scenario.locks - {key}), f"Unlocked {where}."
    return (
        scenario._replace(locks=scenario.locks | {key}),
        f"Locked {where}: edits in its column now rescale only the unlocked cells.",
    )


def _names(scenario: Scenario, rows: list[int]) -> str:
    shown = ", ".join(scenario.labels[i] for i in rows[:LISTED])
    if len(rows) > LISTED:
        shown += f" and {len(rows) - LISTED:,} more"
    return shown


def with_locked_probability(scenario: Scenario, column: int, row: int, value: float) -> Scenario:
    """Set one probability and rescale only the column's unlocked cells to sum to 1 (evenly
    when they are all zero). Refused when the cell itself is locked, when the locked cells
    already sum past 1, or when no unlocked cell is left to take up the difference."""
    name, label = scenario.column_name(column), scenario.labels[row]
    where = f"{name}({label})"
    probability = check_weight(value, where)
    if probability > 1:
        raise DivtuiError(f"{where}: {value!r} is more than 1; a probability lies in [0, 1]")
    if is_locked(scenario, column, row):
        raise DivtuiError(f"{where} is locked: L unlocks it")
    locked = locked_rows(scenario, column)
    current = scenario.probabilities(column)
    if probability == float(current[row]):
        return scenario  # committing the value shown must not nudge the others by rounding
    held = float(np.sum(current[locked]))
    if held + probability > 1 + SUM_SLACK:
        raise DivtuiError(
            f"{where}: the locked cells of {name} ({_names(scenario, locked)}) hold {held:.6g}; "
            f"with {probability:g} they would sum past 1"
        )
    free = np.ones(len(current), dtype=bool)
    free[locked] = False
    free[row] = False
    free_rows = np.flatnonzero(free)
    remainder = max(0.0, 1.0 - held - probability)
    values = np.array(current)
    values[row] = probability
    if free_rows.size == 0:
        if remainder > SUM_SLACK:
            raise DivtuiError(
                f"{where}: every other cell of {name} is locked, so it must be {1 - held:.6g}"
            )
    else:
        rest = float(np.sum(current[free_rows]))
        if rest > 0:
            values[free_rows] = current[free_rows] * (remainder / rest)
        else:
            values[free_rows] = remainder / free_rows.size
    return scenario.with_column(column, values.tolist())


def rescale_notice(scenario: Scenario, column: int, row: int) -> str | None:
    """What an edit of a cell did to the others of its column with locks: which cells it
    rescaled and which it kept. None when the column has no locks (every other cell was
    rescaled, as always)."""
    locked = [i for i in locked_rows(scenario, column) if i != row]
    if not locked:
        return None
    value = float(scenario.probabilities(column)[row])
    where = f"{scenario.column_name(column)}({scenario.labels[row]}) = {value:g}"
    free = np.ones(scenario.size, dtype=bool)
    free[locked] = False
    free[row] = False
    rescaled = [int(i) for i in np.flatnonzero(free)]
    kept = f"kept {len(locked):,} locked ({_names(scenario, locked)})"
    if not rescaled:
        return f"Set {where}; {kept}; no other cell to rescale."
    cells = "cell" if len(rescaled) == 1 else "cells"
    names = _names(scenario, rescaled)
    return f"Set {where}; rescaled {len(rescaled):,} unlocked {cells} ({names}); {kept}."
