"""Tables and figures that describe the search space and its data (book chapter 1)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nascompanion.data import seed_noise as estimators
from nascompanion.data.noise_scale import EVALUATION_IMAGES, better_half, class_errors, seed_counts  # noqa: F401
from nascompanion.data.benchmark import Benchmark
from nascompanion.objectives import ObjectiveUnavailableError, searched_metric, seed_noise
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


def error_histograms(benchmark: Benchmark, bins: int = 60) -> plt.Figure:
    """Histograms of ``100 - accuracy`` per dataset (the paper's Figure 5.1), on the metric searched."""
    datasets = [d for d in ("cifar10-valid", "cifar100", "ImageNet16-120") if d in benchmark.datasets]
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.2 * len(datasets), 3.2), constrained_layout=True)
    for ax, dataset in zip(np.atleast_1d(axes), datasets):
        metric = searched_metric(benchmark, dataset)
        error = 100.0 - np.nanmean(benchmark.accuracy(dataset, metric), axis=1)
        ax.hist(error, bins=bins, color="tab:blue", alpha=0.85)
        ax.set_title(f"{dataset} ({metric})")
        ax.set_xlabel("error = 100 - accuracy (%)")
        ax.set_yscale("log")
    np.atleast_1d(axes)[0].set_ylabel("cells (log scale)")
    return fig


def best_cells(benchmark: Benchmark, dataset: str, k: int = 5) -> pd.DataFrame:
    """The ``k`` cells with the lowest mean error on the searched metric, with their test error."""
    metric = searched_metric(benchmark, dataset)
    error = 100.0 - np.nanmean(benchmark.accuracy(dataset, metric), axis=1)
    test = 100.0 - np.nanmean(benchmark.accuracy(dataset, "test"), axis=1)
    order = np.lexsort((np.arange(error.size), error))[:k]
    return pd.DataFrame(
        {
            "index": order,
            "architecture": [nb201.index_to_arch(int(i)) for i in order],
            f"{metric} error (%)": error[order].round(3),
            "test error (%)": test[order].round(3),
        }
    )


def noise_table(benchmark: Benchmark, rng: np.random.Generator, source: str | None = None,
                draws: int = 2000, level: float = 0.9) -> pd.DataFrame:
    """Both seed-noise estimates of every dataset, each with a bootstrap interval.

    Columns ``classes`` (the book's sigma, :func:`nascompanion.data.noise_scale.class_estimate`)
    and ``best-cells`` (one seed vs. the mean of the best ~1 %, three seeds assumed),
    each with ``low``/``high`` (the ``level`` interval; whole classes or cells
    resampled), and ``ratio`` = classes / best-cells. NaN where the data has no
    such estimate (``cifar10`` has no best-cells table).

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> t = noise_table(load_benchmark(None), np.random.default_rng(0), draws=50)
    >>> list(t.columns)[:3], bool((t["classes"] > t["best-cells"]).sum() >= 3)
    (['classes', 'classes low', 'classes high'], True)
    """
    counts = seed_counts(benchmark)
    labels = nb201.isomorphism_classes()
    rows = {}
    for dataset in benchmark.datasets:
        row = {}
        if benchmark.is_per_seed(dataset):
            rows[dataset] = {"classes": seed_noise(benchmark, dataset).sigma}
            continue
        acc = np.nanmean(benchmark.accuracy(dataset, searched_metric(benchmark, dataset)), axis=1)
        keep = better_half(benchmark, dataset)
        row["classes"] = seed_noise(benchmark, dataset, "classes").sigma
        row["classes low"], row["classes high"] = estimators.from_classes_interval(
            acc, labels, rng, counts, keep, draws, level)
        pairs = best_cell_pairs(source, dataset)
        if pairs is not None:
            single, mean, _ = pairs
            row["best-cells"] = estimators.from_single_and_mean(single, mean, 3).sigma
            row["best-cells low"], row["best-cells high"] = estimators.single_and_mean_interval(
                single, mean, rng, 3, draws, level)
        rows[dataset] = row
    columns = ["classes", "classes low", "classes high", "best-cells", "best-cells low", "best-cells high"]
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns).astype(float)
    table["ratio"] = table["classes"] / table["best-cells"]
    table.index.name = "dataset"
    return table


