"""Rényi in the app: `D` sets α exactly and the measures show D_α; `A` opens the chart of D_α
against α (KL marked at α = 1, α drawn across) where `a` types α and ←/→ step it; snapshots at
80x24 and 120x40."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from divtui.app.app import DivtuiApp
from divtui.app.screens.prompt import PromptScreen
from divtui.app.screens.renyi import RenyiScreen
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.core.presets import preset
from divtui.core.renyi import renyi_divergence

from .support import main_screen, metrics_rows, metrics_text, shown_words, type_text, wait_for

SnapCompare = Callable[..., bool]


def alpha_of(app: App[Any]) -> float | None:
    """The order α the measures panel shows D_α at."""
    return main_screen(app).query_one(MetricsPanel).renyi_alpha


async def answer(pilot: Pilot[None], text: str) -> None:
    """Type `text` into the prompt on top and press Enter."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "the prompt")
    pilot.app.screen.query_one(Input).value = ""
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


async def test_d_sets_alpha_and_the_measures_show_d_alpha() -> None:
    scenario = preset("distillation")
    async with DivtuiApp(scenario).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "D_" not in metrics_text(pilot.app)  # nothing until α is set
        await pilot.press("D")
        await answer(pilot, "0.5")
        assert alpha_of(pilot.app) == 0.5
        cells = metrics_rows(pilot.app)["D_0.5(p‖q)"]
        want = [renyi_divergence(scenario.p, m.q, 0.5) for m in scenario.models]
        assert [float(c) for c in cells] == pytest.approx(want, abs=5e-5)
        await pilot.press("D")
        await answer(pilot, "inf")
        assert alpha_of(pilot.app) == math.inf
        assert "D_∞(p‖q)" in metrics_rows(pilot.app)


async def test_a_bad_alpha_keeps_the_prompt_open_with_the_reason() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        await pilot.press("D")
        await answer(pilot, "-1")
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        error = shown_words(prompt.query_one("#prompt-error"))
        assert error == "✗ Rényi order α: -1 is negative; the order must be ≥ 0"
        await pilot.press("escape")
        await pilot.pause()
        assert alpha_of(pilot.app) is None


async def test_an_empty_alpha_hides_the_row_again() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        await pilot.press("D")
        await answer(pilot, "2")
        assert "D_2(p‖q)" in metrics_text(pilot.app)
        await pilot.press("D")
        await answer(pilot, "")
        assert alpha_of(pilot.app) is None
        assert "D_" not in metrics_text(pilot.app)


async def test_an_infinite_d_alpha_is_shown_as_such() -> None:
    async with DivtuiApp(preset("support-mismatch")).run_test(size=(120, 40)) as pilot:
        await pilot.press("D")
        await answer(pilot, "2")
        assert metrics_rows(pilot.app)["D_2(p‖q)"] == ["∞"]
        await pilot.press("D")
        await answer(pilot, "0.5")
        assert metrics_rows(pilot.app)["D_0.5(p‖q)"] != ["∞"]


async def test_the_chart_screen_sets_alpha_with_its_keys_and_hands_it_back() -> None:
    scenario = preset("weather")
    async with DivtuiApp(scenario).run_test(size=(120, 40)) as pilot:
        await pilot.press("A")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RenyiScreen)
        assert screen.chart.curves is not None
        curve = screen.chart.curves.values[0]
        alphas = screen.chart.curves.alphas
        assert alphas[0] == 0.0 and alphas[-1] == 4.0
        q = scenario.models[0].q
        assert curve[::20] == tuple(renyi_divergence(scenario.p, q, a) for a in alphas[::20])
        assert screen.chart.curves.kl == (scenario.measures[0].kl,)
        await pilot.press("right")  # from no α: 1 + 0.25
        assert screen.alpha == 1.25 and screen.chart.alpha == 1.25
        await pilot.press("left", "left")
        assert screen.alpha == 0.75
        await pilot.press("a")
        await answer(pilot, "3")
        assert screen.alpha == 3.0
        table = shown_words(screen.query_one("#renyi-table", Static))
        assert "α = 3 ◀" in table
        assert f"{renyi_divergence(scenario.p, q, 3.0):.4f}" in table
        assert f"{scenario.measures[0].kl:.4f}" in table  # α = 1 is KL
        await pilot.press("escape")
        await pilot.pause()
        assert alpha_of(pilot.app) == 3.0


async def test_closing_the_chart_without_choosing_leaves_alpha_alone() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert alpha_of(pilot.app) is None


@pytest.mark.usefixtures("no_cursor_blink")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["distillation", "support-mismatch"])
def test_renyi_chart_snapshot(snap_compare: SnapCompare, name: str, size: tuple[int, int]) -> None:
    async def open_chart(pilot: Pilot[None]) -> None:
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("right", "right", "right", "right", "right")  # α = 2.25
        screen = pilot.app.screen
        assert isinstance(screen, RenyiScreen)
        await wait_for(
            pilot, lambda: screen.chart.draw_count > 0 and not screen.chart._stale, "the chart"
        )

    assert snap_compare(DivtuiApp(preset(name)), run_before=open_chart, terminal_size=size)
