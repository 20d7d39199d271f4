"""Sorting a small table: by a click on a header or with `o`; edits still reach their outcome."""

from __future__ import annotations

from .support import SIZE, commit, grid, grid_column, main_screen, new_app, type_text


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
        assert not table.order_is_stale
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
        assert table.headers[3] == "KL term ▼"
        assert grid_column(pilot.app, 3)[0] == "∞"


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
        await pilot.press("ctrl+z")  # undo sorts afresh, by p
        await pilot.pause()
        assert grid_column(pilot.app, 0) == ["sleet", "hail", "rain", "fog"]