def class_spread(benchmark: Benchmark, dataset: str, min_error: float | None = None) -> tuple[float, int]:
    """Median within-class SD of mean accuracy over cells that compute the same function.

    Cells in one isomorphism class have the same expected accuracy, so the spread
    of their (mean-of-seeds) accuracies is training noise alone.

    Parameters
    ----------
    min_error
        Only classes whose mean error is below this (``None``: all classes).

    Returns
    -------
    median_sd, classes
        Median within-class SD (accuracy points) and the number of classes used.
    """
    metric = searched_metric(benchmark, dataset)
    acc = np.nanmean(benchmark.accuracy(dataset, metric), axis=1)
    labels = nb201.isomorphism_classes()
    frame = pd.DataFrame({"label": labels, "acc": acc}).groupby("label")["acc"].agg(["std", "count", "mean"])
    frame = frame[frame["count"] >= 2]
    if min_error is not None:
        frame = frame[100.0 - frame["mean"] < min_error]
    return float(frame["std"].median()), int(len(frame))


def seed_count_table(counts: np.ndarray) -> pd.DataFrame:
    """How many cells have each seed count, and their share (%)."""
    values, cells = np.unique(np.asarray(counts), return_counts=True)
    return pd.DataFrame({"seeds": values, "cells": cells, "share (%)": (100.0 * cells / cells.sum()).round(2)})


def best_cell_pairs(source: str | None, dataset: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One-seed and mean accuracy of the best ~1% of cells (``top_bottom_1pct``), with their indices.

    ``None`` when ``source`` (as for :func:`nascompanion.data.load_benchmark`) is not
    the mean-of-seeds tables or has no such table for ``dataset``.
    """
    from nascompanion.data import embedded, find_source, tables

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


def seed_noise_estimates(benchmark: Benchmark, dataset: str, counts: np.ndarray, rng: np.random.Generator,
                         source: str | None = None, max_errors: tuple[float, ...] = (15.0,), draws: int = 2000,
                         level: float = 0.9) -> pd.DataFrame:
    """The seed-noise estimates of ``dataset`` side by side, each with a bootstrap interval.

    Rows: the best ~1% of cells (one seed vs. the mean; with 3 seeds assumed, the
    importer's estimate, and with the seed counts ``counts``), where the source has
    them; then the spread of means within isomorphism classes, over classes of good
    cells (class mean error below each of ``max_errors`` %), over the better half of
    the live cells (the book's sigma) and over every cell with an input-output path,
    each mean weighted by its seed count.

    Returns
    -------
    pandas.DataFrame
        Index: estimate; columns ``sigma``, ``low``, ``high`` (the ``level``
        interval), ``n`` (cells or classes) and ``method``.
    """
    rows = {}
    pairs = best_cell_pairs(source, dataset)
    if pairs is not None:
        single, mean, index = pairs
        for name, seeds in (("best ~1%, 3 seeds assumed", 3), ("best ~1%, seed counts from the data", counts[index])):
            noise = (estimators.from_single_and_mean(single, mean, 3) if np.ndim(seeds) == 0
                     else estimators.from_single_and_mean_counts(single, mean, seeds))
            rows[name] = (noise, estimators.single_and_mean_interval(single, mean, rng, seeds, draws, level))
    acc = np.nanmean(benchmark.accuracy(dataset, searched_metric(benchmark, dataset)), axis=1)
    labels, live = nb201.isomorphism_classes(), nb201.has_input_output_path()
    class_error = class_errors(benchmark, dataset)
    bands = [(f"isomorphism classes, error < {e:g}%", live & (class_error < e)) for e in max_errors]
    half = [("isomorphism classes, better half (the book's sigma)", better_half(benchmark, dataset))]
    for name, keep in bands + half + [("isomorphism classes, every live cell", live)]:
        rows[name] = (estimators.from_classes(acc, labels, counts, keep),
                      estimators.from_classes_interval(acc, labels, rng, counts, keep, draws, level))
    return pd.DataFrame(
        [{"estimate": k, "sigma": n.sigma, "low": lo, "high": hi, "n": n.n, "method": n.method}
         for k, (n, (lo, hi)) in rows.items()]
    ).set_index("estimate")


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

