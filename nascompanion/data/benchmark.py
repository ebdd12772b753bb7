"""The ``Benchmark`` table: every accuracy the package reads, in one validated object."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np

from nascompanion.data import restricted_pickle
from nascompanion.data.graph_datasets import DATASETS as GRAPH_DATASETS, space_of
from nascompanion.spaces import nb201
from nascompanion.spaces.graph_nas import SPACE_SIZES
from nascompanion.spaces.named import space_named

DATASETS: tuple[str, ...] = ("cifar10-valid", "cifar10", "cifar100", "ImageNet16-120")
"""NAS-Bench-201's four training set-ups, under its own names."""

PUBLISHED_OPTIMA: Mapping[tuple[str, str], float] = MappingProxyType(
    {
        ("cifar10-valid", "validation"): 91.6067,
        ("cifar10", "test"): 94.373,
        ("cifar100", "test"): 73.513,
        ("ImageNet16-120", "test"): 47.311,
    }
)
"""Best mean-of-seeds 200-epoch accuracy (%) that NB201 publishes, by (dataset, metric)."""

OPTIMUM_TOLERANCE = 0.15
"""Largest allowed gap (accuracy points) between a file's optimum and the published one."""

METRICS = ("validation", "test")

GRAPH_KIND = "nas-bench-graph"
"""Provenance kind of NAS-Bench-Graph (:mod:`nascompanion.data.nasbench_graph`): its datasets live in two
spaces other than NB201's, and have no architecture strings."""

EXTRA_COLUMNS = ("latency", "parameters")
"""What NAS-Bench-Graph records of an architecture besides its accuracies (:meth:`Benchmark.extra`)."""


class BenchmarkDataError(ValueError):
    """A benchmark file or table is missing, corrupt, or not what it claims to be."""


def file_bytes(path: Path, empty_hint: str) -> tuple[bytes, str]:
    """The bytes of a benchmark file and their ``"md5:..."`` checksum; a missing or empty file is an error
    naming it (``empty_hint`` says what to do about an empty one)."""
    path = Path(path)
    if not path.is_file():
        raise BenchmarkDataError(f"{path}: file not found")
    raw = path.read_bytes()
    if not raw:
        raise BenchmarkDataError(f"{path}: empty file; {empty_hint}")
    return raw, "md5:" + hashlib.md5(raw).hexdigest()


def unpickle_file(path: Path, raw: bytes, allowed, kind: str, altered: str, unreadable: str) -> Any:
    """Unpickle a benchmark file's bytes with an allow-list; what the unpickler refuses or cannot read
    becomes a :class:`BenchmarkDataError` naming the file.

    Parameters
    ----------
    path, raw
        The file and its (decompressed) pickle bytes.
    allowed
        The :class:`~nascompanion.data.restricted_pickle.AllowList` of the format.
    kind
        What the file is, for the messages (e.g. ``"a NATS-Bench tss file"``).
    altered
        What to do when the file names a global outside the list.
    unreadable
        The message for a broken pickle, with ``{error}`` for the error's type and text.
    """
    try:
        return restricted_pickle.loads(raw, allowed)
    except restricted_pickle.RefusedGlobalError as err:
        raise BenchmarkDataError(
            f"{path}: refused to unpickle {err.qualified}, which {kind} does not need "
            f"(allowed: {allowed.describe()}); nothing the file names outside that list was run. {altered}"
        ) from None
    except restricted_pickle.RefusedError as err:
        raise BenchmarkDataError(f"{path}: {err}; {kind} does not need that") from None
    except restricted_pickle.UNREADABLE_ERRORS as err:
        raise BenchmarkDataError(f"{path}: " + unreadable.format(error=f"{type(err).__name__}: {err}")) from None


