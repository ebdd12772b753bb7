"""Writers of fixture files in the official NAS-Bench-201 ``.pth`` format.

The official files (``NAS-Bench-201-v1_*.pth``, 2.1 and 4.7 GB) cannot be
downloaded in this build environment, so the tests write files of the same
layout with ``nas_201_api``'s own :class:`ArchResults` and :class:`ResultsCount`
classes and ``torch.save``: a dict with ``meta_archs``, ``arch2infos``
(``{index: {"less": ..., "full": ...}}``) and ``evaluated_indexes``.

Only the last epoch's evaluation keys (e.g. ``"x-valid@199"``) are kept, and the
evaluation times are left empty, which ``ArchResults.get_metrics`` accepts; this
keeps a full-size fixture small and quick to write. No test lives here.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator, Mapping

import numpy as np
import torch
from nas_201_api.api_utils import ArchResults, ResultsCount

from importer_shared import SEEDS, draw_seeds, once_per_run
from nascompanion.data import load_benchmark
from nascompanion.data.benchmark import PUBLISHED_OPTIMA, Benchmark
from nascompanion.spaces import nb201

FIXTURE_NAME = "NAS-Bench-201-v1_1-096897.pth"
"""File name the fixtures are written under (one the importer recognises)."""

FULL_EPOCHS = 200
LESS_EPOCHS = 12
LESS_DATASETS = ("cifar10-valid",)
"""Datasets with 12-epoch ("less") results; as in v1_0, only cifar10-valid (keeps the file small)."""

EVAL_SETS: Mapping[str, tuple[str, ...]] = {
    "cifar10-valid": ("x-valid", "ori-test"),
    "cifar10": ("ori-test",),
    "cifar100": ("x-valid", "x-test", "ori-test"),
    "ImageNet16-120": ("x-valid", "x-test", "ori-test"),
}
"""Evaluation sets NB201 has for each dataset."""

_CLASSES = {"cifar10-valid": 10, "cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}
_SYNTHETIC_OPTIMA = {
    ("cifar10-valid", "x-valid"): PUBLISHED_OPTIMA[("cifar10-valid", "validation")],
    ("cifar10-valid", "ori-test"): 94.0,
    ("cifar10", "ori-test"): PUBLISHED_OPTIMA[("cifar10", "test")],
    ("cifar100", "x-valid"): 73.0,
    ("cifar100", "x-test"): PUBLISHED_OPTIMA[("cifar100", "test")],
    ("ImageNet16-120", "x-valid"): 46.5,
    ("ImageNet16-120", "x-test"): PUBLISHED_OPTIMA[("ImageNet16-120", "test")],
}
VALID_OFFSET = -0.3
"""x-valid mean = x-test mean + this, where the tables have no x-valid (cifar100, ImageNet16-120)."""

MeanTable = Mapping[tuple[str, str], np.ndarray]
"""Mean-of-seeds 200-epoch accuracy (%) per ``(dataset, eval set)``, shape ``(15625,)``."""


@dataclass(frozen=True)
class OfficialFixture:
    """What a fixture file holds, for tests to compare an import against.

    Attributes
    ----------
    path
        The file written (empty for a dict not yet written).
    full, less
        Per-seed accuracy (%) per ``(dataset, eval set)``, shape ``(n_archs, 3)``,
        seeds in sorted order from the left, NaN where a cell has fewer seeds.
        ``full`` is after 200 epochs, ``less`` after 12 (different values; only
        for :data:`LESS_DATASETS`).
    seeds
        Sorted seeds of every cell, per dataset.
    means
        The mean-of-seeds table ``full`` was built around.
    """

    path: Path
    full: dict[tuple[str, str], np.ndarray]
    less: dict[tuple[str, str], np.ndarray]
    seeds: dict[str, list[tuple[int, ...]]]
    means: dict[tuple[str, str], np.ndarray]


def means_from_benchmark(benchmark: Benchmark, valid_offset: float = VALID_OFFSET) -> dict[tuple[str, str], np.ndarray]:
    """A fixture mean table from a (mean-only) benchmark such as the shared CSV tables.

    Eval sets the benchmark lacks are made up: cifar100 and ImageNet16-120
    x-valid = x-test + ``valid_offset``; their ori-test = mean of x-valid and x-test.
    """

    def mean_of(dataset: str, metric: str) -> np.ndarray:
        return np.nanmean(benchmark.accuracy(dataset, metric), axis=1)

    table = {
        ("cifar10-valid", "x-valid"): mean_of("cifar10-valid", "validation"),
        ("cifar10-valid", "ori-test"): mean_of("cifar10-valid", "test"),
        ("cifar10", "ori-test"): mean_of("cifar10", "test"),
    }
    for dataset in ("cifar100", "ImageNet16-120"):
        test = mean_of(dataset, "test")
        if benchmark.has_metric(dataset, "validation"):
            valid = mean_of(dataset, "validation")
        else:
            valid = np.clip(test + valid_offset, 0.0, 100.0)
        table[(dataset, "x-test")] = test
        table[(dataset, "x-valid")] = valid
    return _complete(table)


def synthetic_means(rng: np.random.Generator, n_archs: int = nb201.N_ARCHS) -> dict[tuple[str, str], np.ndarray]:
    """Made-up means whose optima equal NB201's published ones (so validation passes)."""
    quality = rng.uniform(0.1, 1.0, n_archs)
    quality /= quality.max()
    table = {key: optimum * quality for key, optimum in _SYNTHETIC_OPTIMA.items()}
    return _complete(table)


