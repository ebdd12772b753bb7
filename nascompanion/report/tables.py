"""Tables for people: no index column, integers as integers, fixed decimals, intervals in one cell.

Every chapter hands a :class:`pandas.DataFrame` to :func:`show` and gets back a :class:`Table`, which a
notebook renders as an HTML table without the index (and as plain text elsewhere). A cell never reads
``-0.00`` or ``nan``: a value that rounds to zero has no sign, a missing value reads as words. The same
frame gives the same output every time, so executed chapters compare equal between runs.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"cells": [15625.0, 24.0], "sigma": [0.31234, -0.0001]})
>>> print(show(frame, decimals={"sigma": 3}))
 cells sigma
15,625 0.312
    24 0.000

The index can become a first column, and a table whose rows hold different statistics can be turned:

>>> frame = pd.DataFrame({"share (%)": [99.51, 0.49]}, index=pd.Index([3, 2], name="m"))
>>> show(frame, 1, index="seeds")
seeds share (%)
    3      99.5
    2       0.5
>>> t = pd.DataFrame({"data": ["a", "b"], "local_minima": [13, 24], "rms_deviation": [0.5, 1.0]})
>>> show(t, 1, turn="data", corner="statistic", words={"local_minima": "local minima"})
    statistic   a    b
 local minima  13   24
rms deviation 0.5  1.0
"""

from __future__ import annotations

import html
import math
from numbers import Integral, Real
from typing import Any, Mapping

import numpy as np
import pandas as pd

__all__ = ["MISSING", "Table", "interval", "number", "show", "with_intervals"]

MISSING = "not measured"
"""What a cell says where a value is missing, unless the caller says otherwise."""


def _is_missing(value: Any) -> bool:
    """Whether ``value`` is ``None``, NaN or pandas' missing value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def number(value: Any, decimals: int | None = 2, missing: str = MISSING, whole: bool = False) -> str:
    """One value as a reader sees it in a table.

    Parameters
    ----------
    value
        A number, a boolean (``yes``/``no``), a string (kept) or a missing value.
    decimals
        Digits after the point of a float; ``None`` prints a whole float as an integer and any other
        with three significant figures (no decimals from 100 on).
    missing
        What a missing value reads as.
    whole
        Print a float that is a whole number as an integer.

    Returns
    -------
    str
        Integers with thousands separators; never ``-0.00``.

    Examples
    --------
    >>> number(21.0), number(21.0, whole=True), number(-0.0004, 3), number(15625), number(True)
    ('21.00', '21', '0.000', '15,625', 'yes')
    >>> number(float("nan")), number(None, missing="not run"), number(0.05712, None), number(1234.5, None)
    ('not measured', 'not run', '0.0571', '1,234')
    """
    if _is_missing(value):
        return missing
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if not isinstance(value, Real):
        return str(value)
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if (whole or decimals is None) and value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    else:
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def interval(estimate: float, low: float, high: float, decimals: int | None = 2, missing: str = MISSING) -> str:
    """An estimate with its interval, as ``"5.75 [5.71, 5.79]"``.

    Parameters
    ----------
    estimate, low, high
        The estimate and the ends of its interval.
    decimals
        Digits after the point of all three.
    missing
        The whole cell where the estimate is missing, or an end where only that end is missing.

    Returns
    -------
    str

    Examples
    --------
    >>> interval(5.7512, 5.7149, 5.7888), interval(-0.00001, -0.00002, 0.0, 4)
    ('5.75 [5.71, 5.79]', '0.0000 [0.0000, 0.0000]')
    >>> interval(float("nan"), 1.0, 2.0, missing="never found")
    'never found'
    """
    if _is_missing(estimate):
        return missing
    est, lo, hi = (number(float(v) if not _is_missing(v) else v, decimals, missing) for v in (estimate, low, high))
    return f"{est} [{lo}, {hi}]"


class Table:
    """Text cells of a table, rendered without an index: HTML in a notebook, plain text elsewhere.

    Parameters
    ----------
    frame
        The cells, already text (see :func:`show`).

    Examples
    --------
    >>> t = Table(pd.DataFrame({"a & b": ["<1"]}))
    >>> t._repr_html_()
    '<table class="dataframe"><thead><tr><th>a &amp; b</th></tr></thead><tbody><tr><td>&lt;1</td></tr></tbody></table>'
    >>> print(t)
    a & b
       <1
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in self.frame.itertuples(index=False))
        return f'<table class="dataframe"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)

    __str__ = __repr__


