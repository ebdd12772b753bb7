"""Importer for the mean-of-seeds NAS-Bench-201 CSV tables.

The tables give, for all 15,625 cells, the 200-epoch accuracies averaged over
the training seeds NB201 has (1 to 3), plus one-seed values for the best and
worst ~1% of cells. They carry no per-seed values, so the benchmark they make is
marked mean-only and a one-seed ("standard") objective cannot be read from it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nascompanion.data import seed_noise
from nascompanion.data.csvread import numbers, read_csv
from nascompanion.data.digests import compare_all, file_md5, mark_modified, published_md5s
from nascompanion.data.benchmark import (
    Benchmark,
    BenchmarkDataError,
    DatasetResults,
    Provenance,
    require_nb201_order,
    validate,
)
from nascompanion.spaces import nb201

CIFAR10_VALID_FILE = "nb201_cifar10-valid_mean200.csv"
TEST_FILE = "nb201_test_mean200.csv"
GENOTYPE_DIR = "top_bottom_1pct"
REQUIRED_FILES = (CIFAR10_VALID_FILE, TEST_FILE)

_TEST_COLUMNS = {
    "cifar10": "CIFAR10TestAccuracy200Epochs",
    "cifar100": "CIFAR100TestAccuracy200Epochs",
    "ImageNet16-120": "ImageNetTestAccuracy200Epochs",
}
_GENOTYPE_NAMES = {"cifar10-valid": "cifar10", "cifar100": "cifar100", "ImageNet16-120": "ImageNet"}
_MEAN_NOTE = "200 epochs, mean over the 1-3 training seeds NB201 has"


def is_table_folder(folder: Path) -> bool:
    """Whether ``folder`` holds the two required tables."""
    return all((folder / name).is_file() for name in REQUIRED_FILES)


ACCURACY_RANGE = (0.0, 100.0)
"""Allowed range of every accuracy (%) column the package reads."""


def _read_columns(path: Path, columns: list[str], arch_column: str) -> tuple[list[str], dict[str, np.ndarray]]:
    table = read_csv(path, [arch_column, *columns])
    if len(table) != nb201.N_ARCHS:
        raise BenchmarkDataError(
            f"{path}: {len(table)} rows, expected {nb201.N_ARCHS} (truncated or wrong file?)"
        )
    return table.columns[arch_column], {c: numbers(table, c, *ACCURACY_RANGE) for c in columns}


GENOTYPE_FILES: dict[str, str] = {
    f"{dataset}.{side}": f"genotype_{name}_{side}.csv"
    for dataset, name in _GENOTYPE_NAMES.items()
    for side in ("best", "worst")
}
"""Seed-noise tables of ``top_bottom_1pct/``, keyed ``"<dataset>.<best|worst>"``."""

SOURCE_FILES: tuple[str, ...] = (*REQUIRED_FILES, *(GENOTYPE_FILES[f"{d}.best"] for d in _GENOTYPE_NAMES))
"""The files a tables benchmark rests on (its provenance): the two tables and each ``best`` seed-noise table."""

TEST_COLUMN_KEYS: dict[str, str] = {f"{dataset}.test": column for dataset, column in _TEST_COLUMNS.items()}
ACCURACY_KEYS: tuple[str, ...] = ("cifar10-valid.validation", "cifar10-valid.test", *TEST_COLUMN_KEYS)
"""Names of the five accuracy columns the book uses, as ``"<dataset>.<metric>"``."""


def _read_genotypes(path: Path) -> dict[str, np.ndarray]:
    """One ``top_bottom_1pct`` table as NB201 indices, mean-of-seeds and one-seed accuracies (%)."""
    table = read_csv(path, ["sol", "f_avg", "f_sng"])
    if not len(table):
        raise BenchmarkDataError(f"{path}: no rows; a top_bottom_1pct table lists cells as sol,f_avg,f_sng")
    index = np.empty(len(table), dtype=np.int16)
    for row, sol in enumerate(table.columns["sol"]):
        if len(sol) != len(nb201.EDGES) or any(c not in "12345" for c in sol):
            raise BenchmarkDataError(
                f"{path}, line {table.line(row)}: sol is {sol!r}; allowed: six op codes 1-5 (e.g. 141234)"
            )
        index[row] = nb201.ops_to_index([int(c) - 1 for c in sol])
    _, first, counts = np.unique(index, return_index=True, return_counts=True)
    if (counts > 1).any():
        again = int(np.flatnonzero(np.isin(index, index[first[counts > 1]]))[1])
        raise BenchmarkDataError(f"{path}, line {table.line(again)}: sol {table.columns['sol'][again]} appears twice")
    return {"index": index, "f_avg": numbers(table, "f_avg", *ACCURACY_RANGE),
            "f_sng": numbers(table, "f_sng", *ACCURACY_RANGE)}


def check_columns(columns: dict[str, np.ndarray], where: str) -> None:
    """Check columns as :func:`read_tables` gives them (or as stored): names, shapes and ranges.

    Raises
    ------
    BenchmarkDataError
        Naming ``where`` and the column: an accuracy column missing, not of one value per
        NB201 cell, or holding NaN or a value outside [0, 100]; a seed-noise table without
        its three parts, empty, of unequal lengths, or whose indices are not distinct NB201
        indices; a column of another name.
    """
    missing = [key for key in ACCURACY_KEYS if key not in columns]
    if missing:
        raise BenchmarkDataError(f"{where}: missing column(s) {', '.join(missing)}")
    tables = {key.rsplit(".", 1)[0] for key in columns if key.startswith("genotype.")}
    unknown = set(columns) - set(ACCURACY_KEYS) - {f"{t}.{p}" for t in tables for p in GENOTYPE_PARTS}
    if unknown or not tables <= {f"genotype.{key}" for key in GENOTYPE_FILES}:
        raise BenchmarkDataError(f"{where}: unexpected column(s) {', '.join(sorted(unknown or tables))}")
    for key in ACCURACY_KEYS:
        _check_accuracy(columns[key], f"{where}: column {key}", nb201.N_ARCHS)
    for table in sorted(tables):
        parts = [f"{table}.{part}" for part in GENOTYPE_PARTS]
        absent = [key for key in parts if key not in columns]
        if absent:
            raise BenchmarkDataError(f"{where}: missing column(s) {', '.join(absent)}")
        index = np.asarray(columns[f"{table}.index"])
        if index.ndim != 1 or not index.size or not np.issubdtype(index.dtype, np.integer) or (index < 0).any() \
                or (index >= nb201.N_ARCHS).any() or np.unique(index).size != index.size:
            raise BenchmarkDataError(f"{where}: column {table}.index is not a non-empty list of distinct NB201 indices")
        for key in parts[1:]:
            _check_accuracy(columns[key], f"{where}: column {key}", index.size)


GENOTYPE_PARTS = ("index", "f_avg", "f_sng")
"""The three columns of each seed-noise table: NB201 index, mean-of-seeds and one-seed accuracy (%)."""


def _check_accuracy(values: np.ndarray, label: str, rows: int) -> None:
    values = np.asarray(values)
    if values.shape != (rows,) or not np.issubdtype(values.dtype, np.floating):
        raise BenchmarkDataError(f"{label} has {values.dtype} values of shape {values.shape}, expected floats ({rows},)")
    low, high = ACCURACY_RANGE
    bad = ~(np.isfinite(values) & (values >= low) & (values <= high))
    if bad.any():
        first = int(np.argmax(bad))
        raise BenchmarkDataError(f"{label} holds {float(values[first])!r} at row {first}; allowed: a finite accuracy in [0, 100]")


def read_tables(folder: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Read and check the NB201 CSV tables in ``folder``: the columns the book uses, and their files.

    Returns
    -------
    columns
        ``"<dataset>.<metric>"`` accuracy columns (see :data:`ACCURACY_KEYS`), and for each
        ``top_bottom_1pct`` table present ``"genotype.<dataset>.<side>.{index,f_avg,f_sng}"``.
    files
        ``{file name: path}`` of every file read, in reading order.

    Raises
    ------
    BenchmarkDataError
        If a required file is missing, or a file is truncated, corrupt or out of NB201 order.
    """
    folder = Path(folder)
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise BenchmarkDataError(f"{folder}: missing {', '.join(missing)}; expected both of {', '.join(REQUIRED_FILES)}")
    valid_path, test_path = folder / CIFAR10_VALID_FILE, folder / TEST_FILE
    archs, c10v = _read_columns(valid_path, ["valid-accuracy", "test-accuracy"], "arch_str")
    require_nb201_order(archs, str(valid_path))
    archs2, tests = _read_columns(test_path, list(_TEST_COLUMNS.values()), "ArchitectureString")
    require_nb201_order(archs2, str(test_path))
    columns = {"cifar10-valid.validation": c10v["valid-accuracy"], "cifar10-valid.test": c10v["test-accuracy"]}
    columns |= {key: tests[column] for key, column in TEST_COLUMN_KEYS.items()}
    files = {valid_path.name: valid_path, test_path.name: test_path}
    for key, name in GENOTYPE_FILES.items():
        path = folder / GENOTYPE_DIR / name
        if path.is_file():
            columns |= {f"genotype.{key}.{part}": values for part, values in _read_genotypes(path).items()}
            files[name] = path
    return columns, files


