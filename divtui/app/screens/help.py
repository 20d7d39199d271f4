"""The help screen: what divtui shows, and every key — generated from the command table, so a
new action can never be missing from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from divtui.app.screens.modal import Dialog

if TYPE_CHECKING:
    from divtui.app.commands import Command

NAVIGATION: tuple[tuple[str, str], ...] = (
    ("↑ ↓ ← →, mouse", "move between cells"),
    ("enter, double click", "edit the cell (pre-filled and selected: type to replace)"),
    ("pgup / pgdn, home / end", "a page up or down; the first or the last row"),
    ("a click on a header", "sort by that column (a model's: q, then |KL term|, then none)"),
    ("paste", "a list of numbers onto p or a model replaces the column (one number: the cell)"),
    ("0–9 or . or -", "start editing the cell with that character"),
    ("enter / escape", "in the editor: commit / cancel"),
    ("tab / shift+tab", "move between table, measures and charts"),
    ("on the measures: ↑ ↓ ← →, enter", "select a measure and a model; explain it"),
    ("ctrl+p", "command palette: every action by name"),
)

INTRO = (
    "Cross-entropy H(p,q) = H(p) + KL(p‖q). H(p) is the uncertainty of the truth p and no model "
    "can remove it; KL(p‖q) ≥ 0 is what the model q adds, zero only when q = p. Edit p or q and "
    "watch the KL part of each bar grow or shrink on top of H(p)."
)


def command_rows(commands: Iterable[Command]) -> list[tuple[str, str]]:
    """(keys, what they do) for each command, in the order they are declared (a command with
    two ids for one key, such as q and ctrl+q, is listed once per key)."""
    return [(command.keys_text, command.help) for command in commands]


class HelpScreen(Dialog[None]):
    """Every key divtui answers to, with a line on what the app shows."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def __init__(self, commands: Iterable[Command] = ()) -> None:
        super().__init__()
        self._rows = [*NAVIGATION, *command_rows(commands)]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in self._rows:
            table.add_row(key, what)
        with VerticalScroll():
            yield Static(Text("divtui help", style="bold"))
            yield Static(INTRO)
            yield Static("")
            yield Static(table)
            yield Static(Text("\nEscape, q or ? closes this help.", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
