"""Ready-made scenarios, each with a one-line description of what it shows."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from divtui.core.errors import DivtuiError
from divtui.core.scenario import Scenario
from divtui.core.units import Unit


@dataclass(frozen=True, slots=True)
class Preset:
    """A named scenario maker with a one-line description."""

    name: str
    description: str
    make: Callable[[], Scenario]


def _softmax(logits: list[float]) -> list[float]:
    z = np.array(logits, dtype=np.float64)
    e = np.exp(z - z.max())
    return [float(x) for x in e / e.sum()]


WEATHER_P = (0.14, 0.37, 0.03, 0.46)
WEATHER_LABELS = ("rain", "snow", "sleet", "hail")


def _weather() -> Scenario:
    return Scenario.build(
        WEATHER_LABELS, WEATHER_P, [("uniform", [0.25] * 4)], unit=Unit.NATS, title="Weather"
    )


def _coin() -> Scenario:
    return Scenario.build(
        ("heads", "tails"), (0.5, 0.5), [("biased", [0.8, 0.2])], title="Fair coin, biased model"
    )


def _one_hot() -> Scenario:
    return Scenario.build(
        ("cat", "dog", "bird"),
        (0.0, 1.0, 0.0),
        [("softmax", _softmax([1.0, 2.5, 0.3]))],
        title="One-hot label vs softmax output",
    )


def _support_mismatch() -> Scenario:
    return Scenario.build(
        WEATHER_LABELS,
        WEATHER_P,
        [("no-sleet", [0.15, 0.40, 0.0, 0.45])],
        title="Support mismatch: the model rules out sleet",
    )


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "weather",
            "The article's example: rain/snow/sleet/hail against a uniform model "
            f"(H(p) = 1.1055 nats, KL = {math.log(4) - 1.1055291211185652:.4f} nats).",
            _weather,
        ),
        Preset("coin", "A fair coin against a model biased 80/20 towards heads.", _coin),
        Preset(
            "one-hot",
            "A hard class label against a softmax output: H(p) = 0 and H(p,q) = −log q(dog).",
            _one_hot,
        ),
        Preset(
            "support-mismatch",
            "The model gives sleet probability 0 while p allows it: KL(p‖q) = ∞.",
            _support_mismatch,
        ),
    )
}


def preset(name: str) -> Scenario:
    """The scenario of the preset `name`."""
    try:
        return PRESETS[name.strip().lower()].make()
    except KeyError:
        names = ", ".join(PRESETS)
        raise DivtuiError(f"unknown preset {name!r} (available: {names})") from None
