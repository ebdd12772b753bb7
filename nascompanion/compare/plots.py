"""Figures of the NAS comparison: best-so-far curves and the noise sweep."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nascompanion.compare.run import LABELS
from nascompanion.report.figures import ALGORITHM_COLOURS as COLOURS
from nascompanion.report.figures import curve_panels, shared_legend

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
    shared_legend(fig, axes, title="algorithm (trials)")
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
    shared_legend(fig, axes[0])
    return fig
