"""Monte Carlo of local search on a fixed graph with random losses (paper, Sec. 5, Fig. 4.2).

What is simulated, honestly: losses are drawn **independently** from ``pdf_n``
(uniform for Lemma 5.3), so the local density is ``pdf_e(x, y) = pdf_n(y)``,
the one case where "draw every node from ``pdf_n`` and every neighbour from
``pdf_e``" is consistent on a graph with cycles. A local, ``x``-dependent
``pdf_e`` cannot be imposed edge by edge on :math:`(K_5)^6` (every node is the
neighbour of 24 others); :func:`smoothed_losses` gives correlated neighbours by a
Gaussian-copula construction instead, whose pair density is measured, not assumed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from nascompanion.spaces.table import TableSpace, as_neighbour_table

from nascompanion.landscape import converge, ls_map, preimage_counts
from nascompanion.report.stats import Interval, resampled_interval

Quantile = Callable[[np.ndarray], np.ndarray]


def truncnorm_quantile(v: float, sigma: float) -> Quantile:
    """Inverse CDF of Eq. 5.3's truncated normal (mean ``v``, std ``sigma``, on ``[0, 1]``)."""
    lo, hi = ndtr(-v / sigma), ndtr((1 - v) / sigma)
    return lambda p: np.clip(v + sigma * ndtri(lo + np.asarray(p) * (hi - lo)), 0.0, 1.0)


def iid_losses(n: int, rng: np.random.Generator, quantile: Quantile | None = None) -> np.ndarray:
    """``n`` independent losses from ``pdf_n`` (uniform on ``[0, 1]`` if ``quantile`` is None)."""
    u = rng.random(n)
    return u if quantile is None else quantile(u)


def smoothed_losses(
    neighbours: TableSpace | np.ndarray,
    rng: np.random.Generator,
    weight: float,
    quantile: Quantile | None = None,
    steps: int = 1,
) -> np.ndarray:
    """Locally correlated losses with marginal ``pdf_n`` (Gaussian copula).

    ``z`` starts iid normal; ``steps`` times ``z <- z + weight * mean(z over N(v))``;
    then ``z`` is standardised, mapped through the normal CDF and ``quantile``.
    ``weight = 0`` gives iid losses.

    Raises
    ------
    ValueError
        If smoothing leaves every value equal (on a clique, ``weight`` equal to the degree
        replaces each value by the sum over the clique), so no marginal can be imposed.

    Notes
    -----
    A stand-in for a local ``pdf_e`` (paper, Sec. 5): the marginal is ``pdf_n``
    (up to the empirical standardisation), the neighbour correlation grows with
    ``weight`` and ``steps``, but the pair density is whatever the construction
    gives; measure it before comparing.
    """
    table = as_neighbour_table(neighbours, padded=True)
    mean_of_neighbours = _neighbour_mean(neighbours)
    z = rng.standard_normal(table.shape[0])
    for _ in range(steps if weight else 0):
        z = z + weight * mean_of_neighbours(z)
    spread = z.std()
    if not spread > 1e-9 * max(1.0, float(np.abs(z).max())):
        raise ValueError(
            f"weight={weight} makes every smoothed loss equal on this graph (degree {table.shape[1]}, "
            f"{table.shape[0]} nodes); choose another weight (on a clique, any but the degree)"
        )
    u = ndtr((z - z.mean()) / spread)
    return u if quantile is None else quantile(u)


