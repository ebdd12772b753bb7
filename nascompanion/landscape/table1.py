"""Table 1 beyond its main rows: the real one-seed row, the simulated row at another sigma, other datasets.

Each function is one analysis of the chapter noise_and_local_minima, run over datasets, estimates
of sigma or noise draws, and returns a frame or arrays for the chapter to show or judge.
"""

from __future__ import annotations

import copy
from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.landscape.noise import LandscapeInputs, landscape_table, noise_sweep, standard_table
from nascompanion.report.stats import mean_interval
from nascompanion.report.tables import interval
from nascompanion.spaces.table import TableSpace

SIMULATED = "standard (simulated: noise x=1)"
"""The name Table 1 gives its simulated standard row."""

BAND_STATISTICS = ("local_minima", "reached_global_pct", "iterations")
"""The statistics of the simulated standard row shown at each estimate of sigma."""


def with_real_standard(table1: pd.DataFrame, benchmark, dataset: str, metric: str,
                       neighbours: TableSpace | np.ndarray, draws: int, rng: np.random.Generator) -> pd.DataFrame:
    """Table 1 with its standard row named :data:`SIMULATED` and, where the data hold one accuracy per
    training seed, the paper's standard row itself (one real seed per cell, ``draws`` draws).

    Parameters
    ----------
    table1
        :func:`~nascompanion.landscape.noise.landscape_table`'s frame.
    benchmark, dataset, metric
        The data and what is searched.
    neighbours
        The neighbour table.
    draws
        Seed draws of the real row.
    rng
        Source of the seed draws (used only with per-seed data).
    """
    table1 = table1.rename(index={"standard": SIMULATED}, level=0)
    if not benchmark.is_per_seed(dataset):
        return table1
    return pd.concat([table1, standard_table(benchmark, dataset, metric, neighbours, draws, rng)])


def simulated_standard_draws(base: np.ndarray, sigma: float, neighbours: TableSpace | np.ndarray, draws: int,
                             rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The simulated standard landscape (``x = 1``) at ``sigma``: every statistic over ``draws`` noise draws.

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])
    >>> simulated_standard_draws(np.arange(4.0), 0.01, path, 3, np.random.default_rng(0))["local_minima"].tolist()
    [1.0, 1.0, 1.0]
    """
    return {name: values[0] for name, values in noise_sweep(base, sigma, neighbours, [1.0], draws, rng).stats.items()}


def sigma_band(draws: Mapping[str, Mapping[str, np.ndarray]], sigmas: Mapping[str, float],
               paper: Mapping[str, float]) -> pd.DataFrame:
    """The simulated standard row at each estimate of sigma: mean [95 % interval], single-draw SD, paper.

    Parameters
    ----------
    draws
        ``{estimate: {statistic: values over draws}}``.
    sigmas
        ``{estimate: sigma}``, in the order of ``draws``.
    paper
        The paper's standard row.

    Examples
    --------
    >>> d = {"classes": {s: np.array([1.0, 2.0, 3.0]) for s in BAND_STATISTICS}}
    >>> sigma_band(d, {"classes": 0.25}, dict.fromkeys(BAND_STATISTICS, 2)).loc[("classes", "iterations"), "paper"]
    2
    """
    return pd.DataFrame({(est, stat): {"sigma": sigmas[est],
                                       "mean [95 % interval]": interval(*vars(mean_interval(d[stat])).values()),
                                       "single-draw SD": d[stat].std(ddof=1), "paper": paper[stat]}
                         for est, d in draws.items() for stat in BAND_STATISTICS}).T


def other_datasets(inputs: Mapping[str, LandscapeInputs], neighbours: TableSpace | np.ndarray, draws: int,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Table 1's denoised and simulated standard rows on every dataset (a column each).

    Every dataset starts from the same state of ``rng``, so all see the same noise draws ``z``
    (common random numbers: the datasets differ only in their losses and sigma).

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])
    >>> one = LandscapeInputs("d", "test", np.arange(4.0), np.arange(4.0), 0.01, "")
    >>> float(other_datasets({"d": one}, path, 2, np.random.default_rng(0)).loc[("denoised", "local_minima"), "d"])
    1.0
    """
    rows = []
    for name, inp in inputs.items():
        table = landscape_table(inp.base, inp.sigma, neighbours, draws, copy.deepcopy(rng), paper=None,
                                include_random=False)
        rows += [{"dataset": name, "version": version, "statistic": stat, "ours": round(value, 3)}
                 for (version, stat), value in table["ours"].items()]
    frame = pd.DataFrame(rows).pivot_table(index=["version", "statistic"], columns="dataset", values="ours",
                                           sort=False)
    return frame[list(inputs)]
