"""Training runs: gradient descent on a model's logits, towards H(p) or towards KL(q‖p) = 0."""

from __future__ import annotations

import math

import numpy as np
import pytest

from divtui.core.errors import DivtuiError
from divtui.core.logits import Objective, softmax, train_step
from divtui.core.measures import compare, cross_entropy, entropy, kl_divergence
from divtui.core.presets import preset
from divtui.core.scenario import Scenario
from divtui.core.training import (
    CONVERGED_NATS,
    DEFAULT_LEARNING_RATE,
    MAX_LEARNING_RATE,
    STALL_WINDOW,
    TrainingRun,
    suggested_learning_rate,
)
from divtui.core.units import Unit

CE = Objective.CROSS_ENTROPY
REVERSE = Objective.REVERSE_KL

MODE_PEAKS = (1, 5)
"""The two outcomes (b and f) that hold 0.45 each in `two_peaks`."""


def two_peaks() -> Scenario:
    """A two-peaked p against free probability models (what the mode-seeking preset was before
    it took Gaussian models): with free logits both objectives end at q = p."""
    return Scenario.build(
        ("a", "b", "c", "d", "e", "f", "g"),
        (0.02, 0.45, 0.02, 0.02, 0.02, 0.45, 0.02),
        [
            ("one-peak", [0.02, 0.90, 0.02, 0.01, 0.01, 0.02, 0.02]),
            ("between", [0.05, 0.15, 0.20, 0.20, 0.20, 0.15, 0.05]),
        ],
    )


def run_until_done(run: TrainingRun, most: int, chunk: int = 25) -> TrainingRun:
    """Step `run` in chunks, as the app's timer does, until it converges or `most` steps."""
    while run.steps < most and not run.converged:
        run = run.step(min(chunk, most - run.steps))
    return run


# --- starting ---------------------------------------------------------------------------------


def test_start_turns_the_model_into_logits_and_keeps_q() -> None:
    scenario = preset("weather")
    assert not scenario.models[0].is_logits
    run = TrainingRun.start(scenario, 0)
    assert run.before is scenario, "undo returns to the scenario as it was"
    assert run.model.is_logits
    np.testing.assert_allclose(run.model.q, scenario.models[0].q, rtol=1e-12)
    assert run.scenario.unit is scenario.unit and run.scenario.labels == scenario.labels
    assert run.steps == 0 and len(run.history) == 1
    assert run.history[0] == pytest.approx(math.log(4), rel=1e-12, abs=0)
    assert run.floor == pytest.approx(entropy(scenario.p), rel=1e-12, abs=0)
    assert run.gap == pytest.approx(
        kl_divergence(scenario.p, scenario.models[0].q), rel=1e-12, abs=0
    )
    assert not run.converged and not run.stalled


def test_start_keeps_a_logits_model_and_its_scenario_as_they_are() -> None:
    scenario = preset("label-smoothing")
    run = TrainingRun.start(scenario, 0)
    assert run.scenario is scenario, "no edit, so no spurious undo step"
    assert run.model is scenario.models[0]


def test_start_keeps_the_other_models_and_trains_only_the_chosen_one() -> None:
    scenario = two_peaks()
    run = TrainingRun.start(scenario, 1).step(5)
    assert run.scenario.models[0] is scenario.models[0]
    assert run.scenario.models[1].name == "between"
    assert not np.allclose(run.scenario.models[1].q, scenario.models[1].q)


def test_the_default_learning_rate_scales_with_the_temperature_squared() -> None:
    scenario = preset("distillation")
    assert TrainingRun.start(scenario, 0).learning_rate == DEFAULT_LEARNING_RATE * 16
    assert TrainingRun.start(scenario, 1).learning_rate == DEFAULT_LEARNING_RATE
    assert suggested_learning_rate(0.5) == DEFAULT_LEARNING_RATE * 0.25
    assert TrainingRun.start(scenario, 1, CE, 0.3).learning_rate == 0.3


@pytest.mark.parametrize(
    ("index", "message"),
    [(1, "there is no model 2 to train"), (-1, "there is no model 0"), (True, "not a whole")],
)
def test_start_refuses_a_model_that_is_not_there(index: int, message: str) -> None:
    with pytest.raises(DivtuiError, match=message):
        TrainingRun.start(preset("weather"), index)


@pytest.mark.parametrize("rate", [0.0, -1.0, math.nan, math.inf, MAX_LEARNING_RATE * 2, "1"])
def test_bad_learning_rates_are_refused_with_a_reason(rate: object) -> None:
    with pytest.raises(DivtuiError, match="learning rate"):
        TrainingRun.start(preset("weather"), 0, CE, rate)  # type: ignore[arg-type]
    run = TrainingRun.start(preset("weather"), 0)
    with pytest.raises(DivtuiError, match="learning rate"):
        run.with_learning_rate(rate)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [-1, 1.5, True])
