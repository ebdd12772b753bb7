"""Claims of the chapter "search_space": the graph is (K5)^6, every cell was trained three times, and
which estimate of one seed's noise the book should use.

Each rule is a module constant; each ``judge_*`` function turns the chapter's computed results into
its :class:`~nascompanion.report.findings.Finding`; each ``*_values`` function returns the numbers the
chapter's prose reads (name -> value, for :func:`~nascompanion.book.glue_values.glue_values`).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.data.benchmark import Benchmark
from nascompanion.data.seed_counts import seed_share
from nascompanion.objectives import seed_noise
from nascompanion.objectives.tables import best_cells
from nascompanion.report import paper
from nascompanion.report.findings import THIS_BOOK, Finding, Rule, after

OPS, EDGES, CELLS, SEEDS = (paper.NB201_OPERATIONS.value, paper.NB201_EDGES.value,
                            paper.NB201_CELLS.value, paper.NB201_SEEDS.value)

GRAPH = Rule("graph_is_k5_6",
             f"The NB201 space is (K{OPS})^{EDGES} with {CELLS:,} cells",
             "paper, Sec. 4 ('NAS benchmarks')",
             "cells, degree and every distance-layer size equal the closed form",
             after("the layer table, which the chapter showed before the rule was written"))
"""The graph the package builds is the paper's: exact equality with the closed form."""

THREE_SEED_THRESHOLD = 99
"""Share (%) of cells that must read as three-seed means for "trained three times" to hold."""

MISREAD_PCT = 100 / 3 ** 5
"""Share (%) of three-seed means whose sums are divisible by three in all five accuracy columns."""

THREE_SEEDS = Rule("three_seeds_per_cell",
                   "On each NB201 dataset, each architecture was trained three times "
                   "using different random seeds",
                   "paper, Sec. 4 ('NAS benchmarks')",
                   f"at least {THREE_SEED_THRESHOLD} % of cells read as means of "
                   f"{SEEDS} seeds from the digits of their means",
                   after("the seed-count table"))
"""Sec. 4's "each architecture was trained three times", read from the digits of the means."""

SIGMA = Rule("sigma_best_cells_for_good_cells",
             "The best ~1 % estimate of sigma describes the seed noise of the good cells",
             THIS_BOOK,
             "its 90 % interval overlaps that of the isomorphism-class estimate "
             "over classes with error < 15 %",
             after("the best-cells sigma and the within-class spread of means, shown to agree "
                   "only roughly; the rule came in the same change as the class estimates it "
                   "compares"))
"""The book's own check: may the best-cells sigma stand for the band of good cells?"""

BEST = "best ~1%, 3 seeds assumed"
BAND = "isomorphism classes, error < 15%"
TOP = "isomorphism classes, error < 10%"
ESTIMATES: Mapping[str, str] = {"best": BEST,
                                "best_counts": "best ~1%, seed counts from the data",
                                "band": BAND,
                                "top": TOP,
                                "half": "isomorphism classes, better half (the book's sigma)",
                                "live": "isomorphism classes, every live cell"}
"""Glue prefix -> row of :func:`nascompanion.objectives.tables.seed_noise_estimates`."""


def judge_graph(neighbours: np.ndarray, layers: pd.DataFrame) -> Finding:
    """Whether the neighbour table and its distance layers are those of :math:`(K_5)^6`.

    Parameters
    ----------
    neighbours
        The neighbour table, one row per cell.
    layers
        :func:`nascompanion.data.summary.layer_table` (columns ``C(6,k) 4^k`` and
        ``counted from cell 0``).

    Examples
    --------
    >>> layers = pd.DataFrame({"C(6,k) 4^k": [1, 24], "counted from cell 0": [1, 24]})
    >>> judge_graph(np.zeros((15625, 24), int), layers).outcome
    'holds'
    >>> judge_graph(np.zeros((15625, 23), int), layers).outcome
    'does not hold'
    """
    cells, degree = neighbours.shape
    holds = cells == CELLS and degree == (OPS - 1) * EDGES and same_layers(layers)
    return GRAPH.judge(holds, cells, CELLS, detail=f"cells; degree {degree}")


