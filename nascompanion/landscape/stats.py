"""Loss-landscape statistics for every start at once (paper, Sec. 3-4, Table 1).

Notation follows Sec. 3: ``LS(v)`` is one step of Algorithm 1 from ``v`` (the
best neighbour, if strictly better), ``LS*(v)`` the local minimum it converges
to, and ``LS^{-*}(v)`` the full preimage (basin) of ``v``.

Tie rule: among equally good best neighbours, LS moves to the one that comes
first in the neighbour table's row order; a neighbour with the SAME loss as ``v``
is not an improvement, so such a ``v`` is a local minimum. The global minimum is
the set of all cells with the smallest loss; a start "reaches the global
minimum" when its LS* is in that set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Mapping

import numpy as np

from nascompanion.spaces.table import TableSpace, as_neighbour_table


def ls_map(losses: np.ndarray, neighbours: TableSpace | np.ndarray) -> np.ndarray:
    """One step of local search from every node: ``LS(v)``, or ``v`` itself at a local minimum.

    Parameters
    ----------
    losses
        Loss of every node, shape ``(n,)``.
    neighbours
        A :class:`~nascompanion.spaces.TableSpace` (of fixed or variable degree) or its neighbour table,
        shape ``(n, s)``.

    Returns
    -------
    numpy.ndarray
        ``nxt[v]`` = the best neighbour of ``v`` if its loss is strictly lower
        than ``losses[v]``, else ``v``.

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 1]])  # 0 - 1 - 2
    >>> ls_map(np.array([3.0, 2.0, 1.0]), path).tolist()
    [1, 2, 2]
    """
    losses = np.asarray(losses, dtype=float)
    neighbours = as_neighbour_table(neighbours, padded=True)   # a row's repeats change no minimum
    if losses.ndim != 1 or neighbours.ndim != 2 or neighbours.shape[0] != losses.shape[0]:
        raise ValueError(
            f"losses must be (n,) and neighbours (n, s) with the same n; got {losses.shape} and {neighbours.shape}"
        )
    if np.isnan(losses).any():
        raise ValueError(f"losses contain {int(np.isnan(losses).sum())} NaN values")
    if neighbours.size and (neighbours.min() < 0 or neighbours.max() >= losses.shape[0]):
        raise ValueError(f"the neighbour table refers to nodes outside 0..{losses.shape[0] - 1}")
    nb_losses = losses[neighbours]
    best = np.argmin(nb_losses, axis=1)
    rows = np.arange(losses.shape[0])
    improves = nb_losses[rows, best] < losses
    return np.where(improves, neighbours[rows, best], rows)


RULES = ("non-strict", "strict")
"""Tie rules of a local minimum: no strictly lower neighbour, or strictly lower than every neighbour."""


def local_minima(losses: np.ndarray, space: TableSpace | np.ndarray, rule: str = "non-strict") -> np.ndarray:
    """Boolean mask of the local minima of ``losses`` under ``rule`` (one of :data:`RULES`).

    ``"non-strict"`` (the paper's, and :func:`ls_map`'s): no neighbour is strictly lower, so ``LS(v) = v``.
    ``"strict"``: ``v`` is strictly lower than every neighbour. They differ only where ``v`` ties its
    lowest neighbour. A variable-degree space's repeated neighbours change neither.

    Examples
    --------
    >>> from nascompanion.spaces import TableSpace
    >>> path = TableSpace.from_csr(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1]))   # 0 - 1 - 2
    >>> loss = np.array([1.0, 1.0, 3.0])
    >>> local_minima(loss, path).tolist(), local_minima(loss, path, "strict").tolist()
    ([True, True, False], [False, False, False])
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}; got {rule!r}")
    losses = np.asarray(losses, dtype=float)
    if not isinstance(space, TableSpace):
        space = TableSpace(as_neighbour_table(space), name="neighbours")
    if losses.shape != (space.size,) or np.isnan(losses).any():
        raise ValueError(f"losses must be {space.size} numbers without NaN, got shape {losses.shape}")
    lowest = losses[space.table].min(axis=1, initial=np.inf)
    return losses <= lowest if rule == "non-strict" else losses < lowest


