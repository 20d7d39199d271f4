"""Sorting a small table: by a click on a header or with `o`; edits still reach their outcome."""

from __future__ import annotations

import pytest
from textual.events import Paste

from divtui.app.app import DivtuiApp
from divtui.core.outcome_order import SortBy, Sorting
from divtui.core.presets import PRESETS, preset
from divtui.core.scenario import Scenario

from .support import (
    SIZE,
    cell,
    commit,
    grid,
    grid_column,
    main_screen,
    new_app,
    ranks,
    shown_lines,
    toasts,
    type_text,
)


async def test_a_click_on_a_header_sorts_and_an_edit_reaches_the_outcome_shown() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        table = grid(pilot.app)
        screen = main_screen(pilot.app)
        await pilot.click(table, offset=(table.column_x(1) + 1, 0))  # the "p" header
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["hail", "snow", "rain", "sleet"]
        assert table.headers[1] == "p ▼"
        subtitle = str(screen.query_one("#table-panel").border_subtitle)
        assert subtitle == "4 outcomes, by p ▼ · o sort · / find"
        await pilot.press("u")  # a unit changes no value: the order is still right
        await pilot.pause()
        assert not main_screen(pilot.app).rows.stale
        await pilot.press("home", "down")  # snow, second largest
        await commit(pilot, "0.5")
        assert screen.scenario.p_target[1] == 0.5  # snow is outcome 1
        assert grid_column(pilot.app, 0) == ["hail", "snow", "rain", "sleet"], "no jump on edit"
        panel = screen.query_one("#table-panel")
        assert panel.border_subtitle == "by p ▼ before your edits · o re-sorts"
        await pilot.press("o")  # sorts by p again, rather than by the next key
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["snow", "hail", "rain", "sleet"]
        assert table.cursor_outcome == 1, "the cursor stays on snow"
        assert panel.border_subtitle == "4 outcomes, by p ▼ · o sort · / find"
        await pilot.click(table, offset=(table.column_x(1) + 1, 0))  # again: outcome order
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["rain", "snow", "sleet", "hail"]
        assert screen.query_one("#table-panel").border_subtitle == ""


async def test_o_sorts_by_the_selected_models_kl_term_and_the_cursor_keeps_its_outcome() -> None:
    async with new_app("support-mismatch").run_test(size=SIZE) as pilot:
        table = grid(pilot.app)
        await pilot.press("right", "down", "down")  # sleet, in the model's column
        assert table.cursor_outcome == 2
        for _ in range(4):  # label, p, q, |KL term|
            await pilot.press("o")
        await pilot.pause()
        assert grid_column(pilot.app, 0)[0] == "∞ sleet", "the infinite KL term first"
        assert table.cursor_outcome == 2 and table.cursor_coordinate.row == 0
        assert table.headers[3] == "KL term ▼  cum %"
        assert grid_column(pilot.app, 3)[0] == "∞", "no share of the finite part for ∞"


async def test_removing_adding_and_renaming_keep_the_order_of_the_other_rows() -> None:
    """An edit leaves the order as it was; so do removing, adding and renaming an outcome,
    which would otherwise sort a million rows again. Undo and redo sort afresh."""
    async with new_app().run_test(size=SIZE) as pilot:
        table = grid(pilot.app)
        screen = main_screen(pilot.app)
        await pilot.press("o", "o")  # by p: hail, snow, rain, sleet
        await pilot.press("end")
        await commit(pilot, "0.9")  # sleet is now the largest, but keeps its row
        assert grid_column(pilot.app, 0) == ["hail", "snow", "rain", "sleet"]
        await pilot.press("home", "down", "x")  # remove snow
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["hail", "rain", "sleet"]
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "fog")
        await pilot.press("enter")
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["hail", "rain", "sleet", "fog"], "new row at the end"
        assert table.cursor_outcome == screen.scenario.labels.index("fog")
        await pilot.press("home", "r")
        await pilot.pause()
        await pilot.press("ctrl+a", "shift+end")
        await type_text(pilot, "ice")
        await pilot.press("enter")
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["ice", "rain", "sleet", "fog"]
        await pilot.press("ctrl+z")  # undo of a rename: one label changes back, rows stay
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["hail", "rain", "sleet", "fog"]
        await pilot.press("o")  # sorting again by p puts the edited sleet first
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["sleet", "hail", "rain", "fog"]


