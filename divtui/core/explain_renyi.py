"""The Rényi divergence D_α(p‖q) explained: its sum Σ pᵢ^α·qᵢ^(1−α) written out with the
scenario's numbers, and how D_α follows from it (its limits: α = 0, 1 and ∞, in their own
terms). The value shown is the core's (`divtui.core.renyi`), computed in log space; the sum is
written from the same p and q, so the two agree to the digits shown."""

from __future__ import annotations

import math

import numpy as np

from divtui.core.analysis import Analysis
from divtui.core.explain import (
    DIGITS,
    LOG_NAMES,
    RENYI,
    UNIT_WORDS,
    Explanation,
    number,
    shown_outcomes,
    written_sum,
)
from divtui.core.formatting import format_value
from divtui.core.renyi import DISJOINT, format_alpha
from divtui.core.units import Unit


def explain_renyi(analysis: Analysis, model: int, alpha: float) -> Explanation:
    """D_α(p‖q) of `model`: for 0 < α < ∞, α ≠ 1, the sum S = Σ pᵢ^α·qᵢ^(1−α) and
    D_α = log S / (α − 1); α = 0 sums q over the support of p; α = 1 is KL(p‖q); α = ∞ is the
    log of the largest ratio pᵢ/qᵢ."""
    scenario = analysis.scenario
    unit, log = scenario.unit, LOG_NAMES[scenario.unit]
    p, q = scenario.p, scenario.models[model].q
    shown_alpha = format_alpha(alpha)
    name = f"D_{shown_alpha}(p‖q)"
    value = analysis.renyi(alpha)[model]
    per_unit = math.log(unit.base)
    notes: list[str] = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if alpha == 1:
            values = np.where(p > 0, p * np.log(p / q), 0.0) / per_unit
            total = written_sum(
                "KL(p‖q)",
                f"Σ pᵢ·{log}(pᵢ/qᵢ)",
                values,
                lambda i: f"{number(p[i])}·{log}({number(p[i])}/{number(q[i])})",
                value.value,
                scenario.labels,
                shown_outcomes(values),
            )
            formula = f"{name} = lim α→1 = KL(p‖q) = Σ pᵢ·{log}(pᵢ/qᵢ)"
            result = f"{name} = KL(p‖q) = {_value(value.value, unit)}"
        elif alpha == 0:
            values = np.where(p > 0, q, 0.0)
            total = written_sum(
                "q(supp p)",
                "Σ qᵢ over the outcomes with pᵢ > 0",
                values,
                lambda i: f"q = {number(q[i])}" if p[i] > 0 else "p = 0: not counted",
                math.fsum(values.tolist()),
                scenario.labels,
                shown_outcomes(values),
            )
            formula = f"{name} = −{log}(Σ qᵢ over the outcomes with pᵢ > 0)"
            result = f"{name} = −{log}({number(total.exact_sum)}) = {_value(value.value, unit)}"
        elif math.isinf(alpha):
            values = np.where(p > 0, p / q, 0.0)
            total = written_sum(
                "max pᵢ/qᵢ",
                "the largest ratio pᵢ/qᵢ",
                values,
                lambda i: f"{number(p[i])}/{number(q[i])}",
                float(np.max(values)),
                scenario.labels,
                shown_outcomes(values),
            )
            formula = f"{name} = {log}(maxᵢ pᵢ/qᵢ)"
            largest = int(np.argmax(values))
            result = (
                f"{name} = {log}({format_value(float(values[largest]), DIGITS)}), "
                f"at {scenario.labels[largest]} = {_value(value.value, unit)}"
            )
            notes.append("The largest ratio is not a sum: the 'sum' line adds them only to list.")
        else:
            values = np.where(p > 0, p**alpha * q ** (1 - alpha), 0.0)
            inner = math.fsum(values.tolist())
            one_minus = format_alpha(1 - alpha)
            total = written_sum(
                f"Σ pᵢ^{shown_alpha}·qᵢ^{one_minus}",
                f"Σ pᵢ^α·qᵢ^(1−α), α = {shown_alpha}",
                values,
                lambda i: f"{number(p[i])}^{shown_alpha}·{number(q[i])}^{one_minus}",
                inner,
                scenario.labels,
                shown_outcomes(values),
            )
            formula = f"{name} = {log}(Σ pᵢ^α·qᵢ^(1−α)) / (α − 1)"
            result = (
                f"{name} = {log}({format_value(inner, DIGITS + 2)}) / ({shown_alpha} − 1) = "
                f"{_value(value.value, unit)}"
            )
    if value.infinite_because:
        notes.append(
            f"It is infinite because {value.infinite_because}"
            + (": no α makes them overlap." if value.infinite_because == DISJOINT else ".")
        )
    return Explanation(
        field=RENYI,
        name=name,
        model=scenario.models[model].name,
        unit=unit,
        formula=formula,
        meaning=(
            "A family of divergences through KL: α → 1 is KL(p‖q), α = ½ is −2·log of the "
            "Bhattacharyya coefficient, α → ∞ the worst ratio; it never decreases with α."
        ),
        sums=(total,),
        value=value.value,
        result=result,
        notes=tuple(notes),
    )


def _value(value: float, unit: Unit) -> str:
    return f"{format_value(value, DIGITS)} {UNIT_WORDS[unit]}"
