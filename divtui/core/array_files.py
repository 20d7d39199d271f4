"""Scenarios from model outputs: NumPy `.npz` archives and CSV tables, up to millions of outcomes.

`.npz` (what `np.savez(path, p=..., q=...)` writes):

- `p`: the true distribution (weights are normalised);
- one or more models: `q` (a model called "q"), `q_<name>`, or `logits_<name>` with an optional
  0-d `temperature_<name>`;
- optional `labels` (strings; "0", "1", … when absent), and 0-d `title`, `unit`,
  `label_smoothing`.

`.csv`: a header `label,p,<model>[,<model>...]`, then one row per outcome.

Each column is checked in one vectorised pass; only a column that fails is looked at value by
value, so the error names the file, the array or column, and the first offending index or line.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from divtui.core.errors import DivtuiError
from divtui.core.file_io import decode_text, read_bytes, shown, write_atomic, write_atomic_with
from divtui.core.scenario import ModelInput, Scenario
from divtui.core.units import Unit

MAX_CSV_BYTES = 1024 * 1024 * 1024
"""Larger CSV files are refused before they are read (10^6 outcomes take about 40 MB)."""

_NPZ_SCALARS = ("title", "unit", "label_smoothing")


# --- .npz -----------------------------------------------------------------------------------


def load_npz(path: str | os.PathLike[str]) -> Scenario:
    """Read a `.npz` archive of arrays (never pickles); every error names the file and array."""
    file = Path(path)
    name = shown(file)
    raw = read_bytes(file, 1 << 40, ".npz archive")
    import zipfile  # only when an archive is read: 3 ms of start-up otherwise

    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            arrays = {key: _read_array(archive, key) for key in archive.files}
    except DivtuiError as error:
        raise DivtuiError(f"{name}: {error}") from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        raise DivtuiError(f"{name}: not a NumPy .npz archive ({error})") from None
    try:
        return _scenario_from_arrays(arrays, file.stem)
    except DivtuiError as error:
        raise DivtuiError(f"{name}: {error}") from None


def _read_array(archive: Any, key: str) -> np.ndarray:
    try:
        array: np.ndarray = archive[key]
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise DivtuiError(
                f"array {key!r}: holds Python objects, which divtui does not unpickle; "
                "store numbers as floats and labels as strings (np.array(labels, dtype=str))"
            ) from None
        raise DivtuiError(f"array {key!r}: cannot be read ({error})") from None
    return array


def _scenario_from_arrays(arrays: dict[str, np.ndarray], stem: str) -> Scenario:
    if "p" not in arrays:
        raise DivtuiError(f"no array 'p' (found: {', '.join(arrays) or 'none'})")
    p = _vector(arrays, "p")
    keys: list[str] = []  # the array behind each model, in the archive's order
    models: list[ModelInput] = []
    temperatures: dict[str, object] = {}
    for key in arrays:
        if key in ("p", "labels", *_NPZ_SCALARS):
            continue
        if key.startswith("temperature_"):
            temperatures[key.removeprefix("temperature_")] = _scalar(arrays, key, float)
        elif key == "q" or key.startswith("q_"):
            models.append(ModelInput(key.removeprefix("q_") or "q", q=_vector(arrays, key)))
            keys.append(key)
        elif key.startswith("logits_"):
            models.append(ModelInput(key.removeprefix("logits_"), logits=_vector(arrays, key)))
            keys.append(key)
        else:
            raise DivtuiError(
                f"unknown array {key!r} (expected p, q or q_<name>, logits_<name>, "
                "temperature_<name>, labels, title, unit, label_smoothing)"
            )
    if not models:
        raise DivtuiError("no model: add an array 'q', 'q_<name>' or 'logits_<name>'")
    for model_name, temperature in temperatures.items():
        if f"logits_{model_name}" not in keys:
            raise DivtuiError(
                f"array 'temperature_{model_name}': there is no logits_{model_name} to apply it to"
            )
        index = keys.index(f"logits_{model_name}")
        models[index] = ModelInput(model_name, logits=models[index].logits, temperature=temperature)
    for key in keys:
        if len(arrays[key]) != len(p):
            raise DivtuiError(
                f"array {key!r}: {len(arrays[key])} values for the {len(p)} of 'p'; "
                "every model needs one value per outcome"
            )
    labels = _labels(arrays, len(p))
    title = _scalar(arrays, "title", str) if "title" in arrays else stem
    unit = Unit.NATS
    if "unit" in arrays:
        try:
            unit = Unit.parse(str(_scalar(arrays, "unit", str)))
        except ValueError as error:
            raise DivtuiError(f"array 'unit': {error}") from None
    smoothing = _scalar(arrays, "label_smoothing", float) if "label_smoothing" in arrays else 0.0
    places = {name: f"array {name!r}" for name in ("p", "labels", "label_smoothing")}
    for index, (key, model) in enumerate(zip(keys, models, strict=True)):
        kind = "q" if model.q is not None else "logits"
        places[f"models[{index}].{kind}"] = f"array {key!r}"
        places[f"models[{index}].temperature"] = f"array 'temperature_{model.name}'"
        places[f"models[{index}].name"] = f"array {key!r} (its model name)"
        places[f"models[{index}]"] = f"array {key!r}"
    return _build(labels, p, models, unit, str(title), smoothing, places)


def _vector(arrays: dict[str, np.ndarray], key: str) -> np.ndarray:
    array = arrays[key]
    if array.ndim != 1:
        raise DivtuiError(f"array {key!r}: expected one dimension, got shape {array.shape}")
    if array.dtype.kind not in "fiu":
        raise DivtuiError(f"array {key!r}: expected numbers, got dtype {array.dtype}")
    return array


def _scalar(arrays: dict[str, np.ndarray], key: str, kind: type) -> object:
    array = arrays[key]
    if array.ndim != 0:
        raise DivtuiError(f"array {key!r}: expected a single value, got shape {array.shape}")
    value = array.item()
    if kind is float and not isinstance(value, bool) and isinstance(value, int | float):
        return float(value)
    if kind is str and isinstance(value, str):
        return value
    raise DivtuiError(f"array {key!r}: expected {'text' if kind is str else 'a number'}")


def _labels(arrays: dict[str, np.ndarray], size: int) -> list[str]:
    if "labels" not in arrays:
        return [str(i) for i in range(size)]
    labels = arrays["labels"]
    if labels.ndim != 1:
        raise DivtuiError(f"array 'labels': expected one dimension, got shape {labels.shape}")
    if labels.dtype.kind == "S":
        try:
            labels = np.char.decode(labels, "utf-8")
        except UnicodeDecodeError as error:
            raise DivtuiError(f"array 'labels': not UTF-8 text ({error.reason})") from None
    elif labels.dtype.kind in "iu":
        labels = labels.astype(str)
    elif labels.dtype.kind != "U":
        raise DivtuiError(f"array 'labels': expected strings, got dtype {labels.dtype}")
    if len(labels) != size:
        raise DivtuiError(
            f"array 'labels': {len(labels)} labels for the {size} values of 'p'; "
            "give one label per outcome"
        )
    result: list[str] = labels.tolist()
    return result


def _build(
    labels: Sequence[object],
    p: object,
    models: list[ModelInput],
    unit: Unit,
    title: str,
    smoothing: object,
    places: dict[str, str],
) -> Scenario:
    """Scenario.build, with its generic places ("models[1].q[7]") said as the file says them
    ("array 'q_big'[7]")."""
    try:
        return Scenario.build(labels, p, models, unit=unit, title=title, label_smoothing=smoothing)
    except DivtuiError as error:
        message = str(error)
        for generic, specific in sorted(places.items(), key=lambda item: -len(item[0])):
            if message.startswith(generic):
                message = specific + message[len(generic) :]
                break
        raise DivtuiError(message) from None


def save_npz(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write a scenario as an uncompressed `.npz` (atomically): weights as held, so it opens
    again exactly; a million outcomes write in a fraction of a second."""
    arrays: dict[str, np.ndarray] = {
        "p": np.asarray(scenario.p_weights),
        "labels": np.array(scenario.labels, dtype=str),
        "title": np.array(scenario.title),
        "unit": np.array(scenario.unit.value),
    }
    if scenario.label_smoothing:
        arrays["label_smoothing"] = np.array(scenario.label_smoothing)
    for model in scenario.models:
        if model.logits is not None:
            arrays[f"logits_{model.name}"] = np.asarray(model.logits)
            if model.temperature != 1.0:
                arrays[f"temperature_{model.name}"] = np.array(model.temperature)
        else:
            arrays[f"q_{model.name}"] = np.asarray(model.weights)

    def write(stream: BinaryIO) -> None:
        np.savez(stream, allow_pickle=False, **arrays)

    write_atomic_with(Path(path), write)


