"""Colour systems: NO_COLOR, 16-colour terminals and the theme divtui picks for each."""

from __future__ import annotations

import re

import pytest
from textual import constants

from divtui.app.app import DivtuiApp
from divtui.core.presets import preset

from .support import main_screen, metrics_text

WINDOW_CHROME = {"#292929", "#c5c8c6", "#ff5f57", "#febc2e", "#28c840"}
"""Colours of the screenshot's window frame (title bar, buttons), not of the app."""


def screenshot_colours(svg: str) -> set[str]:
    """The app's colours in an SVG screenshot (lower-case #rrggbb), without the window frame."""
    return {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", svg)} - WINDOW_CHROME


def is_grey(colour: str) -> bool:
    """Whether #rrggbb has no hue."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return red == green == blue


async def test_no_color_renders_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = DivtuiApp(preset("support-mismatch"))
    assert app.no_color
    assert app.theme == "divtui-dark", "a truecolor terminal keeps the default theme"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "q(sleet) = 0 while p(sleet) = 0.03" in metrics_text(app)
        svg = app.export_screenshot()
        assert "<svg" in svg
        colours = screenshot_colours(svg)
        assert colours, "the screenshot has the app's (grey) colours"
        assert {c for c in colours if not is_grey(c)} == set()


async def test_colour_is_on_without_no_color() -> None:
    """The check above can fail: without NO_COLOR the same screenshot has hues."""
    app = DivtuiApp(preset("support-mismatch"))
    assert not app.no_color
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        colours = screenshot_colours(app.export_screenshot())
        assert {c for c in colours if not is_grey(c)} != set()


def use_16_colours(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Make the next app see a 16-colour terminal, as a user's environment would say it."""
    if how == "TERM":
        monkeypatch.setenv("TERM", "xterm")  # a plain xterm without COLORTERM: 16 colours
        monkeypatch.delenv("COLORTERM")
    else:
        # TEXTUAL_COLOR_SYSTEM is read when textual is imported; set what it would have set.
        monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard")
        monkeypatch.setattr(constants, "COLOR_SYSTEM", "standard")


@pytest.mark.parametrize("how", ["TERM", "TEXTUAL_COLOR_SYSTEM"])
async def test_16_colours_choose_the_ansi_theme(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    use_16_colours(monkeypatch, how)
    app = DivtuiApp(preset("weather"))
    assert app.console.color_system == "standard"
    assert app.theme == "divtui-ansi"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.current_theme.ansi
        assert "1.3863 = 1.1055 + 0.2808" in metrics_text(app)
        assert main_screen(app).query_one("#grid").has_focus
        svg = app.export_screenshot()
        assert "<svg" in svg and "rain" in svg


async def test_16_colours_keep_a_theme_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    use_16_colours(monkeypatch, "TERM")
    app = DivtuiApp(preset("weather"), theme="divtui-dark")
    assert app.console.color_system == "standard"
    assert app.theme == "divtui-dark"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.current_theme.name == "divtui-dark"


@pytest.mark.parametrize(
    ("term", "colorterm", "system", "theme"),
    [
        ("xterm-256color", "truecolor", "truecolor", "divtui-dark"),
        ("xterm-256color", None, "256", "divtui-dark"),
        ("xterm", None, "standard", "divtui-ansi"),
        ("linux", None, "standard", "divtui-ansi"),
    ],
)
def test_the_default_theme_follows_the_colour_system(
    monkeypatch: pytest.MonkeyPatch, term: str, colorterm: str | None, system: str, theme: str
) -> None:
    monkeypatch.setenv("TERM", term)
    if colorterm is None:
        monkeypatch.delenv("COLORTERM")
    else:
        monkeypatch.setenv("COLORTERM", colorterm)
    app = DivtuiApp(preset("weather"))
    assert app.console.color_system == system
    assert app.theme == theme