def converge(nxt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``LS*`` and the number of LS steps from every node, by pointer jumping.

    Parameters
    ----------
    nxt
        Output of :func:`ls_map`.

    Returns
    -------
    ls_star, steps
        The local minimum each node converges to, and how many moves it takes
        (0 for a local minimum). ``O(n log depth)`` work.
    """
    jump = np.asarray(nxt).copy()
    steps = (jump != np.arange(jump.shape[0])).astype(np.int64)
    while True:
        further = jump[jump]
        if np.array_equal(further, jump):
            return jump, steps
        steps = steps + steps[jump]
        jump = further


def preimage_counts(nxt: np.ndarray, k_max: int) -> np.ndarray:
    """``|LS^{-k}(v)|`` for ``k = 0..k_max`` and every node ``v``.

    ``LS^{-k}(v)`` is the set of nodes that are exactly ``k`` moves away from
    ``v`` along local search (``LS`` of a local minimum is empty, so no node
    reaches a minimum "again" by standing still).

    Returns
    -------
    numpy.ndarray
        Shape ``(k_max + 1, n)``; row 0 is all ones.
    """
    n = nxt.shape[0]
    moving = nxt != np.arange(n)
    position = np.arange(n)
    alive = np.ones(n, dtype=bool)
    counts = np.zeros((k_max + 1, n), dtype=np.int64)
    counts[0] = 1
    for k in range(1, k_max + 1):
        alive &= moving[position]
        position = nxt[position]
        counts[k] = np.bincount(position[alive], minlength=n)
    return counts


def preimage_sizes(nxt: np.ndarray) -> np.ndarray:
    """``|LS^{-*}(v)|`` for every node ``v``: the starts whose local search passes through ``v``, ``v`` included.

    Parameters
    ----------
    nxt
        Output of :func:`ls_map`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, integers ``>= 1``; at a local minimum it is the size of the minimum's basin.

    Notes
    -----
    The full preimage of Sec. 3 of the paper. Sizes are accumulated from the deepest nodes
    towards the minima, ``O(n * depth)``.

    Examples
    --------
    >>> preimage_sizes(np.array([1, 2, 2, 2])).tolist()  # 0 -> 1 -> 2 <- 3
    [1, 2, 4, 1]
    """
    nxt = np.asarray(nxt)
    _, steps = converge(nxt)
    sizes = np.ones(nxt.shape[0], dtype=np.int64)
    for depth in range(int(steps.max(initial=0)), 0, -1):
        nodes = np.flatnonzero(steps == depth)
        np.add.at(sizes, nxt[nodes], sizes[nodes])
    return sizes


def search_tree_sizes(nxt: np.ndarray, roots: np.ndarray) -> dict[str, int | np.ndarray]:
    """How many cells the search trees of ``roots`` hold, read two ways (the paper's Figure 4.1).

    Parameters
    ----------
    nxt
        Output of :func:`ls_map`.
    roots
        The marked cells (e.g. the six with the lowest test loss).

    Returns
    -------
    dict
        ``"basins"``: cells in the union of the basins ``LS^{-*}(LS^*(r))`` of the minima the roots
        converge to (the whole trees the roots live in); ``"own"``: cells in the union of the roots'
        own full preimages ``LS^{-*}(r)``; ``"own_each"``: ``|LS^{-*}(r)|`` of every root, in the
        order given.

    Examples
    --------
    >>> sizes = search_tree_sizes(np.array([1, 2, 2, 2]), [1, 3])
    >>> sizes["basins"], sizes["own"], sizes["own_each"].tolist()
    (4, 3, [2, 1])
    """
    nxt = np.asarray(nxt)
    given = np.asarray(roots, dtype=np.int64)
    roots = np.unique(given)
    star, steps = converge(nxt)
    sizes = preimage_sizes(nxt)
    inside = np.zeros(roots.size, dtype=bool)  # a root on another root's path is counted with that root
    position = roots.copy()
    for _ in range(int(steps[roots].max(initial=0))):
        position = nxt[position]
        inside |= np.isin(position, roots) & (position != roots)
    return {"basins": int(sizes[np.unique(star[roots])].sum()), "own": int(sizes[roots[~inside]].sum()),
            "own_each": sizes[given]}


@dataclass(frozen=True)
class LandscapeStats(Mapping):
    """Table 1 statistics and the per-start arrays behind them.

    Keys: ``iterations`` (mean over starts of neighbourhood evaluations, the
    last one at the minimum included: ``steps + 1``), ``local_minima`` (count, no strictly lower
    neighbour; :func:`local_minima` counts either tie rule),
    ``reached_global_pct`` (% of starts whose LS* is a global minimum),
    ``ls_star``, ``ls_map``, ``steps`` (per start), ``basin_sizes`` (``|LS^{-*}(v)|``
    for every node, 0 for non-minima), ``global_minima`` (indices).
    """

    iterations: float
    local_minima: int
    reached_global_pct: float
    ls_star: np.ndarray = field(repr=False)
    ls_map: np.ndarray = field(repr=False)
    steps: np.ndarray = field(repr=False)
    basin_sizes: np.ndarray = field(repr=False)
    global_minima: np.ndarray = field(repr=False)

    def __getitem__(self, key: str):
        if key not in self.__dataclass_fields__:
            raise KeyError(f"{key!r}; keys: {', '.join(self.__dataclass_fields__)}")
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dataclass_fields__)

    def __len__(self) -> int:
        return len(self.__dataclass_fields__)

    @property
    def minima(self) -> np.ndarray:
        """Indices of the local minima."""
        return np.flatnonzero(self.ls_map == np.arange(self.ls_map.shape[0]))

    @property
    def global_basin_size(self) -> int:
        """Number of starts that reach a global minimum."""
        return int(self.basin_sizes[self.global_minima].sum())


def landscape_stats(losses: np.ndarray, neighbours: TableSpace | np.ndarray) -> LandscapeStats:
    """Run local search (Algorithm 1, no budget) from every node at once.

    Parameters
    ----------
    losses
        Loss of every node, shape ``(n,)``.
    neighbours
        A :class:`~nascompanion.spaces.TableSpace` (of fixed or variable degree) or its neighbour table,
        shape ``(n, s)``, checked as a :class:`~nascompanion.spaces.TableSpace` checks it.

    Returns
    -------
    LandscapeStats
        A mapping with at least ``iterations``, ``local_minima``,
        ``reached_global_pct`` and the per-start ``ls_star``.

    Notes
    -----
    The paper counts iterations as neighbourhood evaluations of Algorithm 1,
    so a start that is already a local minimum counts 1.

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 1]])
    >>> stats = landscape_stats(np.array([3.0, 2.0, 1.0]), path)
    >>> stats["local_minima"], stats["reached_global_pct"], stats["iterations"]
    (1, 100.0, 2.0)

    A raw table is refused where a space would be: a node outside ``0..n-1`` (such as
    ``-1``) or a neighbour relation that is not symmetric.

    >>> landscape_stats(np.array([3.0, 2.0, 1.0]), np.array([[1, 1], [0, 2], [1, -1]]))
    Traceback (most recent call last):
    ...
    ValueError: neighbour table of space 'neighbours' refers to nodes outside 0..2
    """
    losses = np.asarray(losses, dtype=float)
    if not isinstance(neighbours, TableSpace):
        neighbours = TableSpace(as_neighbour_table(neighbours), name="neighbours")
    nxt = ls_map(losses, neighbours)
    star, steps = converge(nxt)
    n = losses.shape[0]
    basins = np.bincount(star, minlength=n)
    global_minima = np.flatnonzero(losses == losses.min())
    reached = np.isin(star, global_minima)
    return LandscapeStats(
        iterations=float(np.mean(steps + 1)),
        local_minima=int(np.count_nonzero(nxt == np.arange(n))),
        reached_global_pct=float(100.0 * reached.mean()),
        ls_star=star,
        ls_map=nxt,
        steps=steps,
        basin_sizes=basins,
        global_minima=global_minima,
    )
