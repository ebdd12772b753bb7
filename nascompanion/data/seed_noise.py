"""Estimates of seed-to-seed noise in architecture accuracies."""

from __future__ import annotations

import numpy as np

from nascompanion.data.benchmark import SeedNoise


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
