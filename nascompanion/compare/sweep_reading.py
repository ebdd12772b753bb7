"""Reading the noise sweep: local search's rank and gap at every noise multiplier, and the gap's slope.

:func:`nascompanion.compare.run.noise_sweep` gives every algorithm's final error at every noise
multiplier ``x``. Local search's gap is its mean final error minus the better of the other
algorithms; its slope over ``x`` (fitted per trial) says whether local search falls behind
(positive) or gains ground (negative) as the noise grows.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from nascompanion.compare import run as cmp


def local_search_ranks(table: pd.DataFrame, algorithm: str = "local_search") -> pd.DataFrame:
    """``algorithm``'s rank at every ``x`` (rows) on every dataset (columns), from a sweep's table.

    Examples
    --------
    >>> t = pd.DataFrame({"dataset": ["a", "a"], "x": [0.0, 1.0], "algorithm": ["local_search"] * 2,
    ...                   "rank": [1, 2]})
    >>> local_search_ranks(t)["a"].tolist()
    [1, 2]
    """
    return table[table.algorithm == algorithm].pivot(index="x", columns="dataset", values="rank")


def mean_gaps(table: pd.DataFrame, algorithms: tuple[str, ...], algorithm: str = "local_search") -> pd.DataFrame:
    """Mean final error of ``algorithm`` minus the better of the other ``algorithms``: ``x`` by dataset.

    Examples
    --------
    >>> t = pd.DataFrame({"dataset": ["a"] * 2, "x": [0.0] * 2, "algorithm": ["local_search", "rs"],
    ...                   "mean": [1.0, 1.5]})
    >>> float(mean_gaps(t, ("local_search", "rs")).loc[0.0, "a"])
    -0.5
    """
    relative = table.pivot_table(index=["dataset", "x"], columns="algorithm", values="mean")[list(algorithms)]
    return (relative[algorithm] - relative.drop(columns=algorithm).min(axis=1)).unstack("dataset")


def gap_slopes(sweep: "cmp.Sweep", datasets: Mapping[str, str], others: tuple[str, ...]) -> dict:
    """The slope over ``x`` of local search's per-trial gap to the better of ``others``, per dataset
    (:func:`~nascompanion.compare.run.gap_slope`, 95 % interval over trials)."""
    return {d: cmp.gap_slope(sweep, d, others=tuple(others)) for d in datasets}


def slope_table(slopes: Mapping, gaps: pd.DataFrame) -> pd.DataFrame:
    """Each dataset's slope with its interval, beside the earlier reading: the gap at the largest ``x``
    minus the gap at ``x = 0``."""
    return pd.DataFrame({d: {"slope per unit x": s.estimate, "95% low": s.low, "95% high": s.high,
                             "gap at the largest x minus gap at x = 0": gaps[d].iloc[-1] - gaps[d].iloc[0]}
                         for d, s in slopes.items()}).T
