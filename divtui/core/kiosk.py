"""Kiosk mode's rules, as a value: what a visitor may load and how long a session lasts.

`divtui --kiosk` builds one `KioskPolicy` from its options; the app asks it whether a scenario
is within the caps (`refuse`) and, through a `KioskSession`, whether the visitor has been idle
too long or the session has run too long. Pure: the clock is a function the tests replace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from divtui.core.scenario import MAX_MODELS, Scenario

KIOSK_MAX_OUTCOMES = 10_000
KIOSK_IDLE_MINUTES = 15.0
KIOSK_SESSION_MINUTES = 120.0
KIOSK_MAX_SIZE = (400, 150)
"""The largest terminal a kiosk session draws (columns, rows); a larger one draws at this."""


@dataclass(frozen=True)
class KioskPolicy:
    """The limits of a kiosk session; times in seconds (0 turns a timeout off)."""

    max_outcomes: int = KIOSK_MAX_OUTCOMES
    """A scenario with more outcomes is refused."""
    max_models: int = MAX_MODELS
    """A scenario with more models is refused."""
    idle_timeout: float = KIOSK_IDLE_MINUTES * 60
    """The session ends after this long without a key, a click or a paste."""
    max_session: float = KIOSK_SESSION_MINUTES * 60
    """The session ends this long after it started, whatever the visitor does."""
    max_width: int = KIOSK_MAX_SIZE[0]
    max_height: int = KIOSK_MAX_SIZE[1]
    clock: Callable[[], float] = field(default=time.monotonic, compare=False, repr=False)
    """Seconds from some fixed point (monotonic); tests pass a fake clock."""

    def __post_init__(self) -> None:
        for name in ("max_outcomes", "max_models", "max_width", "max_height"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("idle_timeout", "max_session"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be ≥ 0")

    def refuse(self, scenario: Scenario) -> str | None:
        """Why this scenario is beyond the kiosk's caps, or None when it is within them."""
        if scenario.size > self.max_outcomes:
            return (
                f"{scenario.size:,} outcomes is more than this demo allows ({self.max_outcomes:,})"
            )
        if len(scenario.models) > self.max_models:
            return (
                f"{len(scenario.models)} models is more than this demo allows ({self.max_models})"
            )
        return None

    def clamp(self, width: int, height: int) -> tuple[int, int]:
        """The size a terminal of `width` x `height` is drawn at."""
        return min(width, self.max_width), min(height, self.max_height)

    def session(self) -> KioskSession:
        """A session starting now."""
        return KioskSession(self, self.clock())


class KioskSession:
    """One visitor's session: when it started and when the visitor last did something."""

    def __init__(self, policy: KioskPolicy, started: float) -> None:
        self.policy = policy
        self.started = started
        self.last_activity = started

    def touch(self) -> None:
        """The visitor did something (a key, a click, a paste)."""
        self.last_activity = self.policy.clock()

    def goodbye(self) -> str | None:
        """The line to end the session with, once it is over; None while it goes on."""
        now = self.policy.clock()
        policy = self.policy
        if policy.max_session and now - self.started >= policy.max_session:
            return (
                f"divtui: this demo session has ended after {_minutes(policy.max_session)} "
                "(the longest a session lasts). Thank you for visiting!"
            )
        if policy.idle_timeout and now - self.last_activity >= policy.idle_timeout:
            return (
                f"divtui: this demo session has ended after {_minutes(policy.idle_timeout)} "
                "without a key pressed. Thank you for visiting!"
            )
        return None

    def seconds_left(self) -> float:
        """How long until `goodbye` can first say something (for the next check)."""
        now = self.policy.clock()
        waits = [
            start + limit - now
            for start, limit in (
                (self.started, self.policy.max_session),
                (self.last_activity, self.policy.idle_timeout),
            )
            if limit
        ]
        return max(min(waits), 0.0) if waits else float("inf")


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    if minutes >= 1 and minutes == int(minutes):
        return f"{int(minutes)} minute{'s' if minutes != 1 else ''}"
    if minutes >= 1:
        return f"{minutes:g} minutes"
    return f"{seconds:g} seconds"
