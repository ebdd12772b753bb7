"""Standard errors and intervals the chapters use to judge a claim.

Every function is pure; the bootstrap takes an explicit :class:`numpy.random.Generator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Interval:
    """An estimate with an interval around it.

    Examples
    --------
    >>> i = Interval(estimate=1.0, low=0.5, high=1.5)
    >>> i.contains(0.0), i.excludes(0.0), i.width
    (False, True, 1.0)
    """

    estimate: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        """Whether ``low <= value <= high``."""
        return bool(self.low <= value <= self.high)

    def excludes(self, value: float) -> bool:
        """Whether ``value`` lies outside the interval."""
        return not self.contains(value)

    @property
    def width(self) -> float:
        """``high - low``."""
        return float(self.high - self.low)


def sem(values: np.ndarray) -> float:
    """Standard error of the mean of a 1-d sample, ``std(ddof=1) / sqrt(n)``; 0 for one value.

    Examples
    --------
    >>> round(sem(np.array([1.0, 2.0, 3.0])), 6)
    0.57735
    >>> sem(np.array([4.0]))
    0.0
    """
    values = np.asarray(values, dtype=float).ravel()
    if values.size == 0:
        raise ValueError("the standard error of an empty sample is undefined")
    return float(values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else 0.0


def mean_sem(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over trials (axis 0) and its standard error, per column; zeros with one trial.

    Parameters
    ----------
    curves
        Shape ``(trials, points)``, e.g. best-so-far losses of several searches.

    Returns
    -------
    mean, sem
        Two arrays of shape ``(points,)``.

    Examples
    --------
    >>> m, s = mean_sem(np.array([[1.0, 2.0], [3.0, 2.0]]))
    >>> m.tolist(), s.tolist()
    ([2.0, 2.0], [1.0, 0.0])
    """
    curves = np.asarray(curves, dtype=float)
    mean = curves.mean(axis=0)
    if curves.shape[0] > 1:
        return mean, curves.std(axis=0, ddof=1) / np.sqrt(curves.shape[0])
    return mean, np.zeros_like(mean)


def z_difference(a: np.ndarray, b: np.ndarray) -> float:
    """``mean(a) - mean(b)`` in standard errors of the difference of two independent samples.

    0 when both samples are constant (the difference has no spread to measure it in).

    Examples
    --------
    >>> z_difference(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    0.0
    >>> round(z_difference(np.array([2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0])), 3)
    1.225
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return float((a.mean() - b.mean()) / se) if se > 0 else 0.0


def normal_z(level: float) -> float:
    """The ``z`` of a two-sided normal interval of coverage ``level`` (1.645 for 0.9, 1.96 for 0.95).

    Examples
    --------
    >>> round(normal_z(0.9), 3), round(normal_z(0.95), 2)
    (1.645, 1.96)
    """
    from scipy.special import ndtri  # scipy: slow to import, needed only here

    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1")
    return float(ndtri(0.5 + level / 2))


def mean_interval(values: np.ndarray, z: float = 1.96) -> Interval:
    """Mean of independent draws with ``z`` standard errors either side (the randomness is the draws).

    Raises
    ------
    ValueError
        With fewer than two draws, which give no standard error.

    Examples
    --------
    >>> mean_interval(np.array([1.0, 2.0, 3.0]), z=1.0)
    Interval(estimate=2.0, low=1.4226497308103743, high=2.5773502691896257)
    >>> i = mean_interval(np.array([624.0, 626.0, 625.0, 625.0]), z=normal_z(0.9))
    >>> i.estimate, round(i.high - i.estimate, 3)
    (625.0, 0.672)
    """
    values = np.asarray(values, dtype=float).ravel()
    if values.size < 2:
        raise ValueError(f"need at least two draws for an interval, got {values.size}")
    centre, half = float(values.mean()), z * sem(values)
    return Interval(centre, centre - half, centre + half)


def paired_difference(a: np.ndarray, b: np.ndarray, z: float = 2.0) -> Interval:
    """Mean of ``a - b`` over pairs (same seed, same start, ...) with ``z`` standard errors either side.

    Raises
    ------
    ValueError
        If ``a`` and ``b`` do not have the same shape.

    Examples
    --------
    >>> paired_difference(np.array([2.0, 3.0, 5.0]), np.array([1.0, 2.0, 4.0]))
    Interval(estimate=1.0, low=1.0, high=1.0)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples need the same shape, got {a.shape} and {b.shape}")
    d = (a - b).ravel()
    centre, half = float(d.mean()), z * sem(d)
    return Interval(centre, centre - half, centre + half)


