"""Inline distributions from the command line: `"rain=.14 snow=.37"` or `"0.14,0.37"`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from divtui.core.distribution import SEPARATORS, check_label, parse_number, parse_weight
from divtui.core.errors import DivtuiError
from divtui.core.scenario import Scenario
from divtui.core.units import Unit

_NAME = re.compile(r"^\s*([^=:\s][^=:]*?)\s*:(?!=)")


@dataclass(frozen=True, slots=True)
class Spec:
    """One parsed SPEC: weights, with labels when the user gave them, and a name for a q."""

    weights: tuple[float, ...]
    labels: tuple[str, ...] | None
    name: str | None


def parse_spec(text: str, what: str) -> Spec:
    """Parse `label=weight` pairs or bare numbers, separated by spaces and/or commas.

    A model's spec may start with `NAME:`. `what` names the option in error messages.
    """
    name: str | None = None
    body = text
    match = _NAME.match(text)
    if match and "=" not in match.group(1):
        name = match.group(1).strip()
        body = text[match.end() :]
    items = [item for item in SEPARATORS.split(body.strip()) if item]
    if not items:
        raise DivtuiError(f"{what} {text!r}: no values given")
    labelled = ["=" in item for item in items]
    if any(labelled) and not all(labelled):
        raise DivtuiError(
            f"{what} {text!r}: mix of label=weight pairs and bare numbers; use one form"
        )
    weights: list[float] = []
    labels: list[str] = []
    for position, item in enumerate(items, start=1):
        if "=" in item:
            label_text, _, value_text = item.partition("=")
            label = check_label(label_text, f"{what} item {position}")
            if label in labels:
                raise DivtuiError(f"{what}: duplicate label {label!r}")
            labels.append(label)
            weights.append(parse_weight(value_text, f"{what} {label!r}"))
        else:
            weights.append(parse_weight(item, f"{what} item {position}"))
    if not any(weight > 0 for weight in weights):
        raise DivtuiError(f"{what} {text!r}: all weights are zero; at least one must be positive")
    return Spec(tuple(weights), tuple(labels) if labels else None, name)


def scenario_from_specs(
    p_text: str,
    q_texts: Sequence[str],
    *,
    unit: Unit = Unit.NATS,
    title: str = "Command line",
) -> Scenario:
    """A scenario from a p SPEC and one or more q SPECs (models `q1`, `q2`, … unless named)."""
    if not q_texts:
        raise DivtuiError("--p needs at least one --q to compare against")
    p = parse_spec(p_text, "--p")
    if p.name is not None:
        raise DivtuiError(f"--p {p_text!r}: only a model (--q) can be given a NAME:")
    labels = p.labels or tuple(str(i) for i in range(1, len(p.weights) + 1))
    models: list[tuple[str, list[float]]] = []
    for index, q_text in enumerate(q_texts, start=1):
        q = parse_spec(q_text, f"--q #{index}")
        name = q.name or f"q{index}"
        if q.labels is None:
            if len(q.weights) != len(labels):
                raise DivtuiError(
                    f"--q {name!r}: {len(q.weights)} values but p has {len(labels)} outcomes"
                )
            weights = list(q.weights)
        else:
            if set(q.labels) != set(labels):
                missing = [label for label in labels if label not in q.labels]
                extra = [label for label in q.labels if label not in labels]
                detail = "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"not in p: {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
                raise DivtuiError(f"--q {name!r}: p and q must have the same labels ({detail})")
            by_label = dict(zip(q.labels, q.weights, strict=True))
            weights = [by_label[label] for label in labels]
        models.append((name, weights))
    return Scenario.build(labels, list(p.weights), models, unit=unit, title=title)


def parse_column(text: str, size: int, where: str, *, logits: bool = False) -> tuple[float, ...]:
    """A pasted column: exactly one number per outcome, separated by spaces, commas, semicolons,
    tabs or newlines. Weights must be valid weights (not all zero); logits any finite numbers."""
    items = [item for item in SEPARATORS.split(text.strip()) if item]
    if len(items) != size:
        raise DivtuiError(f"{where}: got {len(items)} values for {size} outcomes")
    values = []
    for position, item in enumerate(items, start=1):
        at = f"{where}, value {position}"
        values.append(parse_number(item, at) if logits else parse_weight(item, at))
    if not logits and not any(value > 0 for value in values):
        raise DivtuiError(f"{where}: all weights are zero; at least one must be positive")
    return tuple(values)


def is_one_number(text: str) -> bool:
    """Whether pasted text is a single item (it edits one cell) rather than a column."""
    return len([item for item in SEPARATORS.split(text.strip()) if item]) == 1
