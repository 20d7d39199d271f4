"""A modal that asks for a file path (for Open and Save as), completes names as they are typed
and checks the path before it closes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Label

from divtui.app.screens.modal import Dialog
from divtui.core.errors import DivtuiError
from divtui.core.scenario_file import SUFFIXES

SCENARIO_SUFFIX = ".toml"
"""What a saved path without a suffix gets, and the files completion prefers."""


class PathSuggester(Suggester):
    """Complete the last part of a path from the names in its directory.

    Relative paths are read from `start_dir` (the current directory when None) and a leading `~`
    is expanded, but the suggestion keeps the text as typed so the input can show the rest of it.
    Directories and scenario files (.toml, .npz, .csv, .json) come before other files,
    directories end in `/`, and hidden
    names are offered only once a `.` is typed. Matching is case-sensitive.
    """

    def __init__(self, start_dir: Path | None = None) -> None:
        # No cache: the directory may change while the prompt is open.
        super().__init__(use_cache=False, case_sensitive=True)
        self._start_dir = start_dir

    async def get_suggestion(self, value: str) -> str | None:
        """`value` completed from the names in its directory, or None."""
        # The directory is read in a thread: a slow or network file system must not stall the UI.
        return await asyncio.to_thread(self.complete, value)

    def complete(self, value: str) -> str | None:
        """`value` completed as far as every matching entry agrees, or, when they differ at
        once, to the first of them (see the class docstring); None when nothing matches."""
        if value == "~":
            return "~/"
        head, _, partial = value.rpartition("/")
        typed_dir = f"{head}/" if head or value.startswith("/") else ""
        directory = Path(typed_dir or ".").expanduser()
        if not directory.is_absolute():
            directory = (self._start_dir or Path.cwd()) / directory
        try:
            with os.scandir(directory) as entries:
                matches = sorted(
                    (_rank(entry), entry.name + ("/" if _is_dir(entry) else ""))
                    for entry in entries
                    if entry.name.startswith(partial)
                    and (partial.startswith(".") or not entry.name.startswith("."))
                )
        except OSError:
            return None
        if not matches:
            return None
        names = [name for rank, name in matches if rank == matches[0][0]]  # the best kind
        common = os.path.commonprefix(names)
        if len(names) > 1 and len(common) > len(partial):
            return typed_dir + common  # as a shell does: as far as every match agrees
        return typed_dir + names[0]


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _rank(entry: os.DirEntry[str]) -> int:
    """0 for the names a scenario prompt wants (directories, scenario files), 1 for the rest."""
    return 0 if _is_dir(entry) or Path(entry.name).suffix.lower() in SUFFIXES else 1


class PathPromptScreen(Dialog[Path | None]):
    """Ask for a file path; dismiss with it once it passes the checks, or None on Escape.

    With `must_exist` (Open) the path must name an existing file; without it (Save as) its
    directory must exist and a name without a suffix gets `.toml`. Then `check`, if given, is
    called with the path and a `DivtuiError` it raises is shown while the prompt stays open.
    The path given to `check` and to the dismiss callback has `~` expanded and is absolute:
    relative text is taken from `start_dir`, or the current directory when that is None.
    """

    DEFAULT_CSS = """
    PathPromptScreen { align: center middle; }
    PathPromptScreen > Vertical {
        width: 72; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PathPromptScreen Label { width: 1fr; }
    PathPromptScreen #path-title { text-style: bold; }
    PathPromptScreen #path-hint { color: $text-muted; }
    PathPromptScreen #path-error { color: $error; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("tab", "complete", "Complete", show=False),
    ]
    """Escape closes with None; Tab accepts the completion shown in the input."""

    def __init__(
        self,
        title: str,
        *,
        initial: str = "",
        must_exist: bool,
        check: Callable[[Path], object] | None = None,
        start_dir: Path | None = None,
        error: str = "",
    ) -> None:
        super().__init__()
        self._error = error
        self._title = title
        self._initial = initial
        self._must_exist = must_exist
        self._check = check
        self._start_dir = start_dir

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, id="path-title", markup=False)
            yield Input(
                value=self._initial,
                id="path-input",
                suggester=PathSuggester(self._start_dir),
                select_on_focus=False,
            )
            yield Label("Tab completes · Enter confirms · Escape cancels", id="path-hint")
            yield Label(f"✗ {self._error}" if self._error else "", id="path-error", markup=False)

    @property
    def input(self) -> Input:
        """The input the path is typed into."""
        return self.query_one("#path-input", Input)

    def action_complete(self) -> None:
        """Accept the completion the input shows (it shows one only with the cursor at the end)."""
        path_input = self.input
        if path_input.cursor_at_end:
            path_input.action_cursor_right()

    def action_cancel(self) -> None:
        """Close without a path."""
        self.dismiss(None)

    @on(Input.Changed, "#path-input")
    def _on_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self._initial:  # the reason a reopened prompt came back with stays
            self._show_error("")

    @on(Input.Submitted, "#path-input")
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.is_active:  # a second Enter queued behind the one that answered
            return
        try:
            path = self.validate_path(event.value)
            if self._check is not None:
                self._check(path)
        except DivtuiError as error:
            self._show_error(str(error))
            return
        self.dismiss(path)

    def validate_path(self, text: str) -> Path:
        """The path `text` names, checked for Open or Save as; a `DivtuiError` says why not.

        Messages name the path as typed (with `.toml` when it was added), not the absolute one.
        """
        typed = text.strip()
        if not typed:
            raise DivtuiError("a path is needed")
        path = self._absolute(typed)
        if self._must_exist:
            if path.is_dir():
                raise DivtuiError(f"{typed}: is a directory")
            if not path.is_file():
                raise DivtuiError(f"{typed}: no such file")
            return path
        if path.is_dir():
            raise DivtuiError(f"{typed}: is a directory")
        if typed.endswith("/"):  # meant a directory that is not there
            raise DivtuiError(f"{typed.rstrip('/')}: no such directory")
        if not path.suffix:
            typed += SCENARIO_SUFFIX
            path = path.with_name(path.name + SCENARIO_SUFFIX)
            if path.is_dir():
                raise DivtuiError(f"{typed}: is a directory")
        if not path.parent.is_dir():
            raise DivtuiError(f"{self._typed_parent(typed)}: no such directory")
        return path

    def _absolute(self, typed: str) -> Path:
        path = Path(typed).expanduser()
        if path.is_absolute():
            return path
        return (self._start_dir or Path.cwd()) / path

    def _typed_parent(self, typed: str) -> str:
        """The directory part of a typed path, as typed (`~/x/a.toml` → `~/x`)."""
        head, slash, _ = typed.rpartition("/")
        if not slash:
            return str(self._start_dir or Path.cwd())
        return head or "/"

    def _show_error(self, message: str) -> None:
        self.query_one("#path-error", Label).update(f"✗ {message}" if message else "")
