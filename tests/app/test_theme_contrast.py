"""Every text and chart colour of every shipped theme reads against its background: a WCAG 2
contrast ratio of at least 3:1, computed from the theme files. The 16-colour theme follows the
terminal's palette, so it is checked with xterm's default palette on black and on white."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from divtui.app.theme_files import CHART_VARIABLES, shipped_theme_dir

MINIMUM = 3.0
"""WCAG 2's minimum for large text and graphics (bars, lines, markers)."""

XTERM = {
    "ansi_black": "#000000",
    "ansi_red": "#cd0000",
    "ansi_green": "#00cd00",
    "ansi_yellow": "#cdcd00",
    "ansi_blue": "#0000ee",
    "ansi_magenta": "#cd00cd",
    "ansi_cyan": "#00cdcd",
    "ansi_white": "#e5e5e5",
    "ansi_bright_black": "#7f7f7f",
    "ansi_bright_red": "#ff0000",
    "ansi_bright_green": "#00ff00",
    "ansi_bright_yellow": "#ffff00",
    "ansi_bright_blue": "#5c5cff",
    "ansi_bright_magenta": "#ff00ff",
    "ansi_bright_cyan": "#00ffff",
    "ansi_bright_white": "#ffffff",
}
"""xterm's default 16 colours (its `XTerm` resources, as `xterm -xrm` ships them)."""

TEXT_FIELDS = ("primary", "secondary", "accent", "warning", "error", "success", "foreground")
"""Theme fields that colour text, borders or marks."""

BACKGROUNDS = ("background", "surface")
"""What those colours are drawn on: the screen, and the panels and charts."""

THEME_FILES = sorted(shipped_theme_dir().glob("*.toml"))


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_formula_against_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#0000ee", "#000000") == pytest.approx(2.23, abs=0.01), "xterm's blue"


def colours(path: Path) -> tuple[dict[str, str], bool]:
    """The theme's text and chart colours by name, and whether it is the 16-colour kind."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    variables = data.get("variables", {})
    missing = sorted(set(CHART_VARIABLES) - set(variables))
    assert not missing, f"{path.name} lacks {missing}"
    named = {key: data[key] for key in TEXT_FIELDS if key in data}
    named |= {key: variables[key] for key in CHART_VARIABLES}
    return named, bool(data.get("ansi", False))


@pytest.mark.parametrize("path", THEME_FILES, ids=[p.stem for p in THEME_FILES])
def test_every_text_and_chart_colour_has_3_to_1_against_the_background(path: Path) -> None:
    named, ansi = colours(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if ansi:
        backgrounds = {"a black terminal": "#000000", "a white terminal": "#ffffff"}
        # ansi_default is the terminal's own text colour: readable on its own background.
        named = {key: XTERM[value] for key, value in named.items() if value != "ansi_default"}
    else:
        backgrounds = {key: data[key] for key in BACKGROUNDS if key in data}
    assert backgrounds and named
    failures = [
        f"{key} {value} on {where} {back}: {contrast(value, back):.2f}:1"
        for key, value in named.items()
        for where, back in backgrounds.items()
        if contrast(value, back) < MINIMUM
    ]
    assert not failures, failures


def test_the_default_chart_colours_read_on_black_and_white_terminals() -> None:
    for key, value in CHART_VARIABLES.items():
        for back in ("#000000", "#ffffff"):
            assert contrast(XTERM[value], back) >= MINIMUM, (key, value, back)
