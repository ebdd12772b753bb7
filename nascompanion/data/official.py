"""Importer for the official NAS-Bench-201 files (``NAS-Bench-201-v1_*.pth``).

An official file is a ``torch.save`` of a dict with ``meta_archs`` (the 15,625
architecture strings in index order), ``arch2infos`` (``{index: {"less": ...,
"full": ...}}``, state dicts of ``nas_201_api``'s ``ArchResults`` after 12 and
200 training epochs) and ``evaluated_indexes``. This importer keeps only the
200-epoch (``"full"``) results, one column per training seed.

The values are read straight from the state dicts, by the same rule as
``ArchResults.get_metrics(dataset, setname, is_random=seed)`` (the eval key
``"<setname>@<epochs - 1>"`` of the seed's ``ResultsCount``). Going through
``get_metrics`` itself would sum 200 per-epoch evaluation times for every query,
which for 15,625 cells x 4 datasets takes minutes; the test suite checks that
both give the same numbers.
"""

from __future__ import annotations

import gc
import pickle
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch
from tqdm import tqdm

from nascompanion.data import seed_noise
from nascompanion.data.benchmark import (
    DATASETS,
    Benchmark,
    BenchmarkDataError,
    DatasetResults,
    Provenance,
    validate,
)
from nascompanion.data.tables import md5
from nascompanion.spaces import nb201

REQUIRED_KEYS = ("meta_archs", "arch2infos", "evaluated_indexes")
"""Top-level keys of an official file (``NASBench201API`` requires all three)."""

EPOCHS = 200
"""Training epochs of the results read (NB201's ``"full"`` / ``hp="200"`` set-up)."""

VERSIONS = {
    "NAS-Bench-201-v1_0-e61699.pth": "NAS-Bench-201 v1.0 (NAS-Bench-201-v1_0-e61699.pth)",
    "NAS-Bench-201-v1_1-096897.pth": "NAS-Bench-201 v1.1 (NAS-Bench-201-v1_1-096897.pth)",
}

EVAL_SETS: dict[str, tuple[str | None, str]] = {
    "cifar10-valid": ("x-valid", "ori-test"),
    "cifar10": (None, "ori-test"),
    "cifar100": ("x-valid", "x-test"),
    "ImageNet16-120": ("x-valid", "x-test"),
}
"""``(validation, test)`` eval set of each dataset; cifar10 (trained on train+valid) has no validation."""

_PER_SEED = f"{EPOCHS} epochs, one training seed per column"
_TEST_WORDS = {
    "cifar10-valid": f"ori-test accuracy (%) of the cifar10-valid model, {_PER_SEED}",
    "cifar10": f"ori-test accuracy (%) of the model trained on train+valid, {_PER_SEED}",
    "cifar100": f"x-test accuracy (%), {_PER_SEED}",
    "ImageNet16-120": f"x-test accuracy (%), {_PER_SEED}",
}

_UNREADABLE = (
    pickle.UnpicklingError,
    EOFError,
    zipfile.BadZipFile,
    RuntimeError,
    ValueError,
    UnicodeDecodeError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    TypeError,
)
"""What ``torch.load`` raises on a file that is not a (whole) torch pickle."""

Columns = dict[tuple[str, str], list[list[float]]]
"""Per ``(dataset, "validation" | "test")``: for every cell, its values by sorted seed."""


def load_official(path: Path) -> Benchmark:
    """Read an official NAS-Bench-201 ``.pth`` file as a per-seed :class:`Benchmark`.

    Parameters
    ----------
    path
        ``NAS-Bench-201-v1_0-e61699.pth`` or ``NAS-Bench-201-v1_1-096897.pth``
        (or a file of the same layout). Unpickling it runs code from the file:
        only load files you trust.

    Returns
    -------
    Benchmark
        Per-seed (``per_seed`` True) 200-epoch accuracies, shape
        ``(15625, max_seeds)``, seeds in sorted order, NaN for missing seeds.
        cifar10-valid: validation x-valid, test ori-test; cifar10: test ori-test
        (no validation); cifar100 and ImageNet16-120: validation x-valid, test x-test.

    Raises
    ------
    BenchmarkDataError
        If the file is missing, truncated, corrupt, or not laid out like an
        official NB201 file (the message names the file and the fault).
    """
    path = Path(path)
    if not path.is_file():
        raise BenchmarkDataError(f"{path}: file not found")
    with _gc_paused():  # millions of small containers: the cyclic GC would rescan them over and over
        data = _read_file(path)
        archs, infos = _check_layout(path, data)
        columns, missing = _read_entries(path, archs, infos)
        data.clear()
    benchmark = Benchmark(results=_results(columns), provenance=_provenance(path, columns, missing))
    return validate(benchmark, where=str(path))


