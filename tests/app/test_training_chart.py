"""The training chart on its own, in a small host app that owns the run, as the main screen will.

Update the snapshots with `pytest tests/app/test_training_chart.py --snapshot-update`, then look
at every changed SVG (`rsvg-convert x.svg -o x.png`) before accepting it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.app import App, ComposeResult
from textual.reactive import reactive

from divtui.app.theme_files import CHART_VARIABLES, discover_themes
from divtui.app.widgets.training_chart import (
    HINT,
    TrainingChart,
    chart_title,
    step_position,
    step_ticks,
    thinned,
)
from divtui.core.analysis import Analysis
from divtui.core.logits import Objective
from divtui.core.presets import preset
from divtui.core.scenario import Scenario
from divtui.core.training import TrainingRun

from .support import shown_text

SnapCompare = Callable[..., bool]

CE_TITLE = "Minimising H(p,q) → H(p)"
REVERSE_TITLE = "Minimising KL(q‖p) → 0"


class ChartHost(App[None]):
    """Owns a scenario and a run and binds both to one `TrainingChart`."""

    scenario: reactive[Scenario | None] = reactive(None, always_update=True)
    """The scenario shown; follows the run while one is going."""
    analysis: reactive[Analysis | None] = reactive(None, always_update=True)
    """Its analysis, as the main screen computes it once per change."""

    def watch_scenario(self, scenario: Scenario | None) -> None:
        self.analysis = None if scenario is None else Analysis.of(scenario)

    training: reactive[TrainingRun | None] = reactive(None)
    """The run drawn, if any (not `run`, which would hide `App.run`)."""

    def __init__(
        self,
        scenario: Scenario | None = None,
        run: TrainingRun | None = None,
        *,
        bind_scenario: bool = True,
    ) -> None:
        super().__init__()
        for entry in discover_themes().themes:
            self.register_theme(entry.theme)
        self.theme = "divtui-dark"
        self._initial = (scenario, run)
        self._bind_scenario = bind_scenario

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(CHART_VARIABLES)

    def compose(self) -> ComposeResult:
        chart = TrainingChart(id="training")
        if self._bind_scenario:
            yield chart.data_bind(ChartHost.analysis, run=ChartHost.training)
        else:
            yield chart.data_bind(run=ChartHost.training)

    def on_mount(self) -> None:
        self.scenario, self.training = self._initial

    def show(self, run: TrainingRun) -> None:
        """One frame of training: the scenario and the run move together."""
        self.scenario = run.scenario
        self.training = run

    @property
    def chart(self) -> TrainingChart:
        """The chart under test."""
        return self.query_one(TrainingChart)


def mid_run(objective: Objective) -> TrainingRun:
    """A run part of the way down: the weather preset for cross-entropy, the mode-seeking one
    (starting on one peak) for reverse KL."""
    if objective is Objective.CROSS_ENTROPY:
        return TrainingRun.start(preset("weather"), 0, objective).step(12)
    return TrainingRun.start(preset("mode-seeking"), 0, objective).step(12)


async def test_without_a_run_the_chart_says_how_to_start_one() -> None:
    host = ChartHost(preset("weather"))
    async with host.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert HINT in shown_text(host.chart)
        assert host.chart.draw_count >= 1


@pytest.mark.parametrize(
    ("objective", "title"),
    [(Objective.CROSS_ENTROPY, CE_TITLE), (Objective.REVERSE_KL, REVERSE_TITLE)],
)
async def test_each_step_redraws_with_the_objective_in_the_title(
    objective: Objective, title: str
) -> None:
    scenario = preset("weather")
    host = ChartHost(scenario)
    async with host.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        run = TrainingRun.start(scenario, 0, objective)
        for expected_step in (0, 1, 6):
            before = host.chart.draw_count
            host.show(run)
            await pilot.pause()
            await pilot.pause()
            assert host.chart.draw_count > before
            shown = shown_text(host.chart)
            assert title in shown
            assert f"step {expected_step} " in shown
            assert "[nats]" in shown
            run = run.step(1 if expected_step == 0 else 5)
        gap_label = "KL(p‖q) = " if objective is Objective.CROSS_ENTROPY else "KL(q‖p) = "
        assert gap_label in shown
        floor_text = "H(p) = 1.1055" if objective is Objective.CROSS_ENTROPY else "0 at q = p"
        assert floor_text in shown


async def test_the_chart_follows_the_run_when_only_the_run_is_bound() -> None:
    host = ChartHost(bind_scenario=False)
    async with host.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        assert host.chart.scenario is None
        run = mid_run(Objective.CROSS_ENTROPY)
        host.training = run
        await pilot.pause()
        await pilot.pause()
        assert host.chart.scenario is run.scenario
        assert CE_TITLE in shown_text(host.chart)


async def test_a_burst_of_steps_collapses_into_few_redraws() -> None:
    host = ChartHost(preset("weather"))
    async with host.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        run = TrainingRun.start(preset("weather"), 0)
        before = host.chart.draw_count
        for _ in range(10):
            run = run.step()
            host.show(run)
        await pilot.pause()
        await pilot.pause()
        assert 1 <= host.chart.draw_count - before < 4
        assert "step 10 " in shown_text(host.chart)


async def test_a_converged_run_and_an_infinite_start_are_drawn_and_labelled() -> None:
    one_hot = TrainingRun.start(preset("one-hot"), 0, Objective.REVERSE_KL).step(5)
    assert one_hot.history[0] == float("inf") and one_hot.converged
    host = ChartHost(one_hot.scenario, one_hot)
    async with host.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        shown = shown_text(host.chart)
        assert "converged" in shown and "∞" in shown and "KL(q‖p) = 0" in shown


@pytest.mark.parametrize("size", [(3, 3), (6, 6), (12, 6), (20, 8), (40, 10)])
async def test_tiny_sizes_never_raise(size: tuple[int, int]) -> None:
    run = TrainingRun.start(preset("one-hot"), 0).step(300)
    host = ChartHost(run.scenario, run)
    async with host.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        host.show(run.with_objective(Objective.REVERSE_KL).step(2))
        await pilot.pause()
        await pilot.pause()
        assert host.chart.size.width <= size[0]


def test_the_title_names_the_model_the_rate_and_the_state() -> None:
    assert chart_title(None) == HINT
    run = TrainingRun.start(preset("weather"), 0, Objective.CROSS_ENTROPY, 0.5).step(3)
    assert chart_title(run) == ("Minimising H(p,q) → H(p)   uniform   step 3   η = 0.5   [nats]")
    stalled = TrainingRun.start(preset("support-mismatch"), 0, Objective.REVERSE_KL).step(200)
    assert "stalled" in chart_title(stalled)


def test_step_ticks_are_whole_steps_on_a_log_axis_whose_labels_never_touch() -> None:
    assert step_ticks(10, 80) == [0, 1, 2, 5, 10]
    assert step_ticks(3000, 80) == [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
    for right in range(10, 5000, 37):
        for columns in (20, 40, 90):
            ticks = step_ticks(right, columns)
            assert ticks[0] == 0 and ticks == sorted(set(ticks)) and ticks[-1] <= right
            span = step_position(right)
            spans = [
                (columns * step_position(t) / span - len(str(t)) / 2,
                 columns * step_position(t) / span + len(str(t)) / 2)
                for t in ticks
            ]  # fmt: skip
            assert all(b[0] > a[1] + 1 for a, b in zip(spans, spans[1:], strict=False))


def test_the_log_step_axis_gives_the_first_steps_room_however_long_the_run() -> None:
    # On a linear axis the first 10 of 1000 steps take 1 % of the width; here a third.
    assert step_position(10) / step_position(1000) > 0.33
    assert step_position(0) == 0.0


def test_long_histories_are_thinned_keeping_both_ends_and_every_early_step() -> None:
    assert thinned(5, 10) == [0, 1, 2, 3, 4]
    kept = thinned(100_000, 180)
    assert kept[0] == 0 and kept[-1] == 99_999 and len(kept) <= 181
    assert kept[:10] == list(range(10))  # the early steps, where the curve falls, all stay
    positions = [step_position(k) for k in kept]
    assert positions == sorted(positions)


@pytest.mark.usefixtures("no_cursor_blink")
@pytest.mark.parametrize("objective", list(Objective), ids=["cross-entropy", "reverse-kl"])
def test_mid_run_snapshot(snap_compare: SnapCompare, objective: Objective) -> None:
    run = mid_run(objective)
    assert snap_compare(ChartHost(run.scenario, run), terminal_size=(100, 24))
