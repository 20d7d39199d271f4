"""The decomposition chart: for each model a bar of height H(p,q) split into H(p) and KL(p‖q).

Each segment carries its value. When KL is small next to H(p) the chart switches to a gap view:
the axis starts just below H(p), is drawn and labelled as broken, and KL fills the height, so a
KL twice another draws twice as tall. A training run can fix the axis and leave its starting bar
as a ghost; a pinned baseline draws as a marker across each bar. An infinite KL draws as a
capped bar marked ∞.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.reactive import reactive

from divtui.app.widgets.chart import Chart, drawable
from divtui.app.widgets.hidden_kl import draw_hidden
from divtui.core.baseline import Baseline
from divtui.core.chart_scale import (
    Axis,
    decomposition_axis,
    distinct_labels,
    nice_ticks,
    reserve_rows,
    short_number,
    tick_labels,
    wants_gap_view,
)
from divtui.core.scenario import Scenario

CAP = 1.35
"""An infinite bar is drawn this many times as tall as the tallest finite one."""

CAP_GAP = 0.3
"""In the gap view an infinite bar rises this fraction of the span shown above the tallest."""

BAR_WIDTH = 0.42
"""A bar's width, in model slots: the rest of the slot holds its labels."""

GHOST_MARKER = "░"
"""A training run's starting bar: a light shade, behind the bar as it is now."""

BASELINE_MARKER = "━"
"""A pinned baseline's H(p,q), drawn across the bar."""

BREAK = "≈"
"""Drawn across the foot of each bar, and in the note under the chart, on a broken axis."""


def capped_height(values: list[float], floor: float) -> float:
    """Where to cap infinite bars: above every finite value (and the floor), never zero."""
    finite = [v for v in values if drawable(v)]
    top = max([floor, *finite], default=floor)
    return top * CAP if top > 0 else 1.0


@dataclass(frozen=True, slots=True)
class BarGeometry:
    """Where one frame of the chart puts things, in data units per text cell."""

    axis: Axis
    per_row: float
    per_column: float
    beside: bool
    """Whether the segment labels fit beside their bars (else the values go above them)."""


def pieces_prime(scenario: Scenario) -> str:
    """`′` when the measures use a smoothed p′, else nothing: the chart names what it draws."""
    return "′" if scenario.label_smoothing else ""


