"""Strict reading of a benchmark CSV file: every row as wide as the header, every used value in range.

A row with one field too many or too few (a value split in two, ``"10"`` ->
``"1,0"``) would shift every later column; it is an error naming the file and the
line, as is a value that is not a number, not finite, or outside the range of its
column.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = path.write_text("name,acc\\na,91.5\\nb,88\\n")
>>> table = read_csv(path, ["name", "acc"])
>>> numbers(table, "acc", 0, 100).tolist()
[91.5, 88.0]
>>> _ = path.write_text("name,acc\\na,9,1.5\\n")
>>> read_csv(path, ["name", "acc"])
Traceback (most recent call last):
...
nascompanion.data.benchmark.BenchmarkDataError: ...t.csv, line 2: 3 fields, but the header has 2 (a value split in two or a missing comma?)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nascompanion.data.benchmark import BenchmarkDataError


@dataclass(frozen=True)
class CsvTable:
    """The text of the wanted columns of a CSV file, with the line each row starts on.

    Attributes
    ----------
    path
        The file read.
    columns
        ``{column name: its text in every row}``.
    lines
        Line number (1 = the header) of every row.
    """

    path: Path
    columns: dict[str, list[str]]
    lines: np.ndarray

    def __len__(self) -> int:
        return int(self.lines.size)

    def line(self, row: int) -> int:
        """The line of row ``row`` (0-based), for messages."""
        return int(self.lines[row])


def read_csv(path: Path, wanted: list[str]) -> CsvTable:
    """Read the ``wanted`` columns of a CSV file whose every row has as many fields as its header.

    Raises
    ------
    BenchmarkDataError
        If the file is missing, not text, not CSV, lacks a wanted column, has a blank
        row, or a row whose field count differs from the header's (file and line named).
    """
    path = Path(path)
    if not path.is_file():
        raise BenchmarkDataError(f"{path}: file not found")
    try:
        with open(path, newline="") as handle:
            return _read(path, csv.reader(handle), wanted)
    except UnicodeDecodeError as err:
        raise BenchmarkDataError(f"{path}: not a text CSV file ({err.reason})") from None
    except csv.Error as err:
        raise BenchmarkDataError(f"{path}: corrupt CSV ({err})") from None


def _read(path: Path, reader, wanted: list[str]) -> CsvTable:
    header = next(reader, None)
    if not header:
        raise BenchmarkDataError(f"{path}: empty file; expected a header with {', '.join(wanted)}")
    missing = [name for name in wanted if name not in header]
    if missing:
        raise BenchmarkDataError(
            f"{path}: not the expected table, missing column(s) {', '.join(missing)}; found: {', '.join(header)}"
        )
    positions = [header.index(name) for name in wanted]
    texts: list[list[str]] = [[] for _ in wanted]
    lines: list[int] = []
    start = reader.line_num + 1
    for row in reader:
        if len(row) != len(header):
            what = "a blank line" if not row else f"{len(row)} fields"
            raise BenchmarkDataError(
                f"{path}, line {start}: {what}, but the header has {len(header)} "
                "(a value split in two or a missing comma?)"
            )
        for column, position in zip(texts, positions):
            column.append(row[position])
        lines.append(start)
        start = reader.line_num + 1
    return CsvTable(path, dict(zip(wanted, texts)), np.asarray(lines, dtype=np.int64))


def numbers(table: CsvTable, column: str, low: float, high: float = np.inf) -> np.ndarray:
    """The values of ``column`` as finite floats in ``[low, high]``.

    Raises
    ------
    BenchmarkDataError
        Naming the file, the first offending line and the allowed range, for a value
        that is not a number, not finite (NaN, inf) or out of range.
    """
    texts = table.columns[column]
    try:
        values = np.asarray(texts, dtype=np.float64)
    except ValueError:
        bad = next(i for i, text in enumerate(texts) if _float_or_nan(text) is None)
        raise BenchmarkDataError(
            f"{table.path}, line {table.line(bad)}: column {column} holds {texts[bad]!r}, not a number"
        ) from None
    outside = ~(np.isfinite(values) & (values >= low) & (values <= high))
    if outside.any():
        bad = int(np.argmax(outside))
        allowed = f"[{low:g}, {high:g}]" if np.isfinite(high) else f">= {low:g}"
        raise BenchmarkDataError(
            f"{table.path}, line {table.line(bad)}: column {column} holds {texts[bad]!r}; allowed: a finite number "
            f"in {allowed}"
        )
    return values


def _float_or_nan(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
