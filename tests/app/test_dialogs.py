"""The reusable dialogs: the path prompt (Open, Save as), the preset picker and the confirmation.

Each is pushed by a tiny host app that keeps what it was dismissed with; the snapshots show each
over the real main screen at 80x24. Update those with
`pytest tests/app/test_dialogs.py --snapshot-update` and look at every changed SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList

from divtui.app.app import DivtuiApp
from divtui.app.screens.confirm import ConfirmScreen
from divtui.app.screens.path_prompt import PathPromptScreen, PathSuggester
from divtui.app.screens.preset_picker import TITLE, PresetPickerScreen
from divtui.core.errors import DivtuiError
from divtui.core.presets import PRESETS, preset

from .support import shown_lines, shown_words, words

SnapCompare = Callable[..., bool]

NO_RESULT = object()
"""What `Host.result` holds while the dialog is still open."""


class Host(App[None]):
    """Pushes one dialog when it starts and keeps the result it is dismissed with."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.result: object = NO_RESULT

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self._store)

    def _store(self, result: object) -> None:
        self.result = result


async def settle(pilot: Pilot[None]) -> None:
    """Let the suggester's worker finish and the input show its suggestion."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def path_input(app: App[Any]) -> Input:
    return app.screen.query_one("#path-input", Input)


def path_error(app: App[Any]) -> str:
    return shown_words(app.screen.query_one("#path-error", Label))


async def submit(pilot: Pilot[None], text: str) -> None:
    """Replace the input's text with `text` and press Enter."""
    path_input(pilot.app).value = text
    await pilot.press("enter")
    await pilot.pause()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A directory with a sub-directory, scenario files, another file and a hidden one."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "coin.toml").write_text("")
    (tmp_path / "scratch.toml").write_text("")
    (tmp_path / "scrap.py").write_text("")
    (tmp_path / "Sample.toml").write_text("")
    (tmp_path / ".hidden.toml").write_text("")
    return tmp_path


# --- path completion ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("sc", "scenarios/"),  # directories and *.toml alike, by name
        ("scr", "scratch.toml"),  # *.toml before other files, though scrap.py sorts first
        ("scrap", "scrap.py"),
        ("scenarios", "scenarios/"),
        ("scenarios/", "scenarios/coin.toml"),
        ("scenarios/c", "scenarios/coin.toml"),
        ("Sa", "Sample.toml"),
        ("sa", None),  # case-sensitive
        ("x", None),
        (".h", ".hidden.toml"),  # hidden names once a dot is typed
        ("nodir/a", None),
    ],
)
def test_suggester_completes_names(files: Path, typed: str, suggestion: str | None) -> None:
    assert PathSuggester(files).complete(typed) == suggestion


def test_suggester_completes_as_far_as_the_matches_agree(tmp_path: Path) -> None:
    for name in ("badheader.csv", "badnum.csv", "badunit.npz", "bad.py"):
        (tmp_path / name).write_text("")
    suggester = PathSuggester(tmp_path)
    assert suggester.complete("ba") == "bad"  # the scenario files agree on "bad"
    assert suggester.complete("bad") == "badheader.csv"  # they differ next: the first
    assert suggester.complete("badn") == "badnum.csv"


