"""The training chart: the objective, step by step, falling towards its floor.

For cross-entropy the floor is H(p), drawn as a line, and the gap still to go is KL(p‖q); for
reverse KL the floor is 0 and the gap is KL(q‖p) itself. The x axis is log(1 + step): the first
steps, where the objective falls fastest, keep their room however long the run gets. While a
run is replayed, a cursor marks the step on screen. The chart draws from a `TrainingRun`
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

XLABEL = "step (log scale)"
"""The x axis's label, shown when the chart has the rows for it."""
XLABEL_FROM_HEIGHT = 14
"""The chart is at least this tall to give a row to `XLABEL`."""

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


def chart_title(run: TrainingRun | None, width: int = 1000, cursor: int | None = None) -> str:
    """The chart's title: which objective is minimised, how far the run has got (the step shown
    of how many, while it is replayed), and the unit.

    plotext drops a title wider than the chart, so the details give way first, then the
    spacing; what is minimised always stays.
    """
    if run is None or not run.history_nats:
        return HINT
    state = " converged" if run.converged else " stalled" if run.stalled else ""
    head = f"Minimising {run.objective.formula} → {floor_name(run.objective)}"
    step = f"step {run.steps}" if cursor is None else f"replay: step {cursor} of {run.steps}"
    for candidate in (
        f"{head}   {run.model.name}   {step}   η = {run.learning_rate:g}{state}   "
        f"[{run.unit.value}]",
        f"{head}  {step}  η={run.learning_rate:g}{state}  [{run.unit.value}]",
        f"{head}  {step}{state}",
        head,
    ):
        if len(candidate) <= width - 8:  # plotext needs room beside a title
            return candidate
    return head


def step_position(step: float) -> float:
    """Where a step goes on the x axis: log10(1 + step) (step 0 at 0, step 9 at 1, …)."""
    return math.log10(1.0 + step)


def step_ticks(right: int, columns: int) -> list[int]:
    """Steps 0, 1, 2, 5, 10, 20, 50, … up to `right`, leaving out those whose labels would
    touch the one before on a `columns`-wide log-step axis."""
    candidates = [0]
    power = 1
    while power <= right:
        candidates += [factor * power for factor in (1, 2, 5) if factor * power <= right]
        power *= 10
    span = step_position(right) or 1.0
    kept: list[int] = []
    end = -math.inf
    for step in candidates:
        centre = columns * step_position(step) / span
        half = len(str(step)) / 2
        if centre - half > end + 1:
            kept.append(step)
            end = centre + half
    return kept


def thinned(count: int, most: int) -> list[int]:
    """At most about `most` steps of range(count), evenly spaced on the log-step axis (all the
    early steps, fewer and fewer later ones), always keeping the first and the last."""
    if count <= most:
        return list(range(count))
    positions = np.log10(1.0 + np.arange(count)) * (most - 1) / math.log10(count)
    _, first = np.unique(np.floor(positions), return_index=True)
    return sorted({*first.tolist(), count - 1})


class TrainingChart(Chart):
    """A line of the objective against the step number, with its floor and the gap labelled."""

    run: reactive[TrainingRun | None] = reactive(None, repaint=False)
    """The run drawn; owned by the screen. None shows how to start one."""
    cursor: reactive[int | None] = reactive(None, repaint=False)
    """The step on screen while the run is replayed (None: not replaying)."""

    @property
    def scenario(self) -> Scenario | None:
        """The scenario drawn: the analysis's, or the run's when only the run is bound."""
        if self.analysis is not None:
            return self.analysis.scenario
        return None if self.run is None else self.run.scenario

    def _watch_run(self, run: TrainingRun | None) -> None:
        # The run's scenario comes down as the analysis right after it: one redraw for both.
        self.replot()

    def _watch_cursor(self) -> None:
        self.replot()

    def draw(self, scenario: Scenario) -> None:
        plt = self.plt
        run = self.run
        plt.title(chart_title(run, self.size.width, self.cursor))
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
        steps = max(MIN_STEPS_SHOWN, run.steps)
        right = step_position(steps)
        columns = max(1, self.size.width - Y_TICK_COLUMNS)
        xlabel = self.size.height >= XLABEL_FROM_HEIGHT
        rows = max(1, self.size.height - FRAME_ROWS - xlabel)

        shown = thinned(len(drawn), POINTS_PER_COLUMN * columns)
        # The floor is plotted as a series with the curve's marker, not as a horizontal_line:
        # both then round to the same dot rows, so a curve just above its floor never appears
        # to dip below it.
        plt.plot([0, right], [floor, floor], color=self.colour("divtui-entropy"), marker=MARKER)
        plt.plot(
            [step_position(i) for i in shown],
            [drawn[i] for i in shown],
            color=self.colour("divtui-cross-entropy"),
            marker=MARKER,
        )
        ticks_x = step_ticks(steps, columns)
        plt.xticks([step_position(t) for t in ticks_x], [str(t) for t in ticks_x])
        if xlabel:
            plt.xlabel(XLABEL)
        self.limits(0, right, lower, upper)
        ticks = nice_ticks(lower, upper, max(2, rows // 3))
        plt.yticks(_on_marker_rows(ticks, lower, upper, rows), tick_labels(ticks))

        per_column = right / columns
        per_row = (upper - lower) / rows
        text = floor_label(run.objective, floor)
        self.label(text, _fit(0.0, text, per_column, right), floor + per_row, "divtui-entropy")
        for step, value in enumerate(values):
            if math.isinf(value):
                x = _fit(step_position(step), "∞", per_column, right)
                self.label("∞", x, cap, "divtui-kl")
                break
        self._label_gap(run, drawn, floor, per_column, per_row, upper)
        if self.cursor is not None and 0 <= self.cursor < len(drawn):
            gap = values[self.cursor] - (floor if run.objective is Objective.CROSS_ENTROPY else 0)
            self._draw_cursor(self.cursor, drawn[self.cursor], gap, (lower, upper), per_column)

    def _draw_cursor(
        self, step: int, value: float, gap: float, span: tuple[float, float], per_column: float
    ) -> None:
        """The replayed step: a line across the plot, a dot on the curve, and at the top the
        step and the divergence left then."""
        run = self.run
        assert run is not None
        lower, upper = span
        right = step_position(max(MIN_STEPS_SHOWN, run.steps))
        x = step_position(step)
        self.rect(x, x, lower, upper, "divtui-baseline", marker="│")
        self.mark(x, value, "●", "divtui-cross-entropy")
        shown = "∞" if math.isinf(gap) else f"{gap:.3g}" if abs(gap) < 1e-3 else f"{gap:.4f}"
        text = f"step {step}: {gap_name(run.objective)} = {shown}"
        self.label(text, _fit(x, text, per_column, right), upper, "divtui-baseline")

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
        right = step_position(max(MIN_STEPS_SHOWN, run.steps))
        x = _fit(step_position(run.steps), text, per_column, right)
        half = (len(text) / 2 + 1) * per_column
        first, last = _step_at(x - half), _step_at(x + half)
        under = drawn[max(0, math.floor(first)) : math.ceil(last) + 1] or drawn[-1:]
        lowest, highest = min(under), max(under)
        if lowest - floor >= 3 * per_row:
            y = (lowest + floor) / 2
        elif highest + 2 * per_row <= upper:
            y = highest + 1.5 * per_row
        else:
            y = (drawn[-1] + floor) / 2
        self.label(text, x, y, "divtui-kl")


def _step_at(x: float) -> float:
    """The step at position `x` of the log-step axis (the inverse of `step_position`)."""
    return math.pow(10.0, max(x, 0.0)) - 1.0


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
