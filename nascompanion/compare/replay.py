"""Check that stored query histories replay: recompute a sample of stored blocks and compare exactly.

BO and ANASOD-BO (numpy) are deterministic for a given stream on any machine seen so far; BANANAS
(torch's float32 kernels with a seeded generator) on a given platform — torch version and CPU
instruction set; another platform rounds differently and its histories part ways within a few
predictor fits. A stored block that does not come out the same where it should is an error,
named by its setting.
"""

from __future__ import annotations

import inspect
import json
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from nascompanion.compare import store
from nascompanion.compare.searches import (
    code_digest,
    payload_json,
    run_block,
    setting_of,
    store_payload,
    stored_space,
)
from nascompanion.search import registry


@dataclass(frozen=True)
class StoredBlock:
    """One stored block: its file, algorithm, setting fields, data checksums and block index."""

    path: Path
    algorithm: str
    payload: dict
    index: int
    size: int


def stored_blocks(folder: Path | None = None) -> list[StoredBlock]:
    """Every block in the store ``folder`` (default: the shipped store), in file and block order.

    Raises
    ------
    ValueError
        Naming a file that cannot be read as stored histories.
    """
    folder = store.shipped_dir() if folder is None else Path(folder)
    found = []
    for path in sorted(folder.glob("*.npz")):
        try:
            with np.load(path, allow_pickle=False) as arrays:
                payload = json.loads(str(arrays["payload"]))
                sizes = {int(name[7:]): int(arrays[name].shape[0]) for name in arrays.files if name.startswith("counts_")}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
            raise ValueError(f"{path}: not a readable store file ({type(err).__name__}: {err})") from None
        for index, size in sorted(sizes.items()):
            found.append(StoredBlock(path, payload["algorithm"], payload, index, size))
    return found


def current(blocks: Iterable[StoredBlock]) -> list[StoredBlock]:
    """The blocks whose code digest is that of the code installed now (the others are never used)."""
    return [b for b in blocks if b.payload.get("code") == code_digest(b.algorithm)]


def sample(blocks: list[StoredBlock], per_algorithm: int, rng: np.random.Generator) -> list[StoredBlock]:
    """``per_algorithm`` blocks of each stored algorithm, drawn with ``rng`` (the smallest block first)."""
    chosen = []
    for algorithm in store.STORED:
        mine = [b for b in blocks if b.algorithm == algorithm]
        if not mine:
            continue
        order = rng.permutation(len(mine))
        mine = sorted((mine[i] for i in order[:per_algorithm]), key=lambda b: b.size)
        chosen += mine
    return chosen


def random_prefix(algorithm: str) -> int:
    """The queries of ``algorithm`` made before its model is first used: its ``n_init`` (the registry's
    default for it, else the function's), random draws alone, which replay on any platform.

    Examples
    --------
    >>> random_prefix("bananas")
    10
    """
    found = registry.get(algorithm)
    return int(found.defaults.get("n_init", inspect.signature(found.function).parameters["n_init"].default))


def replay(block: StoredBlock, benchmark) -> str:
    """Run ``block`` again on ``benchmark`` and compare it with what is stored.

    A history that depends on floating-point kernels (BANANAS) is compared whole
    only where it was stored from the same platform (see
    :attr:`~nascompanion.search.registry.Algorithm.platform`); elsewhere the queries
    made before its first predictor fit (the first ``n_init``, random draws alone)
    are compared. Returns what was compared.

    Raises
    ------
    AssertionError
        Naming the setting, the block and the first trial that differs.
    ValueError
        If ``benchmark``'s checksums are not the ones the block was stored for.
    """
    setting = setting_of(block.payload, block.index * store.BLOCK + block.size)
    space = stored_space(block.payload)
    payload = store_payload(setting, block.algorithm, dict(benchmark.provenance.checksums), space)
    if payload_json(payload) != block.payload:
        raise ValueError(f"{block.path.name}: stored for other data or code than {', '.join(map(str, benchmark.provenance.sources))}")
    stored = store.read_blocks(block.path, block.payload, setting.budget, space.size)
    if block.index not in stored:
        raise AssertionError(f"{block.path.name}: block {block.index} of {setting.label()} is damaged")
    want = stored[block.index]
    algorithm = registry.get(block.algorithm)
    here = algorithm.platform() if algorithm.platform else ""
    checked = "the whole history"
    if want.platform != here:
        setting = replace(setting, budget=min(random_prefix(block.algorithm), setting.budget))
        want = store.Block(want.archs[:, :setting.budget], np.minimum(want.counts, setting.budget), want.platform)
        checked = (f"the first {setting.budget} queries (stored on {want.platform or 'an unnamed platform'}, "
                   f"replayed on {here})")
    again = run_block(benchmark, setting, block.algorithm, block.index, block.size, space=space)
    differs = np.flatnonzero((again.archs != want.archs).any(axis=1) | (again.counts != want.counts))
    if differs.size:
        raise AssertionError(f"{block.algorithm} on {setting.label()}: block {block.index} does not replay "
                             f"({checked}); trial {block.index * store.BLOCK + int(differs[0])} queried other "
                             f"architectures ({block.path.name})")
    return checked


def benchmark_for(payload: dict, loaders: dict[str, Callable]) -> object | None:
    """The first benchmark from ``loaders`` (name -> loader) whose checksums are the payload's, else ``None``."""
    want = [list(item) for item in payload["data"]]
    for load in loaders.values():
        bench = load()
        if [list(item) for item in sorted(bench.provenance.checksums.items())] == want:
            return bench
    return None
