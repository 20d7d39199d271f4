"""What `y` copies: a cell, a model's measures, a bar or an outcome's term, written at full
`repr` precision (every digit a float holds), with the words the notification says."""

from __future__ import annotations

from divtui.core.measures import PairMeasures
from divtui.core.scenario import P_COLUMN, Scenario


def cell_copy(
    scenario: Scenario, outcome: int, column: int | None, weights_mode: bool
) -> tuple[str, str]:
    """(text, what it is) for a table cell: the label, the probability (or the weight, in
    weights mode), or a logits model's logit."""
    label = scenario.labels[outcome]
    if column is None:
        return label, f"the label {label!r}"
    name = scenario.column_name(column)
    if column > P_COLUMN and scenario.models[column - 1].logits is not None:
        logits = scenario.models[column - 1].logits
        assert logits is not None
        return repr(float(logits[outcome])), f"{name} logit({label})"
    if weights_mode:
        return repr(float(scenario.weights(column)[outcome])), f"{name} weight({label})"
    return repr(float(scenario.probabilities(column)[outcome])), f"{name}({label})"


def measure_copy(
    scenario: Scenario, index: int, measures: PairMeasures, field: str, label: str
) -> tuple[str, str]:
    """(text, what it is) for one measure of one model: its value at full precision."""
    name = scenario.models[index].name
    value = float(getattr(measures, field))
    return repr(value), f"{name}'s {label} ({scenario.unit.value})"


def bar_copy(scenario: Scenario, index: int, measures: PairMeasures) -> tuple[str, str]:
    """(text, what it is) for a model's decomposition bar: its height H(p,q)."""
    name = scenario.models[index].name
    return repr(measures.cross_entropy), f"{name}'s H(p,q) ({scenario.unit.value})"


def term_copy(scenario: Scenario, index: int, outcome: int) -> tuple[str, str]:
    """(text, what it is) for one outcome's bar of KL terms: p log(p/q)."""
    name, label = scenario.models[index].name, scenario.labels[outcome]
    value = scenario.kl_term(index, outcome)
    return repr(value), f"{name}'s KL term of {label!r} ({scenario.unit.value})"