def test_step_refuses_a_count_that_is_not_a_whole_number(n: object) -> None:
    with pytest.raises(DivtuiError, match="steps"):
        TrainingRun.start(preset("weather"), 0).step(n)  # type: ignore[arg-type]


# --- cross-entropy ----------------------------------------------------------------------------


def test_cross_entropy_from_the_weather_preset_converges_in_bounded_steps() -> None:
    run = run_until_done(TrainingRun.start(preset("weather"), 0), most=500)
    assert run.converged
    assert run.steps <= 200
    assert run.gap_nats < CONVERGED_NATS
    assert kl_divergence(run.scenario.p, run.model.q) < CONVERGED_NATS
    np.testing.assert_allclose(run.model.q, run.scenario.p, atol=1e-3)
    assert run.history[-1] == pytest.approx(run.floor, abs=2e-6)


def test_cross_entropy_falls_monotonically_to_h_p_at_a_small_learning_rate() -> None:
    scenario = preset("weather")
    run = TrainingRun.start(scenario, 0, CE, 0.1).step(300)
    history = np.array(run.history)
    assert np.all(np.diff(history) <= 0), "H(p,q) never goes up"
    assert np.all(history >= run.floor - 1e-12), "nor below its floor H(p)"
    assert history[-1] - run.floor < 0.01 * (history[0] - run.floor)
    assert run.history[-1] == pytest.approx(
        cross_entropy(scenario.p, run.model.q), rel=1e-12, abs=0
    )


def test_step_is_train_step_on_the_logits_at_the_model_temperature() -> None:
    scenario = preset("distillation")
    run = TrainingRun.start(scenario, 0, CE, 2.0).step(3)
    z = np.asarray(scenario.models[0].logits)
    for _ in range(3):
        z = train_step(z, scenario.p, 2.0, 4.0, CE)
    np.testing.assert_array_equal(run.model.logits, z)
    assert run.model.temperature == 4.0
    np.testing.assert_allclose(run.model.q, softmax(z, 4.0), rtol=1e-15)


def test_history_and_steps_count_every_step_taken() -> None:
    run = TrainingRun.start(preset("weather"), 0, CE, 0.1)
    assert run.step(0) is run
    first = run.step()
    assert first.steps == 1 and len(first.history) == 2
    later = first.step(7).step(2)
    assert later.steps == 10 and len(later.history) == 11 == len(later.history_nats)
    assert later.history[:2] == first.history, "earlier values are kept"
    assert run.steps == 0, "a run never changes: step returns a new one"


def test_stepping_stops_at_convergence_and_a_converged_run_stays_put() -> None:
    run = TrainingRun.start(preset("coin"), 0).step(1000)
    assert run.converged and run.steps < 1000
    assert run.step(5) is run


def test_label_smoothing_trains_towards_the_smoothed_target() -> None:
    scenario = preset("label-smoothing")
    smoothed = np.array([0.025, 0.925, 0.025, 0.025])
    np.testing.assert_allclose(scenario.p, smoothed)
    run = run_until_done(TrainingRun.start(scenario, 0), most=1000)
    assert run.converged
    np.testing.assert_allclose(run.model.q, smoothed, atol=2e-3)
    assert run.floor == pytest.approx(entropy(smoothed), rel=1e-12, abs=0)
    assert run.model.q[1] < 0.93, "not the one-hot label, which would need infinite logits"


def test_history_is_shown_in_the_scenario_unit_and_convergence_is_judged_in_nats() -> None:
    run = TrainingRun.start(preset("weather").with_unit(Unit.BITS), 0).step(40)
    assert run.unit is Unit.BITS
    np.testing.assert_allclose(run.history, np.array(run.history_nats) / math.log(2))
    assert run.floor == pytest.approx(entropy(run.scenario.p, Unit.BITS), rel=1e-6, abs=0)
    assert run.gap == pytest.approx(run.gap_nats / math.log(2), rel=1e-6, abs=0)
    in_nats = run.with_unit(Unit.NATS)
    assert in_nats.history == pytest.approx(run.history_nats, rel=1e-6, abs=0)
    assert in_nats.before is run.before and in_nats.steps == run.steps


def test_the_gap_matches_what_the_metrics_show() -> None:
    for objective in Objective:
        run = TrainingRun.start(preset("weather"), 0, objective).step(30)
        measures = compare(run.scenario.p, run.model.q)
        expected = measures.kl if objective is CE else measures.reverse_kl
        assert run.gap == pytest.approx(expected, rel=1e-9, abs=0)


# --- reverse KL -------------------------------------------------------------------------------


