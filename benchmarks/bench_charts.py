"""Chart redraw times: each chart built from scratch (plotext included) at 4 and 10^6 outcomes.

Run: python benchmarks/bench_charts.py [--runs N]

Each chart sits alone in a small host app, once at the whole 120x40 terminal (the worst case)
and once at 60x18 (its panel in the 120x40 layout). A redraw is what the chart does when its
data changes: choose the outcomes shown (the largest |KL terms| of 10^6 when they do not fit),
lay out its axis and labels, and let plotext build the picture. The scenario's measures are
computed before timing, as the app computes them once for the table and the metrics. Medians
against the target of 30 ms per chart; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import numpy as np
from textual.app import App, ComposeResult
from textual.reactive import reactive

from divtui.app.theme_files import CHART_VARIABLES, discover_themes
from divtui.app.widgets.chart import Chart
from divtui.app.widgets.decomposition_chart import DecompositionChart
from divtui.app.widgets.distributions_chart import DistributionsChart
from divtui.app.widgets.outcome_chart import OutcomeChart
from divtui.app.widgets.training_chart import TrainingChart
from divtui.core.baseline import Baseline
from divtui.core.presets import preset
from divtui.core.scenario import ModelInput, Scenario
from divtui.core.training import TrainingRun

TARGET = 0.030
SIZES = ((120, 40), (60, 18))
CHARTS: tuple[type[Chart], ...] = (
    DecompositionChart,
    OutcomeChart,
    DistributionsChart,
    TrainingChart,
)


class Host(App[None]):
    """One chart, bound to a scenario."""

    scenario: reactive[Scenario | None] = reactive(None, always_update=True)

    def __init__(self, make: Callable[[], Chart], scenario: Scenario) -> None:
        super().__init__()
        for entry in discover_themes().themes:
            self.register_theme(entry.theme)
        self.theme = "divtui-dark"
        self._make = make
        self._initial = scenario

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(CHART_VARIABLES)

    def compose(self) -> ComposeResult:
        yield self._make().data_bind(Host.scenario)

    def on_mount(self) -> None:
        self.scenario = self._initial


def million() -> Scenario:
    """A next-token-like 10^6-outcome scenario with two models."""
    rng = np.random.default_rng(2026)
    size = 1_000_000
    p = rng.dirichlet(np.full(size, 0.5))
    models = [ModelInput(f"q{k}", rng.dirichlet(np.full(size, 0.5))) for k in range(2)]
    return Scenario.build([f"tok{i}" for i in range(size)], p, models)


def redraws(kind: type[Chart], scenario: Scenario, size: tuple[int, int], runs: int) -> list[float]:
    """Seconds per full rebuild of one chart, `runs` times."""
    times: list[float] = []

    async def measure() -> None:
        app = Host(kind, scenario)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.2)
            chart = app.query_one(Chart)
            if isinstance(chart, TrainingChart):
                chart.run = TrainingRun.start(scenario, 0).step(40)
            if isinstance(chart, DecompositionChart):
                chart.baseline = Baseline.pin(scenario)  # every hook drawn
                chart.ghost = Baseline.pin(scenario)
            await pilot.pause(0.2)
            for _ in range(runs):
                chart._stale = True
                chart._build_allowed = True
                start = time.perf_counter()
                chart.render()
                times.append(time.perf_counter() - start)

    asyncio.run(measure())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    scenarios = {"4 outcomes": preset("weather"), "10^6 outcomes": million()}
    for scenario in scenarios.values():
        _ = scenario.measures, scenario.terms  # computed once, as the app does
    print(f"{'chart redraw (median)':<52} {'value':>11}  {'target':>10}  ratio   verdict")
    for name, scenario in scenarios.items():
        for size in SIZES:
            for kind in CHARTS:
                median = statistics.median(redraws(kind, scenario, size, args.runs))
                verdict = "met" if median <= TARGET else "NOT met"
                label = f"{kind.__name__}, {name}, {size[0]}x{size[1]}"
                print(
                    f"{label:<52} {median * 1000:8.1f} ms  {TARGET * 1000:7.1f} ms"
                    f"  {median / TARGET:6.2f}×  {verdict}"
                )
    print("(in-process, plotext included; noisy shared machine: compare ratios)")


if __name__ == "__main__":
    main()
