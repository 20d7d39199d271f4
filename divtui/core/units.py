"""Units of information: nats, bits and hartleys differ only by the base of the logarithm."""

from __future__ import annotations

import math
from enum import Enum


class Unit(Enum):
    """A unit of information, named by the base of its logarithm."""

    NATS = "nats"
    BITS = "bits"
    HARTLEYS = "hartleys"

    @property
    def base(self) -> float:
        """The base of the logarithm that measures in this unit."""
        return _BASES[self]

    @property
    def per_nat(self) -> float:
        """How many of this unit make one nat: multiply a value in nats by this."""
        return 1.0 / math.log(self.base)

    @property
    def symbol(self) -> str:
        """A short symbol for tables: nat, bit, Hart."""
        return _SYMBOLS[self]

    def from_nats(self, value: float) -> float:
        """Convert a value measured in nats into this unit."""
        return value * self.per_nat

    def next(self) -> Unit:
        """The unit after this one, cycling nats → bits → hartleys → nats."""
        members = list(Unit)
        return members[(members.index(self) + 1) % len(members)]

    @classmethod
    def parse(cls, text: str) -> Unit:
        """The unit named by `text` (case-insensitive; singular forms accepted)."""
        key = text.strip().lower()
        for unit in cls:
            if key in (unit.value, unit.value.rstrip("s"), unit.symbol.lower()):
                return unit
        names = ", ".join(unit.value for unit in cls)
        raise ValueError(f"unknown unit {text!r} (expected one of: {names})")


_BASES = {Unit.NATS: math.e, Unit.BITS: 2.0, Unit.HARTLEYS: 10.0}
_SYMBOLS = {Unit.NATS: "nat", Unit.BITS: "bit", Unit.HARTLEYS: "Hart"}
