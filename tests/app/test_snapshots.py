"""SVG snapshots of divtui's screens at fixed sizes (pytest-textual-snapshot).

Update with `pytest tests/app/test_snapshots.py --snapshot-update`, then look at every changed
SVG (`rsvg-convert x.svg -o x.png`) before accepting it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from divtui.app.app import DivtuiApp
from divtui.core.presets import preset

SnapCompare = Callable[..., bool]

pytestmark = pytest.mark.usefixtures("no_cursor_blink")

EDITOR_ERROR = ["enter", "a", "b", "c", "enter"]
"""Open the editor on p(rain), type `abc` over the value and commit: the editor shows why not."""


def test_main_screen_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(DivtuiApp(preset("weather")), terminal_size=(120, 40))


def test_main_screen_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(DivtuiApp(preset("weather")), terminal_size=(80, 24))


def test_help_screen(snap_compare: SnapCompare) -> None:
    app = DivtuiApp(preset("weather"))
    assert snap_compare(app, press=["question_mark"], terminal_size=(120, 40))


def test_infinite_kl(snap_compare: SnapCompare) -> None:
    assert snap_compare(DivtuiApp(preset("support-mismatch")), terminal_size=(120, 40))


def test_weights_mode(snap_compare: SnapCompare) -> None:
    app = DivtuiApp(preset("weather"))
    assert snap_compare(app, press=["w", "enter", "3", "enter"], terminal_size=(120, 40))


def test_add_outcome_prompt_with_error(snap_compare: SnapCompare) -> None:
    app = DivtuiApp(preset("weather"))
    press = ["a", "s", "n", "o", "w", "enter"]
    assert snap_compare(app, press=press, terminal_size=(120, 40))


def test_too_small_notice(snap_compare: SnapCompare) -> None:
    assert snap_compare(DivtuiApp(preset("weather")), terminal_size=(50, 12))


@pytest.mark.parametrize("theme", ["divtui-dark", "divtui-light", "divtui-ansi"])
def test_theme_with_editor_error(snap_compare: SnapCompare, theme: str) -> None:
    app = DivtuiApp(preset("weather"), theme=theme)
    assert snap_compare(app, press=EDITOR_ERROR, terminal_size=(120, 40))


def test_16_colours_choose_ansi(snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM")
    app = DivtuiApp(preset("support-mismatch"))
    assert app.theme == "divtui-ansi"
    assert snap_compare(app, terminal_size=(80, 24))
