"""Does Gaussian noise of the estimated size do to a landscape what one real retraining does?

Cells of one isomorphism class compute the same function, so on a benchmark where
every cell was trained once their accuracies are independent trainings of one
network. Split each accuracy into its class mean and a within-class residual,
``x_i = m_c + r_i``. The real landscape keeps the real residuals; the simulated
one replaces them with Gaussian residuals of the same structure,
``sigma * (z_i - z_c)`` with ``z_c`` the class mean of the ``z``, which is what the
book's noise model (independent, same ``sigma`` everywhere) says the real ones are.
Both share the class means, so any difference in Table 1 comes from the noise's
shape, not its size or the pipeline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.landscape.noise import batched_stats
from nascompanion.landscape.stats import landscape_stats
from nascompanion.spaces.table import TableSpace

STATISTICS: tuple[str, ...] = ("local_minima", "reached_global_pct", "iterations", "global_basin_size")
"""The Table 1 statistics :func:`retraining_table` compares."""


def _groups(labels: np.ndarray) -> np.ndarray:
    return np.unique(np.asarray(labels), return_inverse=True)[1]


def class_means(values: np.ndarray, labels: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
    """Every kept cell's value replaced by the mean over the kept cells of its class; others unchanged.

    Examples
    --------
    >>> class_means(np.array([1.0, 3.0, 5.0, 7.0]), np.array([0, 0, 1, 1]), keep=np.array([True, True, True, False]))
    array([2., 2., 5., 7.])
    """
    values = np.asarray(values, dtype=float)
    keep = np.ones(values.shape, bool) if keep is None else np.asarray(keep, bool)
    group = _groups(labels)
    weight = keep.astype(float)
    means = np.bincount(group, weights=weight * values) / np.maximum(np.bincount(group, weights=weight), 1.0)
    return np.where(keep, means[group], values)


def gaussian_residuals(labels: np.ndarray, sigma: float, rng: np.random.Generator, keep: np.ndarray | None = None,
                       draws: int = 1) -> np.ndarray:
    """Within-class residuals of independent Gaussian noise: ``sigma * (z_i - z_class)``, shape ``(draws, n)``.

    Cells outside ``keep`` get 0 and do not enter the class means.

    Examples
    --------
    >>> r = gaussian_residuals(np.array([0, 0, 1]), 1.0, np.random.default_rng(0))
    >>> bool(abs(r[0, 0] + r[0, 1]) < 1e-12), float(r[0, 2])   # a class sums to zero; a singleton has none
    (True, 0.0)
    """
    if not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"sigma must be a finite number >= 0, got {sigma!r}")
    labels = np.asarray(labels)
    keep = np.ones(labels.shape, bool) if keep is None else np.asarray(keep, bool)
    z = rng.standard_normal((draws, labels.size)) * keep
    group = _groups(labels)
    counts = np.maximum(np.bincount(group, weights=keep.astype(float)), 1.0)
    centre = np.stack([np.bincount(group, weights=row) for row in z]) / counts
    return sigma * (z - centre[:, group]) * keep


def simulated_statistics(accuracy: np.ndarray, labels: np.ndarray, sigma: float, neighbours: TableSpace | np.ndarray,
                         draws: int, rng: np.random.Generator, keep: np.ndarray | None = None,
                         batch: int = 8) -> dict[str, np.ndarray]:
    """Table 1 of ``draws`` simulated landscapes: class means plus Gaussian within-class residuals.

    Parameters are those of :func:`retraining_table`.

    Returns
    -------
    dict
        For every name of :data:`STATISTICS`, its value on each simulated landscape, shape ``(draws,)``.

    Examples
    --------
    >>> from nascompanion.spaces.table import hamming_table
    >>> stats = simulated_statistics(np.arange(27.0), np.arange(27), 0.5, hamming_table(3, 3), 4, np.random.default_rng(0))
    >>> stats["local_minima"].tolist()   # singleton classes carry no residual
    [1.0, 1.0, 1.0, 1.0]
    """
    base = class_means(np.asarray(accuracy, dtype=float), labels, keep)
    simulated = {name: np.zeros(draws) for name in STATISTICS}
    for start in range(0, draws, batch):
        size = min(batch, draws - start)
        noisy = base + gaussian_residuals(labels, sigma, rng, keep, size)
        stats = batched_stats(100.0 - noisy, neighbours)
        for name in STATISTICS:
            simulated[name][start:start + size] = stats[name]
    return simulated


def z_interval(real: float, simulated: np.ndarray, rng: np.random.Generator, level: float = 0.9,
               resamples: int = 1000) -> tuple[float, float]:
    """Percentile bootstrap interval of ``z = (real - mean) / sd`` over the simulated draws.

    The simulated draws are the randomness of the test (the real landscape is one fixed
    measurement); resamples whose draws are all equal have no ``sd`` and are left out.

    Examples
    --------
    >>> low, high = z_interval(0.0, np.random.default_rng(0).normal(3.0, 1.0, 200), np.random.default_rng(1))
    >>> bool(-3.6 < low < high < -2.4)
    True
    """
    simulated = np.asarray(simulated, dtype=float)
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1")
    picks = simulated[rng.integers(0, simulated.size, size=(resamples, simulated.size))]
    sd = picks.std(axis=1, ddof=1) if simulated.size > 1 else np.zeros(resamples)
    z = (real - picks.mean(axis=1))[sd > 0] / sd[sd > 0]
    if z.size == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(z, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def retraining_table(accuracy: np.ndarray, labels: np.ndarray, sigma: float, neighbours: TableSpace | np.ndarray,
                     draws: int, rng: np.random.Generator, keep: np.ndarray | None = None, batch: int = 8,
                     level: float = 0.9, resamples: int = 1000) -> pd.DataFrame:
    """Table 1 of the real landscape, of its class means, and of the class means plus Gaussian residuals.

    Parameters
    ----------
    accuracy
        Accuracy (%) of every cell, each cell one independent training.
    labels
        Isomorphism class of every cell.
    sigma
        Standard deviation of one training's accuracy (accuracy points).
    neighbours
        The graph.
    draws
        Simulated landscapes.
    rng
        Source of the Gaussian residuals, then of the bootstrap of ``z``.
    keep
        Cells whose residuals are real noise (e.g. those with an input-output path);
        the others keep their values in every landscape.
    batch
        Simulated landscapes computed at once.
    level, resamples
        Coverage and resamples of the bootstrap interval of ``z`` over the simulated draws
        (:func:`z_interval`).

    Returns
    -------
    pandas.DataFrame
        Index: the statistics of :data:`STATISTICS`;
        columns ``real``, ``class means``, ``simulated`` (mean over draws),
        ``simulated_sd``, ``z`` = (real - simulated) / simulated_sd, and ``z_low``, ``z_high``.

    Examples
    --------
    >>> from nascompanion.spaces.table import hamming_table
    >>> t = retraining_table(np.arange(27.0), np.arange(27), 0.0, hamming_table(3, 3), 2, np.random.default_rng(0))
    >>> t.loc["local_minima", ["real", "class means", "simulated"]].tolist()
    [1.0, 1.0, 1.0]
    """
    accuracy = np.asarray(accuracy, dtype=float)
    real = landscape_stats(100.0 - accuracy, neighbours)
    smooth = landscape_stats(100.0 - class_means(accuracy, labels, keep), neighbours)
    simulated = simulated_statistics(accuracy, labels, sigma, neighbours, draws, rng, keep, batch)
    rows = {}
    for name in STATISTICS:
        mean = float(simulated[name].mean())
        sd = float(simulated[name].std(ddof=1)) if draws > 1 else 0.0
        measured = float(getattr(real, name))
        rows[name] = {"real": measured, "class means": float(getattr(smooth, name)), "simulated": mean,
                      "simulated_sd": sd, "z": (measured - mean) / sd if sd > 0 else float("nan")}
    for name in STATISTICS:
        rows[name]["z_low"], rows[name]["z_high"] = z_interval(rows[name]["real"], simulated[name], rng, level, resamples)
    return pd.DataFrame.from_dict(rows, orient="index")


def sigma_sensitivity(accuracy: np.ndarray, labels: np.ndarray, sigmas: np.ndarray, neighbours: TableSpace | np.ndarray,
                      draws: int, rng: np.random.Generator, keep: np.ndarray | None = None,
                      statistics: tuple[str, ...] = ("local_minima", "reached_global_pct")) -> pd.DataFrame:
    """The simulated Table 1 statistics (mean, SD and ``z`` of the real value) at every ``sigma``.

    Every ``sigma`` scales the same Gaussian draws (common random numbers: ``rng`` is rewound to its
    starting state for each ``sigma``), so the rows differ by the noise's size only. Afterwards
    ``rng`` is where the last ``sigma``'s simulation left it.

    Parameters
    ----------
    accuracy, labels, neighbours, keep
        As for :func:`retraining_table`.
    sigmas
        Noise sizes (accuracy points), one row each.
    draws
        Simulated landscapes per ``sigma``.
    rng
        Source of the Gaussian residuals.
    statistics
        Names of :data:`STATISTICS` to report.

    Returns
    -------
    pandas.DataFrame
        Index ``sigma``; columns ``<statistic>`` (simulated mean), ``<statistic> sd`` and
        ``<statistic> z`` for each of ``statistics``.

    Examples
    --------
    >>> from nascompanion.spaces.table import hamming_table
    >>> t = sigma_sensitivity(np.arange(27.0), np.arange(27) // 3, np.array([0.0, 5.0]), hamming_table(3, 3), 3,
    ...                       np.random.default_rng(0))
    >>> t.index.tolist(), t.columns.tolist()[:3]
    ([0.0, 5.0], ['local_minima', 'local_minima sd', 'local_minima z'])
    """
    accuracy = np.asarray(accuracy, dtype=float)
    real = landscape_stats(100.0 - accuracy, neighbours)
    state = rng.bit_generator.state
    rows = {}
    for sigma in np.asarray(sigmas, dtype=float):
        rng.bit_generator.state = state
        simulated = simulated_statistics(accuracy, labels, float(sigma), neighbours, draws, rng, keep)
        row = {}
        for name in statistics:
            mean, sd = float(simulated[name].mean()), float(simulated[name].std(ddof=1)) if draws > 1 else 0.0
            row |= {name: mean, f"{name} sd": sd,
                    f"{name} z": (float(getattr(real, name)) - mean) / sd if sd > 0 else float("nan")}
        rows[float(sigma)] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "sigma"
    return out
