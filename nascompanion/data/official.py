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
both give the same numbers. :func:`read_full_entry` and :func:`per_seed_results`
are shared with the NATS-Bench importer (:mod:`nascompanion.data.nats`), whose
files hold the same state dicts, so the same numbers give the same benchmark.

Unpickling is limited to the globals the format needs
(:data:`nascompanion.data.restricted_pickle.NB201_OFFICIAL`: ``OrderedDict``,
``set``, numpy scalars); a file naming anything else, such as ``os.system``, is
refused before that global is imported or called.
"""

from __future__ import annotations

import gc
import os
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from tqdm import tqdm

from nascompanion.data import restricted_pickle, seed_noise
from nascompanion.data.benchmark import (
    DATASETS,
    Benchmark,
    BenchmarkDataError,
    DatasetResults,
    Provenance,
    first_out_of_nb201_order,
    validate,
)
from nascompanion.data.digests import file_md5
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

_TEST_WORDS = {
    "cifar10-valid": "ori-test accuracy (%) of the cifar10-valid model",
    "cifar10": "ori-test accuracy (%) of the model trained on train+valid",
    "cifar100": "x-test accuracy (%)",
    "ImageNet16-120": "x-test accuracy (%)",
}

_UNREADABLE = (*restricted_pickle.UNREADABLE_ERRORS, zipfile.BadZipFile, RuntimeError, ImportError)
"""What ``torch.load`` raises on a file that is not a (whole) torch pickle."""

Columns = dict[tuple[str, str], list[list[float]]]
"""Per ``(dataset, "validation" | "test")``: for every cell, its values by sorted seed."""


def load_official(path: Path) -> Benchmark:
    """Read an official NAS-Bench-201 ``.pth`` file as a per-seed :class:`Benchmark`.

    Parameters
    ----------
    path
        ``NAS-Bench-201-v1_0-e61699.pth`` or ``NAS-Bench-201-v1_1-096897.pth``
        (or a file of the same layout). It is unpickled with an allow-list
        (:data:`~nascompanion.data.restricted_pickle.NB201_OFFICIAL`), so a
        crafted file cannot run code.

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
        If the file is missing, truncated, corrupt, names a global the format
        does not need, or is not laid out like an official NB201 file (the
        message names the file and the fault).
    """
    path = Path(path)
    if not path.is_file():
        raise BenchmarkDataError(f"{path}: file not found")
    with _gc_paused():  # millions of small containers: the cyclic GC would rescan them over and over
        data = read_official_file(path)
        archs, infos = _check_layout(path, data)
        columns, missing = _read_entries(path, archs, infos)
        data.clear()
    benchmark = Benchmark(results=per_seed_results(columns), provenance=_provenance(path, columns, missing))
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


PICKLE_MODULE = restricted_pickle.pickle_module(restricted_pickle.NB201_OFFICIAL)
"""The ``pickle_module`` handed to ``torch.load``: :mod:`pickle` limited to the format's globals."""

_FORCED_WEIGHTS_ONLY = "Can not safely load weights when explicit pickle_module is specified"


def _torch_load(path: Path) -> Any:
    # torch unpickles with PICKLE_MODULE, the C unpickler limited to NB201_OFFICIAL;
    # weights_only=False only tells torch that its own allow-list is not the one in
    # use. Its own (weights_only=True, numpy scalars added) would also do, but it
    # unpickles in pure Python, about 40x slower (measured on a 1,500-cell fixture),
    # which for the 2-5 GB official files would be hours instead of minutes.
    import torch  # here, not at the top: the NATS importer shares this module without torch

    options: dict[str, Any] = {"map_location": "cpu", "weights_only": False, "pickle_module": PICKLE_MODULE}
    if zipfile.is_zipfile(path):
        # mmap=True leaves tensor storages on disk instead of copying them into memory.
        try:
            return torch.load(str(path), mmap=True, **options)
        except (RuntimeError, OSError, ValueError):
            pass  # mmap unsupported here, or a damaged file: a plain load says which
    return torch.load(str(path), **options)


def read_official_file(path: Path) -> dict:
    """Unpickle an official NAS-Bench-201 ``.pth`` file with the format's allow-list.

    Parameters
    ----------
    path
        A ``torch.save`` file, legacy (as the official files) or zip format.

    Returns
    -------
    dict
        What the file holds (its layout is not checked here).

    Raises
    ------
    BenchmarkDataError
        If the file names a global outside
        :data:`~nascompanion.data.restricted_pickle.NB201_OFFICIAL` (the message
        names the file, the global and what is allowed; the global was neither
        imported nor called), or is not a whole torch file, or holds no dict.
    """
    path = Path(path)
    try:
        data = _torch_load(path)
    except restricted_pickle.RefusedGlobalError as err:
        raise BenchmarkDataError(
            f"{path}: refused to unpickle {err.qualified}, which an official NAS-Bench-201 file does not need "
            f"(allowed: {err.allowed.describe()}); nothing the file names outside that list was run. "
            "Not an official file, or an altered one: download it again and check its md5."
        ) from None
    except restricted_pickle.RefusedError as err:
        raise BenchmarkDataError(
            f"{path}: {err}; an official NAS-Bench-201 file does not need that. "
            "Not an official file, or an altered one: download it again and check its md5."
        ) from None
    except RuntimeError as err:
        if _FORCED_WEIGHTS_ONLY in str(err):
            raise BenchmarkDataError(
                f"{path}: TORCH_FORCE_WEIGHTS_ONLY_LOAD={os.environ.get('TORCH_FORCE_WEIGHTS_ONLY_LOAD')!r} makes "
                "torch refuse the allow-list unpickler this importer reads official files with; unset it"
            ) from None
        raise BenchmarkDataError(
            f"{path}: cannot be read as a torch file (RuntimeError: {err}); truncated or corrupt? "
            "Download it again and check its md5."
        ) from None
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
    bad = first_out_of_nb201_order(archs)
    if bad is not None:
        raise BenchmarkDataError(
            f"{path}: meta_archs[{bad}] is {archs[bad]!r} but NB201 index {bad} is {nb201.index_to_arch(bad)!r}; "
            "architectures must be in NB201 index order"
        )
    return archs, infos


