"""Reports of a scenario's measures: one mapping, rendered as text, JSON, Markdown or CSV."""

from __future__ import annotations

import csv
import io
import json
import math
from enum import Enum
from typing import Any, Literal

import numpy as np
import tomli_w

from divtui.core.distribution import FloatArray, is_normalised, total_weight
from divtui.core.formatting import format_value, outcomes
from divtui.core.measures import PairMeasures
from divtui.core.report_extras import (
    ReportExtras,
    add_to_mapping,
    csv_extra_cells,
    csv_extra_columns,
    renyi_label,
    renyi_note,
    renyi_values,
    sample_lines,
)
from divtui.core.scenario import Scenario
from divtui.core.scenario_file import scenario_to_mapping
from divtui.core.token_analysis import summarise, token_lines


class ReportFormat(Enum):
    """The formats `divtui report --format` writes."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"
    TOML = "toml"
    """The scenario itself as a scenario file, to edit and open again."""


MEASURE_FIELDS: tuple[tuple[str, str], ...] = (
    ("entropy_q", "H(q)"),
    ("cross_entropy", "H(p,q)"),
    ("kl", "KL(p‖q)"),
    ("reverse_cross_entropy", "H(q,p)"),
    ("reverse_kl", "KL(q‖p)"),
    ("js_divergence", "JS divergence"),
    ("js_distance", "JS distance"),
    ("total_variation", "total variation"),
    ("hellinger", "Hellinger"),
    ("perplexity", "perplexity"),
)
"""Each model's measures: the JSON/CSV key and the label a person reads."""


def _number(value: float) -> float | str:
    """JSON has no infinity (RFC 8259): an infinite value is the string "inf"."""
    return "inf" if math.isinf(value) else value


ALL_TERMS_UP_TO = 1000
"""Up to this many outcomes a report lists every per-outcome term by default."""
TOP_TERMS = 50
"""Over `ALL_TERMS_UP_TO` outcomes it lists this many: the largest |KL terms|."""


def default_terms_limit(scenario: Scenario) -> int | None:
    """How many per-outcome terms a report lists unless told: all (None), or the top 50."""
    return None if scenario.size <= ALL_TERMS_UP_TO else TOP_TERMS


def listed_outcomes(kl_terms: FloatArray, limit: int | None) -> list[int]:
    """The outcomes whose terms a report lists: all, in order, when they fit the limit; else the
    `limit` largest |p log(p/q)|, largest first (∞ first of all), found in O(n)."""
    size = len(kl_terms)
    if limit is None or size <= limit:
        return list(range(size))
    magnitude = np.abs(kl_terms)
    threshold = magnitude[np.argpartition(-magnitude, limit - 1)[limit - 1]]
    # Everything above the limit's magnitude, then the first outcomes tied at it: the listing
    # is the same whatever order the partition left the ties in.
    above = np.flatnonzero(magnitude > threshold)
    tied = np.flatnonzero(magnitude == threshold)[: limit - above.size]
    top = np.concatenate((above, tied))
    ordered = top[np.lexsort((top, -magnitude[top]))]
    return [int(i) for i in ordered]


