"""Importer for the mean-of-seeds NAS-Bench-201 CSV tables.

The tables give, for all 15,625 cells, the 200-epoch accuracies averaged over
the training seeds NB201 has (1 to 3), plus one-seed values for the best and
worst ~1% of cells. They carry no per-seed values, so the benchmark they make is
marked mean-only and a one-seed ("standard") objective cannot be read from it.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

from nascompanion.data import seed_noise
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


def md5(path: Path) -> str:
    """``"md5:<hex>"`` of a file."""
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "md5:" + digest.hexdigest()


def _read_columns(path: Path, columns: list[str], arch_column: str) -> tuple[list[str], dict[str, np.ndarray]]:
    if not path.is_file():
        raise BenchmarkDataError(f"{path}: file not found")
    try:
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in [arch_column, *columns] if c not in header]
            if missing:
                raise BenchmarkDataError(
                    f"{path}: not an NB201 table, missing column(s) {', '.join(missing)}; "
                    f"found: {', '.join(header) or 'no header'}"
                )
            archs: list[str] = []
            values: dict[str, list[float]] = {c: [] for c in columns}
            for line, row in enumerate(reader, start=2):
                archs.append(row[arch_column])
                for c in columns:
                    try:
                        values[c].append(float(row[c]))
                    except (TypeError, ValueError):
                        raise BenchmarkDataError(
                            f"{path}, line {line}: column {c} holds {row[c]!r}, not a number"
                        ) from None
    except UnicodeDecodeError as err:
        raise BenchmarkDataError(f"{path}: not a text CSV file ({err.reason})") from None
    except csv.Error as err:
        raise BenchmarkDataError(f"{path}: corrupt CSV ({err})") from None
    if len(archs) != nb201.N_ARCHS:
        raise BenchmarkDataError(
            f"{path}: {len(archs)} rows, expected {nb201.N_ARCHS} (truncated or wrong file?)"
        )
    return archs, {c: np.asarray(v) for c, v in values.items()}


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
    """One ``top_bottom_1pct`` table as NB201 indices, mean-of-seeds and one-seed accuracies."""
    index, mean, single = [], [], []
    with open(path, newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                sol = row["sol"]
                ops = [int(c) - 1 for c in sol]
                mean.append(float(row["f_avg"]))
                single.append(float(row["f_sng"]))
                index.append(nb201.ops_to_index(ops))
            except (KeyError, TypeError, ValueError):
                raise BenchmarkDataError(
                    f"{path}, line {line}: expected a six-digit sol (op codes 1-5) and numeric f_avg and f_sng"
                ) from None
    return {"index": np.asarray(index, dtype=np.int16), "f_avg": np.asarray(mean), "f_sng": np.asarray(single)}


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
    """
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


def load_tables(folder: Path) -> Benchmark:
    """Read the NB201 mean-of-seeds tables from ``folder``.

    Parameters
    ----------
    folder
        Folder with ``nb201_cifar10-valid_mean200.csv`` and ``nb201_test_mean200.csv``
        (and optionally ``top_bottom_1pct/`` for the seed-noise estimate).

    Returns
    -------
    Benchmark
        Mean-only (``per_seed`` False) results for ``cifar10-valid`` (validation
        = x-valid, test = ori-test), and test accuracy for ``cifar10`` (ori-test),
        ``cifar100`` and ``ImageNet16-120`` (x-test).

    Raises
    ------
    BenchmarkDataError
        If a file is missing, truncated, corrupt or out of NB201 order.
    """
    columns, files = read_tables(folder)
    used = [name for name in SOURCE_FILES if name in files]
    provenance = Provenance(
        kind="nb201-tables",
        sources=tuple(str(files[name]) for name in used),
        checksums={name: md5(files[name]) for name in used},
        notes=TABLE_NOTES,
    )
    return benchmark_from_columns(columns, provenance, where=str(folder))
