"""PVLL-NAS's Figure 3a under several settings: does gradient-guided sampling teach the estimator faster?

:func:`nascompanion.related.pvll_lockstep.figure_3a` runs the experiment for one setting. This module
runs it for each labelled setting (the paper's, and each departure), reads the largest guided-minus-
uniform gap of each with its bootstrap interval, and tabulates them.

A setting is ``(PVLLSettings, warm-up, whether the warm-up cells count in the training set)``.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from nascompanion.related import pvll_lockstep
from nascompanion.report.tables import interval


def figure_3a_runs(loss: np.ndarray, variants: Mapping[str, tuple], *, repeats: int, samples: int,
                   sizes: np.ndarray, seed: int, stream: int) -> dict:
    """Figure 3a for every setting of ``variants``; setting ``i`` draws from the stream
    ``[seed, stream, i]``, so adding a setting at the end changes none before it."""
    return {k: pvll_lockstep.figure_3a(loss, repeats, samples, sizes, np.random.default_rng([seed, stream, i]),
                                       warmup=w, settings=st, train_on_warmup=tw)
            for i, (k, (st, w, tw)) in enumerate(variants.items())}


def guided_gaps(runs: Mapping[str, dict], seed: Sequence[int]) -> dict:
    """The largest guided-minus-uniform gap of every setting (:func:`~nascompanion.related.pvll_lockstep.guided_gap`),
    each bootstrapped from a fresh stream ``seed``."""
    return {k: pvll_lockstep.guided_gap(o, np.random.default_rng(list(seed))) for k, o in runs.items()}


def panels(runs: Mapping[str, dict], first: int, prefix: str = "") -> dict:
    """The two learning curves of each of the ``first`` settings, for the estimator figure."""
    return {f"{prefix}{k}": {"gradient-guided": o["gradient-guided"], "uniform": o["uniform"]}
            for k, o in list(runs.items())[:first]}


def gap_table(gaps: Mapping[str, dict], runs: Mapping[str, dict] | None = None) -> pd.DataFrame:
    """One row per setting: the largest gap with its interval, the sizes where guided sampling is ahead
    and the largest share of degenerate repeats; with ``runs``, also both estimators' MSE at the last
    size and the mean loss of the guided minus the uniform cells.

    Examples
    --------
    >>> g = {"a": {"gap": -0.01, "low": -0.02, "high": 0.0, "ahead": 3, "degenerate": 0.0}}
    >>> gap_table(g)["sizes guided ahead"].tolist()
    [3]
    """
    rows = []
    for k, g in gaps.items():
        row = {"setting": k}
        if runs is not None:
            o = runs[k]
            row |= {"guided MSE, last size": o["gradient-guided"].mean(0)[-1],
                    "uniform MSE, last size": o["uniform"].mean(0)[-1]}
        row |= {"largest gap [90 % interval]": interval(g["gap"], g["low"], g["high"], 4),
                "sizes guided ahead": int(g["ahead"]), "degenerate repeats (largest share)": g["degenerate"]}
        if runs is not None:
            row["mean loss: guided - uniform"] = (runs[k]["guided mean loss"] - runs[k]["uniform mean loss"]).mean()
        rows.append(row)
    return pd.DataFrame(rows)


def mean_loss_gap(run: Mapping[str, np.ndarray]) -> np.ndarray:
    """Per repeat, the mean loss of the guided cells minus that of the uniform cells.

    Examples
    --------
    >>> mean_loss_gap({"guided mean loss": np.array([1.0, 2.0]), "uniform mean loss": np.array([1.5, 1.5])})
    array([-0.5,  0.5])
    """
    return np.asarray(run["guided mean loss"]) - np.asarray(run["uniform mean loss"])