async def test_a_pasted_column_runs_down_the_rows_as_shown() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("o")  # by label: hail, rain, sleet, snow
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["hail", "rain", "sleet", "snow"]
        await pilot.press("home")  # on p
        await pilot.pause()
        grid(pilot.app).post_message(Paste("0.1 0.2 0.3 0.4"))
        await pilot.pause()
        assert grid_column(pilot.app, 1) == ["0.1000", "0.2000", "0.3000", "0.4000"]
        labels = screen.scenario.labels
        assert screen.scenario.p_target[labels.index("hail")] == pytest.approx(0.1)
        assert screen.scenario.p_target[labels.index("snow")] == pytest.approx(0.4)
        assert any("top to bottom as the rows are shown" in toast for toast in toasts(pilot.app))


async def test_a_preset_opens_in_its_own_order() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press("o", "o")  # by p
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press(*(["down"] * list(PRESETS).index("mode-seeking")), "enter")
        await pilot.pause()
        assert main_screen(pilot.app).scenario == preset("mode-seeking")
        assert grid(pilot.app).sorting == Sorting()
        assert grid_column(pilot.app, 0) == list(main_screen(pilot.app).scenario.labels)


async def test_the_infinity_mark_fits_a_short_model_name() -> None:
    scenario = Scenario.build(["a", "b", "c"], [0.5, 0.3, 0.2], [("q1", [1, 1, 0])])
    async with DivtuiApp(scenario).run_test(size=SIZE) as pilot:
        line = shown_lines(grid(pilot.app))[3]
        assert "0.0000 ∞" in line


async def test_the_labels_stay_on_the_left_when_the_table_scrolls_sideways() -> None:
    async with new_app().run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "m", "m", "m")
        for _ in range(5):
            await pilot.press("right")
        await pilot.pause()
        table = grid(pilot.app)
        assert table.scroll_x > 0
        lines = shown_lines(table)
        assert [line.split()[0] for line in lines[1:5]] == ["rain", "snow", "sleet", "hail"]
        # No column is cut at the left edge: the first number after a label is whole.
        assert all(line.split()[1] == "0.25" for line in lines[1:5])


async def test_clicks_on_a_model_header_sort_by_its_q_then_its_kl_terms_then_not() -> None:
    async with new_app("support-mismatch").run_test(size=SIZE) as pilot:
        table = grid(pilot.app)
        header = (table.column_x(2) + 1, 0)
        await pilot.click(table, offset=header)
        await pilot.pause()
        assert table.sorting == Sorting(SortBy.Q, 0)
        assert grid_column(pilot.app, 0) == ["hail", "snow", "rain", "∞ sleet"]
        await pilot.click(table, offset=header)
        await pilot.pause()
        assert table.sorting == Sorting(SortBy.KL, 0)
        await pilot.click(table, offset=header)
        await pilot.pause()
        assert table.sorting == Sorting()


async def test_moving_the_cursor_brings_a_scrolled_away_table_back_into_view() -> None:
    async with new_app().run_test(size=(80, 24)) as pilot:
        await pilot.press("v", "v", "v")  # the "all" view: at 80x24 the screen scrolls
        await pilot.pause()
        body = main_screen(pilot.app).query_one("#body")
        body.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert body.scroll_y > 0
        table = grid(pilot.app)
        assert table.has_focus
        await pilot.press("down")
        await pilot.pause()
        assert body.scroll_y < 4, "scrolled back to the table"
        assert body.region.contains_region(table.region), "every row of the table is on screen"


async def test_a_sorted_table_shows_each_rows_rank_and_an_unsorted_one_does_not() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        assert grid_column(pilot.app, 0) == ["rain", "snow", "sleet", "hail"]
        assert cell(pilot.app, 0, 0) == "rain", "outcome order: no rank"
        await pilot.press("o", "o")  # by p
        await pilot.pause()
        assert ranks(pilot.app) == ["1", "2", "3", "4"]
        assert grid_column(pilot.app, 0) == ["hail", "snow", "rain", "sleet"]
        assert grid(pilot.app).cursor_coordinate.row == 0, "the cursor goes to the top"


async def test_with_label_smoothing_the_p_column_shows_p_and_p_prime() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        await pilot.press("right_curly_bracket")  # ε = 0.05
        await pilot.pause()
        screen = main_screen(pilot.app)
        smoothed = screen.scenario.p
        assert grid(pilot.app).headers[1] == "p → p′ (ε=0.05)"
        assert cell(pilot.app, 0, 1) == f"0.1400 → {smoothed[0]:.4f}"
        assert smoothed[0] == pytest.approx(0.95 * 0.14 + 0.05 / 4, rel=1e-12)
