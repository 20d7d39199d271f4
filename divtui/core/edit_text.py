"""What the user typed into a cell, or pasted onto a column, turned into the next scenario or
a precise error (the table's boundary: nothing typed reaches a scenario unchecked)."""

from __future__ import annotations

import numpy as np

from divtui.core.distribution import parse_number, parse_weight
from divtui.core.errors import DivtuiError
from divtui.core.locks import locked_rows, with_locked_probability
from divtui.core.outcome_order import IntArray
from divtui.core.scenario import P_COLUMN, Scenario
from divtui.core.spec import parse_column


def apply_cell_text(
    scenario: Scenario, row: int, column: int | None, text: str, weights_mode: bool
) -> Scenario | None:
    """The scenario with one cell set to `text`: a label (`column` None), p or a model's
    probability (or weight, in weights mode), or a logit. None when the outcome or the model
    went away while it was edited. Raises DivtuiError naming the cell when `text` is refused."""
    if not 0 <= row < scenario.size or (column is not None and column >= scenario.column_count):
        return None
    if column is None:
        return scenario.with_label(row, text)
    label = scenario.labels[row]
    name = scenario.column_name(column)
    if column > P_COLUMN and scenario.models[column - 1].is_logits:
        return scenario.with_logit(column - 1, row, parse_number(text, f"{name} logit({label})"))
    value = parse_weight(text, f"{name}({label})")
    if weights_mode and locked_rows(scenario, column):
        raise DivtuiError(
            f"{name}({label}): {name} has locked cells, which a weight would rescale; "
            "edit probabilities (w) instead"
        )
    if weights_mode:
        return scenario.with_weight(column, row, value)
    if locked_rows(scenario, column):
        return with_locked_probability(scenario, column, row, value)
    return scenario.with_probability(column, row, value)


def apply_column_text(
    scenario: Scenario, column: int | None, text: str, order: IntArray | None
) -> tuple[Scenario, str]:
    """The scenario with a whole column replaced by pasted numbers, listed down the rows in
    `order` (display row → outcome; None: outcome order), and the notice to show."""
    if column is None:
        raise DivtuiError("Paste numbers onto p or a model's column, one per outcome.")
    if not 0 <= column < scenario.column_count:  # a model went away on the way
        raise DivtuiError("Paste refused: the column it was pasted on is gone.")
    name = scenario.column_name(column)
    logits = column > P_COLUMN and scenario.models[column - 1].is_logits
    where = f"pasted {name} logits" if logits else f"pasted {name}"
    values = np.asarray(parse_column(text, scenario.size, where, logits=logits))
    if order is not None:
        values[order] = values.copy()
    if logits:
        changed = scenario.with_logits(column - 1, values.tolist())
    else:
        changed = scenario.with_column(column, values.tolist())
    down = ", top to bottom as the rows are shown" if order is not None else ""
    return changed, f"Pasted {scenario.size} values into {name}{down}." + family_left(
        scenario, changed, column
    )


def family_left(before: Scenario, after: Scenario, column: int) -> str:
    """ " It is no longer a gaussian …" when an edit turned a family model into probabilities
    (an edited cell cannot keep q on the family), else ""."""
    if column == P_COLUMN or column >= before.column_count or column >= after.column_count:
        return ""
    was, now = before.models[column - 1], after.models[column - 1]
    if was.is_family and not now.is_family:
        return f" {was.name} is no longer a gaussian: it is given by probabilities now."
    return ""