def build_report(scenario: Scenario, terms_limit: int | None = None) -> dict[str, Any]:
    """The report as plain data, in the scenario's unit; the JSON schema is exactly this.

    Each model lists the per-outcome terms of `listed_outcomes` and says in `terms_omitted`
    how many it left out (0 when it lists them all).
    """
    labels = list(scenario.labels)
    p = scenario.p
    models: list[dict[str, Any]] = []
    for model, measures, terms in zip(
        scenario.models, scenario.measures, scenario.terms, strict=True
    ):
        entry: dict[str, Any] = {"name": model.name, "q": model.q.tolist()}
        if model.logits is not None:
            entry["logits"] = model.logits.tolist()
            entry["temperature"] = model.temperature
        if model.family is not None:
            entry.update(family=model.family, mu=model.mu, sigma=model.sigma)
        entry["entropy_q"] = _number(measures.entropy_q)
        for key, _ in MEASURE_FIELDS[1:]:
            entry[key] = _number(getattr(measures, key))
        entry["support_mismatch"] = [labels[i] for i in measures.support_mismatch]
        token = summarise(terms.kl, p)
        entry["kl_top_share"] = token.kl_top_share
        entry["infinite_outcomes"] = token.infinite_outcomes
        entry["infinite_mass"] = token.infinite_mass
        entry["kl_finite_part"] = token.kl_finite_part
        listed = listed_outcomes(terms.kl, terms_limit)
        entry["terms"] = [
            {
                "label": labels[i],
                "p": float(p[i]),
                "q": float(model.q[i]),
                "cross_entropy": _number(float(terms.cross_entropy[i])),
                "entropy": float(terms.entropy[i]),
                "kl": _number(float(terms.kl[i])),
            }
            for i in listed
        ]
        entry["terms_omitted"] = scenario.size - len(listed)
        models.append(entry)
    report: dict[str, Any] = {
        "title": scenario.title,
        "unit": scenario.unit.value,
        "labels": labels,
        "p": scenario.p_target.tolist(),
    }
    if scenario.label_smoothing:
        # The measures (and each term's "p") use the smoothed target p'.
        report["label_smoothing"] = scenario.label_smoothing
        report["p_smoothed"] = scenario.p.tolist()
    report["entropy_p"] = scenario.measures[0].entropy_p
    report["models"] = models
    return report


Terms = int | Literal["all", "auto"]
"""Which per-outcome terms a report lists: "all", the N largest |KL terms|, or "auto" (all up to
1,000 outcomes, the 50 largest beyond)."""


def render(
    scenario: Scenario,
    format: ReportFormat,
    terms: Terms = "auto",
    extras: ReportExtras | None = None,
) -> str:
    """The report of `scenario` in `format`, ending with a newline; `extras` adds the Rényi
    divergence and a sample's estimates (`divtui.core.report_extras`; not to TOML)."""
    limit = None if terms == "all" else default_terms_limit(scenario) if terms == "auto" else terms
    assert not isinstance(limit, str)
    extras = extras or ReportExtras()
    if format is ReportFormat.JSON:
        report = build_report(scenario, limit)
        add_to_mapping(report, scenario, extras)
        return json.dumps(report, indent=2, allow_nan=False) + "\n"
    if format is ReportFormat.CSV:
        return _render_csv(scenario, extras)
    if format is ReportFormat.TOML:
        return tomli_w.dumps(scenario_to_mapping(scenario))
    if format is ReportFormat.MARKDOWN:
        return _render_markdown(scenario, limit, extras)
    return _render_text(scenario, limit, extras)


def _omitted_line(scenario: Scenario, listed: int) -> str:
    """What a listing of terms left out, or "" when it left out nothing."""
    omitted = scenario.size - listed
    if not omitted:
        return ""
    return (
        f"… {omitted:,} more {outcomes(omitted)} not listed: these are the {listed:,} "
        "largest |p log(p/q)| (divtui report --terms all lists every one)"
    )


def identity_line(measures: PairMeasures, digits: int = 4) -> str:
    """`H(p,q) = H(p) + KL(p‖q): 1.3863 = 1.1055 + 0.2808`, with live numbers."""
    return (
        "H(p,q) = H(p) + KL(p‖q): "
        f"{format_value(measures.cross_entropy, digits)} = "
        f"{format_value(measures.entropy_p, digits)} + {format_value(measures.kl, digits)}"
    )


CAUSES_SHOWN = 3
"""An infinite KL names at most this many of its causes, then counts the rest."""


def _causes(scenario: Scenario, indices: tuple[int, ...], zero: str, other: FloatArray) -> str:
    labels = scenario.labels
    causes = [
        f"{zero}({labels[i]}) = 0 while {'p' if zero == 'q' else 'q'}({labels[i]}) = "
        f"{float(other[i]):.4g}"
        for i in indices[:CAUSES_SHOWN]
    ]
    if len(indices) > CAUSES_SHOWN:
        more = len(indices) - CAUSES_SHOWN
        causes.append(f"… and {more:,} more {outcomes(more)}")
    return "; ".join(causes)


def infinite_cause(
    scenario: Scenario, model_index: int, measures: PairMeasures | None = None
) -> str:
    """The cause of an infinite KL(p‖q) for one model (its `measures`, if computed already),
    or "" when it is finite."""
    measures = measures or scenario.measures[model_index]
    return _causes(scenario, measures.support_mismatch, "q", scenario.p)


