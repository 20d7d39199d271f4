"""Token analysis against a numpy/scipy reference, on a 50,000-outcome file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from divtui.core.array_files import load_npz
from divtui.core.errors import DivtuiError
from divtui.core.outcome_order import SortBy, Sorting, outcome_order
from divtui.core.presets import preset
from divtui.core.report import ReportFormat, render
from divtui.core.scenario import ModelInput, Scenario
from divtui.core.token_analysis import (
    cumulative_share,
    floored_kl,
    infinite_line,
    kl_difference,
    summary,
)

N = 50_000


@pytest.fixture(scope="module")
def token_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 50,000-token model output with 37 tokens the student rules out (q = 0 < p)."""
    rng = np.random.default_rng(16)
    p = rng.dirichlet(np.full(N, 0.3))
    student = rng.dirichlet(np.full(N, 0.3))
    student[rng.choice(N, 37, replace=False)] = 0.0
    teacher = rng.dirichlet(np.full(N, 0.3))
    path = tmp_path_factory.mktemp("tokens") / "tokens.npz"
    np.savez(path, p=p, q_student=student, q_teacher=teacher)
    return path


def reference(scenario: Scenario, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p, q = scenario.p, scenario.models[index].q
    return p, q, special.rel_entr(p, q)


def test_the_figures_of_an_infinite_kl(token_file: Path) -> None:
    scenario = load_npz(token_file)
    p, q, terms = reference(scenario, 0)
    infinite = np.isinf(terms)
    got = summary(scenario, 0)
    assert got.infinite_outcomes == int(infinite.sum()) == 37
    assert got.infinite_mass == pytest.approx(float(p[infinite].sum()), rel=1e-12)
    assert got.kl_finite_part == pytest.approx(float(terms[~infinite].sum()), rel=1e-10)
    finite = np.where(infinite, 0.0, terms)
    top = np.sort(np.abs(finite))[::-1][:10]
    largest = finite[np.argsort(-np.abs(finite), kind="stable")[:10]]
    assert np.abs(largest) == pytest.approx(top)
    assert got.kl_top_share == pytest.approx(float(largest.sum() / finite.sum()), rel=1e-10)


def test_the_cumulative_share_down_the_table_sorted_by_kl(token_file: Path) -> None:
    scenario = load_npz(token_file)
    _, _, terms = reference(scenario, 1)  # the teacher: finite KL
    order = outcome_order(scenario, Sorting(SortBy.KL, 1))
    assert order is not None
    shares = cumulative_share(scenario.terms[1].kl, order)
    expected = np.cumsum(terms[order]) / terms.sum()
    assert shares == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert shares[-1] == pytest.approx(1.0, rel=1e-12)
    assert summary(scenario, 1).kl_top_share == pytest.approx(float(expected[9]), rel=1e-9)


def test_kl_with_q_floored_and_renormalised(token_file: Path) -> None:
    scenario = load_npz(token_file)
    p, q, _ = reference(scenario, 0)
    for epsilon in (1e-12, 1e-6):
        floored = np.maximum(q, epsilon)
        floored /= floored.sum()
        expected = float(special.rel_entr(p, floored).sum())
        assert floored_kl(scenario, 0, epsilon) == pytest.approx(expected, rel=1e-10)
    for bad in (0.0, -1.0, 1.0, math.nan):
        with pytest.raises(DivtuiError, match="floor ε"):
            floored_kl(scenario, 0, bad)


def test_the_difference_of_two_models_kl_terms(token_file: Path) -> None:
    scenario = load_npz(token_file)
    *_, student = reference(scenario, 0)
    *_, teacher = reference(scenario, 1)
    difference = kl_difference(scenario, 1, 0)
    finite = np.isfinite(student)
    assert difference[finite] == pytest.approx((teacher - student)[finite], abs=1e-15)
    assert np.all(difference[~finite] == -np.inf)


def test_the_report_carries_the_figures(token_file: Path) -> None:
    scenario = load_npz(token_file)
    data = json.loads(render(scenario, ReportFormat.JSON))
    student, teacher = data["models"]
    figures = summary(scenario, 0)
    assert student["infinite_outcomes"] == 37
    assert student["infinite_mass"] == figures.infinite_mass
    assert student["kl_finite_part"] == figures.kl_finite_part
    assert student["kl_top_share"] == figures.kl_top_share
    assert teacher["infinite_outcomes"] == 0 and teacher["infinite_mass"] == 0.0
    assert teacher["kl_finite_part"] == pytest.approx(scenario.measures[1].kl, rel=1e-9)
    text = render(scenario, ReportFormat.TEXT)
    assert "student: 37 outcomes with q = 0 < p, p-mass" in text
    assert (
        f"teacher: the top 10 outcomes by |KL term| carry "
        f"{100 * teacher['kl_top_share']:.1f} % of KL" in text
    )


def test_a_small_report_says_what_a_zero_q_costs() -> None:
    text = render(preset("support-mismatch"), ReportFormat.TEXT)
    assert "1 outcome with q = 0 < p, p-mass 0.03" in text
    assert "carry" not in text  # 4 outcomes: no top 10 to speak of


def test_sorting_by_the_difference_of_two_models_kl_terms(token_file: Path) -> None:
    scenario = load_npz(token_file)
    *_, student = reference(scenario, 0)
    *_, teacher = reference(scenario, 1)
    sorting = Sorting(SortBy.KL_DIFF, 1)  # teacher − student
    assert sorting.describe(scenario) == "by |ΔKL term| teacher − student, largest first"
    order = outcome_order(scenario, sorting)
    assert order is not None
    with np.errstate(invalid="ignore"):
        magnitude = np.nan_to_num(np.abs(teacher - student), nan=0.0, posinf=np.inf)
    assert np.all(np.isinf(magnitude[order[:37]])), "the outcomes only one model misses first"
    assert np.all(np.diff(magnitude[order[37:]]) <= 0)
    assert Sorting(SortBy.KL, 0).next(0, models=2).by is SortBy.KL_DIFF
    assert Sorting(SortBy.KL, 0).next(0, models=1).by is SortBy.OUTCOME


def test_a_logits_model_whose_q_underflows_has_no_infinite_outcome() -> None:
    scenario = Scenario.build(
        ["a", "b", "c"], [0.5, 0.4, 0.1], [ModelInput("net", logits=[0.0, 0.0, -2000.0])]
    )
    assert scenario.models[0].q[2] == 0.0
    figures = summary(scenario, 0)
    assert figures.infinite_outcomes == 0 and figures.infinite_mass == 0.0
    assert figures.kl_finite_part == pytest.approx(scenario.measures[0].kl, rel=1e-12)


def test_the_measures_line_of_an_infinite_kl() -> None:
    scenario = preset("support-mismatch")
    line = infinite_line(scenario, scenario.measures[0])
    assert line == "1 outcome with q = 0 < p, p-mass 0.03 (F: floor q at ε)"
