"""Seed-to-seed noise in architecture accuracies: its size, and how it compares with the spread between
architectures (the discriminativeness ratio a benchmark needs for its landscape to mean anything)."""

from __future__ import annotations

import math

import numpy as np

from nascompanion.data.benchmark import SeedNoise
from nascompanion.report.stats import resampled_interval


def from_seeds(values: np.ndarray) -> SeedNoise:
    """Pooled within-architecture standard deviation of per-seed accuracies.

    Parameters
    ----------
    values
        Accuracies, shape ``(n_archs, n_seeds)``, NaN for missing seeds.

    Returns
    -------
    SeedNoise
        :math:`\\hat\\sigma^2 = \\sum_a \\sum_s (x_{as} - \\bar x_a)^2 / \\sum_a (m_a - 1)`
        over architectures with ``m_a >= 2`` seeds.
    """
    values = np.asarray(values, dtype=float)
    counts = np.sum(~np.isnan(values), axis=1)
    usable = counts >= 2
    if not usable.any():
        raise ValueError("no architecture has two or more seeds: seed noise cannot be estimated")
    x = values[usable]
    deviations = x - np.nanmean(x, axis=1, keepdims=True)
    pooled = np.nansum(deviations**2) / np.sum(counts[usable] - 1)
    return SeedNoise(
        sigma=float(np.sqrt(pooled)),
        method=f"pooled within-architecture SD over {int(usable.sum())} architectures with 2+ seeds",
        n=int(usable.sum()),
    )


def from_single_and_mean(single: np.ndarray, mean: np.ndarray, assumed_seeds: int = 3) -> SeedNoise:
    """Seed noise from one seed's accuracy and the mean of all seeds, per architecture.

    If the mean is over ``m`` seeds with standard deviation :math:`\\sigma` and
    ``single`` is one of them, :math:`\\mathrm{Var}(x_1 - \\bar x) = \\sigma^2 (1 - 1/m)`.
    Rows where the two agree exactly (one seed only) carry no information and are
    left out; ``m`` is not in the data, so it is an assumption stated in ``method``.

    Parameters
    ----------
    single, mean
        Accuracies (%) of the same architectures.
    assumed_seeds
        ``m``, the number of seeds behind each mean (NB201 has 1 to 3).
    """
    if assumed_seeds < 2:
        raise ValueError(f"assumed_seeds must be at least 2, got {assumed_seeds}")
    d = np.asarray(single, dtype=float) - np.asarray(mean, dtype=float)
    informative = np.abs(d) > 1e-6
    if not informative.any():
        raise ValueError("single-seed and mean values agree everywhere: seed noise cannot be estimated")
    m = assumed_seeds
    sigma = float(np.sqrt(np.mean(d[informative] ** 2) * m / (m - 1)))
    return SeedNoise(
        sigma=sigma,
        method=(
            f"one seed vs. mean of seeds on {int(informative.sum())} architectures, "
            f"assuming {m} seeds per mean (sigma^2 = E[d^2] * {m}/{m - 1})"
        ),
        n=int(informative.sum()),
    )


def spread(accuracy: np.ndarray, keep: np.ndarray | None = None) -> tuple[float, float]:
    """Interquartile range of mean accuracy over architectures, and the median seed-to-seed SD.

    The two parts of :func:`discriminativeness`; see it for the parameters and errors.

    Examples
    --------
    >>> acc = np.array([[90.0, 92.0], [80.0, 82.0], [70.0, 72.0], [60.0, 62.0], [50.0, 52.0]])
    >>> iqr, sd = spread(acc)
    >>> iqr, round(sd, 3)
    (20.0, 1.414)
    """
    accuracy = np.asarray(accuracy, dtype=float)
    if accuracy.ndim != 2 or accuracy.shape[1] < 2:
        raise ValueError(f"need per-seed accuracy of shape (n_archs, n_seeds >= 2), got {accuracy.shape}")
    if keep is not None:
        accuracy = accuracy[np.asarray(keep, dtype=bool)]
    enough = np.sum(~np.isnan(accuracy), axis=1) >= 2
    if enough.sum() < 2:
        raise ValueError("need at least two architectures with two or more seeds")
    accuracy = accuracy[enough]
    q75, q25 = np.percentile(np.nanmean(accuracy, axis=1), [75, 25])
    return float(q75 - q25), float(np.median(np.nanstd(accuracy, axis=1, ddof=1)))


