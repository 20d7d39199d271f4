"""Pasted columns: one number per outcome, or a precise refusal."""

from __future__ import annotations

import pytest

from divtui.core.errors import DivtuiError
from divtui.core.spec import parse_column


@pytest.mark.parametrize("text", ["0.1 0.2 0.7", "0.1,0.2,0.7", "0.1;0.2;0.7", "0.1\t0.2\n0.7\n"])
def test_separators(text: str) -> None:
    assert parse_column(text, 3, "pasted p") == (0.1, 0.2, 0.7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.1 0.2", "pasted p: got 2 values for 3 outcomes"),
        ("0.1 x 0.7", "pasted p, value 2: 'x' is not a number"),
        ("0.1 -0.2 0.7", "pasted p, value 2: -0.2 is negative"),
        ("0.1 nan 0.7", "pasted p, value 2: NaN"),
        ("0 0 0", "pasted p: all weights are zero"),
        ("", "pasted p: got 0 values for 3 outcomes"),
    ],
)
def test_refusals_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(DivtuiError) as caught:
        parse_column(text, 3, "pasted p")
    assert message in str(caught.value)


def test_logits_may_be_negative_but_must_be_finite() -> None:
    assert parse_column("-1 0 2.5", 3, "z", logits=True) == (-1.0, 0.0, 2.5)
    with pytest.raises(DivtuiError, match="not finite"):
        parse_column("-1 inf 2", 3, "z", logits=True)
