"""The paper's loss of an accuracy, of a mean over seeds and of one drawn seed.

Every objective version is built from these: the error ``100 - accuracy`` (%),
its mean over the seeds the data has, and one present seed per cell chosen by a
uniform draw.
"""

from __future__ import annotations

import numpy as np

from nascompanion.data.benchmark import Benchmark


class ObjectiveUnavailableError(ValueError):
    """The requested objective version cannot be computed from this benchmark."""


def searched_metric(benchmark: Benchmark, dataset: str) -> str:
    """The metric the book searches on: ``"validation"`` where the data has it, else ``"test"`` (a stand-in).

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> bench = load_benchmark(None)
    >>> searched_metric(bench, "cifar10-valid"), searched_metric(bench, "cifar100")
    ('validation', 'test')
    """
    return "validation" if benchmark.has_metric(dataset, "validation") else "test"


def error(accuracy: np.ndarray) -> np.ndarray:
    """The paper's loss of an accuracy in %: ``100 - accuracy`` (an error rate in %).

    Examples
    --------
    >>> error([91.5, 70.0]).tolist()
    [8.5, 30.0]
    """
    return 100.0 - np.asarray(accuracy, dtype=float)


def denoised_losses(benchmark: Benchmark, dataset: str, metric: str = "validation") -> np.ndarray:
    """``100 - mean accuracy over seeds`` for every cell: the denoised loss, the one place it is computed.

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> float(denoised_losses(load_benchmark(None), "cifar10-valid").min())
    8.3933...
    """
    return error(np.nanmean(benchmark.accuracy(dataset, metric), axis=1))


def present_seeds(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of per-seed ``values`` (NaN = missing): how many seeds are present, and the
    column order that lists the present seeds first.

    Examples
    --------
    >>> counts, order = present_seeds(np.array([[1.0, np.nan, 3.0]]))
    >>> counts.tolist(), order.tolist()
    ([2], [[0, 2, 1]])
    """
    present = ~np.isnan(values)
    return present.sum(axis=1), np.argsort(~present, axis=1, kind="stable")


def seed_columns(counts: np.ndarray, order: np.ndarray, rows: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Column of one present seed per entry of ``rows``, chosen uniformly by ``uniforms`` in [0, 1).

    ``counts`` and ``order`` come from :func:`present_seeds`; ``uniforms`` may add
    leading dimensions (e.g. one row of draws per trial).

    Examples
    --------
    >>> counts, order = present_seeds(np.array([[1.0, np.nan, 3.0]]))
    >>> seed_columns(counts, order, np.array([0, 0]), np.array([0.2, 0.7])).tolist()
    [0, 2]
    """
    pick = (uniforms * counts[rows]).astype(np.int64)
    return order[rows, pick]


def require_seeds(benchmark: Benchmark, dataset: str) -> None:
    """Raise :class:`ObjectiveUnavailableError` unless ``dataset`` has one result per training seed.

    The check draws no random numbers, so it leaves every stream as it was.
    """
    benchmark.dataset(dataset)
    if not benchmark.is_per_seed(dataset):
        raise ObjectiveUnavailableError(
            f"'standard' needs one training seed per query, but {dataset!r} in this benchmark "
            f"({benchmark.provenance.kind}) holds only means of seeds; use version='noise' with x=1 "
            "(denoised plus seed noise of the estimated size), or load an official NB201 file"
        )