def _neighbour_mean(neighbours: TableSpace | np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``z -> `` the mean of ``z`` over each node's neighbours (a variable-degree space: its real ones)."""
    if isinstance(neighbours, TableSpace) and not neighbours.regular:
        rows, cols = neighbours.pairs()
        degrees = neighbours.degrees
        return lambda z: np.bincount(rows, weights=z[cols], minlength=degrees.shape[0]) / degrees
    table = as_neighbour_table(neighbours)
    return lambda z: z[table].mean(axis=1)


def neighbour_correlation(losses: np.ndarray, neighbours: TableSpace | np.ndarray) -> float:
    """Pearson correlation of ``(l(v), l(u))`` over all neighbouring pairs (RWA at lag 1); in a
    variable-degree space over its real pairs, each once per direction."""
    if isinstance(neighbours, TableSpace) and not neighbours.regular:
        rows, cols = neighbours.pairs()
        return float(np.corrcoef(losses[rows], losses[cols])[0, 1])
    table = as_neighbour_table(neighbours)
    return float(np.corrcoef(np.repeat(losses, table.shape[1]), losses[table].ravel())[0, 1])


@dataclass(frozen=True)
class MonteCarlo:
    """Per-draw statistics of local search from every start.

    Attributes
    ----------
    minima
        Number of local minima per draw, shape ``(draws,)``.
    eps
        Thresholds.
    within
        Fraction of starts with ``l(LS*(v)) - ref <= eps``, shape ``(draws, len(eps))``.
    bin_edges
        Loss bins for the preimage curves.
    preimage
        Mean ``|LS^{-k}(v)|`` of nodes in each loss bin, ``k = 1..k_max`` then
        the full ``|LS^{-*}(v)|`` last; shape ``(draws, k_max + 1, bins)``, NaN
        for an empty bin.
    n
        Nodes.
    """

    minima: np.ndarray
    eps: np.ndarray
    within: np.ndarray
    bin_edges: np.ndarray
    preimage: np.ndarray
    n: int

    @staticmethod
    def _mean_se(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        count = np.sum(~np.isnan(values), axis=0)
        mean = np.nanmean(values, axis=0)
        sd = np.nanstd(values, axis=0, ddof=1) if values.shape[0] > 1 else np.full(mean.shape, np.nan)
        return mean, sd / np.sqrt(np.maximum(count, 1))

    def minima_mean_se(self) -> tuple[float, float]:
        """Mean number of local minima and its standard error."""
        mean, se = self._mean_se(self.minima[:, None].astype(float))
        return float(mean[0]), float(se[0])

    def within_mean_se(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean fraction within each ``eps`` and its standard error."""
        return self._mean_se(self.within)

    def preimage_mean_se(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean preimage size per ``(k, bin)`` and its standard error over draws."""
        return self._mean_se(self.preimage)

    @property
    def bin_centres(self) -> np.ndarray:
        """Centre of each loss bin."""
        return 0.5 * (self.bin_edges[1:] + self.bin_edges[:-1])


def _binned_means(values: np.ndarray, which: np.ndarray, bins: int) -> np.ndarray:
    counts = np.bincount(which, minlength=bins)[:bins]
    sums = np.stack([np.bincount(which, weights=row, minlength=bins)[:bins] for row in values])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def one_draw(
    losses: np.ndarray, neighbours: TableSpace | np.ndarray, eps: np.ndarray, bin_edges: np.ndarray, k_max: int, reference: str
) -> tuple[int, np.ndarray, np.ndarray]:
    """Local minima, fractions within ``eps`` and binned preimage sizes for one loss vector."""
    nxt = ls_map(losses, neighbours)
    star, steps = converge(nxt)
    depth = max(int(steps.max()), k_max)
    counts = preimage_counts(nxt, depth)
    rows = np.vstack([counts[1 : k_max + 1], counts.sum(axis=0)[None, :]])
    ref = losses.min() if reference == "global" else 0.0
    gap = np.sort(losses[star] - ref)
    within = np.searchsorted(gap, eps, side="right") / losses.size
    which = np.clip(np.searchsorted(bin_edges, losses, side="right") - 1, 0, bin_edges.size - 2)
    return int(np.count_nonzero(nxt == np.arange(losses.size))), within, _binned_means(rows, which, bin_edges.size - 1)


def simulate(
    neighbours: TableSpace | np.ndarray,
    rng: np.random.Generator,
    draws: int,
    eps: np.ndarray | None = None,
    bins: int = 40,
    k_max: int = 5,
    sampler: Callable[[np.random.Generator], np.ndarray] | None = None,
    reference: str = "global",
) -> MonteCarlo:
    """Run local search from every node for ``draws`` independent loss vectors.

    Parameters
    ----------
    neighbours
        A :class:`~nascompanion.spaces.TableSpace` or its neighbour table ``(n, s)``.
    rng
        Source of randomness.
    draws
        Number of loss vectors.
    eps
        Thresholds; default 101 values on ``[0, 1]``.
    bins
        Loss bins on ``[0, 1]`` for the preimage curves.
    k_max
        Deepest single preimage ``|LS^{-k}|`` recorded (the full one always is).
    sampler
        ``sampler(rng) -> losses``; default iid uniform (Lemma 5.3).
    reference
        ``"global"``: ``eps`` is measured from the drawn global minimum, as in
        Theorem 5.1; ``"zero"``: from 0, the bottom of the support (what the
        proof integrates from).

    Returns
    -------
    MonteCarlo

    Examples
    --------
    >>> from nascompanion.theory.graph_facts import clique_table
    >>> mc = simulate(clique_table(5), np.random.default_rng(0), draws=3)
    >>> mc.minima.tolist()
    [1, 1, 1]
    """
    if reference not in ("global", "zero"):
        raise ValueError(f"unknown reference {reference!r}; allowed: 'global', 'zero'")
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws}")
    table = as_neighbour_table(neighbours, padded=True)   # local search reads a row's minimum only
    eps = np.linspace(0, 1, 101) if eps is None else np.asarray(eps, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    sampler = sampler or (lambda r: iid_losses(table.shape[0], r))
    minima, within, pre = [], [], []
    for _ in range(draws):
        m, w, p = one_draw(sampler(rng), table, eps, edges, k_max, reference)
        minima.append(m)
        within.append(w)
        pre.append(p)
    return MonteCarlo(np.asarray(minima), eps, np.asarray(within), edges, np.asarray(pre), table.shape[0])


def closest_curve_error(
    values: np.ndarray,
    curves: np.ndarray,
    rng: np.random.Generator,
    relative: bool = False,
    level: float = 0.9,
    resamples: int = 500,
) -> Interval:
    """Largest gap between the closest of ``curves`` and the mean over draws, with a bootstrap over draws.

    Parameters
    ----------
    values
        Per-draw measurements, shape ``(draws, points)`` (NaN where a draw has none).
    curves
        Predictions at the same points, shape ``(readings, points)`` or ``(points,)``.
    rng
        Source of the resamples (the only randomness used).
    relative
        Gap ``|curve / mean - 1|`` instead of ``|curve - mean|``.
    level
        Coverage of the percentile interval.
    resamples
        Bootstrap resamples of the draws.

    Returns
    -------
    Interval
        Estimate ``min over curves of max over points`` of the gap, and its percentile interval
        when the draws are resampled with replacement (the randomness of the simulation).

    Raises
    ------
    ValueError
        If the shapes do not match or there are fewer than two draws.

    Examples
    --------
    >>> values = np.array([[0.0, 1.0], [0.2, 1.2], [0.1, 1.1]])
    >>> i = closest_curve_error(values, np.array([[0.1, 1.0], [0.5, 0.5]]), np.random.default_rng(0), resamples=50)
    >>> round(i.estimate, 2), i.low <= i.estimate <= i.high
    (0.1, True)
    """
    values = np.asarray(values, dtype=float)
    curves = np.atleast_2d(np.asarray(curves, dtype=float))
    if values.ndim != 2 or values.shape[0] < 2 or curves.shape[1] != values.shape[1]:
        raise ValueError(f"need values (draws >= 2, points) and curves (readings, points); got {values.shape}, {curves.shape}")

    def statistic(rows: np.ndarray) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(values[rows], axis=0)
            gap = np.abs(curves / mean - 1) if relative else np.abs(curves - mean)
        return float(np.min(np.nanmax(gap, axis=1)))

    low, high = resampled_interval(statistic, values.shape[0], rng, resamples, level)
    return Interval(statistic(np.arange(values.shape[0])), low, high)


ERROR_COLUMNS: tuple[str, ...] = ("max |error|", "error at eps=0.01", "error at eps=0.05", "error at eps=1")
"""Columns of :func:`reading_errors`."""


def reading_errors(curves: dict[str, np.ndarray], mean: np.ndarray, eps: np.ndarray) -> pd.DataFrame:
    """How far each predicted curve lies from the simulated mean: the largest size of the error over
    ``eps``, and the signed error at ``eps`` = 0.01, 0.05 and 1.

    Parameters
    ----------
    curves
        Prediction name -> fraction of starts within each ``eps``.
    mean
        The simulated mean fraction at each ``eps``.
    eps
        The thresholds (must contain 0.01, 0.05 and 1).

    Returns
    -------
    pandas.DataFrame
        One row per prediction, columns :data:`ERROR_COLUMNS`.

    Examples
    --------
    >>> eps = np.linspace(0, 1, 101)
    >>> errors = reading_errors({"flat": np.full(101, 0.5)}, eps, eps)
    >>> errors.loc["flat"].round(2).tolist()
    [0.5, 0.49, 0.45, -0.5]
    """
    eps = np.asarray(eps, dtype=float)
    at = [int(np.flatnonzero(np.isclose(eps, e))[0]) for e in (0.01, 0.05, 1.0)]
    rows = {name: [np.abs(curve - mean).max(), *(curve - mean)[at]] for name, curve in curves.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(ERROR_COLUMNS))


def closest_curve_errors(values: np.ndarray, curves: dict[str, np.ndarray], rng: np.random.Generator,
                         resamples: int = 500) -> dict[str, Interval]:
    """:func:`closest_curve_error` of each named curve in turn, all on one stream ``rng``.

    Examples
    --------
    >>> values = np.array([[0.0, 1.0], [0.2, 1.2], [0.1, 1.1]])
    >>> errors = closest_curve_errors(values, {"a": np.array([0.1, 1.1])}, np.random.default_rng(0), resamples=20)
    >>> list(errors), round(errors["a"].estimate, 6)
    (['a'], 0.0)
    """
    return {name: closest_curve_error(values, curve, rng, resamples=resamples) for name, curve in curves.items()}
