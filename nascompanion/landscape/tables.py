"""Tables of the landscape chapters as a reader sees them: no index column, fixed decimals, words for headers."""

from __future__ import annotations

import html
import math
from typing import Mapping

import pandas as pd


STATISTICS: Mapping[str, str] = {
    "local_minima": "local minima", "reached_global_pct": "% of starts reaching the global minimum",
    "iterations": "iterations per search", "global_basin_size": "global basin size",
    "minima_at_chance": "local minima at chance", "reached_reference_best_pct": "% reaching the baseline's best",
    "rms_deviation": "RMS deviation", "rank_disagreement": "rank disagreement",
}
"""Words for the statistics' column names, used for a table's headers and for cells that name a statistic."""


def number(value, decimals: int = 2, missing: str = "not measured", integers: bool = True) -> str:
    """``value`` as text: integers as integers (if ``integers``), other numbers with ``decimals`` places, never ``-0.00``.

    Examples
    --------
    >>> number(21.0), number(-0.0004, 3), number(5.749, 1), number(float("nan")), number(True)
    ('21', '0.000', '5.7', 'not measured', 'yes')
    >>> number(1.0, integers=False)
    '1.00'
    """
    if value is None:
        return missing
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, str):
        return STATISTICS.get(value, value)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(value):
        return missing
    if integers and value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


def interval(estimate: float, low: float, high: float, decimals: int = 2) -> str:
    """An estimate with its interval, ``"5.75 [5.71, 5.79]"``.

    Examples
    --------
    >>> interval(5.7512, 5.71, 5.7904)
    '5.75 [5.71, 5.79]'
    >>> interval(-0.01, -0.04, 0.02, decimals=1)
    '0.0 [0.0, 0.0]'
    """
    def text(v: float) -> str:
        out = f"{v:.{decimals}f}"
        return out[1:] if out.startswith("-") and float(out) == 0 else out

    return f"{text(estimate)} [{text(low)}, {text(high)}]"


class Table:
    """A table of text cells shown without an index column, in HTML and as plain text.

    Examples
    --------
    >>> t = Table(pd.DataFrame({"local_minima": [13.0, 54.25]}, index=pd.Index(["a", "b"], name="landscape")))
    >>> print(t)
    landscape local minima
            a        13.00
            b        54.25
    >>> print(Table(pd.DataFrame({"value": [13.0, 54.25]}), index=False, mixed_rows=True))
    value
       13
    54.25
    """

    def __init__(self, frame: pd.DataFrame, decimals: int | Mapping[str, int] = 2, index: bool = True,
                 headers: Mapping[str, str] | None = None, missing: str = "not measured", mixed_rows: bool = False):
        """``mixed_rows``: rows hold different statistics, so each value that is an integer prints as one;
        otherwise a column prints integers only if all its numbers are integers, else every one with decimals."""
        frame = frame.reset_index() if index else frame.copy()
        frame.columns = [" ".join(str(p) for p in c if str(p)) if isinstance(c, tuple) else str(c)
                         for c in frame.columns]
        cells = {}
        for column in frame.columns:
            places = decimals.get(column, 2) if isinstance(decimals, Mapping) else decimals
            numbers = pd.to_numeric(frame[column], errors="coerce").dropna()
            integral = bool((numbers == numbers.round()).all())
            cells[column] = [number(v, places, missing, integers=mixed_rows or integral) for v in frame[column]]
        headers = dict(headers or {})
        self.frame = pd.DataFrame(cells, columns=list(frame.columns)).rename(
            columns=lambda c: headers.get(c, STATISTICS.get(c, c.replace("_", " "))))

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.frame.columns)
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
                       for row in self.frame.itertuples(index=False))
        return (f'<table class="dataframe"><thead><tr style="text-align: right;">{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table>")

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)
