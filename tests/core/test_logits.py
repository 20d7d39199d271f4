"""Logits, temperature and label smoothing: against formulas written out independently here.

The PyTorch oracle is its documented formula, not torch itself (torch is never a dependency):
cross_entropy(z, y, label_smoothing=ε) = (1 − ε)·(−log softmax(z)_y) + ε·mean_i(−log softmax(z)_i).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from divtui.core.errors import DivtuiError
from divtui.core.logits import (
    Objective,
    gradient,
    log_softmax,
    logits_from_probabilities,
    smooth,
    softmax,
    train_step,
)
from divtui.core.measures import cross_entropy, kl_divergence
from divtui.core.scenario import ModelInput, Scenario

logit_lists = st.lists(
    st.floats(min_value=-30, max_value=30, allow_nan=False), min_size=2, max_size=12
)


def _mp_softmax(z: list[float], t: float) -> list[mpmath.mpf]:
    with mpmath.workdps(50):
        e = [mpmath.exp(mpmath.mpf(x) / mpmath.mpf(t)) for x in z]
        total = mpmath.fsum(e)
        return [x / total for x in e]


def torch_label_smoothing_loss(z: list[float], y: int, epsilon: float) -> float:
    """PyTorch's documented loss for one example, at 50 digits."""
    with mpmath.workdps(50):
        q = _mp_softmax(z, 1.0)
        nll = [-mpmath.log(x) for x in q]
        return float(
            (1 - mpmath.mpf(epsilon)) * nll[y] + mpmath.mpf(epsilon) * mpmath.fsum(nll) / len(z)
        )


@settings(max_examples=60, deadline=None)
@given(logit_lists, st.floats(min_value=0.05, max_value=20))
def test_softmax_matches_mpmath_at_any_temperature(z: list[float], t: float) -> None:
    expected = [float(x) for x in _mp_softmax(z, t)]
    np.testing.assert_allclose(softmax(np.array(z), t), expected, rtol=1e-12, atol=1e-300)
    assert math.isclose(float(np.sum(softmax(np.array(z), t))), 1.0, rel_tol=1e-12)


def test_softmax_is_stable_for_huge_logits() -> None:
    q = softmax(np.array([1000.0, 999.0, -1000.0]))
    assert np.all(np.isfinite(q)) and q[0] == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-6, abs=0)
    assert np.all(np.isfinite(log_softmax(np.array([1000.0, 999.0, -1000.0]))))


@pytest.mark.parametrize("epsilon", [0.0, 0.05, 0.1, 0.3, 1.0])
@pytest.mark.parametrize("y", [0, 2])
def test_label_smoothing_equals_the_torch_formula(epsilon: float, y: int) -> None:
    z = [1.0, 3.0, 0.2, -0.5]
    one_hot = np.zeros(4)
    one_hot[y] = 1.0
    p_smoothed = smooth(one_hot, epsilon)
    ours = cross_entropy(p_smoothed, softmax(np.array(z)))
    assert ours == pytest.approx(torch_label_smoothing_loss(z, y, epsilon), rel=1e-12, abs=0)


@pytest.mark.parametrize("epsilon", [0.0, 0.1, 0.25])
def test_a_scenario_with_label_smoothing_measures_the_smoothed_target(epsilon: float) -> None:
    z = [0.5, 2.0, -1.0]
    scenario = Scenario.build(
        ["a", "b", "c"], [0, 1, 0], [ModelInput("m", logits=z)], label_smoothing=epsilon
    )
    assert scenario.measures[0].cross_entropy == pytest.approx(
        torch_label_smoothing_loss(z, 1, epsilon), rel=1e-12, abs=0
    )
    np.testing.assert_array_equal(scenario.p_target, [0, 1, 0])  # the table still edits p


def test_the_label_smoothing_preset_is_the_torch_loss() -> None:
    from divtui.core.presets import preset

    scenario = preset("label-smoothing")
    model = scenario.models[0]
    assert model.logits is not None and scenario.label_smoothing == 0.1
    y = int(np.argmax(scenario.p_target))
    expected = torch_label_smoothing_loss([float(v) for v in model.logits], y, 0.1)
    assert scenario.measures[0].cross_entropy == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize("t", [0.25, 1.0, 4.0])
def test_logits_round_trip_through_probabilities(t: float) -> None:
    q = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(softmax(logits_from_probabilities(q, t), t), q, rtol=1e-13)