def same_layers(layers: pd.DataFrame) -> bool:
    """Whether every distance layer counted on the graph has its closed-form size."""
    return bool((layers["C(6,k) 4^k"] == layers["counted from cell 0"]).all())


def graph_values(neighbours: np.ndarray, layers: pd.DataFrame) -> dict:
    """The graph section's glued numbers: the paper's and the package's counts.

    Examples
    --------
    >>> layers = pd.DataFrame({"C(6,k) 4^k": [1, 24], "counted from cell 0": [1, 25]})
    >>> graph_values(np.zeros((3, 24), int), layers)["layers_word"]
    'does not match'
    """
    return {"paper_cells": CELLS, "paper_ops": OPS, "paper_edges": EDGES,
            "n_cells": neighbours.shape[0], "degree": neighbours.shape[1],
            "layers_word": "matches" if same_layers(layers) else "does not match"}


def judge_seeds(counts: np.ndarray) -> Finding:
    """Whether at least :data:`THREE_SEED_THRESHOLD` % of cells read as three-seed means.

    Parameters
    ----------
    counts
        Seed count of every cell, read from the digits of its means.

    Examples
    --------
    >>> judge_seeds(np.array([3] * 99 + [2])).outcome
    'holds'
    >>> judge_seeds(np.array([3] * 98 + [2, 1])).outcome
    'does not hold'
    """
    three = seed_share(counts, SEEDS)
    return THREE_SEEDS.judge(
        three >= THREE_SEED_THRESHOLD, three, 100,
        detail=f"% of cells; two seeds {seed_share(counts, 2):.1f} %, one {seed_share(counts, 1):.1f} %")


def seed_values(count_table: pd.DataFrame) -> dict:
    """The seed-count section's glued numbers: each count's share and the rule's constants.

    Examples
    --------
    >>> table = pd.DataFrame({"seeds": [1, 3], "share (%)": [4.0, 96.0]})
    >>> seed_values(table)["seeds_share_3"], seed_values(table)["three_seed_threshold"]
    (96.0, 99)
    """
    shares = {f"seeds_share_{m}": float(share)
              for m, share in zip(count_table["seeds"], count_table["share (%)"])}
    return {**shares, "misread_pct": MISREAD_PCT, "three_seed_threshold": THREE_SEED_THRESHOLD}


def judge_sigma(estimates: pd.DataFrame) -> Finding:
    """Whether the best-cells interval overlaps the interval of the class estimate over the band.

    Parameters
    ----------
    estimates
        :func:`nascompanion.objectives.tables.seed_noise_estimates`, indexed by estimate, with columns
        ``sigma``, ``low`` and ``high``; without a row :data:`BEST` (no one-seed values in the
        source) the claim cannot be checked.

    Examples
    --------
    >>> rows = pd.DataFrame({"sigma": [0.15, 0.30], "low": [0.14, 0.29], "high": [0.16, 0.33]},
    ...                     index=[BEST, BAND])
    >>> judge_sigma(rows).outcome
    'does not hold'
    >>> judge_sigma(rows.assign(high=[0.30, 0.33])).outcome
    'holds'
    >>> judge_sigma(rows.drop(BEST)).outcome
    'cannot be checked'
    """
    band = estimates.loc[BAND]
    if BEST not in estimates.index:
        return SIGMA.unchecked("no one-seed values in this source")
    best = estimates.loc[BEST]
    return SIGMA.judge(
        bool(best["high"] >= band["low"] and band["high"] >= best["low"]),
        float(best["sigma"]),
        detail=f"best ~1 %: {best['low']:.3f}-{best['high']:.3f}; "
               f"classes < 15 %: {band['low']:.3f}-{band['high']:.3f}")


