"""A small modal that asks for one line of text and validates it before it closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from divtui.app.screens.modal import Dialog
from divtui.core.errors import DivtuiError


class PromptScreen(Dialog[str | None]):
    """Ask a question; dismiss with the answer once `check` accepts it, or None on Escape."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 60; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PromptScreen #prompt-error { color: $error; text-style: bold; }
    PromptScreen #prompt-hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, question: str, value: str = "", check: Callable[[str], object] | None = None
    ) -> None:
        super().__init__()
        self._question = question
        self._value = value
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._question, id="prompt-question", markup=False)
            yield Input(value=self._value, id="prompt-input", select_on_focus=True)
            yield Label("", id="prompt-error", markup=False)
            yield Label("Enter to confirm, Escape to cancel", id="prompt-hint")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.is_active:  # a second Enter queued behind the one that answered
            return
        if self._check is not None:
            try:
                self._check(event.value)
            except DivtuiError as error:
                self.query_one("#prompt-error", Label).update(f"✗ {error}")
                return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
