"""Adding, removing and renaming outcomes, and what an infinite divergence looks like."""

from __future__ import annotations

import math

import numpy as np
from textual.widgets import Input, Label
from textual.widgets.input import Selection

from divtui.app.screens.prompt import PromptScreen
from divtui.core.measures import compare
from divtui.core.presets import preset

from .support import (
    SIZE,
    commit,
    grid,
    grid_column,
    main_screen,
    metrics_rows,
    metrics_text,
    new_app,
    shown_words,
    toasts,
    type_text,
)


def prompt_error(screen: object) -> str:
    """The prompt's error line, as shown."""
    assert isinstance(screen, PromptScreen)
    return shown_words(screen.query_one("#prompt-error", Label))


async def test_add_outcome_asks_a_label_and_refuses_bad_ones() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("a")
        await pilot.pause()
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == ""

        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is prompt, "an empty label does not close the prompt"
        assert "new outcome: a label cannot be empty" in prompt_error(prompt)

        await type_text(pilot, "snow")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is prompt, "a duplicate label does not close the prompt"
        assert "there is already an outcome 'snow'" in prompt_error(prompt)
        assert screen.scenario is before

        prompt.query_one(Input).value = ""
        await type_text(pilot, "fog")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        scenario = screen.scenario
        assert scenario.labels == ("rain", "snow", "sleet", "hail", "fog")
        for column in range(scenario.column_count):
            assert scenario.weights(column)[-1] == 0.0
            assert np.array_equal(scenario.weights(column)[:-1], before.weights(column))
        assert grid_column(pilot.app, 0)[-1] == "fog"
        assert grid(pilot.app).cursor_coordinate == (4, 1), "the cursor moves to the new outcome"


async def test_escape_in_the_prompt_adds_nothing() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("a")
        await type_text(pilot, "fog")
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert screen.scenario is before


async def test_a_new_outcome_with_p_weight_but_no_q_weight_makes_kl_infinite() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("a")
        await type_text(pilot, "fog")
        await pilot.press("enter")
        await pilot.pause()

        # Weight 0 in p and q: nothing changes, KL stays finite.
        measures = screen.scenario.measures[0]
        assert math.isfinite(measures.kl)
        assert math.isclose(measures.kl, preset("weather").measures[0].kl, rel_tol=1e-12)
        assert "∞" not in metrics_text(pilot.app)
        assert "∞" not in " ".join(grid_column(pilot.app, 0))

        # Now p(fog) > 0 = q(fog).
        assert grid(pilot.app).cursor_coordinate == (4, 1), "on the new outcome's p cell"
        await commit(pilot, "0.1")
        scenario = screen.scenario
        assert scenario.p[4] == 0.1
        assert math.isinf(scenario.measures[0].kl)
        rows = metrics_rows(pilot.app)
        assert rows["KL(p‖q)"] == ["∞"]
        assert rows["H(p,q)"] == ["∞"]
        assert rows["perplexity"] == ["∞"]
        assert rows["H(p)"] == [f"{compare(scenario.p, scenario.models[0].q).entropy_p:.4f}"]
        shown = metrics_text(pilot.app)
        assert "KL = ∞: q(fog) = 0 while p(fog) = 0.1" in shown
        assert grid_column(pilot.app, 0) == ["rain", "snow", "sleet", "hail", "∞ fog"]
        assert grid_column(pilot.app, 2)[4] == "0.0000 ∞"
        assert all("∞" not in text for text in grid_column(pilot.app, 2)[:4])


async def test_remove_takes_out_the_selected_outcome() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("down", "x")
        await pilot.pause()
        scenario = screen.scenario
        assert scenario.labels == ("rain", "sleet", "hail")
        assert np.array_equal(scenario.p_weights, [0.14, 0.03, 0.46])
        np.testing.assert_allclose(scenario.p, np.array([0.14, 0.03, 0.46]) / 0.63, rtol=1e-12)
        assert grid_column(pilot.app, 0) == ["rain", "sleet", "hail"]
        assert "Removed 'snow'." in toasts(pilot.app)
        await pilot.press("delete")
        await pilot.pause()
        assert screen.scenario.labels == ("rain", "hail")


async def test_remove_never_goes_below_two_outcomes() -> None:
    async with new_app("coin").run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("x")
        await pilot.pause()
        assert screen.scenario is before
        assert grid_column(pilot.app, 0) == ["heads", "tails"]
        assert "cannot remove 'heads': 2 outcomes is the least" in toasts(pilot.app)


async def test_remove_refuses_the_outcome_holding_all_of_a_column() -> None:
    async with new_app("one-hot").run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("down", "x")
        await pilot.pause()
        assert screen.scenario is before
        assert "cannot remove 'dog': it holds all of p's weight" in toasts(pilot.app)


async def test_rename_prefills_the_label_and_refuses_duplicates() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("down", "r")
        await pilot.pause()
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        field = prompt.query_one(Input)
        assert field.value == "snow"
        assert field.selection == Selection(0, 4)
        assert "New label for 'snow':" in shown_words(prompt.query_one("#prompt-question", Label))

        await type_text(pilot, "rain")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is prompt
        assert "there is already an outcome 'rain'" in prompt_error(prompt)
        assert screen.scenario == preset("weather")

        field.value = ""
        await type_text(pilot, "graupel")
        await pilot.press("enter")
        await pilot.pause()
        assert main_screen(pilot.app) is screen
        assert screen.scenario.labels == ("rain", "graupel", "sleet", "hail")
        assert np.array_equal(screen.scenario.p_weights, preset("weather").p_weights)
        assert grid_column(pilot.app, 0)[1] == "graupel"
