"""The built-in scenarios: present, described, fresh on every call, and saying what they show."""

from __future__ import annotations

import math

import pytest
from helpers import PRESET_NAMES

from divtui.core.errors import DivtuiError
from divtui.core.presets import PRESETS, preset
from divtui.core.scenario import Scenario


def test_the_presets_exist_with_descriptions() -> None:
    assert tuple(PRESETS) == PRESET_NAMES
    for name, entry in PRESETS.items():
        assert entry.name == name
        assert len(entry.description) > 20 and "\n" not in entry.description


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_makes_a_valid_scenario(name: str) -> None:
    scenario = preset(name)
    assert isinstance(scenario, Scenario)
    assert scenario == PRESETS[name].make()
    assert scenario.size >= 2 and scenario.models
    assert all(scenario.is_normalised(c) for c in range(scenario.column_count))


@pytest.mark.parametrize("text", ["Weather", "  weather ", "WEATHER"])
def test_preset_names_are_forgiving(text: str) -> None:
    assert preset(text) == preset("weather")


def test_an_unknown_preset_lists_the_available_ones() -> None:
    with pytest.raises(DivtuiError) as caught:
        preset("sunny")
    assert str(caught.value) == f"unknown preset 'sunny' (available: {', '.join(PRESET_NAMES)})"


def test_the_weather_description_quotes_the_numbers_it_shows() -> None:
    got = preset("weather").measures[0]
    description = PRESETS["weather"].description
    assert f"H(p) = {got.entropy_p:.4f} nats" in description
    assert f"KL = {got.kl:.4f} nats" in description


def test_the_one_hot_softmax_is_a_softmax() -> None:
    q = preset("one-hot").models[0].q
    logits = [1.0, 2.5, 0.3]
    total = sum(math.exp(z) for z in logits)
    for got, z in zip(q, logits, strict=True):
        assert got == pytest.approx(math.exp(z) / total, rel=1e-15, abs=0)


def test_the_support_mismatch_model_rules_out_what_its_description_says() -> None:
    scenario = preset("support-mismatch")
    assert "sleet" in PRESETS["support-mismatch"].description
    assert scenario.models[0].q[scenario.labels.index("sleet")] == 0.0
    assert scenario.p[scenario.labels.index("sleet")] > 0