# --- .csv -----------------------------------------------------------------------------------


def load_csv(path: str | os.PathLike[str]) -> Scenario:
    """Read a CSV table `label,p,<model>...`; errors name the file, the column and the line."""
    file = Path(path)
    name = shown(file)
    raw = read_bytes(file, MAX_CSV_BYTES, "CSV table")
    text = decode_text(raw, file)
    try:
        return _scenario_from_csv(text, file.stem)
    except DivtuiError as error:
        raise DivtuiError(f"{name}: {error}") from None
    except csv.Error as error:
        raise DivtuiError(f"{name}: not a valid CSV table ({error})") from None


def _scenario_from_csv(text: str, stem: str) -> Scenario:
    columns = _csv_columns(text)
    if not columns:
        raise DivtuiError("empty; expected a header label,p,<model>[,<model>...]")
    header = [column[0].strip() for column in columns]
    if len(header) < 3 or header[0].lower() != "label" or header[1] != "p":
        raise DivtuiError(
            f"line 1: header {','.join(header)!r}; expected label,p,<model>[,<model>...]"
        )
    columns = [column[1:] for column in columns]
    if not columns[0]:
        raise DivtuiError("no outcomes: add one row label,p,<model>... per outcome")
    values = [_csv_numbers(columns[c], header[c], text) for c in range(1, len(header))]
    models = [ModelInput(header[c], q=values[c - 1]) for c in range(2, len(header))]
    places = {"p": "column 'p'"}
    for index, model_name in enumerate(header[2:]):
        places[f"models[{index}].q"] = f"column {model_name!r}"
        places[f"models[{index}].name"] = f"line 1, column {index + 3}"
        places[f"models[{index}]"] = f"column {model_name!r}"
    try:
        return _build(columns[0], values[0], models, Unit.NATS, stem, 0.0, places)
    except DivtuiError as error:
        message = str(error)
        if message.startswith("labels["):  # labels[7]: … → line 9, column 'label': …
            position, _, rest = message.removeprefix("labels[").partition("]")
            line = _line_of_row(text, int(position))
            if (also := re.search(r"\(also at \[(\d+)\]\)", rest)) is not None:
                first = _line_of_row(text, int(also.group(1)))
                rest = rest[: also.start()] + f"(also on line {first})" + rest[also.end() :]
            raise DivtuiError(f"line {line}, column 'label'{rest}") from None
        raise


