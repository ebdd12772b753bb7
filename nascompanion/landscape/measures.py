"""The standard fitness-landscape measures of a loss on a space, in one call.

:func:`landscape_measures` gives, for a loss vector on a neighbourhood graph:

- **local minima** under two tie rules: *non-strict* (no neighbour is strictly
  lower; the paper's Table 1 count) and *strict* (lower than every neighbour);
- the **global basin share**: the share of starts from which steepest-descent
  local search (Algorithm 1 of the paper, the tie rule of
  :mod:`nascompanion.landscape.stats`) ends at a global minimum;
- the **fitness-distance correlation** (FDC; Jones and Forrest 1995): Pearson's
  correlation of the loss with the shortest-path distance to the nearest global
  minimum (and Spearman's, for comparison with studies that use it);
- the **random-walk autocorrelation** at lag 1 and the **correlation length**
  ``-1 / ln |rho(1)|`` (Weinberger 1990).

A neighbourhood is a fixed-degree table ``(n, k)`` (NAS-Bench-201's
:func:`~nascompanion.spaces.nb201.neighbour_table`), CSR arrays
``(indptr, indices)`` (NAS-Bench-Graph's
:class:`~nascompanion.spaces.graph_nas.GraphNasSpace`), or an object with either
(``.table``, or ``.indptr`` and ``.indices``); :func:`as_csr` turns each into
CSR arrays. Everything but the random walk is one pass of array operations over
the edges.

References
----------
Jones, T. and Forrest, S. (1995). Fitness distance correlation as a measure of
problem difficulty for genetic algorithms. Proc. 6th Int. Conf. on Genetic
Algorithms, 184-192.

Weinberger, E. (1990). Correlated and uncorrelated fitness landscapes and how to
tell the difference. Biological Cybernetics 63, 325-336.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from nascompanion.landscape.stats import converge, ls_map
from nascompanion.spaces.table import TableSpace

WALKS = 100
"""Default number of random walks."""

WALK_LENGTH = 1000
"""Default length of each random walk: the losses it records, its start included."""


def as_csr(neighbours: Any) -> tuple[np.ndarray, np.ndarray]:
    """The CSR arrays ``(indptr, indices)`` of a neighbourhood given in any accepted form.

    Parameters
    ----------
    neighbours
        A fixed-degree table, shape ``(n, k)`` (row ``v`` lists ``v``'s neighbours;
        entries below 0 are padding and dropped, so a padded variable-degree
        table works too); a pair ``(indptr, indices)``; or an object with
        ``indptr`` and ``indices`` attributes (a
        :class:`~nascompanion.spaces.graph_nas.GraphNasSpace`) or a ``table``
        attribute (a :class:`~nascompanion.spaces.TableSpace`; with ``degrees``
        set, only each row's first ``degrees[v]`` columns are neighbours).

    Returns
    -------
    indptr, indices
        Node ``v``'s neighbours are ``indices[indptr[v]:indptr[v + 1]]``, in the
        given order (a table's row order).

    Examples
    --------
    >>> indptr, indices = as_csr(np.array([[1, 2], [0, -1], [0, -1]]))
    >>> indptr.tolist(), indices.tolist()
    ([0, 2, 3, 4], [1, 2, 0, 0])
    """
    if hasattr(neighbours, "indptr") and hasattr(neighbours, "indices"):
        return _checked(np.asarray(neighbours.indptr), np.asarray(neighbours.indices))
    if isinstance(neighbours, TableSpace) and not neighbours.regular:   # only each row's real neighbours
        keep = neighbours.real_columns(np.arange(neighbours.size))
        return _checked(np.concatenate([[0], np.cumsum(neighbours.degrees)]), neighbours.table[keep])
    if hasattr(neighbours, "table"):
        neighbours = neighbours.table
    if isinstance(neighbours, tuple) and len(neighbours) == 2:
        return _checked(np.asarray(neighbours[0]), np.asarray(neighbours[1]))
    table = np.asarray(neighbours)
    if table.ndim != 2 or not np.issubdtype(table.dtype, np.integer):
        raise ValueError("neighbours must be an (n, k) integer table, a pair (indptr, indices) or a space with "
                         f"either; got an array of shape {table.shape} and dtype {table.dtype}")
    keep = table >= 0
    indptr = np.concatenate([[0], np.cumsum(keep.sum(axis=1))])
    return _checked(indptr, table[keep])


def _checked(indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(indptr, indices)`` as int64 arrays, refused unless well formed and free of self loops."""
    if indptr.ndim != 1 or indices.ndim != 1 or not (np.issubdtype(indptr.dtype, np.integer)
                                                       and np.issubdtype(indices.dtype, np.integer)):
        raise ValueError("indptr and indices must be one-dimensional integer arrays")
    n = indptr.shape[0] - 1
    if n < 1 or indptr[0] != 0 or indptr[-1] != indices.shape[0] or (np.diff(indptr) < 0).any():
        raise ValueError("indptr must be non-decreasing, from 0 to len(indices), with at least one node")
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise ValueError(f"indices must be node numbers in [0, {n})")
    rows = np.repeat(np.arange(n), np.diff(indptr))
    if (rows == indices).any():
        raise ValueError(f"neighbourhood must have no self loops (node {int(rows[rows == indices][0])})")
    return indptr.astype(np.int64), indices.astype(np.int64)


def _check_losses(losses: np.ndarray, n: int) -> np.ndarray:
    losses = np.asarray(losses, dtype=float)
    if losses.shape != (n,) or not np.isfinite(losses).all():
        raise ValueError(f"losses must be {n} finite numbers, one per node; got shape {losses.shape}")
    return losses


def _segments(indptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Positions in ``indices`` of the neighbours of every node in ``nodes``, concatenated."""
    starts, counts = indptr[nodes], indptr[nodes + 1] - indptr[nodes]
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offsets


def local_minima_masks(losses: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-strict and strict local minima: ``loss[v] <= m(v)`` and ``loss[v] < m(v)``, ``m(v)`` the lowest neighbour.

    A node without neighbours is a minimum under both rules.

    Examples
    --------
    >>> loose, strict = local_minima_masks(np.array([1.0, 1.0, 3.0]), np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1]))
    >>> loose.tolist(), strict.tolist()
    ([True, True, False], [False, False, False])
    """
    lowest = np.full(losses.shape[0], np.inf)
    has = np.diff(indptr) > 0
    if has.any():
        lowest[has] = np.minimum.reduceat(losses[indices], indptr[:-1][has])
    return losses <= lowest, losses < lowest


def steepest_descent_map(losses: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """One step of local search from every node on a CSR neighbourhood: :func:`~nascompanion.landscape.stats.ls_map`.

    The best neighbour if it is strictly lower, else the node itself; among equally
    low neighbours the first listed wins, the tie rule of ``ls_map`` on a table.

    Examples
    --------
    >>> steepest_descent_map(np.array([3.0, 2.0, 1.0]), np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1])).tolist()
    [1, 2, 2]
    """
    n = losses.shape[0]
    rows = np.repeat(np.arange(n), np.diff(indptr))
    order = np.lexsort((np.arange(indices.shape[0]), losses[indices], rows))
    has = np.flatnonzero(np.diff(indptr) > 0)
    nxt = np.arange(n)
    best = indices[order[indptr[has]]]
    lower = losses[best] < losses[has]
    nxt[has[lower]] = best[lower]
    return nxt


def global_basin_share(losses: np.ndarray, neighbours: Any) -> float:
    """Share of starts whose steepest-descent local search ends at a global minimum.

    The global minimum is every node with the smallest loss; on a fixed-degree
    table this is :func:`~nascompanion.landscape.landscape_stats`'s
    ``reached_global_pct / 100``, computed with the same ``ls_map`` and ``converge``.

    Examples
    --------
    >>> ring = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])  # 0 - 1 - 2 - 3 - 0
    >>> global_basin_share(np.array([0.0, 2.0, 1.0, 3.0]), ring)
    0.75
    """
    indptr, indices = as_csr(neighbours)
    losses = _check_losses(losses, indptr.shape[0] - 1)
    return _share_reaching_minimum(losses, _descent_map(losses, neighbours, indptr, indices))


def _share_reaching_minimum(losses: np.ndarray, nxt: np.ndarray) -> float:
    """Share of nodes whose ``LS*`` (by ``converge``) has the smallest loss."""
    star, _ = converge(nxt)
    return float(np.mean(losses[star] == losses.min()))


def _descent_map(losses: np.ndarray, neighbours: Any, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """``LS`` of every node: :func:`~nascompanion.landscape.stats.ls_map` on an unpadded table, else the CSR step."""
    table = neighbours.table if hasattr(neighbours, "table") else neighbours
    if isinstance(table, np.ndarray) and table.ndim == 2 and table.size and table.min() >= 0:
        return ls_map(losses, table)
    return steepest_descent_map(losses, indptr, indices)


def distance_to_set(indptr: np.ndarray, indices: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Shortest-path distance (number of moves) from every node to the nearest of ``sources``.

    Breadth-first search from all sources at once, one array step per distance;
    ``-1`` for a node no source reaches.

    Examples
    --------
    >>> distance_to_set(np.array([0, 1, 3, 5, 6, 6]), np.array([1, 0, 2, 1, 3, 2]), np.array([0])).tolist()
    [0, 1, 2, 3, -1]
    """
    n = indptr.shape[0] - 1
    distance = np.full(n, -1, dtype=np.int64)
    frontier = np.unique(np.asarray(sources, dtype=np.int64))
    distance[frontier] = 0
    step = 0
    while frontier.size:
        step += 1
        reached = indices[_segments(indptr, frontier)]
        frontier = np.unique(reached[distance[reached] < 0])
        distance[frontier] = step
    return distance


def fitness_distance_correlation(losses: np.ndarray, distance: np.ndarray) -> float:
    """Pearson correlation of loss and distance over the nodes with a distance (``>= 0``); NaN if either is constant.

    Examples
    --------
    >>> fitness_distance_correlation(np.array([0.0, 1.0, 2.0]), np.array([0, 1, 2]))
    1.0
    """
    keep = distance >= 0
    return _pearson(losses[keep], distance[keep].astype(float))


def rank_fitness_distance_correlation(losses: np.ndarray, distance: np.ndarray) -> float:
    """Spearman's form of :func:`fitness_distance_correlation`: Pearson's correlation of the ranks (ties averaged).

    Unchanged by any strictly increasing transform of the losses.

    Examples
    --------
    >>> rank_fitness_distance_correlation(np.array([0.0, 1.0, 100.0]), np.array([0, 1, 2]))
    1.0
    """
    keep = distance >= 0
    return _pearson(rankdata(losses[keep]), rankdata(distance[keep]))


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's correlation of two equally long vectors; NaN if either is constant."""
    x, y = x - x.mean(), y - y.mean()
    scale = np.sqrt(np.dot(x, x) * np.dot(y, y))
    return float(np.dot(x, y) / scale) if scale > 0 else float("nan")


def random_walks(indptr: np.ndarray, indices: np.ndarray, rng: np.random.Generator, walks: int = WALKS,
                 length: int = WALK_LENGTH) -> np.ndarray:
    """Nodes visited by ``walks`` simple random walks of ``length`` nodes each, shape ``(walks, length)``.

    Each walk starts at the first node of a uniformly drawn directed edge (so with
    probability proportional to the degree: the walk's stationary law, uniform on
    a regular graph) and moves to a uniformly drawn neighbour at every step; all
    walks step together. Draws: ``walks`` integers, then ``length - 1`` rounds of
    ``walks`` uniforms.

    Examples
    --------
    >>> random_walks(np.array([0, 1, 2]), np.array([1, 0]), np.random.default_rng(0), 2, 4).tolist()
    [[1, 0, 1, 0], [1, 0, 1, 0]]
    """
    if walks < 1 or length < 2:
        raise ValueError(f"walks must be >= 1 and length >= 2; got walks={walks}, length={length}")
    if indices.shape[0] == 0:
        raise ValueError("a random walk needs at least one edge; this neighbourhood has none")
    rows = np.repeat(np.arange(indptr.shape[0] - 1), np.diff(indptr))
    degree = np.diff(indptr)
    path = np.empty((walks, length), dtype=np.int64)
    path[:, 0] = rows[rng.integers(indices.shape[0], size=walks)]
    for t in range(1, length):
        here = path[:, t - 1]
        path[:, t] = indices[indptr[here] + (rng.random(walks) * degree[here]).astype(np.int64)]
    return path


def walk_autocorrelation(values: np.ndarray, lag: int = 1) -> float:
    """Weinberger's autocorrelation estimate at ``lag`` from walks ``(walks, length)``; NaN for a constant walk set.

    ``r(s) = sum (f_t - mean)(f_{t+s} - mean) / (number of pairs) / var``, the pairs
    taken within each walk, mean and variance over all values of all walks.

    Examples
    --------
    >>> walk_autocorrelation(np.array([[0.0, 1.0, 0.0, 1.0]]))
    -1.0
    """
    centred = values - values.mean()
    variance = np.mean(centred**2)
    if variance == 0:
        return float("nan")
    return float(np.mean(centred[:, :-lag] * centred[:, lag:]) / variance)


def correlation_length(rho1: float) -> float:
    """Weinberger's correlation length ``-1 / ln |rho(1)|``: 0 for ``rho(1) = 0``, inf for ``|rho(1)| = 1``.

    >>> round(correlation_length(np.exp(-0.5)), 6)
    2.0
    """
    if np.isnan(rho1):
        return float("nan")
    magnitude = abs(rho1)
    if magnitude == 0:
        return 0.0
    if magnitude >= 1:
        return float("inf")
    return float(-1.0 / np.log(magnitude))


@dataclass(frozen=True)
class LandscapeMeasures:
    """The measures of one landscape (:func:`landscape_measures`) and their definitions.

    Attributes
    ----------
    nodes
        Nodes of the space.
    non_strict_minima
        Nodes with no strictly lower neighbour (the paper's Table 1 count).
    strict_minima
        Nodes strictly lower than every neighbour.
    global_minima
        Nodes tied at the smallest loss; together they are the global minimum.
    global_basin_share
        Share of the starts (all nodes) from which steepest descent (move to the
        lowest neighbour while it is strictly lower; ties among neighbours to the
        first listed) ends at a global minimum (:func:`global_basin_share`).
    fdc
        Pearson correlation of the loss with the shortest-path distance to the
        nearest global minimum (Jones and Forrest 1995). Every node tied at the
        minimum is a source of the breadth-first search, at distance 0. With
        losses, FDC near ``+1`` is the easy case (loss falls towards the
        optimum); Jones and Forrest, who maximise fitness, have the sign flipped.
    fdc_rank
        The same with Spearman's rank correlation (ties averaged), the form some
        studies of NAS landscapes report.
    unreachable
        Nodes no global minimum reaches (another component), left out of both FDCs.
    autocorrelation
        ``rho(1)``: the correlation of losses one step apart on simple random walks
        (Weinberger 1990's random-walk autocorrelation, pooled over all walks, each
        started from the walk's stationary law; :func:`random_walks`,
        :func:`walk_autocorrelation`).
    correlation_length
        ``-1 / ln |rho(1)|`` (Weinberger 1990): the distance over which the
        correlation of an AR(1) landscape falls by a factor ``e``.
    walks, walk_length
        Number of random walks and the losses each recorded.
    """

    nodes: int
    non_strict_minima: int
    strict_minima: int
    global_minima: int
    global_basin_share: float
    fdc: float
    fdc_rank: float
    unreachable: int
    autocorrelation: float
    correlation_length: float
    walks: int
    walk_length: int

    def as_dict(self) -> dict[str, float | int]:
        """The measures as a plain dict, in field order."""
        return asdict(self)


def landscape_measures(losses: np.ndarray, neighbours: Any, rng: np.random.Generator, walks: int = WALKS,
                       walk_length: int = WALK_LENGTH) -> LandscapeMeasures:
    """Local minima, global basin share, FDC, lag-1 autocorrelation and correlation length of a loss on a space.

    Parameters
    ----------
    losses
        Loss of every node (lower is better), shape ``(n,)``, finite.
    neighbours
        The neighbourhood, in any form :func:`as_csr` accepts; it should be
        symmetric (every measure here reads it as undirected).
    rng
        Source of the random walks (the only random part).
    walks, walk_length
        Number of random walks and the losses each records, its start included.

    Returns
    -------
    LandscapeMeasures
        Both local-minimum counts, the global basin share, FDC (Pearson and
        Spearman), ``rho(1)`` and the correlation length; each is defined in
        :class:`LandscapeMeasures`.

    Examples
    --------
    >>> cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    >>> m = landscape_measures(np.array([0.0, 1.0, 2.0, 1.0]), cycle, np.random.default_rng(0), 4, 50)
    >>> m.non_strict_minima, m.strict_minima, m.global_basin_share, m.fdc
    (1, 1, 1.0, 1.0)
    """
    indptr, indices = as_csr(neighbours)
    losses = _check_losses(losses, indptr.shape[0] - 1)
    loose, strict = local_minima_masks(losses, indptr, indices)
    best = np.flatnonzero(losses == losses.min())
    distance = distance_to_set(indptr, indices, best)
    path = random_walks(indptr, indices, rng, walks, walk_length)
    rho1 = walk_autocorrelation(losses[path])
    return LandscapeMeasures(
        nodes=int(losses.shape[0]),
        non_strict_minima=int(loose.sum()),
        strict_minima=int(strict.sum()),
        global_minima=int(best.shape[0]),
        global_basin_share=_share_reaching_minimum(losses, _descent_map(losses, neighbours, indptr, indices)),
        fdc=fitness_distance_correlation(losses, distance),
        fdc_rank=rank_fitness_distance_correlation(losses, distance),
        unreachable=int(np.count_nonzero(distance < 0)),
        autocorrelation=rho1,
        correlation_length=correlation_length(rho1),
        walks=walks,
        walk_length=walk_length,
    )
