"""Local search against random search on both training pipelines of the digits benchmark.

Each pipeline is searched with each objective (one seed per query, or the mean of the seeds), and
each search returns one cell per run; what is compared is the test error (mean over seeds) of the
returned cells, paired run by run (both algorithms see the same trial objectives).
"""

from __future__ import annotations

import copy
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from nascompanion import objectives
from nascompanion.report.stats import Interval, paired_difference
from nascompanion.search import registry


def pick_cells(benchmark, space, pipelines: Sequence[str], versions: Mapping[str, str],
               configs: Mapping[str, Mapping], runs: int, budget: int, trial_rng: np.random.Generator,
               search_rng: np.random.Generator) -> dict[tuple[str, str, str], np.ndarray]:
    """The test error of the cell each run returns, by (pipeline, objective, algorithm label).

    Parameters
    ----------
    benchmark, space
        The digits benchmark (datasets ``digits-<pipeline>``) and its search space.
    pipelines
        Pipelines searched.
    versions
        ``{objective name: objective version}`` (e.g. ``{"one seed": "standard"}``).
    configs
        ``{algorithm: its keyword arguments}``.
    runs, budget
        Runs per search and queries per run.
    trial_rng, search_rng
        Every objective's trials start from ``trial_rng``'s state, every search from ``search_rng``'s
        (the same streams for each pipeline, objective and algorithm; neither is advanced).
    """
    picked = {}
    for p in pipelines:
        test_err = objectives.denoised_losses(benchmark, f"digits-{p}", "test")
        for o, version in versions.items():
            trials = objectives.trial_losses(benchmark, f"digits-{p}", version, runs, copy.deepcopy(trial_rng))
            for a, config in configs.items():
                result = registry.run(a, space, trials, budget, copy.deepcopy(search_rng), **config)
                picked[(p, o, registry.get(a).label)] = test_err[result.best_archs()]
    return picked


def search_gaps(picked: Mapping[tuple[str, str, str], np.ndarray], z: float) -> dict[tuple[str, str], Interval]:
    """Local search minus random search, paired over runs, for every (pipeline, objective).

    Examples
    --------
    >>> picked = {("p", "o", "local search"): np.array([1.0, 2.0, 3.0]),
    ...           ("p", "o", "random search"): np.array([2.0, 2.5, 4.0])}
    >>> round(search_gaps(picked, 1.96)[("p", "o")].estimate, 3)
    -0.833
    """
    keys = dict.fromkeys((p, o) for p, o, _ in picked)
    return {(p, o): paired_difference(picked[(p, o, "local search")], picked[(p, o, "random search")], z=z)
            for p, o in keys}


def search_table(picked: Mapping[tuple[str, str, str], np.ndarray], gaps: Mapping[tuple[str, str], Interval]
                 ) -> pd.DataFrame:
    """Mean test error of each algorithm, the paired difference with its interval, and the share of tied runs."""
    return pd.DataFrame({key: {"local search": picked[(*key, "local search")].mean(),
                               "random search": picked[(*key, "random search")].mean(),
                               "LS - RS": g.estimate, "low": g.low, "high": g.high,
                               "tied runs %": 100 * np.mean(picked[(*key, "local search")]
                                                            == picked[(*key, "random search")])}
                         for key, g in gaps.items()}).T
