"""The seed-noise scale sigma of a benchmark, as the ``noise`` objective uses it (:func:`seed_noise`).

Per-seed data gives a pooled within-architecture SD directly. Mean-only data
(the mean-of-seeds NAS-Bench-201 tables) has two estimates (``search_space`` chapter):

``classes`` (the default)
    The spread of seed means within isomorphism classes (cells that compute one
    function), over the *better half* of the cells with an input-output path:
    classes whose mean error is below the median error of those cells. Every
    simulated local minimum lies in that half on every NB201 dataset, so this is
    the noise that makes Table 1's standard row. Every dataset gets its own.
``best-cells``
    One seed against the mean of the best ~1 % of cells (the ``top_bottom_1pct``
    tables), three seeds assumed: the importer's estimate. It sees only the top
    edge of the good band and is about half the class estimate on CIFAR-10.
"""

from __future__ import annotations

import numpy as np

from nascompanion.data import seed_noise as estimators
from nascompanion.data.benchmark import Benchmark, SeedNoise
from nascompanion.objectives.loss import ObjectiveUnavailableError, searched_metric
from nascompanion.spaces import nb201

ESTIMATES: tuple[str, ...] = ("auto", "classes", "best-cells")
"""The sigma estimates :func:`seed_noise` can use on mean-only data
(``auto``: ``classes`` where :func:`has_classes`, else ``best-cells``)."""

EVALUATION_IMAGES: dict[tuple[str, str], int] = {
    ("cifar10-valid", "validation"): 25_000,
    ("cifar10-valid", "test"): 10_000,
    ("cifar10", "test"): 10_000,
    ("cifar100", "test"): 5_000,
    ("ImageNet16-120", "test"): 3_000,
}
"""Images each NB201 accuracy is measured on (x-valid, ori-test and x-test splits): one seed's
accuracy is a multiple of ``100 / images`` percent."""


def has_classes(benchmark: Benchmark) -> bool:
    """Whether the ``classes`` estimate applies: the 15,625 NB201 cells and at least one NB201 column."""
    return len(benchmark.arch_strings) == nb201.N_ARCHS and any(
        d in benchmark.datasets and benchmark.has_metric(d, m) for d, m in EVALUATION_IMAGES)


def _require_nb201(benchmark: Benchmark) -> None:
    if len(benchmark.arch_strings) != nb201.N_ARCHS:
        raise ValueError(f"isomorphism classes need the {nb201.N_ARCHS} NB201 cells in index order; "
                         f"this benchmark ({benchmark.provenance.kind}) has {len(benchmark.arch_strings)}")


def seed_counts(benchmark: Benchmark) -> np.ndarray:
    """Seeds behind every cell's mean: counted where the data is per seed, else read from the digits.

    Mean-only data gives a lower bound per cell (see
    :func:`nascompanion.data.seed_noise.seed_counts_from_resolution`), from every
    column of :data:`EVALUATION_IMAGES` the benchmark has, on the assumption that a
    cell was trained with the same seeds on every dataset.

    Raises
    ------
    ValueError
        If the benchmark is mean-only and has none of the NB201 columns.
    """
    first = benchmark.datasets[0]
    if benchmark.is_per_seed(first):
        return benchmark.seed_counts(first, searched_metric(benchmark, first))
    columns = [(np.nanmean(benchmark.accuracy(d, m), axis=1), images) for (d, m), images in EVALUATION_IMAGES.items()
               if d in benchmark.datasets and benchmark.has_metric(d, m)]
    if not columns:
        raise ValueError(f"seed counts need one of the NB201 columns {sorted(EVALUATION_IMAGES)}; "
                         f"this benchmark has datasets {', '.join(benchmark.datasets)}")
    return estimators.seed_counts_from_resolution(columns)


