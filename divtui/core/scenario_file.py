"""Scenario files in TOML: read with tomllib, written with tomli-w by atomic replace.

```toml
title = "Weather"
unit = "nats"
labels = ["rain", "snow", "sleet", "hail"]
p = [0.14, 0.37, 0.03, 0.46]

[[models]]
name = "uniform"
q = [0.25, 0.25, 0.25, 0.25]
```
"""

from __future__ import annotations

import codecs
import contextlib
import os
import stat
import tempfile
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import tomli_w

from divtui.core.errors import DivtuiError
from divtui.core.scenario import ModelInput, Scenario
from divtui.core.units import Unit

TOP_KEYS = frozenset({"title", "unit", "labels", "p", "models", "label_smoothing"})
MODEL_KEYS = frozenset({"name", "q", "logits", "temperature"})
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger TOML files are refused before they are read."""


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file; every error names the file and the key."""
    file = Path(path)
    shown = _shown(file)
    data = _read_toml(file)
    try:
        return scenario_from_mapping(data)
    except DivtuiError as error:
        raise DivtuiError(f"{shown}: {error}") from None


def scenario_from_mapping(data: dict[str, Any]) -> Scenario:
    """Validate a parsed TOML (or JSON) mapping into a scenario."""
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
                "(expected: name, and q or logits with an optional temperature)"
            )
        if "name" not in model:
            raise DivtuiError(f"key 'models[{index}]': missing 'name'")
        if "q" not in model and "logits" not in model:
            raise DivtuiError(f"key 'models[{index}]': missing 'q' (or 'logits')")
        models.append(
            ModelInput(
                model["name"], model.get("q"), model.get("logits"), model.get("temperature", 1.0)
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
        if model.logits is not None:
            entry["logits"] = [float(z) for z in model.logits]
        else:
            entry["q"] = [float(w) for w in model.weights]
        if model.temperature != 1.0:
            entry["temperature"] = model.temperature
        models.append(entry)
    document["models"] = models
    return document


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write a scenario as TOML by atomic replace: a failed save leaves the old file intact."""
    text = tomli_w.dumps(scenario_to_mapping(scenario))
    write_atomic(Path(path), text.encode("utf-8"))


def write_atomic(file: Path, data: bytes) -> None:
    """Write to a temporary file beside `file`, fsync it, then rename it over `file`."""
    directory = file.parent if str(file.parent) else Path(".")
    shown = _shown(file)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise DivtuiError(f"{shown}: cannot write there ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, _mode_for(file))
        os.replace(temporary, file)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DivtuiError(f"{shown}: could not save ({error.strerror or error})") from None


def _mode_for(file: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0o666 less the umask."""
    try:
        return file.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _shown(file: Path) -> str:
    """The file as a message names it: as given, or quoted with escapes when its name holds a
    control character (a newline would split the one-line error, an ESC would reach the
    terminal)."""
    name = str(file)
    return repr(name) if any(unicodedata.category(char) == "Cc" for char in name) else name


def _read_toml(file: Path) -> dict[str, Any]:
    shown = _shown(file)
    try:
        if file.is_dir():
            raise DivtuiError(f"{shown}: is a directory, not a scenario file")
        info = file.stat()
        if stat.S_ISREG(info.st_mode):
            if info.st_size > MAX_FILE_BYTES:
                raise DivtuiError(f"{shown}: {info.st_size} bytes is too large for a TOML scenario")
            raw = file.read_bytes()
        else:  # a pipe or a device (/dev/stdin, /dev/zero): its size is known once it is read
            with file.open("rb") as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise DivtuiError(
                    f"{shown}: more than {MAX_FILE_BYTES} bytes is too large for a TOML scenario"
                )
    except FileNotFoundError:
        raise DivtuiError(f"{shown}: no such file") from None
    except PermissionError:
        raise DivtuiError(f"{shown}: permission denied") from None
    except OSError as error:
        raise DivtuiError(f"{shown}: cannot read ({error.strerror or error})") from None
    # A byte-order mark (Windows editors write one) is not part of the TOML document.
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise DivtuiError(
            f"{shown}: not a text file (invalid UTF-8 at byte {bom + error.start})"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DivtuiError(f"{shown}: invalid TOML: {error}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise DivtuiError(f"{shown}: invalid TOML: arrays or tables nested too deeply") from None