@dataclass(frozen=True)
class SeedNoise:
    """An estimate of the seed-to-seed standard deviation of validation accuracy.

    Attributes
    ----------
    sigma
        Standard deviation of one training seed's accuracy around the
        architecture's expected accuracy, in accuracy points.
    method
        How it was estimated, in words, for figure captions and tables.
    n
        Number of architectures the estimate rests on.
    """

    sigma: float
    method: str
    n: int


@dataclass(frozen=True)
class DatasetResults:
    """Accuracies of every architecture of a space on one dataset (NB201: its 15,625 cells).

    Attributes
    ----------
    name
        Dataset name, as its benchmark names it.
    validation, test
        Accuracy in %, shape ``(n, n_seeds)`` (NB201: ``n = 15625``), NaN where a seed is missing;
        ``None`` when the source has no such metric.
    validation_metric, test_metric
        What each column is (split, epochs, how seeds were combined).
    per_seed
        True when each column is one training seed; False when the source only
        gives a mean over seeds (then ``n_seeds == 1`` and the column is a mean).
    seed_noise
        Seed-to-seed noise of the validation metric, if it could be estimated.
    """

    name: str
    validation: np.ndarray | None
    test: np.ndarray | None
    validation_metric: str
    test_metric: str
    per_seed: bool
    seed_noise: SeedNoise | None = None

    def __post_init__(self) -> None:
        for metric in METRICS:
            values = getattr(self, metric)
            if values is None:
                continue
            values = np.array(values, dtype=np.float64, copy=True)
            if values.ndim == 1:
                values = values[:, None]
            values.setflags(write=False)
            object.__setattr__(self, metric, values)


@dataclass(frozen=True)
class Provenance:
    """Where a benchmark came from.

    Attributes
    ----------
    kind
        ``"nb201-official"`` (a ``NAS-Bench-201-v1_*.pth`` file),
        ``"nats-tss"`` or ``"nats-tss-12-epochs"`` (NATS-Bench's topology release, 200 or 12
        epochs), ``"nb201-tables"`` (the mean-of-seeds CSV tables, read from their files or
        as shipped in the package), ``"digits201"`` or ``"nas-bench-graph"`` (:data:`GRAPH_KIND`).
    sources
        Paths of the files read.
    checksums
        ``{file name: "md5:..."}`` of the files read.
    notes
        Plain-language caveats (e.g. "means of seeds, not single seeds").
    modified
        One line per source file whose md5 differs from the published one and that
        was used knowingly (``trust_modified=True``); empty for unmodified sources.
        Kept apart from ``checksums``, whose items key stored search histories.
    """

    kind: str
    sources: tuple[str, ...]
    checksums: Mapping[str, str]
    notes: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()