def test_a_model_switches_between_logits_and_probabilities_keeping_q() -> None:
    scenario = Scenario.build(["a", "b", "c"], [1, 1, 1], [("m", [0.2, 0.3, 0.5])])
    as_logits = scenario.with_logits_entry(0, True)
    assert as_logits.models[0].is_logits
    np.testing.assert_allclose(as_logits.models[0].q, scenario.models[0].q, rtol=1e-13)
    back = as_logits.with_logits_entry(0, False)
    assert not back.models[0].is_logits
    np.testing.assert_allclose(back.models[0].q, scenario.models[0].q, rtol=1e-13)


def test_temperature_reshapes_q_exactly_as_softmax_of_z_over_t() -> None:
    scenario = Scenario.build(["a", "b", "c"], [1, 1, 1], [ModelInput("m", logits=[2.0, 1.0, 0.0])])
    hot = scenario.with_temperature(0, 5.0)
    expected = [float(x) for x in _mp_softmax([2.0, 1.0, 0.0], 5.0)]
    np.testing.assert_allclose(hot.models[0].q, expected, rtol=1e-13)
    with pytest.raises(DivtuiError, match="must be a finite number > 0"):
        scenario.with_temperature(0, 0.0)
    with pytest.raises(DivtuiError, match="not a finite logit"):
        scenario.with_logit(0, 1, math.inf)


def test_a_new_outcome_gets_a_vanishing_probability_under_logits() -> None:
    scenario = Scenario.build(["a", "b"], [1, 1], [ModelInput("m", logits=[0.0, 1.0])])
    grown = scenario.with_outcome("c")
    assert grown.models[0].logits is not None and len(grown.models[0].logits) == 3
    assert 0 < grown.models[0].q[2] < 1e-20


@pytest.mark.parametrize("objective", list(Objective))
@pytest.mark.parametrize("t", [1.0, 2.5])
def test_the_gradient_matches_finite_differences(objective: Objective, t: float) -> None:
    p = np.array([0.1, 0.5, 0.15, 0.25])
    z = np.array([0.3, -0.2, 1.1, 0.0])

    def loss(zz: np.ndarray) -> float:
        q = softmax(zz, t)
        if objective is Objective.CROSS_ENTROPY:
            return cross_entropy(p, q)
        return kl_divergence(q, p)

    h = 1e-6
    numeric = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(len(z))])
    np.testing.assert_allclose(gradient(z, p, t, objective), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("objective", list(Objective))
def test_gradient_descent_drives_q_to_p(objective: Objective) -> None:
    p = np.array([0.1, 0.5, 0.15, 0.25])
    z = np.zeros(4)
    for _ in range(3000):
        z = train_step(z, p, 1.0, 1.0, objective)
    assert kl_divergence(p, softmax(z)) < 1e-8


@pytest.mark.parametrize(
    ("logits", "temperature"),
    [([-800.0, 0.0, 5.0], 1.0), ([1.0, 3.0, 0.2, -0.5], 0.001), ([0.0, 2000.0], 1.0)],
)
def test_an_underflowing_softmax_still_gives_the_finite_cross_entropy(
    logits: list[float], temperature: float
) -> None:
    """softmax(z/T) may round to exactly 0; -log q is then log-sum-exp, large but finite."""
    k = len(logits)
    p = [1.0 / k] * k
    scenario = Scenario.build(
        [str(i) for i in range(k)], p, [ModelInput("m", logits=logits, temperature=temperature)]
    )
    with mpmath.workdps(60):
        z = [mpmath.mpf(x) / mpmath.mpf(temperature) for x in logits]
        top = max(z)
        lse = top + mpmath.log(mpmath.fsum(mpmath.exp(x - top) for x in z))
        expected = float(
            mpmath.fsum(mpmath.mpf(pi) * (lse - zi) for pi, zi in zip(p, z, strict=True))
        )
    measures = scenario.measures[0]
    assert math.isfinite(measures.cross_entropy) and measures.support_mismatch == ()
    assert measures.cross_entropy == pytest.approx(expected, rel=1e-12, abs=0)
    assert measures.kl == pytest.approx(expected - measures.entropy_p, rel=1e-12, abs=0)
    terms = scenario.terms[0]
    assert float(np.sum(terms.cross_entropy)) == pytest.approx(expected, rel=1e-12, abs=0)
