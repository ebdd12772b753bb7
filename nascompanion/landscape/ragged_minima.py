"""Local minima of a loss on a variable-degree neighbourhood (CSR arrays), under two tie rules.

Node ``v``'s neighbours are ``indices[indptr[v]:indptr[v + 1]]``. With ``m(v)`` the
smallest loss among them:

- ``"non-strict"``: ``v`` has no strictly lower neighbour, ``loss[v] <= m(v)``;
- ``"strict"``: ``v`` is strictly lower than every neighbour, ``loss[v] < m(v)``.

A node without neighbours is a local minimum under both rules. Every strict minimum
is a non-strict one; the two counts differ only where a node ties its lowest
neighbour, which is common when losses take few distinct values.

>>> indptr, indices = np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1])  # the path 0 - 1 - 2
>>> loss = np.array([1.0, 1.0, 3.0])
>>> count_local_minima(loss, indptr, indices, "non-strict"), count_local_minima(loss, indptr, indices, "strict")
(2, 0)
"""

from __future__ import annotations

import numpy as np

RULES = ("non-strict", "strict")
"""The tie rules: ``"non-strict"`` (no strictly lower neighbour) and ``"strict"`` (lower than every neighbour)."""


def check_csr(loss: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, ...]:
    """Refuse a loss vector and CSR neighbourhood that do not fit together; return them as arrays.

    >>> check_csr(np.zeros(2), np.array([0, 1, 2]), np.array([1, 2]))
    Traceback (most recent call last):
        ...
    ValueError: indices must be node numbers in [0, 2)
    """
    loss, indptr, indices = np.asarray(loss, dtype=float), np.asarray(indptr), np.asarray(indices)
    n = len(loss)
    if loss.ndim != 1 or np.isnan(loss).any():
        raise ValueError("loss must be a one-dimensional array without NaN")
    if indptr.shape != (n + 1,) or indptr[0] != 0 or indptr[-1] != len(indices) or (np.diff(indptr) < 0).any():
        raise ValueError(f"indptr must be non-decreasing, of length len(loss) + 1 = {n + 1}, from 0 to len(indices)")
    if indices.ndim != 1 or ((indices < 0) | (indices >= n)).any():
        raise ValueError(f"indices must be node numbers in [0, {n})")
    if (np.repeat(np.arange(n), np.diff(indptr)) == indices).any():
        raise ValueError("neighbourhood must have no self loops")
    return loss, indptr, indices


def lowest_neighbour_loss(loss: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Smallest loss among each node's neighbours; ``inf`` for a node without neighbours.

    >>> lowest_neighbour_loss(np.array([2.0, 1.0, 3.0]), np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1])).tolist()
    [1.0, 2.0, 1.0]
    """
    loss, indptr, indices = check_csr(loss, indptr, indices)
    lowest = np.full(len(loss), np.inf)
    has = np.diff(indptr) > 0
    if has.any():
        lowest[has] = np.minimum.reduceat(loss[indices], indptr[:-1][has])
    return lowest


def local_minima(loss: np.ndarray, indptr: np.ndarray, indices: np.ndarray, rule: str = "non-strict") -> np.ndarray:
    """Boolean mask of the local minima under ``rule`` (one of :data:`RULES`).

    >>> local_minima(np.array([2.0, 1.0, 3.0]), np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1])).tolist()
    [False, True, False]
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}; got {rule!r}")
    lowest = lowest_neighbour_loss(loss, indptr, indices)
    loss = np.asarray(loss, dtype=float)
    return loss <= lowest if rule == "non-strict" else loss < lowest


def count_local_minima(loss: np.ndarray, indptr: np.ndarray, indices: np.ndarray, rule: str = "non-strict") -> int:
    """Number of local minima under ``rule``; see :func:`local_minima`."""
    return int(local_minima(loss, indptr, indices, rule).sum())


def count_local_minima_loop(loss: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
                            rule: str = "non-strict") -> int:
    """The same count by a plain loop over nodes and neighbours: the reference the vectorised count is checked against.

    >>> count_local_minima_loop([1.0, 1.0, 3.0], [0, 1, 3, 4], [1, 0, 2, 1], "strict")
    0
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}; got {rule!r}")
    loss, indptr, indices = (a.tolist() for a in check_csr(loss, indptr, indices))
    count = 0
    for v in range(len(loss)):
        neighbours = [loss[u] for u in indices[indptr[v]:indptr[v + 1]]]
        if rule == "non-strict":
            count += all(loss[v] <= other for other in neighbours)
        else:
            count += all(loss[v] < other for other in neighbours)
    return count
