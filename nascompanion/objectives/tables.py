"""Tables and figures of the searched objective and its seed noise on a benchmark (book chapter ``search_space``).

The errors are those a search sees (:func:`~nascompanion.objectives.loss.searched_metric`:
validation where the data has it, else test), and the noise tables set the book's sigma
(:mod:`~nascompanion.objectives.noise_scale`) beside the importer's estimate.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nascompanion.data import seed_noise as estimators
from nascompanion.data.benchmark import Benchmark
from nascompanion.data.summary import best_cell_pairs
from nascompanion.objectives.loss import searched_metric
from nascompanion.objectives.noise_scale import better_half, class_errors, seed_counts, seed_noise
from nascompanion.spaces import nb201


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

    Columns ``classes`` (the book's sigma, :func:`nascompanion.objectives.noise_scale.class_estimate`)
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
