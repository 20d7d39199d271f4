"""The bench in the app: `c` opens the code panel, `y` copies at full precision, `Y` the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import special

from divtui.app.app import DivtuiApp
from divtui.app.screens.code_panel import CodePanel
from divtui.app.screens.prompt import PromptScreen
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.core.formatting import format_value
from divtui.core.kiosk import KioskPolicy
from divtui.core.scenario import Scenario

from .support import (
    SIZE,
    cell,
    commit,
    grid,
    grid_column,
    main_screen,
    new_app,
    toasts,
    wait_for,
)


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


async def test_y_copies_a_cell_the_selected_measure_and_a_bar_at_full_precision() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("y")  # the cursor starts on p(rain)
        await pilot.pause()
        assert pilot.app.clipboard == repr(float(screen.scenario.p_target[0]))
        assert any("Copied p(rain)" in t for t in toasts(pilot.app))
        screen.query_one(MetricsPanel).focus()
        await pilot.press("y")  # the panel's selection starts on KL(p‖q)
        await pilot.pause()
        assert pilot.app.clipboard == repr(screen.analysis.measures[0].kl)
        assert any("Copied uniform's KL(p‖q)" in t for t in toasts(pilot.app))
        await pilot.press("up", "y")  # H(p,q), the row above
        await pilot.pause()
        assert float(pilot.app.clipboard) == screen.analysis.measures[0].cross_entropy
        screen.query_one(DecompositionChart).focus()
        await pilot.press("y")
        await pilot.pause()
        assert pilot.app.clipboard == repr(screen.analysis.measures[0].cross_entropy)
        assert float(pilot.app.clipboard) == screen.analysis.measures[0].cross_entropy


async def test_y_on_a_measure_the_classroom_mode_hides_copies_nothing() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("P")
        await pilot.pause()
        screen.query_one(MetricsPanel).focus()
        await pilot.press("y")
        await pilot.pause()
        assert not pilot.app.clipboard
        assert any("hidden until the question is answered" in t for t in toasts(pilot.app))


async def test_shift_y_copies_the_report_as_markdown() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("Y")
        await pilot.pause()
        assert pilot.app.clipboard.startswith("# Weather")
        assert "| KL(p‖q) |" in pilot.app.clipboard
        assert any("Copied the report as Markdown" in t for t in toasts(pilot.app))


async def test_l_locks_a_cell_marks_it_and_the_next_edit_says_what_it_rescaled() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("m")  # q2, a copy of uniform
        await pilot.pause()
        await pilot.press("home", "right", "right", "down", "down")  # q2(sleet)
        await commit(pilot, ".1")
        await pilot.press("L")
        await pilot.pause()
        assert screen.scenario.locks == frozenset({("q2", "sleet")})
        assert cell(pilot.app, 2, 3).endswith("⊡")
        await pilot.press("up")  # q2(snow)
        await commit(pilot, ".2")
        q2 = screen.scenario.probabilities(2)
        assert q2[2] == pytest.approx(0.1, abs=1e-15) and q2[1] == pytest.approx(0.2, abs=1e-15)
        assert any(
            "rescaled 2 unlocked cells (rain, hail); kept 1 locked (sleet)" in t
            for t in toasts(pilot.app)
        )
        await pilot.press("ctrl+z", "ctrl+z")  # the edit, then the lock
        await pilot.pause()
        assert not screen.scenario.locks
        assert not cell(pilot.app, 2, 3).endswith("⊡")


async def test_f_says_what_kl_is_with_q_floored() -> None:
    async with new_app("support-mismatch").run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "the prompt")
        await pilot.press("enter")  # the offered ε = 1e-6
        await pilot.pause()
        scenario = main_screen(pilot.app).scenario
        q = np.maximum(scenario.models[0].q, 1e-6)
        expected = float(special.rel_entr(scenario.p, q / q.sum()).sum())
        said = " ".join(toasts(pilot.app))
        assert f"KL with q floored at 1e-06 and renormalised = {expected:.6f}" in said
        assert "1 outcome with q = 0 < p, p-mass 0.03" in said


async def test_o_sorts_by_the_difference_of_two_models_kl_terms() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("m")  # q2, a copy of uniform, the cursor in its column
        await pilot.pause()
        await commit(pilot, ".7")  # q2(rain)
        for _ in range(5):  # label, p, q, |KL term|, |ΔKL term|
            await pilot.press("o")
        await pilot.pause()
        scenario = screen.scenario
        difference = scenario.terms[1].kl - scenario.terms[0].kl
        expected = [scenario.labels[i] for i in np.argsort(-np.abs(difference), kind="stable")]
        table = grid(pilot.app)
        assert table.headers[4] == "ΔKL q2−uniform ▼"
        assert grid_column(pilot.app, 0) == expected
        assert grid_column(pilot.app, 4) == [
            format_value(float(difference[scenario.labels.index(label)]), 4) for label in expected
        ]


async def test_the_kiosk_code_panel_names_no_host_path(tmp_path: Path) -> None:
    size = 30
    scenario = Scenario.build([f"t{i}" for i in range(size)], np.ones(size), [("q", np.ones(size))])
    secret = tmp_path / "secret-host-dir" / "s.npz"
    app = DivtuiApp(scenario, path=secret, kiosk=KioskPolicy())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CodePanel), "the code panel")
        panel = pilot.app.screen
        assert isinstance(panel, CodePanel) and panel.snippets
        for snippet in panel.snippets:
            assert str(tmp_path) not in snippet.code and "secret-host-dir" not in snippet.code
