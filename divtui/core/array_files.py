"""Scenarios from model outputs as NumPy `.npz` archives, up to millions of outcomes (CSV
tables are in `divtui.core.csv_files`, which shares the limits and the checks here).

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

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from divtui.core.errors import DivtuiError
from divtui.core.file_io import (
    open_regular,
    shown,
    write_atomic_with,
)
from divtui.core.scenario import MAX_MODELS, ModelInput, Scenario
from divtui.core.units import Unit

MAX_CSV_BYTES = 1024 * 1024 * 1024
"""Larger CSV files are refused before they are read (10^6 outcomes take about 40 MB)."""

MAX_OUTCOMES = 10_000_000
"""Files with more outcomes are refused before their arrays are allocated, unless the caller
raises the limit (`--max-outcomes`)."""

_NPZ_SCALARS = ("title", "unit", "label_smoothing")
_NPY_MAGIC = b"\x93NUMPY"
_LABEL_BYTES_PER_OUTCOME = 100
"""The labels of an .npz may declare this many bytes per outcome (a 25-character average as
`<U` text), or 64 MiB, whichever is more: a compressed archive can declare far more than it
holds, and `<U` strings are as wide as the longest."""


# --- .npz -----------------------------------------------------------------------------------


def load_npz(path: str | os.PathLike[str], *, max_outcomes: int = MAX_OUTCOMES) -> Scenario:
    """Read a `.npz` archive of arrays (never pickles); every error names the file and array.

    Each member's .npy header (shape and dtype) is checked before its data is read, so an
    archive cannot make divtui allocate more than `max_outcomes` values per array."""
    file = Path(path)
    with open_regular(file) as (stream, _):
        return npz_from_stream(stream, shown(file), file.stem, max_outcomes)


def npz_from_stream(stream: BinaryIO, name: str, stem: str, max_outcomes: int) -> Scenario:
    """`load_npz` on an open binary stream (a file, or standard input's bytes)."""
    try:
        arrays = _read_npz(stream, max_outcomes)
    except DivtuiError as error:
        raise DivtuiError(f"{name}: {error}") from None
    try:
        return _scenario_from_arrays(arrays, stem)
    except DivtuiError as error:
        raise DivtuiError(f"{name}: {error}") from None


def _read_npz(stream: BinaryIO, max_outcomes: int) -> dict[str, np.ndarray]:
    import zipfile  # only when an archive is read: 3 ms of start-up otherwise
    import zlib

    start = stream.read(len(_NPY_MAGIC))
    stream.seek(0)
    if start == _NPY_MAGIC:
        raise DivtuiError(
            "a single .npy array, not an .npz archive; save p and the models together with "
            "np.savez(path, p=p, q=q)"
        )
    _check_member_count(stream)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise DivtuiError(f"not a NumPy .npz archive ({error})") from None
    with archive:
        members = _npz_members(archive.infolist())
        arrays: dict[str, np.ndarray] = {}
        for key, info in members.items():
            try:
                arrays[key] = _read_member(archive, info, key, max_outcomes)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
                raise DivtuiError(f"array {key!r}: cannot be read ({error})") from None
    return arrays


_MAX_MEMBERS = 64
"""More members than any scenario has (p, labels, 3 scalars, 8 models and 8 temperatures)."""


def _check_member_count(stream: BinaryIO) -> None:
    """Refuse an archive of thousands of members from its end record, before `zipfile` builds
    an object for each (a small file can list millions)."""
    end = stream.seek(0, os.SEEK_END)
    tail_size = min(end, 22 + 65535)  # the end record, and a comment of at most 64 KiB
    stream.seek(end - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    record = tail.rfind(b"PK\x05\x06")
    if record >= 0 and len(tail) - record >= 22:
        entries = int.from_bytes(tail[record + 10 : record + 12], "little")
        if entries > _MAX_MEMBERS:
            raise DivtuiError(
                f"holds {'65,535 or more' if entries == 0xFFFF else f'{entries:,}'} members; "
                f"an .npz scenario has at most {_MAX_MEMBERS}"
            )


def _npz_members(infos: list[Any]) -> dict[str, Any]:
    """The archive's members by array name, refused before any is read when a name is not an
    .npy array divtui knows, appears twice, or names more models than a scenario holds."""
    members: dict[str, Any] = {}
    for info in infos:
        if info.is_dir():
            continue
        if not info.filename.endswith(".npy"):
            raise DivtuiError(
                f"member {info.filename!r} is not a .npy array (an .npz holds only the arrays "
                "np.savez writes)"
            )
        key = info.filename.removesuffix(".npy")
        if key in members:
            raise DivtuiError(f"array {key!r} appears twice in the archive")
        if not _known_array(key):
            raise DivtuiError(
                f"unknown array {key!r} (expected p, q or q_<name>, logits_<name>, "
                "temperature_<name>, labels, title, unit, label_smoothing)"
            )
        members[key] = info
    models = [key for key in members if key == "q" or key.startswith(("q_", "logits_"))]
    if len(models) > MAX_MODELS:
        raise DivtuiError(f"{len(models)} models; at most {MAX_MODELS} are supported")
    return members


def _known_array(key: str) -> bool:
    return key in ("p", "labels", "q", *_NPZ_SCALARS) or key.startswith(
        ("q_", "logits_", "temperature_")
    )


def _read_member(archive: Any, info: Any, key: str, max_outcomes: int) -> np.ndarray:
    """One member: its header read and checked first (what it declares must be an array of
    numbers or text within the limits, and must fit in the member's bytes), then its data."""
    from numpy.lib import format as npy

    with archive.open(info) as member:
        try:
            version = npy.read_magic(member)
            if version == (1, 0):
                shape, fortran, dtype = npy.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, fortran, dtype = npy.read_array_header_2_0(member)
            else:
                raise DivtuiError(f"array {key!r}: .npy format version {version} is not read")
        except ValueError as error:
            raise DivtuiError(f"array {key!r}: not a .npy array ({error})") from None
        header = member.tell()
    if dtype.hasobject:
        raise DivtuiError(
            f"array {key!r}: holds Python objects, which divtui does not unpickle; "
            "store numbers as floats and labels as strings (np.array(labels, dtype=str))"
        )
    count = math.prod(shape)
    if count > max_outcomes:
        raise DivtuiError(
            f"array {key!r}: declares {count:,} values; divtui opens at most {max_outcomes:,} "
            "outcomes (--max-outcomes raises the limit)"
        )
    declared = count * dtype.itemsize
    if key == "labels":
        budget = max(_LABEL_BYTES_PER_OUTCOME * max_outcomes, 64 << 20)
        if declared > budget:
            raise DivtuiError(
                f"array 'labels': {declared:,} bytes of text ({dtype}) is more than divtui "
                f"reads ({budget:,})"
            )
    elif key in ("title", "unit"):
        if dtype.kind not in "US" or declared > 1 << 20:
            raise DivtuiError(f"array {key!r}: expected a short text, got {dtype} {shape}")
    elif dtype.kind not in "biuf" or dtype.itemsize > 16:
        raise DivtuiError(f"array {key!r}: expected numbers, got dtype {dtype}")
    if declared > info.file_size - header:
        raise DivtuiError(
            f"array {key!r}: declares {count:,} values of {dtype} ({declared:,} bytes), but "
            f"holds only {max(info.file_size - header, 0):,} bytes"
        )
    with archive.open(info) as member:
        try:
            array: np.ndarray = npy.read_array(member, allow_pickle=False)
        except ValueError as error:
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
    return build_from_arrays(labels, p, models, unit, str(title), smoothing, places)


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


def build_from_arrays(
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
        if model.family is not None:
            raise DivtuiError(
                f"{shown(Path(path))}: an .npz archive holds probabilities or logits, and model "
                f"{model.name!r} is a {model.family} (mu, sigma); save as .toml or .json to "
                "keep it"
            )
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