def benchmark_from_columns(columns: dict[str, np.ndarray], provenance: Provenance, where: str) -> Benchmark:
    """The mean-only :class:`Benchmark` of columns from :func:`read_tables`, validated.

    Seed noise of ``cifar10-valid``, ``cifar100`` and ``ImageNet16-120`` is estimated from
    their ``best`` genotype table where it is present.

    Raises
    ------
    BenchmarkDataError
        If a column is missing, misshapen or out of range (see :func:`check_columns`), or the
        benchmark fails :func:`~nascompanion.data.benchmark.validate`.
    """
    check_columns(columns, where)
    noise = {}
    for dataset in ("cifar10-valid", "cifar100", "ImageNet16-120"):
        prefix = f"genotype.{dataset}.best"
        noise[dataset] = (
            seed_noise.from_single_and_mean(columns[f"{prefix}.f_sng"], columns[f"{prefix}.f_avg"])
            if f"{prefix}.f_avg" in columns else None
        )
    results = {
        "cifar10-valid": DatasetResults(
            "cifar10-valid",
            validation=columns["cifar10-valid.validation"],
            test=columns["cifar10-valid.test"],
            validation_metric=f"x-valid accuracy (%), {_MEAN_NOTE}",
            test_metric=f"ori-test accuracy (%) of the cifar10-valid model, {_MEAN_NOTE}",
            per_seed=False,
            seed_noise=noise["cifar10-valid"],
        ),
        "cifar10": DatasetResults(
            "cifar10",
            validation=None,
            test=columns["cifar10.test"],
            validation_metric="",
            test_metric=f"ori-test accuracy (%) of the model trained on train+valid, {_MEAN_NOTE}",
            per_seed=False,
        ),
    }
    for dataset in ("cifar100", "ImageNet16-120"):
        results[dataset] = DatasetResults(
            dataset,
            validation=None,
            test=columns[f"{dataset}.test"],
            validation_metric="",
            test_metric=f"x-test accuracy (%), {_MEAN_NOTE}",
            per_seed=False,
            seed_noise=noise[dataset],
        )
    return validate(Benchmark(results=results, provenance=provenance), where=where)


