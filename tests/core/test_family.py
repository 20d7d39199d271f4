"""The discretised Gaussian family: its q, its gradients against finite differences, training
against a brute-force fit, the mode-seeking preset's outcome, files and reports."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from divtui.core.edit_text import apply_column_text
from divtui.core.errors import DivtuiError
from divtui.core.family import gaussian_log_q, gaussian_q, gradient, moment_fit
from divtui.core.logits import Objective
from divtui.core.measures import compare
from divtui.core.presets import PRESETS, preset
from divtui.core.report import ReportFormat, render
from divtui.core.scenario import Model, ModelInput, Scenario
from divtui.core.scenario_file import load_scenario, save_scenario, scenario_from_mapping
from divtui.core.training import TrainingRun

P = np.array(preset("mode-seeking").p)


def objective(p: np.ndarray, mu: float, log_sigma: float, goal: Objective) -> float:
    """H(p, q) or KL(q‖p) in nats, straight from the definition (the test's oracle)."""
    log_q = gaussian_log_q(len(p), mu, math.exp(log_sigma))
    if goal is Objective.CROSS_ENTROPY:
        return float(-np.dot(p, log_q))
    q = np.exp(log_q)
    return float(np.dot(q, log_q - np.log(p)))


def test_q_is_the_normalised_gaussian_over_the_index() -> None:
    i = np.arange(9)
    expected = np.exp(-((i - 3.3) ** 2) / (2 * 1.7**2))
    np.testing.assert_allclose(gaussian_q(9, 3.3, 1.7), expected / expected.sum(), rtol=1e-13)


def test_extreme_parameters_stay_finite_and_normalised() -> None:
    for mu, sigma in ((1e300, 1.0), (-1e300, 1e-300), (4.5, 1e-200), (2.0, 1e200)):
        q = gaussian_q(10, mu, sigma)
        assert np.all(np.isfinite(q)) and math.isclose(float(q.sum()), 1.0, rel_tol=1e-12)


@pytest.mark.parametrize("goal", list(Objective))
@pytest.mark.parametrize(("mu", "sigma"), [(6.5, 1.5), (2.0, 4.0), (10.3, 0.8), (-3.0, 6.0)])
def test_gradient_matches_finite_differences(goal: Objective, mu: float, sigma: float) -> None:
    h = 1e-6
    log_sigma = math.log(sigma)
    expected = (
        (objective(P, mu + h, log_sigma, goal) - objective(P, mu - h, log_sigma, goal)) / (2 * h),
        (objective(P, mu, log_sigma + h, goal) - objective(P, mu, log_sigma - h, goal)) / (2 * h),
    )
    np.testing.assert_allclose(gradient(P, mu, sigma, goal), expected, rtol=1e-5, atol=1e-8)


def test_reverse_kl_with_a_zero_in_p_is_refused_with_the_reason() -> None:
    p = np.array([0.5, 0.5, 0.0])
    with pytest.raises(DivtuiError, match="KL\\(q‖p\\) is ∞ for every Gaussian"):
        gradient(p, 1.0, 1.0, Objective.REVERSE_KL)
    scenario = Scenario.build(
        ("a", "b", "c"), p, [ModelInput("g", family="gaussian", mu=1, sigma=1)]
    )
    with pytest.raises(DivtuiError, match="training g by KL"):
        TrainingRun.start(scenario, 0, Objective.REVERSE_KL)


def brute_force(p: np.ndarray, goal: Objective) -> tuple[float, float, float]:
    """The best (value, μ, σ) on a grid over μ and log σ."""
    best = (math.inf, 0.0, 0.0)
    for mu in np.linspace(-2.0, len(p) + 1.0, 241):
        for log_sigma in np.linspace(-1.5, 2.5, 161):
            value = objective(p, float(mu), float(log_sigma), goal)
            if value < best[0]:
                best = (value, float(mu), math.exp(log_sigma))
    return best


def trained(goal: Objective, steps: int = 200) -> Model:
    scenario = preset("mode-seeking")
    run = TrainingRun.start(scenario, 0, goal, 0.5)
    for _ in range(steps):
        run = run.step()
        if run.stalled:
            break
    assert run.model.is_family
    return run.model


@pytest.mark.parametrize("goal", list(Objective))
def test_training_reaches_the_brute_force_fit(goal: Objective) -> None:
    value, mu, sigma = brute_force(P, goal)
    model = trained(goal)
    reached = objective(P, model.mu, math.log(model.sigma), goal)
    assert reached <= value + 1e-6  # never worse than the grid's best
    assert abs(model.mu - mu) < 0.05 and abs(math.log(model.sigma / sigma)) < 0.05


def test_the_preset_shows_forward_wide_and_reverse_on_one_peak() -> None:
    scenario = preset("mode-seeking")
    forward, reverse = scenario.models
    assert (forward.mu, forward.sigma) == (reverse.mu, reverse.sigma)  # the same start
    assert np.all(scenario.p > 0)  # KL(q‖p) is finite for a Gaussian
    run = TrainingRun.start(scenario, 0, Objective.CROSS_ENTROPY, 0.5, ((1, Objective.REVERSE_KL),))
    for _ in range(300):
        run = run.step()
        if run.stalled:
            break
    assert run.stalled
    forward, reverse = run.scenario.models
    assert forward.is_family and reverse.is_family
    fm, rm = (compare(scenario.p, m.q, log_q=m.log_q) for m in (forward, reverse))
    assert fm.kl < rm.kl and rm.reverse_kl < fm.reverse_kl
    peak = max(float(reverse.q[:8].sum()), float(reverse.q[8:].sum()))
    assert peak >= 0.8
    assert max(float(forward.q[:8].sum()), float(forward.q[8:].sum())) < 0.7  # it covers both
    assert forward.sigma > 3 * reverse.sigma


def test_moment_fit_is_the_mean_index_and_standard_deviation() -> None:
    q = np.array([0.1, 0.2, 0.3, 0.4])
    mean = 0.2 + 0.6 + 1.2
    std = math.sqrt(float(np.dot(q, (np.arange(4) - mean) ** 2)))
    assert moment_fit(q) == pytest.approx((mean, std))


def test_files_round_trip_the_family(tmp_path: Path) -> None:
    scenario = preset("mode-seeking")
    for name in ("s.toml", "s.json"):
        path = tmp_path / name
        save_scenario(scenario, path)
        assert load_scenario(path) == scenario
    text = (tmp_path / "s.toml").read_text()
    assert 'family = "gaussian"' in text and "mu = 6.5" in text and "sigma = 1.5" in text
    report = tmp_path / "r.json"
    report.write_text(render(scenario, ReportFormat.JSON))
    assert load_scenario(report) == scenario  # the report's q beside mu and sigma is dropped


def document(**model: object) -> dict[str, object]:
    return {"labels": ["a", "b", "c"], "p": [0.2, 0.3, 0.5], "models": [{"name": "g", **model}]}


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ({"family": "gaussian", "mu": 1.0}, "models\\[0\\] \\('g'\\): missing 'sigma'"),
        ({"family": "gaussian", "mu": 1.0, "sigma": 0.0}, "models\\[0\\].sigma \\('g'\\): 0.0"),
        ({"family": "gaussian", "mu": math.inf, "sigma": 1}, "models\\[0\\].mu \\('g'\\)"),
        ({"family": "gaussian", "mu": "x", "sigma": 1}, "models\\[0\\].mu .*not a number"),
        ({"family": "cauchy", "mu": 1, "sigma": 1}, "unknown family 'cauchy'"),
        ({"family": "gaussian", "mu": 1, "sigma": 1, "q": [1, 1, 1]}, "models\\[0\\].q"),
        ({"q": [1, 1, 1], "mu": 1}, "models\\[0\\].mu .*only a family model"),
    ],
)
def test_bad_family_input_names_the_field(model: dict[str, object], message: str) -> None:
    with pytest.raises(DivtuiError, match=message):
        scenario_from_mapping(document(**model))


