"""Modal screens that close once: divtui's dialogs and the command palette.

Input typed or clicked fast can queue a second answer behind the one that closes a modal screen
(Enter twice, a double click on the palette's background): it reaches the screen after it has
left the stack. Textual's `dismiss` would then pop whatever screen is on top, the main screen or
the dialog beneath (Textualize/textual#2575), so a screen that is no longer active ignores it.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette
from textual.screen import ModalScreen
from textual.widgets import Input

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """The base of divtui's dialogs: a modal screen dismissed at most once."""

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete()  # nothing to wait for
        return super().dismiss(result)


class Palette(CommandPalette):
    """Textual's command palette, dismissed at most once."""

    DEFAULT_CSS = """
    /* Narrower, the commands would have no width left, which Textual cannot wrap. */
    Palette > Vertical { min-width: 20; }
    """

    def dismiss(self, result: None = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete()  # nothing to wait for
        return super().dismiss(result)

    @on(Input.Changed)
    def _no_search_once_closed(self, event: Input.Changed) -> None:
        # A key queued behind the click or key that closed the palette still reaches its input;
        # the search Textual would start for it outlives the palette and fails on its removed
        # list (NoMatches in a worker). Stopping the default skips CommandPalette's handler.
        if not self.is_active:
            event.stop()
            event.prevent_default()

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", show=False),
        Binding("pageup", "page(-1)", "Previous page", show=False),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The list's keys (↑ ↓, page and ends) do nothing once the list is gone (the palette
        is closing): a key queued behind the one that closed it would raise NoMatches."""
        if action in {"command_list", "cursor_down"} and not self.query(CommandList):
            return False
        return super().check_action(action, parameters)

    async def action_page(self, direction: int) -> None:
        """A page down or up the list of commands. Textual's OptionList raises KeyError when
        asked to page while it shows no rows (a terminal a few rows high, or a key pressed
        before the list is first laid out), so that does nothing."""
        found = self.query(CommandList)  # none once the palette is closing
        if not self.is_active or not found or not found.first().scrollable_content_region:
            return
        commands = found.first()
        await commands.run_action("page_down" if direction > 0 else "page_up")
