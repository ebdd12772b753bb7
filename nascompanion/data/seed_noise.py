"""Seed-to-seed noise in architecture accuracies: its size, and how it compares with the spread between
architectures (the discriminativeness ratio a benchmark needs for its landscape to mean anything)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nascompanion.data.benchmark import SeedNoise
from nascompanion.report.stats import resampled_interval


def accuracies(values: np.ndarray, name: str, missing: bool = False) -> np.ndarray:
    """``values`` as floats, refused unless every one is an accuracy (%) in [0, 100] (or NaN where ``missing``).

    Every estimator here checks its accuracies with it, so a value read wrongly (an
    ``f_sng`` of 250) stops the estimate instead of inflating sigma.

    Examples
    --------
    >>> accuracies([91.5, 88.0], "single").tolist()
    [91.5, 88.0]
    >>> accuracies([91.5, 250.0], "single")
    Traceback (most recent call last):
    ...
    ValueError: single holds 250.0 at position 1; allowed: accuracies (%) in [0, 100]
    """
    values = np.asarray(values, dtype=float)
    bad = ~((values >= 0) & (values <= 100))
    if missing:
        bad &= ~np.isnan(values)
    if bad.any():
        first = np.unravel_index(int(np.argmax(bad)), values.shape)
        where = int(first[0]) if len(first) == 1 else tuple(map(int, first))
        allowed = "accuracies (%) in [0, 100]" + (" or NaN for a missing value" if missing else "")
        raise ValueError(f"{name} holds {float(values[first])!r} at position {where}; allowed: {allowed}")
    return values


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
    values = accuracies(values, "values", missing=True)
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
    d = accuracies(single, "single") - accuracies(mean, "mean")
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


def check_bootstrap(draws: int, level: float) -> None:
    """Refuse a bootstrap with fewer than two resamples or a coverage outside ``(0, 1)``.

    Examples
    --------
    >>> check_bootstrap(1000, 0.9)
    >>> check_bootstrap(1, 0.9)
    Traceback (most recent call last):
    ...
    ValueError: need 0 < level < 1 and draws >= 2, got level=0.9, draws=1
    """
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
    check_bootstrap(draws, level)
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
    check_bootstrap(draws, level)
    a, b = np.asarray(accuracy_a, dtype=float), np.asarray(accuracy_b, dtype=float)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"paired samples need the same cells in both, got {a.shape[0]} and {b.shape[0]} rows")
    discriminativeness(a), discriminativeness(b)  # validate the shapes
    return resampled_interval(lambda r: discriminativeness(b[r]) - discriminativeness(a[r]), a.shape[0], rng,
                               draws, level)


# --------------------------------------------------------------------------- seed noise from the whole space


def seed_counts_from_resolution(columns: Sequence[tuple[np.ndarray, int]], max_seeds: int = 3,
                                tolerance: float = 1e-4) -> np.ndarray:
    """Fewest seeds each mean-of-seeds accuracy can be an average of, read from its digits.

    One seed's accuracy on ``N`` images is a multiple of ``100 / N``; a mean of
    ``m`` seeds is a multiple of ``100 / (m N)``. The smallest ``m`` that puts
    every column of a cell on its grid is a lower bound on the cell's seed count:
    a mean of ``m`` seeds whose sum happens to be divisible by ``m`` in every
    column looks like fewer seeds. Columns are results of the same training runs
    (or of runs with the same seeds), so they must agree.

    Parameters
    ----------
    columns
        ``(accuracy in %, number of evaluation images)`` pairs, the arrays of one
        length (one entry per cell).
    max_seeds
        The most seeds a cell can have.
    tolerance
        How far (in units of the grid step) a value may sit from the grid.

    Returns
    -------
    numpy.ndarray
        Integer lower bound on the seed count of every cell, ``1..max_seeds``.

    Raises
    ------
    ValueError
        If no column is given, or a cell fits no grid up to ``max_seeds`` (the
        columns disagree, or the values were rounded).

    Examples
    --------
    >>> one, two, three = 91.0, (91.0 + 91.1) / 2, (91.0 + 91.1 + 91.1) / 3
    >>> seed_counts_from_resolution([(np.array([one, two, three]), 1000)]).tolist()
    [1, 2, 3]
    """
    if not columns or max_seeds < 1:
        raise ValueError(f"need at least one column and max_seeds >= 1, got {len(columns)} and {max_seeds}")
    fits = np.ones((max_seeds, np.asarray(columns[0][0]).shape[0]), dtype=bool)
    for values, images in columns:
        for m in range(1, max_seeds + 1):
            units = np.asarray(values, dtype=float) * images * m / 100.0
            fits[m - 1] &= np.abs(units - np.round(units)) < tolerance * m
    if not fits.any(axis=0).all():
        bad = int(np.flatnonzero(~fits.any(axis=0))[0])
        raise ValueError(f"cell {bad} is not a mean of up to {max_seeds} seeds in every column")
    return np.argmax(fits, axis=0) + 1


def _counts(seeds: int | np.ndarray, n: int) -> np.ndarray:
    counts = np.broadcast_to(np.asarray(seeds), (n,)).astype(float)
    if (counts < 1).any():
        raise ValueError("seed counts must be at least 1")
    return counts


def _class_sums(mean: np.ndarray, labels: np.ndarray, seeds: int | np.ndarray,
                keep: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per class with two or more kept cells: seed-weighted sum of squares around the weighted class
    mean, and its degrees of freedom (cells - 1)."""
    mean = accuracies(mean, "mean", missing=True)
    labels = np.asarray(labels)
    if mean.ndim != 1 or labels.shape != mean.shape:
        raise ValueError(f"need one mean and one label per cell, got shapes {mean.shape} and {labels.shape}")
    weights = _counts(seeds, mean.size)
    use = ~np.isnan(mean) if keep is None else np.asarray(keep, dtype=bool) & ~np.isnan(mean)
    _, group = np.unique(labels[use], return_inverse=True)
    y, w = mean[use], weights[use]
    total_w = np.bincount(group, weights=w)
    centre = np.bincount(group, weights=w * y) / total_w
    ss = np.bincount(group, weights=w * (y - centre[group]) ** 2)
    df = np.bincount(group) - 1.0
    several = df >= 1
    return ss[several], df[several]