def reverse_infinite_cause(
    scenario: Scenario, model_index: int, measures: PairMeasures | None = None
) -> str:
    """The cause of an infinite KL(q‖p) for one model (its `measures`, if computed already),
    or "" when it is finite."""
    measures = measures or scenario.measures[model_index]
    q = scenario.models[model_index].q
    return _causes(scenario, measures.reverse_support_mismatch, "p", q)


def _markdown(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|")


_NOTE_LOGITS = 10
"""A note shows at most this many of a model's logits."""


def _normalisation_notes(scenario: Scenario) -> list[str]:
    notes = []
    if scenario.label_smoothing:
        notes.append(
            f"note: label smoothing ε = {scenario.label_smoothing:g}: the measures use "
            "p' = (1 − ε)·p + ε/K"
        )
    for model in scenario.models:
        if model.logits is not None:
            logits = ", ".join(f"{z:g}" for z in model.logits[:_NOTE_LOGITS].tolist())
            if model.logits.size > _NOTE_LOGITS:
                logits += f", … ({model.logits.size:,} logits)"
            notes.append(
                f"note: {model.name} is softmax(z / T) with T = {model.temperature:g}, "
                f"z = [{logits}]"
            )
        if model.family is not None:
            notes.append(
                f"note: {model.name} is a discretised gaussian, q(i) ∝ exp(−(i − μ)²/2σ²) over "
                f"the outcome index i = 0 … {scenario.size - 1}, μ = {model.mu:.6g}, "
                f"σ = {model.sigma:.6g}"
            )
    for column in range(scenario.column_count):
        if column and not scenario.models[column - 1].is_probabilities:
            continue
        if not is_normalised(scenario.weights(column)):
            total = total_weight(scenario.weights(column))
            notes.append(
                f"note: {scenario.column_name(column)}'s weights summed to {total:.6g}; "
                "normalised to probabilities"
            )
    return notes


def _render_text(scenario: Scenario, limit: int | None, extras: ReportExtras) -> str:
    unit = scenario.unit.value
    lines = [f"{scenario.title} ({unit})", ""]
    notes = _normalisation_notes(scenario)
    if notes:
        lines += [*notes, ""]
    names = [model.name for model in scenario.models]
    label_width = max(len(label) for _, label in MEASURE_FIELDS)
    widths = [max(12, len(name)) for name in names]
    header = (
        " " * label_width
        + "  "
        + "  ".join(name.rjust(width) for name, width in zip(names, widths, strict=True))
    )
    lines.append(header)
    h_p = format_value(scenario.measures[0].entropy_p)
    lines.append("H(p)".ljust(label_width) + "  " + "  ".join(h_p.rjust(width) for width in widths))
    for key, label in MEASURE_FIELDS:
        cells = [
            format_value(getattr(measures, key)).rjust(width)
            for measures, width in zip(scenario.measures, widths, strict=True)
        ]
        lines.append(label.ljust(label_width) + "  " + "  ".join(cells))
    if extras.alpha is not None:
        cells = [
            format_value(value).rjust(width)
            for (value, _), width in zip(renyi_values(scenario, extras.alpha), widths, strict=True)
        ]
        lines.append(renyi_label(extras.alpha).ljust(label_width) + "  " + "  ".join(cells))
    lines.append("")
    for index, (model, measures) in enumerate(zip(scenario.models, scenario.measures, strict=True)):
        lines.append(f"{model.name}: {identity_line(measures)}")
        if math.isinf(measures.kl):
            lines.append(f"{model.name}: KL(p‖q) = ∞ because {infinite_cause(scenario, index)}")
        if math.isinf(measures.reverse_kl):
            cause = reverse_infinite_cause(scenario, index)
            lines.append(f"{model.name}: KL(q‖p) = ∞ because {cause}")
        lines += [f"{model.name}: {line}" for line in token_lines(scenario, index)]
    if extras.alpha is not None:
        lines += renyi_note(scenario, extras.alpha)
    if extras.sample is not None:
        lines += ["", *sample_lines(scenario, extras.sample)]
    for model, terms in zip(scenario.models, scenario.terms, strict=True):
        lines += ["", f"Per outcome, model {model.name} ({unit}):"]
        table = [("outcome", "p", "q", "−p log q", "−p log p", "p log(p/q)")]
        listed = listed_outcomes(terms.kl, limit)
        for i in listed:
            table.append(
                (
                    scenario.labels[i],
                    f"{float(scenario.p[i]):.6g}",
                    f"{float(model.q[i]):.6g}",
                    format_value(float(terms.cross_entropy[i])),
                    format_value(float(terms.entropy[i])),
                    format_value(float(terms.kl[i])),
                )
            )
        column_widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]
        for row in table:
            lines.append(
                "  ".join(
                    cell.ljust(w) if c == 0 else cell.rjust(w)
                    for c, (cell, w) in enumerate(zip(row, column_widths, strict=True))
                ).rstrip()
            )
        if omitted := _omitted_line(scenario, len(listed)):
            lines.append(omitted)
    return "\n".join(lines) + "\n"


