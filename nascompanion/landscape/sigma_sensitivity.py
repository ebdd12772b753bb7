"""How Table 1's simulated standard row depends on the seed-noise scale sigma (``search_space`` chapter).

These sit in the landscape layer because they simulate landscapes; the estimates of sigma themselves are
:mod:`nascompanion.objectives.noise_scale`'s.
"""

from __future__ import annotations

import copy
from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.data.benchmark import Benchmark
from nascompanion.landscape.noise import landscape_inputs, landscape_table
from nascompanion.landscape.stats import ls_map
from nascompanion.objectives.noise_scale import better_half


def minima_in_better_half(benchmark: Benchmark, neighbours: np.ndarray,
                          rng: np.random.Generator) -> pd.DataFrame:
    """Where seed noise makes local minima: one simulated one-seed landscape per dataset.

    Each dataset's landscape is its searched mean loss plus the book's sigma (:func:`nascompanion.objectives.noise_scale.class_estimate`,
    through :func:`nascompanion.landscape.noise.landscape_inputs`) times standard normal draws
    ``z``. Every dataset gets the same ``z``: a copy of ``rng`` draws them afresh for each, so the
    datasets differ only in their losses and their sigma.

    Parameters
    ----------
    benchmark
        The NB201 benchmark (its 15,625 cells in index order).
    neighbours
        The neighbour table of the cells (:func:`nascompanion.spaces.nb201.neighbour_table`).
    rng
        Source of ``z``; it is copied, not advanced.

    Returns
    -------
    pandas.DataFrame
        One row per dataset of ``benchmark``: ``local minima`` (how many) and ``% in the better
        half`` (the share of them in :func:`~nascompanion.objectives.noise_scale.better_half`).

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> from nascompanion.spaces import nb201
    >>> where = minima_in_better_half(load_benchmark(None), nb201.neighbour_table(),
    ...                               np.random.default_rng([0, 2]))
    >>> bool((where["% in the better half"] > 90).all()), list(where.columns)
    (True, ['local minima', '% in the better half'])
    """
    where = {}
    for name in benchmark.datasets:
        inp = landscape_inputs(benchmark, name)
        z = copy.deepcopy(rng).standard_normal(inp.base.size)
        noisy = inp.base + inp.sigma * z
        minima = np.flatnonzero(ls_map(noisy, neighbours) == np.arange(noisy.size))
        in_half = 100.0 * float(np.mean(better_half(benchmark, name)[minima]))
        where[name] = {"local minima": minima.size, "% in the better half": in_half}
    return pd.DataFrame(where).T


def standard_row_by_sigma(base: np.ndarray, sigmas: Mapping[str, float], neighbours: np.ndarray,
                          draws: int, rng: np.random.Generator) -> pd.DataFrame:
    """Table 1's simulated standard row under each of several sigmas, on common random numbers.

    Parameters
    ----------
    base
        The denoised loss of every cell.
    sigmas
        Name -> sigma of the simulated one-seed noise.
    neighbours
        The neighbour table of the cells.
    draws
        Noise draws the row averages over.
    rng
        Source of the draws; every sigma gets a copy of it, so only sigma differs between rows.

    Returns
    -------
    pandas.DataFrame
        Index (``sigma from``, ``statistic``); columns ``paper``, ``ours`` and ``ours_sd`` (the
        standard deviation over draws), as in :func:`nascompanion.landscape.noise.landscape_table`.

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])
    >>> rows = standard_row_by_sigma(np.arange(4.0), {"small": 0.01, "large": 10.0}, path, 3,
    ...                              np.random.default_rng(0))
    >>> float(rows.loc[("small", "local_minima"), "ours"])
    1.0
    """
    rows = {}
    for name, sigma in sigmas.items():
        table = landscape_table(base, sigma, neighbours, draws, copy.deepcopy(rng), include_random=False)
        rows[name] = table.loc["standard"]
    return pd.concat(rows, names=["sigma from"])[["paper", "ours", "ours_sd"]]
