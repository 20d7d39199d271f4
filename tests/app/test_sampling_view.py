"""The sampling view (`s`): N outcomes drawn from p, counts and p̂, each model's estimate and
its chart; `+`/`-` change N by 10×, `r` reseeds, Escape closes; snapshots at 80x24 and 120x40."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from divtui.app.app import DivtuiApp
from divtui.app.screens.sampling import FIRST_N, MOST_N, SamplingScreen
from divtui.app.widgets.sampling_chart import n_label
from divtui.core.presets import preset
from divtui.core.sampling import draw

from .support import main_screen, shown_words, wait_for

SnapCompare = Callable[..., bool]


def sampling(app: App[Any]) -> SamplingScreen:
    screen = app.screen
    assert isinstance(screen, SamplingScreen), f"expected the sampling view, got {screen!r}"
    return screen


async def shown(pilot: Pilot[None], n: int, seed: int = 0) -> SamplingScreen:
    """Wait until the sampling view shows the sample of `n` draws with `seed`, charted."""
    screen = sampling(pilot.app)

    def ready() -> bool:
        sample = screen.sample
        chart = screen.chart
        return (
            sample is not None
            and (sample.n, sample.seed) == (n, seed)
            and chart.sample is sample
            and chart.draw_count > 0
            and not chart._stale
        )

    await wait_for(pilot, ready, f"the sample of {n} (seed {seed})", timeout=20)
    await pilot.pause()
    return screen


def text_of(screen: SamplingScreen, selector: str) -> str:
    return shown_words(screen.query_one(selector, Static))


async def test_s_opens_the_view_on_the_sample_the_core_draws() -> None:
    scenario = preset("distillation")
    async with DivtuiApp(scenario).run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        screen = await shown(pilot, FIRST_N)
        want = draw(scenario, FIRST_N, 0)
        assert screen.sample is not None
        assert screen.sample.counts.tolist() == want.counts.tolist()
        estimates = text_of(screen, "#sampling-estimates")
        for model in want.models:
            assert model.standard_error is not None
            assert f"{model.estimate:.4f} ± {model.standard_error:.4f}" in estimates
            assert f"{model.cross_entropy:.4f}" in estimates
        counts = text_of(screen, "#sampling-counts")
        assert "outcome p count p̂" in counts
        label = scenario.labels[0]
        assert f"{label} {scenario.p[0]:.3f} {want.counts[0]:,} {want.p_hat[0]:.3f}" in counts
        summary = text_of(screen, "#sampling-summary")
        assert summary.startswith(f"N = {FIRST_N}: the estimates rank")


async def test_plus_and_minus_step_n_by_ten_and_r_reseeds() -> None:
    async with DivtuiApp(preset("weather")).run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await shown(pilot, FIRST_N)
        await pilot.press("plus")
        screen = await shown(pilot, FIRST_N * 10)
        assert "N = 1,000 outcomes drawn from p, seed 0" in text_of(screen, "#sampling-title")
        await pilot.press("right_square_bracket")
        await shown(pilot, FIRST_N * 100)
        await pilot.press("minus", "minus")
        await shown(pilot, FIRST_N)
        before = sampling(pilot.app).sample
        await pilot.press("r")
        screen = await shown(pilot, FIRST_N, seed=1)
        assert screen.sample is not None and before is not None
        assert screen.sample.counts.tolist() != before.counts.tolist()
        await pilot.press("escape")
        await pilot.pause()
        main_screen(pilot.app)  # back on the main screen, the scenario untouched
        assert pilot.app.screen.scenario == preset("weather")  # type: ignore[attr-defined]


async def test_n_is_bounded_at_both_ends() -> None:
    async with DivtuiApp(preset("coin")).run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("s")
        await shown(pilot, FIRST_N)
        await pilot.press("minus", "minus")
        await shown(pilot, 1)
        await pilot.press("minus")
        await pilot.pause()
        screen = sampling(pilot.app)
        assert screen.n == 1
        screen.n = MOST_N // 10
        await pilot.press("plus")
        await shown(pilot, MOST_N)
        await pilot.press("plus")
        await pilot.pause()
        assert screen.n == MOST_N
        assert any(
            "N is at most 1,000,000 here." in str(n.message) for n in pilot.app._notifications
        )


async def test_a_drawn_zero_shows_the_estimate_as_infinite_from_that_sample() -> None:
    scenario = preset("support-mismatch")
    async with DivtuiApp(scenario).run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        screen = await shown(pilot, FIRST_N)
        model = draw(scenario, FIRST_N, 0).models[0]
        assert model.infinite_from is not None
        estimates = text_of(screen, "#sampling-estimates")
        assert f"∞ from sample {model.infinite_from:,}: q(sleet) = 0" in estimates
        chart = shown_words(screen.chart)
        assert "∞" in chart


async def test_the_view_is_offered_in_kiosk_mode() -> None:
    from divtui.core.kiosk import KioskPolicy

    async with DivtuiApp(preset("weather"), kiosk=KioskPolicy()).run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await shown(pilot, FIRST_N)


def test_n_labels() -> None:
    assert [n_label(10**k) for k in range(8)] == [
        "1",
        "10",
        "100",
        "1k",
        "10k",
        "100k",
        "1M",
        "10M",
    ]


@pytest.mark.usefixtures("no_cursor_blink")
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["distillation", "support-mismatch"])
def test_sampling_view_snapshot(
    snap_compare: SnapCompare, name: str, size: tuple[int, int]
) -> None:
    async def open_view(pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await shown(pilot, FIRST_N)
        await pilot.press("plus", "plus")
        await shown(pilot, FIRST_N * 100)

    assert snap_compare(DivtuiApp(preset(name)), run_before=open_view, terminal_size=size)
