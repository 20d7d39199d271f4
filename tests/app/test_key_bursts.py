"""Keys that arrive together (a laggy SSH link, a fast typist) must all count: the editor opens
at once on the first digit and takes the keys that still reach the grid behind it."""

from __future__ import annotations

import pytest
from textual import events

from .support import SIZE, main_screen, new_app


def burst(app: object, keys: list[tuple[str, str | None]]) -> None:
    """Queue key events back to back, without letting the app process any in between."""
    for key, character in keys:
        app.post_message(events.Key(key, character))  # type: ignore[attr-defined]


def chars(text: str) -> list[tuple[str, str | None]]:
    names = {".": "full_stop", "-": "minus"}
    return [(names.get(c, c), c) for c in text]


@pytest.mark.parametrize("typed", [".1", "0.05", ".25"])
async def test_a_burst_of_digits_and_enter_commits_the_whole_number(typed: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        burst(pilot.app, [*chars(typed), ("enter", "\r")])
        await pilot.pause()
        await pilot.pause()
        assert not screen.table.is_editing
        assert screen.scenario.p_target[0] == float(typed)


async def test_enter_then_a_burst_replaces_the_prefilled_value() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        burst(pilot.app, [("enter", "\r"), *chars(".3"), ("enter", "\r")])
        await pilot.pause()
        await pilot.pause()
        assert screen.scenario.p_target[0] == 0.3


async def test_a_burst_in_weights_mode_keeps_every_digit() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("w")
        burst(pilot.app, [*chars("1234"), ("enter", "\r")])
        await pilot.pause()
        await pilot.pause()
        assert screen.scenario.p_weights[0] == 1234.0


async def test_an_arrow_then_digits_in_one_burst_edit_the_cell_moved_to() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        burst(pilot.app, [("right", None), *chars(".4"), ("enter", "\r")])
        await pilot.pause()
        await pilot.pause()
        assert screen.scenario.models[0].q[0] == 0.4  # uniform(rain), not p(rain)
        assert screen.scenario.p_target[0] == 0.14
