"""Does a neighbour's loss depend on anything but the current loss? (paper, Sec. 5, footnote 2).

Theorem 5.1 assumes that, given a cell ``v`` with loss ``l(v)``, the loss of each neighbour is drawn
from ``pdf_e(l(v), .)`` and depends on nothing else (footnote 2: "similar to a Markov process"); the
power ``G(x)^s`` also treats the ``s`` neighbours as independent given ``l(v)``. On a fixed landscape
this can be tested: given ``l(v)``, one neighbour's loss should carry no information about the rest
of ``v``'s neighbourhood.

The statistic: for every cell ``v`` and every neighbour ``u`` of it, ``a = l(u)`` and ``b`` = the mean
loss of ``v``'s other ``s - 1`` neighbours. Both are centred on their mean within the quantile bin
of ``l(v)`` (``bins`` bins of equal count), which removes what ``l(v)`` explains; the statistic is
the Pearson correlation of the two residuals over all ``n s`` pairs. Under the assumption it is 0
(up to what is left of ``l(v)`` inside a bin); it moves away from 0 when neighbourhoods share
structure that ``l(v)`` does not capture. Either sign breaks the assumption: on an additive
landscape (a sum of one weight per edge) it is negative, since a cell whose loss is fixed but one of
whose operations is unusually good has, in exchange, better options on its other edges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.report.stats import Interval
from nascompanion.spaces.table import TableSpace, as_neighbour_table


def conditional_residuals(
    losses: np.ndarray, neighbours: TableSpace | np.ndarray, bins: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """Residuals of one neighbour's loss and of the mean of the other neighbours, given the bin of ``l(v)``.

    Parameters
    ----------
    losses
        Loss of every cell, shape ``(n,)``.
    neighbours
        A :class:`~nascompanion.spaces.TableSpace` or its neighbour table ``(n, s)``, ``s >= 2``.
    bins
        Quantile bins of ``l(v)`` (equal counts, ties broken by cell index).

    Returns
    -------
    tuple of numpy.ndarray
        ``(a, b)``, each ``(n, s)``: row ``v``, column ``j`` is for the ``j``-th neighbour of ``v``.

    Raises
    ------
    ValueError
        If ``s < 2`` or ``bins`` is not in ``1..n``.

    Examples
    --------
    >>> clique = np.array([[1, 2], [0, 2], [0, 1]])
    >>> a, b = conditional_residuals(np.array([0.0, 1.0, 2.0]), clique, bins=1)
    >>> a.tolist()[0], b.tolist()[0]
    ([0.0, 1.0], [1.0, 0.0])
    """
    table = as_neighbour_table(neighbours)
    n, s = table.shape
    if s < 2 or not 1 <= bins <= n:
        raise ValueError(f"need degree >= 2 and 1 <= bins <= {n}; got degree {s}, bins={bins}")
    losses = np.asarray(losses, dtype=float)
    one = losses[table]
    others = (one.sum(axis=1, keepdims=True) - one) / (s - 1)
    which = np.empty(n, dtype=np.int64)
    which[np.argsort(losses, kind="stable")] = np.arange(n) * bins // n
    count = np.bincount(which, minlength=bins) * s
    residuals = []
    for values in (one, others):
        centre = np.bincount(which, weights=values.sum(axis=1), minlength=bins) / count
        residuals.append(values - centre[which][:, None])
    return residuals[0], residuals[1]


def _correlation(sums: np.ndarray) -> np.ndarray:
    """Pearson correlation from summed ``(count, a, b, a^2, b^2, a b)`` (last axis)."""
    count, a, b, aa, bb, ab = np.moveaxis(sums, -1, 0)
    cov = ab / count - a * b / count**2
    return cov / np.sqrt((aa / count - (a / count) ** 2) * (bb / count - (b / count) ** 2))


def _per_cell_sums(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([np.full(a.shape[0], float(a.shape[1])), a.sum(1), b.sum(1), (a * a).sum(1), (b * b).sum(1),
                     (a * b).sum(1)], axis=1)


def neighbourhood_correlation(losses: np.ndarray, neighbours: TableSpace | np.ndarray, bins: int = 100) -> float:
    """The statistic of the module: correlation of the two residuals of :func:`conditional_residuals`.

    Examples
    --------
    >>> from nascompanion.spaces.table import hamming_table
    >>> table = hamming_table(3, 4)
    >>> rng = np.random.default_rng(0)
    >>> abs(neighbourhood_correlation(rng.random(64), table, bins=4)) < 0.2
    True
    """
    a, b = conditional_residuals(losses, neighbours, bins)
    return float(_correlation(_per_cell_sums(a, b).sum(axis=0)))


def largest_correlation(
    landscapes: list[np.ndarray],
    neighbours: TableSpace | np.ndarray,
    rng: np.random.Generator,
    bins: int = 100,
    level: float = 0.9,
    resamples: int = 500,
) -> tuple[np.ndarray, Interval]:
    """The statistic on each landscape, and the largest of their sizes with a bootstrap over centre cells.

    Parameters
    ----------
    landscapes
        Loss vectors on the same graph (one per dataset).
    neighbours
        The graph.
    rng
        Source of the resamples (the only randomness used).
    bins
        Quantile bins of ``l(v)``.
    level
        Coverage of the percentile interval.
    resamples
        Bootstrap resamples: the centre cells ``v`` are drawn with replacement, the same draw for
        every landscape, each drawn cell bringing its ``s`` pairs.

    Returns
    -------
    tuple
        Per-landscape statistics (signed) and an :class:`~nascompanion.report.stats.Interval` for the
        largest absolute value among them. Neighbouring centres share cells, so the pairs are not independent and the interval
        is, if anything, too narrow; it covers the choice of cells, not other landscapes.

    Examples
    --------
    >>> from nascompanion.spaces.table import hamming_table
    >>> rng = np.random.default_rng(1)
    >>> each, worst = largest_correlation([rng.random(64), rng.random(64)], hamming_table(3, 4), rng, bins=4, resamples=50)
    >>> each.shape, worst.low <= worst.estimate <= worst.high
    ((2,), True)
    """
    if not 0 < level < 1 or resamples < 1:
        raise ValueError(f"need 0 < level < 1 and resamples >= 1, got level={level}, resamples={resamples}")
    sums = [_per_cell_sums(*conditional_residuals(l, neighbours, bins)) for l in landscapes]
    each = np.array([_correlation(x.sum(axis=0)) for x in sums])
    n = sums[0].shape[0]
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(float)
    resampled = np.max(np.abs(np.stack([_correlation(weights @ x) for x in sums])), axis=0)
    low, high = np.quantile(resampled, [(1 - level) / 2, (1 + level) / 2])
    return each, Interval(float(np.abs(each).max()), float(low), float(high))


def additive_landscape(ops: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A control landscape: the loss of a cell is a sum of one uniform random weight per (edge, operation).

    Parameters
    ----------
    ops
        Operation index of every cell on every edge, shape ``(n, edges)`` (e.g.
        :func:`nascompanion.spaces.nb201.ops_matrix`).
    rng
        Source of the weights.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``. On it a neighbour's loss is the cell's loss plus the change on one edge,
        which depends on the cell's operation there and not on its loss alone: the dependence
        :func:`neighbourhood_correlation` is meant to detect.

    Examples
    --------
    >>> ops = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> f = additive_landscape(ops, np.random.default_rng(0))
    >>> bool(np.isclose(f[0] + f[3], f[1] + f[2]))
    True
    """
    ops = np.asarray(ops, dtype=np.int64)
    if ops.ndim != 2 or ops.min() < 0:
        raise ValueError(f"ops must be a (cells, edges) array of operation indices >= 0, got shape {ops.shape}")
    weights = rng.random((ops.shape[1], int(ops.max()) + 1))
    return weights[np.arange(ops.shape[1])[None, :], ops].sum(axis=1)