def discriminativeness(accuracy: np.ndarray, keep: np.ndarray | None = None) -> float:
    """Interquartile range of mean accuracy over architectures / median seed-to-seed SD.

    Parameters
    ----------
    accuracy
        Per-seed accuracy, shape ``(n_archs, n_seeds)`` with ``n_seeds >= 2``; NaN = missing.
    keep
        Boolean mask of architectures to use (e.g. those with an input-output
        path); default all.

    Returns
    -------
    float
        ``IQR(mean over seeds) / median(SD over seeds)`` (sample SD, ``ddof=1``);
        ``inf`` when the median SD is 0. NB201-like benchmarks have it well above 5.

    Raises
    ------
    ValueError
        If there are fewer than two seeds or two architectures with two seeds.

    Examples
    --------
    >>> acc = np.array([[90.0, 92.0], [80.0, 82.0], [70.0, 72.0], [60.0, 62.0], [50.0, 52.0]])
    >>> round(discriminativeness(acc), 3)   # IQR 20 / SD 1.414
    14.142
    """
    return ratio(*spread(accuracy, keep))


def ratio(iqr: float, median_seed_sd: float) -> float:
    """``iqr / median_seed_sd``, ``inf`` when the SD is 0 (the parts come from :func:`spread`)."""
    return math.inf if median_seed_sd == 0 else iqr / median_seed_sd


def _check_bootstrap(draws: int, level: float) -> None:
    if not 0 < level < 1 or draws < 2:
        raise ValueError(f"need 0 < level < 1 and draws >= 2, got level={level!r}, draws={draws!r}")


def discriminativeness_interval(accuracy: np.ndarray, rng: np.random.Generator, draws: int = 2000,
                                level: float = 0.9) -> tuple[float, float]:
    """Bootstrap interval of :func:`discriminativeness` over architectures (percentile method).

    Architectures (rows) are resampled with replacement; seeds stay with their
    architecture. Useful when the ratio was measured on a sample of cells.

    Parameters
    ----------
    accuracy
        Per-seed accuracy, shape ``(n_archs, n_seeds)``.
    rng
        Source of the resamples.
    draws
        Bootstrap resamples.
    level
        Coverage of the interval, in (0, 1).

    Returns
    -------
    tuple of float
        Lower and upper end.
    """
    _check_bootstrap(draws, level)
    accuracy = np.asarray(accuracy, dtype=float)
    discriminativeness(accuracy)  # validates the shape
    return resampled_interval(lambda r: discriminativeness(accuracy[r]), accuracy.shape[0], rng, draws, level)


def discriminativeness_difference_interval(accuracy_a: np.ndarray, accuracy_b: np.ndarray,
                                           rng: np.random.Generator, draws: int = 2000,
                                           level: float = 0.9) -> tuple[float, float]:
    """Paired bootstrap interval of ``discriminativeness(b) - discriminativeness(a)`` on the same cells.

    Both arrays hold the same architectures in the same rows (two settings
    measured on one sample of cells); each resample draws the same rows from
    both, so what the cells have in common cancels out of the difference.

    Parameters
    ----------
    accuracy_a, accuracy_b
        Per-seed accuracy, shape ``(n_archs, n_seeds)`` each, rows paired.
    rng
        Source of the resamples.
    draws
        Bootstrap resamples.
    level
        Coverage of the interval, in (0, 1).

    Returns
    -------
    tuple of float
        Lower and upper end; an interval containing 0 means no measurable difference.
    """
    _check_bootstrap(draws, level)
    a, b = np.asarray(accuracy_a, dtype=float), np.asarray(accuracy_b, dtype=float)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"paired samples need the same cells in both, got {a.shape[0]} and {b.shape[0]} rows")
    discriminativeness(a), discriminativeness(b)  # validate the shapes
    return resampled_interval(lambda r: discriminativeness(b[r]) - discriminativeness(a[r]), a.shape[0], rng,
                               draws, level)
