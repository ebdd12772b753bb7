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
from matplotlib.ticker import LogLocator
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


def degree_figure(spaces: Mapping[str, TableSpace], width: float = 8.0, height: float = 3.2,
                  bin_width: int = 4) -> plt.Figure:
    """The share of architectures by number of neighbours (bins of ``bin_width``), one outline per space."""
    fig, ax = plt.subplots(figsize=(width, height))
    most = max(int(space.table.shape[1]) for space in spaces.values())
    edges = np.arange(0, most + bin_width + 1, bin_width)
    for name, space in spaces.items():
        degrees = space.degree_of(np.arange(space.size))
        ax.hist(degrees, bins=edges, weights=np.full(space.size, 100 / space.size), histtype="step", lw=1.6,
                label=name)
    ax.set_xlabel("neighbours of an architecture")
    ax.set_ylabel("architectures (%)")
    ax.legend(loc="upper right")
    return fig


def _plain_log_ticks(axis) -> None:
    """Ticks of a log axis at 1, 2 and 5 of each decade, labelled as plain numbers (0.5, 1, 20), not as powers
    of ten set in maths fonts."""
    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter("{x:g}")
    axis.set_minor_formatter("")


RANDOM_MARKERS = ("x", "+", "1", "2")
"""Markers of the random-loss points, one per space, in the order of the rows."""


def minima_basin_figure(table: pd.DataFrame, width: float = 8.0, height: float = 4.2) -> plt.Figure:
    """Local minima (no strictly lower neighbour) against the share of starts reaching the global minimum,
    one point per landscape of ``table`` (indexed by ``(family, landscape)``), both on log scales; the rows of
    the family ``"random losses"`` are marked per space in the legend instead of named beside the point."""
    fig, ax = plt.subplots(figsize=(width, height))
    minima, basin = table.columns[0], table.columns[2]
    for family, rows in table.groupby(level=0, sort=False):
        if family == "random losses":
            for marker, ((_, space), row) in zip(RANDOM_MARKERS, rows.iterrows()):
                ax.scatter(row[minima], row[basin], s=48, color="0.4", marker=marker, label=f"random losses, {space}")
            continue
        ax.scatter(rows[minima], rows[basin], s=36, label=family, **FAMILY_STYLES.get(family, {}))
        for (_, name), row in rows.iterrows():
            ax.annotate(name, (row[minima], row[basin]), xytext=(4, 3), textcoords="offset points", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_log_ticks(ax.xaxis)
    _plain_log_ticks(ax.yaxis)
    ax.set_xlabel("local minima (no strictly lower neighbour)")
    ax.set_ylabel("starts reaching the global minimum (%)")
    ax.legend(loc="lower left", fontsize=9)
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
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.26), ncol=2)
    return fig