def from_classes(mean: np.ndarray, labels: np.ndarray, seeds: int | np.ndarray = 3,
                 keep: np.ndarray | None = None) -> SeedNoise:
    """Seed noise from the spread of mean accuracies within classes of cells that compute one function.

    Cells of one isomorphism class are independently trained copies of the same
    function, so their means differ by training noise only. If cell ``i`` holds
    the mean of ``m_i`` seeds, :math:`\\bar x_i \\sim (\\mu_c, \\sigma^2 / m_i)`, and
    with the seed-weighted class mean :math:`\\bar x_c`,
    :math:`E \\sum_{i \\in c} m_i (\\bar x_i - \\bar x_c)^2 = \\sigma^2 (n_c - 1)`. The
    estimate pools this over classes:
    :math:`\\hat\\sigma^2 = \\sum_c \\sum_{i \\in c} m_i (\\bar x_i - \\bar x_c)^2 / \\sum_c (n_c - 1)`.

    Parameters
    ----------
    mean
        Mean-of-seeds accuracy (%) of every cell, shape ``(n,)``.
    labels
        Class label of every cell (e.g. :func:`nascompanion.spaces.nb201.isomorphism_classes`).
    seeds
        Seeds behind each mean: one number for all cells, or one per cell (e.g.
        from :func:`seed_counts_from_resolution`).
    keep
        Boolean mask of the cells to use (default all); classes with fewer than
        two kept cells carry no information and are left out.

    Returns
    -------
    SeedNoise
        ``n`` is the number of classes the estimate rests on.

    Raises
    ------
    ValueError
        If no class has two kept cells, or the shapes or counts are wrong.

    Examples
    --------
    Two classes: two cells of one seed each 2 points apart, and a 3-seed cell
    beside a 1-seed cell, 1 point apart (weighted class mean 90.75):

    >>> mean = np.array([90.0, 92.0, 90.0, 91.0])
    >>> noise = from_classes(mean, np.array([0, 0, 1, 1]), seeds=np.array([1, 1, 1, 3]))
    >>> round(noise.sigma**2, 4)   # (1 + 1 + 0.5625 + 3 * 0.0625) / (1 + 1)
    1.375
    >>> noise.n
    2
    """
    ss, df = _class_sums(mean, labels, seeds, keep)
    if df.size == 0:
        raise ValueError("no class has two or more cells: seed noise cannot be estimated from classes")
    described = f"{int(seeds)} seeds per mean" if np.ndim(seeds) == 0 else "each mean weighted by its seed count"
    return SeedNoise(
        sigma=float(np.sqrt(ss.sum() / df.sum())),
        method=(f"spread of means within {df.size} isomorphism classes ({int((df + 1).sum())} cells), "
                f"{described} (sigma^2 = sum m_i (x_i - x_class)^2 / sum (n_class - 1))"),
        n=int(df.size),
    )