def test_suggester_skips_hidden_names_until_a_dot(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.toml").write_text("")
    assert PathSuggester(tmp_path).complete("a") == "a.toml"
    assert PathSuggester(tmp_path).complete(".") == ".git/"


def test_suggester_reads_the_current_directory_by_default(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    assert PathSuggester().complete("scra") == "scratch.toml"


def test_suggester_expands_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    suggester = PathSuggester(tmp_path)
    assert suggester.complete("~") == "~/"
    assert suggester.complete("~/d") == "~/docs/"


def test_suggester_completes_absolute_paths(files: Path) -> None:
    assert PathSuggester().complete(f"{files}/scra") == f"{files}/scratch.toml"


async def test_typing_shows_the_completion_and_tab_accepts_it(files: Path) -> None:
    app = Host(PathPromptScreen("Open", must_exist=True, start_dir=files))
    async with app.run_test() as pilot:
        await pilot.press("s", "c")
        await settle(pilot)
        assert shown_lines(path_input(app))[0].strip() == "scenarios/"
        await pilot.press("tab")
        await settle(pilot)
        assert path_input(app).value == "scenarios/"
        assert path_input(app).has_focus
        assert shown_lines(path_input(app))[0].strip() == "scenarios/coin.toml"
        await pilot.press("tab", "enter")
        await pilot.pause()
    assert app.result == files / "scenarios" / "coin.toml"


async def test_right_accepts_the_completion_too(files: Path) -> None:
    app = Host(PathPromptScreen("Open", must_exist=True, start_dir=files))
    async with app.run_test() as pilot:
        await pilot.press(*"scra")
        await settle(pilot)
        await pilot.press("right")
        assert path_input(app).value == "scratch.toml"


async def test_tab_without_a_completion_keeps_the_text(files: Path) -> None:
    app = Host(PathPromptScreen("Open", must_exist=True, start_dir=files))
    async with app.run_test() as pilot:
        await pilot.press(*"xyz")
        await settle(pilot)
        await pilot.press("tab")
        assert path_input(app).value == "xyz"
        assert path_input(app).has_focus
        assert app.result is NO_RESULT


async def test_tilde_expands_in_the_prompt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    app = Host(PathPromptScreen("Save as", must_exist=False, start_dir=tmp_path))
    async with app.run_test() as pilot:
        await pilot.press(*"~/d")
        await settle(pilot)
        await pilot.press("tab", *"report", "enter")
        await pilot.pause()
    assert app.result == home / "docs" / "report.toml"


# --- path checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("must_exist", "typed", "message"),
    [
        (True, "", "a path is needed"),
        (True, "   ", "a path is needed"),
        (True, "missing.toml", "missing.toml: no such file"),
        (True, "scenarios", "scenarios: is a directory"),
        (True, "scenarios/", "scenarios/: is a directory"),
        (False, "", "a path is needed"),
        (False, "nodir/out.toml", "nodir: no such directory"),
        (False, "nodir/out", "nodir: no such directory"),
        (False, "newdir/", "newdir: no such directory"),
        (False, "scenarios", "scenarios: is a directory"),
    ],
)
async def test_a_bad_path_shows_why_and_stays_open(
    files: Path, must_exist: bool, typed: str, message: str
) -> None:
    dialog = PathPromptScreen("Path", must_exist=must_exist, start_dir=files)
    app = Host(dialog)
    async with app.run_test() as pilot:
        await submit(pilot, typed)
        assert path_error(app) == f"✗ {message}"
        assert app.screen is dialog
    assert app.result is NO_RESULT


async def test_typing_clears_the_error(files: Path) -> None:
    app = Host(PathPromptScreen("Open", must_exist=True, start_dir=files))
    async with app.run_test() as pilot:
        await submit(pilot, "missing.toml")
        assert path_error(app)
        await pilot.press("x")
        assert path_error(app) == ""


async def test_the_checks_error_is_shown_and_the_prompt_stays_open(files: Path) -> None:
    checked: list[Path] = []

    def check(path: Path) -> None:
        checked.append(path)
        raise DivtuiError(f"{path.name}: key 'p': expected a list of numbers")

    app = Host(PathPromptScreen("Open", must_exist=True, check=check, start_dir=files))
    async with app.run_test() as pilot:
        await submit(pilot, "scratch.toml")
        assert path_error(app) == "✗ scratch.toml: key 'p': expected a list of numbers"
        assert isinstance(app.screen, PathPromptScreen)
    assert checked == [files / "scratch.toml"]
    assert app.result is NO_RESULT


async def test_markup_in_messages_is_shown_as_typed(files: Path) -> None:
    def check(path: Path) -> None:
        raise DivtuiError("[bold]x[/bold]: bad")

    app = Host(PathPromptScreen("[b]Open[/b]", must_exist=True, check=check, start_dir=files))
    async with app.run_test() as pilot:
        assert shown_words(app.screen.query_one("#path-title", Label)) == "[b]Open[/b]"
        await submit(pilot, "scratch.toml")
        assert path_error(app) == "✗ [bold]x[/bold]: bad"


async def test_open_dismisses_with_the_absolute_path(files: Path) -> None:
    checked: list[Path] = []
    app = Host(PathPromptScreen("Open", must_exist=True, check=checked.append, start_dir=files))
    async with app.run_test() as pilot:
        await submit(pilot, "scratch.toml")
    assert app.result == files / "scratch.toml"
    assert checked == [files / "scratch.toml"]


async def test_relative_paths_are_read_from_the_current_directory(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    app = Host(PathPromptScreen("Open", must_exist=True))
    async with app.run_test() as pilot:
        await pilot.press(*"scra")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await pilot.pause()
    assert app.result == files / "scratch.toml"


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("out", "out.toml"),
        ("out.toml", "out.toml"),
        ("notes.txt", "notes.txt"),
        ("scratch.toml", "scratch.toml"),  # an existing file may be replaced
        ("scenarios/new", "scenarios/new.toml"),
    ],
)
async def test_save_as_dismisses_with_the_path(files: Path, typed: str, saved: str) -> None:
    app = Host(PathPromptScreen("Save as", must_exist=False, start_dir=files))
    async with app.run_test() as pilot:
        await submit(pilot, typed)
    assert app.result == files / saved