def test_reverse_kl_falls_and_holds_on_to_its_peak_longer_than_cross_entropy() -> None:
    """Mode seeking: KL(q‖p) barely rewards mass where q is small, so q stays on its one peak
    while cross-entropy has already spread it over both. With every q a softmax can give, the
    only minimum of KL(q‖p) is still q = p, so both runs end there."""
    scenario = two_peaks()
    reverse = TrainingRun.start(scenario, 0, REVERSE).step(10)
    forward = TrainingRun.start(scenario, 0, CE).step(10)
    assert np.all(np.diff(reverse.history) < 0), "KL(q‖p) falls at every step"
    b, f = MODE_PEAKS
    assert reverse.model.q[b] > 0.6 > 3 * reverse.model.q[f]
    assert forward.model.q[b] < 0.45 < forward.model.q[f] + 0.05, "CE has split the mass"
    done = run_until_done(reverse, most=1000)
    assert done.converged
    np.testing.assert_allclose(done.model.q, scenario.p, atol=2e-3)


def test_reverse_kl_settles_on_one_mode_when_q_has_all_but_lost_the_other() -> None:
    """With q(f) = 1e-9 the reverse-KL gradient at f is about 1e-9 · 21: q settles on b, the mode
    it has, at p restricted to the other outcomes (q(b) = 0.45 / 0.55), and the run stalls."""
    scenario = two_peaks().with_probability(1, MODE_PEAKS[1], 1e-9)
    run = TrainingRun.start(scenario, 0, REVERSE)
    run = run.step(600)
    b, f = MODE_PEAKS
    assert np.all(np.diff(run.history) <= 0)
    assert run.model.q[b] == pytest.approx(0.45 / 0.55, rel=1e-4, abs=0)
    assert run.model.q[f] < 1e-8
    assert run.gap == pytest.approx(-math.log(0.55), rel=1e-4, abs=0), "KL(q‖p) = log 1/(1 − p(f))"
    assert run.stalled and not run.converged
    forward = run_until_done(TrainingRun.start(scenario, 0, CE), most=2000)
    assert forward.converged, "cross-entropy pays −p(f) log q(f) and brings f back"


def test_reverse_kl_with_zeros_in_p_never_gives_nan_and_empties_those_outcomes() -> None:
    scenario = preset("one-hot")
    run = TrainingRun.start(scenario, 0, REVERSE)
    assert run.history == (math.inf,), "KL(q‖p) is infinite while q(cat), q(bird) > 0"
    run = run.step(20)
    logits = np.asarray(run.model.logits)
    assert np.all(np.isfinite(logits))
    assert np.all(np.isfinite(run.model.q))
    np.testing.assert_array_equal(run.model.q, [0.0, 1.0, 0.0])
    assert run.converged and run.gap == 0.0 and run.steps == 1
    assert not any(math.isnan(v) for v in run.history)


def test_reverse_kl_with_some_zeros_in_p_converges_on_the_support() -> None:
    scenario = Scenario.build(("a", "b", "c"), (0.3, 0.7, 0.0), [("q", [0.2, 0.2, 0.6])])
    run = run_until_done(TrainingRun.start(scenario, 0, REVERSE), most=2000)
    assert run.converged
    assert run.model.q[2] == 0.0
    np.testing.assert_allclose(run.model.q, [0.3, 0.7, 0.0], atol=1e-3)


def test_cross_entropy_with_zeros_in_p_stays_finite_and_keeps_falling() -> None:
    run = TrainingRun.start(preset("one-hot"), 0).step(500)
    assert run.model.logits is not None and np.all(np.isfinite(run.model.logits))
    assert np.all(np.diff(run.history) < 0)
    assert not run.converged and not run.stalled, "H(p) = 0 needs infinite logits: slow, not stuck"


# --- changing a run ---------------------------------------------------------------------------


def test_with_learning_rate_keeps_the_history() -> None:
    run = TrainingRun.start(preset("weather"), 0).step(5)
    faster = run.with_learning_rate(2.0)
    assert faster.learning_rate == 2.0
    assert faster.history == run.history and faster.scenario is run.scenario
    assert faster.step(3).steps == 8


def test_with_objective_restarts_the_history_from_the_current_model() -> None:
    run = TrainingRun.start(preset("weather"), 0).step(5)
    assert run.with_objective(CE) is run
    reverse = run.with_objective(REVERSE)
    assert reverse.objective is REVERSE and reverse.steps == 0
    assert reverse.scenario is run.scenario and reverse.before is run.before
    assert len(reverse.history) == 1
    assert reverse.history[0] == pytest.approx(
        kl_divergence(run.model.q, run.scenario.p), rel=1e-6, abs=0
    )
    assert reverse.floor == 0.0
    assert reverse.step(4).steps == 4


def test_stalled_needs_a_full_window_of_steps() -> None:
    run = TrainingRun.start(preset("support-mismatch"), 0, REVERSE)
    assert not run.step(STALL_WINDOW - 1).stalled
    assert run.step(STALL_WINDOW * 3).stalled
