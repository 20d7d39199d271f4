"""Editing cells with the keyboard: the editor, probabilities, weights and refused values."""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets.input import Selection

from divtui.app.widgets.distribution_table import DistributionTable
from divtui.app.widgets.outcome_grid import OutcomeGrid
from divtui.core.presets import preset

from .support import (
    SIZE,
    cell,
    commit,
    editor,
    editor_error,
    grid,
    grid_column,
    header_text,
    main_screen,
    new_app,
    shown_words,
    toasts,
    type_text,
    words,
)


async def test_cursor_starts_on_first_p_cell_with_focus() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        table = grid(pilot.app)
        assert table.cursor_coordinate == (0, 1)
        assert isinstance(pilot.app.focused, OutcomeGrid)
        assert not main_screen(pilot.app).table.is_editing


async def test_enter_prefills_exact_value_fully_selected_and_typing_replaces() -> None:
    # Start from p(snow) = 0.37 · 0.8/0.86, whose shortest repr has 17 digits.
    scenario = preset("weather").with_probability(0, 0, 0.2)
    exact = float(scenario.p[1])
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        screen.scenario = scenario
        await pilot.press("down", "enter")
        await pilot.pause()
        field = editor(pilot.app)
        assert screen.table.is_editing
        assert pilot.app.focused is field
        assert float(field.value) == exact
        assert field.value == repr(exact)
        assert field.selection == Selection(0, len(field.value))
        assert shown_words(screen.query_one("#editor-cell")) == "p(snow) ="
        await type_text(pilot, "0.5")
        assert field.value == "0.5"


async def test_enter_on_label_column_prefills_the_label() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press("left", "enter")
        await pilot.pause()
        field = editor(pilot.app)
        assert field.value == "rain"
        assert field.selection == Selection(0, 4)


