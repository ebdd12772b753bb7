"""NAS-Bench-201's three loss landscapes as Section 5 models them: the losses, the Eq. 5.3 fits of
their histograms, how neighbouring losses go together, and the local density read from them.

Every function takes or returns one entry per dataset of :data:`DATASETS`, in that order, so that a
chapter computes each quantity for all three landscapes in one call.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.data.benchmark import Benchmark
from nascompanion.objectives import losses
from nascompanion.report.stats import pair_share_within
from nascompanion.theory import fitting as F
from nascompanion.theory.montecarlo import neighbour_correlation

DATASETS: Mapping[str, tuple[str, str]] = {"CIFAR-10": ("cifar10-valid", "validation"),
                                           "CIFAR-100": ("cifar100", "test"),
                                           "ImageNet16-120": ("ImageNet16-120", "test")}
"""The paper's name of each landscape -> (the benchmark's dataset, the metric searched). CIFAR-100 and
ImageNet16-120 have no validation accuracy in the tables, so their test accuracy stands in."""

CLASSES: Mapping[str, int] = {"CIFAR-10": 10, "CIFAR-100": 100, "ImageNet16-120": 120}
"""Classes of each dataset (chance accuracy is 100 / classes %)."""


def dataset_losses(benchmark: Benchmark) -> dict[str, np.ndarray]:
    """The denoised loss (100 - mean accuracy, %) of every cell on each landscape of :data:`DATASETS`."""
    return {name: losses(benchmark, dataset, "denoised", metric=metric)
            for name, (dataset, metric) in DATASETS.items()}


def normalise_all(raw: Mapping[str, np.ndarray], how: str) -> dict[str, np.ndarray]:
    """:func:`~nascompanion.theory.fitting.normalise` applied to every landscape.

    Examples
    --------
    >>> normalise_all({"a": np.array([10.0, 20.0, 30.0])}, "minmax")["a"].tolist()
    [0.0, 0.5, 1.0]
    """
    return {name: F.normalise(values, how) for name, values in raw.items()}


def fit_grid(raw: Mapping[str, np.ndarray]) -> dict[tuple[str, str, str], F.Eq53Fit]:
    """Eq. 5.3 fitted to every landscape under every normalisation and fit method.

    Returns
    -------
    dict
        ``(dataset, normalisation, method)`` -> fit, datasets outermost, methods innermost.
    """
    return {(name, how, method): F.fit_eq53(F.normalise(values, how), method)
            for name, values in raw.items() for how in F.NORMALISATIONS for method in F.METHODS}


def fits_table(fits: Mapping[tuple[str, str, str], F.Eq53Fit]) -> pd.DataFrame:
    """The fits as a table: one row per normalisation and method, columns ``σ, <dataset>`` and ``v, <dataset>``.

    Examples
    --------
    >>> fits = {("A", "minmax", "mle"): F.Eq53Fit(0.2, 0.1, "mle"),
    ...         ("A", "minmax", "histogram"): F.Eq53Fit(0.3, 0.1, "histogram")}
    >>> list(fits_table(fits).columns)
    ['normalisation', 'fit', 'σ, A', 'v, A']
    """
    long = pd.DataFrame([{"dataset": k[0], "normalisation": k[1], "fit": k[2], "v": f.v, "σ": f.sigma}
                         for k, f in fits.items()])
    wide = long.pivot(index=["normalisation", "fit"], columns="dataset", values=["σ", "v"])
    wide.columns = [f"{quantity}, {dataset}" for quantity, dataset in wide.columns]
    return wide.reset_index()


def chance_shares(raw: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Share (%) of cells with less than twice chance accuracy on each landscape.

    Examples
    --------
    >>> chance_shares({"CIFAR-10": np.array([85.0, 10.0, 50.0, 20.0])})
    {'CIFAR-10': 25.0}
    """
    return {name: float(np.mean(100.0 - values < 2 * 100.0 / CLASSES[name]) * 100) for name, values in raw.items()}


def diagonal_shares(norm: Mapping[str, np.ndarray], neighbours: np.ndarray, band: float) -> pd.DataFrame:
    """Per landscape, the share of neighbouring pairs whose losses lie within ``band`` of each other,
    and the share of independent pairs that do (the baseline).

    Examples
    --------
    >>> cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    >>> diagonal_shares({"a": np.array([0.0, 0.05, 0.5, 1.0])}, cycle, 0.1).round(3).values.tolist()
    [[0.25, 0.375]]
    """
    near = {name: float(np.mean(np.abs(np.subtract(*F.neighbour_pairs(values, neighbours))) <= band))
            for name, values in norm.items()}
    independent = {name: pair_share_within(values, band) for name, values in norm.items()}
    return pd.DataFrame({"share of neighbouring pairs within the band": near,
                         "share of independent pairs within the band": independent})


def walk_correlations(norm: Mapping[str, np.ndarray], neighbours: np.ndarray, rng: np.random.Generator,
                      walks: int, lags: int = 8) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Per landscape, the random walk autocorrelation at lags ``1..lags`` (``walks`` walks, landscapes in
    order on ``rng``) and the exact lag-1 correlation over all ordered neighbouring pairs."""
    rwa = {name: F.random_walk_autocorrelation(values, neighbours, rng, lags=lags, walks=walks)
           for name, values in norm.items()}
    rho = {name: neighbour_correlation(values, neighbours) for name, values in norm.items()}
    return rwa, rho


def local_density_table(norm: Mapping[str, np.ndarray], neighbours: np.ndarray, hist: Mapping[str, F.Eq53Fit],
                        rwa: Mapping[str, np.ndarray], rho: Mapping[str, float]) -> pd.DataFrame:
    """Per landscape, the ingredients of the two local densities: the RWA and exact lag-1 correlation,
    the histogram fit's sigma, sigma_e from the RWA and sigma_e fitted to the pairs."""
    return pd.DataFrame({name: {"RWA lag 1 (walks)": rwa[name][0], "lag 1 over all pairs": rho[name],
                                "sigma_n (histogram)": hist[name].sigma,
                                "sigma_e from RWA": F.rwa_local_sigma(hist[name].sigma, rho[name]),
                                "sigma_e (mle on pairs)": F.fit_local_sigma(values, neighbours)}
                         for name, values in norm.items()}).T


def chosen_fits(fits: Mapping[tuple[str, str, str], F.Eq53Fit], how: str, method: str) -> dict[str, F.Eq53Fit]:
    """Each landscape's fit under one normalisation and method.

    Examples
    --------
    >>> fits = {("A", "minmax", "mle"): F.Eq53Fit(0.2, 0.1, "mle"), ("A", "minmax", "histogram"): F.Eq53Fit(0.3, 0.1, "histogram")}
    >>> chosen_fits(fits, "minmax", "histogram")["A"].v
    0.3
    """
    names = dict.fromkeys(name for name, _, _ in fits)
    return {name: fits[(name, how, method)] for name in names}


def loss_ranges(raw: Mapping[str, np.ndarray]) -> dict[str, float]:
    """The range (max - min) of each landscape's losses, in accuracy points.

    Examples
    --------
    >>> loss_ranges({"A": np.array([6.0, 10.0, 90.0])})
    {'A': 84.0}
    """
    return {name: float(values.max() - values.min()) for name, values in raw.items()}
