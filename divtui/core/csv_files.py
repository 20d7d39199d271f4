"""Scenarios from model outputs as CSV tables: a header `label,p,<model>[,<model>...]`, then
one row per outcome, up to millions of rows, parsed in chunks.

Each column is checked in one vectorised pass; only a column that fails is looked at value by
value, so the error names the file, the column and the first offending line.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from divtui.core.array_files import MAX_CSV_BYTES, MAX_OUTCOMES, build_from_arrays
from divtui.core.errors import DivtuiError
from divtui.core.file_io import decode_text, read_bytes, shown, write_atomic
from divtui.core.scenario import MAX_MODELS, ModelInput, Scenario
from divtui.core.units import Unit


def load_csv(path: str | os.PathLike[str], *, max_outcomes: int = MAX_OUTCOMES) -> Scenario:
    """Read a CSV table `label,p,<model>...`; errors name the file, the column and the line."""
    file = Path(path)
    text = decode_text(read_bytes(file, MAX_CSV_BYTES, "CSV table"), file)
    return csv_from_text(text, shown(file), file.stem, max_outcomes)


def csv_from_text(text: str, name: str, stem: str, max_outcomes: int) -> Scenario:
    """`load_csv` on text already read (a file, or standard input)."""
    try:
        return _scenario_from_csv(text, stem, max_outcomes)
    except DivtuiError as error:
        raise DivtuiError(f"{name}: {error}") from None
    except csv.Error as error:
        raise DivtuiError(f"{name}: not a valid CSV table ({error})") from None


_CHUNK_CHARS = 1 << 20
"""The table is parsed a megabyte of text at a time: only one chunk's cells are ever Python
strings at once (the labels excepted), so 10^7 rows do not become 3·10^7 objects."""

_CHUNK_ROWS = 1 << 15
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def _scenario_from_csv(text: str, stem: str, max_outcomes: int) -> Scenario:
    end = _end_of_table(text)
    if end == 0:
        raise DivtuiError("empty; expected a header label,p,<model>[,<model>...]")
    header, labels, values = _csv_table(text, end, max_outcomes)
    if not labels:
        raise DivtuiError("no outcomes: add one row label,p,<model>... per outcome")
    for column, numbers in enumerate(values, start=1):
        _check_csv_numbers(numbers, header[column], column, text, end)
    models = [ModelInput(header[c], q=values[c - 1]) for c in range(2, len(header))]
    places = {"p": "column 'p'"}
    for index, model_name in enumerate(header[2:]):
        places[f"models[{index}].q"] = f"column {model_name!r}"
        places[f"models[{index}].name"] = f"line 1, column {index + 3}"
        places[f"models[{index}]"] = f"column {model_name!r}"
    try:
        return build_from_arrays(labels, values[0], models, Unit.NATS, stem, 0.0, places)
    except DivtuiError as error:
        message = str(error)
        if message.startswith("labels["):  # labels[7]: … → line 9, column 'label': …
            position, _, rest = message.removeprefix("labels[").partition("]")
            line = _line_of_row(text, end, int(position))
            if (also := re.search(r"\(also at \[(\d+)\]\)", rest)) is not None:
                first = _line_of_row(text, end, int(also.group(1)))
                rest = rest[: also.start()] + f"(also on line {first})" + rest[also.end() :]
            raise DivtuiError(f"line {line}, column 'label'{rest}") from None
        raise


def _end_of_table(text: str) -> int:
    """Where the table ends: blank lines at the end are not rows."""
    last = len(text.rstrip())
    if last == 0:
        return 0
    newline = text.find("\n", last)
    return len(text) if newline == -1 else newline


def _csv_table(text: str, end: int, max_outcomes: int) -> tuple[list[str], list[str], list[Any]]:
    """The header, the labels and each number column (float64), parsed chunk by chunk."""
    labels: list[str] = []
    numbers: list[list[np.ndarray]] = []
    header: list[str] = []
    first_line = text.find("\n", 0, end)
    if text.count(",", 0, end if first_line < 0 else first_line) > _MAX_HEADER_COMMAS:
        raise DivtuiError(
            f"line 1: the header has more than {_MAX_HEADER_COMMAS + 1} cells; a table holds "
            f"label, p and at most {MAX_MODELS} models"
        )
    for columns in _csv_chunks(text, end):
        if not header:
            header = [column[0].strip() for column in columns]
            _check_csv_header(header)
            numbers = [[] for _ in header[1:]]
            columns = [column[1:] for column in columns]
        if len(labels) + len(columns[0]) > max_outcomes:
            raise DivtuiError(
                f"more than {max_outcomes:,} outcomes; divtui opens at most {max_outcomes:,} "
                "(--max-outcomes raises the limit)"
            )
        for column, cells in enumerate(columns[1:]):
            numbers[column].append(_csv_numbers(cells, header[column + 1], len(labels), text, end))
        labels.extend(columns[0])
    values = [np.concatenate(chunks) if chunks else np.empty(0) for chunks in numbers]
    return header, labels, values


_MAX_HEADER_COMMAS = 64
"""Checked before the header is split (quoted names may hold commas; a header of millions of
cells must not become millions of strings)."""


def _check_csv_header(header: list[str]) -> None:
    if len(header) < 3 or header[0].lower() != "label" or header[1] != "p":
        shown_header = ",".join(header)
        if len(shown_header) > 200:
            shown_header = shown_header[:200] + "…"
        raise DivtuiError(f"line 1: header {shown_header!r}; expected label,p,<model>[,<model>...]")
    if len(header) - 2 > MAX_MODELS:
        raise DivtuiError(f"line 1: {len(header) - 2} models; at most {MAX_MODELS} are supported")


def _csv_chunks(text: str, end: int) -> Iterator[list[Sequence[str]]]:
    """The table's columns a chunk of rows at a time (the header cells first in the first).
    A table without quotes (what numpy, pandas and most tools write) is split in a few C-level
    passes per chunk; anything else goes through `csv`, row by row."""
    if '"' in text or text.count("\r") != text.count("\r\n"):
        yield from _csv_chunks_quoted(text, end)
        return
    position = 0
    line = 1
    commas = -1
    while position < end:
        stop = text.find("\n", min(position + _CHUNK_CHARS, end))
        stop = end if stop == -1 or stop > end else stop
        lines = text[position:stop].replace("\r\n", "\n").removesuffix("\r").split("\n")
        position = stop + 1
        if commas < 0:
            commas = lines[0].count(",")
        counts = list(map(str.count, lines, itertools.repeat(",", len(lines))))
        if set(counts) != {commas}:
            bad = next(i for i, count in enumerate(counts) if count != commas)
            raise DivtuiError(
                f"line {line + bad}: {counts[bad] + 1} cells, but the header has {commas + 1}"
            )
        line += len(lines)
        fields = ",".join(lines).split(",")
        yield [fields[c :: commas + 1] for c in range(commas + 1)]


def _csv_chunks_quoted(text: str, end: int) -> Iterator[list[Sequence[str]]]:
    reader = csv.reader(match.group() for match in _LINE.finditer(text, 0, end))
    width = -1
    start = 1
    while True:
        rows = []
        for row in itertools.islice(reader, _CHUNK_ROWS):
            if width < 0:
                width = len(row)
            if len(row) != width:
                raise DivtuiError(f"line {start}: {len(row)} cells, but the header has {width}")
            rows.append(row)
            start = reader.line_num + 1
        if not rows:
            return
        yield list(zip(*rows, strict=True))


def _csv_numbers(cells: Sequence[str], column: str, offset: int, text: str, end: int) -> Any:
    """A chunk of a column, parsed in one pass; the first cell that is not a number is named by
    its line (`offset` rows come before the chunk)."""
    try:
        return np.fromiter(map(float, cells), dtype=np.float64, count=len(cells))
    except ValueError:
        pass
    row = next(i for i, cell in enumerate(cells) if not _is_number(cell))
    problem = "is not a number" if cells[row].strip() else "is empty; a value is needed"
    line = _line_of_row(text, end, offset + row)
    raise DivtuiError(f"line {line}, column {column!r}: {cells[row].strip()!r} {problem}")


def _check_csv_numbers(numbers: Any, column: str, index: int, text: str, end: int) -> None:
    """Refuse the first negative or non-finite value of a column, naming its line."""
    bad = np.flatnonzero(~np.isfinite(numbers) | (numbers < 0))
    if not bad.size:
        return
    row = int(bad[0])
    problem = "is negative; weights must be ≥ 0" if numbers[row] < 0 else "is not finite"
    line, cells = _row(text, end, row)
    raise DivtuiError(f"line {line}, column {column!r}: {cells[index].strip()!r} {problem}")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _lines(text: str, end: int) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted cell can span lines)."""
    reader = csv.reader(match.group() for match in _LINE.finditer(text, 0, end))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _row(text: str, end: int, row: int) -> tuple[int, list[str]]:
    """The line the `row`-th outcome (0-based, after the header) starts on, and its cells."""
    for index, (line, cells) in enumerate(_lines(text, end)):
        if index == row + 1:
            return line, cells
    return row + 2, []


def _line_of_row(text: str, end: int, row: int) -> int:
    return _row(text, end, row)[0]


def save_csv(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write `label,p,<model>...` (weights as held; exact round trip) atomically."""
    for model in scenario.models:
        if model.logits is not None:
            raise DivtuiError(
                f"{shown(Path(path))}: a CSV table holds probabilities, and model "
                f"{model.name!r} is logits; save as .npz or .toml to keep them"
            )
        if model.family is not None:
            raise DivtuiError(
                f"{shown(Path(path))}: a CSV table holds probabilities, and model "
                f"{model.name!r} is a {model.family} (mu, sigma); save as .toml or .json to "
                "keep it"
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
