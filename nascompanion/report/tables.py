"""Tables for people: no index column, integers as integers, fixed decimals, intervals in one cell.

A chapter hands a :class:`pandas.DataFrame` to :func:`show` and gets back a :class:`Table`, which a
notebook renders as an HTML table without the index (and as plain text elsewhere). The same output
comes from the same frame every time, so executed chapters compare equal between runs.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"cells": [15625.0, 24.0], "sigma": [0.31234, -0.0001]})
>>> print(show(frame, decimals={"sigma": 3}))
cells sigma
15625 0.312
   24 0.000
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

MISSING = "not in the data"
"""What a cell says where a value is missing, unless the caller says otherwise."""


def number(value, decimals: int = 2) -> str:
    """``value`` with ``decimals`` decimals; whole numbers as integers when ``decimals`` is 0.

    A value that rounds to zero prints without a sign, and a missing value prints as :data:`MISSING`.

    Parameters
    ----------
    value
        A number (``int``, ``float``, numpy scalar) or anything else, which prints as ``str(value)``.
    decimals
        Digits after the decimal point.

    Returns
    -------
    str

    Examples
    --------
    >>> number(21.0, 0), number(-0.0004, 3), number(5.7512), number(float("nan"))
    ('21', '0.000', '5.75', 'not in the data')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return MISSING
        text = f"{float(value):.{decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    return str(value)


def interval(estimate: float, low: float, high: float, decimals: int = 2) -> str:
    """An estimate with its interval, as ``"5.75 [5.71, 5.79]"``.

    Examples
    --------
    >>> interval(5.7512, 5.7149, 5.7888)
    '5.75 [5.71, 5.79]'
    """
    return f"{number(estimate, decimals)} [{number(low, decimals)}, {number(high, decimals)}]"


@dataclass(frozen=True)
class Table:
    """Formatted cells of a table, rendered without an index (HTML in a notebook, text elsewhere)."""

    frame: pd.DataFrame

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in self.frame.itertuples(index=False))
        return f'<table class="dataframe"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)

    __str__ = __repr__


def with_intervals(frame: pd.DataFrame, intervals: Mapping[str, tuple[str, str, str]],
                   decimals: int = 2) -> pd.DataFrame:
    """``frame`` with each (estimate, low, high) triple of columns replaced by one column of :func:`interval`.

    Parameters
    ----------
    frame
        The data.
    intervals
        New column name -> names of its estimate, low and high columns (dropped from the result).
    decimals
        Decimals of the intervals.

    Returns
    -------
    pandas.DataFrame
        The new columns first, then the rest; a row with a missing estimate reads :data:`MISSING`.

    Examples
    --------
    >>> frame = pd.DataFrame({"s": [0.15, float("nan")], "lo": [0.14, float("nan")],
    ...                       "hi": [0.16, float("nan")], "n": [155, 0]})
    >>> with_intervals(frame, {"sigma [90 % interval]": ("s", "lo", "hi")}, 3)
      sigma [90 % interval]    n
    0  0.150 [0.140, 0.160]  155
    1       not in the data    0
    """
    out = pd.DataFrame(index=frame.index)
    used: list[str] = []
    for name, (est, low, high) in intervals.items():
        out[name] = [MISSING if pd.isna(e) else interval(e, lo, hi, decimals)
                     for e, lo, hi in zip(frame[est], frame[low], frame[high])]
        used += [est, low, high]
    rest = frame.drop(columns=used)
    return pd.concat([out, rest], axis=1)


def show(frame: pd.DataFrame, decimals: int | Mapping[str, int] = 2, index: str | None = None,
         columns: Mapping[str, str] | None = None) -> Table:
    """``frame`` as a :class:`Table`: every cell formatted by :func:`number`, headers in words.

    Parameters
    ----------
    frame
        The data. Integer-valued float columns print as integers.
    decimals
        Decimals of every float column, or per column name (default 2 for those not named).
    index
        If given, the frame's index becomes a first column of this name.
    columns
        New names for columns, applied after formatting.

    Returns
    -------
    Table

    Examples
    --------
    >>> frame = pd.DataFrame({"share (%)": [99.51, 0.49]}, index=pd.Index([3, 2], name="m"))
    >>> show(frame, 1, index="seeds")
    seeds share (%)
        3      99.5
        2       0.5
    """
    if index is not None:
        frame = frame.rename_axis(index).reset_index()
    out = {}
    for name in frame.columns:
        values = frame[name]
        places = decimals.get(name, 2) if isinstance(decimals, Mapping) else decimals
        whole = (pd.api.types.is_float_dtype(values) and values.notna().all()
                 and bool(np.all(np.asarray(values) == np.round(np.asarray(values)))))
        out[name] = [number(int(v), 0) if whole else number(v, places) for v in values]
    table = pd.DataFrame(out)
    return Table(table.rename(columns=dict(columns or {})))
