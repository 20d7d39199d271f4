"""softmax(z / T) with z / T beyond the float range: huge logits or a tiny temperature.

Found by the app's monkey test: lowering T with `[` again and again (or typing a logit near
1e308) made z / T overflow to inf, and inf − inf turned every probability into NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divtui.core.logits import log_softmax, softmax
from divtui.core.scenario import ModelInput, Scenario

EXTREMES = [
    ([1e308, 0.0, -1.0], 0.5, [1.0, 0.0, 0.0]),
    ([-1e308, 0.0, 0.0], 0.5, [0.0, 0.5, 0.5]),
    ([1e308, -1e308], 1.0, [1.0, 0.0]),
    ([1e200, 0.0], 1e-200, [1.0, 0.0]),
    ([1.0, 0.0, 1.0], 5e-324, [0.5, 0.0, 0.5]),
    ([3.0, 3.0], 1e-300, [0.5, 0.5]),
]


@pytest.mark.filterwarnings("error")  # no overflow or invalid-value warning either
@pytest.mark.parametrize(("logits", "temperature", "expected"), EXTREMES)
def test_softmax_stays_a_distribution(
    logits: list[float], temperature: float, expected: list[float]
) -> None:
    q = softmax(np.array(logits), temperature)
    np.testing.assert_allclose(q, expected, atol=1e-300)
    assert math.isclose(float(np.sum(q)), 1.0, abs_tol=1e-15)
    log_q = log_softmax(np.array(logits), temperature)
    assert not np.any(np.isnan(log_q))
    np.testing.assert_allclose(np.exp(log_q), expected, atol=1e-300)


@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=2, max_size=8),
    st.floats(min_value=5e-324, max_value=1e308),
)
def test_softmax_of_any_finite_logits_at_any_temperature_is_a_distribution(
    logits: list[float], temperature: float
) -> None:
    q = softmax(np.array(logits), temperature)
    assert not np.any(np.isnan(q)) and np.all(q >= 0)
    assert math.isclose(float(np.sum(q)), 1.0, abs_tol=1e-12)
    assert not np.any(np.isnan(log_softmax(np.array(logits), temperature)))


def test_a_scenario_at_a_tiny_temperature_has_no_nan_measure() -> None:
    scenario = Scenario.build(
        ["a", "b", "c"],
        [0.2, 0.3, 0.5],
        [ModelInput("z", logits=[300.0, 0.0, -2.0], temperature=1e-320)],
    )
    assert list(scenario.models[0].q) == [1.0, 0.0, 0.0]
    measures = scenario.measures[0]
    assert math.isinf(measures.kl) and math.isinf(measures.cross_entropy)
    assert not math.isnan(measures.reverse_kl) and not math.isnan(measures.js_divergence)