@contextmanager
def _gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _torch_load(path: Path) -> Any:
    # weights_only=False is needed: the file pickles plain Python objects (dicts,
    # sets, OrderedDicts of NB201 results), which torch >= 2.6's default
    # weights_only=True unpickler refuses. A full unpickle executes whatever code
    # the pickle names, so only load files you trust (e.g. check their md5).
    options: dict[str, Any] = {"map_location": "cpu", "weights_only": False}
    if zipfile.is_zipfile(path):
        # mmap=True leaves tensor storages on disk instead of copying them into memory.
        try:
            return torch.load(str(path), mmap=True, **options)
        except (RuntimeError, OSError, ValueError):
            pass  # mmap unsupported here, or a damaged file: a plain load says which
    return torch.load(str(path), **options)


def _read_file(path: Path) -> dict:
    try:
        data = _torch_load(path)
    except _UNREADABLE as err:
        raise BenchmarkDataError(
            f"{path}: cannot be read as a torch file ({type(err).__name__}: {err}); truncated or corrupt? "
            "Download it again and check its md5."
        ) from None
    if not isinstance(data, dict):
        raise BenchmarkDataError(
            f"{path}: holds a {type(data).__name__}, not the dict of an official NAS-Bench-201 file"
        )
    return data


def _check_layout(path: Path, data: dict) -> tuple[tuple[str, ...], dict]:
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        found = ", ".join(repr(k) for k in list(data)[:10]) or "nothing"
        raise BenchmarkDataError(
            f"{path}: not an official NAS-Bench-201 file, missing key(s) {', '.join(missing)}; found: {found}"
        )
    archs, infos = data["meta_archs"], data["arch2infos"]
    if not isinstance(archs, (list, tuple)) or not isinstance(infos, dict):
        raise BenchmarkDataError(
            f"{path}: meta_archs is a {type(archs).__name__} and arch2infos a {type(infos).__name__}; "
            "an official NAS-Bench-201 file has a list and a dict"
        )
    archs = tuple(archs)
    if len(archs) != nb201.N_ARCHS:
        raise BenchmarkDataError(
            f"{path}: meta_archs lists {len(archs)} architectures, expected {nb201.N_ARCHS} (truncated or not NAS-Bench-201?)"
        )
    if len(infos) != nb201.N_ARCHS:
        raise BenchmarkDataError(
            f"{path}: arch2infos holds results for {len(infos)} architectures, expected {nb201.N_ARCHS}"
        )
    expected = nb201.arch_strings()
    if archs != expected:
        bad = next(i for i, (got, want) in enumerate(zip(archs, expected)) if got != want)
        raise BenchmarkDataError(
            f"{path}: meta_archs[{bad}] is {archs[bad]!r} but NB201 index {bad} is {expected[bad]!r}; "
            "architectures must be in NB201 index order"
        )
    return archs, infos


def _read_entries(path: Path, archs: tuple[str, ...], infos: dict) -> tuple[Columns, int]:
    """Read every cell's 200-epoch values, popping each entry so its memory can go."""
    columns: Columns = {(d, m): [] for d, sets in EVAL_SETS.items() for m, s in zip(("validation", "test"), sets) if s}
    missing = 0
    for index in tqdm(range(nb201.N_ARCHS), desc=f"Reading {path.name}", unit="arch", disable=None):
        if index not in infos:
            some = ", ".join(repr(k) for k in list(infos)[:5])
            raise BenchmarkDataError(f"{path}: arch2infos has no entry for architecture {index}; its keys include {some}")
        entry = infos.pop(index)
        if not isinstance(entry, dict) or not isinstance(entry.get("full"), dict):
            found = ", ".join(map(repr, entry)) if isinstance(entry, dict) else f"a {type(entry).__name__}"
            raise BenchmarkDataError(
                f"{path}: architecture {index} has no 200-epoch ('full') results; found: {found}"
            )
        try:
            values = read_full_entry(entry["full"], archs[index])
        except BenchmarkDataError as err:
            raise BenchmarkDataError(f"{path}: architecture {index}: {err}") from None
        except (KeyError, TypeError, AttributeError, ValueError) as err:
            raise BenchmarkDataError(
                f"{path}: architecture {index}: malformed 'full' results ({type(err).__name__}: {err})"
            ) from None
        for key, seeds in values.items():
            columns[key].append(seeds)
            missing += int(np.isnan(seeds).sum())
    return columns, missing


