"""The classroom mode in the app: `P` hides KL in the measures and the charts and asks a
question; one key answers it; the numbers come back with the reason and the score goes in the
header. A DIRECTION question is graded after the edit it predicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App

from divtui.app.app import DivtuiApp
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.metrics_panel import MetricsPanel
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.app.widgets.quiz_line import QuizLine
from divtui.core.outcome_order import SortBy, Sorting
from divtui.core.presets import preset
from divtui.core.quiz import Kind, grade

from .support import (
    SIZE,
    commit,
    header_text,
    main_screen,
    metrics_rows,
    new_app,
    shown_words,
    toasts,
    wait_for,
    words,
)

SnapCompare = Callable[..., bool]


def hidden(app: App[Any]) -> list[bool]:
    screen = main_screen(app)
    return [
        screen.query_one(MetricsPanel).hide_kl,
        screen.query_one(DecompositionChart).hide_kl,
        screen.query_one(OutcomeChart).hide_kl,
    ]


async def test_p_hides_kl_asks_and_a_key_reveals_the_answer_graded_by_the_core() -> None:
    app = DivtuiApp(preset("distillation"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        await pilot.pause()
        screen = main_screen(app)
        line = screen.query_one(QuizLine)
        question = line.question
        assert question is not None and question.kind is Kind.CLOSER
        assert hidden(app) == [True, True, True]
        rows = metrics_rows(app)
        for name in ("H(p,q)", "KL(p‖q)", "KL(q‖p)", "JS divergence", "perplexity"):
            assert set(rows[name]) == {"?"}, name
        assert "?" not in rows["H(p)"]
        assert words(question.prompt) in shown_words(line)
        assert "classroom 0/0" in header_text(app)
        expected = grade(question, "1", screen.scenario)
        assert expected is not None
        await pilot.press("1")
        await pilot.pause()
        assert hidden(app) == [False, False, False]
        assert "?" not in metrics_rows(app)["KL(p‖q)"]
        assert words(expected.reason) in shown_words(line)
        score = "1/1" if expected.correct else "0/1"
        assert f"classroom {score}" in header_text(app)
        await pilot.press("enter")  # the next question hides KL again
        await pilot.pause()
        assert line.question is not None and line.question.kind is Kind.DIRECTION
        assert hidden(app) == [True, True, True]
        await pilot.press("P")
        await pilot.pause()
        assert not screen.query(QuizLine) and hidden(app) == [False, False, False]
        assert "classroom" not in header_text(app)


async def test_up_or_down_is_graded_after_the_next_edit() -> None:
    async with new_app().run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("P")
        await pilot.pause()
        line = main_screen(app).query_one(QuizLine)
        assert line.question is not None and line.question.kind is Kind.DIRECTION
        await pilot.press("u")  # a prediction, not the unit
        await pilot.pause()
        assert main_screen(app).scenario.unit.value == "nats"
        assert line.phase == "waiting" and hidden(app) == [True, True, True]
        await pilot.press("down", "down", "right")  # q(sleet): 0.25 → 0.1 lowers KL
        await commit(pilot, "0.1")
        await wait_for(pilot, lambda: line.phase == "revealed", "the grading")
        assert line.verdict is not None and line.verdict.correct is False
        assert "KL(p‖q) of uniform went down: 0.2808 → 0.1314" in shown_words(line)
        assert "classroom 0/1" in header_text(app)
        await wait_for(pilot, lambda: app.focused is line, "the line's focus")
        await pilot.press("enter")
        await pilot.pause()
        assert line.phase == "asking"


async def test_n_brings_the_next_practice_scenario_and_asks_about_it() -> None:
    async with DivtuiApp(preset("distillation")).run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press("P", "N")  # N only once the answer is revealed
        await pilot.pause()
        assert screen.scenario.title.startswith("Distillation")
        await pilot.press("1", "N")
        await pilot.pause()
        line = screen.query_one(QuizLine)
        assert screen.scenario.title == "Weather", "the first practice scenario: a preset"
        assert line.phase == "asking" and hidden(pilot.app) == [True, True, True]
        assert screen.session.can_undo, "the replaced scenario comes back with undo"


async def test_a_wrong_key_is_ignored_and_explaining_a_hidden_measure_is_refused() -> None:
    async with new_app().run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("P")
        await pilot.pause()
        line = main_screen(pilot.app).query_one(QuizLine)
        await pilot.press("1")  # not an answer to up/down
        await pilot.pause()
        assert line.phase == "asking"
        await pilot.press("e")
        await pilot.pause()
        assert pilot.app.screen is main_screen(pilot.app), "no explanation of a hidden KL"
        assert any("Answer the question first" in toast for toast in toasts(pilot.app))


@pytest.mark.usefixtures("no_cursor_blink")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("press", [["P"], ["P", "2"]], ids=["asked", "revealed"])
def test_quiz_snapshot(snap_compare: SnapCompare, size: tuple[int, int], press: list[str]) -> None:
    assert snap_compare(DivtuiApp(preset("distillation")), press=press, terminal_size=size)


async def test_the_classroom_mode_keeps_the_rows_out_of_the_kl_orders() -> None:
    async with DivtuiApp(preset("distillation")).run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot.app)
        screen.sort(Sorting(SortBy.KL, 0))  # the KL column shows each outcome's term
        await pilot.pause()
        assert screen.rows.sorting.by is SortBy.KL
        await pilot.press("P")
        await pilot.pause()
        assert screen.rows.sorting == Sorting()  # the outcome order
        seen = []
        for _ in range(8):  # `o` cycles the orders, past the KL ones
            await pilot.press("o")
            await pilot.pause()
            seen.append(screen.rows.sorting.by)
        assert SortBy.P in seen and SortBy.KL not in seen and SortBy.KL_DIFF not in seen
