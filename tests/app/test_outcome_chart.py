"""The per-outcome chart as drawn: a zero line, gaps between groups, round ticks, every
outcome while they fit, an honest remainder, distinct labels and an ∞ mark that hides nothing."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from divtui.app.widgets.outcome_chart import OutcomeChart, outcome_bars, shown_outcomes
from divtui.core.analysis import Analysis
from divtui.core.presets import preset
from divtui.core.scenario import ModelInput, Scenario

from .chart_cells import ChartHost, cells, colour_of, settled
from .support import shown_lines, shown_text

LEGEND = "█ −p log p  █ −p log q  █ p log(p/q)"


def test_shown_outcomes_are_the_largest_kl_terms_when_they_do_not_fit() -> None:
    rng = np.random.default_rng(4)
    terms = rng.normal(size=500)
    terms[17] = np.inf
    shown, left_out = shown_outcomes(terms, width=70)  # 10 groups of 7 columns
    assert left_out
    assert shown == sorted(range(500), key=lambda i: -abs(terms[i]))[:10]
    assert shown[0] == 17, "the infinite term first"
    assert shown_outcomes(terms[:8], width=70) == (list(range(8)), False)


def test_the_groups_and_the_rest_of_5000_outcomes_add_up_to_every_measure() -> None:
    rng = np.random.default_rng(8)
    size = 5000
    scenario = Scenario.build(
        [f"w{i}" for i in range(size)], rng.dirichlet(np.ones(size)), [("m", rng.random(size))]
    )
    groups = outcome_bars(Analysis.of(scenario), 0, width=49)
    assert len(groups.labels) == 7 and groups.rest == size - 7
    (terms,) = scenario.terms
    top = np.argsort(-np.abs(terms.kl), kind="stable")[:7]
    assert groups.labels == [f"w{i}" for i in top.tolist()]
    (measures,) = scenario.measures
    for series, rest, total in zip(
        groups.series,
        groups.rest_sums,
        (measures.entropy_p, measures.cross_entropy, measures.kl),
        strict=True,
    ):
        assert math.fsum([*series, rest]) == pytest.approx(total, rel=1e-9)


async def test_a_negative_term_hangs_below_the_zero_line() -> None:
    app = ChartHost(OutcomeChart, preset("weather"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        lines = shown_lines(app.chart)
        grid = cells(app.chart)
        kl = colour_of(app.chart, "divtui-kl")
    zero = next(y for y, line in enumerate(lines) if line.lstrip().startswith("0.00"))
    assert set(lines[zero][lines[zero].index("├") + 1 : lines[zero].rindex("┤")]) == {"─"}
    below = [x for x, cell in enumerate(grid[zero + 1]) if cell == ("█", kl)]
    above = [x for x, cell in enumerate(grid[zero - 1]) if cell == ("█", kl)]
    # weather vs uniform: rain and snow have negative KL terms, sleet and hail positive.
    assert below and above and not set(below) & set(above)
    assert min(below) < min(above), "rain's negative term is left of hail's positive one"


async def test_groups_are_apart_and_ticks_are_round() -> None:
    app = ChartHost(OutcomeChart, preset("weather"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        grid = cells(app.chart)
        lines = shown_lines(app.chart)
    width = max(len(row) for row in grid)
    filled = [any(x < len(row) and row[x][0] == "█" for row in grid[3:]) for x in range(width)]
    groups = sum(1 for x in range(width) if filled[x] and (x == 0 or not filled[x - 1]))
    assert groups == 4, "an empty column between each outcome's three bars and the next's"
    ticks = [re.split("[┤├]", line)[0].strip() for line in lines if re.search("[┤├]", line)]
    ticks = [t for t in ticks if t]
    assert len(ticks) >= 3
    assert all(round(float(t.replace("−", "-")) * 4, 9) % 1 == 0 for t in ticks), ticks


async def test_seven_outcomes_all_have_their_group_at_60_columns() -> None:
    labels = [f"class{i}" for i in range(7)]
    p = np.arange(1.0, 8.0)
    scenario = Scenario.build(labels, p, [ModelInput("m", p[::-1])])
    app = ChartHost(OutcomeChart, scenario)
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
    assert "more" not in text
    for i in range(7):
        assert f"class{i}" in text or f"…{i}" in text or f"s{i}" in text


async def test_the_rest_of_a_large_scenario_is_in_words_and_labels_stay_distinct() -> None:
    rng = np.random.default_rng(2026)
    size = 50_000
    labels = [f"tok{i:05d}" for i in range(size)]
    scenario = Scenario.build(
        labels,
        rng.dirichlet(np.full(size, 0.5)),
        [ModelInput("student", rng.dirichlet(np.full(size, 0.5)))],
    )
    app = ChartHost(OutcomeChart, scenario)
    async with app.run_test(size=(60, 20)) as pilot:
        await settled(pilot, app.chart)
        lines = shown_lines(app.chart)
        groups = outcome_bars(Analysis.of(scenario), 0, app.chart.plot_columns(6) - 1)
    text = "\n".join(lines)
    assert f"+{groups.rest:,} more" in text or f"+ {groups.rest:,} more" in text
    assert f"KL {groups.rest_sums[2]:.3f}" in text, "the rest's KL, in words"
    tick_row = lines[-2]
    shown = tick_row.split()
    assert len(shown) == len(groups.labels), "every group keeps its label"
    assert len(set(shown)) == len(shown)
    assert all(not label.startswith("tok") for label in shown), "the shared prefix is dropped"
    for label, full in zip(shown, groups.labels, strict=True):
        assert full.endswith(label.lstrip("…"))


async def test_the_infinity_mark_never_covers_the_legend() -> None:
    for size in ((60, 20), (44, 14), (100, 30)):
        app = ChartHost(OutcomeChart, preset("support-mismatch"))
        async with app.run_test(size=size) as pilot:
            await settled(pilot, app.chart)
            text = shown_text(app.chart)
        assert LEGEND in text or "█−p log p  █−p log q  █KL" in text, size
        assert "∞" in text


async def test_with_label_smoothing_the_legend_names_the_terms_of_p_prime() -> None:
    app = ChartHost(OutcomeChart, preset("label-smoothing"))
    async with app.run_test(size=(70, 20)) as pilot:
        await settled(pilot, app.chart)
        text = shown_text(app.chart)
    assert "█ −p′ log p′" in text and "█ −p′ log q" in text and "█ p′ log(p′/q)" in text


async def test_terms_too_small_for_a_row_are_thin_lines_on_their_side_of_zero() -> None:
    scenario = preset("near-miss")  # KL terms of about 1e-8 beside entropy terms of 0.3
    app = ChartHost(OutcomeChart, scenario)
    async with app.run_test(size=(60, 18)) as pilot:
        await settled(pilot, app.chart)
        lines = shown_lines(app.chart)
    zero = next(y for y, line in enumerate(lines) if line.lstrip().startswith("0.0"))
    kl = scenario.terms[0].kl
    assert lines[zero - 1].count("▁") > 0 and lines[zero + 1].count("▔") > 0
    positive, negative = int(np.sum(kl > 0)), int(np.sum(kl < 0))
    assert lines[zero - 1].count("▁") % positive == 0 and lines[zero + 1].count("▔") % negative == 0
    assert "█" not in lines[zero + 1], "no full block passes for a 1e-8 term"
