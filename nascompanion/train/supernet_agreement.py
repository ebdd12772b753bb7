"""How far a supernet's ranking of cells agrees with stand-alone training, over pipelines and supernet seeds.

The digits benchmark trains every cell alone under two pipelines (``digits-denoised`` and
``digits-noisy``); a supernet gives every cell an inherited accuracy. This module holds the loops
over pipelines and supernet trainings: Kendall's tau of the supernet against stand-alone training
(and of two stand-alone seeds against each other) with bootstrap intervals over cells, the tau of
every supernet training, and the stand-alone error of the cells PVLL-NAS samples.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from nascompanion.related import supernet_rank
from nascompanion.report.tables import interval
from nascompanion.train import proxy_store

PIPELINES: tuple[str, ...] = ("denoised", "noisy")
"""The two pipelines of the digits benchmark (datasets ``digits-<pipeline>``)."""


def standalone(digits, cells: np.ndarray) -> tuple[dict, dict]:
    """Per pipeline, the per-seed validation accuracy of every cell, and the mean over seeds of ``cells``."""
    per_seed = {p: digits.validation_accuracy(f"digits-{p}") for p in PIPELINES}
    return per_seed, {p: supernet_rank.standalone_mean(a)[cells] for p, a in per_seed.items()}


def ranking_intervals(table, cells: np.ndarray, alone: Mapping[str, np.ndarray], per_seed: Mapping[str, np.ndarray],
                      rng: np.random.Generator, level: float, draws: int) -> tuple[dict, dict, dict]:
    """Kendall's tau with a bootstrap interval over ``cells``, per pipeline, from the one stream ``rng``:
    the supernet's accuracy and minus its loss against stand-alone training (mean of seeds), and
    stand-alone seed 0 against seed 1."""
    inherited = table.accuracy[cells]
    taus = {p: supernet_rank.kendall_interval(inherited, a, rng, level, draws) for p, a in alone.items()}
    loss_taus = {p: supernet_rank.kendall_interval(-table.loss[cells], a, rng, level, draws) for p, a in alone.items()}
    seed_taus = {p: supernet_rank.kendall_interval(a[cells, 0], a[cells, 1], rng, level, draws)
                 for p, a in per_seed.items()}
    return taus, loss_taus, seed_taus


def tau_table(taus: Mapping, loss_taus: Mapping, seed_taus: Mapping, level: float) -> pd.DataFrame:
    """The three rankings' taus with their intervals, one row per pair and pipeline."""
    rows = {("supernet accuracy vs stand-alone (mean of seeds)", p): taus[p] for p in taus}
    rows |= {("minus supernet loss vs stand-alone (mean of seeds)", p): loss_taus[p] for p in taus}
    rows |= {("stand-alone seed 0 vs seed 1", p): seed_taus[p] for p in taus}
    return pd.DataFrame([{"pair": pair, "pipeline": p, f"Kendall tau [{100 * level:.0f} % interval]":
                          interval(t.estimate, t.low, t.high, 3)} for (pair, p), t in rows.items()])


def taus_by_training(table, settings, cells: np.ndarray, alone: Mapping[str, np.ndarray], trainings: int) -> dict:
    """Kendall's tau of each supernet training (seed 0: ``table``; seeds 1, 2, ...: ``settings`` with
    that seed, evaluated on ``cells`` only) against stand-alone training, per pipeline."""

    accuracies = [table.accuracy[cells]] + [proxy_store.proxy_table(replace(settings, seed=k), cells=cells).accuracy
                                            for k in range(1, trainings)]
    return {p: [kendalltau(acc, alone[p]).statistic for acc in accuracies] for p in alone}


def by_training_table(seed_rows: Mapping[str, list], seed_taus: Mapping) -> pd.DataFrame:
    """Each supernet training's tau per pipeline, with the stand-alone seed-vs-seed tau as the last row.

    Examples
    --------
    >>> from nascompanion.report.stats import Interval
    >>> t = by_training_table({"denoised": [0.1, 0.2]}, {"denoised": Interval(0.4, 0.3, 0.5)})
    >>> t["denoised"].tolist()
    [0.1, 0.2, 0.4]
    """
    trainings = len(next(iter(seed_rows.values())))
    table = pd.DataFrame(dict(seed_rows), index=pd.Index(range(trainings), name="supernet seed"))
    table.loc["stand-alone seed 0 vs seed 1"] = [seed_taus[p].estimate for p in seed_rows]
    return table.rename_axis("supernet training").reset_index()


def standalone_test_error(digits) -> dict[str, np.ndarray]:
    """Per pipeline, every cell's stand-alone test error (%, mean of seeds)."""
    return {p: 100.0 - supernet_rank.standalone_mean(digits.test_accuracy(f"digits-{p}")) for p in PIPELINES}


def sampled_cell_gaps(test_error: Mapping[str, np.ndarray], run: Mapping[str, np.ndarray], repeats: int,
                      rng: np.random.Generator, level: float = 0.9, draws: int = 1000) -> dict:
    """How much lower the stand-alone test error of the guided cells is than the uniform cells', per
    pipeline and repeat, and the larger of the pipelines' mean gaps with a bootstrap over repeats.

    Returns
    -------
    dict
        ``"per_pipeline"``: pipeline -> mean gap over repeats; ``"gap"``: the largest of them;
        ``"low"``, ``"high"``: its ``level`` bootstrap interval.
    """
    cell_gap = np.stack([supernet_rank.sampled_error(e, run["guided cells"], 0)
                         - supernet_rank.sampled_error(e, run["uniform cells"], 0) for e in test_error.values()])
    boot = rng.integers(0, repeats, size=(draws, repeats))
    tail = round((1 - level) / 2, 12)
    low, high = np.quantile(cell_gap[:, boot].mean(axis=2).max(axis=0), [tail, round(1 - tail, 12)])
    means = cell_gap.mean(axis=1)
    return {"per_pipeline": dict(zip(test_error, means)), "gap": means.max(), "low": low, "high": high}


def distinct_cells(cells: np.ndarray) -> float:
    """The mean number of distinct cells per repeat (a row of ``cells``).

    Examples
    --------
    >>> distinct_cells(np.array([[1, 1, 2], [3, 4, 5]]))
    2.5
    """
    return float(np.mean([np.unique(c).size for c in cells]))
