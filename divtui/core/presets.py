"""Ready-made scenarios, each with a one-line description of what it shows."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from divtui.core.errors import DivtuiError
from divtui.core.logits import softmax
from divtui.core.scenario import ModelInput, Scenario
from divtui.core.units import Unit


@dataclass(frozen=True, slots=True)
class Preset:
    """A named scenario maker with a one-line description."""

    name: str
    description: str
    make: Callable[[], Scenario]


def _softmax(logits: list[float]) -> list[float]:
    return [float(x) for x in softmax(np.array(logits, dtype=np.float64))]


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


def _label_smoothing() -> Scenario:
    return Scenario.build(
        ("cat", "dog", "bird", "fish"),
        (0.0, 1.0, 0.0, 0.0),
        [ModelInput("classifier", logits=[1.0, 3.0, 0.2, -0.5])],
        title="Label smoothing: a one-hot target smoothed by ε = 0.1",
        label_smoothing=0.1,
    )


NEAR_MISS_NUDGE = (1e-4, -1e-4, 5e-5, -5e-5)


def _near_miss() -> Scenario:
    q = [p + d for p, d in zip(WEATHER_P, NEAR_MISS_NUDGE, strict=True)]
    return Scenario.build(
        WEATHER_LABELS, WEATHER_P, [("near", q)], title="Near miss: q within 1e-4 of p"
    )


DISTILLATION_TEMPERATURE = 4.0
TEACHER_LOGITS = (6.0, 2.5, 1.0, -1.0, 0.5)


def _distillation() -> Scenario:
    labels = ("truck", "car", "bus", "bike", "van")
    teacher = softmax(np.array(TEACHER_LOGITS), DISTILLATION_TEMPERATURE)
    student = [4.0, 3.5, 0.0, 0.0, 1.0]
    return Scenario.build(
        labels,
        [float(x) for x in teacher],
        [
            ModelInput("student T=4", logits=student, temperature=DISTILLATION_TEMPERATURE),
            ModelInput("student T=1", logits=student, temperature=1.0),
        ],
        title="Distillation: teacher soft labels at T = 4 against a student's logits",
    )


MODE_SEEKING_SIZE = 14
MODE_SEEKING_PEAKS = ((4.0, 0.6), (11.0, 0.4))
"""Where p's two peaks are (outcome index) and how much of p each holds."""
MODE_SEEKING_FLOOR = 1e-4
"""The tiny weight p keeps everywhere: KL(q‖p) is ∞ for a Gaussian q wherever p is 0."""
MODE_SEEKING_START = (6.5, 1.5)
"""Both fits start at the Gaussian μ = 6.5 (the middle of the outcomes), σ = 1.5."""


def mode_seeking_p() -> list[float]:
    """Two unit-width peaks over 14 ordered outcomes, 0.6 and 0.4 of p, with a floor of 1e-4."""
    i = np.arange(MODE_SEEKING_SIZE, dtype=np.float64)
    weights = np.full(MODE_SEEKING_SIZE, MODE_SEEKING_FLOOR)
    for centre, mass in MODE_SEEKING_PEAKS:
        weights += mass * np.exp(-((i - centre) ** 2) / 2.0)
    return [float(w) for w in weights / np.sum(weights)]


def _mode_seeking() -> Scenario:
    labels = tuple(f"x{i:02d}" for i in range(MODE_SEEKING_SIZE))
    mu, sigma = MODE_SEEKING_START
    return Scenario.build(
        labels,
        mode_seeking_p(),
        [
            ModelInput("forward", family="gaussian", mu=mu, sigma=sigma),
            ModelInput("reverse", family="gaussian", mu=mu, sigma=sigma),
        ],
        title="Mode seeking: K fits 'forward' by KL(p‖q), 'reverse' by KL(q‖p)",
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
        Preset(
            "label-smoothing",
            "A one-hot target smoothed by ε = 0.1 against a classifier's logits "
            "(the loss of PyTorch's cross_entropy with label_smoothing=0.1).",
            _label_smoothing,
        ),
        Preset(
            "near-miss",
            "q within 1e-4 of p: a tiny KL, computed exactly (H(p,q) − H(p) would lose it).",
            _near_miss,
        ),
        Preset(
            "distillation",
            "Knowledge distillation: a teacher's soft labels at T = 4 against a student's "
            "logits at T = 4 and at T = 1.",
            _distillation,
        ),
        Preset(
            "mode-seeking",
            "Two Gaussians on a two-peaked p; K fits both. Forward KL(p‖q) is zero-avoiding: "
            "q must cover every outcome p has, so it widens over both peaks. Reverse KL(q‖p) "
            "is zero-forcing: q keeps away from where p is small, so it picks one peak.",
            _mode_seeking,
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
