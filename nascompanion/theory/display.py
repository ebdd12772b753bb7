"""Tables of the theory chapters as a reader sees them: no index column, fixed decimals, words for gaps.

Examples
--------
>>> import pandas as pd
>>> t = table(pd.DataFrame({"k": [1, 2], "b": [1.0, 0.4166666], "gap": [-0.00001, float("nan")]}),
...           decimals=3, missing="not defined")
>>> print(t)
 k     b         gap
 1 1.000       0.000
 2 0.417 not defined
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, Mapping

import pandas as pd

__all__ = ["Table", "cell", "interval", "table"]


def cell(value: Any, decimals: int | None = None, missing: str = "not measured") -> str:
    """One table entry as text: integers as integers, other numbers to ``decimals`` places.

    Parameters
    ----------
    value
        A number, a string (kept as it is) or ``None``/NaN (shown as ``missing``).
    decimals
        Places after the point for a float; ``None`` shows a whole float as an integer and keeps
        three significant figures otherwise.
    missing
        What a missing value reads as.

    Returns
    -------
    str
        The entry; a value that rounds to zero never shows a minus sign.

    Examples
    --------
    >>> [cell(v, 3) for v in (21.0, 15625, -0.0004, 0.41666, None, "holds")]
    ['21.000', '15,625', '0.000', '0.417', 'not measured', 'holds']
    >>> cell(21.0), cell(1234.5)
    ('21', '1,234')
    >>> cell(0.0571), cell(float("nan"), missing="none passes")
    ('0.0571', 'none passes')
    """
    if value is None:
        return missing
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if not isinstance(value, Real):
        return str(value)
    value = float(value)
    if not math.isfinite(value):
        return missing
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif value == int(value) and abs(value) < 1e9:
        return f"{int(value):,}"
    else:
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def interval(estimate: float, low: float, high: float, decimals: int = 2) -> str:
    """An estimate with its interval, as ``"5.75 [5.71, 5.79]"``.

    Examples
    --------
    >>> interval(5.7512, 5.71, 5.789)
    '5.75 [5.71, 5.79]'
    """
    return f"{cell(estimate, decimals)} [{cell(low, decimals)}, {cell(high, decimals)}]"


class Table:
    """A frame of display strings, shown as HTML without an index column (and as plain text)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.frame.to_html(index=False, escape=True, classes="dataframe")

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def table(frame: pd.DataFrame | Mapping, decimals: int | Mapping[str, int] | None = None,
          missing: str = "not measured", index: str | None = None) -> Table:
    """``frame`` ready for a reader.

    Parameters
    ----------
    frame
        The values; a mapping is read as ``{column: values}``.
    decimals
        Places after the point, for every column or per column name (others keep three significant figures).
    missing
        What a missing value reads as.
    index
        If given, the frame's index becomes the first column, under this header.

    Returns
    -------
    Table
        Shown without an index column.

    Examples
    --------
    >>> print(table({"share": pd.Series({"CIFAR-10": 0.9312})}, decimals=2, index="dataset"))
     dataset share
    CIFAR-10  0.93
    """
    frame = pd.DataFrame(frame)
    if index is not None:
        frame = frame.rename_axis(index).reset_index()
    out = {}
    for column in frame.columns:
        d = decimals.get(column) if isinstance(decimals, Mapping) else decimals
        out[column] = [cell(v, d, missing) for v in frame[column].tolist()]
    return Table(pd.DataFrame(out, columns=list(frame.columns)))