def slope_interval(x: np.ndarray, y: np.ndarray, z: float = 1.96) -> Interval:
    """Least-squares slope of ``y`` on ``x`` in every trial, their mean and ``z`` standard errors either side.

    Parameters
    ----------
    x
        Shape ``(points,)``: the levels (e.g. noise multipliers), at least two distinct.
    y
        Shape ``(trials, points)``: one curve per trial (paired across levels).

    Examples
    --------
    >>> slope_interval(np.array([0.0, 1.0, 2.0]), np.array([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]]))
    Interval(estimate=1.0, low=1.0, high=1.0)
    """
    x, y = np.asarray(x, dtype=float), np.atleast_2d(np.asarray(y, dtype=float))
    if y.shape[1] != x.size or np.unique(x).size < 2:
        raise ValueError(f"need y of shape (trials, {x.size}) and two distinct levels; got {y.shape} and x={x.tolist()}")
    centred = x - x.mean()
    slopes = (y - y.mean(axis=1, keepdims=True)) @ centred / (centred @ centred)
    centre, half = float(slopes.mean()), z * sem(slopes)
    return Interval(centre, centre - half, centre + half)


def bootstrap_interval(values: np.ndarray, rng: np.random.Generator, statistic: Callable[[np.ndarray], float] = np.mean,
                       level: float = 0.9, draws: int = 2000) -> Interval:
    """Percentile bootstrap interval of ``statistic`` over a 1-d sample.

    Parameters
    ----------
    values
        The sample.
    rng
        Source of the resamples (the only randomness used).
    statistic
        Maps a sample to a number; applied to ``values`` for the estimate and to each resample.
    level
        Coverage of the interval, in ``(0, 1)``.
    draws
        Number of resamples.

    Raises
    ------
    ValueError
        If ``level`` is not in ``(0, 1)``, ``draws < 1`` or the sample is empty.

    Examples
    --------
    >>> i = bootstrap_interval(np.arange(10.0), np.random.default_rng(0), level=0.9, draws=500)
    >>> i.estimate, i.low < 4.5 < i.high
    (4.5, True)
    """
    values = np.asarray(values, dtype=float).ravel()
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1")
    if draws < 1 or values.size == 0:
        raise ValueError(f"a bootstrap needs draws >= 1 and a non-empty sample (draws={draws}, n={values.size})")
    low, high = resampled_interval(lambda rows: statistic(values[rows]), values.size, rng, draws, level)
    return Interval(float(statistic(values)), low, high)


def resampled_interval(statistic: Callable[[np.ndarray], float], n_rows: int, rng: np.random.Generator,
                       draws: int, level: float) -> tuple[float, float]:
    """Percentile interval of ``statistic(rows)`` over ``draws`` resamples of ``range(n_rows)`` with replacement.

    The one bootstrap of the package: :func:`bootstrap_interval` resamples a
    sample's values, the discriminativeness intervals resample benchmark rows.

    Examples
    --------
    >>> resampled_interval(lambda rows: float(len(set(rows.tolist()))), 5, np.random.default_rng(0), 50, 0.5)[1] <= 5
    True
    """
    rows = rng.integers(0, n_rows, size=(draws, n_rows))
    values = np.array([statistic(r) for r in rows])
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def bin_average(curve: np.ndarray, grid: np.ndarray, edges: np.ndarray, per_bin: int = 20) -> np.ndarray:
    """Average of a curve given on ``grid`` over each bin ``[edges[i], edges[i+1])``.

    The curve is linearly interpolated at ``per_bin`` equally spaced points per bin (the left edge
    included, the right one left to the next bin) and those are averaged.

    Examples
    --------
    >>> bin_average(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([0.0, 0.5, 1.0]), per_bin=2).tolist()
    [0.125, 0.625]
    """
    fine = np.linspace(edges[0], edges[-1], per_bin * (edges.size - 1) + 1)
    values = np.interp(fine, grid, curve)[:-1].reshape(edges.size - 1, per_bin)
    return values.mean(axis=1)


def pair_share_within(values: np.ndarray, delta: float) -> float:
    """Share of the ordered pairs ``(i, j)`` of a sample (``i = j`` included) with ``|x_i - x_j| <= delta``.

    What the share would be if the two losses of a pair were drawn independently from the sample:
    the baseline against which neighbouring pairs are said to lie "on the diagonal". Exact (sorting,
    no sampling), ``O(n log n)``.

    Examples
    --------
    >>> pair_share_within(np.array([0.0, 0.05, 1.0]), 0.1)
    0.5555555555555556
    """
    a = np.sort(np.asarray(values, dtype=float).ravel())
    if a.size == 0:
        raise ValueError("the pair share of an empty sample is undefined")
    inside = np.searchsorted(a, a + delta, side="right") - np.searchsorted(a, a - delta, side="left")
    return float(inside.sum() / a.size**2)