def from_classes_interval(mean: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
                          seeds: int | np.ndarray = 3, keep: np.ndarray | None = None, draws: int = 2000,
                          level: float = 0.9) -> tuple[float, float]:
    """Bootstrap interval of :func:`from_classes` over classes (percentile method).

    Classes are resampled with replacement, each with all of its cells, so the
    interval reflects how many classes the estimate rests on.

    Parameters
    ----------
    mean, labels, seeds, keep
        As in :func:`from_classes`.
    rng
        Source of the resamples.
    draws
        Bootstrap resamples.
    level
        Coverage of the interval, in (0, 1).

    Returns
    -------
    tuple of float
        Lower and upper end of the interval for sigma (accuracy points).

    Examples
    --------
    >>> gen = np.random.default_rng(1)
    >>> labels = np.repeat(np.arange(300), 3)
    >>> mean = 90 + 0.2 * gen.standard_normal(900)   # one seed per cell, sigma 0.2
    >>> low, high = from_classes_interval(mean, labels, np.random.default_rng(0), seeds=1, draws=500)
    >>> bool(low < 0.2 < high), bool(high - low < 0.05)
    (True, True)
    """
    check_bootstrap(draws, level)
    ss, df = _class_sums(mean, labels, seeds, keep)
    if df.size == 0:
        raise ValueError("no class has two or more cells: seed noise cannot be estimated from classes")
    return resampled_interval(lambda r: float(np.sqrt(ss[r].sum() / df[r].sum())), df.size, rng, draws, level)


def from_single_and_mean_counts(single: np.ndarray, mean: np.ndarray, seeds: np.ndarray) -> SeedNoise:
    """:func:`from_single_and_mean` with a seed count per architecture instead of one assumed for all.

    With ``m_i`` seeds behind cell ``i``'s mean,
    :math:`E[(x_1 - \\bar x)^2] = \\sigma^2 (1 - 1/m_i)`, so
    :math:`\\hat\\sigma^2 = \\sum_i d_i^2 / \\sum_i (1 - 1/m_i)` over cells with
    ``m_i >= 2`` (a cell counted as one seed carries no information).

    Parameters
    ----------
    single, mean
        Accuracies (%) of the same architectures.
    seeds
        Seed count behind each mean (e.g. from :func:`seed_counts_from_resolution`).

    Examples
    --------
    >>> noise = from_single_and_mean_counts(np.array([91.0, 90.0]), np.array([90.0, 90.5]), np.array([2, 3]))
    >>> round(noise.sigma**2, 4)   # (1 + 0.25) / (1/2 + 2/3)
    1.0714
    """
    d = accuracies(single, "single") - accuracies(mean, "mean")
    counts = _counts(seeds, d.size)
    informative = counts >= 2
    if not informative.any():
        raise ValueError("no architecture has two or more seeds: seed noise cannot be estimated")
    sigma = float(np.sqrt(np.sum(d[informative] ** 2) / np.sum(1 - 1 / counts[informative])))
    return SeedNoise(
        sigma=sigma,
        method=(f"one seed vs. mean of seeds on {int(informative.sum())} architectures with 2+ seeds, "
                "each with its own seed count (sigma^2 = sum d^2 / sum (1 - 1/m))"),
        n=int(informative.sum()),
    )


def single_and_mean_interval(single: np.ndarray, mean: np.ndarray, rng: np.random.Generator,
                             seeds: int | np.ndarray = 3, draws: int = 2000,
                             level: float = 0.9) -> tuple[float, float]:
    """Bootstrap interval over architectures of the one-seed-vs-mean estimate (percentile method).

    Parameters
    ----------
    single, mean
        Accuracies (%) of the same architectures.
    rng
        Source of the resamples.
    seeds
        One assumed count for all (the estimate of :func:`from_single_and_mean`)
        or one per architecture (that of :func:`from_single_and_mean_counts`).
    draws
        Bootstrap resamples.
    level
        Coverage of the interval, in (0, 1).

    Returns
    -------
    tuple of float
        Lower and upper end of the interval for sigma (accuracy points).
    """
    check_bootstrap(draws, level)
    single, mean = np.asarray(single, dtype=float), np.asarray(mean, dtype=float)
    if np.ndim(seeds) == 0:
        from_single_and_mean(single, mean, int(seeds))  # validates
        return resampled_interval(lambda r: from_single_and_mean(single[r], mean[r], int(seeds)).sigma,
                                  single.size, rng, draws, level)
    counts = _counts(seeds, single.size)
    from_single_and_mean_counts(single, mean, counts)  # validates
    return resampled_interval(lambda r: from_single_and_mean_counts(single[r], mean[r], counts[r]).sigma,
                              single.size, rng, draws, level)
