"""A modal yes/no question whose safe answer is the default."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label

from divtui.app.screens.modal import Dialog


class ConfirmScreen(Dialog[bool]):
    """Ask before something that loses work; dismiss with True to go ahead, False to stay.

    Focus starts on the safe button, so Enter alone never confirms.
    """

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 60; max-width: 100%; height: auto;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ConfirmScreen Label { width: 1fr; }
    ConfirmScreen #confirm-question { margin-bottom: 1; }
    ConfirmScreen #confirm-buttons { height: auto; align-horizontal: right; }
    ConfirmScreen #confirm-buttons Button { margin-left: 2; }
    ConfirmScreen #confirm-hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]
    """y confirms, n or Escape cancels; ← → move between the buttons, Enter presses one."""

    def __init__(
        self, question: str, *, confirm: str = "Quit without saving", cancel: str = "Cancel"
    ) -> None:
        super().__init__()
        self._question = question
        self._confirm = confirm
        self._cancel = cancel

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                # Content, not str: a Button parses a str label as markup.
                yield Button(Content(self._confirm), id="confirm", variant="error")
                yield Button(Content(self._cancel), id="cancel", variant="primary")
            yield Label("y confirms · n or Escape cancels", id="confirm-hint")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def action_answer(self, answer: bool) -> None:
        """Close with `answer`."""
        self.dismiss(answer)

    @on(Button.Pressed)
    def _on_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")
