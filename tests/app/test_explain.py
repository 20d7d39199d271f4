"""Explanations in the app: Enter or `e` on the measures panel opens the selected measure's,
it follows edits and the unit, and Escape closes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from divtui.app.app import DivtuiApp
from divtui.app.screens.explanation import ExplanationScreen
from divtui.app.widgets.measure_cursor import MeasureCursor
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.core.analysis import Analysis
from divtui.core.explain import LARGEST_SHOWN, explain
from divtui.core.presets import preset
from divtui.core.scenario import Scenario

from .support import SIZE, main_screen, metrics_rows, new_app, shown_text, toasts, wait_for

SnapCompare = Callable[..., bool]


def explanation_text(app: App[Any]) -> str:
    screen = app.screen
    assert isinstance(screen, ExplanationScreen), f"expected the explanation, got {screen!r}"
    return shown_text(screen.query_one("#explanation", Static))


async def test_tab_to_the_measures_then_arrows_and_enter_explain_that_measure() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        panel = screen.query_one(MetricsPanel)
        for _ in range(4):
            if pilot.app.focused is panel:
                break
            await pilot.press("tab")
        assert pilot.app.focused is panel, "Tab reaches the measures panel"
        assert panel.selection() == ("kl", 0), "KL(p‖q) is selected at first"
        await pilot.press("up")
        assert panel.selection() == ("cross_entropy", 0)
        await pilot.press("enter")
        await pilot.pause()
        text = explanation_text(pilot.app)
        assert "H(p,q) = −Σ pᵢ·ln(qᵢ) = H(p) + KL(p‖q)" in text
        assert "H(p,q) = 0.1941 + 0.5129 + 0.0416 + 0.6377 = 1.3863" in text
        assert "KL(p‖q) = −0.0812 + 0.1451 − 0.0636 + 0.2805 = 0.2808" in text
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen and pilot.app.focused is panel


async def test_e_explains_kl_from_the_table_and_follows_the_unit_and_edits() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("e")
        await pilot.pause()
        assert "KL(p‖q) = −0.0812 + 0.1451 − 0.0636 + 0.2805 = 0.2808" in explanation_text(
            pilot.app
        )
        await pilot.press("u")  # over the explanation: the unit changes, and it follows
        await wait_for(pilot, lambda: "log₂" in explanation_text(pilot.app), "bits")
        assert screen.scenario.unit.value == "bits"
        assert "KL(p‖q) = 0.4051 bits" in explanation_text(pilot.app)
        # An edit made while it is open (a training frame, an undo) rewrites it.
        edited = screen.scenario.with_probability(1, 2, 0.1)
        screen.scenario = edited
        expected = explain(Analysis.of(edited), 0, "kl").sums[0].line
        await wait_for(pilot, lambda: expected in explanation_text(pilot.app), "the edit")
        await pilot.press("ctrl+z")
        await wait_for(
            pilot, lambda: "0.03·log₂(0.03/0.25)" in explanation_text(pilot.app), "the undo"
        )


async def test_an_infinite_kl_says_which_outcome_and_why() -> None:
    async with DivtuiApp(preset("support-mismatch")).run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        text = " ".join(explanation_text(pilot.app).split())
        assert "0.03·ln(0.03/0)" in text and "KL(p‖q) = ∞ nats" in text
        assert "It is infinite because q(sleet) = 0 while p(sleet) = 0.03" in text


async def test_left_and_right_explain_the_other_models() -> None:
    async with DivtuiApp(preset("distillation")).run_test(size=SIZE) as pilot:
        names = [model.name for model in main_screen(pilot.app).scenario.models]
        await pilot.press("e")
        await pilot.pause()
        assert f"KL(p‖q) of {names[0]}" in explanation_text(pilot.app)
        await pilot.press("right")
        await pilot.pause()
        assert f"KL(p‖q) of {names[1]}" in explanation_text(pilot.app)


async def _focus_measures(pilot: Pilot[None]) -> None:
    await wait_for(pilot, lambda: bool(pilot.app.screen.query(MetricsPanel)), "the screen")
    main_screen(pilot.app).query_one(MetricsPanel).focus()
    await pilot.pause()


@pytest.mark.usefixtures("no_cursor_blink")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("press", [["e"], ["up", "enter"]], ids=["kl", "ce"])
def test_explanation_snapshot(
    snap_compare: SnapCompare, size: tuple[int, int], press: list[str]
) -> None:
    """KL(p‖q) by `e` from the table; H(p,q) by ↑ and Enter on the measures panel."""
    before = _focus_measures if press[0] == "up" else None
    assert snap_compare(new_app(), press=press, terminal_size=size, run_before=before)


async def test_beyond_eight_outcomes_the_largest_terms_and_how_many_more() -> None:
    rng = np.random.default_rng(3)
    labels = [f"c{i}" for i in range(20)]
    scenario = Scenario.build(
        labels, rng.dirichlet(np.ones(20)), [("q", rng.dirichlet(np.ones(20)))]
    )
    async with DivtuiApp(scenario).run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        text = explanation_text(pilot.app)
        expected = explain(Analysis.of(scenario), 0, "kl")
        assert f"… {20 - LARGEST_SHOWN} more" in text
        for term in expected.sums[0].terms:
            assert term.text in text
        assert expected.sums[0].line in " ".join(text.split())


@pytest.mark.parametrize("name", ["support-mismatch", "label-smoothing", "one-hot"])
async def test_every_measure_of_the_panel_opens_its_explanation(name: str) -> None:
    async with DivtuiApp(preset(name)).run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        panel = screen.query_one(MetricsPanel)
        analysis = screen.analysis
        for field in panel.shown_fields():
            panel.cursor = MeasureCursor(field, 0)
            await pilot.press("e")
            await pilot.pause()
            text = " ".join(explanation_text(pilot.app).split())
            assert " ".join(explain(analysis, 0, field).result.split()) in text, field
            await pilot.press("escape")
            await pilot.pause()
            assert pilot.app.screen is screen


async def test_a_row_without_an_explanation_says_so_instead_of_failing() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        screen.query_one(MetricsPanel).cursor = MeasureCursor("total_variation", 0)
        panel = screen.query_one(MetricsPanel)
        panel.shown_fields = lambda: ["total_variation"]  # type: ignore[method-assign]
        await pilot.press("e")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert any("has no explanation yet" in toast for toast in toasts(pilot.app))


async def test_the_renyi_row_is_selectable_and_explained_and_the_quiz_hides_it() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        panel = screen.query_one(MetricsPanel)
        panel.renyi_alpha = 2.0  # as `D` then "2" sets it
        await pilot.pause()
        panel.focus()
        for _ in range(12):
            await pilot.press("down")
        assert panel.selection() == ("renyi", 0), "the D_α row is the last one"
        await pilot.press("enter")
        await pilot.pause()
        text = explanation_text(pilot.app)
        value = screen.analysis.renyi(2.0)[0].value
        assert "D_2(p‖q) = ln(Σ pᵢ^α·qᵢ^(1−α)) / (α − 1)" in text
        assert "0.14^2·0.25^-1" in text
        assert f"= {value:.4f} nats" in text
        await pilot.press("escape")
        await pilot.press("P")  # the classroom mode hides D_α too: at α = 1 it is KL
        await pilot.pause()
        assert metrics_rows(pilot.app)["D_2(p‖q)"] == ["?"]