@dataclass(frozen=True)
class Benchmark:
    """Per-dataset, per-architecture, per-seed accuracies of the architectures of a space.

    Each dataset lives in one space, :meth:`space`; its rows are that space's nodes, so
    ``losses[benchmark.space(dataset).table]`` is always meaningful. Every source but
    NAS-Bench-Graph is NB201's space (rows are NB201 benchmark indices, ``arch_strings`` their
    cells). NAS-Bench-Graph's datasets live in two spaces
    (:func:`~nascompanion.spaces.graph_nas.graph_space`): proteins in its own (five operations,
    2,021 architectures), the eight others in the nine-operation one (26,206); rows are canonical
    keys in increasing order, the space's node names, and ``arch_strings`` is empty.
    Build one with :func:`nascompanion.data.load_benchmark`.
    """

    results: Mapping[str, DatasetResults]
    provenance: Provenance
    arch_strings: tuple[str, ...] = field(default_factory=nb201.arch_strings, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "results", MappingProxyType(dict(self.results)))
        if self.provenance.kind == GRAPH_KIND:
            object.__setattr__(self, "arch_strings", ())

    def space_name(self, dataset: str) -> str:
        """The space ``dataset`` lives in: ``"nb201"``, or NAS-Bench-Graph's ``"full"`` or ``"proteins"``."""
        self.dataset(dataset)
        if self.provenance.kind != GRAPH_KIND:
            return "nb201"
        return space_of(dataset)

    def space(self, dataset: str):
        """The :class:`~nascompanion.spaces.table.TableSpace` whose nodes are the rows of ``dataset``."""
        name = self.space_name(dataset)
        return space_named(name if name == "nb201" else f"nas-bench-graph-{name}")

    def size(self, dataset: str) -> int:
        """Number of architectures (rows) of ``dataset``."""
        results = self.dataset(dataset)
        return next(getattr(results, m) for m in METRICS if getattr(results, m) is not None).shape[0]

    @property
    def datasets(self) -> tuple[str, ...]:
        """Datasets present, in NB201's order."""
        return tuple(d for d in DATASETS if d in self.results) + tuple(
            d for d in self.results if d not in DATASETS
        )

    def dataset(self, dataset: str) -> DatasetResults:
        """The results for one dataset.

        Raises
        ------
        ValueError
            If ``dataset`` is not in this benchmark (the message lists those that are).
        """
        if dataset not in self.results:
            raise ValueError(
                f"unknown dataset {dataset!r}; this benchmark has: {', '.join(self.datasets)}"
            )
        return self.results[dataset]

    def has_metric(self, dataset: str, metric: str) -> bool:
        """Whether ``metric`` ('validation' or 'test') exists for ``dataset``."""
        _check_metric(metric)
        return getattr(self.dataset(dataset), metric) is not None

    def accuracy(self, dataset: str, metric: str) -> np.ndarray:
        """Accuracy (%) of every architecture, shape ``(n, n_seeds)``, NaN for missing seeds.

        Raises
        ------
        ValueError
            For an unknown dataset or metric, or a metric this source lacks.
        """
        _check_metric(metric)
        results = self.dataset(dataset)
        values = getattr(results, metric)
        if values is None:
            have = [m for m in METRICS if getattr(results, m) is not None]
            raise ValueError(
                f"{metric} accuracy of {dataset!r} is not in this benchmark "
                f"({self.provenance.kind}); available for {dataset!r}: {', '.join(have) or 'nothing'}"
            )
        return values

    def validation_accuracy(self, dataset: str) -> np.ndarray:
        """Validation accuracy (%), shape ``(n, n_seeds)``."""
        return self.accuracy(dataset, "validation")

    def test_accuracy(self, dataset: str) -> np.ndarray:
        """Test accuracy (%), shape ``(n, n_seeds)``."""
        return self.accuracy(dataset, "test")

    def is_per_seed(self, dataset: str) -> bool:
        """True if columns are single training seeds, False if they are means of seeds."""
        return self.dataset(dataset).per_seed

    def seed_counts(self, dataset: str, metric: str = "validation") -> np.ndarray:
        """Number of seeds with a value for every cell (all 1 for mean-only data)."""
        return np.sum(~np.isnan(self.accuracy(dataset, metric)), axis=1)

    def metric_name(self, dataset: str, metric: str) -> str:
        """What the values of ``metric`` are, in words."""
        self.accuracy(dataset, metric)
        return getattr(self.dataset(dataset), f"{metric}_metric")


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}")


def first_out_of_nb201_order(strings: Sequence[str]) -> int | None:
    """Position of the first architecture string that is not NB201's cell at that index, else ``None``.

    >>> first_out_of_nb201_order(nb201.arch_strings()[:3]) is None
    True
    >>> first_out_of_nb201_order([nb201.index_to_arch(1), nb201.index_to_arch(0)])
    0
    """
    expected = nb201.arch_strings()
    return next((i for i, (got, want) in enumerate(zip(strings, expected)) if got != want), None)