def _complete(table: dict[tuple[str, str], np.ndarray]) -> dict[tuple[str, str], np.ndarray]:
    for dataset in ("cifar100", "ImageNet16-120"):
        if (dataset, "ori-test") not in table:
            table[(dataset, "ori-test")] = (table[(dataset, "x-valid")] + table[(dataset, "x-test")]) / 2
    return {key: np.asarray(value, dtype=np.float64) for key, value in table.items()}


def per_seed_around(means: np.ndarray, counts: np.ndarray, rng: np.random.Generator, sigma: float = 0.4) -> np.ndarray:
    """Per-seed values, shape ``(n, 3)``, whose mean over the first ``counts`` columns is ``means``.

    Deviations are centred per row and scaled down near 0 and 100, so every value
    stays in [0, 100] and the mean is exact up to rounding.
    """
    n = len(means)
    raw = rng.uniform(-1.0, 1.0, (n, len(SEEDS)))
    present = np.arange(len(SEEDS))[None, :] < counts[:, None]
    raw = np.where(present, raw, np.nan)
    centred = raw - np.nanmean(raw, axis=1, keepdims=True)
    scale = np.minimum(sigma, 0.25 * np.minimum(means, 100.0 - means))
    return means[:, None] + scale[:, None] * centred


def _results_count(
    dataset: str, seed: int, epochs: int, keys: tuple[str, ...], accs: list[float], arch_config: dict
) -> ResultsCount:
    # Built empty and filled in: the constructor deep-copies its arguments, which is slow.
    result = ResultsCount(dataset, None, None, None, 0.5, 50.0, None, seed, epochs, None)
    result.arch_config = arch_config
    result.train_acc1es = {epochs - 1: min(100.0, max(accs) + 5.0)}
    result.train_losses = {epochs - 1: 0.1}
    result.eval_names = list(EVAL_SETS[dataset])
    result.eval_acc1es = dict(zip(keys, accs))
    result.eval_losses = {key: (100.0 - acc) / 50.0 for key, acc in zip(keys, accs)}
    result.eval_times = {}
    return result


def _eval_keys(epochs: int) -> dict[str, tuple[str, ...]]:
    """Last-epoch eval keys per dataset; one string object each, so pickle stores each once."""
    return {dataset: tuple(f"{name}@{epochs - 1}" for name in sets) for dataset, sets in EVAL_SETS.items()}


def _arch_results(
    index: int,
    arch: str,
    seeds: Mapping[str, tuple[int, ...]],
    values: Mapping[str, list[list[list[float]]]],
    epochs: int,
) -> dict:
    """``ArchResults`` state dict of one cell; ``values[dataset][index][seed column]`` lists its eval sets."""
    keys = _eval_keys(epochs)
    results = ArchResults(index, arch)
    for dataset, rows in values.items():
        config = {"name": "infer.tiny", "channel": 16, "num_cells": 5, "arch_str": arch, "class_num": _CLASSES[dataset]}
        for column, seed in enumerate(seeds[dataset]):
            accs = rows[index][column]
            results.update(dataset, seed, _results_count(dataset, seed, epochs, keys[dataset], accs, config))
    results.clear_params()
    return results.state_dict()


def _by_cell(values: Mapping[tuple[str, str], np.ndarray], datasets: tuple[str, ...]) -> dict[str, list]:
    """``{dataset: [cell][seed column][eval set]}`` as Python floats (fast to read in a loop)."""
    return {
        dataset: np.stack([values[(dataset, name)] for name in EVAL_SETS[dataset]], axis=-1).tolist()
        for dataset in datasets
    }


