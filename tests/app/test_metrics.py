"""What the metrics panel and the charts show, in every unit, and how often they recompute."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import divtui.app
import divtui.core.analysis
import divtui.core.scenario
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.core.measures import PairMeasures, compare
from divtui.core.presets import WEATHER_LABELS, WEATHER_P
from divtui.core.scenario import Scenario
from divtui.core.units import Unit

from .support import (
    SIZE,
    cell,
    commit,
    draw_counts,
    grid_column,
    header_text,
    main_screen,
    metrics_rows,
    metrics_text,
    new_app,
    shown_text,
)

# The article's numbers for the weather example, in nats.
ARTICLE_ENTROPY = 1.1055291211185652
ARTICLE_KL = 0.28076524000132
ARTICLE_CROSS_ENTROPY = math.log(4)

SHOWN_FIELDS = {
    "H(p)": "entropy_p",
    "H(q)": "entropy_q",
    "H(p,q)": "cross_entropy",
    "KL(p‖q)": "kl",
    "KL(q‖p)": "reverse_kl",
    "JS divergence": "js_divergence",
    "perplexity": "perplexity",
}
"""Each row of the metrics panel and the PairMeasures field it shows."""


def two_models() -> Scenario:
    """The weather p against the uniform model and one that rules out sleet."""
    return Scenario.build(
        WEATHER_LABELS,
        WEATHER_P,
        [("uniform", [0.25] * 4), ("no-sleet", [0.15, 0.40, 0.0, 0.45])],
        title="Two models",
    )


def expected_rows(scenario: Scenario, unit: Unit) -> dict[str, list[str]]:
    """The metrics rows as they should read, computed by the core in `unit`."""
    measures = [compare(scenario.p, model.q, unit) for model in scenario.models]
    rows = {}
    for label, field in SHOWN_FIELDS.items():
        values = [float(getattr(m, field)) for m in measures]
        rows[label] = ["∞" if math.isinf(v) else f"{v:.4f}" for v in values]
    return rows


async def test_weather_matches_the_article_and_shows_the_identity() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        measures = main_screen(pilot.app).scenario.measures[0]
        assert math.isclose(measures.entropy_p, ARTICLE_ENTROPY, rel_tol=1e-14)
        assert math.isclose(measures.kl, ARTICLE_KL, rel_tol=1e-12)
        assert math.isclose(measures.cross_entropy, ARTICLE_CROSS_ENTROPY, rel_tol=1e-14)
        shown = metrics_text(pilot.app)
        assert "H(p,q) = H(p) + KL(p‖q): 1.3863 = 1.1055 + 0.2808" in shown
        assert "∞" not in shown
        rows = metrics_rows(pilot.app)
        assert rows["in nats"] == ["uniform"]
        assert rows["H(p)"] == ["1.1055"]
        assert rows["KL(p‖q)"] == ["0.2808"]
        assert rows["H(p,q)"] == ["1.3863"]


async def test_unit_cycles_and_every_number_follows() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        nats = screen.scenario.measures[0]
        assert screen.sub_title == "overview · nats · probabilities · nothing to undo"
        for unit in (Unit.BITS, Unit.HARTLEYS, Unit.NATS):
            await pilot.press("u")
            await pilot.pause()
            assert screen.scenario.unit is unit
            assert screen.sub_title == f"overview · {unit.value} · probabilities"
            changed = " *" if unit is not Unit.NATS else ""  # back to nats: nothing unsaved
            assert (
                header_text(pilot.app)
                == f"Weather{changed} — overview · {unit.value} · probabilities"
            )
            rows = metrics_rows(pilot.app)
            assert rows[f"in {unit.value}"] == ["uniform"]
            assert {label: rows[label] for label in SHOWN_FIELDS} == expected_rows(
                screen.scenario, unit
            )
            measures = screen.scenario.measures[0]
            scale = 1 / math.log(unit.base)
            np.testing.assert_allclose(
                [measures.entropy_p, measures.kl, measures.cross_entropy],
                np.array([nats.entropy_p, nats.kl, nats.cross_entropy]) * scale,
                rtol=1e-12,
            )
            assert measures.perplexity == pytest.approx(nats.perplexity, rel=1e-12)
        assert "1.3863 = 1.1055 + 0.2808" in metrics_text(pilot.app)


async def test_bits_show_the_identity_in_bits() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press("u")
        await pilot.pause()
        m = compare(np.array(WEATHER_P), np.full(4, 0.25), Unit.BITS)
        assert m.cross_entropy == pytest.approx(2.0, rel=1e-14)
        line = f"H(p,q) = H(p) + KL(p‖q): 2.0000 = {m.entropy_p:.4f} + {m.kl:.4f}"
        assert line in metrics_text(pilot.app)


async def test_support_mismatch_shows_infinity_and_its_cause() -> None:
    async with new_app("support-mismatch").run_test(size=SIZE) as pilot:
        scenario = main_screen(pilot.app).scenario
        assert math.isinf(scenario.measures[0].kl)
        rows = metrics_rows(pilot.app)
        assert rows == {"in nats": ["no-sleet"], **expected_rows(scenario, Unit.NATS)}
        assert rows["KL(p‖q)"] == ["∞"]
        assert rows["H(p,q)"] == ["∞"]
        shown = metrics_text(pilot.app)
        assert "H(p,q) = H(p) + KL(p‖q): ∞ = 1.1055 + ∞" in shown
        assert "KL = ∞: q(sleet) = 0 while p(sleet) = 0.03" in shown
        assert grid_column(pilot.app, 0) == ["rain", "snow", "∞ sleet", "hail"]
        assert grid_column(pilot.app, 2) == ["0.1500", "0.4000", "0.0000 ∞", "0.4500"]
        assert cell(pilot.app, 2, 1) == "0.0300", "p's cell is not marked"


async def test_fixing_the_mismatch_removes_the_marks() -> None:
    async with new_app("support-mismatch").run_test(size=SIZE) as pilot:
        await pilot.press("right", "down", "down")
        await commit(pilot, "0.05")
        scenario = main_screen(pilot.app).scenario
        assert math.isfinite(scenario.measures[0].kl)
        assert "∞" not in metrics_text(pilot.app)
        assert grid_column(pilot.app, 0) == ["rain", "snow", "sleet", "hail"]
        assert metrics_rows(pilot.app)["KL(p‖q)"] == expected_rows(scenario, Unit.NATS)["KL(p‖q)"]


async def test_every_model_gets_a_column_and_an_identity() -> None:
    scenario = two_models()
    async with new_app().run_test(size=SIZE) as pilot:
        main_screen(pilot.app).scenario = scenario
        await pilot.pause()
        rows = metrics_rows(pilot.app)
        # uniform has the lowest (finite) H(p,q): it is starred.
        assert rows == {
            "in nats": ["uniform", "★", "no-sleet"],
            **expected_rows(scenario, Unit.NATS),
        }
        assert "★ lowest cross-entropy H(p,q)" in metrics_text(pilot.app)
        shown = metrics_text(pilot.app)
        assert "H(p,q) = H(p) + KL(p‖q): 1.3863 = 1.1055 + 0.2808" in shown
        assert "H(p,q) = H(p) + KL(p‖q): ∞ = 1.1055 + ∞" in shown
        assert shown.count("KL = ∞:") == 1
        assert "KL = ∞: q(sleet) = 0 while p(sleet) = 0.03" in shown


CountedCalls = dict[str, int]


@pytest.fixture
def measure_calls(monkeypatch: pytest.MonkeyPatch) -> CountedCalls:
    """Count the scenario's calls of `compare` and `outcome_terms`."""
    calls: CountedCalls = {"compare": 0, "outcome_terms": 0}

    def counting(module: ModuleType, name: str) -> Callable[..., object]:
        original = getattr(module, name)

        def counted(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return original(*args, **kwargs)

        return counted

    for module in (divtui.core.scenario, divtui.core.analysis):
        for name in calls:
            if hasattr(module, name):
                monkeypatch.setattr(module, name, counting(module, name))
    return calls


async def test_one_edit_computes_the_measures_once_per_model(measure_calls: CountedCalls) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        main_screen(pilot.app).scenario = two_models()
        await pilot.pause()
        assert measure_calls["compare"] == 2 + 1, "the preset, then the two-model scenario"
        measure_calls.update(compare=0, outcome_terms=0)
        await commit(pilot, "0.2")
        await pilot.pause()
        assert main_screen(pilot.app).scenario.p[0] == 0.2
        assert min(draw_counts(pilot.app)) > 0
        # Every measure of both models, once; the per-outcome terms of the model the chart
        # shows, once (the other model's are computed when asked for).
        assert measure_calls == {"compare": 2, "outcome_terms": 1}


def test_no_widget_or_screen_imports_a_measure_function() -> None:
    """The app formats what the core computed: it may name the result types, nothing else."""
    allowed = {"PairMeasures", "OutcomeTerms"}
    package = Path(divtui.app.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "divtui.core.measures":
                names = {alias.name for alias in node.names}
                offenders += [f"{path.name}: {name}" for name in sorted(names - allowed)]
            elif isinstance(node, ast.Import) and any(
                alias.name == "divtui.core.measures" for alias in node.names
            ):
                offenders.append(f"{path.name}: import divtui.core.measures")
    assert offenders == []
    assert PairMeasures.__module__ == "divtui.core.measures"


async def test_charts_redraw_after_a_change_and_stay_still_otherwise() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        settled = draw_counts(pilot.app)
        assert min(settled) >= 1
        await pilot.pause(0.2)
        assert draw_counts(pilot.app) == settled, "no redraw without a change"
        await commit(pilot, "0.2")
        await pilot.pause()
        after = draw_counts(pilot.app)
        assert all(a > b for a, b in zip(after, settled, strict=True))


async def test_a_burst_of_changes_collapses_into_few_redraws() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.pause()
        before = draw_counts(pilot.app)
        scenario = screen.scenario
        for value in (0.1, 0.2, 0.3, 0.4, 0.5):
            scenario = scenario.with_probability(0, 0, value)
            screen.scenario = scenario
        await pilot.pause()
        await pilot.pause()
        after = draw_counts(pilot.app)
        for b, a in zip(before, after, strict=True):
            assert 1 <= a - b < 5
        assert screen.scenario.p[0] == 0.5
        assert "Per outcome, model uniform" in shown_text(screen.query_one(OutcomeChart))


async def test_outcome_chart_follows_the_model_under_the_cursor() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        screen.scenario = two_models()
        await pilot.pause()
        chart = screen.query_one(OutcomeChart)
        assert "Per outcome, model uniform" in shown_text(chart)
        before = chart.draw_count
        await pilot.press("right", "right")
        await pilot.pause()
        await pilot.pause()
        assert chart.model_index == 1
        assert chart.draw_count > before
        shown = shown_text(chart)
        assert "Per outcome, model no-sleet" in shown
        assert "∞" in shown