@pytest.mark.parametrize("key", ["7", "."])
async def test_digit_or_dot_starts_editing_with_that_character(key: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        field = editor(pilot.app)
        assert main_screen(pilot.app).table.is_editing
        assert pilot.app.focused is field
        assert field.value == key
        assert field.cursor_position == 1
        assert field.selection == Selection.cursor(1)


async def test_digit_on_label_column_does_not_edit() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        before = main_screen(pilot.app).scenario
        await pilot.press("left", "5")
        await pilot.pause()
        assert not main_screen(pilot.app).table.is_editing
        assert main_screen(pilot.app).scenario is before


async def test_escape_cancels_and_leaves_the_scenario_unchanged() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("enter")
        await type_text(pilot, "0.9")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.scenario is before
        assert not screen.table.is_editing
        assert isinstance(pilot.app.focused, OutcomeGrid)
        assert cell(pilot.app, 0, 1) == "0.1400"


async def test_probability_is_kept_exactly_and_the_others_rescale_in_proportion() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        old = np.array(screen.scenario.p)
        await commit(pilot, "0.2")
        p = np.array(screen.scenario.p)
        assert p[0] == 0.2
        expected_others = old[1:] * (0.8 / old[1:].sum())
        np.testing.assert_allclose(p[1:], expected_others, rtol=1e-12)
        np.testing.assert_allclose(p[1:] / p[1], old[1:] / old[1], rtol=1e-12)
        assert abs(p.sum() - 1) < 1e-12
        assert screen.scenario.models == preset("weather").models
        assert not screen.table.is_editing
        assert grid_column(pilot.app, 1) == [f"{x:.4f}" for x in p]


async def test_commit_posts_one_cell_edited_with_exactly_what_was_typed() -> None:
    posted: list[DistributionTable.CellEdited] = []

    def hook(message: object) -> None:
        # The hook sees a message at every node it bubbles through: keep each one once.
        if isinstance(message, DistributionTable.CellEdited) and all(
            message is not seen for seen in posted
        ):
            posted.append(message)

    async with new_app().run_test(size=SIZE, message_hook=hook) as pilot:
        await pilot.press("right", "down")
        await commit(pilot, " 0.3 ")
        assert [(m.row, m.column, m.text) for m in posted] == [(1, 1, " 0.3 ")]
        assert posted[0].control is main_screen(pilot.app).table
        assert main_screen(pilot.app).scenario.models[0].q[1] == 0.3
        assert isinstance(pilot.app.focused, OutcomeGrid), "the grid gets the focus back"


async def test_double_click_edits_the_cell_under_the_pointer() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        table = grid(pilot.app)
        x = table.column_x(2) + 1  # inside the model column
        y = 1 + 1  # the header, then rain; snow is on this line
        await pilot.double_click(table, offset=(x, y))
        await pilot.pause()
        assert table.cursor_coordinate == (1, 2)
        assert main_screen(pilot.app).table.is_editing
        assert editor(pilot.app).value == "0.25"
        assert shown_words(main_screen(pilot.app).query_one("#editor-cell")) == "uniform(snow) ="


async def test_a_model_column_is_edited_like_p() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("right", "down")
        await commit(pilot, "0.4")
        q = np.array(screen.scenario.models[0].q)
        np.testing.assert_allclose(q, [0.2, 0.4, 0.2, 0.2], rtol=1e-12)
        assert q[1] == 0.4
        assert np.array_equal(screen.scenario.p, preset("weather").p)
        assert grid_column(pilot.app, 2) == ["0.2000", "0.4000", "0.2000", "0.2000"]


REFUSED_NUMBERS = [
    pytest.param("abc", "p(rain): 'abc' is not a number", id="not-a-number"),
    pytest.param("-0.1", "p(rain): -0.1 is negative", id="negative"),
    pytest.param("nan", "p(rain): NaN is not a probability or weight", id="nan"),
    pytest.param("inf", "p(rain): inf is not a finite weight", id="inf"),
    pytest.param("1.5", "p(rain): 1.5 is more than 1", id="above-one"),
    pytest.param("", "p(rain): a value is needed", id="empty"),
]


@pytest.mark.parametrize(("typed", "message"), REFUSED_NUMBERS)
async def test_refused_probability_says_why_and_changes_nothing(typed: str, message: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await commit(pilot, typed)
        assert words(message) in editor_error(pilot.app)
        assert editor_error(pilot.app).startswith("✗")
        assert screen.scenario == preset("weather")
        assert screen.scenario is before
        assert screen.table.is_editing, "the editor stays open with the text"
        assert editor(pilot.app).value == typed
        assert cell(pilot.app, 0, 1) == "0.1400"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        pytest.param("", "label of outcome 1: a label cannot be empty", id="empty"),
        pytest.param("   ", "label of outcome 1: a label cannot be empty", id="blank"),
        pytest.param("snow", "there is already an outcome 'snow'", id="duplicate"),
    ],
)
async def test_refused_label_says_why_and_changes_nothing(typed: str, message: str) -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("left")
        await commit(pilot, typed)
        assert words(message) in editor_error(pilot.app)
        assert screen.scenario == preset("weather")
        assert screen.table.is_editing
        assert grid_column(pilot.app, 0) == ["rain", "snow", "sleet", "hail"]


async def test_label_is_renamed_in_the_editor() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("left")
        await commit(pilot, "drizzle")
        assert screen.scenario.labels == ("drizzle", "snow", "sleet", "hail")
        assert np.array_equal(screen.scenario.p_weights, preset("weather").p_weights)
        assert cell(pilot.app, 0, 0) == "drizzle"


async def test_an_error_then_a_valid_value_commits_and_clears_the_error() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await commit(pilot, "2")
        assert "more than 1" in editor_error(pilot.app)
        editor(pilot.app).value = "0.5"
        await pilot.press("enter")
        await pilot.pause()
        assert not screen.table.is_editing
        assert editor_error(pilot.app) == ""
        assert screen.scenario.p[0] == 0.5


