"""Importer for NAS-Bench-Graph's light benchmark files, read without the package's own reader.

The ``nas-bench-graph`` wheel (Apache-2.0) ships ``nas_bench_graph/light/<dataset>.bench``
for nine node-classification datasets: a pickled ``dict`` from the package's key of
an architecture (``Arch.valid_hash``; see :mod:`nascompanion.spaces.graph_nas`) to
``{"valid_perf", "perf", "latency", "para"}``, seed means of validation and test
accuracy (fractions), latency and parameter count. The package reads them with
``pickle.load``; here they go through the allow-list unpickler
(:data:`NAS_BENCH_GRAPH`: numpy scalars only), and every file is checked before it is
used: one entry per distinct architecture of its space (``"proteins"`` for proteins,
``"full"`` for the others), nothing else, accuracies in ``[0, 1]``, latency and
parameters positive, no NaN. What does not fit is a one-line
:class:`~nascompanion.data.benchmark.BenchmarkDataError` naming the file.

:func:`graph_benchmark` gathers the nine as one
:class:`~nascompanion.data.benchmark.Benchmark` (``load_benchmark("nas-bench-graph")``),
cached like the other importers (:mod:`nascompanion.data.cache`: keyed by the files'
content and this importer's code): reading and checking the nine files and the two
spaces takes seconds, a cached copy well under one. The cache holds the accuracies;
latency and parameters are read from the file when asked for
(:meth:`~nascompanion.data.benchmark.Benchmark.extra`).

>>> data = load_graph_dataset("proteins")
>>> data.space, len(data.keys) == len(data.validation)
('proteins', True)
"""

from __future__ import annotations

import importlib.util
import math
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nascompanion.data import cache
from nascompanion.data.benchmark import (EXTRA_COLUMNS, GRAPH_KIND, Benchmark, BenchmarkDataError, DatasetResults,
                                         Provenance, unpickle_file)
from nascompanion.data.digests import file_md5
from nascompanion.data.graph_datasets import DATASETS, check_dataset, space_of  # noqa: F401 (importer's names)
from nascompanion.data.restricted_pickle import AllowList, numeric_scalar
from nascompanion.spaces.graph_nas import graph_nas_space

FIELDS = ("valid_perf", "perf", "latency", "para")
"""What each entry of a ``.bench`` file holds."""

PACKAGE = "nas_bench_graph"
INSTALL = "install it with: pip install nas-bench-graph==1.4.0 --no-deps"

ACCURACY_DECIMALS = 9
"""Accuracies in percent are rounded to this many decimals.

The files store seed means computed in different orders, so one accuracy can appear
as two floats a few units in the last place apart; rounding makes those equal
ties, and merges nothing else (rounding to 6 decimals gives the same distinct values,
checked in ``tests/test_nasbench_graph.py``).
"""

NAS_BENCH_GRAPH = AllowList(
    "NAS-Bench-Graph light .bench files",
    {
        "numpy.core.multiarray.scalar": numeric_scalar,
        "numpy._core.multiarray.scalar": numeric_scalar,
        "numpy.dtype": np.dtype,
    },
)
"""Globals of ``nas_bench_graph/light/*.bench``: numpy scalars (some parameter counts are ``np.float64``)."""


@dataclass(frozen=True)
class GraphDataset:
    """One dataset of NAS-Bench-Graph, one row per distinct architecture.

    Attributes
    ----------
    dataset
        The package's name of the dataset.
    space
        ``"full"`` or ``"proteins"`` (:func:`~nascompanion.spaces.graph_nas.graph_nas_space`).
    keys
        Sorted canonical keys, the same order as the space's nodes.
    validation, test
        Validation and test accuracy in percent (seed means), rounded to
        :data:`ACCURACY_DECIMALS` decimals.
    latency, parameters
        As the file stores them (not rescaled).
    path
        The file read.
    """

    dataset: str
    space: str
    keys: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    latency: np.ndarray
    parameters: np.ndarray
    path: Path


def bench_path(dataset: str) -> Path:
    """The ``.bench`` file of a dataset inside the installed package.

    Raises
    ------
    ValueError
        For a dataset not in :data:`DATASETS`.
    BenchmarkDataError
        When the package is not installed.
    """
    check_dataset(dataset)
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        raise BenchmarkDataError(f"the nas-bench-graph package is not installed; {INSTALL}")
    return Path(spec.origin).parent / "light" / f"{dataset}.bench"


