"""Figures of Sec. 5: theory vs Monte Carlo (Fig. 4.2 right), Eq. 5.3 fits (Fig. 5.1), pair densities (Fig. 5.2).

:func:`figure` and :func:`show` live in :mod:`nascompanion.report.figures` and are re-exported here.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from nascompanion.report.figures import figure, show
from nascompanion.theory.fitting import neighbour_pairs, normalise

__all__ = ["within_eps", "preimage_vs_loss", "histogram_fit", "pair_density", "legend_below", "figure", "show",
           "eq53_fits_figure", "pair_density_figure", "data_within_figure", "data_preimage_figure"]


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


def eq53_fits_figure(raw: Mapping[str, np.ndarray], fits: Mapping[tuple[str, str, str], object],
                     normalisations: tuple[str, ...] = ("percent", "minmax"), methods: tuple[str, ...] = ("mle", "histogram")):
    """The paper's Figure 5.1 on the data: one row per landscape, one column per normalisation, each
    panel the histogram with every fit method's Eq. 5.3 density (legends give each fit's v and sigma).

    Parameters
    ----------
    raw
        Landscape name -> losses (``100 - accuracy``, %).
    fits
        ``(landscape, normalisation, method)`` -> fit (as :func:`nascompanion.theory.fitted_data.fit_grid`).
    """
    fig, axes = figure(ncols=len(normalisations), nrows=len(raw), width=4, height=2.7)
    for row, (name, values) in enumerate(raw.items()):
        for col, how in enumerate(normalisations):
            chosen = {f"{m}: v={fits[(name, how, m)].v:.2f}, σ={fits[(name, how, m)].sigma:.2f}": fits[(name, how, m)]
                      for m in methods}
            histogram_fit(axes[len(normalisations) * row + col], normalise(values, how), chosen, title=f"{name} ({how})")
    for ax in axes:
        ax.set_ylim(top=1.6 * ax.get_ylim()[1])
    for ax in axes[:-len(normalisations)]:
        ax.set_xlabel("")
    fig.tight_layout()
    return fig


def pair_density_figure(norm: Mapping[str, np.ndarray], neighbours: np.ndarray):
    """The paper's Figure 5.2 on the data: the density of neighbouring pairs' losses, one panel per landscape."""
    fig, axes = figure(ncols=len(norm), width=2.7, height=2.9)
    for ax, (name, values) in zip(axes, norm.items()):
        pair_density(ax, *neighbour_pairs(values, neighbours), title=name)
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.tight_layout()
    return fig


def data_within_figure(eps: np.ndarray, points: Mapping[str, float], measured: Mapping[str, tuple],
                       curves: Mapping[tuple[str, str, str], object],
                       kinds: tuple[str, ...] = ("RWA", "centred"), readings: tuple[str, ...] = ("b0=1", "tree")):
    """Fraction of starts within eps (in accuracy points, log axis) per landscape: local search on the data
    against Theorem 5.1 under each local density and reading, with the impossible region above 1 marked.

    Parameters
    ----------
    eps
        Thresholds as fractions of the loss range (the first, 0, is left out of the log axis).
    points
        Loss range of each landscape in accuracy points.
    measured
        Landscape -> ``(minima, within, preimage)`` of local search.
    curves
        ``(landscape, local density, reading)`` -> Theorem 5.1 curves.
    """
    fig, axes = figure(ncols=len(measured), width=2.7, height=3.0)
    for ax, name in zip(axes, measured):
        theory = {f"Thm 5.1, {k}, {r}": curves[(name, k, r)].within(eps[1:]) for k in kinds for r in readings}
        within_eps(ax, eps[1:] * points[name], measured[name][1][1:], None, theory, title=name,
                   measured="local search on the data", legend=False)
        ax.axhline(1, color="0.5", lw=0.8)
        ax.set(xscale="log", ylim=(0, 1.5), xlabel="ε (accuracy points)")
    axes[0].set_ylabel("fraction of starts within ε")
    for ax in axes[1:]:
        ax.set_ylabel("")
    legend_below(fig, axes[0], ncols=2)
    return fig


def data_preimage_figure(edges: np.ndarray, measured: Mapping[str, tuple], curves: Mapping[tuple[str, str, str], object],
                         kinds: tuple[str, ...] = ("RWA", "centred"), readings: tuple[str, ...] = ("b0=1", "tree")):
    """Mean full preimage per loss bin on the data (dots, log scale) against Lemma 5.2 with the fitted
    densities (lines), one panel per landscape."""
    fig, axes = figure(ncols=len(measured), width=2.7, height=3.0)
    centres = 0.5 * (edges[1:] + edges[:-1])
    for ax, name in zip(axes, measured):
        theory = {f"Lemma 5.2, {k}, {r}": curves[(name, k, r)].full_preimage for k in kinds for r in readings}
        preimage_vs_loss(ax, centres, measured[name][2][-1], None, theory, curves[(name, kinds[0], readings[-1])].grid,
                         title=name, measured="local search on the data", legend=False)
        ax.set_xlim(0, 0.6)
    for ax in axes[1:]:
        ax.set_ylabel("")
    legend_below(fig, axes[0], ncols=2)
    return fig
