"""Tables and figures that describe the search space and its data (book chapter 1)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nascompanion.data.benchmark import Benchmark
from nascompanion.objectives import ObjectiveUnavailableError, searched_metric, seed_noise
from nascompanion.spaces import nb201


def provenance_table(benchmark: Benchmark) -> pd.DataFrame:
    """One row per (dataset, metric): what the values are and how many seeds back them."""
    rows = []
    for dataset in benchmark.datasets:
        for metric in ("validation", "test"):
            if not benchmark.has_metric(dataset, metric):
                rows.append({"dataset": dataset, "metric": metric, "what it is": "not in this source", "seeds per cell": "-"})
                continue
            counts = benchmark.seed_counts(dataset, metric)
            rows.append(
                {
                    "dataset": dataset,
                    "metric": metric,
                    "what it is": benchmark.metric_name(dataset, metric),
                    "seeds per cell": f"{counts.min()}-{counts.max()}" if counts.min() != counts.max() else str(counts.min()),
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


def noise_table(benchmark: Benchmark) -> pd.DataFrame:
    """The seed-noise estimate per dataset, and how it was made."""
    rows = []
    for dataset in benchmark.datasets:
        try:
            noise = seed_noise(benchmark, dataset)
        except ObjectiveUnavailableError:
            rows.append({"dataset": dataset, "sigma (acc. points)": np.nan, "cells": 0, "method": "no estimate possible"})
            continue
        rows.append({"dataset": dataset, "sigma (acc. points)": round(noise.sigma, 4), "cells": noise.n, "method": noise.method})
    return pd.DataFrame(rows)


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
