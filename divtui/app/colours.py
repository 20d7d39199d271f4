"""Theme colours for the parts of the app that draw outside CSS: Rich tables and plotext."""

from __future__ import annotations

from typing import Any

from rich.color import Color as RichColor
from textual.app import App
from textual.color import Color, ColorParseError

from divtui.app.theme_files import CHART_VARIABLES

PlotextColour = int | tuple[int, int, int] | str


def theme_colour(app: App[Any], variable: str) -> Color:
    """The current theme's value of `variable` (one of divtui's chart colours)."""
    value = app.theme_variables.get(variable) or CHART_VARIABLES.get(variable, "ansi_default")
    try:
        return Color.parse(value)
    except ColorParseError:
        return Color.parse(CHART_VARIABLES.get(variable, "ansi_white"))


def rich_colour(app: App[Any], variable: str) -> RichColor:
    """The variable's colour for a Rich style."""
    return theme_colour(app, variable).rich_color


def plotext_colour(app: App[Any], variable: str) -> PlotextColour:
    """The variable's colour as plotext takes it: an ANSI index (0–15) when the theme uses the
    terminal's own palette, so 16-colour terminals show it faithfully, `default` for the
    terminal's own foreground, else an RGB triple."""
    colour = theme_colour(app, variable)
    if colour.ansi is not None:
        return colour.ansi if colour.ansi >= 0 else "default"
    return colour.rgb
