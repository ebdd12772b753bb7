"""Branching fractions of a neighbourhood graph (paper, Sec. 5, before Lemma 5.2).

The paper defines the branching fraction ``b_k = |N_k(v)| / (|N_{k-1}(v)| * s)``
with ``N_k(v)`` the nodes at distance ``k`` from ``v`` and ``s = |N(v)|``. This
module measures it by breadth-first search on any neighbour table and turns it
into the per-step factors that Lemma 5.2 / Lemma 5.3 multiply, under the three
readings of the product index the book compares.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from nascompanion.spaces.table import TableSpace, as_neighbour_table
from nascompanion.spaces.table import clique_table, cycle_table, disjoint_copies, hamming_table  # noqa: F401  (Sec. 5's graphs)

READINGS: tuple[str, ...] = ("b0=1", "b1..bi", "tree")
"""How Lemma 5.3's ``prod_{j=0}^{i-1} b_j`` is read.

``"b0=1"``
    The product runs over ``b_0, ..., b_{i-1}`` with ``b_0 = 1`` (what Lemma
    5.2's recursion implies: step ``k`` multiplies ``b_{k-1}``).
``"b1..bi"``
    The product runs over ``b_1, ..., b_i`` (index shifted by one).
``"tree"``
    Every factor is 1 (the branching fraction of an idealised tree).
"""


def distance_layers(neighbours: TableSpace | np.ndarray, source: int = 0) -> np.ndarray:
    """Sizes ``|N_k(source)|`` for ``k = 0..eccentricity``, by breadth-first search.

    Parameters
    ----------
    neighbours
        A :class:`~nascompanion.spaces.TableSpace` or its neighbour table, shape ``(n, s)``.
    source
        The node ``v`` the layers are measured from.

    Returns
    -------
    numpy.ndarray
        Integer layer sizes; entry 0 is 1.

    Raises
    ------
    ValueError
        If ``source`` is not a node or the graph is not connected.

    Examples
    --------
    >>> cycle = np.array([[1, 4], [0, 2], [1, 3], [2, 4], [3, 0]])
    >>> distance_layers(cycle).tolist()
    [1, 2, 2]
    """
    table = as_neighbour_table(neighbours)
    n = table.shape[0]
    if not 0 <= source < n:
        raise ValueError(f"source {source} is outside 0..{n - 1}")
    seen = np.zeros(n, dtype=bool)
    seen[source] = True
    frontier = np.array([source])
    sizes = [1]
    while True:
        reached = np.unique(table[frontier].ravel())
        reached = reached[~seen[reached]]
        if reached.size == 0:
            break
        seen[reached] = True
        sizes.append(int(reached.size))
        frontier = reached
    if not seen.all():
        raise ValueError(f"graph is not connected: {int((~seen).sum())} nodes unreachable from {source}")
    return np.asarray(sizes, dtype=np.int64)


def branching_fractions(neighbours: TableSpace | np.ndarray, source: int = 0) -> np.ndarray:
    """Measured ``b_k`` for ``k = 1..eccentricity`` (entry ``k - 1`` is ``b_k``).

    Notes
    -----
    ``b_k = |N_k(v)| / (|N_{k-1}(v)| s)`` (paper, Sec. 5). ``b_0`` is not
    defined by this formula; see :data:`READINGS`.

    Examples
    --------
    >>> clique = np.array([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]])
    >>> branching_fractions(clique).tolist()
    [1.0]
    """
    layers = distance_layers(neighbours, source).astype(float)
    s = as_neighbour_table(neighbours).shape[1]
    return layers[1:] / (layers[:-1] * s)


def paper_branching_fraction(k: int, edges: int = 6) -> Fraction:
    """The paper's ``b_k = (6 - k + 1) / (6 k)`` for :math:`(K_5)^6`, exactly.

    Returns 0 for ``k > edges`` (no node is that far). Only ``k >= 1`` is defined.

    Examples
    --------
    >>> [str(paper_branching_fraction(k)) for k in range(1, 4)]
    ['1', '5/12', '2/9']
    """
    if k < 1:
        raise ValueError(f"b_k = (6-k+1)/(6k) is defined for k >= 1, got k={k}")
    return Fraction(max(edges - k + 1, 0), edges * k)


def paper_branching_fractions(edges: int = 6) -> np.ndarray:
    """The paper's ``b_k`` for ``k = 1..edges`` as floats (entry ``k - 1`` is ``b_k``), beside
    :func:`branching_fractions`.

    Examples
    --------
    >>> paper_branching_fractions().round(4).tolist()
    [1.0, 0.4167, 0.2222, 0.125, 0.0667, 0.0278]
    """
    return np.array([float(paper_branching_fraction(k, edges)) for k in range(1, edges + 1)])

def hamming_branching_fraction(k: int, d: int, q: int) -> Fraction:
    """Exact ``b_k`` of the Hamming graph :math:`(K_q)^d` (degree ``d (q - 1)``).

    Notes
    -----
    ``|N_k| = C(d, k) (q-1)^k``, so ``b_k = (d - k + 1) / (k d)`` for every ``q``:
    the paper's formula with ``d = 6``.
    """
    if k < 1:
        raise ValueError(f"b_k is defined for k >= 1, got k={k}")
    return Fraction(max(d - k + 1, 0), k * d)


def step_factors(b: np.ndarray, reading: str, k_max: int) -> np.ndarray:
    """The factor Lemma 5.2 multiplies at steps ``k = 1..k_max``.

    Parameters
    ----------
    b
        Measured ``b_1, b_2, ...`` (as from :func:`branching_fractions`); beyond
        its end ``b_k = 0`` (no node that far).
    reading
        One of :data:`READINGS`.
    k_max
        Deepest preimage used.

    Returns
    -------
    numpy.ndarray
        ``f[k - 1]``: ``b_{k-1}`` with ``b_0 = 1`` (``"b0=1"``), ``b_k``
        (``"b1..bi"``), or 1 (``"tree"``).

    Examples
    --------
    >>> step_factors(np.array([1.0, 0.5]), "b0=1", 4).tolist()
    [1.0, 1.0, 0.5, 0.0]
    >>> step_factors(np.array([1.0, 0.5]), "b1..bi", 4).tolist()
    [1.0, 0.5, 0.0, 0.0]
    """
    if reading not in READINGS:
        raise ValueError(f"unknown reading {reading!r}; allowed: {', '.join(READINGS)}")
    if reading == "tree":
        return np.ones(k_max)
    padded = np.zeros(k_max + 1)
    b = np.asarray(b, dtype=float)[:k_max]
    padded[1 : 1 + b.size] = b
    padded[0] = 1.0
    return padded[:k_max] if reading == "b0=1" else padded[1 : k_max + 1]


def reading_factors(b: np.ndarray, k_max: int) -> dict[str, np.ndarray]:
    """:func:`step_factors` under every reading of :data:`READINGS`.

    Examples
    --------
    >>> {r: f.tolist() for r, f in reading_factors(np.array([1.0, 0.5]), 3).items()}
    {'b0=1': [1.0, 1.0, 0.5], 'b1..bi': [1.0, 0.5, 0.0], 'tree': [1.0, 1.0, 1.0]}
    """
    return {reading: step_factors(b, reading, k_max) for reading in READINGS}
