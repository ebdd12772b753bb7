"""Figures of the chapter ``graph_landscapes``: the spaces' degrees, minima against basins, local search's lead.

Examples
--------
>>> import pandas as pd
>>> from nascompanion.spaces.table import cycle_space, hamming_space
>>> fig = degree_figure({"C6": cycle_space(6), "H(2,3)": hamming_space(2, 3)})
>>> len(fig.axes)
1
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nascompanion.report.figures import ALGORITHM_COLOURS
from nascompanion.spaces.table import TableSpace

FAMILY_STYLES: Mapping[str, dict] = {
    "NAS-Bench-Graph": dict(color="tab:blue", marker="o"),
    "NAS-Bench-201": dict(color="tab:red", marker="s"),
    "random losses": dict(color="0.5", marker="x"),
}
"""Colour and marker of each family of landscapes."""


def degree_figure(spaces: Mapping[str, TableSpace], width: float = 8.0, height: float = 3.2) -> plt.Figure:
    """The share of architectures with each number of neighbours, one step line per space."""
    fig, ax = plt.subplots(figsize=(width, height))
    for name, space in spaces.items():
        degrees = np.full(space.size, space.degree) if space.degrees is None else np.asarray(space.degrees)
        counts = np.bincount(degrees)
        shown = np.flatnonzero(counts)
        ax.plot(shown, 100 * counts[shown] / space.size, drawstyle="steps-mid", marker=".", label=name)
    ax.set_xlabel("neighbours of an architecture")
    ax.set_ylabel("architectures (%)")
    ax.set_yscale("log")
    _plain_log_ticks(ax.yaxis)
    ax.legend(loc="upper right")
    return fig


def _plain_log_ticks(axis) -> None:
    """Tick labels of a log axis as plain numbers (0.01, 1, 100), not powers of ten set in maths fonts."""
    axis.set_major_formatter("{x:g}")
    axis.set_minor_formatter("")


def minima_basin_figure(table: pd.DataFrame, width: float = 8.0, height: float = 4.2) -> plt.Figure:
    """Local minima (no strictly lower neighbour) against the share of starts reaching the global minimum,
    one point per landscape of ``table`` (indexed by ``(family, landscape)``), both on log scales."""
    fig, ax = plt.subplots(figsize=(width, height))
    minima, basin = table.columns[0], table.columns[2]
    for family, rows in table.groupby(level=0, sort=False):
        ax.scatter(rows[minima], rows[basin], s=36, label=family, **FAMILY_STYLES.get(family, {}))
        for (_, name), row in rows.iterrows():
            ax.annotate(name, (row[minima], row[basin]), xytext=(4, 3), textcoords="offset points", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_log_ticks(ax.xaxis)
    _plain_log_ticks(ax.yaxis)
    ax.set_xlabel("local minima (no strictly lower neighbour)")
    ax.set_ylabel("starts reaching the global minimum (%)")
    ax.legend(loc="lower left")
    return fig


def lead_figure(gaps: pd.DataFrame, width: float = 8.0, height: float = 4.0) -> plt.Figure:
    """Local search minus each other algorithm (final test error) with its 95 % paired interval, per dataset.

    ``gaps`` has columns ``dataset``, ``other`` (labels), ``difference``, ``low``, ``high``.
    """
    fig, ax = plt.subplots(figsize=(width, height))
    datasets = list(dict.fromkeys(gaps["dataset"]))
    others = list(dict.fromkeys(gaps["other"]))
    step = 0.8 / max(len(others), 1)
    for k, other in enumerate(others):
        rows = gaps[gaps["other"] == other].set_index("dataset").reindex(datasets)
        x = np.arange(len(datasets)) - 0.4 + step * (k + 0.5)
        errors = np.vstack([rows["difference"] - rows["low"], rows["high"] - rows["difference"]])
        ax.errorbar(x, rows["difference"], yerr=errors, fmt="o", ms=4, capsize=2, label=other,
                    color=ALGORITHM_COLOURS.get(other, None))
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xticks(np.arange(len(datasets)), datasets, rotation=30, ha="right")
    ax.set_ylabel("local search minus other\n(final test error, points)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=4)
    return fig
