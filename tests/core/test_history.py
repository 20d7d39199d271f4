"""Undo and redo: an immutable history with no limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from divtui.core.history import History


def test_undo_and_redo_walk_the_values_in_order() -> None:
    history = History("a").record("b").record("c")
    assert history.present == "c" and history.can_undo and not history.can_redo
    history = history.undo()
    assert history.present == "b" and history.can_redo
    history = history.undo()
    assert history.present == "a" and not history.can_undo
    assert history.undo() == history  # nothing to undo: unchanged
    history = history.redo().redo()
    assert history.present == "c" and not history.can_redo


def test_a_new_change_after_undo_drops_the_redo_list() -> None:
    history = History(1).record(2).record(3).undo().record(4)
    assert history.present == 4 and not history.can_redo
    assert history.undo().present == 2


def test_replacing_the_present_makes_no_undo_step() -> None:
    history = History(1).record(2).replace_present(3)
    assert history.present == 3 and history.undo().present == 1


@given(st.lists(st.integers(), min_size=1, max_size=60), st.integers(0, 80))
def test_undo_then_redo_is_the_identity(values: list[int], steps: int) -> None:
    history = History(-1)
    for value in values:
        history = history.record(value)
    walked = history
    for _ in range(steps):
        walked = walked.undo()
    for _ in range(steps):
        walked = walked.redo()
    assert walked.present == history.present
