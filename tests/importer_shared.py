"""What the importer tests share: NB201's seed draws, a crafted pickle that would run a command, and a
memo so that each full-size fixture is written once per test run whichever test file asks first.

No test lives here.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np
import pytest

from nascompanion.config import CACHE_ENV
from nascompanion.data import Benchmark, load_benchmark
from nascompanion.spaces import nb201

SEEDS: tuple[int, ...] = (777, 888, 999)
"""Training seeds of NB201's 200-epoch results (the releases' own)."""

SEED_COUNT_WEIGHTS = (2225, 5439, 7961)
"""How many NB201 v1_1 cells have 1, 2 and 3 seeds; used as draw weights."""

REFUSED = f"{os.system.__module__}.system"
"""How a pickle names ``os.system`` (``posix.system`` on Linux and macOS)."""


def draw_seeds(rng: np.random.Generator, n_archs: int = nb201.N_ARCHS) -> list[tuple[int, ...]]:
    """1 to 3 sorted seeds of :data:`SEEDS` per cell, in NB201 v1_1's proportions."""
    weights = np.asarray(SEED_COUNT_WEIGHTS, dtype=float)
    counts = rng.choice([1, 2, 3], size=n_archs, p=weights / weights.sum())
    order = np.argsort(rng.random((n_archs, len(SEEDS))), axis=1).tolist()
    return [tuple(sorted(SEEDS[j] for j in row[:k])) for row, k in zip(order, counts.tolist())]


class RunsShell:
    """Pickles as a call of ``os.system`` that would create ``marker``; an importer must never run it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {shlex.quote(str(self.marker))}",))


T = TypeVar("T")
_WRITTEN: dict[tuple[str, Path], object] = {}


def once_per_run(name: str, factory: pytest.TempPathFactory, write: Callable[[Path], T]) -> T:
    """``write(folder)`` the first time ``name`` is asked for in this test run, its result afterwards.

    The folder is a fresh one under pytest's base temporary folder, so every test file that
    needs the fixture ``name`` shares one copy instead of writing its own.
    """
    key = (name, factory.getbasetemp())
    if key not in _WRITTEN:
        _WRITTEN[key] = write(factory.mktemp(name))
    return _WRITTEN[key]  # type: ignore[return-value]


def imported_once(name: str, factory: pytest.TempPathFactory, source: Path) -> tuple[Benchmark, Path]:
    """``load_benchmark(source)`` through a cache folder of its own, once per test run: the benchmark and the
    folder holding its cache entry (copy the folder before altering it)."""

    def load(folder: Path) -> tuple[Benchmark, Path]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(CACHE_ENV, str(folder))
            return load_benchmark(source), folder

    return once_per_run(name, factory, load)
