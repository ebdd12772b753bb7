"""PVLL-NAS with a real supernet: how its proxy losses rank cells, and Figure 3a on them.

The supernet (:mod:`nascompanion.train.supernet`) gives every cell a proxy
validation loss with inherited weights. This module compares its ranking with
the stand-alone trainings of the digits benchmark (Kendall's tau with a
bootstrap interval) and turns the proxy losses into the normalised losses
PVLL-NAS learns (:func:`normalised`), on which
:func:`nascompanion.related.pvll.figure_3a` runs unchanged.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import kendalltau

from nascompanion.report.stats import Interval, resampled_interval
from nascompanion.spaces import nb201


def path_cells(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct cells drawn uniformly among those with an input-output path, sorted.

    Raises
    ------
    ValueError
        If ``n`` is not between 1 and the number of such cells.

    Examples
    --------
    >>> cells = path_cells(5, np.random.default_rng(0))
    >>> cells.size, bool(nb201.has_input_output_path()[cells].all())
    (5, True)
    """
    pool = np.flatnonzero(nb201.has_input_output_path())
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= pool.size:
        raise ValueError(f"n must be an integer in 1..{pool.size} (cells with an input-output path), got {n!r}")
    return np.sort(rng.choice(pool, size=int(n), replace=False))


def kendall_interval(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, level: float = 0.95,
                     draws: int = 1000) -> Interval:
    """Kendall's tau (``scipy.stats.kendalltau``, tau-b) of paired values, with a percentile bootstrap interval.

    The pairs (cells) are resampled with replacement (:func:`~nascompanion.report.stats.resampled_interval`).

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in length, hold fewer than three pairs or non-finite values.

    Examples
    --------
    >>> x = np.arange(30.0)
    >>> i = kendall_interval(x, x + np.random.default_rng(1).normal(0, 3, 30), np.random.default_rng(0), draws=200)
    >>> bool(0 < i.low < i.estimate < i.high <= 1)
    True
    """
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if x.size != y.size or x.size < 3:
        raise ValueError(f"need two samples of the same length >= 3, got lengths {x.size} and {y.size}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("Kendall's tau needs finite values; x or y holds NaN or infinity")

    def tau(rows: np.ndarray) -> float:
        value = kendalltau(x[rows], y[rows]).statistic
        return 0.0 if np.isnan(value) else float(value)   # a resample with one distinct value ranks nothing

    low, high = resampled_interval(tau, x.size, rng, draws, level)
    return Interval(float(kendalltau(x, y).statistic), low, high)


def normalised(loss: np.ndarray) -> np.ndarray:
    """Losses mapped linearly onto [0, 1] (minimum 0, maximum 1), as PVLL-NAS's estimator learns them.

    Raises
    ------
    ValueError
        If the losses are not finite or all equal.

    Examples
    --------
    >>> normalised(np.array([2.0, 3.0, 4.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    loss = np.asarray(loss, dtype=float)
    if loss.size == 0 or not np.isfinite(loss).all():
        raise ValueError("losses to normalise must be finite and non-empty")
    span = loss.max() - loss.min()
    if span <= 0:
        raise ValueError(f"all {loss.size} losses equal {loss.min():g}; they cannot be normalised")
    return (loss - loss.min()) / span


def standalone_mean(accuracy: np.ndarray) -> np.ndarray:
    """Mean over seeds of a benchmark's per-seed accuracies ``(15625, seeds)``, ignoring missing seeds."""
    return np.nanmean(np.asarray(accuracy, dtype=float), axis=1)


def sampled_error(error: np.ndarray, cells: np.ndarray, warmup: int) -> np.ndarray:
    """Mean ``error`` of the cells each repeat drew after its warm-up: shape ``(repeats,)``.

    Examples
    --------
    >>> sampled_error(np.arange(10.0), np.array([[0, 1, 2, 3]]), warmup=2).tolist()
    [2.5]
    """
    cells = np.atleast_2d(cells)
    if not 0 <= warmup < cells.shape[1]:
        raise ValueError(f"warmup={warmup} must leave some of the {cells.shape[1]} sampled cells")
    return np.asarray(error, dtype=float)[cells[:, warmup:]].mean(axis=1)