def with_intervals(frame: pd.DataFrame, intervals: Mapping[str, tuple[str, str, str]],
                   decimals: int = 2, missing: str = MISSING) -> pd.DataFrame:
    """``frame`` with each (estimate, low, high) triple of columns replaced by one column of :func:`interval`.

    Parameters
    ----------
    frame
        The data.
    intervals
        New column name -> names of its estimate, low and high columns (dropped from the result).
    decimals
        Decimals of the intervals.
    missing
        What a row with a missing estimate reads.

    Returns
    -------
    pandas.DataFrame
        The new columns first, then the rest.

    Examples
    --------
    >>> frame = pd.DataFrame({"s": [0.15, float("nan")], "lo": [0.14, float("nan")],
    ...                       "hi": [0.16, float("nan")], "n": [155, 0]})
    >>> with_intervals(frame, {"sigma [90 % interval]": ("s", "lo", "hi")}, 3, "not in the data")
      sigma [90 % interval]    n
    0  0.150 [0.140, 0.160]  155
    1       not in the data    0
    """
    out = pd.DataFrame(index=frame.index)
    used: list[str] = []
    for name, (est, low, high) in intervals.items():
        out[name] = [interval(e, lo, hi, decimals, missing) for e, lo, hi in zip(frame[est], frame[low], frame[high])]
        used += [est, low, high]
    return pd.concat([out, frame.drop(columns=used)], axis=1)


def _pick(option, column: str, default):
    """``option`` itself, or its entry for ``column`` if it is a mapping (``default`` where it has none)."""
    return option.get(column, default) if isinstance(option, Mapping) else option


def _whole_column(values: pd.Series) -> bool:
    """Whether every number of ``values`` is a whole number (missing values and text aside)."""
    numbers = pd.to_numeric(values.map(lambda v: None if isinstance(v, (bool, np.bool_)) else v), errors="coerce")
    numbers = numbers.dropna()
    return bool(len(numbers)) and bool(np.all(np.isfinite(numbers))) and bool((numbers == numbers.round()).all())


def _flat_frame(frame: pd.DataFrame | Mapping, index: bool | str) -> pd.DataFrame:
    """``frame`` with its index dropped, or made leading columns (under ``index`` if a string); tuple names joined."""
    frame = pd.DataFrame(frame)
    if isinstance(index, str):
        frame = frame.rename_axis(index).reset_index()
    elif index:
        frame = frame.reset_index()
    else:
        frame = frame.reset_index(drop=True)
    frame.columns = [" ".join(str(p) for p in c if str(p)) if isinstance(c, tuple) else str(c)
                     for c in frame.columns]
    return frame


def _column_cells(values: pd.Series, column: str, places: int | None, empty: str, whole: str,
                  words: Mapping[str, str]) -> tuple[str, list[str]]:
    """The header and the text cells of one column (see :func:`show`'s ``whole`` and ``words``)."""
    per_cell = whole == "cell" or (whole == "column" and _whole_column(values))
    shown = [number(v, places, empty, per_cell) for v in values]
    if not words:
        return column, shown
    shown = [words.get(v, v) if isinstance(v, str) else s for v, s in zip(values, shown)]
    return words.get(column, column.replace("_", " ")), shown