def _render_markdown(scenario: Scenario, limit: int | None, extras: ReportExtras) -> str:
    unit = scenario.unit.value
    names = [model.name for model in scenario.models]
    out = [f"# {scenario.title}", "", f"Unit: {unit}", ""]
    notes = _normalisation_notes(scenario)
    if notes:
        out += [*notes, ""]
    out.append("| measure | " + " | ".join(_markdown(name) for name in names) + " |")
    out.append("|---|" + "---:|" * len(names))
    h_p = format_value(scenario.measures[0].entropy_p)
    out.append("| H(p) | " + " | ".join(h_p for _ in names) + " |")
    for key, label in MEASURE_FIELDS:
        out.append(
            f"| {label} | "
            + " | ".join(format_value(getattr(m, key)) for m in scenario.measures)
            + " |"
        )
    if extras.alpha is not None:
        values = renyi_values(scenario, extras.alpha)
        row = " | ".join(format_value(value) for value, _ in values)
        out.append(f"| {renyi_label(extras.alpha)} | {row} |")
    out.append("")
    if extras.sample is not None:
        out += ["```", *sample_lines(scenario, extras.sample), "```", ""]
    for index, (model, measures, terms) in enumerate(
        zip(scenario.models, scenario.measures, scenario.terms, strict=True)
    ):
        out += [f"## {model.name}", "", f"`{identity_line(measures)}`", ""]
        if math.isinf(measures.kl):
            out += [f"KL(p‖q) = ∞ because {infinite_cause(scenario, index)}.", ""]
        if math.isinf(measures.reverse_kl):
            out += [f"KL(q‖p) = ∞ because {reverse_infinite_cause(scenario, index)}.", ""]
        out += [*(f"{line}." for line in token_lines(scenario, index)), ""]
        out.append("| outcome | p | q | −p log q | −p log p | p log(p/q) |")
        out.append("|---|---:|---:|---:|---:|---:|")
        listed = listed_outcomes(terms.kl, limit)
        for i in listed:
            label = scenario.labels[i]
            out.append(
                f"| {_markdown(label)} | {float(scenario.p[i]):.6g} | {float(model.q[i]):.6g} | "
                f"{format_value(float(terms.cross_entropy[i]))} | "
                f"{format_value(float(terms.entropy[i]))} | {format_value(float(terms.kl[i]))} |"
            )
        if omitted := _omitted_line(scenario, len(listed)):
            out += ["", omitted]
        out.append("")
    return "\n".join(out)


CSV_COLUMNS = (
    "model",
    "unit",
    "entropy_p",
    *(key for key, _ in MEASURE_FIELDS),
    "support_mismatch",
)


def _render_csv(scenario: Scenario, extras: ReportExtras) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + csv_extra_columns(extras))
    extra = csv_extra_cells(scenario, extras)
    for index, (model, measures) in enumerate(zip(scenario.models, scenario.measures, strict=True)):
        writer.writerow(
            [
                model.name,
                scenario.unit.value,
                repr(measures.entropy_p),
                *(repr(float(getattr(measures, key))) for key, _ in MEASURE_FIELDS),
                " ".join(scenario.labels[i] for i in measures.support_mismatch),
                *extra[index],
            ]
        )
    return buffer.getvalue()