def _csv_columns(text: str) -> list[Sequence[str]]:
    """The table's columns, header cell first. A table without quotes (what numpy, pandas and
    most tools write) is split in a few C-level passes; anything else goes through `csv`."""
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()  # blank lines at the end
    if not lines:
        return []
    if '"' not in text and "\r" not in text.replace("\r\n", ""):
        commas = lines[0].count(",")
        if set(map(str.count, lines, itertools.repeat(",", len(lines)))) == {commas}:
            fields = ",".join(lines).split(",")
            return [fields[c :: commas + 1] for c in range(commas + 1)]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if set(map(len, rows)) != {len(rows[0])}:
        for line, row in _lines(text):
            if len(row) != len(rows[0]):
                raise DivtuiError(
                    f"line {line}: {len(row)} cells, but the header has {len(rows[0])}"
                )
    return list(zip(*rows, strict=True))


def _csv_numbers(cells: Sequence[str], column: str, text: str) -> np.ndarray:
    """A column of numbers, parsed in one pass; the first bad cell is named by its line."""
    try:
        numbers = np.fromiter(map(float, cells), dtype=np.float64, count=len(cells))
    except ValueError:
        numbers = None
    if numbers is not None:
        bad = np.flatnonzero(~np.isfinite(numbers) | (numbers < 0))
        if not bad.size:
            return numbers
        row = int(bad[0])
        problem = "is negative; weights must be ≥ 0" if numbers[row] < 0 else "is not finite"
    else:
        row = next(i for i, cell in enumerate(cells) if not _is_number(cell))
        problem = "is not a number" if cells[row].strip() else "is empty; a value is needed"
    raise DivtuiError(
        f"line {_line_of_row(text, row)}, column {column!r}: {cells[row].strip()!r} {problem}"
    )


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _lines(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted cell can span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _line_of_row(text: str, row: int) -> int:
    """The line the `row`-th outcome (0-based, after the header) starts on."""
    for index, (line, _) in enumerate(_lines(text)):
        if index == row + 1:
            return line
    return row + 2


def save_csv(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write `label,p,<model>...` (weights as held; exact round trip) atomically."""
    for model in scenario.models:
        if model.logits is not None:
            raise DivtuiError(
                f"{shown(Path(path))}: a CSV table holds probabilities, and model "
                f"{model.name!r} is logits; save as .npz or .toml to keep them"
            )
    if scenario.label_smoothing:
        raise DivtuiError(
            f"{shown(Path(path))}: a CSV table has no place for label smoothing "
            f"(ε = {scenario.label_smoothing:g}); save as .npz or .toml to keep it"
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["label", "p", *(model.name for model in scenario.models)])
    columns = [scenario.p_weights.tolist(), *(model.weights.tolist() for model in scenario.models)]
    writer.writerows(zip(scenario.labels, *map(_exact, columns), strict=True))
    write_atomic(Path(path), buffer.getvalue().encode("utf-8"))


def _exact(values: list[float]) -> list[str]:
    return list(map(repr, values))
