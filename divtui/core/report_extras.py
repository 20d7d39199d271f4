"""What `divtui report --alpha A` and `--samples N` add to a report: each model's Rényi
divergence D_α(p‖q), and each model's cross-entropy estimated from a seeded sample of p.

Plain data for JSON (merged into `divtui.core.report.build_report`'s mapping) and lines for
the text and Markdown reports; both from the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from divtui.core.renyi import format_alpha, renyi
from divtui.core.sampling import Sample, summary
from divtui.core.scenario import Scenario


@dataclass(frozen=True, slots=True)
class ReportExtras:
    """The optional sections of a report."""

    alpha: float | None = None
    """The Rényi order α to report D_α at (None: no Rényi row)."""
    sample: Sample | None = None
    """A sample of p whose estimates are reported (None: no sample section)."""

    def __bool__(self) -> bool:
        return self.alpha is not None or self.sample is not None


def _number(value: float) -> float | str:
    return "inf" if math.isinf(value) else value


def renyi_label(alpha: float) -> str:
    """`D_2(p‖q)`, `D_∞(p‖q)`: the row's name in a report."""
    return f"D_{format_alpha(alpha)}(p‖q)"


def renyi_values(scenario: Scenario, alpha: float) -> list[tuple[float, str]]:
    """D_α(p‖q) of each model, in the scenario's unit, with why it is ∞ ("" when finite)."""
    values = [renyi(scenario.p, m.q, alpha, scenario.unit) for m in scenario.models]
    return [(v.value, v.infinite_because) for v in values]


def add_to_mapping(report: dict[str, Any], scenario: Scenario, extras: ReportExtras) -> None:
    """Each model's `renyi` (with `renyi_infinite_because`) and the report's `renyi_alpha`;
    the `samples` section."""
    if extras.alpha is not None:
        report["renyi_alpha"] = _number(extras.alpha)
        for entry, (value, cause) in zip(
            report["models"], renyi_values(scenario, extras.alpha), strict=True
        ):
            entry["renyi"] = _number(value)
            if cause:
                entry["renyi_infinite_because"] = cause
    if extras.sample is not None:
        report["samples"] = sample_mapping(scenario, extras.sample)


def sample_mapping(scenario: Scenario, sample: Sample) -> dict[str, Any]:
    """The sample as plain data: N, seed, counts, and per model estimate ± standard error."""
    names = [m.name for m in sample.models]
    return {
        "n": sample.n,
        "seed": sample.seed,
        "counts": {
            label: int(count)
            for label, count in zip(scenario.labels, sample.counts.tolist(), strict=True)
            if count
        },
        "entropy_p": sample.entropy,
        "models": [
            {
                "name": m.name,
                "estimate": _number(m.estimate),
                "standard_error": m.standard_error,
                "cross_entropy": _number(m.cross_entropy),
                "kl": _number(m.kl),
                "infinite_from": m.infinite_from,
                "infinite_outcome": None
                if m.infinite_outcome is None
                else scenario.labels[m.infinite_outcome],
            }
            for m in sample.models
        ],
        "ranking_by_estimate": [names[i] for i in sample.by_estimate],
        "ranking_by_kl": [names[i] for i in sample.by_kl],
        "agreed_from": sample.agreed_from,
    }


def estimate_text(scenario: Scenario, estimate: float, error: float | None, digits: int) -> str:
    """`1.3862 ± 0.0021`, `∞`, or the estimate alone when its error is undefined (N = 1)."""
    if math.isinf(estimate):
        return "∞"
    if error is None:
        return f"{estimate:.{digits}f}"
    return f"{estimate:.{digits}f} ± {error:.{digits}f}"


def sample_lines(scenario: Scenario, sample: Sample) -> list[str]:
    """The text report's sample section: one row a model, then what the sample shows."""
    unit = scenario.unit.value
    lines = [
        f"Estimated from N = {sample.n:,} samples of p (seed {sample.seed}), in {unit}:",
        "  −(1/N) Σ log q(x_i) ± its standard error, beside the exact H(p,q)",
    ]
    width = max(len(m.name) for m in sample.models)
    for m in sample.models:
        text = estimate_text(scenario, m.estimate, m.standard_error, 6)
        line = f"  {m.name.ljust(width)}  {text:>22}   exact {_exact(m.cross_entropy)}"
        if m.infinite_from is not None and m.infinite_outcome is not None:
            label = scenario.labels[m.infinite_outcome]
            line += f"   (∞ from sample {m.infinite_from:,}: q({label}) = 0)"
        lines.append(line)
    lines.append(f"  H(p) = {_exact(sample.entropy)} (the same for every model)")
    lines.append("  " + summary(sample))
    return lines


def _exact(value: float) -> str:
    return "∞" if math.isinf(value) else f"{value:.6f}"


def renyi_note(scenario: Scenario, alpha: float) -> list[str]:
    """Why a model's D_α is ∞, one line each (none when every one is finite)."""
    return [
        f"{model.name}: {renyi_label(alpha)} = ∞ because {cause}"
        for model, (_, cause) in zip(scenario.models, renyi_values(scenario, alpha), strict=True)
        if cause
    ]


def csv_extra_columns(extras: ReportExtras) -> tuple[str, ...]:
    """The CSV columns the extras add: `renyi`, then `sample_estimate` and `sample_error`."""
    return (("renyi",) if extras.alpha is not None else ()) + (
        ("sample_estimate", "sample_error") if extras.sample is not None else ()
    )


def csv_extra_cells(scenario: Scenario, extras: ReportExtras) -> list[list[str]]:
    """Each model's cells for `csv_extra_columns` (repr of floats, as the other columns)."""
    rows: list[list[str]] = [[] for _ in scenario.models]
    if extras.alpha is not None:
        for row, (value, _) in zip(rows, renyi_values(scenario, extras.alpha), strict=True):
            row.append(repr(value))
    if extras.sample is not None:
        for row, m in zip(rows, extras.sample.models, strict=True):
            error = "" if m.standard_error is None else repr(m.standard_error)
            row += [repr(m.estimate), error]
    return rows
