"""The training chart: the objective, step by step, falling towards its floor.

For cross-entropy the floor is H(p), drawn as a line, and the gap still to go is KL(p‖q); for
reverse KL the floor is 0 and the gap is KL(q‖p) itself. The chart draws from a `TrainingRun`
(the core computes every number; the chart only places them).
"""

from __future__ import annotations

import math

import numpy as np
from textual.reactive import reactive

from divtui.app.widgets.chart import Chart, drawable
from divtui.core.analysis import Analysis
from divtui.core.chart_scale import nice_ticks, tick_labels
from divtui.core.logits import Objective
from divtui.core.scenario import Scenario
from divtui.core.training import TrainingRun

HINT = "Press t to train the selected model"
"""The title shown while there is no run."""

MIN_STEPS_SHOWN = 10
"""The x axis spans at least this many steps, so the first steps do not fill the chart."""

POINTS_PER_COLUMN = 2
"""Long runs are thinned to this many points per column before plotext sees them (it draws at
most two dots per character cell, and a long history would cost time for nothing)."""

Y_TICK_COLUMNS = 10
"""About how many columns plotext gives the y tick labels and the frame (for placing text)."""

FRAME_ROWS = 4
"""About how many rows the title, the x tick labels and the frame take (for placing text)."""

MIN_SPAN = 1e-3
"""The y axis spans at least this fraction of max(1, |floor|)."""

MARKER = "hd"
"""Quadrant blocks: two rows and two columns of dots per cell, bold enough to read at a glance."""

INFINITY_CAP = 0.3
"""An infinite value is drawn this fraction of the finite span above the highest finite one."""


def floor_name(objective: Objective) -> str:
    """What the objective falls towards, as the chart names it."""
    return "H(p)" if objective is Objective.CROSS_ENTROPY else "0"


def floor_label(objective: Objective, floor: float) -> str:
    """The text over the floor line: H(p) and its value, or where KL(q‖p) reaches 0."""
    if objective is Objective.CROSS_ENTROPY:
        return f"H(p) = {floor:.4f}"
    return "0 at q = p"


def gap_name(objective: Objective) -> str:
    """The divergence between the objective and its floor."""
    return "KL(p‖q)" if objective is Objective.CROSS_ENTROPY else "KL(q‖p)"


def chart_title(run: TrainingRun | None, width: int = 1000) -> str:
    """The chart's title: which objective is minimised, how far the run has got, and the unit.

    plotext drops a title wider than the chart, so the details give way first, then the
    spacing; what is minimised always stays.
    """
    if run is None or not run.history_nats:
        return HINT
    state = " converged" if run.converged else " stalled" if run.stalled else ""
    head = f"Minimising {run.objective.formula} → {floor_name(run.objective)}"
    for candidate in (
        f"{head}   {run.model.name}   step {run.steps}   η = {run.learning_rate:g}{state}   "
        f"[{run.unit.value}]",
        f"{head}  step {run.steps}  η={run.learning_rate:g}{state}  [{run.unit.value}]",
        f"{head}  step {run.steps}{state}",
        head,
    ):
        if len(candidate) <= width - 8:  # plotext needs room beside a title
            return candidate
    return head


