"""Broken files in the app: ctrl+o on any of them shows the problem in the prompt and leaves the
scenario as it was (the same object); ctrl+s that cannot write says why and leaves the old file
byte for byte, with no temporary file beside it."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import GOOD_SCENARIO, IS_ROOT
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from divtui.app.app import DivtuiApp
from divtui.app.screens.path_prompt import PathPromptScreen
from divtui.core.presets import preset
from divtui.core.scenario_file import MAX_FILE_BYTES, save_scenario

from .support import SIZE, main_screen, new_app, toasts


def active(app: App[Any]) -> Screen[Any]:
    """The active screen (a call, so that isinstance checks on it do not narrow later ones)."""
    return app.screen


def prompt_error(app: App[Any]) -> str:
    """What the open prompt says under its input."""
    screen = app.screen
    assert isinstance(screen, PathPromptScreen)
    return str(screen.query_one("#path-error").render())


def squeezed(text: str) -> str:
    """`text` without any whitespace, to find a message in a toast that wrapped it."""
    return "".join(text.split())


def write(content: str | bytes) -> Callable[[Path, str], Path]:
    def make(directory: Path, name: str) -> Path:
        path = directory / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return make


def huge(directory: Path, name: str) -> Path:
    path = directory / name
    with path.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written
    return path


def folder(directory: Path, name: str) -> Path:
    path = directory / name
    path.mkdir()
    return path


BROKEN: dict[str, tuple[Callable[[Path, str], Path], str]] = {
    "malformed": (write('labels = ["a", "b"\np = ['), "invalid TOML"),
    "nested too deeply": (write("p = " + "[" * 50_000 + "]" * 50_000), "nested too deeply"),
    "wrong type": (
        write(GOOD_SCENARIO.replace("q = [0.5, 0.5]", "q = { a = 1 }")),
        "models[0].q: expected a list of numbers, got dict",
    ),
    "1e400": (write(GOOD_SCENARIO.replace("p = [0.5, 0.5]", "p = [1e400, 1]")), "p[0]: inf is not"),
    "underflow to zero": (
        write(GOOD_SCENARIO.replace("q = [0.5, 0.5]", "q = [1e-400, -0.0]")),
        "all weights are zero",
    ),
    "temperature 1e-400": (
        write(GOOD_SCENARIO.replace("q = [0.5, 0.5]", "logits = [1, 0]\ntemperature = 1e-400")),
        "temperature: 0.0 must be a finite number > 0",
    ),
    "escape in a label": (
        write(GOOD_SCENARIO.replace('"a", "b"', r'"a\u001b[2J", "b"')),
        r"contains the control character '\x1b'",
    ),
    "binary": (write(bytes(range(256))), "not a text file (invalid UTF-8 at byte 128)"),
    "not UTF-8": (write('title = "café"\n'.encode("latin-1")), "not a text file"),
    "empty": (write(""), "missing key 'labels'"),
    "too large": (huge, f"{MAX_FILE_BYTES + 1} bytes is too large"),
    "a directory": (folder, "is a directory"),
    "missing": (lambda directory, name: directory / name, "no such file"),
}


async def open_path(pilot: Pilot[None], path: Path) -> None:
    """In the open prompt: replace the text by `path` and press Enter."""
    screen = active(pilot.app)
    assert isinstance(screen, PathPromptScreen)
    screen.input.value = str(path)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_opening_any_broken_file_shows_why_and_changes_nothing(tmp_path: Path) -> None:
    paths = {
        case: make(tmp_path, f"case{i}.toml") for i, (case, (make, _)) in enumerate(BROKEN.items())
    }
    async with new_app().run_test(size=SIZE) as pilot:
        screen = main_screen(pilot.app)
        before = screen.scenario
        await pilot.press("ctrl+o")
        for case, (_, fragment) in BROKEN.items():
            await open_path(pilot, paths[case])
            assert isinstance(active(pilot.app), PathPromptScreen), f"{case}: the prompt closed"
            shown = prompt_error(pilot.app)
            assert fragment in shown, f"{case}: {shown!r}"
            assert str(paths[case].name) in shown, f"{case}: the file is not named in {shown!r}"
            assert screen.scenario is before, case
        await pilot.press("escape")
        await pilot.pause()
        assert active(pilot.app) is screen and screen.scenario is before
        assert screen.session.path is None and not screen.session.has_unsaved_changes


async def test_opening_an_unreadable_file_shows_why_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(GOOD_SCENARIO)(tmp_path, "locked.toml")
    if IS_ROOT:  # root reads through any mode: fail the read as it fails for everyone else
        real_open = os.open

        def denied(file: object, flags: int, *args: object, **kwargs: object) -> int:
            if Path(str(file)) == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(file))
            return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", denied)
    else:
        path.chmod(0)
    try:
        async with new_app().run_test(size=SIZE) as pilot:
            screen = main_screen(pilot.app)
            before = screen.scenario
            await pilot.press("ctrl+o")
            await open_path(pilot, path)
            assert f"{path}: permission denied" in prompt_error(pilot.app)
            assert screen.scenario is before
    finally:
        path.chmod(0o644)


# --- ctrl+s that cannot write -----------------------------------------------------------------

_real_fdopen = os.fdopen


class FullDisk:
    """The temporary file's stream; every write fails as on a full disk."""

    def __init__(self, fd: int, mode: str) -> None:
        self._stream = _real_fdopen(fd, mode)

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def read_only_directory(*args: object, **kwargs: object) -> object:
    raise PermissionError(errno.EACCES, "Permission denied")


SAVE_FAILURES: dict[str, tuple[object, str, object, str]] = {
    "disk full": (os, "fdopen", FullDisk, "could not save (No space left on device)"),
    "read-only directory": (
        tempfile,
        "mkstemp",
        read_only_directory,
        "cannot write there (Permission denied)",
    ),
}


@pytest.mark.parametrize("case", SAVE_FAILURES)
async def test_a_save_that_cannot_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    target, name, replacement, fragment = SAVE_FAILURES[case]
    path = tmp_path / "keep.toml"
    save_scenario(preset("coin"), path)
    before = path.read_bytes()
    app = DivtuiApp(preset("weather"), path=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot.app)
        await pilot.press(".", "2", "enter")
        await pilot.pause()
        assert screen.session.has_unsaved_changes
        monkeypatch.setattr(target, name, replacement)
        await pilot.press("ctrl+s")
        await pilot.pause()
        monkeypatch.undo()
        assert active(pilot.app) is screen  # a known path saves without asking
        wanted = squeezed(f"Not saved {path}: {fragment}")  # toasts wrap long lines
        assert any(wanted in squeezed(toast) for toast in toasts(pilot.app)), toasts(pilot.app)
        assert screen.session.has_unsaved_changes and screen.session.path == path
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["keep.toml"]