async def test_weights_mode_shows_weight_and_probability() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        assert screen.sub_title == "overview · nats · probabilities · nothing to undo"
        assert (
            header_text(pilot.app) == "Weather — overview · nats · probabilities · nothing to undo"
        )
        await pilot.press("w")
        await pilot.pause()
        assert screen.weights_mode
        assert screen.sub_title.startswith("overview · nats · weights")
        assert header_text(pilot.app).startswith("Weather — overview · nats · weights")
        assert screen.scenario is before, "switching mode does not change the scenario"
        assert grid_column(pilot.app, 1) == [
            "0.14 → 0.1400",
            "0.37 → 0.3700",
            "0.03 → 0.0300",
            "0.46 → 0.4600",
        ]
        assert grid(pilot.app).headers == [
            "outcome",
            "p (weight → p)",
            "uniform (weight → p)",
        ]
        await pilot.press("w")
        await pilot.pause()
        assert not screen.weights_mode
        assert screen.sub_title.startswith("overview · nats · probabilities")
        assert grid_column(pilot.app, 1) == ["0.1400", "0.3700", "0.0300", "0.4600"]


async def test_weights_mode_keeps_the_other_weights_and_normalises_on_the_fly() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        old = np.array(screen.scenario.p_weights)
        await pilot.press("w", "enter")
        await pilot.pause()
        assert editor(pilot.app).value == "0.14"
        editor(pilot.app).value = ""
        await type_text(pilot, "3")
        await pilot.press("enter")
        await pilot.pause()
        weights = np.array(screen.scenario.p_weights)
        assert weights[0] == 3.0
        assert np.array_equal(weights[1:], old[1:])
        expected = weights / weights.sum()
        np.testing.assert_allclose(screen.scenario.p, expected, rtol=1e-12)
        assert grid_column(pilot.app, 1) == [
            f"{w:g} → {p:.4f}" for w, p in zip(weights, expected, strict=True)
        ]


async def test_weights_mode_accepts_more_than_one_but_not_an_all_zero_column() -> None:
    async with new_app("coin").run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("w")
        await commit(pilot, "7")
        assert np.array_equal(screen.scenario.p_weights, [7.0, 0.5])
        await commit(pilot, "0")
        await pilot.press("down")
        await commit(pilot, "0")
        assert "every weight of the column zero" in editor_error(pilot.app)
        assert np.array_equal(screen.scenario.p_weights, [0.0, 0.5])


async def test_normalise_turns_weights_into_probabilities() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("w")
        await commit(pilot, "3")
        p_before = np.array(screen.scenario.p)
        assert not screen.scenario.is_normalised(0)
        await pilot.press("n")
        await pilot.pause()
        assert screen.scenario.is_normalised(0)
        np.testing.assert_allclose(screen.scenario.p_weights, p_before, rtol=1e-12)
        np.testing.assert_allclose(screen.scenario.p, p_before, rtol=1e-12)
        assert cell(pilot.app, 0, 1).endswith(f"→ {p_before[0]:.4f}")
        assert cell(pilot.app, 0, 1).startswith(f"{p_before[0]:.4f}")
        assert "Normalised p." in toasts(pilot.app)


async def test_normalise_on_the_label_column_explains_and_changes_nothing() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("left", "n")
        await pilot.pause()
        assert screen.scenario is before
        assert any("Move to a p or q column" in toast for toast in toasts(pilot.app))


async def test_tab_out_of_an_open_editor_leaves_the_app_answering_keys() -> None:
    """Monkey find: Enter, then Tab left the editor open without focus, and Escape and `u` did
    nothing until several more Tabs. Leaving the editor cancels the edit."""
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.table.is_editing
        await pilot.press("tab")
        await pilot.pause()
        assert not screen.table.is_editing
        assert pilot.app.focused is not editor(pilot.app)
        await pilot.press("u")
        await pilot.pause()
        assert screen.scenario.unit.value == "bits", "u is answered at once"
        assert screen.scenario.p[0] == 0.14, "nothing was committed"


async def test_a_focus_change_by_click_cancels_an_open_edit_too() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("enter", "5")
        await pilot.pause()
        assert screen.table.is_editing
        await pilot.click("#metrics")
        await pilot.pause()
        assert not screen.table.is_editing
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.scenario.p[0] == 0.14
