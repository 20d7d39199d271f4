"""The distributions chart: p itself as bars, every model's q as a marker over them, per outcome.

It shows the shape of q against p that the measures sum up: a marker above its bar is an
outcome q overrates, below it one q underrates (the ones that drive KL(p‖q)), on its top row a
match. Probabilities need no unit. When the outcomes do not fit, the largest |KL terms| of the
selected model are shown and the rest is summed in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from divtui.app.widgets.chart import ModelChart
from divtui.core.analysis import Analysis
from divtui.core.chart_scale import (
    distinct_labels,
    largest_magnitudes,
    nice_ticks,
    reserve_rows,
    tick_labels,
)
from divtui.core.scenario import Scenario

MARKERS = ("●", "◆", "■", "▲", "▼", "✚", "✖", "◇")
"""Each model's marker, by its place in the scenario: the shape tells models apart whatever the
colours of the terminal (up to 8 models)."""

LABEL_COLUMNS = 5
"""The fewest columns an outcome's label gets under its bar."""


@dataclass(frozen=True, slots=True)
class DistributionGroups:
    """What the chart draws: p and each q of the outcomes shown, and the rest's total mass."""

    labels: list[str]
    p: list[float]
    q: list[list[float]]
    """One list per model, in the order of `labels`."""
    rest: int
    """How many outcomes are not shown (0 when all are)."""
    rest_p: float
    rest_q: list[float]


def group_columns(models: int) -> int:
    """Columns per outcome: a bar wide enough for one marker column per model, and a gap."""
    return max(LABEL_COLUMNS + 1, models + 2)


def distribution_groups(analysis: Analysis, model: int, columns: int) -> DistributionGroups:
    """The outcomes that fit `columns`: all, in order, or the largest |KL terms| of `model`."""
    scenario = analysis.scenario
    fits = max(2, columns // group_columns(len(scenario.models)))
    p = scenario.p
    qs = [m.q for m in scenario.models]
    if scenario.size <= fits:
        shown = list(range(scenario.size))
    else:
        shown = largest_magnitudes(np.asarray(analysis.terms(model).kl), fits)
    labels = [scenario.labels[i] for i in shown]
    p_shown = [float(p[i]) for i in shown]
    q_shown = [[float(q[i]) for i in shown] for q in qs]
    if len(shown) == scenario.size:
        return DistributionGroups(labels, p_shown, q_shown, 0, 0.0, [0.0] * len(qs))
    # Each distribution sums to 1: the rest's mass is 1 minus the shown part, with no O(n) pass
    # (but never below 0 by rounding).
    rest_q = [max(0.0, 1.0 - math.fsum(values)) for values in q_shown]
    rest_p = max(0.0, 1.0 - math.fsum(p_shown))
    return DistributionGroups(labels, p_shown, q_shown, scenario.size - len(shown), rest_p, rest_q)


def rest_note(groups: DistributionGroups, names: list[str], p_name: str, width: int) -> str:
    """The outcomes not shown, in words: how many, and their total probability under p and q."""
    count = f"{groups.rest:,}"
    qs = ", ".join(f"{name} {mass:.3f}" for name, mass in zip(names, groups.rest_q, strict=True))
    for candidate in (
        f"+ {count} more outcomes hold {p_name} {groups.rest_p:.3f}, {qs}",
        f"+{count} more: {p_name} {groups.rest_p:.3f}, {qs}",
        f"+{count} more: {p_name} {groups.rest_p:.3f}",
        f"+{count} more outcomes",
    ):
        if len(candidate) <= width:
            return candidate
    return f"+{count}"


def legend_entries(p_name: str, names: list[str], width: int) -> list[tuple[str, str]]:
    """`█ p`, then each model's marker and name, as much of the names as `width` columns hold
    (cut so that they stay distinct): every marker keeps its model's name."""
    markers = [MARKERS[k % len(MARKERS)] for k in range(len(names))]
    head = [(f"█ {p_name}", "divtui-entropy")]
    for separator, cut in ((" ", None), ("", None), ("", 8), ("", 5), ("", 3), ("", 1)):
        shown = names if cut is None else distinct_labels(names, cut)
        entries = head + [
            (f"{marker}{separator}{name}", "divtui-cross-entropy")
            for marker, name in zip(markers, shown, strict=True)
        ]
        if sum(len(text) + 2 for text, _ in entries) <= width:
            return entries
    return head + [("".join(markers), "divtui-cross-entropy")]


class DistributionsChart(ModelChart):
    """p per outcome as bars, with a marker for each model's q; when not every outcome fits,
    the largest |KL terms| of the model under the cursor pick those shown."""

    def draw(self, scenario: Scenario) -> None:
        plt = self.plt
        index = min(self.model_index, len(scenario.models) - 1)
        names = [model.name for model in scenario.models]
        p_name = "p′" if scenario.label_smoothing else "p"
        assert self.analysis is not None
        groups = distribution_groups(self.analysis, index, self.plot_columns(5) - 1)
        count = len(groups.labels)
        top = max([*groups.p, *(v for q in groups.q for v in q), 1e-12])
        rows = self.plot_rows(xlabel=bool(groups.rest))
        # The legend on the top row, a free row under it.
        high = reserve_rows(top, 0.0, rows, 2.0)
        ticks = nice_ticks(0.0, high, max(2, rows // 3))
        labels = tick_labels(ticks)
        tick_width = max((len(label) for label in labels), default=4)
        columns = self.plot_columns(tick_width)
        per_row = high / max(1, rows - 1)

        # Whole columns per outcome (plotext puts x on column floor(0.5 + (columns − 1) ·
        # (x − left)/(right − left))): equal bars, visible gaps, a marker column per model.
        per_group = max(3, (columns - 1) // count)
        gap = max(1, per_group // 4)
        bar_columns = per_group - gap
        margin = (columns - count * per_group) // 2
        left = 1 - (margin + gap // 2 + (bar_columns - 1) / 2) / per_group
        right = left + (columns - 1) / per_group
        per_column = 1 / per_group
        positions = [float(i) for i in range(1, count + 1)]
        # A bar is at least one row tall where p > 0: nothing that can happen hides.
        heights = [max(v, per_row) if v > 0 else 0.0 for v in groups.p]
        half = (bar_columns - 1) / per_group / 2
        for x, height in zip(positions, heights, strict=True):
            if height > 0:
                self.rect(x - half, x + half, 0.0, height, "divtui-entropy")
        models = len(names)
        for k, q in enumerate(groups.q):
            # The markers spread over the bar's columns, one column per model.
            column = round((k + 1) * bar_columns / (models + 1) - 0.5)
            offset = (column - (bar_columns - 1) / 2) / per_group
            for x, value in zip(positions, q, strict=True):
                self.mark(x + offset, value, MARKERS[k % len(MARKERS)], "divtui-cross-entropy")
        # plotext drops a tick label with no blank beside it.
        plt.xticks(positions, distinct_labels(groups.labels, max(3, per_group - 2)))
        self.limits(left, right, 0.0, high)
        plt.yticks(ticks, labels)
        self.legend(legend_entries(p_name, names, columns - 2), left, high, per_column)
        if groups.rest:
            plt.xlabel(rest_note(groups, names, p_name, columns))
        title = f"{p_name} and q per outcome (probability)"
        if groups.rest:
            title = f"{p_name} and q: the {count} largest |KL terms| of {names[index]}"
        plt.title(title if len(title) <= self.size.width - 8 else f"{p_name} and q")
