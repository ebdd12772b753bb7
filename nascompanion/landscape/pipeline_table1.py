"""Table 1 on the digits benchmark, per training pipeline: the mean of the seeds beside the spread of
one-seed landscapes over independent seed draws, and the gaps the chapter denoising_pipeline judges."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

STATISTICS = ("local_minima", "reached_global_pct", "iterations")
"""The Table 1 statistics (as :data:`nascompanion.landscape.noise.TABLE1_STATISTICS`)."""

TABLE1_COLUMNS: Mapping[str, str] = {
    "iterations": "iterations to converge", "local_minima": "local minima",
    "reached_global_pct": "starts reaching the global minimum (%)",
}
"""The reader's header of each Table 1 statistic."""

SHORT = {"mean of seeds": "mean", "one seed: median": "median", "one seed: low end": "low",
         "one seed: high end": "high"}
"""Each row of the table -> the short name its glued values carry."""


def pipeline_table1(one_seed: Mapping[str, pd.DataFrame], mean_seeds: Mapping[str, Mapping[str, float]],
                    quantiles: Sequence[float], statistics: Sequence[str] = STATISTICS) -> pd.DataFrame:
    """Per pipeline: the mean-of-seeds landscape, and the median and the two ``quantiles`` of the one-seed draws.

    Parameters
    ----------
    one_seed
        ``{pipeline: one row per seed draw, a column per statistic}``.
    mean_seeds
        ``{pipeline: statistics of the mean-of-seeds landscape}``.
    quantiles
        The low and high end of the draws shown.

    Examples
    --------
    >>> draws = pd.DataFrame({"local_minima": [10.0, 20.0, 30.0]})
    >>> t = pipeline_table1({"noisy": draws}, {"noisy": {"local_minima": 5}}, (0.05, 0.95), ("local_minima",))
    >>> t["local_minima"].tolist()
    [5.0, 20.0, 11.0, 29.0]
    """
    rows = {}
    for p, draws in one_seed.items():
        rows[(p, "mean of seeds")] = {s: float(mean_seeds[p][s]) for s in statistics}
        for label, share in (("one seed: median", 0.5), ("one seed: low end", quantiles[0]),
                             ("one seed: high end", quantiles[1])):
            rows[(p, label)] = draws.quantile(share).to_dict()
    return pd.DataFrame(rows).T.round(2)


def table_values(table: pd.DataFrame, statistics: Sequence[str] = STATISTICS) -> dict[str, float]:
    """Every entry of :func:`pipeline_table1`'s table as ``<statistic>_<pipeline>_<row>`` (rows as :data:`SHORT`)."""
    return {f"{s}_{p}_{SHORT[label]}": float(r[s]) for (p, label), r in table.iterrows() for s in statistics}


def pipeline_gaps(one_seed: Mapping[str, pd.DataFrame], mean_seeds: Mapping[str, Mapping[str, float]]
                  ) -> dict[str, pd.Series]:
    """Per seed draw: the noisy minus the denoised pipeline's one-seed minima (``minima``), the denoised minus
    the noisy share reaching the global minimum (``basin``), and on each pipeline what averaging the seeds
    removes (``avg_minima_<p>``: one seed minus mean) and adds (``avg_basin_<p>``: mean minus one seed).

    Examples
    --------
    >>> draws = {p: pd.DataFrame({"local_minima": [10.0, 12.0], "reached_global_pct": [1.0, 2.0]})
    ...          for p in ("noisy", "denoised")}
    >>> mean = {p: {"local_minima": 8, "reached_global_pct": 3.0} for p in draws}
    >>> pipeline_gaps(draws, mean)["avg_minima_noisy"].tolist()
    [2.0, 4.0]
    """
    gap = {"minima": one_seed["noisy"]["local_minima"] - one_seed["denoised"]["local_minima"],
           "basin": one_seed["denoised"]["reached_global_pct"] - one_seed["noisy"]["reached_global_pct"]}
    gap |= {f"avg_minima_{p}": one_seed[p]["local_minima"] - mean_seeds[p]["local_minima"] for p in one_seed}
    gap |= {f"avg_basin_{p}": mean_seeds[p]["reached_global_pct"] - one_seed[p]["reached_global_pct"]
            for p in one_seed}
    return gap
