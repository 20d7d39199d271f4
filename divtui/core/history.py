"""Undo and redo of scenarios: an immutable history, with no limit within a session."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class History(Generic[T]):
    """The present value, with the values before it (undo) and after it (redo)."""

    present: T
    past: tuple[T, ...] = ()
    future: tuple[T, ...] = ()

    @property
    def can_undo(self) -> bool:
        """Whether there is anything to undo."""
        return bool(self.past)

    @property
    def can_redo(self) -> bool:
        """Whether there is anything to redo."""
        return bool(self.future)

    def record(self, value: T) -> History[T]:
        """A new present; the old one becomes undoable and the redo list is dropped."""
        if value is self.present:
            return self
        return History(value, (*self.past, self.present), ())

    def undo(self) -> History[T]:
        """Step back one change (unchanged when there is nothing to undo)."""
        if not self.past:
            return self
        return History(self.past[-1], self.past[:-1], (self.present, *self.future))

    def redo(self) -> History[T]:
        """Step forward one undone change (unchanged when there is nothing to redo)."""
        if not self.future:
            return self
        return History(self.future[0], (*self.past, self.present), self.future[1:])

    def replace_present(self, value: T) -> History[T]:
        """Change the present without making an undo step (e.g. live training frames)."""
        return replace(self, present=value)
