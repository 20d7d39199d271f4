"""The Gaussian family in the app: `f` switches a model to its moment fit and back (one undo
step each), and `K` trains the mode-seeking preset's two fits side by side."""

from __future__ import annotations

import numpy as np

from divtui.core.logits import Objective

from .support import SIZE, commit, grid, main_screen, new_app, shown_text, toasts


async def test_f_fits_a_gaussian_by_moments_and_back() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        start = screen.scenario
        await pilot.press("right", "f")
        await pilot.pause()
        model = screen.scenario.models[0]
        assert model.is_family
        i = np.arange(4)
        mean = float(np.dot(start.models[0].q, i))
        assert abs(model.mu - mean) < 1e-12
        assert "gaussian μ=1.5 σ=1.12" in shown_text(grid(pilot.app))
        await pilot.press("f")
        await pilot.pause()
        back = screen.scenario.models[0]
        assert back.is_probabilities
        np.testing.assert_allclose(back.q, model.q)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.scenario.models[0].is_family
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.scenario == start


async def test_editing_a_cell_of_a_gaussian_says_it_is_given_by_probabilities_now() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("right", "f")
        await pilot.pause()
        assert screen.scenario.models[0].is_family
        await commit(pilot, "0.5")
        model = screen.scenario.models[0]
        assert model.is_probabilities and abs(model.q[0] - 0.5) < 1e-12
        assert any("no longer a gaussian" in text for text in toasts(pilot.app))


async def test_k_trains_forward_and_reverse_side_by_side() -> None:
    async with new_app("mode-seeking").run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        start = screen.scenario
        await pilot.press("K")
        await pilot.pause()
        trainer = screen.trainer
        assert trainer.running and trainer.run is not None
        assert trainer.run.partners == ((1, Objective.REVERSE_KL),)
        for _ in range(400):  # frames, driven by hand: no clock
            if not trainer.running:
                break
            trainer.tick()
        await pilot.pause()
        assert not trainer.running
        forward, reverse = screen.scenario.models
        assert forward.is_family and reverse.is_family
        assert forward.sigma > 3 * reverse.sigma
        assert max(float(reverse.q[:8].sum()), float(reverse.q[8:].sum())) >= 0.8
        await pilot.press("ctrl+z")  # the whole run is one undo step
        await pilot.pause()
        assert screen.scenario == start
