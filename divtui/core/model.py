"""A model q: named weights, or logits z with q = softmax(z / T). Immutable; its arrays are
read-only and its probabilities are computed once, when it is made."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from divtui.core.distribution import FloatArray, check_no_control, check_weights, frozen, normalise
from divtui.core.errors import DivtuiError
from divtui.core.logits import (
    ABSENT_LOGIT_GAP,
    check_logits,
    check_temperature,
    log_softmax,
    logits_from_probabilities,
    softmax,
)


@dataclass(frozen=True, eq=False)
class Model:
    """A named model distribution q: weights the user gave, or logits z with q = softmax(z/T)."""

    name: str
    weights: FloatArray
    """The weights as given; for a logits model, softmax(z / T) (derived, kept for reading)."""
    logits: FloatArray | None = None
    """The logits z when the model is given by them, else None."""
    temperature: float = 1.0
    """The softmax temperature T (used with logits)."""
    q: FloatArray = field(init=False, repr=False)
    """The model's probabilities: its weights normalised (softmax for logits)."""
    log_q: FloatArray | None = field(init=False, repr=False)
    """log q as log_softmax(z / T) for a logits model (finite even where q underflows to 0),
    None for a probability model."""

    def __post_init__(self) -> None:
        # Derived once, here: a model is never changed after it is made.
        object.__setattr__(self, "q", normalise(self.weights))
        log_q = None if self.logits is None else frozen(log_softmax(self.logits, self.temperature))
        object.__setattr__(self, "log_q", log_q)

    @classmethod
    def from_logits(cls, name: str, logits: FloatArray, temperature: float = 1.0) -> Model:
        """A model given by logits; its weights are softmax(z / T)."""
        z = frozen(logits)
        return cls(name, frozen(softmax(z, temperature)), z, temperature)

    @property
    def is_logits(self) -> bool:
        """Whether the model is given by logits."""
        return self.logits is not None

    def renamed(self, name: str) -> Model:
        """The same model under another name."""
        return replace(self, name=name)

    def as_logits(self) -> Model:
        """The same q given by logits T·log q (zeros get a logit far below the rest)."""
        if self.logits is not None:
            return self
        return Model.from_logits(
            self.name, logits_from_probabilities(self.q, self.temperature), self.temperature
        )

    def as_probabilities(self) -> Model:
        """The same q given as probabilities softmax(z / T)."""
        if self.logits is None:
            return self
        return Model(self.name, frozen(self.q), None, self.temperature)

    def with_temperature(self, temperature: float) -> Model:
        """The same logits at another temperature (a probability model keeps T for later)."""
        value = check_temperature(temperature, f"{self.name} temperature")
        if self.logits is None:
            return replace(self, temperature=value)
        return Model.from_logits(self.name, self.logits, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model) or self.name != other.name:
            return False
        if (self.logits is None) != (other.logits is None):
            return False
        if self.logits is not None and other.logits is not None:
            return self.temperature == other.temperature and np.array_equal(
                self.logits, other.logits
            )
        return np.array_equal(self.weights, other.weights)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class ModelInput:
    """A model as read from a file: probabilities `q`, or `logits` with a `temperature`."""

    name: object
    q: object = None
    logits: object = None
    temperature: object = 1.0


def check_model(given: ModelInput, name: str, index: int, size: int) -> Model:
    where = f"models[{index}]"
    if given.q is not None and given.logits is not None:
        raise DivtuiError(f"{where} ({name!r}): give q or logits, not both")
    if given.logits is not None:
        logits = check_logits(given.logits, f"{where}.logits")
        temperature = check_temperature(given.temperature, f"{where}.temperature")
        if len(logits) != size:
            raise DivtuiError(
                f"{where}.logits (model {name!r}): {len(logits)} values for {size} labels; "
                "p and every q need one value per label"
            )
        return Model.from_logits(name, logits, temperature)
    if given.q is None:
        raise DivtuiError(f"{where} ({name!r}): missing 'q' (or 'logits')")
    q = check_weights(given.q, f"{where}.q")
    if len(q) != size:
        raise DivtuiError(
            f"{where}.q (model {name!r}): {len(q)} values for {size} labels; "
            "p and every q need one value per label"
        )
    return Model(name, q, None, check_temperature(given.temperature, f"{where}.temperature"))


def with_new_outcome(model: Model) -> Model:
    if model.logits is None:
        return Model(model.name, frozen(np.append(model.weights, 0.0)), None, model.temperature)
    low = float(np.min(model.logits)) - ABSENT_LOGIT_GAP * model.temperature
    return Model.from_logits(model.name, np.append(model.logits, low), model.temperature)


def without_outcome(model: Model, row: int) -> Model:
    if model.logits is None:
        return Model(model.name, frozen(np.delete(model.weights, row)), None, model.temperature)
    return Model.from_logits(model.name, np.delete(model.logits, row), model.temperature)


MAX_NAME_LENGTH = 24
"""Model names longer than this would crowd the table, the measures and the charts."""


def check_model_name(name: object, where: str) -> str:
    """A model name: non-empty text of at most MAX_NAME_LENGTH characters (spaces around it
    dropped)."""
    if not isinstance(name, str) or not name.strip():
        raise DivtuiError(f"{where}: a model needs a non-empty name")
    cleaned = name.strip()
    if len(cleaned) > MAX_NAME_LENGTH:
        raise DivtuiError(
            f"{where}: {cleaned!r} is {len(cleaned)} characters; a model name has at most "
            f"{MAX_NAME_LENGTH}"
        )
    return check_no_control(cleaned, where)
