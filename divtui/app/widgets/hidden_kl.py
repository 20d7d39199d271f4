"""The decomposition chart while the classroom mode's question is open: each bar is H(p) alone,
which no model changes, and the KL part above it is a `?` until the answer is given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divtui.core.chart_scale import distinct_labels, nice_ticks, short_number, tick_labels

if TYPE_CHECKING:
    from divtui.app.widgets.decomposition_chart import DecompositionChart
    from divtui.core.scenario import Scenario

HEADROOM = 1.8
"""The axis reaches this many times H(p): room for the `KL ?` over the bars."""


def draw_hidden(chart: DecompositionChart, scenario: Scenario, width: float) -> None:
    """H(p) bars with `KL ?` above them: nothing drawn depends on q."""
    plt = chart.plt
    names = [model.name for model in scenario.models]
    count = len(names)
    entropy = chart.measures[0].entropy_p
    prime = "′" if scenario.label_smoothing else ""
    rows = chart.plot_rows()
    high = entropy * HEADROOM if entropy > 0 else 1.0
    ticks = nice_ticks(0.0, high, max(2, rows // 3))
    labels = tick_labels(ticks)
    tick_width = max((len(label) for label in labels), default=4)
    left, right = 1 - width / 2 - 0.15, count + width / 2 + (1 - width)
    per_column = (right - left) / chart.plot_columns(tick_width)
    per_row = high / max(1, rows - 1)
    positions = [float(i) for i in range(1, count + 1)]
    half = width / 2
    plt.horizontal_line(entropy, color=chart.colour("divtui-entropy"))
    for x in positions:
        if entropy > 0:
            chart.rect(x - half, x + half, 0.0, entropy, "divtui-entropy")
        chart.label("KL ?", x, entropy + 2 * per_row, "divtui-kl")
    chart.label(
        f"H(p{prime}) {short_number(entropy)}",
        positions[-1] + half + 2 * per_column,
        entropy / 2,
        "divtui-entropy",
        alignment="left",
    )
    plt.xticks(positions, distinct_labels(names, max(3, int(1 / per_column) - 2)))
    chart.limits(left, right, 0.0, high)
    plt.yticks(ticks, labels)
    plt.title(f"H(p{prime},q) = H(p{prime}) + ?   [{scenario.unit.value}]")
