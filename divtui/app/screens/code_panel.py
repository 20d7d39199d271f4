"""The code panel (`c`): for the selected model, the call each library would need and the value
it prints, one library at a time; `y` copies the program shown."""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from divtui.app.screens.modal import Dialog
from divtui.core.snippets import Snippet


class CodePanel(Dialog[None]):
    """The equivalent calls in numpy, scipy, PyTorch, JAX/optax and Keras for one model."""

    DEFAULT_CSS = """
    CodePanel { align: center middle; }
    CodePanel > VerticalScroll {
        width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    CodePanel #code-tabs { margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "dismiss", "Close"),
        Binding("right,tab", "library(1)", "Next library"),
        Binding("left,shift+tab", "library(-1)", "Previous library"),
        Binding("y", "copy", "Copy the program"),
    ]

    shown: var[int] = var(0)
    """The index of the library shown."""

    def __init__(self, title: str, snippets: tuple[Snippet, ...], refusal: str | None) -> None:
        super().__init__()
        self._title = title
        self.snippets = snippets
        """Each library's program (empty when `refusal` says why there is none)."""
        self._refusal = refusal

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(self._title, style="bold"))
            yield Static(id="code-tabs")
            yield Static(id="code")
            yield Static(
                Text("← → another library · y copies the program · Escape closes", style="dim")
            )

    def on_mount(self) -> None:
        self._show()

    def watch_shown(self) -> None:
        if self.is_mounted:
            self._show()

    def _show(self) -> None:
        code = self.query_one("#code", Static)
        tabs = self.query_one("#code-tabs", Static)
        if self._refusal is not None or not self.snippets:
            tabs.update("")
            code.update(Text(self._refusal or "", style="bold"))
            return
        line = Text()
        for index, snippet in enumerate(self.snippets):
            style = "reverse bold" if index == self.shown else "dim"
            line.append(f" {snippet.library} ", style=style)
            line.append(" ")
        tabs.update(line)
        snippet = self.snippets[self.shown]
        code.update(Syntax(snippet.code, "python", theme="ansi_dark", word_wrap=True))

    def action_library(self, step: int) -> None:
        """Show the next (or the previous) library's program."""
        if self.snippets:
            self.shown = (self.shown + step) % len(self.snippets)

    def action_copy(self) -> None:
        """Copy the program shown to the clipboard (over SSH too, by OSC 52)."""
        if not self.snippets:
            self.notify(self._refusal or "Nothing to copy.", severity="warning", markup=False)
            return
        snippet = self.snippets[self.shown]
        self.app.copy_to_clipboard(snippet.code)
        self.notify(f"Copied the {snippet.library} program.", timeout=2, markup=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
