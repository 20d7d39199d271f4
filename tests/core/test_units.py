"""Units of information: names, bases and conversions."""

from __future__ import annotations

import math

import pytest

from divtui.core.units import Unit


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("nats", Unit.NATS),
        ("nat", Unit.NATS),
        (" NATS ", Unit.NATS),
        ("bits", Unit.BITS),
        ("Bit", Unit.BITS),
        ("hartleys", Unit.HARTLEYS),
        ("hartley", Unit.HARTLEYS),
        ("Hart", Unit.HARTLEYS),
    ],
)
def test_units_are_parsed_by_name_singular_or_symbol(text: str, unit: Unit) -> None:
    assert Unit.parse(text) is unit


@pytest.mark.parametrize("text", ["", "furlongs", "bytes", "log2", "nits"])
def test_an_unknown_unit_is_refused_with_the_choices(text: str) -> None:
    with pytest.raises(ValueError, match=r"unknown unit .*expected one of: nats, bits, hartleys"):
        Unit.parse(text)


@pytest.mark.parametrize(
    ("unit", "base", "symbol"),
    [(Unit.NATS, math.e, "nat"), (Unit.BITS, 2.0, "bit"), (Unit.HARTLEYS, 10.0, "Hart")],
)
def test_each_unit_is_a_base_of_the_logarithm(unit: Unit, base: float, symbol: str) -> None:
    assert unit.base == base
    assert unit.symbol == symbol
    assert unit.per_nat == pytest.approx(1 / math.log(base), rel=1e-16, abs=0)
    assert unit.from_nats(math.log(base)) == pytest.approx(1.0, rel=1e-15, abs=0)


def test_bits_and_hartleys_from_nats() -> None:
    assert Unit.BITS.from_nats(math.log(8)) == pytest.approx(3.0, rel=1e-15, abs=0)
    assert Unit.HARTLEYS.from_nats(math.log(1000)) == pytest.approx(3.0, rel=1e-15, abs=0)
    assert Unit.NATS.from_nats(0.75) == 0.75


def test_next_cycles_through_every_unit() -> None:
    assert Unit.NATS.next() is Unit.BITS
    assert Unit.BITS.next() is Unit.HARTLEYS
    assert Unit.HARTLEYS.next() is Unit.NATS
