"""How finely a benchmark's accuracies resolve cells: ties between neighbours and distinct values at the top.

A validation set of ``n`` images gives accuracies in steps of ``100 / n`` points, so neighbouring cells
tie and the best cells share few distinct values; both flatten a landscape.
"""

from __future__ import annotations

import numpy as np


def neighbour_ties_pct(accuracy: np.ndarray, neighbours: np.ndarray, keep: np.ndarray) -> float:
    """Percentage of neighbour pairs (both kept) with equal accuracy, averaged over the seeds.

    Parameters
    ----------
    accuracy
        Per-seed accuracy, shape ``(cells, seeds)``.
    neighbours
        Neighbour table ``(cells, degree)``.
    keep
        Which cells count (e.g. those with an input-output path).

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])
    >>> neighbour_ties_pct(np.array([[1.0], [1.0], [2.0], [3.0]]), path, np.ones(4, dtype=bool))
    37.5
    """
    both = keep[:, None] & keep[neighbours]
    return float(100 * np.mean([(accuracy[:, s][:, None] == accuracy[:, s][neighbours])[both].mean()
                                for s in range(accuracy.shape[1])]))


def top_distinct(accuracy: np.ndarray, keep: np.ndarray, top: int) -> float:
    """How many distinct accuracies the ``top`` best kept cells of one seed have, averaged over the seeds.

    Examples
    --------
    >>> top_distinct(np.array([[1.0, 2.0], [3.0, 3.0], [3.0, 4.0]]), np.ones(3, dtype=bool), 2)
    1.5
    """
    return float(np.mean([np.unique(np.sort(accuracy[keep, s])[-top:]).size for s in range(accuracy.shape[1])]))
