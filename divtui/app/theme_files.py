"""Colour themes from TOML files: the ones shipped in `themes/` and the user's own.

A theme file holds Textual `Theme` fields plus a `[variables]` table, which carries divtui's
chart colours (`divtui-entropy`, `divtui-kl`, `divtui-cross-entropy`, `divtui-baseline`) and
the colours of a change for the better or the worse (`divtui-better`, `divtui-worse`). A broken
file becomes a warning naming the file and the problem; it never stops the app from starting.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

THEME_FIELDS = frozenset(
    {
        "name",
        "primary",
        "secondary",
        "warning",
        "error",
        "success",
        "accent",
        "foreground",
        "background",
        "surface",
        "panel",
        "boost",
        "dark",
        "luminosity_spread",
        "text_alpha",
        "variables",
        "ansi",
    }
)
COLOUR_FIELDS = frozenset(
    {"primary", "secondary", "warning", "error", "success", "accent", "foreground"}
    | {"background", "surface", "panel", "boost"}
)

CHART_VARIABLES = {
    "divtui-entropy": "ansi_bright_blue",
    "divtui-kl": "ansi_red",
    "divtui-cross-entropy": "ansi_magenta",
    "divtui-baseline": "ansi_bright_black",
    "divtui-better": "ansi_bright_blue",
    "divtui-worse": "ansi_red",
}
"""divtui's own theme variables with defaults that read on any terminal: each of these xterm
colours has a contrast of at least 3:1 on black and on white."""


@dataclass(frozen=True, slots=True)
class ThemeEntry:
    """A theme and the file it came from."""

    theme: Theme
    source: Path

    @property
    def name(self) -> str:
        """The theme's name, as `--theme` takes it."""
        return self.theme.name


@dataclass(slots=True)
class DiscoveredThemes:
    """Every theme found, in order (shipped first, then the user's), and any warnings."""

    themes: list[ThemeEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """The names of the themes found."""
        return [entry.name for entry in self.themes]


def shipped_theme_dir() -> Path:
    """The `themes/` folder: inside the wheel as `divtui/themes`, or at a source tree's root."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "themes", package.parent / "themes"):
        if candidate.is_dir():
            return candidate
    return package / "themes"


def user_theme_dir() -> Path:
    """`$XDG_CONFIG_HOME/divtui/themes` (`~/.config/divtui/themes` by default)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "divtui" / "themes"


def discover_themes() -> DiscoveredThemes:
    """Load the shipped themes, then the user's; a later theme of the same name replaces one."""
    found = DiscoveredThemes()
    by_name: dict[str, int] = {}
    for directory in (shipped_theme_dir(), user_theme_dir()):
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme(path)
            except ThemeFileError as error:
                found.warnings.append(str(error))
                continue
            entry = ThemeEntry(theme, path)
            if theme.name in by_name:
                replaced = found.themes[by_name[theme.name]].source
                found.warnings.append(
                    f"theme {path}: its name {theme.name!r} is also the name of {replaced}, "
                    "which it replaces; give a copied theme a name of its own"
                )
                found.themes[by_name[theme.name]] = entry
            else:
                by_name[theme.name] = len(found.themes)
                found.themes.append(entry)
    return found


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and the problem."""


def load_theme(path: Path) -> Theme:
    """Read one theme file, checking every field and colour."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ThemeFileError(f"theme {path}: cannot read it ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ThemeFileError(f"theme {path}: invalid TOML: {error}") from None
    return theme_from_mapping(data, path)


def theme_from_mapping(data: dict[str, Any], path: Path) -> Theme:
    """Check a parsed theme file and make a Textual `Theme` of it."""
    unknown = sorted(set(data) - THEME_FIELDS)
    if unknown:
        raise ThemeFileError(f"theme {path}: unknown key {unknown[0]!r}")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"theme {path}: key 'name' must be non-empty text")
    if "primary" not in data:
        raise ThemeFileError(f"theme {path}: key 'primary' is required")
    for key in COLOUR_FIELDS & set(data):
        _check_colour(data[key], path, key)
    for key in ("dark", "ansi"):
        if key in data and not isinstance(data[key], bool):
            raise ThemeFileError(f"theme {path}: key {key!r} must be true or false")
    for key in ("luminosity_spread", "text_alpha"):
        if key in data and (isinstance(data[key], bool) or not isinstance(data[key], int | float)):
            raise ThemeFileError(f"theme {path}: key {key!r} must be a number")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(
        isinstance(value, str) for value in variables.values()
    ):
        raise ThemeFileError(f"theme {path}: [variables] must map names to text values")
    for key in CHART_VARIABLES.keys() & variables.keys():
        _check_colour(variables[key], path, f"variables.{key}")
    fields = {key: value for key, value in data.items() if key != "variables"}
    fields["name"] = name.strip()
    return Theme(**fields, variables=dict(variables))


def _check_colour(value: object, path: Path, key: str) -> None:
    if not isinstance(value, str):
        raise ThemeFileError(f"theme {path}: key {key!r} must be a colour, got {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"theme {path}: key {key!r}: {value!r} is not a colour") from None
