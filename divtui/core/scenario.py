"""The scenario: a true distribution p, one or more models q, a unit and a title. Immutable.

Every edit returns a new `Scenario`; nothing changes one in place (its arrays are read-only). A
column is addressed by number: 0 is p, k ≥ 1 is the k-th model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from divtui.core.distribution import (
    FloatArray,
    check_label,
    check_labels,
    check_weight,
    check_weights,
    frozen,
    is_normalised,
    normalise,
)
from divtui.core.errors import DivtuiError
from divtui.core.measures import OutcomeTerms, PairMeasures, compare, outcome_terms
from divtui.core.units import Unit

P_COLUMN = 0
"""The column number of the true distribution p."""

MIN_OUTCOMES = 2
"""Removing outcomes stops here: a distribution over one outcome has nothing to compare."""


@dataclass(frozen=True, eq=False)
class Model:
    """A named model distribution q, kept as the weights the user gave."""

    name: str
    weights: FloatArray

    @cached_property
    def q(self) -> FloatArray:
        """The model's probabilities: its weights normalised."""
        return normalise(self.weights)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Model)
            and self.name == other.name
            and np.array_equal(self.weights, other.weights)
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, eq=False)
class Scenario:
    """p plus named models over one set of labelled outcomes, measured in one unit."""

    labels: tuple[str, ...]
    p_weights: FloatArray
    models: tuple[Model, ...]
    unit: Unit = Unit.NATS
    title: str = "Untitled"
    _checked: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if not self._checked:
            checked = Scenario.build(
                self.labels,
                self.p_weights,
                [(model.name, model.weights) for model in self.models],
                unit=self.unit,
                title=self.title,
            )
            for name in ("labels", "p_weights", "models"):
                object.__setattr__(self, name, getattr(checked, name))
            object.__setattr__(self, "_checked", True)

    @classmethod
    def build(
        cls,
        labels: Sequence[object],
        p: object,
        models: Sequence[tuple[str, object]],
        *,
        unit: Unit = Unit.NATS,
        title: str = "Untitled",
    ) -> Scenario:
        """Validate everything and make a scenario; errors name the column and the index."""
        checked_labels = check_labels(labels, "labels")
        p_weights = check_weights(p, "p")
        if len(p_weights) != len(checked_labels):
            raise DivtuiError(
                f"p: {len(p_weights)} values for {len(checked_labels)} labels; "
                "p and every q need one value per label"
            )
        if not models:
            raise DivtuiError("models: at least one model q is needed")
        checked_models: list[Model] = []
        names: set[str] = set()
        for index, (name, weights) in enumerate(models):
            model_name = check_model_name(name, f"models[{index}].name")
            if model_name in names:
                raise DivtuiError(f"models[{index}].name: duplicate model name {model_name!r}")
            names.add(model_name)
            q = check_weights(weights, f"models[{index}].q")
            if len(q) != len(checked_labels):
                raise DivtuiError(
                    f"models[{index}].q (model {model_name!r}): {len(q)} values for "
                    f"{len(checked_labels)} labels; p and every q need one value per label"
                )
            checked_models.append(Model(model_name, q))
        return cls(
            labels=checked_labels,
            p_weights=p_weights,
            models=tuple(checked_models),
            unit=unit,
            title=title.strip() or "Untitled",
            _checked=True,
        )

    # --- reading ---------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Scenario)
            and self.labels == other.labels
            and np.array_equal(self.p_weights, other.p_weights)
            and self.models == other.models
            and self.unit is other.unit
            and self.title == other.title
        )

    __hash__ = None  # type: ignore[assignment]

    @cached_property
    def p(self) -> FloatArray:
        """The true distribution's probabilities."""
        return normalise(self.p_weights)

    @property
    def size(self) -> int:
        """How many outcomes there are."""
        return len(self.labels)

    @property
    def column_count(self) -> int:
        """p plus one column per model."""
        return 1 + len(self.models)

    def column_name(self, column: int) -> str:
        """`p` or the model's name."""
        return "p" if column == P_COLUMN else self.models[column - 1].name

    def weights(self, column: int) -> FloatArray:
        """The weights of a column as the user gave them."""
        return self.p_weights if column == P_COLUMN else self.models[column - 1].weights

    def probabilities(self, column: int) -> FloatArray:
        """The normalised probabilities of a column."""
        return self.p if column == P_COLUMN else self.models[column - 1].q

    def is_normalised(self, column: int) -> bool:
        """Whether the column's weights already sum to 1."""
        return is_normalised(self.weights(column))

    @cached_property
    def measures(self) -> tuple[PairMeasures, ...]:
        """Every measure of p against each model, in the scenario's unit; computed once."""
        return tuple(compare(self.p, model.q, self.unit) for model in self.models)

    @cached_property
    def terms(self) -> tuple[OutcomeTerms, ...]:
        """The per-outcome terms of p against each model, in the scenario's unit."""
        return tuple(outcome_terms(self.p, model.q, self.unit) for model in self.models)

    # --- editing: each returns a new scenario ----------------------------------------------

    def _with_column(self, column: int, weights: FloatArray) -> Scenario:
        weights = frozen(weights)
        if column == P_COLUMN:
            return replace(self, p_weights=weights)
        models = list(self.models)
        models[column - 1] = Model(models[column - 1].name, weights)
        return replace(self, models=tuple(models))

    def _check_column(self, column: int) -> None:
        if not 0 <= column < self.column_count:
            raise DivtuiError(f"there is no column {column}")

    def _check_row(self, row: int) -> None:
        if not 0 <= row < self.size:
            raise DivtuiError(f"there is no outcome {row}")

    def with_weight(self, column: int, row: int, value: float) -> Scenario:
        """Set one weight as given; the column is normalised when it is read (weights mode)."""
        self._check_column(column)
        self._check_row(row)
        where = f"{self.column_name(column)}({self.labels[row]})"
        weight = check_weight(value, where)
        if weight == float(self.weights(column)[row]):
            return self
        weights = np.array(self.weights(column))
        weights[row] = weight
        if not np.any(weights > 0):
            raise DivtuiError(f"{where}: that would make every weight of the column zero")
        return self._with_column(column, weights)

    def with_probability(self, column: int, row: int, value: float) -> Scenario:
        """Set one probability exactly and rescale the others in proportion to sum to 1.

        When the other entries are all zero they share the remainder evenly.
        """
        self._check_column(column)
        self._check_row(row)
        where = f"{self.column_name(column)}({self.labels[row]})"
        probability = check_weight(value, where)
        if probability > 1:
            raise DivtuiError(f"{where}: {value!r} is more than 1; a probability lies in [0, 1]")
        current = self.probabilities(column)
        if probability == float(current[row]):
            return self  # committing the value shown must not nudge the others by rounding
        others = np.delete(current, row)
        rest = float(np.sum(others))
        remainder = 1.0 - probability
        if rest > 0:
            others = others * (remainder / rest)
        elif not len(others):
            if probability != 1:
                raise DivtuiError(f"{where}: the only outcome has probability 1, not {value!r}")
        else:
            others = np.full(len(others), remainder / len(others))
        return self._with_column(column, np.insert(others, row, probability))

    def normalised(self, column: int) -> Scenario:
        """The column's weights replaced by its probabilities."""
        self._check_column(column)
        return self._with_column(column, np.array(self.probabilities(column)))

    def with_outcome(self, label: str) -> Scenario:
        """A new outcome at the end, with weight 0 in every column."""
        cleaned = check_label(label, "new outcome")
        if cleaned in self.labels:
            raise DivtuiError(f"new outcome: there is already an outcome {cleaned!r}")
        models = tuple(Model(m.name, frozen(np.append(m.weights, 0.0))) for m in self.models)
        return replace(
            self,
            labels=(*self.labels, cleaned),
            p_weights=frozen(np.append(self.p_weights, 0.0)),
            models=models,
        )

    def without_outcome(self, row: int) -> Scenario:
        """The scenario without one outcome (never fewer than two, never an all-zero column)."""
        self._check_row(row)
        if self.size <= MIN_OUTCOMES:
            raise DivtuiError(
                f"cannot remove {self.labels[row]!r}: {MIN_OUTCOMES} outcomes is the least"
            )
        for column in range(self.column_count):
            rest = np.delete(self.weights(column), row)
            if not np.any(rest > 0):
                raise DivtuiError(
                    f"cannot remove {self.labels[row]!r}: it holds all of "
                    f"{self.column_name(column)}'s weight"
                )
        models = tuple(Model(m.name, frozen(np.delete(m.weights, row))) for m in self.models)
        return replace(
            self,
            labels=self.labels[:row] + self.labels[row + 1 :],
            p_weights=frozen(np.delete(self.p_weights, row)),
            models=models,
        )

    def with_label(self, row: int, label: str) -> Scenario:
        """One outcome renamed."""
        self._check_row(row)
        cleaned = check_label(label, f"label of outcome {row + 1}")
        if cleaned == self.labels[row]:
            return self
        if cleaned in self.labels:
            raise DivtuiError(f"there is already an outcome {cleaned!r}")
        labels = list(self.labels)
        labels[row] = cleaned
        return replace(self, labels=tuple(labels))

    def with_unit(self, unit: Unit) -> Scenario:
        """The same scenario measured in another unit."""
        return replace(self, unit=unit)

    def with_title(self, title: str) -> Scenario:
        """The same scenario under another title."""
        return replace(self, title=title.strip() or "Untitled")


def check_model_name(name: object, where: str) -> str:
    """A model name: non-empty text (spaces around it dropped)."""
    if not isinstance(name, str) or not name.strip():
        raise DivtuiError(f"{where}: a model needs a non-empty name")
    return name.strip()