def sigma_values(estimates: pd.DataFrame, noise: pd.DataFrame, finding: Finding) -> dict:
    """The sigma section's glued numbers and words: every estimate with its interval, the choice the
    rule makes and how the gap between the two methods reads.

    Parameters
    ----------
    estimates
        As for :func:`judge_sigma`.
    noise
        :func:`nascompanion.objectives.tables.noise_table` (its ``best-cells`` column on CIFAR-10).
    finding
        What :func:`judge_sigma` returned.

    Examples
    --------
    >>> rows = pd.DataFrame({"sigma": [0.15, 0.30, 0.28], "low": [0.14, 0.29, 0.25],
    ...                      "high": [0.16, 0.33, 0.31], "n": [100, 50, 20]}, index=[BEST, BAND, TOP])
    >>> noise = pd.DataFrame({"best-cells": [0.15]}, index=["cifar10-valid"])
    >>> values = sigma_values(rows, noise, judge_sigma(rows))
    >>> values["sigma_choice"], values["band_classes"], bool(np.isnan(values["live_sigma"]))
    ('the isomorphism-class estimate', 50, True)
    """
    values = {f"{key}_{column}": float(estimates.loc[name, column]) if name in estimates.index
              else float("nan")
              for key, name in ESTIMATES.items() for column in ("sigma", "low", "high")}
    band = estimates.loc[BAND]
    values["band_classes"] = int(band["n"])
    values["sigma_ratio"] = float(band["sigma"] / noise.loc["cifar10-valid", "best-cells"])
    values["sigma_choice"] = ("the best ~1 % estimate" if finding.outcome == "holds"
                              else "the isomorphism-class estimate")
    top_apart = (bool(estimates.loc[TOP, "low"] > estimates["high"].iloc[:2].max())
                 if BEST in estimates.index else False)
    values["gap_reading"] = (
        "even the classes at the very top lie above both best-cells intervals, "
        "so the gap is between the two methods, not only between regions of the space" if top_apart
        else "at the very top the two methods come closer, so part of the gap is the region of the space")
    return values


def standard_row_values(standard_rows: pd.DataFrame, draws: int) -> dict:
    """Table 1's simulated standard row under each sigma, as glued numbers ``t1_<sigma>_<statistic>``,
    with the paper's standard row.

    Parameters
    ----------
    standard_rows
        :func:`nascompanion.landscape.sigma_sensitivity.standard_row_by_sigma`.
    draws
        Noise draws behind each row.

    Examples
    --------
    >>> rows = pd.DataFrame({"ours": [20.0, 30.0]}, index=pd.MultiIndex.from_tuples(
    ...     [("best", "local_minima"), ("classes", "local_minima")], names=["sigma from", "statistic"]))
    >>> standard_row_values(rows, 4)["t1_classes_local_minima"]
    30.0
    """
    row = paper.TABLE1.value["standard"]
    values = {f"t1_{name}_{stat}": float(value)
              for (name, stat), value in standard_rows["ours"].items()}
    return {**values, "t1_draws": draws, "paper_std_minima": row["local_minima"],
            "paper_std_global": row["reached_global_pct"]}


def dataset_values(benchmark: Benchmark, noise: pd.DataFrame) -> dict:
    """The glued numbers of the book's sigma on every dataset: the package's sigma on CIFAR-10, the
    best error of CIFAR-100 and ImageNet16-120, and the range of the ratio of the two estimates.

    Parameters
    ----------
    benchmark
        The :class:`~nascompanion.data.benchmark.Benchmark` the chapter reads.
    noise
        :func:`nascompanion.objectives.tables.noise_table` (its ``ratio`` column).
    """
    values = {"book_sigma": seed_noise(benchmark, "cifar10-valid").sigma}
    values.update({f"best_error_{name}": float(best_cells(benchmark, name, k=1).iloc[0, 2])
                   for name in ("cifar100", "ImageNet16-120")})
    values.update(ratio_min=float(noise["ratio"].min()), ratio_max=float(noise["ratio"].max()))
    return values