def _number(value: object, path: Path, key: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise BenchmarkDataError(f"{path}: entry {key!r} field {name!r} is {type(value).__name__}, not a number")
    value = float(value)
    if not math.isfinite(value):
        raise BenchmarkDataError(f"{path}: entry {key!r} field {name!r} is {value}, not a finite number")
    return value


def _columns(data: object, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """``(keys, values)`` of a decoded file, values of shape ``(n, 4)`` in :data:`FIELDS` order."""
    if not isinstance(data, dict):
        raise BenchmarkDataError(f"{path}: holds a {type(data).__name__}, not a dict of architectures")
    keys = []
    values = np.empty((len(data), len(FIELDS)))
    for row, (key, entry) in enumerate(data.items()):
        if isinstance(key, bool) or not isinstance(key, int):
            raise BenchmarkDataError(f"{path}: key {key!r} is not an integer architecture key")
        if not isinstance(entry, dict) or set(entry) != set(FIELDS):
            found = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
            raise BenchmarkDataError(f"{path}: entry {key} holds {found}, not the fields {', '.join(FIELDS)}")
        keys.append(key)
        values[row] = [_number(entry[name], path, key, name) for name in FIELDS]
    return np.array(keys, dtype=np.int64), values


def read_bench(path: Path, dataset: str) -> GraphDataset:
    """Read and check one ``.bench`` file as the results of ``dataset``.

    Raises
    ------
    BenchmarkDataError
        Naming the file, for a missing, unreadable, crafted or damaged file, or one whose
        architectures or values are not those of the dataset's space.
    """
    path = Path(path)
    space = space_of(dataset)
    if not path.is_file():
        raise BenchmarkDataError(f"{path}: file not found; {INSTALL}")
    data = unpickle_file(
        path, path.read_bytes(), NAS_BENCH_GRAPH, "a NAS-Bench-Graph .bench file",
        f"Reinstall the package ({INSTALL} --force-reinstall).",
        "not a readable NAS-Bench-Graph .bench file ({error}); the file is damaged, reinstall the package",
    )
    keys, values = _columns(data, path)
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    expected = graph_nas_space(space).keys
    if not np.array_equal(keys, expected):
        missing = np.setdiff1d(expected, keys)
        extra = np.setdiff1d(keys, expected)
        raise BenchmarkDataError(
            f"{path}: holds {len(keys)} architectures, the {space} space has {len(expected)} "
            f"(missing {missing[:3].tolist()}, not in the space {extra[:3].tolist()})"
        )
    for column, name in ((0, "valid_perf"), (1, "perf")):
        bad = (values[:, column] < 0) | (values[:, column] > 1)
        if bad.any():
            raise BenchmarkDataError(
                f"{path}: {name} of architecture {int(keys[bad][0])} is {values[bad, column][0]}, outside [0, 1]"
            )
    for column, name in ((2, "latency"), (3, "para")):
        bad = values[:, column] <= 0
        if bad.any():
            raise BenchmarkDataError(
                f"{path}: {name} of architecture {int(keys[bad][0])} is {values[bad, column][0]}, not positive"
            )
    validation, test = (np.round(100 * values[:, column], ACCURACY_DECIMALS) for column in (0, 1))
    return GraphDataset(dataset, space, keys, validation, test, values[:, 2], values[:, 3], path)


def load_graph_dataset(dataset: str) -> GraphDataset:
    """The checked results of one NAS-Bench-Graph dataset, read from the installed package.

    >>> cora = load_graph_dataset("cora")
    >>> len(cora.keys), bool((cora.validation > 1).all() and (cora.validation <= 100).all())
    (26206, True)
    """
    return read_bench(bench_path(dataset), dataset)


def load_graph_benchmark() -> dict[str, GraphDataset]:
    """All nine datasets, in :data:`DATASETS` order."""
    return {name: load_graph_dataset(name) for name in DATASETS}


NOTES = (
    "NAS-Bench-Graph's light files hold seed means only: one column per metric, no per-seed values, "
    "so no seed noise can be estimated from them",
    "proteins lives in its own space (operations gcn, sage, arma, fc, skip: 2,021 architectures); "
    "the eight other datasets share the nine-operation space (26,206); Benchmark.space(dataset) gives each",
)
"""What the provenance of :func:`graph_benchmark` says about its data."""


def _results(data: GraphDataset) -> DatasetResults:
    return DatasetResults(
        data.dataset, validation=data.validation, test=data.test,
        validation_metric="validation accuracy (%), mean over NAS-Bench-Graph's seeds (valid_perf)",
        test_metric="test accuracy (%), mean over NAS-Bench-Graph's seeds (perf)", per_seed=False,
    )


def _build(paths: dict[str, Path]) -> Benchmark:
    results = {name: _results(read_bench(path, name)) for name, path in paths.items()}
    provenance = Provenance(GRAPH_KIND, tuple(str(p) for p in paths.values()),
                            {p.name: file_md5(p) for p in paths.values()}, NOTES)
    return Benchmark(results, provenance)


def graph_benchmark(use_cache: bool = True) -> Benchmark:
    """The nine datasets of the installed package as one validated :class:`~nascompanion.data.benchmark.Benchmark`.

    Each dataset's rows are the nodes of ``benchmark.space(dataset)`` (canonical keys in increasing
    order); validation and test accuracy in percent, one column (seed means).

    >>> bench = graph_benchmark()
    >>> bench.datasets[:3], bench.size("cora"), bench.size("proteins"), bench.space("proteins").size
    (('cora', 'citeseer', 'pubmed'), 26206, 2021, 2021)
    """
    paths = {name: bench_path(name) for name in DATASETS}
    for path in paths.values():
        if not path.is_file():
            raise BenchmarkDataError(f"{path}: file not found; {INSTALL}")
    here = Path(__file__)
    code = {"importer": file_md5(here), "space": file_md5(here.parents[1] / "spaces" / "graph_nas.py")}
    return cache.cached(GRAPH_KIND, list(paths.values()), lambda: _build(paths), use_cache, options=code,
                        check_optima=False)


def extra_column(benchmark: Benchmark, dataset: str, column: str) -> np.ndarray:
    """A NAS-Bench-Graph column other than accuracy (one of :data:`~nascompanion.data.benchmark.EXTRA_COLUMNS`),
    in the benchmark's row order, read from the installed package's file (the cache holds accuracies only).

    Raises
    ------
    ValueError
        For a benchmark that is not NAS-Bench-Graph, or a column not in ``EXTRA_COLUMNS``.
    """
    benchmark.dataset(dataset)
    if benchmark.provenance.kind != GRAPH_KIND:
        raise ValueError(f"{benchmark.provenance.kind} has no columns besides accuracy; "
                         f"{', '.join(EXTRA_COLUMNS)} are NAS-Bench-Graph's")
    if column not in EXTRA_COLUMNS:
        raise ValueError(f"unknown column {column!r}; allowed: {', '.join(EXTRA_COLUMNS)}")
    return getattr(load_graph_dataset(dataset), column)