def require_nb201_order(strings: Sequence[str], where: str) -> None:
    """Raise :class:`BenchmarkDataError` naming ``where`` and the first row out of NB201 index order."""
    bad = first_out_of_nb201_order(strings)
    if bad is not None:
        raise BenchmarkDataError(
            f"{where}: row {bad} holds {strings[bad]!r} but NB201 index {bad} is {nb201.index_to_arch(bad)!r}; "
            "rows must be in NB201 index order"
        )


def validate(benchmark: Benchmark, where: str, check_optima: bool = True) -> Benchmark:
    """Check a freshly imported benchmark; raise :class:`BenchmarkDataError` naming ``where``.

    Checks: 15,625 unique architecture strings in NB201 index order; every value
    within [0, 100] or NaN; every cell has at least one seed for every metric
    present; the mean-of-seeds optimum matches the published one where known.
    NAS-Bench-Graph (:data:`GRAPH_KIND`): its datasets only, each with one column of
    accuracies per metric, as many rows as its space has architectures, every value in [0, 100].
    """
    if benchmark.provenance.kind == GRAPH_KIND:
        return _validate_graph(benchmark, where)
    strings = benchmark.arch_strings
    if len(strings) != nb201.N_ARCHS:
        raise BenchmarkDataError(f"{where}: {len(strings)} architectures, expected {nb201.N_ARCHS}")
    if len(set(strings)) != len(strings):
        raise BenchmarkDataError(f"{where}: architecture strings are not unique")
    require_nb201_order(strings, where)
    if not benchmark.results:
        raise BenchmarkDataError(f"{where}: no dataset found")
    for name, results in benchmark.results.items():
        for metric in METRICS:
            values = getattr(results, metric)
            if values is None:
                continue
            label = f"{where}: {name} {metric} accuracy"
            if values.shape[0] != nb201.N_ARCHS:
                raise BenchmarkDataError(f"{label} has {values.shape[0]} rows, expected {nb201.N_ARCHS}")
            finite = values[~np.isnan(values)]
            if finite.size and (finite.min() < 0 or finite.max() > 100):
                raise BenchmarkDataError(
                    f"{label} has values outside [0, 100] (min {finite.min():.4g}, max {finite.max():.4g})"
                )
            missing = np.isnan(values).all(axis=1)
            if missing.any():
                raise BenchmarkDataError(
                    f"{label} is missing for {int(missing.sum())} architectures (first: index {int(np.argmax(missing))})"
                )
            published = PUBLISHED_OPTIMA.get((name, metric))
            if check_optima and published is not None:
                best = float(np.nanmax(np.nanmean(values, axis=1)))
                if abs(best - published) > OPTIMUM_TOLERANCE:
                    raise BenchmarkDataError(
                        f"{label}: best mean-of-seeds value is {best:.4f}, but NB201's published optimum is "
                        f"{published} (tolerance {OPTIMUM_TOLERANCE}); wrong file, epochs or split?"
                    )
    return benchmark


def _validate_graph(benchmark: Benchmark, where: str) -> Benchmark:
    """:func:`validate` for NAS-Bench-Graph: known datasets, one column, the space's row count, values in [0, 100]."""
    if not benchmark.results:
        raise BenchmarkDataError(f"{where}: no dataset found")
    for name, results in benchmark.results.items():
        if name not in GRAPH_DATASETS:
            raise BenchmarkDataError(f"{where}: {name!r} is not a NAS-Bench-Graph dataset "
                                     f"({', '.join(GRAPH_DATASETS)})")
        expected = SPACE_SIZES[space_of(name)]
        for metric in METRICS:
            values = getattr(results, metric)
            label = f"{where}: {name} {metric} accuracy"
            if values is None or values.shape != (expected, 1):
                found = "missing" if values is None else f"of shape {values.shape}"
                raise BenchmarkDataError(f"{label} is {found}, expected ({expected}, 1): one mean per architecture")
            if np.isnan(values).any() or values.min() < 0 or values.max() > 100:
                raise BenchmarkDataError(f"{label} has NaN or values outside [0, 100]")
    return benchmark
