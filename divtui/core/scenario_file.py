"""Scenario files: TOML (written by hand), and by suffix .npz, .csv and the report's .json.

```toml
title = "Weather"
unit = "nats"
labels = ["rain", "snow", "sleet", "hail"]
p = [0.14, 0.37, 0.03, 0.46]

[[models]]
name = "uniform"
q = [0.25, 0.25, 0.25, 0.25]
```

TOML is read with tomllib and written with tomli-w; every file is written by atomic replace.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

import tomli_w

from divtui.core.array_files import MAX_CSV_BYTES, MAX_OUTCOMES, load_npz, npz_from_stream, save_npz
from divtui.core.csv_files import csv_from_text, load_csv, save_csv
from divtui.core.errors import DivtuiError
from divtui.core.file_io import (
    decode_text,
    read_bytes,
    read_standard_input,
    shown,
    write_atomic,
)
from divtui.core.measures import PairMeasures
from divtui.core.scenario import ModelInput, Scenario
from divtui.core.units import Unit

TOP_KEYS = frozenset({"title", "unit", "labels", "p", "models", "label_smoothing"})
MODEL_KEYS = frozenset({"name", "q", "logits", "temperature", "family", "mu", "sigma"})
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger TOML files are refused before they are read."""

LARGE_SCENARIO = 1000
"""Over this many outcomes a scenario is saved as .npz rather than TOML (10^6 outcomes are
30 MB of TOML that take seconds to parse, and a few hundred ms as .npz)."""

SUFFIXES = (".toml", ".npz", ".csv", ".json")
"""The file types divtui opens; any other suffix is read as TOML."""

_REPORT_ONLY_KEYS = frozenset({"entropy_p", "p_smoothed"})
_REPORT_ONLY_MODEL_KEYS = (frozenset(field.name for field in fields(PairMeasures)) - {"unit"}) | {
    "terms",
    "terms_omitted",
    "kl_top_share",
    "infinite_outcomes",
    "infinite_mass",
    "kl_finite_part",
}
"""What `divtui report --format json` derives from a scenario; read back, it is ignored."""


