"""Estimating cross-entropy from a sample: the estimate against its exact expectation (a fixed
seed, 4 standard errors), the running values and the ranking against a brute-force recount of
the same draws, infinite estimates, and the bounds on N."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from divtui.core.errors import DivtuiError
from divtui.core.presets import preset
from divtui.core.sampling import CHUNK, MAX_SAMPLES, Sample, check_samples, draw, summary
from divtui.core.scenario import Scenario
from divtui.core.spec import scenario_from_specs
from divtui.core.units import Unit


def _same_draws(scenario: Scenario, n: int, seed: int) -> npt.NDArray[np.intp]:
    """The outcomes `draw` draws, drawn again in one go (the stream is the same)."""
    p = scenario.p
    cdf = np.cumsum(p / p.sum())
    last = int(np.flatnonzero(p > 0)[-1])
    u = np.random.default_rng(seed).random(n)
    return np.minimum(np.searchsorted(cdf, u, side="right"), last)


def _three_models() -> Scenario:
    return scenario_from_specs(
        "a=.5 b=.3 c=.15 d=.05",
        ["close: .45 .32 .17 .06", "flat: 1 1 1 1", "far: .1 .2 .3 .4"],
    )


@pytest.mark.parametrize(
    "name", ["weather", "distillation", "mode-seeking", "near-miss", "label-smoothing"]
)
def test_the_estimate_is_within_four_standard_errors_of_the_exact_cross_entropy(
    name: str,
) -> None:
    sample = draw(preset(name), 100_000, seed=2024)
    for model in sample.models:
        assert model.standard_error is not None
        if model.standard_error == 0:  # a uniform q: every loss is log K
            assert model.estimate == pytest.approx(model.cross_entropy, rel=1e-12)
            continue
        assert abs(model.estimate - model.cross_entropy) <= 4 * model.standard_error, model.name


def test_estimates_and_errors_match_a_recount_of_the_draws() -> None:
    scenario = _three_models()
    n = 3 * CHUNK + 17  # several chunks and a partial one
    sample = draw(scenario, n, seed=7)
    x = _same_draws(scenario, n, 7)
    assert sample.counts.tolist() == np.bincount(x, minlength=scenario.size).tolist()
    assert sample.p_hat.sum() == pytest.approx(1.0)
    for model, estimate in zip(scenario.models, sample.models, strict=True):
        losses = -np.log(model.q)[x]
        assert estimate.estimate == pytest.approx(losses.mean(), rel=1e-12)
        want_se = losses.std(ddof=1) / math.sqrt(n)
        assert estimate.standard_error == pytest.approx(want_se, rel=1e-9)
        # The running values at the checkpoints are the means of the prefixes.
        prefix = np.cumsum(losses)[sample.checkpoints - 1] / sample.checkpoints
        assert np.allclose(estimate.running, prefix, rtol=1e-12)
        k = sample.checkpoints[5]
        assert estimate.running_error[5] == pytest.approx(
            losses[:k].std(ddof=1) / math.sqrt(k), rel=1e-9
        )
        assert math.isnan(estimate.running_error[0])  # N = 1: no spread yet


def test_the_ranking_and_when_it_agreed_match_a_brute_force_count() -> None:
    # Two models 0.0002 nats of KL apart: the sample takes ~10⁵ draws to tell them apart.
    scenario = scenario_from_specs(
        "a=.5 b=.3 c=.15 d=.05",
        ["one: .49 .31 .15 .05", "two: .5 .29 .16 .05", "flat: 1 1 1 1"],
    )
    n = 2 * CHUNK + 5
    sample = draw(scenario, n, seed=1)
    x = _same_draws(scenario, n, 1)
    sums = np.array([np.cumsum(-np.log(m.q)[x]) for m in scenario.models])
    kl = [m.kl for m in scenario.measures]
    order = sorted(range(3), key=kl.__getitem__)
    agree = (sums[order[0]] < sums[order[1]]) & (sums[order[1]] < sums[order[2]])
    disagree = np.flatnonzero(~agree)
    want = int(disagree[-1]) + 2 if disagree.size else 1
    assert sample.by_kl == tuple(order)
    assert sample.agreed_from == want
    assert want > CHUNK  # it settled in the second chunk: the carry across chunks counts
    assert sample.by_estimate == sample.by_kl
    assert "as KL does" in summary(sample) and f"from {want:,} on" in summary(sample)


def test_a_small_sample_may_rank_the_models_wrongly_and_says_so() -> None:
    scenario = _three_models()
    wrong = [s for s in range(40) if not draw(scenario, 3, seed=s).agrees]
    assert wrong, "some seed must mis-rank three models from 3 draws"
    sample = draw(scenario, 3, seed=wrong[0])
    assert sample.agreed_from is None and sample.by_estimate != sample.by_kl
    assert "not yet the same order" in summary(sample)


def test_growing_n_extends_the_same_sample() -> None:
    scenario = preset("distillation")
    small, large = draw(scenario, 1000, seed=5), draw(scenario, 100_000, seed=5)
    at = int(np.flatnonzero(large.checkpoints == 1000)[0])
    for a, b in zip(small.models, large.models, strict=True):
        assert a.estimate == pytest.approx(b.running[at], rel=1e-12)


def test_an_outcome_with_q_zero_makes_the_estimate_infinite_from_that_sample_on() -> None:
    scenario = preset("support-mismatch")  # q(sleet) = 0 while p(sleet) = 0.03
    sleet = scenario.labels.index("sleet")
    for seed in range(3):
        sample = draw(scenario, 500, seed=seed)
        x = _same_draws(scenario, 500, seed)
        first = int(np.flatnonzero(x == sleet)[0]) + 1
        model = sample.models[0]
        assert model.estimate == math.inf and model.standard_error is None
        assert (model.infinite_from, model.infinite_outcome) == (first, sleet)
        finite = sample.checkpoints < first
        assert np.isfinite(model.running[finite]).all()
        assert (model.running[~finite] == math.inf).all()


def test_an_undrawn_zero_leaves_the_estimate_finite() -> None:
    scenario = scenario_from_specs("a=.999999 b=.000001", ["no-b: 1 0"])
    model = draw(scenario, 100, seed=0).models[0]
    assert model.estimate == 0.0 and model.infinite_from is None
    assert model.cross_entropy == math.inf  # the exact value is ∞: a sample may not show it


def test_estimates_are_in_the_scenario_unit() -> None:
    nats = draw(preset("weather"), 2000, seed=3).models[0]
    bits = draw(preset("weather").with_unit(Unit.BITS), 2000, seed=3).models[0]
    assert bits.estimate == pytest.approx(nats.estimate / math.log(2), rel=1e-12)
    assert bits.cross_entropy == pytest.approx(nats.cross_entropy / math.log(2), rel=1e-12)


def test_a_million_outcomes_and_a_million_draws() -> None:
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(1_000_000))
    q = 0.5 * p + 0.5 * rng.dirichlet(np.ones(1_000_000))
    scenario = Scenario.build([f"x{i}" for i in range(p.size)], p, [("mixture", q)])
    sample: Sample = draw(scenario, 1_000_000, seed=1)
    model = sample.models[0]
    assert sample.counts.sum() == 1_000_000
    assert model.standard_error is not None
    assert abs(model.estimate - model.cross_entropy) <= 4 * model.standard_error


@pytest.mark.parametrize(
    ("n", "message"),
    [
        (0, "samples N: 0 is not a whole number ≥ 1"),
        (-5, "samples N: -5 is not a whole number ≥ 1"),
        (MAX_SAMPLES + 1, "samples N: 10,000,001 is more than the 10,000,000 one sample may draw"),
        (2.5, "samples N: 2.5 is not a whole number"),
        (True, "samples N: True is not a whole number"),
    ],
)
def test_bad_n_says_what_and_where(n: object, message: str) -> None:
    with pytest.raises(DivtuiError) as error:
        check_samples(n)  # type: ignore[arg-type]
    assert str(error.value) == message