def _cells(frame: pd.DataFrame, decimals, missing, intervals: Mapping[str, tuple[str, str, str]],
           words: Mapping[str, str], whole: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Every column of ``frame`` as text, by header (an interval's three columns as one), and each column's header."""
    folded = {est: (name, low, high) for name, (est, low, high) in intervals.items()}
    ends = {end for _, low, high in folded.values() for end in (low, high)}
    cells: dict[str, list[str]] = {}
    headers: dict[str, str] = {}
    for column in frame.columns:
        if column in ends:
            continue
        places, empty = _pick(decimals, column, 2), _pick(missing, column, MISSING)
        if column in folded:
            name, low, high = folded[column]
            cells[name] = [interval(e, lo, hi, places, empty)
                           for e, lo, hi in zip(frame[column], frame[low], frame[high])]
        else:
            header, shown = _column_cells(frame[column], column, places, empty, whole, words)
            cells[header], headers[column] = shown, header
    return cells, headers


def _turned(table: pd.DataFrame, turn: str, corner: str) -> pd.DataFrame:
    """``table`` turned: the cells of column ``turn`` head the columns, the other columns become named rows.

    Examples
    --------
    >>> _turned(pd.DataFrame({"data": ["a", "b"], "minima": ["13", "24"]}), "data", "statistic")
      statistic   a   b
    0    minima  13  24
    """
    table = table.set_index(turn).T.rename_axis(corner).reset_index()
    table.columns.name = None
    return table


def show(frame: pd.DataFrame | Mapping, decimals: int | None | Mapping[str, int | None] = 2, *,
         missing: str | Mapping[str, str] = MISSING, index: bool | str = False,
         intervals: Mapping[str, tuple[str, str, str]] | None = None, columns: Mapping[str, str] | None = None,
         words: Mapping[str, str] | None = None, whole: str = "column", turn: str | None = None,
         corner: str = "") -> Table:
    """``frame`` as a :class:`Table`: every cell formatted by :func:`number`, headers in words.

    Parameters
    ----------
    frame
        The data; a mapping is read as ``{column: values}``. Tuple column names join with spaces.
    decimals
        Decimals of floats, for every column or per column name (2 for a column not named);
        ``None`` gives three significant figures (see :func:`number`).
    missing
        What a missing value reads as, for every column or per column name (:data:`MISSING` if not named).
    index
        ``False`` drops the index, ``True`` makes its levels leading columns under their names, a string
        makes the index a first column under that header.
    intervals
        Header -> (estimate, low, high) columns: the three fold into one column of :func:`interval`,
        where the estimate column stood, at the estimate's decimals.
    columns
        New headers, applied last; a key may be a column's name in ``frame`` or its header.
    words
        Words for names in code, used for headers and text cells; with it, other headers read
        underscores as spaces.
    whole
        ``"column"``: a column whose numbers are all whole prints them as integers; ``"cell"``: every
        whole number prints as an integer (for rows that hold different statistics); ``"never"``.
    turn
        If given, the table is turned: this column's cells head the columns and the other columns
        become rows, named in a first column headed ``corner``.
    corner
        Header of the first column of a turned table.

    Returns
    -------
    Table

    Examples
    --------
    >>> g = pd.DataFrame({"gap": [-0.0001, 0.5], "low": [-0.31, 0.1], "high": [0.2, float("nan")],
    ...                   "runs": [3.0, float("nan")]})
    >>> show(g, missing={"runs": "not run"}, intervals={"gap [interval]": ("gap", "low", "high")})
              gap [interval]    runs
       0.00 [-0.31, 0.20]       3
    0.50 [0.10, not measured] not run
    """
    frame = _flat_frame(frame, index)
    words = dict(words or {})
    cells, headers = _cells(frame, decimals, missing, intervals or {}, words, whole)
    table = pd.DataFrame(cells, columns=list(cells))
    if turn is not None:
        table = _turned(table, words.get(turn, turn) if words else turn, corner)
    renames = {headers.get(old, old): new for old, new in (columns or {}).items()}
    return Table(table.rename(columns=renames))
