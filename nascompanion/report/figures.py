"""Figure helpers and colours the chapters share."""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np

ALGORITHM_COLOURS: Mapping[str, str] = {
    "local_search": "tab:red", "local search": "tab:red",
    "random_search": "tab:gray", "random search": "tab:gray",
    "evolution": "tab:green", "regularized evolution": "tab:green",
    "bo": "tab:blue", "ANASOD-BO": "tab:blue",
    "bananas": "tab:orange", "ANASOD-LS": "tab:orange",
    "ANASOD-RS": "tab:olive", "ANASOD-biasedRS": "tab:purple",
}
"""One colour per search algorithm, under its code name and its label."""

SIMULATION_COLOUR = "k"
"""Measured or simulated curves, against which theory is drawn."""

BAND_COLOUR = "0.8"
"""Error bands around a simulated curve."""

LINE_STYLES: tuple = ("--", ":", "-.", (0, (5, 1)), (0, (1, 3)))
"""Line styles for the competing predictions of one panel, in order."""


def figure(ncols: int = 2, nrows: int = 1, width: float = 5.0, height: float = 4.0) -> tuple[plt.Figure, np.ndarray]:
    """A new figure with ``nrows x ncols`` axes of ``width x height`` inches each.

    Returns
    -------
    fig, axes
        The figure and its axes as a flat array, row by row.

    Examples
    --------
    >>> fig, axes = figure(ncols=3)
    >>> axes.shape, fig.get_size_inches().tolist()
    ((3,), [15.0, 4.0])
    >>> plt.close(fig)
    """
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    return fig, axes.ravel()


def show(fig: plt.Figure, path: str | None = None) -> None:
    """Display ``fig`` once (under the Agg backend too), optionally save it to ``path``, and close it."""
    from IPython.display import display

    if path is not None:
        fig.savefig(path, dpi=100, bbox_inches="tight")
    display(fig)
    plt.close(fig)


def glue_figure(name: str, fig: plt.Figure) -> None:
    """Record ``fig`` under ``name`` for a captioned ``{glue:figure}`` directive, and close it.

    The figure is stored, not shown where the cell runs: the chapter places it, with its caption,
    where the directive stands.
    """
    from nascompanion.book.notebook import glue

    glue(name, fig, display=False)
    plt.close(fig)


def curve_panels(panels: Mapping[str, Mapping[str, np.ndarray]], labels: Mapping[str, str] | None = None,
                 ncols: int | None = None, start: int = 10, span: int = 40, panel_width: float = 5.2,
                 ylabel: str = "test error of best-by-validation (%)", legend_title: str = "algorithm (trials)",
                 legend_size: float = 8) -> plt.Figure:
    """Best-so-far curves, mean ± 1 standard error over trials, one panel per setting, one line per search.

    Parameters
    ----------
    panels
        Panel title -> {search name -> curves of shape ``(trials, queries)``}.
    labels
        Reader's name of each search (default: the name itself); colours follow
        :data:`ALGORITHM_COLOURS`.
    ncols
        Panels per row (default: all in one row).
    start, span
        Curves are drawn from query ``start``; the y-axis runs from the lowest
        final mean (less 3 s.e.) to the highest mean ``span`` queries after ``start``.
    """
    from nascompanion.report.stats import mean_sem

    ncols = ncols or len(panels)
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_width * ncols, 3.4 * nrows), squeeze=False,
                             constrained_layout=True)
    for ax, (title, results) in zip(axes.ravel(), panels.items()):
        lows, highs = [], []
        for name, curves in results.items():
            mean, sem = mean_sem(curves)
            q = np.arange(1, mean.size + 1)
            colour = ALGORITHM_COLOURS.get(name)
            label = labels[name] if labels else name
            ax.plot(q[start:], mean[start:], color=colour, label=f"{label} ({curves.shape[0]})")
            ax.fill_between(q[start:], (mean - sem)[start:], (mean + sem)[start:], color=colour, alpha=0.2)
            lows.append(mean[-1] - 3 * sem[-1])
            highs.append(mean[min(start + span, mean.size - 1)])
        ax.set_ylim(min(lows), max(highs))
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("queries")
        ax.set_ylabel(ylabel)
    for ax in axes.ravel()[len(panels):]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=legend_size, title=legend_title, title_fontsize=legend_size)
    return fig
