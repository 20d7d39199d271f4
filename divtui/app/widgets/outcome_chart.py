"""The per-outcome chart: −p log p beside −p log q and the signed KL term p log(p/q).

Grouped, not stacked: KL terms can be negative, and stacked bars hide mixed signs. A zero line
runs across, positive bars rise from the row above it and negative ones hang from the row below,
so a −0.02 never looks like a +0.02. Every outcome has its group while the groups fit; beyond,
the largest |KL terms| have them and the rest is summed in words under the chart, never drawn
as a bar on a scale it does not share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from textual.reactive import reactive

from divtui.app.widgets.chart import ModelChart, drawable
from divtui.core.analysis import Analysis
from divtui.core.chart_scale import (
    distinct_labels,
    largest_magnitudes,
    nice_ticks,
    reserve_rows,
    short_number,
    tick_labels,
)
from divtui.core.scenario import Scenario

GROUP_COLUMNS = 7
"""The fewest terminal columns per group of three bars: bars of two columns, a one-column gap
between groups, and room for a 6-character label (7 groups in a chart 60 columns wide)."""

SERIES = (
    ("−p log p", "divtui-entropy"),
    ("−p log q", "divtui-cross-entropy"),
    ("p log(p/q)", "divtui-kl"),
)
"""Each bar of a group: the legend's name and its colour variable."""

INFINITY_CAP = 1.15
"""An infinite term is drawn this many times as tall as the tallest finite one shown."""


@dataclass(frozen=True, slots=True)
class OutcomeGroups:
    """What the chart draws for one model: a group per outcome shown, and the rest in sums."""

    labels: list[str]
    series: list[list[float]]
    """−p log p, −p log q and p log(p/q) of each outcome shown, in the order of `labels`."""
    rest: int
    """How many outcomes have no group (0 when every outcome has one)."""
    rest_sums: tuple[float, float, float]
    """The three terms summed over those outcomes (zeros when there are none)."""