def load_scenario(path: str | os.PathLike[str], *, max_outcomes: int = MAX_OUTCOMES) -> Scenario:
    """Read and validate a scenario file of any supported type (by its suffix; TOML otherwise);
    every error names the file and the key, array, column or line. Only regular files are
    read (a FIFO or a device is refused before it is opened), and a file with more than
    `max_outcomes` outcomes is refused, an .npz before its arrays are allocated."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".npz":
        return load_npz(file, max_outcomes=max_outcomes)
    if suffix == ".csv":
        return load_csv(file, max_outcomes=max_outcomes)
    if suffix == ".json":
        data = _parse_json(read_bytes(file, MAX_CSV_BYTES, "JSON scenario"), file, shown(file))
    else:
        data = _parse_toml(read_bytes(file, MAX_FILE_BYTES, "TOML scenario"), file, shown(file))
    return _scenario_from_document(data, shown(file), max_outcomes)


def load_standard_input(*, max_outcomes: int = MAX_OUTCOMES) -> Scenario:
    """A scenario read from standard input (`-`), its format told from its first bytes: an
    .npz archive, a JSON object, a CSV table starting `label,`, or else TOML."""
    name = "<stdin>"
    raw = read_standard_input(MAX_CSV_BYTES, "scenario")
    if raw.startswith((b"PK", b"\x93NUMPY")):
        return npz_from_stream(io.BytesIO(raw), name, "stdin", max_outcomes)
    text_start = raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text_start.startswith(b"{"):
        data = _parse_json(raw, Path(name), name)
    elif text_start[:6].lower() == b"label,":
        return csv_from_text(decode_text(raw, Path(name)), name, "stdin", max_outcomes)
    else:
        if len(raw) > MAX_FILE_BYTES:
            raise DivtuiError(f"{name}: {len(raw)} bytes is too large for a TOML scenario")
        data = _parse_toml(raw, Path(name), name)
    return _scenario_from_document(data, name, max_outcomes)


def _scenario_from_document(data: dict[str, Any], name: str, max_outcomes: int) -> Scenario:
    labels = data.get("labels")
    if isinstance(labels, list) and len(labels) > max_outcomes:
        raise DivtuiError(
            f"{name}: {len(labels):,} outcomes; divtui opens at most {max_outcomes:,} "
            "(--max-outcomes raises the limit)"
        )
    try:
        return scenario_from_mapping(data)
    except DivtuiError as error:
        raise DivtuiError(f"{name}: {error}") from None


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write a scenario in the format its suffix names (.npz, .csv, .json; TOML otherwise), by
    atomic replace: a failed save leaves the old file intact."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".npz":
        save_npz(scenario, file)
    elif suffix == ".csv":
        save_csv(scenario, file)
    elif suffix == ".json":
        text = json.dumps(scenario_to_mapping(scenario), indent=1, allow_nan=False) + "\n"
        write_atomic(file, text.encode("utf-8"))
    else:
        write_atomic(file, tomli_w.dumps(scenario_to_mapping(scenario)).encode("utf-8"))


def save_path_for(scenario: Scenario, path: Path) -> Path:
    """Where to save: `path`, except that a large scenario asked to go to TOML goes to .npz."""
    if scenario.size > LARGE_SCENARIO and path.suffix.lower() not in SUFFIXES[1:]:
        return path.with_suffix(".npz")
    return path


def scenario_from_mapping(data: dict[str, Any]) -> Scenario:
    """Validate a parsed TOML (or JSON) mapping into a scenario."""
    _refuse_huge_integers(data)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise DivtuiError(f"unknown key {unknown[0]!r} (expected: {', '.join(sorted(TOP_KEYS))})")
    for key in ("labels", "p", "models"):
        if key not in data:
            raise DivtuiError(f"missing key {key!r}")
    title = data.get("title", "Untitled")
    if not isinstance(title, str):
        raise DivtuiError(f"key 'title': expected text, got {type(title).__name__}")
    unit_name = data.get("unit", "nats")
    if not isinstance(unit_name, str):
        raise DivtuiError(f"key 'unit': expected text, got {type(unit_name).__name__}")
    try:
        unit = Unit.parse(unit_name)
    except ValueError as error:
        raise DivtuiError(f"key 'unit': {error}") from None
    labels = data["labels"]
    if not isinstance(labels, list):
        raise DivtuiError(f"key 'labels': expected a list of text, got {type(labels).__name__}")
    models_data = data["models"]
    if not isinstance(models_data, list) or not all(isinstance(m, dict) for m in models_data):
        raise DivtuiError("key 'models': expected [[models]] tables with name and q")
    models: list[ModelInput] = []
    for index, model in enumerate(models_data):
        unknown = sorted(set(model) - MODEL_KEYS)
        if unknown:
            raise DivtuiError(
                f"key 'models[{index}].{unknown[0]}': unknown "
                "(expected: name, and q, logits with an optional temperature, or "
                'family = "gaussian" with mu and sigma)'
            )
        if "name" not in model:
            raise DivtuiError(f"key 'models[{index}]': missing 'name'")
        if not {"q", "logits", "family"} & set(model):
            raise DivtuiError(
                f"key 'models[{index}]': missing 'q' (or 'logits'); "
                "a gaussian model gives family, mu and sigma"
            )
        models.append(
            ModelInput(
                model["name"],
                model.get("q"),
                model.get("logits"),
                model.get("temperature", 1.0),
                model.get("family"),
                model.get("mu"),
                model.get("sigma"),
            )
        )
    return Scenario.build(
        labels,
        data["p"],
        models,
        unit=unit,
        title=title,
        label_smoothing=data.get("label_smoothing", 0.0),
    )


def scenario_to_mapping(scenario: Scenario) -> dict[str, Any]:
    """The TOML document of a scenario: weights exactly as held, so load → save → load is exact."""
    document: dict[str, Any] = {
        "title": scenario.title,
        "unit": scenario.unit.value,
        "labels": list(scenario.labels),
        "p": [float(w) for w in scenario.p_weights],
    }
    if scenario.label_smoothing:
        document["label_smoothing"] = scenario.label_smoothing
    models: list[dict[str, Any]] = []
    for model in scenario.models:
        entry: dict[str, Any] = {"name": model.name}
        if model.family is not None:
            entry.update(family=model.family, mu=model.mu, sigma=model.sigma)
        elif model.logits is not None:
            entry["logits"] = [float(z) for z in model.logits]
        else:
            entry["q"] = [float(w) for w in model.weights]
        if model.temperature != 1.0 and model.family is None:
            entry["temperature"] = model.temperature
        models.append(entry)
    document["models"] = models
    return document


def _refuse_huge_integers(data: dict[str, Any]) -> None:
    """An integer beyond the float range (TOML and JSON read `1` followed by 400 zeros as an
    exact int) is refused naming its key, instead of failing as an OverflowError later."""
    places: list[tuple[str, object]] = [
        (key, data.get(key)) for key in ("p", "label_smoothing", "title", "unit")
    ]
    models = data.get("models")
    if isinstance(models, list):
        for index, model in enumerate(models):
            if isinstance(model, dict):
                places += [(f"models[{index}].{key}", model.get(key)) for key in MODEL_KEYS]
    for where, value in places:
        values = value if isinstance(value, list) else [value]
        for position, item in enumerate(values):
            if isinstance(item, int) and not isinstance(item, bool) and abs(item) > _FLOAT_MAX:
                at = f"{where}[{position}]" if isinstance(value, list) else where
                raise DivtuiError(
                    f"{at}: an integer of {len(str(abs(item)))} digits is too large for a number"
                )


_FLOAT_MAX = int(sys.float_info.max)


def _parse_json(raw: bytes, file: Path, name: str) -> dict[str, Any]:
    """A JSON scenario: the report's schema (`divtui report --format json`), whose derived
    measures and terms are dropped, or the same keys as a TOML scenario."""
    try:
        data = json.loads(decode_text(raw, file))
    except json.JSONDecodeError as error:
        raise DivtuiError(f"{name}: invalid JSON: {error}") from None
    except RecursionError:
        raise DivtuiError(f"{name}: invalid JSON: nested too deeply") from None
    except ValueError as error:  # an integer of more than 4300 digits
        raise DivtuiError(f"{name}: invalid JSON: {_digits_message(error)}") from None
    if not isinstance(data, dict):
        raise DivtuiError(f"{name}: expected a JSON object, got {type(data).__name__}")
    data = {key: value for key, value in data.items() if key not in _REPORT_ONLY_KEYS}
    models = data.get("models")
    if isinstance(models, list):
        kept = []
        for model in models:
            if isinstance(model, dict):
                model = {k: v for k, v in model.items() if k not in _REPORT_ONLY_MODEL_KEYS}
                if "logits" in model or "family" in model:
                    model.pop("q", None)  # the report adds q beside the logits or μ and σ
            kept.append(model)
        data["models"] = kept
    return data


def _digits_message(error: ValueError) -> str:
    if "digits" in str(error):
        return f"an integer longer than {sys.get_int_max_str_digits()} digits"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _parse_toml(raw: bytes, file: Path, name: str) -> dict[str, Any]:
    text = decode_text(raw, file)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        hint = (
            ""
            if file.suffix.lower() in ("", ".toml")
            else f" (divtui reads {', '.join(SUFFIXES)} files; other names are read as TOML)"
        )
        raise DivtuiError(f"{name}: invalid TOML: {error}{hint}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise DivtuiError(f"{name}: invalid TOML: arrays or tables nested too deeply") from None
    except ValueError as error:  # tomllib lets int()'s 4300-digit limit through
        raise DivtuiError(f"{name}: invalid TOML: {_digits_message(error)}") from None