TABLE_NOTES: tuple[str, ...] = (
    "Every value is a MEAN over NB201's training seeds; no value is one seed.",
    "cifar100 and ImageNet16-120 validation (x-valid) accuracies are not in these tables.",
    "Seed noise estimated from the best ~1% of cells (top_bottom_1pct).",
)


def load_tables(folder: Path, trust_modified: bool = False) -> Benchmark:
    """Read the NB201 mean-of-seeds tables from ``folder``.

    Parameters
    ----------
    folder
        Folder with ``nb201_cifar10-valid_mean200.csv`` and ``nb201_test_mean200.csv``
        (and optionally ``top_bottom_1pct/`` for the seed-noise estimate).
    trust_modified
        Use files whose md5 differs from the published one recorded in the shipped
        manifest (:func:`~nascompanion.data.digests.published_md5s`), and mark the
        benchmark as built from modified sources, instead of refusing them.

    Returns
    -------
    Benchmark
        Mean-only (``per_seed`` False) results for ``cifar10-valid`` (validation
        = x-valid, test = ori-test), and test accuracy for ``cifar10`` (ori-test),
        ``cifar100`` and ``ImageNet16-120`` (x-test).

    Raises
    ------
    BenchmarkDataError
        If a file is missing, truncated, corrupt, out of range or out of NB201 order.
    ModifiedSourceError
        If a file's md5 differs from the published one and ``trust_modified`` is False.
    """
    columns, files = read_tables(folder)
    digests = {name: file_md5(path) for name, path in files.items()}   # each file read once
    modified = compare_all({files[name]: digest for name, digest in digests.items()}, published_md5s(), trust_modified)
    used = [name for name in SOURCE_FILES if name in files]
    provenance = Provenance(
        kind="nb201-tables",
        sources=tuple(str(files[name]) for name in used),
        checksums={name: digests[name] for name in used},
        notes=TABLE_NOTES,
    )
    return mark_modified(benchmark_from_columns(columns, provenance, where=str(folder)), modified)