async def test_save_as_takes_absolute_paths(
    files: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    app = Host(PathPromptScreen("Save as", must_exist=False, start_dir=files))
    async with app.run_test() as pilot:
        await submit(pilot, f"{elsewhere}/x")
    assert app.result == elsewhere / "x.toml"


async def test_the_initial_text_is_in_the_input() -> None:
    app = Host(PathPromptScreen("Save as", initial="scratch.toml", must_exist=False))
    async with app.run_test() as pilot:
        assert path_input(app).value == "scratch.toml"
        assert path_input(app).cursor_at_end
        assert path_input(app).has_focus
        await pilot.press("escape")


async def test_escape_dismisses_with_none(files: Path) -> None:
    app = Host(PathPromptScreen("Open", initial="scratch.toml", must_exist=True, start_dir=files))
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


# --- preset picker ------------------------------------------------------------------------------


async def test_the_picker_lists_every_preset_with_its_description() -> None:
    app = Host(PresetPickerScreen())
    async with app.run_test(size=(120, 40)):
        assert shown_words(app.screen.query_one("#preset-title", Label)) == TITLE
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == list(
            PRESETS
        )
        expected = " ".join(f"{p.name} {words(p.description)}" for p in PRESETS.values())
        assert shown_words(options) == expected
        assert options.has_focus
        assert options.highlighted == 0


@pytest.mark.parametrize("downs", range(len(PRESETS)))
async def test_arrows_and_enter_choose_a_preset(downs: int) -> None:
    app = Host(PresetPickerScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["down"] * downs, "enter")
        await pilot.pause()
    assert app.result == list(PRESETS)[downs]


async def test_a_click_chooses_a_preset() -> None:
    app = Host(PresetPickerScreen())
    async with app.run_test(size=(120, 40)) as pilot:
        options = app.screen.query_one(OptionList)
        row = [line.strip() for line in shown_lines(options)].index("coin")
        await pilot.click(options, offset=(4, options.styles.gutter.top + row))
        await pilot.pause()
    assert app.result == list(PRESETS)[1]


async def test_escape_closes_the_picker_with_none() -> None:
    app = Host(PresetPickerScreen())
    async with app.run_test() as pilot:
        await pilot.press("down", "escape")
        await pilot.pause()
    assert app.result is None


async def test_the_picker_scrolls_at_80x24() -> None:
    app = Host(PresetPickerScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        options = app.screen.query_one(OptionList)
        assert options.region.bottom <= 24
        assert options.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert options.scroll_y == options.max_scroll_y
        assert shown_words(options).endswith(words(list(PRESETS.values())[-1].description))


# --- confirmation -------------------------------------------------------------------------------


def confirm_dialog() -> ConfirmScreen:
    return ConfirmScreen("The scenario has unsaved changes. Quit anyway?")


async def test_focus_starts_on_cancel() -> None:
    app = Host(confirm_dialog())
    async with app.run_test():
        focused = app.screen.focused
        assert isinstance(focused, Button)
        assert focused.id == "cancel"


@pytest.mark.parametrize(
    ("keys", "answer"),
    [
        (["y"], True),
        (["n"], False),
        (["escape"], False),
        (["enter"], False),  # Enter presses the focused Cancel
        (["left", "enter"], True),
        (["left", "right", "enter"], False),
        (["shift+tab", "enter"], True),
    ],
)
async def test_keys_answer_the_question(keys: list[str], answer: bool) -> None:
    app = Host(confirm_dialog())
    async with app.run_test() as pilot:
        await pilot.press(*keys)
        await pilot.pause()
    assert app.result is answer


@pytest.mark.parametrize(("button", "answer"), [("#confirm", True), ("#cancel", False)])
async def test_clicking_a_button_answers(button: str, answer: bool) -> None:
    app = Host(confirm_dialog())
    async with app.run_test() as pilot:
        await pilot.click(button)
        await pilot.pause()
    assert app.result is answer


async def test_the_question_and_labels_are_not_markup() -> None:
    dialog = ConfirmScreen("Discard [b]everything[/b]?", confirm="[i]Yes[/i]", cancel="No")
    app = Host(dialog)
    async with app.run_test():
        assert shown_words(app.screen.query_one("#confirm-question", Label)) == (
            "Discard [b]everything[/b]?"
        )
        assert "[i]Yes[/i]" in shown_words(app.screen.query_one("#confirm", Button))


# --- snapshots over the main screen ------------------------------------------------------------


@pytest.mark.usefixtures("no_cursor_blink")
def test_path_prompt_with_error_snapshot(snap_compare: SnapCompare, tmp_path: Path) -> None:
    async def open_and_fail(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(
            PathPromptScreen("Open a scenario", must_exist=True, start_dir=tmp_path)
        )
        await pilot.pause()
        await pilot.press(*"missing.toml", "enter")
        await pilot.pause()

    app = DivtuiApp(preset("weather"))
    assert snap_compare(app, run_before=open_and_fail, terminal_size=(80, 24))


@pytest.mark.usefixtures("no_cursor_blink")
def test_preset_picker_snapshot(snap_compare: SnapCompare) -> None:
    async def pick(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(PresetPickerScreen())
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()

    app = DivtuiApp(preset("weather"))
    assert snap_compare(app, run_before=pick, terminal_size=(80, 24))


@pytest.mark.usefixtures("no_cursor_blink")
def test_confirm_snapshot(snap_compare: SnapCompare) -> None:
    async def ask(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(confirm_dialog())
        await pilot.pause()

    app = DivtuiApp(preset("weather"))
    assert snap_compare(app, run_before=ask, terminal_size=(80, 24))
