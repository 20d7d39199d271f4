"""The bench in the app: `c` opens the code panel, `y` copies at full precision, `Y` the report."""

from __future__ import annotations

import numpy as np

from divtui.app.app import DivtuiApp
from divtui.app.screens.code_panel import CodePanel
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.core.scenario import Scenario

from .support import SIZE, main_screen, new_app, toasts, wait_for


async def test_c_opens_the_panel_and_y_copies_the_program_shown() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CodePanel), "the code panel")
        panel = pilot.app.screen
        assert isinstance(panel, CodePanel)
        assert [s.library for s in panel.snippets] == [
            "numpy",
            "scipy",
            "PyTorch",
            "JAX/optax",
            "Keras",
        ]
        await pilot.press("right", "y")
        await pilot.pause()
        assert pilot.app.clipboard == panel.snippets[1].code
        assert "stats.entropy(p, q)" in pilot.app.clipboard
        assert any("Copied the scipy program" in t for t in toasts(pilot.app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, CodePanel), "closed")


async def test_a_large_unsaved_scenario_says_save_first() -> None:
    size = 30
    scenario = Scenario.build([f"t{i}" for i in range(size)], np.ones(size), [("q", np.ones(size))])
    async with DivtuiApp(scenario).run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CodePanel), "the code panel")
        panel = pilot.app.screen
        assert isinstance(panel, CodePanel)
        assert panel.snippets == ()
        assert "save first" in str(panel.query_one("#code").render())


async def test_y_copies_a_cell_a_model_s_measures_and_its_bar_at_full_precision() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("y")  # the cursor starts on p(rain)
        await pilot.pause()
        assert pilot.app.clipboard == repr(float(screen.scenario.p_target[0]))
        assert any("Copied p(rain)" in t for t in toasts(pilot.app))
        screen.query_one(MetricsPanel).focus()
        await pilot.press("y")
        await pilot.pause()
        kl = screen.analysis.measures[0].kl
        assert f"KL(p‖q) = {kl!r}" in pilot.app.clipboard.splitlines()
        screen.query_one(DecompositionChart).focus()
        await pilot.press("y")
        await pilot.pause()
        assert pilot.app.clipboard == repr(screen.analysis.measures[0].cross_entropy)
        assert float(pilot.app.clipboard) == screen.analysis.measures[0].cross_entropy


async def test_shift_y_copies_the_report_as_markdown() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("Y")
        await pilot.pause()
        assert pilot.app.clipboard.startswith("# Weather")
        assert "| KL(p‖q) |" in pilot.app.clipboard
        assert any("Copied the report as Markdown" in t for t in toasts(pilot.app))