def shown_outcomes(kl_terms: np.ndarray, width: int) -> tuple[list[int], bool]:
    """The outcomes with a group: all in order when they fit `width` plot columns, else the
    largest |KL terms|, largest first; and whether some were left out."""
    fits = max(2, width // GROUP_COLUMNS)
    if len(kl_terms) <= fits:
        return list(range(len(kl_terms))), False
    return largest_magnitudes(kl_terms, fits), True


def outcome_bars(analysis: Analysis, model: int, width: int) -> OutcomeGroups:
    """The chart's groups for `model` in `width` plot columns, and the sums of the rest."""
    scenario = analysis.scenario
    terms = analysis.terms(model)
    shown, left_out = shown_outcomes(np.asarray(terms.kl), width)
    labels = [scenario.labels[i] for i in shown]
    vectors = (terms.entropy, terms.cross_entropy, terms.kl)
    series = [[float(vector[i]) for i in shown] for vector in vectors]
    if not left_out:
        return OutcomeGroups(labels, series, 0, (0.0, 0.0, 0.0))
    measures = analysis.measures[model]
    totals = (measures.entropy_p, measures.cross_entropy, measures.kl)
    sums: list[float] = []
    for values, vector, total, signed in zip(
        series, vectors, totals, (False, False, True), strict=True
    ):
        shown_sum = math.fsum(values)
        if math.isfinite(total) and math.isfinite(shown_sum):
            # The measure less the groups shown: no pass over a million outcomes.
            rest = total - shown_sum
            sums.append(rest if signed else max(rest, 0.0))
        else:  # an infinite term: sum the rest itself
            mask = np.ones(scenario.size, dtype=bool)
            mask[shown] = False
            sums.append(float(np.sum(vector[mask])))
    h, ce, kl = sums
    return OutcomeGroups(labels, series, scenario.size - len(shown), (h, ce, kl))


def rest_note(groups: OutcomeGroups, width: int) -> str:
    """The outcomes without a group, in words: how many, and their three sums; as much as fits
    `width` columns (plotext drops a label wider than its plot area)."""
    h, ce, kl = (short_number(v) for v in groups.rest_sums)
    count = f"{groups.rest:,}"
    for candidate in (
        f"+ {count} more outcomes, summed: −p log p {h}, −p log q {ce}, p log(p/q) {kl}",
        f"+ {count} more: −p log p {h}, −p log q {ce}, KL {kl}",
        f"+{count} more: −p log q {ce}, KL {kl}",
        f"+{count} more: KL {kl}",
        f"+{count} more outcomes",
    ):
        if len(candidate) <= width - 2:
            return candidate
    return f"+{count}"


class OutcomeChart(ModelChart):
    """Grouped bars per outcome for one model (the one under the table's cursor)."""

    hide_kl: reactive[bool] = reactive(False, repaint=False)
    """The classroom mode's question is open: only −p log p is drawn, the terms that depend
    on q are `?`."""

    def _watch_hide_kl(self) -> None:
        self.replot()

    def draw(self, scenario: Scenario) -> None:
        plt = self.plt
        index = min(self.model_index, len(scenario.models) - 1)
        assert self.analysis is not None
        groups = outcome_bars(self.analysis, index, self.plot_columns(6) - 1)
        if self.hide_kl:
            hidden = [0.0] * len(groups.labels)
            groups = replace(groups, series=[groups.series[0], hidden, hidden], rest_sums=(0, 0, 0))
        series, count = groups.series, len(groups.labels)
        finite = [v for values in series for v in values if drawable(v)]
        top = max([0.0, *finite])
        bottom = min([0.0, *finite])
        cap = top * INFINITY_CAP if top > 0 else 1.0
        drawn = [[v if drawable(v) else cap for v in values] for values in series]

        rows = self.plot_rows(xlabel=bool(groups.rest))
        # A row for the zero line, one under it for negative bars, and two above the tallest
        # bar: the ∞ marks, then the legend on the top row.
        low = bottom
        high = cap
        for _ in range(3):  # the rows depend on the span, which depends on the rows
            per_row = (high - low) / max(1, rows - 1)
            low = min(bottom, 0.0) - (1.5 * per_row if bottom < 0 else 0.0)
            high = reserve_rows(cap, low, rows, 2.2)
        per_row = (high - low) / max(1, rows - 1)
        ticks = nice_ticks(low, high, max(2, rows // 3))
        labels = tick_labels(ticks)
        tick_width = max((len(label) for label in labels), default=4)
        columns = self.plot_columns(tick_width)
        # Whole columns per group, so that every bar is as wide as the others and every gap
        # shows: plotext puts x on column floor(0.5 + (columns − 1)(x − left)/(right − left)).
        per_group = max(3, (columns - 1) // count)
        bar_columns = max(1, (per_group - max(1, per_group // 5)) // len(SERIES))
        gap = per_group - len(SERIES) * bar_columns
        margin = (columns - count * per_group) // 2
        left = 1 - (margin + (per_group - 1) / 2) / per_group
        right = left + (columns - 1) / per_group
        per_column = 1 / per_group

        plt.horizontal_line(0.0, color=self.colour("divtui-baseline"))
        offsets = [
            (gap // 2 + k * bar_columns + (bar_columns - 1) / 2 - (per_group - 1) / 2) / per_group
            for k in range(len(SERIES))
        ]
        half = (bar_columns - 1) / per_group / 2
        for values, offset, (_, variable) in zip(drawn, offsets, SERIES, strict=True):
            for position, value in enumerate(values, start=1):
                # Off the zero row. A term too small for half a row is a thin line on the row
                # next to zero, on its side: its sign shows, and it does not pass for a row.
                x = position + offset
                thin = abs(value) < per_row / 2
                if value > 0:
                    top = per_row if thin else max(value, per_row)
                    self.rect(x - half, x + half, per_row, top, variable, "▁" if thin else "█")
                elif value < 0:
                    end = -per_row if thin else min(value, -per_row)
                    self.rect(x - half, x + half, -per_row, end, variable, "▔" if thin else "█")
        positions = [float(x) for x in range(1, count + 1)]
        room = max(3, per_group - 2)  # plotext drops a label with no blank beside it
        plt.xticks(positions, distinct_labels(groups.labels, room))
        self.limits(left, right, low, high)
        plt.yticks(ticks, labels)
        for values, offset in zip(series, offsets, strict=True):
            for position, value in enumerate(values, start=1):
                if math.isinf(value):
                    self.label("∞", position + offset, cap + per_row, "divtui-kl")
        if self.hide_kl:
            for position in range(1, count + 1):
                for offset in offsets[1:]:
                    self.label("?", position + offset, per_row, "divtui-kl")
        # With label smoothing the terms are those of p′, and the legend says so.
        prime = "′" if scenario.label_smoothing else ""
        names = [name.replace("p", f"p{prime}") for name, _ in SERIES]
        legend = [
            (f"█ {name}", variable) for name, (_, variable) in zip(names, SERIES, strict=True)
        ]
        if sum(len(text) + 2 for text, _ in legend) > columns - 2:
            legend = [
                (f"█{names[0]}", SERIES[0][1]),
                (f"█{names[1]}", SERIES[1][1]),
                ("█KL", SERIES[2][1]),
            ]
        self.legend(legend, left, high, per_column)
        if groups.rest:
            hidden_note = f"+{groups.rest:,} more outcomes"
            plt.xlabel(hidden_note if self.hide_kl else rest_note(groups, columns))
        name = scenario.models[index].name
        plt.title(self._title(name, scenario.unit.value, groups, scenario.size))

    def _title(self, name: str, unit: str, groups: OutcomeGroups, size: int) -> str:
        """What is drawn, as long as the width allows."""
        head = f"Per outcome, model {name}"
        if not groups.rest:
            candidates = [f"{head}   [{unit}]", head]
        else:
            shown = len(groups.labels)
            candidates = [
                f"{head}: the {shown} largest |KL terms| of {size:,}   [{unit}]",
                f"{head}: {shown} largest |KL|   [{unit}]",
                head,
            ]
        for candidate in candidates:
            if len(candidate) <= self.size.width - 8:
                return candidate
        return candidates[-1]
