"""The line that says a file is being read or written, once it takes more than a moment."""

from __future__ import annotations

from textual.widgets import Static

BUSY_AFTER = 0.3
"""A load or save that takes longer than this (seconds) says so, and can be cancelled."""


class BusyLine(Static):
    """Hidden until work that started has gone on for `BUSY_AFTER` seconds."""

    DEFAULT_CSS = """
    BusyLine { display: none; height: 1; padding: 0 1; background: $warning 30%;
               text-style: bold; }
    BusyLine.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._what: str | None = None

    @property
    def shown(self) -> bool:
        """Whether the line is on screen (Escape then cancels the work)."""
        return self.has_class("-shown")

    def start(self, what: str) -> None:
        """Work began: say `what` if it is still going on after a moment."""
        self._what = what
        self.update(f"{what}  (Escape cancels)")
        self.set_timer(BUSY_AFTER, lambda: self._show(what))

    def _show(self, what: str) -> None:
        if self._what == what:
            self.add_class("-shown")
            self.screen.refresh_bindings()

    def stop(self) -> None:
        """The work is over (done, failed or cancelled)."""
        self._what = None
        self.update("")
        self.remove_class("-shown")
        self.screen.refresh_bindings()
