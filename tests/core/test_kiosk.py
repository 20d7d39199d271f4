"""Kiosk mode's policy: the caps on what a scenario may hold, and when a session ends."""

from __future__ import annotations

import numpy as np
import pytest

from divtui.core.kiosk import KioskPolicy
from divtui.core.presets import preset
from divtui.core.scenario import Scenario


class FakeClock:
    """Seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def uniform(outcomes: int, models: int) -> Scenario:
    return Scenario.build(
        [f"o{i}" for i in range(outcomes)],
        np.ones(outcomes),
        [(f"m{j}", np.ones(outcomes)) for j in range(models)],
    )


def test_a_scenario_within_the_caps_is_allowed() -> None:
    policy = KioskPolicy()
    assert policy.refuse(preset("weather")) is None
    assert policy.refuse(uniform(10_000, 8)) is None


def test_too_many_outcomes_are_refused_with_the_numbers() -> None:
    assert KioskPolicy().refuse(uniform(10_001, 1)) == (
        "10,001 outcomes is more than this demo allows (10,000)"
    )


def test_too_many_models_are_refused_with_the_numbers() -> None:
    assert KioskPolicy(max_models=2).refuse(uniform(3, 3)) == (
        "3 models is more than this demo allows (2)"
    )


def test_the_size_is_clamped_per_dimension() -> None:
    policy = KioskPolicy()
    assert policy.clamp(8000, 8000) == (400, 150)
    assert policy.clamp(120, 8000) == (120, 150)
    assert policy.clamp(80, 24) == (80, 24)


@pytest.mark.parametrize(
    "bad",
    [{"max_outcomes": 0}, {"max_models": 0}, {"max_width": 0}, {"idle_timeout": -1.0}],
)
def test_nonsense_limits_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        KioskPolicy(**bad)  # type: ignore[arg-type]


def test_an_idle_session_ends_after_the_idle_timeout() -> None:
    clock = FakeClock()
    session = KioskPolicy(clock=clock).session()
    clock.now += 14 * 60
    assert session.goodbye() is None
    session.touch()  # a key at 14 minutes
    clock.now += 14 * 60 + 59
    assert session.goodbye() is None
    clock.now += 1
    assert session.goodbye() == (
        "divtui: this demo session has ended after 15 minutes without a key pressed. "
        "Thank you for visiting!"
    )


def test_a_busy_session_ends_at_the_maximum_length() -> None:
    clock = FakeClock()
    session = KioskPolicy(clock=clock).session()
    for _ in range(11):
        clock.now += 10 * 60
        session.touch()
        assert session.goodbye() is None
    clock.now += 10 * 60
    session.touch()
    assert session.goodbye() == (
        "divtui: this demo session has ended after 120 minutes (the longest a session "
        "lasts). Thank you for visiting!"
    )


def test_zero_turns_a_timeout_off() -> None:
    clock = FakeClock()
    session = KioskPolicy(idle_timeout=0, max_session=0, clock=clock).session()
    clock.now += 10**7
    assert session.goodbye() is None
    assert session.seconds_left() == float("inf")


def test_seconds_left_counts_to_the_nearer_end() -> None:
    clock = FakeClock()
    session = KioskPolicy(idle_timeout=60, max_session=100, clock=clock).session()
    clock.now += 50
    assert session.seconds_left() == 10
    session.touch()
    assert session.seconds_left() == 50  # the session's end now comes first
