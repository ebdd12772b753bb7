"""Tables that describe a benchmark's data and the search space (book chapter ``search_space``).

What the values are, how many seeds back them, the distance layers of the cell graph, the
best-cell tables of the mean-of-seeds source and which of the paper's claims the data can check.
The tables of the searched objective and its noise are in :mod:`nascompanion.objectives.tables`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.data import embedded, find_source, tables
from nascompanion.data.benchmark import Benchmark
from nascompanion.spaces import nb201


def provenance_table(benchmark: Benchmark) -> pd.DataFrame:
    """One row per (dataset, metric): what the values are and how many seeds back them.

    Per-seed data gives the range of seeds present per cell; mean-only data says
    its values are means over NB201's 1-3 seeds (the count is not a column of it).
    """
    rows = []
    for dataset in benchmark.datasets:
        for metric in ("validation", "test"):
            if not benchmark.has_metric(dataset, metric):
                rows.append({"dataset": dataset, "metric": metric, "what it is": "not in this source", "seeds per cell": "-"})
                continue
            counts = benchmark.seed_counts(dataset, metric)
            seeds = (f"{counts.min()}-{counts.max()}" if counts.min() != counts.max() else str(counts.min())
                     ) if benchmark.is_per_seed(dataset) else "mean over 1-3"
            rows.append(
                {
                    "dataset": dataset,
                    "metric": metric,
                    "what it is": benchmark.metric_name(dataset, metric),
                    "seeds per cell": seeds,
                }
            )
    return pd.DataFrame(rows)


def layer_table() -> pd.DataFrame:
    """Distance-layer sizes around a cell: formula vs counted on the graph."""
    formula = nb201.distance_layer_sizes()
    counted = nb201.layer_counts_from(0)
    return pd.DataFrame({"distance k": np.arange(len(formula)), "C(6,k) 4^k": formula, "counted from cell 0": counted})


def seed_count_table(counts: np.ndarray) -> pd.DataFrame:
    """How many cells have each seed count, and their share (%)."""
    values, cells = np.unique(np.asarray(counts), return_counts=True)
    return pd.DataFrame({"seeds": values, "cells": cells, "share (%)": (100.0 * cells / cells.sum()).round(2)})


def best_cell_pairs(source: str | None, dataset: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One-seed and mean accuracy of the best ~1% of cells (``top_bottom_1pct``), with their indices.

    ``None`` when ``source`` (as for :func:`nascompanion.data.load_benchmark`) is not
    the mean-of-seeds tables or has no such table for ``dataset``.
    """
    kind, path = find_source(source)
    if kind == "nb201-embedded":
        columns = embedded.read_embedded(path.parent)[0]
    elif kind == "nb201-tables":
        columns = tables.read_tables(path)[0]
    else:
        return None
    prefix = f"genotype.{dataset}.best"
    if f"{prefix}.f_avg" not in columns:
        return None
    return columns[f"{prefix}.f_sng"], columns[f"{prefix}.f_avg"], np.asarray(columns[f"{prefix}.index"], dtype=int)


def claims_table(benchmark: Benchmark) -> pd.DataFrame:
    """Which of the paper's NB201 claims this benchmark can check, and how (per-seed data or means only).

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> claims_table(load_benchmark(None)).loc["Table 1, standard row"].item()
    'only simulated: mean + seed noise of the estimated size'
    """
    per_seed = benchmark.is_per_seed("cifar10-valid") if "cifar10-valid" in benchmark.datasets else False
    stand_in = [d for d in ("cifar100", "ImageNet16-120") if d in benchmark.datasets
                and not benchmark.has_metric(d, "validation")]
    rows = {
        "Table 1, denoised row (CIFAR-10)": "yes: the mean over seeds is the denoised objective",
        "Table 1, standard row": ("yes: one real seed per cell" if per_seed
                                  else "only simulated: mean + seed noise of the estimated size"),
        "Table 1 on CIFAR-100 / ImageNet16-120": ("with x-test standing in for x-valid" if stand_in
                                                  else "yes, on x-valid"),
        "Figure 4.1 (local-search trees)": "yes, denoised and random",
        "Section 5 fits (Figures 5.1, 5.2)": "yes" + (", with the stand-in metric where needed" if stand_in else ""),
        "Local search vs other algorithms, denoised": "yes",
        "Local search vs other algorithms, standard": ("yes: one real seed per query" if per_seed
                                                       else "only with simulated seed noise"),
    }
    return pd.DataFrame({"can it be checked here?": rows}).rename_axis("claim of the paper")