def test_report_shows_the_family_and_its_parameters() -> None:
    scenario = preset("mode-seeking")
    text = render(scenario, ReportFormat.TEXT)
    assert "forward is a discretised gaussian" in text and "μ = 6.5, σ = 1.5" in text
    data = json.loads(render(scenario, ReportFormat.JSON))
    entry = data["models"][1]
    assert (entry["family"], entry["mu"], entry["sigma"]) == ("gaussian", 6.5, 1.5)
    np.testing.assert_allclose(entry["q"], scenario.models[1].q)


def test_editing_a_cell_makes_a_family_model_plain_probabilities() -> None:
    scenario = preset("mode-seeking")
    edited = scenario.with_probability(1, 4, 0.5)
    assert not edited.models[0].is_family and edited.models[0].is_probabilities
    assert edited.models[1].is_family
    grown = scenario.with_outcome("x14")
    assert grown.models[0].is_family and len(grown.models[0].q) == 15


def test_pasting_onto_a_family_model_says_it_is_probabilities_now() -> None:
    scenario = preset("mode-seeking")
    text = " ".join(["1"] * scenario.size)
    changed, notice = apply_column_text(scenario, 1, text, None)
    assert changed.models[0].is_probabilities
    assert "forward is no longer a gaussian: it is given by probabilities now." in notice
    assert "gaussian" not in apply_column_text(changed, 1, text, None)[1]


@pytest.mark.parametrize("name", ["s.csv", "s.npz"])
def test_csv_and_npz_refuse_a_family_model_naming_it(tmp_path: Path, name: str) -> None:
    with pytest.raises(DivtuiError, match="model 'forward' is a gaussian \\(mu, sigma\\)"):
        save_scenario(preset("mode-seeking"), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_the_preset_says_why_in_two_sentences() -> None:
    text = PRESETS["mode-seeking"].description
    assert "zero-avoiding: q must cover every outcome p has" in text
    assert "zero-forcing: q keeps away from where p is small, so it picks one peak" in text


def test_a_partner_given_by_logits_trains_by_its_own_objective() -> None:
    scenario = preset("weather").with_model_copy(0)
    run = TrainingRun.start(scenario, 0, Objective.CROSS_ENTROPY, 0.5, ((1, Objective.REVERSE_KL),))
    done = run.step(60)
    assert done.scenario.models[1].is_logits and done.steps == 60
    before, after = (s.measures[1].reverse_kl for s in (run.scenario, done.scenario))
    assert after < before / 100
    with pytest.raises(DivtuiError, match="there is no model 3 to train beside it"):
        TrainingRun.start(scenario, 0, Objective.CROSS_ENTROPY, 0.5, ((2, Objective.REVERSE_KL),))
