"""The drift landscapes of AnalogNAS-Bench in time order: does a longer drift make a harder landscape?

AnalogNAS-Bench measures every cell after 60 s, 1 h, 1 d and 30 d of conductance drift, once with
the plain analog model (``drift-*``) and once with noise-aware training (``noisy-drift-*``).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

DRIFT_TIMES = ("60s", "1h", "1d", "30d")
"""The drift times, shortest first."""

SERIES = ("drift", "noisy-drift")
"""The two series of drift landscapes."""

COLUMNS = ("local_minima", "reached_global_pct", "rank_disagreement")
"""The statistics shown for every drift landscape."""


def drift_series(kinds: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each series' landscapes in time order, with :data:`COLUMNS`.

    Examples
    --------
    >>> kinds = pd.DataFrame({c: range(8) for c in COLUMNS},
    ...                      index=[f"{s}-{t}" for s in SERIES for t in DRIFT_TIMES])
    >>> list(drift_series(kinds)["noisy-drift"].index)
    ['noisy-drift-60s', 'noisy-drift-1h', 'noisy-drift-1d', 'noisy-drift-30d']
    """
    return {prefix: kinds.loc[[f"{prefix}-{t}" for t in DRIFT_TIMES], list(COLUMNS)] for prefix in SERIES}


def drift_values(series: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    """First and last drift time's minima and shares of each series, and whether longer drift has fewer minima.

    Examples
    --------
    >>> rows = pd.DataFrame({"local_minima": [30, 20], "reached_global_pct": [5.0, 6.0]})
    >>> drift_values({"drift": rows})["drift_reading"].startswith("in both series")
    True
    """
    values: dict[str, object] = {}
    for prefix, rows in series.items():
        values |= {f"{prefix}_min_first": float(rows["local_minima"].iloc[0]),
                   f"{prefix}_min_last": float(rows["local_minima"].iloc[-1]),
                   f"{prefix}_glob_first": float(rows["reached_global_pct"].iloc[0]),
                   f"{prefix}_glob_last": float(rows["reached_global_pct"].iloc[-1])}
    fewer = all(rows["local_minima"].iloc[-1] < rows["local_minima"].iloc[0] for rows in series.values())
    values["drift_reading"] = ("in both series the longest drift has fewer local minima than the shortest, so longer "
                               "drift is not a harder landscape by that count" if fewer
                               else "the count of local minima does not fall with drift in both series")
    return values


def drift_sd_range(spread: Mapping[str, np.ndarray]) -> dict[str, float]:
    """The largest and smallest mean SD over cells of the drift landscapes (``drift_sd_max``, ``drift_sd_min``).

    Examples
    --------
    >>> drift_sd_range({"analog-drift-1h": np.array([1.0, 3.0]), "analog-drift-1d": np.array([0.5, 0.5])})
    {'drift_sd_max': 2.0, 'drift_sd_min': 0.5}
    """
    sd = {name.removeprefix("analog-"): float(np.mean(values)) for name, values in spread.items()}
    return {"drift_sd_max": max(sd.values()), "drift_sd_min": min(sd.values())}
