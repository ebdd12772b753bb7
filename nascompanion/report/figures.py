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
