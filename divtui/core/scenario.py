"""The scenario: a true distribution p, one or more models q, a unit and a title. Immutable.

Every edit returns a new `Scenario`; nothing changes one in place (its arrays are read-only). A
column is addressed by number: 0 is p, k ≥ 1 is the k-th model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from divtui.core.distribution import (
    FloatArray,
    check_label,
    check_labels,
    check_no_control,
    check_weight,
    check_weights,
    frozen,
    is_normalised,
    normalise,
)
from divtui.core.errors import DivtuiError
from divtui.core.logits import (
    check_logits,
    check_smoothing,
    smooth,
)
from divtui.core.measures import OutcomeTerms, PairMeasures, compare, outcome_terms
from divtui.core.model import Model as Model  # re-exported: a scenario's parts
from divtui.core.model import ModelInput as ModelInput
from divtui.core.model import (
    check_model,
    check_model_name,
    with_new_outcome,
    without_outcome,
)
from divtui.core.units import Unit

P_COLUMN = 0
"""The column number of the true distribution p."""

MIN_OUTCOMES = 2
"""Removing outcomes stops here: a distribution over one outcome has nothing to compare."""


MAX_MODELS = 8
"""The most models divtui keeps side by side (they stay readable at 120x40)."""


@dataclass(frozen=True, eq=False)
class Scenario:
    """p plus named models over one set of labelled outcomes, measured in one unit."""

    labels: tuple[str, ...]
    p_weights: FloatArray
    models: tuple[Model, ...]
    unit: Unit = Unit.NATS
    title: str = "Untitled"
    label_smoothing: float = 0.0
    """ε: the measures use p' = (1 − ε)·p + ε/K instead of p."""
    locks: frozenset[tuple[str | None, str]] = frozenset()
    """Locked cells, (model name or None for p, label): edits rescale only the others
    (`divtui.core.locks`). Undone with the rest; never saved to files."""
    p_target: FloatArray = field(init=False, repr=False)
    """The true distribution as given, normalised (what the table edits)."""
    p: FloatArray = field(init=False, repr=False)
    """The distribution the measures use: p_target, label-smoothed when ε > 0."""

    def __post_init__(self) -> None:
        # Made directly (or by dataclasses.replace): check everything, as `build` does. The
        # edits below skip this through `_trusted`, having checked what they change.
        checked = Scenario.build(
            self.labels,
            self.p_weights,
            [m.as_input() for m in self.models],
            unit=self.unit,
            title=self.title,
            label_smoothing=self.label_smoothing,
        )
        for name in ("labels", "p_weights", "models", "title", "label_smoothing"):
            object.__setattr__(self, name, getattr(checked, name))
        self._derive()

    def _derive(self) -> None:
        """Compute the derived arrays, once, when the scenario is made: it never changes."""
        p_target = normalise(self.p_weights)
        object.__setattr__(self, "p_target", p_target)
        object.__setattr__(self, "p", smooth(p_target, self.label_smoothing))

    @classmethod
    def _trusted(cls, **values: object) -> Scenario:
        """A scenario of values checked already (by `build` or an edit), not checked again."""
        scenario = object.__new__(cls)
        for name, value in values.items():
            object.__setattr__(scenario, name, value)
        scenario._derive()
        return scenario

    def _replace(self, **changes: object) -> Scenario:
        """This scenario with some checked fields changed (private: the edits' `replace`)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        return Scenario._trusted(**{**values, **changes})

    @classmethod
    def build(
        cls,
        labels: Sequence[object],
        p: object,
        models: Sequence[tuple[str, object] | ModelInput],
        *,
        unit: Unit = Unit.NATS,
        title: str = "Untitled",
        label_smoothing: object = 0.0,
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
        if len(models) > MAX_MODELS:
            raise DivtuiError(f"models: {len(models)} models; at most {MAX_MODELS} are supported")
        checked_models: list[Model] = []
        names: set[str] = set()
        for index, entry in enumerate(models):
            given = entry if isinstance(entry, ModelInput) else ModelInput(entry[0], entry[1])
            model_name = check_model_name(given.name, f"models[{index}].name")
            if model_name in names:
                raise DivtuiError(f"models[{index}].name: duplicate model name {model_name!r}")
            names.add(model_name)
            checked_models.append(check_model(given, model_name, index, len(checked_labels)))
        return cls._trusted(
            labels=checked_labels,
            p_weights=p_weights,
            models=tuple(checked_models),
            unit=unit,
            title=check_no_control(title.strip(), "title") or "Untitled",
            label_smoothing=check_smoothing(label_smoothing),
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
            and self.label_smoothing == other.label_smoothing
            and self.locks == other.locks
        )

    __hash__ = None  # type: ignore[assignment]

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
        """The normalised probabilities of a column (p as given, before any smoothing)."""
        return self.p_target if column == P_COLUMN else self.models[column - 1].q

    def is_normalised(self, column: int) -> bool:
        """Whether the column's weights already sum to 1."""
        return is_normalised(self.weights(column))

    @property
    def measures(self) -> tuple[PairMeasures, ...]:
        """Every measure of p against each model, in the scenario's unit, computed afresh on
        each call (the app computes them once per change, in `divtui.core.analysis`)."""
        return tuple(compare(self.p, m.q, self.unit, log_q=m.log_q) for m in self.models)

    @property
    def terms(self) -> tuple[OutcomeTerms, ...]:
        """The per-outcome terms of p against each model, computed afresh on each call."""
        return tuple(outcome_terms(self.p, m.q, self.unit, log_q=m.log_q) for m in self.models)

    def kl_term(self, model: int, outcome: int) -> float:
        """p_i log(p_i / q_i) of one outcome against one model, in the scenario's unit: the
        same value as `terms[model].kl[outcome]`, without computing every outcome's term (a
        table shows a few dozen rows of a million)."""
        chosen = self.models[model]
        cell = slice(outcome, outcome + 1)
        log_q = None if chosen.log_q is None else chosen.log_q[cell]
        return float(outcome_terms(self.p[cell], chosen.q[cell], self.unit, log_q=log_q).kl[0])

    # --- editing: each returns a new scenario ----------------------------------------------

    def _with_column(self, column: int, weights: FloatArray) -> Scenario:
        weights = frozen(weights)
        if column == P_COLUMN:
            return self._replace(p_weights=weights)
        old = self.models[column - 1]
        return self._with_model(column - 1, Model(old.name, weights, None, old.temperature))

    def _with_model(self, index: int, model: Model) -> Scenario:
        models = list(self.models)
        models[index] = model
        return self._replace(models=tuple(models))

    def with_model(self, index: int, model: Model) -> Scenario:
        """The scenario with one model replaced by another `Model` (a `Model` is checked when
        it is made; here only its place: its length and its name among the others)."""
        self._check_model_index(index)
        if len(model.weights) != self.size:
            raise DivtuiError(f"{model.name}: {len(model.weights)} values for {self.size} labels")
        if model.name in {m.name for i, m in enumerate(self.models) if i != index}:
            raise DivtuiError(f"there is already a model {model.name!r}")
        return self._with_model(index, model)

    def _check_model_index(self, index: int) -> Model:
        if not 0 <= index < len(self.models):
            raise DivtuiError(f"there is no model {index + 1}")
        return self.models[index]

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
        # The others' sum over two views, and one new column: no copies of a million values
        # beyond the result.
        rest = float(np.sum(current[:row])) + float(np.sum(current[row + 1 :]))
        remainder = 1.0 - probability
        if rest > 0:
            column_values = current * (remainder / rest)
        elif len(current) == 1:
            if probability != 1:
                raise DivtuiError(f"{where}: the only outcome has probability 1, not {value!r}")
            column_values = np.ones(1)
        else:
            column_values = np.full(len(current), remainder / (len(current) - 1))
        column_values[row] = probability
        return self._with_column(column, column_values)

    def normalised(self, column: int) -> Scenario:
        """The column's weights replaced by its probabilities."""
        self._check_column(column)
        return self._with_column(column, np.array(self.probabilities(column)))

    def with_outcome(self, label: str) -> Scenario:
        """A new outcome at the end, with weight 0 in every column."""
        cleaned = check_label(label, "new outcome")
        if cleaned in self.labels:
            raise DivtuiError(f"new outcome: there is already an outcome {cleaned!r}")
        models = tuple(with_new_outcome(m) for m in self.models)
        return self._replace(
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
        models = tuple(without_outcome(m, row) for m in self.models)
        return self._replace(
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
        return self._replace(labels=tuple(labels))

    def with_unit(self, unit: Unit) -> Scenario:
        """The same scenario measured in another unit."""
        return self._replace(unit=unit)

    def with_title(self, title: str) -> Scenario:
        """The same scenario under another title."""
        return self._replace(title=check_no_control(title.strip(), "title") or "Untitled")

    def with_label_smoothing(self, epsilon: float) -> Scenario:
        """The measures use p' = (1 − ε)·p + ε/K."""
        return self._replace(label_smoothing=check_smoothing(epsilon))

    # --- models ----------------------------------------------------------------------------

    def with_logit(self, index: int, row: int, value: float) -> Scenario:
        """Set one logit of a logits model (any finite number)."""
        model = self._check_model_index(index)
        self._check_row(row)
        where = f"{model.name} logit({self.labels[row]})"
        if model.logits is None:
            raise DivtuiError(f"{where}: {model.name} is given by probabilities, not logits")
        if isinstance(value, bool) or not math.isfinite(value):
            raise DivtuiError(f"{where}: {value!r} is not a finite logit")
        if value == float(model.logits[row]):
            return self
        logits = np.array(model.logits)
        logits[row] = value
        return self._with_model(index, Model.from_logits(model.name, logits, model.temperature))

    def with_column(self, column: int, weights: Sequence[float]) -> Scenario:
        """A whole column replaced by new weights (a logits model becomes a probability one)."""
        self._check_column(column)
        checked = check_weights(list(weights), self.column_name(column))
        if len(checked) != self.size:
            raise DivtuiError(
                f"{self.column_name(column)}: {len(checked)} values for {self.size} outcomes"
            )
        return self._with_column(column, checked)

    def with_logits(self, index: int, logits: Sequence[float]) -> Scenario:
        """A model's logits all replaced (it keeps its temperature)."""
        model = self._check_model_index(index)
        checked = check_logits(list(logits), f"{model.name} logits")
        if len(checked) != self.size:
            raise DivtuiError(
                f"{model.name} logits: {len(checked)} values for {self.size} outcomes"
            )
        return self._with_model(index, Model.from_logits(model.name, checked, model.temperature))

    def with_temperature(self, index: int, temperature: float) -> Scenario:
        """A model's softmax temperature T > 0."""
        model = self._check_model_index(index)
        return self._with_model(index, model.with_temperature(temperature))

    def with_logits_entry(self, index: int, logits: bool) -> Scenario:
        """Give a model by logits (T·log q) or by probabilities (softmax(z/T)); q is kept."""
        model = self._check_model_index(index)
        return self._with_model(index, model.as_logits() if logits else model.as_probabilities())

    def with_model_copy(self, index: int, name: str | None = None) -> Scenario:
        """A copy of a model added at the end, named `q2`, `q3`, … unless a name is given."""
        model = self._check_model_index(index)
        if len(self.models) >= MAX_MODELS:
            raise DivtuiError(f"at most {MAX_MODELS} models can be compared side by side")
        taken = {m.name for m in self.models}
        if name is None:
            number = 2
            while f"q{number}" in taken:
                number += 1
            new_name = f"q{number}"
        else:
            new_name = check_model_name(name, "new model")
            if new_name in taken:
                raise DivtuiError(f"there is already a model {new_name!r}")
        return self._replace(models=(*self.models, model.renamed(new_name)))

    def without_model(self, index: int) -> Scenario:
        """The scenario without one model (never the last)."""
        model = self._check_model_index(index)
        if len(self.models) == 1:
            raise DivtuiError(f"cannot remove {model.name!r}: it is the only model")
        return self._replace(models=self.models[:index] + self.models[index + 1 :])

    def with_model_name(self, index: int, name: str) -> Scenario:
        """One model renamed."""
        model = self._check_model_index(index)
        new_name = check_model_name(name, f"name of {model.name!r}")
        if new_name == model.name:
            return self
        if new_name in {m.name for m in self.models}:
            raise DivtuiError(f"there is already a model {new_name!r}")
        return self._with_model(index, model.renamed(new_name))

    @property
    def best_models(self) -> tuple[int, ...]:
        """The models with the lowest finite H(p,q); empty when there is nothing to choose."""
        from divtui.core.analysis import lowest_cross_entropy  # it imports this module

        return lowest_cross_entropy(self.measures)
