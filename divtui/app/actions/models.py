"""Handlers that change the models: add, remove, rename, logits, temperature, smoothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.core.distribution import parse_number
from divtui.core.family import moment_fit
from divtui.core.scenario import Model, Scenario

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen

TEMPERATURE_STEP = 1.25
"""`[` divides and `]` multiplies the temperature by this."""
SMOOTHING_STEP = 0.05
"""`{` and `}` change label smoothing by this."""


def add_model(screen: MainScreen) -> None:
    """Add a copy of the selected model, named q2, q3, …"""
    index = screen.cursor.model
    screen.attempt(lambda: screen.scenario.with_model_copy(index))


def remove_model(screen: MainScreen) -> None:
    """Remove the selected model (never the last)."""
    index = screen.cursor.model
    name = screen.scenario.models[index].name
    screen.attempt(lambda: screen.scenario.without_model(index), f"Removed model {name!r}.")


def rename_model(screen: MainScreen) -> None:
    """Ask for a new name for the selected model."""
    index = screen.cursor.model
    old = screen.scenario.models[index].name
    screen.ask(
        f"New name for model {old!r}:",
        old,
        lambda text: screen.scenario.with_model_name(index, text),
    )


def toggle_logits(screen: MainScreen) -> None:
    """Give the selected model by logits (T·log q) or by probabilities (softmax(z/T))."""
    index = screen.cursor.model
    model = screen.scenario.models[index]
    entry = "probabilities" if model.is_logits else "logits"
    screen.attempt(
        lambda: screen.scenario.with_logits_entry(index, not model.is_logits),
        f"{model.name} is now given by {entry}.",
    )


def toggle_family(screen: MainScreen) -> None:
    """Give the selected model as the Gaussian fitted to its q by moments (μ = mean index,
    σ = standard deviation), or a Gaussian model back as plain probabilities."""
    index = screen.cursor.model
    model = screen.scenario.models[index]
    if model.is_family:
        screen.attempt(
            lambda: screen.scenario.with_logits_entry(index, False),
            f"{model.name} is now given by probabilities.",
        )
        return
    mu, sigma = moment_fit(model.q)
    fitted = Model.from_family(model.name, screen.scenario.size, mu, sigma)
    screen.attempt(
        lambda: screen.scenario.with_model(index, fitted),
        f"{model.name} is now a gaussian over the outcome index: μ = {mu:.3g}, σ = {sigma:.3g} "
        "(editing a cell makes it probabilities again).",
    )


def _as_logits(scenario: Scenario, index: int) -> Scenario:
    """A temperature acts on logits: a probability model is given by its logits first."""
    if scenario.models[index].is_logits:
        return scenario
    return scenario.with_logits_entry(index, True)


def temperature(screen: MainScreen, *, up: bool) -> None:
    """Multiply (`]`) or divide (`[`) the selected model's temperature by 1.25."""
    index = screen.cursor.model
    model = screen.scenario.models[index]
    value = model.temperature * (TEMPERATURE_STEP if up else 1 / TEMPERATURE_STEP)
    screen.attempt(
        lambda: _as_logits(screen.scenario, index).with_temperature(index, value),
        f"{model.name}: T = {value:.4g}",
    )


def set_temperature(screen: MainScreen) -> None:
    """Type the selected model's temperature exactly."""
    index = screen.cursor.model
    model = screen.scenario.models[index]

    def make(text: str) -> Scenario:
        value = parse_number(text, f"{model.name} temperature")
        return _as_logits(screen.scenario, index).with_temperature(index, value)

    screen.ask(
        f"Temperature T of {model.name!r} (q = softmax(z / T)):", f"{model.temperature:g}", make
    )


def smoothing(screen: MainScreen, *, up: bool) -> None:
    """Raise (`}`) or lower (`{`) label smoothing by 0.05, within [0, 1]."""
    epsilon = screen.scenario.label_smoothing + (SMOOTHING_STEP if up else -SMOOTHING_STEP)
    epsilon = round(min(max(epsilon, 0.0), 1.0), 12)
    screen.attempt(
        lambda: screen.scenario.with_label_smoothing(epsilon), f"Label smoothing ε = {epsilon:g}"
    )


def set_smoothing(screen: MainScreen) -> None:
    """Type the label smoothing ε exactly."""
    screen.ask(
        "Label smoothing ε in [0, 1] (p' = (1 − ε)·p + ε/K):",
        f"{screen.scenario.label_smoothing:g}",
        lambda text: screen.scenario.with_label_smoothing(parse_number(text, "label smoothing")),
    )
