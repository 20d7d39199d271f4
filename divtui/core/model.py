"""A model q: named weights, or logits z with q = softmax(z / T). Immutable; its arrays are
read-only and its probabilities are computed once, when it is made."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from divtui.core.distribution import FloatArray, check_no_control, check_weights, frozen, normalise
from divtui.core.errors import DivtuiError
from divtui.core.family import check_family, check_mu, check_sigma, gaussian_log_q
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
    family: str | None = None
    """"gaussian" for a model of the discretised Gaussian family (`divtui.core.family`), whose
    weights are then derived from `mu` and `sigma`; None otherwise."""
    mu: float = 0.0
    """The family's μ: a position among the outcomes, by index 0 … n−1."""
    sigma: float = 1.0
    """The family's σ > 0: a width in outcomes."""
    log_q: FloatArray | None = field(init=False, repr=False)
    """log q as log_softmax(z / T) for a logits model, or log_softmax(−(i − μ)²/2σ²) for a
    family model (finite even where q underflows to 0), None for a probability model."""

    def __post_init__(self) -> None:
        # Derived once, here: a model is never changed after it is made.
        if self.family is not None:
            log_q = frozen(gaussian_log_q(len(self.weights), self.mu, self.sigma))
            object.__setattr__(self, "weights", frozen(np.exp(log_q)))
        elif self.logits is not None:
            log_q = frozen(log_softmax(self.logits, self.temperature))
        else:
            log_q = None
        object.__setattr__(self, "q", normalise(self.weights))
        object.__setattr__(self, "log_q", log_q)

    @classmethod
    def from_family(cls, name: str, size: int, mu: float, sigma: float) -> Model:
        """A model of the discretised Gaussian family over `size` ordered outcomes."""
        return cls(name, frozen(np.zeros(size)), None, 1.0, "gaussian", mu, sigma)

    @property
    def is_probabilities(self) -> bool:
        """Whether the model is given by its weights (neither logits nor a family)."""
        return self.logits is None and self.family is None

    @property
    def is_family(self) -> bool:
        """Whether the model is a member of a family (given by μ and σ)."""
        return self.family is not None

    def as_input(self) -> ModelInput:
        """The model as a file would give it (what `Scenario` checks again)."""
        if self.family is not None:
            return ModelInput(self.name, family=self.family, mu=self.mu, sigma=self.sigma)
        if self.logits is not None:
            return ModelInput(self.name, None, self.logits, self.temperature)
        return ModelInput(self.name, self.weights, None, self.temperature)

    def with_size(self, size: int) -> Model:
        """A family model over another number of outcomes (the same μ and σ)."""
        return Model.from_family(self.name, size, self.mu, self.sigma)

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
        """The same q given as probabilities (softmax(z / T), or the family's q)."""
        if self.logits is None and self.family is None:
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
        if (self.logits is None) != (other.logits is None) or self.family != other.family:
            return False
        if self.family is not None:
            return (self.mu, self.sigma, len(self.q)) == (other.mu, other.sigma, len(other.q))
        if self.logits is not None and other.logits is not None:
            return self.temperature == other.temperature and np.array_equal(
                self.logits, other.logits
            )
        return np.array_equal(self.weights, other.weights)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class ModelInput:
    """A model as read from a file: probabilities `q`, `logits` with a `temperature`, or a
    `family` ("gaussian") with `mu` and `sigma`."""

    name: object
    q: object = None
    logits: object = None
    temperature: object = 1.0
    family: object = None
    mu: object = None
    sigma: object = None


def check_model(given: ModelInput, name: str, index: int, size: int) -> Model:
    where = f"models[{index}]"
    if given.family is not None:
        return _check_family_model(given, name, where, size)
    for key in ("mu", "sigma"):
        if getattr(given, key) is not None:
            raise DivtuiError(f"{where}.{key} ({name!r}): only a family model has {key}")
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


def _check_family_model(given: ModelInput, name: str, where: str, size: int) -> Model:
    check_family(given.family, f"{where}.family ({name!r})")
    for key in ("q", "logits"):
        if getattr(given, key) is not None:
            raise DivtuiError(
                f"{where}.{key} ({name!r}): a gaussian model is given by mu and sigma, not {key}"
            )
    if given.temperature != 1.0:
        raise DivtuiError(f"{where}.temperature ({name!r}): a gaussian model has no temperature")
    for key in ("mu", "sigma"):
        if getattr(given, key) is None:
            raise DivtuiError(f"{where} ({name!r}): missing {key!r} (a gaussian needs mu, sigma)")
    mu = check_mu(given.mu, f"{where}.mu ({name!r})")
    sigma = check_sigma(given.sigma, f"{where}.sigma ({name!r})")
    return Model.from_family(name, size, mu, sigma)


def with_new_outcome(model: Model) -> Model:
    if model.family is not None:
        return model.with_size(len(model.weights) + 1)
    if model.logits is None:
        return Model(model.name, frozen(np.append(model.weights, 0.0)), None, model.temperature)
    low = float(np.min(model.logits)) - ABSENT_LOGIT_GAP * model.temperature
    return Model.from_logits(model.name, np.append(model.logits, low), model.temperature)


def without_outcome(model: Model, row: int) -> Model:
    if model.family is not None:
        return model.with_size(len(model.weights) - 1)
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
