"""The help screen: what divtui shows, and every key."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, str], ...] = (
    ("↑ ↓ ← →, mouse", "move between cells"),
    ("Enter, double click", "edit the cell (pre-filled and selected: type to replace)"),
    ("0–9 or .", "start editing the cell with that character"),
    ("Enter / Escape", "in the editor: commit / cancel"),
    ("w", "toggle probabilities ↔ weights (counts normalised on the fly)"),
    ("n", "normalise the current column (weights become probabilities)"),
    ("a", "add an outcome (weight 0 in every column)"),
    ("x, Delete", "remove the selected outcome (never below two)"),
    ("r", "rename the selected outcome"),
    ("u", "cycle the unit: nats → bits → hartleys"),
    ("ctrl+t", "choose a colour theme"),
    ("ctrl+p", "command palette: every action by name"),
    ("Tab / shift+Tab", "move between table, metrics and charts"),
    ("?", "this help"),
    ("q, ctrl+q", "quit"),
)

INTRO = (
    "Cross-entropy H(p,q) = H(p) + KL(p‖q). H(p) is the uncertainty of the truth p and no model "
    "can remove it; KL(p‖q) ≥ 0 is what the model q adds, zero only when q = p. Edit p or q and "
    "watch the KL part of each bar grow or shrink on top of H(p)."
)


class HelpScreen(ModalScreen[None]):
    """Every key divtui answers to, with a line on what the app shows."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in KEYS:
            table.add_row(key, what)
        with VerticalScroll():
            yield Static(Text("divtui help", style="bold"))
            yield Static(INTRO)
            yield Static("")
            yield Static(table)
            yield Static(Text("\nEscape, q or ? closes this help.", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