def class_errors(benchmark: Benchmark, dataset: str) -> np.ndarray:
    """Every cell's isomorphism-class mean error (%): the plain mean of its class's mean accuracies on the
    searched metric (validation where the data has it, else test)."""
    _require_nb201(benchmark)
    accuracy = np.nanmean(benchmark.accuracy(dataset, searched_metric(benchmark, dataset)), axis=1)
    group = np.unique(nb201.isomorphism_classes(), return_inverse=True)[1]
    return 100.0 - (np.bincount(group, weights=accuracy) / np.bincount(group))[group]


def better_half(benchmark: Benchmark, dataset: str) -> np.ndarray:
    """Cells with an input-output path whose isomorphism class has a mean error below the median of those cells.

    Returns
    -------
    numpy.ndarray
        Boolean mask over the 15,625 cells.
    """
    error = 100.0 - np.nanmean(benchmark.accuracy(dataset, searched_metric(benchmark, dataset)), axis=1)
    live = nb201.has_input_output_path()
    return live & (class_errors(benchmark, dataset) < np.median(error[live]))


def class_estimate(benchmark: Benchmark, dataset: str) -> SeedNoise:
    """The ``classes`` sigma of ``dataset``: spread of seed means within isomorphism classes of the better half.

    Each mean is weighted by its seed count (:func:`seed_counts`); see
    :func:`nascompanion.data.seed_noise.from_classes` for the estimator.

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> noise = class_estimate(load_benchmark(None), "cifar10-valid")
    >>> 0.2 < noise.sigma < 0.35, noise.n > 500
    (True, True)
    """
    _require_nb201(benchmark)
    accuracy = np.nanmean(benchmark.accuracy(dataset, searched_metric(benchmark, dataset)), axis=1)
    noise = estimators.from_classes(accuracy, nb201.isomorphism_classes(), seed_counts(benchmark),
                                    better_half(benchmark, dataset))
    return SeedNoise(sigma=noise.sigma, method=f"{noise.method}; classes in the better half of live cells", n=noise.n)


def seed_noise(benchmark: Benchmark, dataset: str, estimate: str = "auto") -> SeedNoise:
    """The seed-to-seed noise estimate used by ``noise(x)`` on ``dataset``.

    Per-seed data gives a pooled within-architecture SD of the validation
    accuracy, whatever ``estimate`` says. On mean-only data ``estimate`` is one
    of :data:`ESTIMATES`: ``"classes"`` (:func:`class_estimate`, the book's
    choice), ``"best-cells"`` (the estimate the importer stored: one seed against
    the mean of the best ~1 % on the NB201 tables) or ``"auto"`` (``"classes"``
    on the 15,625 NB201 cells, else ``"best-cells"``). The returned ``method``
    says which was used.

    Raises
    ------
    ObjectiveUnavailableError
        If the data allows no estimate of this kind for ``dataset``.
    ValueError
        If ``estimate`` is not one of the estimates.

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> bench = load_benchmark(None)
    >>> seed_noise(bench, "cifar10-valid") == class_estimate(bench, "cifar10-valid")
    True
    """
    if estimate not in ESTIMATES:
        raise ValueError(f"unknown seed-noise estimate {estimate!r}; choose one of {', '.join(ESTIMATES)}")
    results = benchmark.dataset(dataset)
    if results.per_seed and results.validation is not None:
        return estimators.from_seeds(results.validation)
    if estimate == "auto":
        estimate = "classes" if not results.per_seed and has_classes(benchmark) else "best-cells"
    if estimate == "best-cells" and results.seed_noise is not None:
        return results.seed_noise
    if estimate == "classes" and not results.per_seed:
        try:
            return class_estimate(benchmark, dataset)
        except ValueError as exc:
            raise ObjectiveUnavailableError(f"no {estimate!r} seed-noise estimate for {dataset!r}: {exc}") from None
    with_stored = [d for d in benchmark.datasets if benchmark.dataset(d).seed_noise] or ["none"]
    raise ObjectiveUnavailableError(
        f"no {estimate!r} seed-noise estimate for {dataset!r} in this benchmark ({benchmark.provenance.kind}); "
        f"datasets with a 'best-cells' one: {', '.join(with_stored)}"
    )
