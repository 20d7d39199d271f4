"""Handlers that open, save and replace the scenario: presets and files.

Reading and writing run in thread workers, so a million-outcome file never stalls the UI. A
load or save still running after `BUSY_AFTER` seconds shows what it is doing, and Escape
cancels it: a cancelled load changes nothing; a cancelled save is let finish (it is atomic:
the file is either the old one or the new one) but its result is not reported as the session's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import Worker, get_current_worker

from divtui.app.screens.confirm import ConfirmScreen
from divtui.app.screens.path_prompt import PathPromptScreen
from divtui.app.screens.preset_picker import PresetPickerScreen
from divtui.core.errors import DivtuiError
from divtui.core.presets import PRESETS, preset
from divtui.core.scenario import Scenario

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen

OPEN_TITLE = "Open a scenario file (.toml, .npz, .csv or .json):"
SAVE_TITLE = "Save the scenario as (.toml, .npz, .csv or .json):"


def choose_preset(screen: MainScreen) -> None:
    """Pick a preset; it replaces the scenario (ctrl+z brings the old one back)."""

    def choose(name: str | None) -> None:
        if name is not None:
            screen.replace_scenario(preset(name), None)
            screen.notify(f"Preset {name!r}: {PRESETS[name].description}", markup=False)

    screen.app.push_screen(PresetPickerScreen(), choose)


def open_file(screen: MainScreen, initial: str = "", error: str = "") -> None:
    """Ask for a scenario file and open it; a file that fails to load changes nothing (the
    prompt comes back with the reason)."""

    def chosen(path: Path | None) -> None:
        if path is not None:
            screen.busy.start(f"Opening {path}…")
            screen.run_worker(
                lambda: _load(screen, path), thread=True, exclusive=True, group="files"
            )

    screen.app.push_screen(
        PathPromptScreen(OPEN_TITLE, initial=initial, must_exist=True, error=error), chosen
    )


def _load(screen: MainScreen, path: Path) -> None:
    """In a worker thread: read the file, then hand it to the screen on its own thread."""
    from divtui.core.scenario_file import load_scenario  # the formats load on first use

    worker = get_current_worker()
    try:
        scenario = load_scenario(path)
    except DivtuiError as error:
        message = str(error)
        if not worker.is_cancelled:
            screen.app.call_from_thread(_load_failed, screen, path, message)
        return
    if not worker.is_cancelled:
        screen.app.call_from_thread(_loaded, screen, path, scenario)


def _loaded(screen: MainScreen, path: Path, scenario: Scenario) -> None:
    screen.busy.stop()
    screen.replace_scenario(scenario, path)
    screen.notify(f"Opened {path}", timeout=3, markup=False)


def _load_failed(screen: MainScreen, path: Path, message: str) -> None:
    screen.busy.stop()
    open_file(screen, initial=str(path), error=message)


def save(screen: MainScreen) -> None:
    """Save to the scenario's file, or ask for one the first time."""
    session = screen.session
    target = session.save_target()
    if target is None or session.path is None:
        save_as(screen)
        return
    if target != session.path and target.exists():
        save_as(screen, target)  # asks before replacing that .npz
        return
    _write(screen, screen.scenario, target, session.path)


def save_as(screen: MainScreen, suggested: Path | None = None) -> None:
    """Ask for a path and save the scenario there (written atomically; asks before
    replacing another file). The format follows the suffix: .toml, .npz, .csv or .json."""
    scenario = screen.scenario

    def chosen(asked: Path | None) -> None:
        if asked is None:
            return
        from divtui.core.scenario_file import save_path_for

        path = save_path_for(scenario, asked)
        if not path.exists() or path == screen.session.path:
            _write(screen, scenario, path, asked)
            return

        def answer(replace: bool | None) -> None:
            if replace:
                _write(screen, scenario, path, asked)

        screen.app.push_screen(
            ConfirmScreen(f"{path} already exists. Replace it?", confirm="Replace"), answer
        )

    initial = str(suggested or screen.session.path or "")
    screen.app.push_screen(PathPromptScreen(SAVE_TITLE, initial=initial, must_exist=False), chosen)


def _write(screen: MainScreen, scenario: Scenario, path: Path, asked: Path) -> None:
    """Write in a worker; `asked` is the path the user gave, when a large scenario went to
    .npz instead of TOML."""
    screen.busy.start(f"Saving {path}…")
    screen.run_worker(
        lambda: _save(screen, scenario, path, asked), thread=True, exclusive=True, group="files"
    )


def _save(screen: MainScreen, scenario: Scenario, path: Path, asked: Path) -> None:
    from divtui.core.scenario_file import save_scenario

    worker = get_current_worker()
    try:
        save_scenario(scenario, path)
    except DivtuiError as error:
        screen.app.call_from_thread(_save_failed, screen, str(error))
        return
    if not worker.is_cancelled:
        screen.app.call_from_thread(_saved, screen, scenario, path, asked)


def _saved(screen: MainScreen, scenario: Scenario, path: Path, asked: Path) -> None:
    screen.busy.stop()
    screen.session.saved(scenario, path)
    screen.update_titles()
    note = "" if path == asked else f" ({scenario.size:,} outcomes go to .npz, not TOML)"
    screen.notify(f"Saved {path}{note}", timeout=4, markup=False)


def _save_failed(screen: MainScreen, message: str) -> None:
    screen.busy.stop()
    screen.notify(message, title="Not saved", severity="error", markup=False)


def cancel(screen: MainScreen) -> None:
    """Escape while a file is read or written: stop waiting for it."""
    workers: list[Worker[None]] = [
        w for w in screen.app.workers if w.node is screen and w.group == "files" and w.is_running
    ]
    for worker in workers:
        worker.cancel()
    screen.busy.stop()
    if workers:
        screen.notify("Cancelled: the scenario is as it was.", timeout=3)
