"""Intervals for verdicts drawn across a handful of measured landscapes.

A rank correlation across the twelve or thirteen measured landscapes of AnalogNAS-Bench is one
number from one small set of landscapes: which landscapes the benchmark happens to offer is the
randomness that varies. :func:`landscape_bootstrap` resamples the landscapes (pairs of values) and
gives a percentile interval of Spearman's correlation. Where each landscape's value is itself a
mean over search trials (the race of local search against the others), :func:`race_bootstrap`
resamples the landscapes and, within every landscape drawn, the trials of every algorithm.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from nascompanion.report.stats import Interval


def spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rank correlation of every row of ``x`` with the same row of ``y``.

    Ties get average ranks (as :func:`scipy.stats.spearmanr`); a row whose ``x`` or ``y`` is
    constant has no correlation and gives NaN.

    Parameters
    ----------
    x, y
        Arrays of one shape ``(..., n)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(...)``.

    Examples
    --------
    >>> spearman_rows(np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), np.array([[3.0, 5.0, 4.0], [1.0, 2.0, 3.0]]))
    array([0.5, nan])
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have one shape, got {x.shape} and {y.shape}")
    rx, ry = rankdata(x, axis=-1), rankdata(y, axis=-1)
    rx -= rx.mean(axis=-1, keepdims=True)
    ry -= ry.mean(axis=-1, keepdims=True)
    scale = np.sqrt((rx**2).sum(axis=-1) * (ry**2).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scale > 0, (rx * ry).sum(axis=-1) / scale, np.nan)


def _percentiles(values: np.ndarray, level: float) -> tuple[float, float]:
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1")
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise ValueError("every resample was degenerate (a constant variable): no interval")
    low, high = np.quantile(finite, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def landscape_bootstrap(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, level: float = 0.9,
                        draws: int = 2000) -> Interval:
    """Spearman's correlation of ``x`` and ``y`` over landscapes, with a bootstrap over the landscapes.

    Parameters
    ----------
    x, y
        One value per landscape (e.g. its noise measure and its number of local minima).
    rng
        Source of the resamples (the only randomness used).
    level
        Coverage of the percentile interval, in ``(0, 1)``.
    draws
        Resamples of the landscapes (with replacement, ``n`` of ``n``); resamples in which one
        variable is constant have no correlation and are left out.

    Returns
    -------
    Interval
        The correlation on all landscapes and the percentile interval.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in length, fewer than three landscapes are given, or ``level``
        is not in ``(0, 1)``.

    Examples
    --------
    >>> i = landscape_bootstrap(np.arange(12.0), np.arange(12.0) ** 2, np.random.default_rng(0), draws=200)
    >>> i.estimate, i.low, i.high
    (1.0, 1.0, 1.0)
    """
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if x.size != y.size or x.size < 3:
        raise ValueError(f"need two equally long samples of at least 3 landscapes, got {x.size} and {y.size}")
    rows = rng.integers(0, x.size, size=(draws, x.size))
    low, high = _percentiles(spearman_rows(x[rows], y[rows]), level)
    return Interval(float(spearman_rows(x, y)), low, high)


def race_gap(finals: np.ndarray) -> np.ndarray:
    """The first algorithm's mean final error minus the lowest mean of the others, per landscape.

    Parameters
    ----------
    finals
        Final errors, shape ``(..., algorithms, trials)``; the first algorithm is the one judged.

    Examples
    --------
    >>> race_gap(np.array([[[5.0, 7.0], [6.0, 6.0], [9.0, 9.0]]]))
    array([0.])
    """
    means = np.asarray(finals, dtype=float).mean(axis=-1)
    return means[..., 0] - means[..., 1:].min(axis=-1)


def race_bootstrap(noise: np.ndarray, finals: np.ndarray, rng: np.random.Generator, level: float = 0.9,
                   draws: int = 2000) -> Interval:
    """Spearman's correlation of the landscapes' noise with :func:`race_gap`, with a two-stage bootstrap.

    Each resample draws the landscapes with replacement and, for every landscape drawn, the trials
    of every algorithm with replacement (fresh for every draw of the same landscape), so the
    interval covers both which landscapes were measured and the search trials run on them.

    Parameters
    ----------
    noise
        The noise measure of each landscape, shape ``(landscapes,)``.
    finals
        Final errors, shape ``(landscapes, algorithms, trials)``; the first algorithm is the one judged.
    rng
        Source of the resamples (the only randomness used).
    level, draws
        Coverage of the percentile interval, and the number of resamples.

    Returns
    -------
    Interval
        The correlation on all landscapes and trials, and the percentile interval.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> finals = np.stack([[np.full(20, 5.0 + k), np.full(20, 5.0)] for k in range(6)]) + rng.normal(0, 0.1, (6, 2, 20))
    >>> i = race_bootstrap(np.arange(6.0), finals, np.random.default_rng(2), draws=300)
    >>> round(i.estimate, 3), i.low > 0.5
    (1.0, True)
    """
    noise, finals = np.asarray(noise, dtype=float).ravel(), np.asarray(finals, dtype=float)
    if finals.ndim != 3 or finals.shape[0] != noise.size or finals.shape[1] < 2 or noise.size < 3:
        raise ValueError(f"need finals of shape (landscapes >= 3, algorithms >= 2, trials) matching noise "
                         f"({noise.size} landscapes), got {finals.shape}")
    landscapes, algorithms, trials = finals.shape
    rows = rng.integers(0, landscapes, size=(draws, landscapes))
    means = np.empty((draws, landscapes, algorithms))
    for landscape in range(landscapes):
        where = np.nonzero(rows == landscape)
        picks = rng.integers(0, trials, size=(where[0].size, algorithms, trials))
        means[where] = np.take_along_axis(finals[landscape][None], picks, axis=2).mean(axis=2)
    gaps = means[..., 0] - means[..., 1:].min(axis=-1)
    low, high = _percentiles(spearman_rows(noise[rows], gaps), level)
    return Interval(float(spearman_rows(noise, race_gap(finals))), low, high)


MEASURES = ("rank_disagreement", "rms_deviation")
"""The two noise measures of a measured landscape (see :func:`~nascompanion.landscape.noise.measured_landscapes`)."""

HARDNESS = ("local_minima", "reached_global_pct")
"""The two statistics that say how hard a landscape is."""


def noise_correlations(landscapes: "pd.DataFrame", rng: np.random.Generator, level: float = 0.9,
                       draws: int = 2000) -> dict[tuple[str, str], Interval]:
    """:func:`landscape_bootstrap` of every noise measure against every hardness statistic.

    The pairs are drawn in turn from ``rng`` (measure by measure, statistic by statistic).

    Parameters
    ----------
    landscapes
        One row per landscape with the columns of :data:`MEASURES` and :data:`HARDNESS`.

    Examples
    --------
    >>> import pandas as pd
    >>> x = np.arange(6.0)
    >>> frame = pd.DataFrame({"rank_disagreement": x, "rms_deviation": x ** 2, "local_minima": x,
    ...                       "reached_global_pct": -x})
    >>> rho = noise_correlations(frame, np.random.default_rng(0), draws=100)
    >>> rho[("rms_deviation", "reached_global_pct")].estimate
    -1.0
    """
    return {(m, c): landscape_bootstrap(landscapes[m], landscapes[c], rng, level, draws)
            for m in MEASURES for c in HARDNESS}


def trial_mean_bootstrap(values: np.ndarray, per_trial: np.ndarray, rng: np.random.Generator, level: float = 0.95,
                         draws: int = 2000) -> Interval:
    """Spearman's correlation of one value per landscape with a mean over each landscape's trials, with a
    two-stage bootstrap: each resample draws the landscapes with replacement and, for every landscape
    drawn, its trials with replacement, so the interval covers which landscapes were measured and the
    trials run on them.

    Parameters
    ----------
    values
        Shape ``(landscapes,)``, e.g. the number of local minima.
    per_trial
        Shape ``(landscapes, trials)``, e.g. whether each trial found the global minimum (0 or 1).
    rng, level, draws
        Source of the resamples, coverage of the percentile interval, number of resamples.

    Examples
    --------
    >>> found = np.array([[1, 1, 1, 1], [1, 1, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0]])
    >>> i = trial_mean_bootstrap(np.arange(4.0), found, np.random.default_rng(0), draws=500)
    >>> i.estimate, i.high < 0
    (-1.0, True)
    """
    values, per_trial = np.asarray(values, dtype=float).ravel(), np.asarray(per_trial, dtype=float)
    if per_trial.ndim != 2 or per_trial.shape[0] != values.size or values.size < 3:
        raise ValueError(f"need per_trial of shape (landscapes >= 3, trials) matching {values.size} values, "
                         f"got {per_trial.shape}")
    landscapes, trials = per_trial.shape
    rows = rng.integers(0, landscapes, size=(draws, landscapes))
    picks = rng.integers(0, trials, size=(draws, landscapes, trials))
    means = per_trial[rows[..., None], picks].mean(axis=-1)
    low, high = _percentiles(spearman_rows(values[rows], means), level)
    return Interval(float(spearman_rows(values[None], per_trial.mean(axis=1)[None])[0]), low, high)
