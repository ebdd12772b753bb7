"""Objective versions: the loss vector a search sees (paper, Sec. 4).

The paper's "validation loss" on NAS-Bench-201 is ``100 - validation accuracy``
(an error rate in %), not cross-entropy. Four versions of it:

``denoised``
    100 - mean accuracy over the seeds the data has.
``standard``
    100 - the accuracy of one training seed, drawn per architecture. Needs
    per-seed data; mean-only data cannot give it.
``random``
    Uniform [0, 1] losses on the same graph (the paper's "fully random" version).
``noise``
    ``denoised + x * sigma * N(0, 1)``, with sigma the seed-to-seed standard
    deviation estimated from the data (``x = 0`` is denoised; ``x = 1`` mimics
    one seed). This is how the book simulates ``standard`` on mean-only data.
"""

from __future__ import annotations

import numpy as np

from nascompanion.data.benchmark import Benchmark, SeedNoise

VERSIONS: tuple[str, ...] = ("denoised", "standard", "random", "noise")


class ObjectiveUnavailableError(ValueError):
    """The requested objective version cannot be computed from this benchmark."""


def _need_rng(rng: np.random.Generator | None, version: str) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"objective version {version!r} is random: pass rng=np.random.default_rng(seed)")
    return rng


def seed_noise(benchmark: Benchmark, dataset: str) -> SeedNoise:
    """The seed-to-seed noise estimate used by ``noise(x)`` on ``dataset``.

    Per-seed data gives a pooled within-architecture SD of the validation
    accuracy; mean-only data uses the estimate its importer stored.

    Raises
    ------
    ObjectiveUnavailableError
        If the data allows no estimate for ``dataset``.
    """
    from nascompanion.data import seed_noise as estimators

    results = benchmark.dataset(dataset)
    if results.per_seed and results.validation is not None:
        return estimators.from_seeds(results.validation)
    if results.seed_noise is not None:
        return results.seed_noise
    raise ObjectiveUnavailableError(
        f"no seed-noise estimate for {dataset!r} in this benchmark ({benchmark.provenance.kind}); "
        f"datasets with one: {', '.join(d for d in benchmark.datasets if benchmark.dataset(d).seed_noise) or 'none'}"
    )


def searched_metric(benchmark: Benchmark, dataset: str) -> str:
    """The metric the book searches on: ``"validation"`` where the data has it, else ``"test"`` (a stand-in)."""
    return "validation" if benchmark.has_metric(dataset, "validation") else "test"


def present_seeds(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of per-seed ``values`` (NaN = missing): how many seeds are present, and the
    column order that lists the present seeds first."""
    present = ~np.isnan(values)
    return present.sum(axis=1), np.argsort(~present, axis=1, kind="stable")


def seed_columns(counts: np.ndarray, order: np.ndarray, rows: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Column of one present seed per entry of ``rows``, chosen uniformly by ``uniforms`` in [0, 1).

    ``counts`` and ``order`` come from :func:`present_seeds`; ``uniforms`` may add
    leading dimensions (e.g. one row of draws per trial).
    """
    pick = (uniforms * counts[rows]).astype(np.int64)
    return order[rows, pick]


def accuracy_losses(benchmark: Benchmark, dataset: str, metric: str = "validation") -> np.ndarray:
    """``100 - mean accuracy over seeds`` for every cell (the denoised loss)."""
    return 100.0 - np.nanmean(benchmark.accuracy(dataset, metric), axis=1)


def losses(
    benchmark: Benchmark,
    dataset: str,
    version: str,
    rng: np.random.Generator | None = None,
    x: float | None = None,
    metric: str = "validation",
) -> np.ndarray:
    """Loss of every cell under one objective version.

    Parameters
    ----------
    benchmark
        The data.
    dataset
        An NB201 dataset present in ``benchmark``.
    version
        One of ``"denoised"``, ``"standard"``, ``"random"``, ``"noise"``.
    rng
        Needed by ``standard``, ``random`` and ``noise``.
    x
        Noise multiplier for ``noise`` (``x >= 0``); not allowed otherwise.
    metric
        ``"validation"`` (the paper's objective) or ``"test"``. Where a source
        has no validation accuracy (e.g. cifar100 in the mean-of-seeds tables),
        a caller may search on ``"test"`` as a stand-in and must say so.

    Returns
    -------
    numpy.ndarray
        Shape ``(15625,)``, in NB201 index order; in % error, or in [0, 1] for
        ``random``.

    Raises
    ------
    ValueError
        For an unknown version, dataset or metric, a missing ``rng``, or a bad ``x``.
    ObjectiveUnavailableError
        For ``standard`` on mean-only data, or ``noise`` without a noise estimate.

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> bench = load_benchmark("nb201")
    >>> float(losses(bench, "cifar10-valid", "denoised").min())
    8.3933...
    """
    if version not in VERSIONS:
        raise ValueError(f"unknown objective version {version!r}; allowed: {', '.join(VERSIONS)}")
    if x is not None and version != "noise":
        raise ValueError(f"x is the noise multiplier of version 'noise'; it makes no sense with {version!r}")
    if version == "random":
        benchmark.dataset(dataset)
        return _need_rng(rng, version).uniform(0.0, 1.0, size=len(benchmark.arch_strings))
    accuracy = benchmark.accuracy(dataset, metric)
    if version == "denoised":
        return 100.0 - np.nanmean(accuracy, axis=1)
    if version == "standard":
        if not benchmark.is_per_seed(dataset):
            raise ObjectiveUnavailableError(
                f"'standard' needs one training seed per query, but {dataset!r} in this benchmark "
                f"({benchmark.provenance.kind}) holds only means of seeds; use version='noise' with x=1 "
                "(denoised plus seed noise of the estimated size), or load an official NB201 file"
            )
        rng = _need_rng(rng, version)
        rows = np.arange(accuracy.shape[0])
        column = seed_columns(*present_seeds(accuracy), rows, rng.random(rows.size))
        return 100.0 - accuracy[rows, column]
    # noise
    if x is None or not np.isfinite(x) or x < 0:
        raise ValueError(f"version 'noise' needs a noise multiplier x >= 0, got x={x!r}")
    rng = _need_rng(rng, version)
    sigma = seed_noise(benchmark, dataset).sigma
    base = 100.0 - np.nanmean(accuracy, axis=1)
    return base + x * sigma * rng.standard_normal(base.shape[0])


def objective_label(version: str, x: float | None = None) -> str:
    """Short label for legends and tables, e.g. ``"noise(x=0.5)"``."""
    return f"noise(x={x:g})" if version == "noise" else version