def build_official_dict(
    mean_table: MeanTable | None = None, rng: np.random.Generator | None = None, n_archs: int = nb201.N_ARCHS
) -> tuple[dict, OfficialFixture]:
    """The dict ``torch.save`` writes to an official file, and what it holds.

    Parameters
    ----------
    mean_table
        Mean-of-seeds 200-epoch accuracy per ``(dataset, eval set)``; ``None``
        makes up means whose optima are NB201's published ones.
    rng
        Random generator for seeds and per-seed deviations.
    n_archs
        Number of cells (the first ``n_archs`` in NB201 index order); fewer than
        15,625 makes an invalid file for error tests.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    archs = nb201.arch_strings()[:n_archs]
    means = synthetic_means(rng, n_archs) if mean_table is None else _complete(dict(mean_table))
    means = {key: value[:n_archs] for key, value in means.items()}
    seeds = {dataset: draw_seeds(rng, n_archs) for dataset in EVAL_SETS}
    full, less = {}, {}
    for (dataset, name), mean in means.items():
        counts = np.array([len(s) for s in seeds[dataset]])
        full[(dataset, name)] = per_seed_around(mean, counts, rng)
        if dataset in LESS_DATASETS:
            less[(dataset, name)] = full[(dataset, name)] * 0.6
    full_cells, less_cells = _by_cell(full, tuple(EVAL_SETS)), _by_cell(less, LESS_DATASETS)
    arch2infos = {}
    for index, arch in enumerate(archs):
        arch_seeds = {dataset: seeds[dataset][index] for dataset in EVAL_SETS}
        arch2infos[index] = {
            "less": _arch_results(index, arch, arch_seeds, less_cells, LESS_EPOCHS),
            "full": _arch_results(index, arch, arch_seeds, full_cells, FULL_EPOCHS),
        }
    data = {"meta_archs": list(archs), "arch2infos": arch2infos, "evaluated_indexes": set(range(n_archs))}
    return data, OfficialFixture(Path(), full, less, seeds, means)


def write_official_fixture(
    path: Path, mean_table: MeanTable | None = None, rng: np.random.Generator | None = None
) -> OfficialFixture:
    """Write a full-size (15,625-cell) file in the official format; see :func:`build_official_dict`."""
    with _gc_paused():
        data, info = build_official_dict(mean_table, rng)
        save(data, path)
    return replace(info, path=Path(path))


def shared_fixture(factory) -> OfficialFixture:
    """The full-size file whose seed means are the shipped tables', written once per test run for every test file."""
    means = means_from_benchmark(load_benchmark("nb201"))
    return once_per_run("official", factory, lambda folder: write_official_fixture(
        folder / FIXTURE_NAME, mean_table=means, rng=np.random.default_rng(2021)))


def write_small_fixture(path: Path, n_archs: int = 10, rng: np.random.Generator | None = None) -> OfficialFixture:
    """Write an official-format file with only ``n_archs`` cells (invalid: NB201 has 15,625)."""
    data, info = build_official_dict(None, rng, n_archs=n_archs)
    save(data, path)
    return replace(info, path=Path(path))


def write_broken_fixture(
    path: Path,
    break_entry: Callable[[dict], object],
    break_archs: Callable[[list], object] | None = None,
    zipfile: bool = False,
) -> Path:
    """Write a full-size file whose cell 0 is altered by ``break_entry`` (and strings by ``break_archs``).

    Every cell holds the same entry object, which pickle stores once, so the
    file is tiny and quick to write. The importer stops at cell 0, so only cell
    0's entry needs to be right apart from the intended fault.
    """
    data, _ = build_official_dict(None, np.random.default_rng(1), n_archs=1)
    first = data["arch2infos"][0]
    break_entry(first)
    archs = list(nb201.arch_strings())
    if break_archs is not None:
        break_archs(archs)
    arch2infos = dict.fromkeys(range(len(archs)), first)
    save({"meta_archs": archs, "arch2infos": arch2infos, "evaluated_indexes": set(range(len(archs)))}, path, zipfile)
    return Path(path)


def save(data: object, path: Path, zipfile: bool = False) -> None:
    """``torch.save`` ``data`` to ``path``, creating its folder.

    ``zipfile`` False writes torch's legacy format, the one files saved before
    torch 1.6 (July 2020), such as the official NB201 files, are in; True
    writes today's zip format.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    torch.save(data, path, _use_new_zipfile_serialization=zipfile)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, which slows building millions of small containers."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
