"""Fixtures for the app tests: every app starts in the same, known terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import constants
from textual.widgets import Input


@pytest.fixture(autouse=True)
def truecolor_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A 24-bit colour terminal with colour allowed and no user themes.

    Rich picks the colour system from TERM and COLORTERM when the app builds its console, and
    divtui picks its theme from that; the user's own themes and a `TEXTUAL_COLOR_SYSTEM` set in
    the shell (read once, when textual is imported) must not change what a test sees.
    """
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "auto")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs created from now on do not blink, so a screenshot does not depend on timing."""
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