def correlation_by_bins(landscapes: dict[str, np.ndarray], neighbours: TableSpace | np.ndarray,
                        bins: tuple[int, ...] = (20, 100, 400)) -> pd.DataFrame:
    """:func:`neighbourhood_correlation` of every landscape under each number of loss bins.

    Returns
    -------
    pandas.DataFrame
        One row per landscape, one column ``"<bins> bins"`` per entry of ``bins``.

    Examples
    --------
    >>> ops = np.array([[a, b] for a in range(3) for b in range(3)])
    >>> table = np.array([[j for j in range(9) if (ops[i] != ops[j]).sum() == 1] for i in range(9)])
    >>> f = additive_landscape(ops, np.random.default_rng(0))
    >>> list(correlation_by_bins({"additive": f}, table, bins=(2, 3)).columns)
    ['2 bins', '3 bins']
    """
    return pd.DataFrame({f"{b} bins": [neighbourhood_correlation(values, neighbours, bins=b) for values in landscapes.values()]
                         for b in bins}, index=list(landscapes))


def control_correlations(ops: np.ndarray, neighbours: TableSpace | np.ndarray, rng: np.random.Generator,
                         count: int = 20, bins: int = 100) -> np.ndarray:
    """:func:`neighbourhood_correlation` on ``count`` additive control landscapes drawn one after another
    from ``rng`` (:func:`additive_landscape`).

    Examples
    --------
    >>> ops = np.array([[a, b] for a in range(3) for b in range(3)])
    >>> table = np.array([[j for j in range(9) if (ops[i] != ops[j]).sum() == 1] for i in range(9)])
    >>> control_correlations(ops, table, np.random.default_rng(0), count=3, bins=2).shape
    (3,)
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count!r}")
    return np.array([neighbourhood_correlation(additive_landscape(ops, rng), neighbours, bins=bins)
                     for _ in range(count)])
