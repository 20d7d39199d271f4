"""The distributions chart as drawn: p as bars, each model's q as its own marker, the largest
|KL terms| when the outcomes do not fit and the rest in words."""

from __future__ import annotations

import numpy as np
import pytest

from divtui.app.widgets.distributions_chart import (
    MARKERS,
    DistributionsChart,
    distribution_groups,
    legend_entries,
)
from divtui.core.analysis import Analysis
from divtui.core.presets import preset
from divtui.core.scenario import ModelInput, Scenario

from .chart_cells import ChartHost, bars, cells, colour_of, settled
from .support import shown_lines, shown_text


async def test_weather_draws_p_as_bars_and_uniform_q_as_one_marker_per_outcome() -> None:
    app = ChartHost(DistributionsChart, preset("weather"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        grid = cells(app.chart)
        heights = bars(grid, colour_of(app.chart, "divtui-entropy"))
        lines = shown_lines(app.chart)
    # p = .14 .37 .03 .46: the bars keep that order of heights.
    assert len(heights) == 4
    assert heights[3] > heights[1] > heights[0] > heights[2] >= 1
    plot = lines[3:-2]  # under the legend, above the tick labels
    rows = [y for y, line in enumerate(plot) for char in line if char == MARKERS[0]]
    assert len(rows) == 4 and len(set(rows)) == 1, "uniform q: four markers on one row"
    assert "█ p" in lines[2] and f"{MARKERS[0]} uniform" in lines[2]


async def test_each_model_has_its_own_marker() -> None:
    scenario = preset("distillation")
    app = ChartHost(DistributionsChart, scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
    for k, model in enumerate(scenario.models):
        assert f"{MARKERS[k]} {model.name}" in text
        assert text.count(MARKERS[k]) == scenario.size + 1, "one per outcome, one in the legend"


def test_a_large_scenario_shows_the_largest_kl_terms_and_the_rest_sums_to_one() -> None:
    rng = np.random.default_rng(3)
    size = 20_000
    p = rng.dirichlet(np.full(size, 0.5))
    q = rng.dirichlet(np.full(size, 0.5))
    scenario = Scenario.build([f"t{i}" for i in range(size)], p, [ModelInput("q", q)])
    groups = distribution_groups(Analysis.of(scenario), 0, 60)
    assert groups.rest == size - len(groups.labels) > 0
    kl = scenario.terms[0].kl
    top = np.argsort(-np.abs(kl), kind="stable")[: len(groups.labels)]
    assert groups.labels == [f"t{i}" for i in top.tolist()]
    assert sum(groups.p) + groups.rest_p == pytest.approx(1.0, abs=1e-12)
    assert sum(groups.q[0]) + groups.rest_q[0] == pytest.approx(1.0, abs=1e-12)


async def test_the_rest_is_given_in_words_and_the_title_says_which_outcomes_are_shown() -> None:
    rng = np.random.default_rng(3)
    size = 20_000
    scenario = Scenario.build(
        [f"tok{i:05d}" for i in range(size)],
        rng.dirichlet(np.full(size, 0.5)),
        [ModelInput("student", rng.dirichlet(np.full(size, 0.5)))],
    )
    app = ChartHost(DistributionsChart, scenario)
    async with app.run_test(size=(70, 20)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
    assert "largest |KL terms| of student" in text
    assert "more" in text and "p 0." in text
    assert "tok" not in text.splitlines()[-2], "labels drop the shared prefix"


async def test_with_label_smoothing_the_bars_are_p_prime() -> None:
    app = ChartHost(DistributionsChart, preset("label-smoothing"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
    assert "█ p′" in text and "p′ and q per outcome" in text


def test_a_crowded_legend_keeps_every_model_s_name_beside_its_marker() -> None:
    names = ["uniform", *(f"student{k}" for k in range(7))]
    entries = legend_entries("p", names, 50)
    texts = [text for text, _ in entries]
    assert sum(len(text) + 2 for text in texts) <= 50
    assert texts[0] == "█ p" and len(texts) == 9
    shown = [text[1:].strip() for text in texts[1:]]
    assert [text[0] for text in texts[1:]] == list(MARKERS)
    assert len(set(shown)) == len(names) and all(shown)