def step_ticks(right: float, most: int = 6) -> list[float]:
    """Whole step numbers from 0 to `right`, 1, 2 or 5 times a power of ten apart, at most
    `most` + 1 of them."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            spacing = factor * power
            if right / spacing <= most:
                return [float(tick) for tick in range(0, int(right) + 1, spacing)]
        power *= 10


def thinned(count: int, most: int) -> list[int]:
    """At most `most` indices spread evenly over range(count), always keeping the first and last."""
    if count <= most:
        return list(range(count))
    return sorted({int(i) for i in np.linspace(0, count - 1, max(most, 2)).round()})


class TrainingChart(Chart):
    """A line of the objective against the step number, with its floor and the gap labelled."""

    run: reactive[TrainingRun | None] = reactive(None, repaint=False)
    """The run drawn; owned by the screen. None shows how to start one."""

    @property
    def scenario(self) -> Scenario | None:
        """The scenario drawn: the analysis's, or the run's when only the run is bound."""
        if self.analysis is not None:
            return self.analysis.scenario
        return None if self.run is None else self.run.scenario

    def _watch_run(self, run: TrainingRun | None) -> None:
        # The run's scenario comes down as the analysis right after it: one redraw for both.
        self.replot()

    def draw(self, scenario: Scenario) -> None:
        plt = self.plt
        run = self.run
        plt.title(chart_title(run, self.size.width))
        if run is None or not run.history_nats:
            plt.xticks([])
            plt.yticks([])
            return
        values = list(run.history)
        floor = _floor(run, self.analysis)
        finite = [v for v in values if drawable(v)]
        top = max([floor, *finite])
        span = top - floor
        # A run that starts at its floor would otherwise magnify rounding into a staircase.
        span = max(span, MIN_SPAN * max(1.0, abs(floor)))
        cap = top + INFINITY_CAP * span
        drawn = [v if drawable(v) else cap for v in values]
        lower = floor - 0.1 * span
        upper = (cap if len(finite) < len(values) else top) + 0.15 * span
        right = max(MIN_STEPS_SHOWN, run.steps)
        columns = max(1, self.size.width - Y_TICK_COLUMNS)
        rows = max(1, self.size.height - FRAME_ROWS)

        shown = thinned(len(drawn), POINTS_PER_COLUMN * columns)
        # The floor is plotted as a series with the curve's marker, not as a horizontal_line:
        # both then round to the same dot rows, so a curve just above its floor never appears
        # to dip below it.
        plt.plot([0, right], [floor, floor], color=self.colour("divtui-entropy"), marker=MARKER)
        plt.plot(
            shown,
            [drawn[i] for i in shown],
            color=self.colour("divtui-cross-entropy"),
            marker=MARKER,
        )
        plt.xticks(step_ticks(right))
        self.limits(0, right, lower, upper)
        ticks = nice_ticks(lower, upper, max(2, rows // 3))
        plt.yticks(_on_marker_rows(ticks, lower, upper, rows), tick_labels(ticks))

        per_column = right / columns
        per_row = (upper - lower) / rows
        text = floor_label(run.objective, floor)
        self.label(text, _fit(0.0, text, per_column, right), floor + per_row, "divtui-entropy")
        for step, value in enumerate(values):
            if math.isinf(value):
                self.label("∞", _fit(step, "∞", per_column, right), cap, "divtui-kl")
                break
        self._label_gap(run, drawn, floor, per_column, per_row, upper)

    def _label_gap(
        self,
        run: TrainingRun,
        drawn: list[float],
        floor: float,
        per_column: float,
        per_row: float,
        upper: float,
    ) -> None:
        """`KL(·‖·) = <gap>` near the last step: in the gap between the curve and the floor when
        a line of text fits there, else just above the curve, never across it."""
        gap = run.gap
        value = "∞" if math.isinf(gap) else f"{gap:.3g}" if gap < 1e-3 else f"{gap:.4f}"
        text = f"{gap_name(run.objective)} = {value}"
        right = max(MIN_STEPS_SHOWN, run.steps)
        x = _fit(run.steps, text, per_column, right)
        half = (len(text) / 2 + 1) * per_column
        under = drawn[max(0, math.floor(x - half)) : math.ceil(x + half) + 1] or drawn[-1:]
        lowest, highest = min(under), max(under)
        if lowest - floor >= 3 * per_row:
            y = (lowest + floor) / 2
        elif highest + 2 * per_row <= upper:
            y = highest + 1.5 * per_row
        else:
            y = (drawn[-1] + floor) / 2
        self.label(text, x, y, "divtui-kl")


def _fit(x: float, text: str, per_column: float, right: float) -> float:
    """`x` moved just enough that `text`, centred on it, stays inside [0, right]."""
    half = (len(text) / 2 + 1) * per_column
    if 2 * half >= right:
        return right / 2
    return min(max(x, half), right - half)


def _floor(run: TrainingRun, analysis: Analysis | None) -> float:
    """`run.floor`, from the screen's analysis when it holds it: H(p) is computed once per
    scenario there, where `run.floor` sums all of p again (20 ms at 10^6 outcomes)."""
    scenario = run.scenario
    if (
        run.objective is Objective.CROSS_ENTROPY
        and analysis is not None
        and analysis.scenario is scenario
    ):
        return analysis.measures[run.model_index].entropy_p
    return run.floor


def _on_marker_rows(ticks: list[float], low: float, high: float, rows: int) -> list[float]:
    """Where to put each tick so that its label sits on the row its value's dots are drawn on.

    plotext places a tick on row round((rows − 1)·f) but a quadrant-block dot on half-row
    round((2·rows − 1)·f), f = (y − low)/(high − low): a line at 0 would sit half a row under
    the tick that says 0.
    """
    if rows < 2 or high <= low:
        return ticks
    span = high - low
    placed = []
    for tick in ticks:
        half_row = math.floor(0.5 + (2 * rows - 1) * (tick - low) / span)
        placed.append(low + (half_row // 2) * span / (rows - 1))
    return placed
