"""A bound on the expected number of local minima under Gaussian noise (paper, Sec. 5 and Appendix B).

The paper says that Theorem 5.1 with Chebyshev's inequality bounds the expected number of local
minima "in terms of the standard deviation of the noise" when each architecture's accuracy carries
Gaussian noise; Appendix B, where the bound is stated, is not in the text available. This module
states one bound of that kind precisely and simulates the quantity it bounds.

The model: a fixed landscape ``f`` on a graph (the noise-free losses) and observed losses
``l(v) = f(v) + sigma * xi_v`` with ``xi_v`` independent standard normals. Theorem 5.1's first part,
before it integrates over ``pdf_n``, is ``E[#minima] = sum_v P(v is a local minimum)``. If ``v`` has
a neighbour ``u`` with ``f(u) = f(v) - d_v``, ``d_v > 0``, then ``v`` is a minimum only if
``sigma (xi_u - xi_v) > d_v``; that difference has variance ``2 sigma^2``, so by Chebyshev's
inequality ``P(v is a local minimum) <= 2 sigma^2 / d_v^2``. Hence

``E[#minima] <= M_0 + sum_{v : d_v > 0} min(1, 2 sigma^2 / d_v^2)``,

with ``M_0`` the number of cells with no strictly better neighbour in ``f`` and ``d_v`` the gap to
``v``'s best neighbour. It needs only the noise variance (Gaussian or not), tends to ``M_0`` as
``sigma -> 0`` and grows like ``sigma^2``.
"""

from __future__ import annotations

import numpy as np

from nascompanion.report.stats import Interval, mean_interval, normal_z
from nascompanion.spaces.table import TableSpace, as_neighbour_table


def best_neighbour_gap(losses: np.ndarray, neighbours: TableSpace | np.ndarray) -> np.ndarray:
    """``d_v = f(v) - min_{u in N(v)} f(u)`` for every cell (positive where a neighbour is better).

    Examples
    --------
    >>> cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    >>> best_neighbour_gap(np.array([0.0, 1.0, 3.0, 2.0]), cycle).tolist()
    [-1.0, 1.0, 2.0, 2.0]
    """
    table = as_neighbour_table(neighbours)
    losses = np.asarray(losses, dtype=float)
    return losses - losses[table].min(axis=1)


def chebyshev_minima_bound(losses: np.ndarray, neighbours: TableSpace | np.ndarray, sigma: np.ndarray | float) -> np.ndarray:
    """Upper bound on ``E[#local minima]`` when Gaussian noise of std ``sigma`` is added to ``losses``.

    Parameters
    ----------
    losses
        The noise-free losses ``f``, shape ``(n,)``.
    neighbours
        A :class:`~nascompanion.spaces.TableSpace` or its neighbour table ``(n, s)``.
    sigma
        Noise standard deviation(s), in the units of ``losses``; each ``>= 0``.

    Returns
    -------
    numpy.ndarray
        ``M_0 + sum_{d_v > 0} min(1, 2 sigma^2 / d_v^2)`` for each ``sigma`` (see the module).

    Raises
    ------
    ValueError
        If a ``sigma`` is negative or not finite.

    Notes
    -----
    Theorem 5.1's first part on a fixed graph, with Chebyshev's inequality for the one neighbour
    that is best in ``f`` (paper, Sec. 5; the paper's own form is in its Appendix B).

    Examples
    --------
    >>> cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    >>> chebyshev_minima_bound(np.array([0.0, 1.0, 3.0, 2.0]), cycle, [0.0, 0.5, 10.0]).tolist()
    [1.0, 1.75, 4.0]
    """
    sigma = np.atleast_1d(np.asarray(sigma, dtype=float))
    if not np.all(np.isfinite(sigma)) or np.any(sigma < 0):
        raise ValueError(f"sigma must be finite and >= 0, got {sigma.tolist()}")
    gap = best_neighbour_gap(losses, neighbours)
    better = gap[gap > 0]
    per_cell = np.minimum(1.0, 2 * sigma[:, None] ** 2 / better[None, :] ** 2)
    return np.count_nonzero(gap <= 0) + per_cell.sum(axis=1)


def noisy_minima(
    losses: np.ndarray, neighbours: TableSpace | np.ndarray, sigma: float, rng: np.random.Generator, draws: int
) -> np.ndarray:
    """Number of local minima of ``losses + sigma * xi`` for ``draws`` independent noise draws.

    A local minimum has a loss strictly below every neighbour's (as local search stops there).

    Examples
    --------
    >>> cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    >>> noisy_minima(np.array([0.0, 1.0, 3.0, 2.0]), cycle, 0.0, np.random.default_rng(0), 2).tolist()
    [1, 1]
    """
    if draws < 1 or not sigma >= 0:
        raise ValueError(f"need draws >= 1 and sigma >= 0, got draws={draws}, sigma={sigma}")
    table = as_neighbour_table(neighbours)
    losses = np.asarray(losses, dtype=float)
    counts = np.empty(draws, dtype=np.int64)
    for i in range(draws):
        noisy = losses + sigma * rng.standard_normal(losses.size)
        counts[i] = np.count_nonzero(noisy < noisy[table].min(axis=1))
    return counts


def noisy_minima_intervals(losses: np.ndarray, neighbours: TableSpace | np.ndarray, sigmas: np.ndarray,
                           rng: np.random.Generator, draws: int, level: float = 0.9) -> list[Interval]:
    """For each noise size of ``sigmas`` in turn, the mean number of local minima over ``draws`` noise
    draws (:func:`noisy_minima`) with its normal interval of coverage ``level``.

    Examples
    --------
    >>> cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    >>> found = noisy_minima_intervals(np.array([0.0, 1.0, 3.0, 2.0]), cycle, np.array([0.0]), np.random.default_rng(0), 3)
    >>> found[0].estimate, found[0].low, found[0].high
    (1.0, 1.0, 1.0)
    """
    z = normal_z(level)
    return [mean_interval(noisy_minima(losses, neighbours, sigma, rng, draws), z=z) for sigma in sigmas]
