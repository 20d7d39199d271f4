"""Handler that opens the sampling view: N outcomes drawn from p, each model's estimate."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from divtui.app.screens.main import MainScreen


def open_view(screen: MainScreen) -> None:
    """Open the sampling view of the current scenario (it changes nothing)."""
    from divtui.app.screens.sampling import SamplingScreen

    screen.app.push_screen(SamplingScreen(screen.analysis))
