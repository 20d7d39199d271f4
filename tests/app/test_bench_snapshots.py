"""SVG snapshots of the bench: the code panel, and a large table with ranks and the cumulative
share of KL (update with `--snapshot-update` and look at every changed SVG)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from divtui.app.app import DivtuiApp
from divtui.core.presets import preset
from divtui.core.scenario import Scenario

SnapCompare = Callable[..., bool]

pytestmark = pytest.mark.usefixtures("no_cursor_blink")


def test_code_panel_scipy(snap_compare: SnapCompare) -> None:
    app = DivtuiApp(preset("weather"))
    assert snap_compare(app, press=["c", "right"], terminal_size=(120, 40))


def test_code_panel_pytorch_80x24(snap_compare: SnapCompare) -> None:
    app = DivtuiApp(preset("support-mismatch"))
    assert snap_compare(app, press=["c", "right", "right"], terminal_size=(80, 24))


def tokens(size: int) -> Scenario:
    """A model's output over `size` tokens, the same on every run."""
    rng = np.random.default_rng(2016)
    labels = [f"tok{i:05d}" for i in range(size)]
    return Scenario.build(
        labels,
        rng.dirichlet(np.full(size, 0.2)),
        [("student", rng.dirichlet(np.full(size, 0.5)))],
        title="Tokens",
    )


def test_large_table_with_rank_and_cumulative_share(snap_compare: SnapCompare) -> None:
    # Beyond 1,000 outcomes the table opens sorted by |KL term|: ranks, terms and shares.
    app = DivtuiApp(tokens(20_000))
    assert snap_compare(app, press=["v", "v"], terminal_size=(120, 40))  # the table view
