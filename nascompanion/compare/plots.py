"""Figures of the NAS comparison: best-so-far curves and the noise sweep."""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML

from nascompanion.compare.run import LABELS
from nascompanion.report.figures import ALGORITHM_COLOURS as COLOURS
from nascompanion.report.figures import curve_panels

SAME_COLOUR = {"evolution_requery": "evolution", "local_search_restart": "local_search"}
"""Variants drawn in the colour of the algorithm they vary, where that algorithm is not in the same panel."""


def _coloured(results: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """``results`` keyed so that a variant takes its algorithm's colour, and the labels for those keys."""
    keyed, labels = {}, {}
    for name, curves in results.items():
        key = SAME_COLOUR.get(name, name)
        key = name if key != name and key in results else key
        keyed[key], labels[key] = curves, LABELS[name]
    return keyed, labels


def curves_figure(panels: dict[str, dict[str, np.ndarray]], ncols: int = 2, start: int = 10,
                  panel_width: float = 3.9) -> plt.Figure:
    """Mean best-so-far test error vs queries, with standard-error bands; one panel per setting.

    One legend for all panels stands below them; at the default width the figure fits the book's
    column, so its text shows at its own size.
    """
    keyed = {title: _coloured(results) for title, results in panels.items()}
    labels: dict[str, str] = {}
    for _, names in keyed.values():
        for key, label in names.items():
            if labels.setdefault(key, label) != label:
                raise ValueError(f"panels draw {labels[key]!r} and {label!r} in one colour; give them one panel each")
    fig = curve_panels({title: results for title, (results, _) in keyed.items()}, labels=labels, ncols=ncols,
                       start=start, panel_width=panel_width, ylabel="test error (%)", legend_size=9)
    axes = [ax for ax in fig.axes if ax.has_data()]
    axes[0].get_legend().remove()
    _legend_below(fig, axes, title="algorithm (trials)")
    return fig


def sweep_figure(final: pd.DataFrame, panel_width: float = 2.6, height: float = 3.2) -> plt.Figure:
    """Final test error (mean ± sem) of every algorithm against the noise multiplier x, per dataset.

    The panels share one legend, below them, so that no curve hides behind it; the default size
    keeps the figure inside the book's column, where its text shows at its own size.
    """
    datasets = list(dict.fromkeys(final["dataset"]))
    fig, axes = plt.subplots(1, len(datasets), figsize=(panel_width * len(datasets), height), squeeze=False,
                             constrained_layout=True)
    for ax, dataset in zip(axes[0], datasets):
        part = final[final["dataset"] == dataset]
        for algorithm, rows in part.groupby("algorithm", sort=False):
            ax.errorbar(rows["x"], rows["mean"], yerr=rows["sem"], color=COLOURS[SAME_COLOUR.get(algorithm, algorithm)],
                        marker="o", ms=3, capsize=2, label=LABELS[algorithm])
        ax.set_title(dataset, fontsize=10)
        ax.set_xlabel("noise multiplier x")
    axes[0, 0].set_ylabel("final test error (%)")
    _legend_below(fig, axes[0])
    return fig


def _legend_below(fig: plt.Figure, axes, title: str | None = None) -> None:
    """One legend for all ``axes``, centred below them (each label once)."""
    handles: dict[str, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncols=min(3, len(handles)),
               title=title)


def reader_table(frame: pd.DataFrame, decimals: int | Mapping[str, int] = 2, missing: str = "not run",
                 index: bool = True, intervals: Mapping[str, tuple[str, str]] | None = None,
                 names: Mapping[str, str] | None = None) -> HTML:
    """``frame`` as a table for a reader: no index column, integers as integers, fixed decimals.

    Parameters
    ----------
    frame
        The table; a named or meaningful index becomes ordinary columns unless ``index`` is False.
    decimals
        Decimals of every float column, or per column (others: 2).
    missing
        The words a missing value shows as.
    index
        Whether to keep the index as leading columns.
    intervals
        Column -> (its low column, its high column): the three show as one column,
        ``"5.75 [5.71, 5.79]"``, headed ``"column [interval]"``.
    names
        New headers for columns, in words (applied last).

    Returns
    -------
    IPython.display.HTML
        The table as HTML, without pandas' index column.

    Examples
    --------
    >>> t = pd.DataFrame({"runs": [3.0, 4.0], "error": [0.5, np.nan]}, index=pd.Index(["a", "b"], name="setting"))
    >>> body = reader_table(t).data.split("<tbody>")[1]
    >>> [cell.split("</td>")[0] for cell in body.split("<td>")[1:]]
    ['a', '3', '0.50', 'b', '4', 'not run']
    >>> g = pd.DataFrame({"gap": [-0.0001], "low": [-0.31], "high": [0.2]})
    >>> body = reader_table(g, index=False, intervals={"gap": ("low", "high")}).data
    >>> body.split("<td>")[1].split("</td>")[0], "gap [interval]" in body
    ('0.00 [-0.31, 0.20]', True)
    """
    shown = frame.reset_index() if index else frame.reset_index(drop=True)
    shown.columns = [" ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in shown.columns]
    out = pd.DataFrame(index=shown.index)
    ends = {end: column for column, pair in (intervals or {}).items() for end in pair}
    for column in shown.columns:
        if column in ends:
            continue
        places = decimals.get(column, 2) if isinstance(decimals, Mapping) else decimals
        values = pd.to_numeric(shown[column], errors="coerce")
        whole = values.notna().any() and shown[column].map(lambda v: isinstance(v, (float, np.floating))).all() \
            and bool(np.all(np.mod(values.dropna(), 1) == 0))
        cells = [_cell(int(v) if whole and not pd.isna(v) else v, places, missing) for v in shown[column]]
        if intervals and column in intervals:
            low, high = intervals[column]
            cells = [f"{c} [{_cell(lo, places, missing)}, {_cell(hi, places, missing)}]"
                     for c, lo, hi in zip(cells, shown[low], shown[high])]
            column = f"{column} [interval]"
        out[column] = cells
    out = out.rename(columns=dict(names or {}))
    return HTML(out.to_html(index=False, escape=True, border=0, classes="dataframe reader-table"))


def _cell(value, places: int, missing: str) -> str:
    """One cell as a reader reads it."""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if value is None or (isinstance(value, (float, np.floating)) and np.isnan(value)):
        return missing
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,d}"
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.{places}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    return str(value)