def read_full_entry(full: dict, arch: str) -> dict[tuple[str, str], list[float]]:
    """Per-seed 200-epoch accuracies of one cell from its ``ArchResults`` state dict.

    Parameters
    ----------
    full
        ``arch2infos[index]["full"]`` of an official file.
    arch
        The cell's architecture string, checked against the entry's own.

    Returns
    -------
    dict
        ``{(dataset, "validation" | "test"): [accuracy of each seed, sorted by seed]}``,
        NaN where a seed lacks that eval set. Equal to
        ``ArchResults.get_metrics(dataset, setname, is_random=seed)["accuracy"]``.

    Raises
    ------
    BenchmarkDataError
        If the entry is for another cell, lacks a dataset, or is not 200 epochs.
    """
    if full.get("arch_str") != arch:
        raise BenchmarkDataError(f"results are for {full.get('arch_str')!r}, but meta_archs says {arch!r}")
    dataset_seed, all_results = full["dataset_seed"], full["all_results"]
    absent = [d for d in DATASETS if not dataset_seed.get(d)]
    if absent:
        raise BenchmarkDataError(
            f"no 200-epoch results for dataset(s) {', '.join(absent)}; found: {', '.join(dataset_seed) or 'none'}"
        )
    out: dict[tuple[str, str], list[float]] = {}
    for dataset, sets in EVAL_SETS.items():
        runs = [all_results[(dataset, seed)] for seed in sorted(dataset_seed[dataset])]
        for run in runs:
            if run["epochs"] != EPOCHS:
                raise BenchmarkDataError(
                    f"{dataset} seed {run['seed']} has {run['epochs']} epochs in the 'full' results, "
                    f"expected {EPOCHS}: not the 200-epoch results"
                )
        for metric, setname in zip(("validation", "test"), sets):
            if setname is not None:
                key = f"{setname}@{EPOCHS - 1}"
                out[(dataset, metric)] = [float(run["eval_acc1es"].get(key, np.nan)) for run in runs]
    return out


def _pack(rows: list[list[float]]) -> np.ndarray:
    width = max(len(row) for row in rows)
    values = np.full((len(rows), width), np.nan)
    for i, row in enumerate(rows):
        values[i, : len(row)] = row
    return values


def _results(columns: Columns) -> dict[str, DatasetResults]:
    results = {}
    for dataset, (valid_set, _) in EVAL_SETS.items():
        validation = _pack(columns[(dataset, "validation")]) if valid_set else None
        results[dataset] = DatasetResults(
            dataset,
            validation=validation,
            test=_pack(columns[(dataset, "test")]),
            validation_metric=f"{valid_set} accuracy (%), {_PER_SEED}" if valid_set else "",
            test_metric=_TEST_WORDS[dataset],
            per_seed=True,
            seed_noise=_noise(validation),
        )
    return results


def _noise(validation: np.ndarray | None) -> seed_noise.SeedNoise | None:
    if validation is None:
        return None
    try:
        return seed_noise.from_seeds(validation)
    except ValueError:  # no cell with two seeds
        return None


def _provenance(path: Path, columns: Columns, missing: int) -> Provenance:
    counts = np.bincount([len(row) for row in columns[("cifar10-valid", "validation")]])
    spread = ", ".join(f"{n} with {k}" for k, n in enumerate(counts) if n)
    notes = [
        VERSIONS.get(path.name, f"official NAS-Bench-201 layout; the file name {path.name!r} does not say which version"),
        f"{EPOCHS}-epoch ('full') results only; the 12-epoch ('less') results are not read.",
        "Per seed: column j is the cell's j-th training seed in sorted order; NaN where it has fewer seeds "
        f"(cifar10-valid cells: {spread} seeds).",
        "cifar10 is trained on train+valid and has no validation split.",
    ]
    if missing:
        notes.append(f"{missing} seed results lacked an eval set and are NaN.")
    return Provenance(
        kind="nb201-official",
        sources=(str(path),),
        checksums={path.name: md5(path)},
        notes=tuple(notes),
    )