class DecompositionChart(Chart):
    """Stacked bars H(p) + KL(p‖q) = H(p,q), one per model, every segment labelled."""

    gap_view: reactive[bool | None] = reactive(None, repaint=False)
    """The broken-axis view: True on, False off, None (the default) when KL is small next to
    H(p)."""
    axis_range: reactive[tuple[float, float] | None] = reactive(None, repaint=False)
    """A fixed (bottom, tallest value) for the axis, in the scenario's unit, e.g. for a training
    run; None fits the axis to the bars. A bottom above 0 draws a broken axis."""
    ghost: reactive[Baseline | None] = reactive(None, repaint=False)
    """Measures to draw as ghost bars behind the bars (a training run's start)."""
    baseline: reactive[Baseline | None] = reactive(None, repaint=False)
    """A pinned baseline: its H(p,q) for each model draws as a marker across the bar."""

    hide_kl: reactive[bool] = reactive(False, repaint=False)
    """The classroom mode's question is open: H(p) alone, the KL part a `?`."""

    def _watch_hide_kl(self) -> None:
        self.replot()

    def _watch_gap_view(self) -> None:
        self.replot()

    def _watch_axis_range(self) -> None:
        self.replot()

    def _watch_ghost(self) -> None:
        self.replot()

    def _watch_baseline(self) -> None:
        self.replot()

    def showing_gap_view(self, scenario: Scenario) -> bool:
        """Whether the chart draws the gap view for `scenario` (the reactive, or the automatic
        choice when it is None)."""
        if self.gap_view is not None:
            return self.gap_view
        entropy = self.measures[0].entropy_p
        return wants_gap_view(entropy, [m.kl for m in self.measures])

    def _earlier(self, measures: Baseline | None, scenario: Scenario) -> list[float | None]:
        """Each model's H(p,q) in `measures` (a ghost or a baseline), in the scenario's unit."""
        if measures is None:
            return [None] * len(scenario.models)
        converted = measures.in_unit(scenario.unit)
        values: list[float | None] = []
        for model in scenario.models:
            pinned = converted.measures.get(model.name)
            values.append(pinned.cross_entropy if pinned is not None else None)
        return values

    def draw(self, scenario: Scenario) -> None:
        if self.hide_kl:
            draw_hidden(self, scenario, BAR_WIDTH)
            return
        plt = self.plt
        names = [model.name for model in scenario.models]
        count = len(names)
        entropy = self.measures[0].entropy_p
        cross = [m.cross_entropy for m in self.measures]
        ghosts = self._earlier(self.ghost, scenario)
        pinned = self._earlier(self.baseline, scenario)
        extra = [v for v in (*ghosts, *pinned) if v is not None and drawable(v)]
        finite = [v for v in cross if drawable(v)] + extra
        gap = self.showing_gap_view(scenario)
        axis = decomposition_axis(entropy, finite, gap_view=gap, fixed=self.axis_range)
        highest = max([entropy, *finite])
        if any(not drawable(v) for v in cross):
            cap = (
                highest + CAP_GAP * (highest - axis.low)
                if axis.broken
                else capped_height(finite, entropy)
            )
        else:
            cap = highest
        tops = [v if drawable(v) else cap for v in cross]

        rows = self.plot_rows(xlabel=axis.broken)
        fitted = axis
        prime = pieces_prime(scenario)
        widest = max(len(f"KL {short_number(m.kl)}") for m in self.measures)
        widest = max(widest, len(f"H(p{prime}) {short_number(entropy)}"))
        for reserved in (2.6, 3.6):
            # Rows above the tallest bar: its value (and its KL when the labels go above the
            # bars), and the legend on the top row.
            high = reserve_rows(max(cap, highest), fitted.low, rows, reserved)
            high = max(high, fitted.high) if self.axis_range is not None else high
            axis = Axis(fitted.low, high, fitted.broken)
            ticks = nice_ticks(axis.low, axis.high, max(2, rows // 3))
            labels = tick_labels(ticks)
            tick_width = max((len(label) for label in labels), default=4)
            left, right = self._x_range(count, BAR_WIDTH)
            per_column = (right - left) / self.plot_columns(tick_width)
            beside = (1 - BAR_WIDTH) / per_column >= widest + 2
            if beside:
                break
        per_row = axis.span / max(1, rows - 1)
        width = BAR_WIDTH if beside else 0.6
        left, right = self._x_range(count, width)
        per_column = (right - left) / self.plot_columns(tick_width)
        geometry = BarGeometry(axis, per_row, per_column, beside)

        positions = [float(i) for i in range(1, count + 1)]
        low = axis.low
        ghost_tops = [
            (x, g if drawable(g) else cap, top)
            for x, g, top in zip(positions, ghosts, tops, strict=True)
            if g is not None and (g if drawable(g) else cap) > top
        ]
        half = width / 2
        for x, ghost_top, top in ghost_tops:
            self.rect(x - half, x + half, top, ghost_top, "divtui-cross-entropy", GHOST_MARKER)
        plt.horizontal_line(entropy, color=self.colour("divtui-entropy"))
        # A value goes on row round((rows − 1) · (y − low) / span), and a bar fills the rows
        # from its bottom's to its top's, both included. KL is drawn first and H(p) over it,
        # so H(p)'s top row is H(p)'s and KL shows on the rows above: an honest height, and
        # never less than one row for a KL above 0.
        tops = [
            max(top, entropy + per_row) if top > entropy or m.kl > 0 else top
            for top, m in zip(tops, self.measures, strict=True)
        ]
        for x, top in zip(positions, tops, strict=True):
            if top > entropy:
                self.rect(x - half, x + half, entropy, top, "divtui-kl")
        if entropy > low:
            # On a broken axis the bottom row stays free for the break marks.
            foot = low + per_row if axis.broken else low
            for x in positions:
                self.rect(x - half, x + half, foot, entropy, "divtui-entropy")
        for x, value in zip(positions, pinned, strict=True):
            if value is not None and drawable(value):
                reach = half + per_column
                self.rect(x - reach, x + reach, value, value, "divtui-baseline", BASELINE_MARKER)
        # plotext drops a tick label with no blank beside it: names are cut to stay distinct.
        plt.xticks(positions, distinct_labels(names, max(3, int(1 / per_column) - 2)))
        self.limits(left, right, axis.low, axis.high)
        plt.yticks(ticks, labels)

        started = {x: ghost_top for x, ghost_top, _ in ghost_tops}
        starts = [started.get(x) for x in positions]
        self._label_bars(scenario, geometry, positions, tops, width, pinned, starts)
        if axis.broken:
            marks = BREAK * max(1, round(width / per_column) + 1)
            for x in positions:
                self.label(marks, x, low, "divtui-baseline")
            decimals = max((len(t.partition(".")[2]) for t in labels), default=0)
            start = f"{low:.{decimals}f}"  # as the ticks write it: 9, 1.275
            for note in (
                f"{BREAK} broken axis: it starts at {start}, not 0",
                f"{BREAK} axis from {start}, not 0",
                f"{BREAK} from {start}",
            ):
                if len(note) <= self.plot_columns(tick_width) or note.endswith(start):
                    plt.xlabel(note)
                    break
        legend = []
        if not beside:
            legend += [
                (f"█ H(p{prime}) {short_number(entropy)}", "divtui-entropy"),
                ("█ KL", "divtui-kl"),
            ]
        if ghost_tops:
            legend.append((f"{GHOST_MARKER} start", "divtui-cross-entropy"))
        if any(v is not None for v in pinned):
            legend.append((f"{BASELINE_MARKER} baseline", "divtui-baseline"))
        if legend:
            self.legend(legend, left, axis.high, per_column)
        plt.title(f"H(p{prime},q) = H(p{prime}) + KL(p{prime}‖q)   [{scenario.unit.value}]")

    @staticmethod
    def _x_range(count: int, width: float) -> tuple[float, float]:
        """The x axis: a small margin left of the first bar, and right of the last the room its
        labels have beside every other bar."""
        return 1 - width / 2 - 0.15, count + width / 2 + (1 - width)

    def _label_bars(
        self,
        scenario: Scenario,
        geometry: BarGeometry,
        positions: list[float],
        tops: list[float],
        width: float,
        pinned: list[float | None],
        starts: list[float | None],
    ) -> None:
        """Each bar's H(p,q) above it (above its ghost, from the start value: `1.386 → 1.147`),
        and its H(p) and KL beside their segments (or above the bar, when the slot is too
        narrow for them)."""
        axis, per_row, per_column = geometry.axis, geometry.per_row, geometry.per_column
        entropy = self.measures[0].entropy_p
        prime = pieces_prime(scenario)
        slot = 1 / per_column
        for x, top, measures, marker, start in zip(
            positions, tops, self.measures, pinned, starts, strict=True
        ):
            cross = measures.cross_entropy
            total = short_number(cross)
            above = top + per_row
            if start is not None:  # over the ghost, never on it: the fall, in numbers
                above = start + per_row
                if len(f"{short_number(start)} → {total}") <= slot - 1:
                    total = f"{short_number(start)} → {total}"
            if marker is not None and abs(marker - above) < per_row:
                above = marker + per_row  # not on the baseline's marker
            if len(total) <= slot - 1:
                self.label(total, x, above, "divtui-cross-entropy")
            kl = short_number(measures.kl)
            if geometry.beside:
                side = x + width / 2 + 2 * per_column
                kl_y = max((entropy + top) / 2, entropy + per_row)
                self.label(f"KL {kl}", side, kl_y, "divtui-kl", alignment="left")
                h_y = (max(axis.low, 0.0) + entropy) / 2
                h_y = min(h_y, kl_y - 1.5 * per_row)
                if not axis.broken:
                    h_y = max(h_y, axis.low)  # H(p) = 0 (a one-hot p) is said too, at the foot
                if h_y >= axis.low + (0.5 * per_row if axis.broken else 0.0):
                    text = f"H(p{prime}) {short_number(entropy)}"
                    self.label(text, side, h_y, "divtui-entropy", alignment="left")
            elif len(kl) + 1 <= slot - 1:
                self.label(f"+{kl}", x, above + per_row, "divtui-kl")
