"""Pasting into the table: a whole column is applied as one undoable change or refused whole."""

from __future__ import annotations

import numpy as np
import pytest
from textual import events

from .support import SIZE, grid, main_screen, new_app, toasts


async def paste(pilot: object, text: str) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    grid(app).post_message(events.Paste(text))
    await pilot.pause()  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["1 2 3 4", "1,2,3,4", "1;2;3;4\n"])
async def test_a_pasted_column_replaces_q_as_one_undo_step(text: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("right")
        await paste(pilot, text)
        np.testing.assert_allclose(screen.scenario.models[0].q, [0.1, 0.2, 0.3, 0.4])
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.scenario == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.1 0.2 0.7", "got 3 values for 4 outcomes"),
        ("0.1 x 0.2 0.7", "'x' is not a number"),
        ("0 0 0 0", "all weights are zero"),
    ],
)
async def test_a_bad_paste_is_refused_whole_with_a_message(text: str, message: str) -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await paste(pilot, text)
        assert screen.scenario is before
        await pilot.pause()
        assert any(message in toast for toast in toasts(pilot.app)), toasts(pilot.app)


async def test_one_pasted_number_opens_the_editor_with_it() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await paste(pilot, "0.25")
        assert screen.table.is_editing
        await pilot.press("enter")
        await pilot.pause()
        assert screen.scenario.p_target[0] == 0.25


async def test_a_pasted_column_of_logits_sets_the_logits() -> None:
    async with new_app("label-smoothing").run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("right")
        await paste(pilot, "-1 0 1 2")
        model = screen.scenario.models[0]
        assert model.logits is not None
        np.testing.assert_array_equal(model.logits, [-1, 0, 1, 2])
