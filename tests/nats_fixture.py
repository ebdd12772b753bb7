"""Writers of fixture folders in the NATS-Bench tss "simple" layout (``NATS-tss-v1_0-3ffb9-simple/``).

The release is 15,626 bz2 pickles (about 1.3 GB); the tests write a folder of the
same layout: ``meta.pickle.pbz2`` with NB201's 15,625 architecture strings and one
``{index:06d}.pickle.pbz2`` per architecture, an ``OrderedDict`` with ``"12"`` and
``"200"`` results laid out as the real ones (``arch_index``, ``arch_str``,
``dataset_seed``, ``all_results[(dataset, seed)]`` with ``epochs``, ``seed``,
``eval_names``, ``eval_acc1es``). Only the last epoch's eval keys and one numpy
scalar (``params``, as in the real files) are kept, so a file is about 1 kB and the
folder is quick to write. No test lives here.
"""

from __future__ import annotations

import bz2
import os
import pickle
import shutil
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np

from importer_shared import SEEDS, draw_seeds, once_per_run
from nascompanion.data import load_benchmark, nats
from nascompanion.data.benchmark import Benchmark
from nascompanion.spaces import nb201

FOLDER_NAME = nats.FOLDER_NAMES[0]
"""Name the fixture folder is written under (the release's own)."""

TWELVE_EPOCH_SEEDS: Mapping[str, tuple[int, ...]] = {
    "cifar10-valid": (111, 777),
    "cifar10": (111,),
    "cifar100": (111,),
    "ImageNet16-120": (111,),
}
"""Seeds of the 12-epoch results, as in the real entries 0, 11 and 284."""

EVAL_SETS: Mapping[str, tuple[str, ...]] = {
    "cifar10-valid": ("x-valid", "ori-test"),
    "cifar10": ("ori-test",),
    "cifar100": ("x-valid", "x-test", "ori-test"),
    "ImageNet16-120": ("x-valid", "x-test", "ori-test"),
}
"""Eval sets of each dataset's results (their last-epoch keys are written)."""

VALID_OFFSET = -0.3
"""x-valid mean = x-test mean + this, where the tables have no x-valid (cifar100, ImageNet16-120)."""

TWELVE_EPOCH_FACTOR = 0.6
"""12-epoch mean = 200-epoch mean x this, so the two fidelities never share a value."""

PARAMS = np.float64(1.234)
"""Parameter count (MB) written into every result: a numpy scalar, as in the real files."""

MeanTable = Mapping[tuple[str, str], np.ndarray]
"""Mean-of-seeds accuracy (%) per ``(dataset, eval set)``, shape ``(15625,)``."""


@dataclass(frozen=True)
class NatsFixture:
    """What a fixture folder holds, for tests to compare an import against.

    Attributes
    ----------
    folder
        The folder written.
    values
        ``{epochs: {(dataset, eval set): per-seed accuracy (%)}}``, shape
        ``(15625, n_seeds)``, seeds in sorted order from the left, NaN where a
        cell has fewer seeds.
    seeds
        ``{epochs: {dataset: [sorted seeds of each cell]}}``.
    means
        The 200-epoch mean-of-seeds table the values were drawn around.
    write_seconds
        How long writing the folder took.
    """

    folder: Path
    values: Mapping[int, Mapping[tuple[str, str], np.ndarray]]
    seeds: Mapping[int, Mapping[str, list[tuple[int, ...]]]]
    means: MeanTable
    write_seconds: float


def means_from_benchmark(benchmark: Benchmark) -> dict[tuple[str, str], np.ndarray]:
    """The 200-epoch mean table of the shipped NB201 tables, x-valid filled in where they lack it."""
    table = {
        ("cifar10-valid", "x-valid"): benchmark.validation_accuracy("cifar10-valid")[:, 0],
        ("cifar10-valid", "ori-test"): benchmark.test_accuracy("cifar10-valid")[:, 0],
        ("cifar10", "ori-test"): benchmark.test_accuracy("cifar10")[:, 0],
    }
    for dataset in ("cifar100", "ImageNet16-120"):
        test = benchmark.test_accuracy(dataset)[:, 0]
        table[(dataset, "x-test")] = test
        table[(dataset, "x-valid")] = np.clip(test + VALID_OFFSET, 0.5, 99.5)
    return {key: np.asarray(value, dtype=np.float64) for key, value in table.items()}


def gaussian_seeds_around(
    means: np.ndarray, counts: np.ndarray, rng: np.random.Generator, width: int, sigma: float = 0.4
) -> np.ndarray:
    """Per-seed values, shape ``(n, width)``, whose mean over the first ``counts`` columns is ``means``.

    Gaussian deviations are centred per row (so the mean is exact up to rounding)
    and shrunk where they would leave [0, 100]; NaN beyond a row's count.
    """
    n = len(means)
    present = np.arange(width)[None, :] < counts[:, None]
    raw = np.where(present, rng.normal(0.0, 1.0, (n, width)), np.nan)
    centred = raw - np.nanmean(raw, axis=1, keepdims=True)
    room = np.minimum(means, 100.0 - means)
    biggest = np.maximum(np.nanmax(np.abs(centred), axis=1), 1e-12)
    scale = np.minimum(sigma, 0.5 * room / biggest)
    return means[:, None] + scale[:, None] * centred