def _read_entries(path: Path, archs: tuple[str, ...], infos: dict) -> tuple[Columns, int]:
    """Read every cell's 200-epoch values, popping each entry so its memory can go."""
    columns = empty_columns()
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


def read_full_entry(
    full: dict, arch: str, epochs: int = EPOCHS, label: str = "'full'"
) -> dict[tuple[str, str], list[float]]:
    """Per-seed accuracies of one cell from its ``ArchResults`` state dict.

    Parameters
    ----------
    full
        ``arch2infos[index]["full"]`` of an official file (or a NATS-Bench
        entry's ``"200"`` or ``"12"`` results, which have the same layout).
    arch
        The cell's architecture string, checked against the entry's own.
    epochs
        Training epochs the results must be for; the last epoch's eval is read.
    label
        What the results are called in error messages.

    Returns
    -------
    dict
        ``{(dataset, "validation" | "test"): [accuracy of each seed, sorted by seed]}``,
        NaN where a seed lacks that eval set. Equal to
        ``ArchResults.get_metrics(dataset, setname, is_random=seed)["accuracy"]``.

    Raises
    ------
    BenchmarkDataError
        If the entry is for another cell, lacks a dataset, is not ``epochs`` epochs, or
        holds an accuracy that is NaN or outside [0, 100].
    """
    if full.get("arch_str") != arch:
        raise BenchmarkDataError(f"results are for {full.get('arch_str')!r}, but meta_archs says {arch!r}")
    dataset_seed, all_results = full["dataset_seed"], full["all_results"]
    absent = [d for d in DATASETS if not dataset_seed.get(d)]
    if absent:
        raise BenchmarkDataError(
            f"no {epochs}-epoch results for dataset(s) {', '.join(absent)}; found: {', '.join(dataset_seed) or 'none'}"
        )
    out: dict[tuple[str, str], list[float]] = {}
    for dataset, sets in EVAL_SETS.items():
        runs = [all_results[(dataset, seed)] for seed in sorted(dataset_seed[dataset])]
        for run in runs:
            if run["epochs"] != epochs:
                raise BenchmarkDataError(
                    f"{dataset} seed {run['seed']} has {run['epochs']} epochs in the {label} results, "
                    f"expected {epochs}: not the {epochs}-epoch results"
                )
        for metric, setname in zip(("validation", "test"), sets):
            if setname is not None:
                key = f"{setname}@{epochs - 1}"
                out[(dataset, metric)] = [_accuracy(run, dataset, key) for run in runs]
    return out


def _accuracy(run: dict, dataset: str, key: str) -> float:
    """One seed's accuracy at eval key ``key``: NaN if the seed lacks it, else a finite number in [0, 100]."""
    evals = run["eval_acc1es"]
    if key not in evals:
        return np.nan
    value = float(evals[key])
    if not 0.0 <= value <= 100.0:  # NaN fails this too
        raise BenchmarkDataError(
            f"{dataset} seed {run['seed']} {key} accuracy is {value!r}; allowed: a finite accuracy (%) in [0, 100]"
        )
    return value


def _pack(rows: list[list[float]]) -> np.ndarray:
    width = max(len(row) for row in rows)
    values = np.full((len(rows), width), np.nan)
    for i, row in enumerate(rows):
        values[i, : len(row)] = row
    return values


def empty_columns() -> Columns:
    """Empty :data:`Columns` for every ``(dataset, metric)`` of :data:`EVAL_SETS`."""
    return {(d, m): [] for d, sets in EVAL_SETS.items() for m, s in zip(("validation", "test"), sets) if s}


def per_seed_results(columns: Columns, epochs: int = EPOCHS) -> dict[str, DatasetResults]:
    """Per-seed :class:`DatasetResults` of all four datasets from per-cell seed values.

    Parameters
    ----------
    columns
        ``{(dataset, "validation" | "test"): [values of each seed, sorted by seed] per cell}``,
        as :func:`read_full_entry` gives them cell by cell (see :func:`empty_columns`).
    epochs
        Training epochs of the values, for the metric descriptions.

    Returns
    -------
    dict
        ``{dataset: DatasetResults}``, shape ``(n_cells, max_seeds)``, NaN for
        missing seeds; seed noise from the validation seeds where there are any.
    """
    per_seed = f"{epochs} epochs, one training seed per column"
    results = {}
    for dataset, (valid_set, _) in EVAL_SETS.items():
        validation = _pack(columns[(dataset, "validation")]) if valid_set else None
        results[dataset] = DatasetResults(
            dataset,
            validation=validation,
            test=_pack(columns[(dataset, "test")]),
            validation_metric=f"{valid_set} accuracy (%), {per_seed}" if valid_set else "",
            test_metric=f"{_TEST_WORDS[dataset]}, {per_seed}",
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
        checksums={path.name: file_md5(path)},
        notes=tuple(notes),
    )
