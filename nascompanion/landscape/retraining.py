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


def retraining_table(accuracy: np.ndarray, labels: np.ndarray, sigma: float, neighbours: TableSpace | np.ndarray,
                     draws: int, rng: np.random.Generator, keep: np.ndarray | None = None, batch: int = 8) -> pd.DataFrame:
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
    keep
        Cells whose residuals are real noise (e.g. those with an input-output path);
        the others keep their values in every landscape.

    Returns
    -------
    pandas.DataFrame
        Index: the statistics of :data:`STATISTICS`;
        columns ``real``, ``class means``, ``simulated`` (mean over draws),
        ``simulated_sd`` and ``z`` = (real - simulated) / simulated_sd.
    """
    accuracy = np.asarray(accuracy, dtype=float)
    base = class_means(accuracy, labels, keep)
    real = landscape_stats(100.0 - accuracy, neighbours)
    smooth = landscape_stats(100.0 - base, neighbours)
    simulated = {name: np.zeros(draws) for name in STATISTICS}
    for start in range(0, draws, batch):
        size = min(batch, draws - start)
        noisy = base + gaussian_residuals(labels, sigma, rng, keep, size)
        stats = batched_stats(100.0 - noisy, neighbours)
        for name in STATISTICS:
            simulated[name][start:start + size] = stats[name]
    rows = {}
    for name in STATISTICS:
        mean = float(simulated[name].mean())
        sd = float(simulated[name].std(ddof=1)) if draws > 1 else 0.0
        rows[name] = {"real": float(getattr(real, name)), "class means": float(getattr(smooth, name)), "simulated": mean,
                      "simulated_sd": sd, "z": (float(getattr(real, name)) - mean) / sd if sd > 0 else float("nan")}
    return pd.DataFrame.from_dict(rows, orient="index")