def _draw_values(
    means: MeanTable, seeds: Mapping[str, list[tuple[int, ...]]], rng: np.random.Generator, width: int
) -> dict[tuple[str, str], np.ndarray]:
    values = {}
    for (dataset, name), mean in means.items():
        counts = np.array([len(s) for s in seeds[dataset]])
        values[(dataset, name)] = gaussian_seeds_around(mean, counts, rng, width)
    for dataset in ("cifar100", "ImageNet16-120"):  # ori-test is the union of the x-valid and x-test halves
        values[(dataset, "ori-test")] = 0.5 * (values[(dataset, "x-valid")] + values[(dataset, "x-test")])
    return values


def results_dict(
    index: int, epochs: int, seeds: Mapping[str, tuple[int, ...]], accs: Mapping[str, list[list[float]]]
) -> dict:
    """One fidelity's results of a cell, laid out as the release's (``accs[dataset][seed column][eval set]``)."""
    arch = nb201.arch_strings()[index]
    all_results = {}
    for dataset, sets in EVAL_SETS.items():
        keys = [f"{name}@{epochs - 1}" for name in sets]
        for column, seed in enumerate(seeds[dataset]):
            all_results[(dataset, seed)] = {
                "name": dataset,
                "seed": f"{seed:04d}",  # the release stores it as a string, e.g. '0777'
                "epochs": epochs,
                "eval_names": list(sets),
                "eval_acc1es": dict(zip(keys, accs[dataset][column])),
                "params": PARAMS,
            }
    return {
        "arch_index": index,
        "arch_str": arch,
        "all_results": all_results,
        "dataset_seed": {dataset: list(seeds[dataset]) for dataset in EVAL_SETS},
        "clear_net_done": True,
    }


def write_pbz2(path: Path, obj: object, compresslevel: int = 9) -> None:
    """Pickle ``obj`` (protocol 4, as the release) and write it bz2-compressed; replaces, never edits, a file."""
    data = bz2.compress(pickle.dumps(obj, protocol=4), compresslevel)
    path = Path(path)
    if path.exists():
        path.unlink()  # a hard-linked fixture file keeps its content
    path.write_bytes(data)


def read_pbz2(path: Path) -> object:
    """Read a file this module wrote (plain ``pickle``: for the test's own files only)."""
    return pickle.loads(bz2.decompress(Path(path).read_bytes()))


def write_meta(folder: Path, archs: list[str] | None = None) -> Path:
    """Write ``meta.pickle.pbz2`` (NB201's architecture strings unless ``archs`` is given)."""
    archs = list(nb201.arch_strings()) if archs is None else archs
    meta = {"meta_archs": archs, "total_archs": len(archs), "arch2infos": None, "evaluated_indexes": set()}
    path = Path(folder) / nats.META_FILE
    write_pbz2(path, meta)
    return path


def write_nats_fixture(folder: Path, mean_table: MeanTable, rng: np.random.Generator) -> NatsFixture:
    """Write a full-size (15,625-architecture) release folder whose 200-epoch seed means are ``mean_table``.

    Parameters
    ----------
    folder
        Folder to write (created).
    mean_table
        200-epoch mean-of-seeds accuracy per ``(dataset, eval set)``, e.g.
        :func:`means_from_benchmark`; cifar100 and ImageNet16-120 ori-test are
        derived per seed from x-valid and x-test.
    rng
        Random generator for seeds and Gaussian seed deviations.
    """
    start = time.perf_counter()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n = nb201.N_ARCHS
    seeds = {200: {dataset: draw_seeds(rng, n) for dataset in EVAL_SETS}}
    seeds[12] = {dataset: [TWELVE_EPOCH_SEEDS[dataset]] * n for dataset in EVAL_SETS}
    values = {200: _draw_values(mean_table, seeds[200], rng, len(SEEDS))}
    twelve = {key: TWELVE_EPOCH_FACTOR * mean for key, mean in mean_table.items()}
    values[12] = _draw_values(twelve, seeds[12], rng, 2)
    cells = {
        epochs: {
            dataset: np.stack([values[epochs][(dataset, name)] for name in sets], axis=-1).tolist()
            for dataset, sets in EVAL_SETS.items()
        }
        for epochs in (200, 12)
    }
    write_meta(folder)
    for index in range(n):
        entry = OrderedDict()
        for epochs in (12, 200):  # the release's key order
            cell_seeds = {dataset: seeds[epochs][dataset][index] for dataset in EVAL_SETS}
            accs = {dataset: cells[epochs][dataset][index] for dataset in EVAL_SETS}
            entry[str(epochs)] = results_dict(index, epochs, cell_seeds, accs)
        write_pbz2(folder / nats.arch_file_name(index), entry)
    return NatsFixture(folder, values, seeds, dict(mean_table), time.perf_counter() - start)


def shared_fixture(factory) -> NatsFixture:
    """The full-size folder whose 200-epoch seed means are the shipped tables', written once per test run."""
    means = means_from_benchmark(load_benchmark("nb201"))
    return once_per_run("nats", factory, lambda folder: write_nats_fixture(
        folder / FOLDER_NAME, means, np.random.default_rng(2021)))


def linked_copy(source: Path, dest: Path) -> Path:
    """A copy of a fixture folder made of hard links (a real copy where links are refused).

    Replace its files with :func:`write_pbz2` or :func:`replace_bytes`, which unlink
    first, so the source folder is never altered.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(source):
        target = dest / entry.name
        try:
            os.link(entry.path, target)
        except OSError:
            shutil.copyfile(entry.path, target)
    return dest


def replace_bytes(path: Path, data: bytes) -> None:
    """Replace a file's content (unlinking it first, so a hard-linked original keeps its own)."""
    path = Path(path)
    if path.exists():
        path.unlink()
    path.write_bytes(data)
