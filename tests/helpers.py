"""Test data used in more than one test folder, kept in one place."""

from __future__ import annotations

import json
import os
from typing import Any

GOOD_SCENARIO = """\
title = "Two"
labels = ["a", "b"]
p = [0.5, 0.5]

[[models]]
name = "m"
q = [0.5, 0.5]
"""
"""A minimal valid scenario file, which the file-error tests break one piece at a time."""

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
"""root reads and writes files whatever their modes, so permission tests simulate denial."""

PRESET_NAMES = (
    "weather",
    "coin",
    "one-hot",
    "support-mismatch",
    "label-smoothing",
    "near-miss",
    "distillation",
    "mode-seeking",
)
"""The built-in presets, in the order `divtui presets` lists them."""

# --- the report's JSON schema ------------------------------------------------------------------

TOP_KEYS = ["title", "unit", "labels", "p", "entropy_p", "models"]
MODEL_KEYS = [
    "name",
    "q",
    "entropy_q",
    "cross_entropy",
    "kl",
    "reverse_cross_entropy",
    "reverse_kl",
    "js_divergence",
    "js_distance",
    "total_variation",
    "hellinger",
    "perplexity",
    "support_mismatch",
    "kl_top_share",
    "infinite_outcomes",
    "infinite_mass",
    "kl_finite_part",
    "terms",
    "terms_omitted",
]
MEASURE_KEYS = MODEL_KEYS[2:12]
"""A model's measures: a float each, or the string "inf"."""
TERM_KEYS = ["label", "p", "q", "cross_entropy", "entropy", "kl"]
SMOOTHING_KEYS = ["label_smoothing", "p_smoothed"]
"""Top-level keys, after p, only when the scenario has label smoothing."""
LOGITS_KEYS = ["logits", "temperature"]
FAMILY_KEYS = ["family", "mu", "sigma"]
"""After q, only for a model of the Gaussian family."""
"""Model keys, after q, only for a model given by logits."""


def top_keys(report: dict[str, Any]) -> list[str]:
    """The exact top-level keys a report must have."""
    extra = SMOOTHING_KEYS if "label_smoothing" in report else []
    return [*TOP_KEYS[:4], *extra, *TOP_KEYS[4:]]


def model_keys(entry: dict[str, Any]) -> list[str]:
    """The exact keys a model's entry must have."""
    extra = LOGITS_KEYS if "logits" in entry else FAMILY_KEYS if "family" in entry else []
    return [*MODEL_KEYS[:2], *extra, *MODEL_KEYS[2:]]


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and ±Infinity, which RFC 8259 does not allow."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not RFC 8259 JSON: {constant}")

    return json.loads(text, parse_constant=refuse)
