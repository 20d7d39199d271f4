"""What-if tools: several models, a pinned baseline, undo/redo, logits with a temperature and
label smoothing — driven with keys, checked against the core and the formulas."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from textual.app import App
from textual.pilot import Pilot

from divtui.app.screens.prompt import PromptScreen
from divtui.core.logits import softmax
from divtui.core.measures import compare
from divtui.core.presets import preset
from divtui.core.scenario import MAX_MODELS

from .support import (
    SIZE,
    cell,
    grid,
    main_screen,
    metrics_rows,
    metrics_text,
    new_app,
    palette_titles,
)


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


def to_model_column(app: App[Any], index: int) -> None:
    """Put the grid cursor on the first outcome of model `index`."""
    grid(app).move_cursor(row=0, column=index + 2, animate=False)


# --- several models -----------------------------------------------------------------------


async def test_m_adds_a_copy_of_the_selected_model_named_q2_q3() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "m", "m")
        names = [m.name for m in screen.scenario.models]
        assert names == ["uniform", "q2", "q3"]
        for model in screen.scenario.models[1:]:
            np.testing.assert_array_equal(model.q, screen.scenario.models[0].q)
        assert metrics_rows(pilot.app)["in nats"] == ["uniform", "q2", "q3"]  # all tied: no ★


async def test_the_lowest_cross_entropy_is_starred_and_follows_edits() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "m")
        to_model_column(pilot.app, 1)
        await press(pilot, ".", "1", "4", "enter")  # q2(rain) = 0.14: closer to p
        assert screen.scenario.models[1].q[0] == 0.14
        assert metrics_rows(pilot.app)["in nats"] == ["uniform", "q2", "★"]
        assert screen.scenario.best_models == (1,)


async def test_models_are_renamed_and_removed_but_never_the_last() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "m")
        to_model_column(pilot.app, 1)
        await press(pilot, "R")
        assert isinstance(pilot.app.screen, PromptScreen)
        await press(pilot, "f", "o", "r", "e", "enter")  # the old name is selected: replaced
        assert [m.name for m in screen.scenario.models] == ["uniform", "fore"]
        await press(pilot, "M")
        assert [m.name for m in screen.scenario.models] == ["uniform"]
        await press(pilot, "M")
        assert [m.name for m in screen.scenario.models] == ["uniform"]


async def test_eight_models_fit_and_the_ninth_is_refused() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        for _ in range(MAX_MODELS + 1):
            await press(pilot, "m")
        assert len(screen.scenario.models) == MAX_MODELS
        assert screen.has_class("-many")
        header = metrics_rows(pilot.app)["in nats"]
        assert header == ["uniform", *(f"q{i}" for i in range(2, MAX_MODELS + 1))]
        for row in metrics_rows(pilot.app).values():
            assert len(row) == MAX_MODELS  # every value readable: one cell per model


# --- baseline -----------------------------------------------------------------------------


async def test_the_baseline_shows_the_change_of_every_measure() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        pinned = screen.scenario.measures[0]
        await press(pilot, "b")
        assert "baseline pinned" in str(screen.sub_title)
        await press(pilot, "right", ".", "4", "enter")  # uniform(rain) = 0.4
        now = screen.scenario.measures[0]
        rows = metrics_rows(pilot.app)
        kl_delta = now.kl - pinned.kl
        sign = "−" if kl_delta < 0 else "+"
        assert rows["KL(p‖q)"] == [f"{now.kl:.4f}", f"{sign}{abs(kl_delta):.4f}"]
        assert rows["H(p)"] == [f"{now.entropy_p:.4f}"], "an unchanged value shows no Δ"


async def test_the_baseline_survives_a_unit_change_converted() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "b", "right", ".", "4", "enter", "u")
        bits = screen.scenario.measures[0]
        pinned_bits = compare(preset("weather").p, preset("weather").models[0].q).in_unit(bits.unit)
        delta = bits.kl - pinned_bits.kl
        sign = "−" if delta < 0 else "+"
        assert metrics_rows(pilot.app)["KL(p‖q)"][1] == f"{sign}{abs(delta):.4f}"


async def test_a_model_added_after_the_baseline_has_no_delta_and_B_clears() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "b", "m")
        rows = metrics_rows(pilot.app)
        assert rows["KL(p‖q)"] == [f"{screen.scenario.measures[0].kl:.4f}", "0.2808"]
        await press(pilot, "B")
        assert screen.baseline is None
        assert metrics_rows(pilot.app)["KL(p‖q)"] == ["0.2808", "0.2808"]


# --- undo and redo ------------------------------------------------------------------------


async def test_undo_and_redo_walk_every_kind_of_change() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        states = [screen.scenario]
        assert "nothing to undo" in str(screen.sub_title)
        for keys in (
            (".", "2", "enter"),  # an edit
            ("a", "f", "o", "g", "enter"),  # an outcome added
            ("m",),  # a model added
            ("left", "left", "w", "3", "enter", "w"),  # a weight (p no longer sums to 1)
            ("n",),  # normalisation
            ("u",),  # the unit
            ("x",),  # an outcome removed
        ):
            await press(pilot, *keys)
            assert screen.scenario is not states[-1], keys
            states.append(screen.scenario)
        for expected in reversed(states[:-1]):
            await press(pilot, "ctrl+z")
            assert screen.scenario == expected
        assert "nothing to undo" in str(screen.sub_title)
        await press(pilot, "ctrl+z")  # nothing more: unchanged
        assert screen.scenario == states[0]
        for expected in states[1:]:
            await press(pilot, "ctrl+y")
            assert screen.scenario == expected
        await press(pilot, "ctrl+z", "ctrl+z", "ctrl+shift+z")
        assert screen.scenario == states[-2]


# --- logits, temperature, label smoothing -------------------------------------------------


async def test_l_switches_a_model_to_logits_keeping_q_and_shows_z_beside_q() -> None:
    async with new_app("coin").run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario.models[0].q
        await press(pilot, "right", "l")
        model = screen.scenario.models[0]
        assert model.logits is not None
        np.testing.assert_allclose(model.q, before, rtol=1e-13)
        assert cell(pilot.app, 0, 2) == f"{model.logits[0]:.3f} → {model.q[0]:.4f}"
        await press(pilot, "enter", "ctrl+a", "shift+end", "-", "1", "enter")  # z(heads) = -1
        z = screen.scenario.models[0].logits
        assert z is not None and z[0] == -1.0
        np.testing.assert_allclose(screen.scenario.models[0].q, softmax(z), rtol=1e-13)
        await press(pilot, "l")
        assert screen.scenario.models[0].logits is None


async def test_brackets_change_the_temperature_and_q_follows_the_formula() -> None:
    async with new_app("coin").run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "right", "right_square_bracket", "right_square_bracket")
        model = screen.scenario.models[0]
        assert model.logits is not None and model.temperature == pytest.approx(1.25**2)
        np.testing.assert_allclose(model.q, softmax(model.logits, 1.25**2), rtol=1e-13)
        await press(pilot, "left_square_bracket")
        assert screen.scenario.models[0].temperature == pytest.approx(1.25)
        assert "T=1.25" in grid(pilot.app).headers[2]


async def test_a_temperature_can_be_typed_exactly_and_bad_values_are_refused() -> None:
    async with new_app("distillation").run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "right")
        await pilot.app.run_action("run('set_temperature')", screen)
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptScreen)
        await press(pilot, "ctrl+a", "shift+end", "0", "enter")
        assert isinstance(pilot.app.screen, PromptScreen)  # refused, still open
        await press(pilot, "ctrl+a", "shift+end", "2", ".", "5", "enter")
        assert screen.scenario.models[0].temperature == 2.5


async def test_braces_change_label_smoothing_and_the_measures_use_the_smoothed_p() -> None:
    async with new_app("one-hot").run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await press(pilot, "right_curly_bracket", "right_curly_bracket")
        scenario = screen.scenario
        assert scenario.label_smoothing == pytest.approx(0.1)
        k = scenario.size
        expected = (1 - 0.1) * scenario.p_target + 0.1 / k
        np.testing.assert_allclose(scenario.p, expected, rtol=1e-14)
        q = scenario.models[0].q
        assert scenario.measures[0].cross_entropy == pytest.approx(
            -float(np.sum(expected * np.log(q))), rel=1e-12
        )
        assert "ε = 0.1" in str(screen.sub_title)
        assert "label smoothing ε = 0.1" in metrics_text(pilot.app)
        for _ in range(3):
            await press(pilot, "left_curly_bracket")
        assert screen.scenario.label_smoothing == 0.0
        assert not math.isnan(screen.scenario.measures[0].kl)


async def test_every_new_action_is_in_the_command_palette() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        titles = await palette_titles(pilot.app)
        assert {
            "Add a model (a copy of the selected one)",
            "Remove the selected model",
            "Rename the selected model",
            "Switch the selected model between probabilities and logits",
            "Raise the selected model's temperature (× 1.25)",
            "Lower the selected model's temperature (÷ 1.25)",
            "More label smoothing (ε + 0.05)",
            "Less label smoothing (ε − 0.05)",
            "Pin the current measures as a baseline",
            "Clear the baseline",
            "Undo the last change",
            "Redo",
            "Set the temperature of the selected model…",
            "Set the label smoothing ε…",
        } <= titles
