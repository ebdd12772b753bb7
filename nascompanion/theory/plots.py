"""Figures of Sec. 5: theory vs Monte Carlo (Fig. 4.2 right), Eq. 5.3 fits (Fig. 5.1), pair densities (Fig. 5.2).

:func:`figure` and :func:`show` live in :mod:`nascompanion.report.figures` and are re-exported here.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from nascompanion.report.figures import figure, show

__all__ = ["within_eps", "preimage_vs_loss", "histogram_fit", "pair_density", "legend_below", "figure", "show"]


def within_eps(ax, eps: np.ndarray, mean: np.ndarray, se: np.ndarray | None, theory: Mapping[str, np.ndarray],
               title: str = "", measured: str = "simulation", legend: bool = True):
    """Fraction of starts ending within ``eps``: the measured curve (``measured`` names it; a 2 SE band
    unless ``se`` is None) and theory curves (Fig. 4.2, top right); ``legend=False`` leaves the legend
    to :func:`legend_below`."""
    if se is not None:
        ax.fill_between(eps, mean - 2 * se, mean + 2 * se, color="0.8", label=f"{measured} ± 2 SE")
    ax.plot(eps, mean, color="k", lw=1.5, label=measured)
    for (name, curve), style in zip(theory.items(), ["--", ":", "-.", (0, (5, 1)), (0, (1, 3))]):
        ax.plot(eps, curve, ls=style, lw=1.5, label=name)
    ax.set(xlabel=r"$\epsilon$", ylabel=r"fraction with $\ell(LS^*(v)) - \ell(v^*) \leq \epsilon$", title=title)
    if legend:
        ax.legend(loc="lower right")
    return ax


def preimage_vs_loss(ax, centres: np.ndarray, mean: np.ndarray, se: np.ndarray | None, theory: Mapping[str, np.ndarray],
                     grid: np.ndarray, title: str = "", measured: str = "simulation", legend: bool = True):
    """Mean full preimage size vs loss (log scale): the measured means (``measured`` names them; 2 SE
    error bars unless ``se`` is None) and theory (Fig. 4.2, bottom right); ``legend=False`` leaves the
    legend to :func:`legend_below`."""
    if se is None:
        ax.plot(centres, mean, "o", ms=3, color="k", label=measured)
    else:
        ax.errorbar(centres, mean, yerr=2 * se, fmt="o", ms=3, color="k", label=f"{measured} ± 2 SE")
    for (name, curve), style in zip(theory.items(), ["--", ":", "-.", (0, (5, 1))]):
        ax.plot(grid, curve, ls=style, lw=1.5, label=name)
    ax.set(xlabel=r"loss $x$", ylabel=r"$|LS^{-*}(v)|$", yscale="log", title=title)
    if legend:
        ax.legend()
    return ax


def histogram_fit(ax, data: np.ndarray, fits: Mapping[str, object], title: str = "", bins: int = 60):
    """Histogram of normalised losses with fitted Eq. 5.3 densities (Fig. 5.1)."""
    ax.hist(data, bins=bins, range=(0, 1), density=True, color="0.75", label="losses")
    u = np.linspace(0, 1, 400)
    for (name, fit), style in zip(fits.items(), ["-", "--", ":", "-."]):
        ax.plot(u, fit.pdf(u), ls=style, lw=1.5, label=name)
    ax.set(xlabel="normalised validation loss", ylabel="density", title=title)
    ax.legend(loc="upper right")
    return ax


def pair_density(ax, x: np.ndarray, y: np.ndarray, title: str = "", bins: int = 80):
    """2-d histogram of ``(l(v), l(u))`` over neighbouring pairs, log colour (Fig. 5.2)."""
    counts, xe, ye = np.histogram2d(x, y, bins=bins, range=[[0, 1], [0, 1]])
    ax.imshow(np.log1p(counts.T), origin="lower", extent=[0, 1, 0, 1], cmap="viridis", aspect="equal")
    ax.set(xlabel=r"$\ell(v)$", ylabel=r"$\ell(u)$, $u \in N(v)$", title=title)
    return ax


def legend_below(fig, ax, ncols: int = 2):
    """One legend for the whole figure, under its panels, with the entries of ``ax``.

    Parameters
    ----------
    fig
        The figure; drawn with ``bbox_inches="tight"`` the legend stays in the picture.
    ax
        The panel whose lines the legend names (every panel draws the same ones).
    ncols
        Entries a row.

    Returns
    -------
    matplotlib.legend.Legend

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, axes = figure(ncols=2, width=4, height=3)
    >>> _ = axes[0].plot([0, 1], [0, 1], label="simulation")
    >>> legend_below(fig, axes[0]).get_texts()[0].get_text()
    'simulation'
    >>> plt.close(fig)
    """
    handles, labels = ax.get_legend_handles_labels()
    fig.tight_layout()
    return fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=ncols)
