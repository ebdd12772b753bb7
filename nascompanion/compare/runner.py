"""Run the comparison on one setting: every algorithm's curves, from the cache, the stored histories, or computed.

The curves of the quick algorithms are cached on disk keyed by every parameter and
the data's checksums (:mod:`~nascompanion.compare.curve_cache`); the model-based ones
(:data:`~nascompanion.compare.store.STORED`), which take minutes, run in blocks of
trials whose query histories are stored (:mod:`~nascompanion.compare.store`, shipped
with the package), so a rebuild of the book reuses them and recomputes only the curves.
Missing blocks are computed and stored here, in local worker processes, or on a dask
cluster (:mod:`~nascompanion.compare.dispatch`).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Iterator

import numpy as np
from tqdm import tqdm

from nascompanion.compare import curve_cache, dispatch, searches, store
from nascompanion.compare.contenders import LABELS, Setting
from nascompanion.compare.experiment import ALGORITHMS, MAIN, landscapes
from nascompanion.config import workers
from nascompanion.objectives import TrialLosses
from nascompanion.results.store import Mode, resolve
from nascompanion.spaces.table import TableSpace


def _found_blocks(setting: Setting, algorithm: str, payload: dict, mode: Mode, n_archs: int
                  ) -> dict[int, store.Block]:
    """The stored blocks of ``setting``'s trials in every folder ``mode`` reads (the first found wins)."""
    sizes = store.block_sizes(setting.trials)
    found: dict[int, store.Block] = {}
    for folder in store.read_folders(mode):
        stored = store.read_blocks(store.path_for(folder, algorithm, payload), payload, setting.budget, n_archs,
                                   mode=mode)
        for index, block in stored.items():
            if index < len(sizes) and block.counts.shape[0] == sizes[index]:
                found.setdefault(index, block)
    return found


def stored_curves(benchmark, setting: Setting, algorithm: str, losses: TrialLosses, progress: bool,
                  mode: Mode, which: str = "test", space: TableSpace | None = None,
                  compute: dispatch.Compute = searches.run_block) -> np.ndarray:
    """Curves of a stored algorithm: stored blocks where their key matches, the rest computed with ``compute``
    (and stored), read and written as ``mode`` says."""
    space = searches.space_or_default(space)
    payload = searches.store_payload(setting, algorithm, dict(benchmark.provenance.checksums), space)
    sizes = store.block_sizes(setting.trials)
    found = _found_blocks(setting, algorithm, payload, mode, space.size)
    missing = [i for i in range(len(sizes)) if i not in found]
    target = store.write_folder(mode)
    # the blocks are written where they are computed, each as it is done: a stopped run keeps what it finished
    job = dispatch.Job(setting, algorithm, payload, None if target is None else str(target), mode.reads,
                           space.size)
    address = dispatch.scheduler()
    if address is not None and missing:
        blocks = dispatch.on_cluster(address, job, missing, sizes, losses, space, compute)
    else:
        blocks = computed_blocks(job, missing, sizes, losses, space, compute)
    bar = tqdm(total=len(missing), desc=f"{LABELS[algorithm]}, {setting.label()}", unit="block",
               disable=not progress, leave=False)
    for index, block in blocks:
        found[index] = block
        if job.path is not None:
            store.touch(job.path, mode)
        bar.update()
    bar.close()
    if job.path is not None and not mode.reads and missing:   # a rewritten file holds only this run's blocks
        store.write_blocks(job.path, payload, {i: found[i] for i in missing}, mode=mode)
    archs = np.concatenate([found[i].archs for i in range(len(sizes))])
    counts = np.concatenate([found[i].counts for i in range(len(sizes))])
    return store.curves(archs, counts, losses.validation, losses.test, which)


def computed_blocks(job: dispatch.Job, missing: list[int], sizes: list[int], losses: TrialLosses,
                    space: TableSpace, compute: dispatch.Compute = searches.run_block
                    ) -> Iterator[tuple[int, store.Block]]:
    """Yield ``(index, block)`` for every missing block, computed and stored in this process or, with
    ``$NASCOMPANION_WORKERS`` above 1, in that many worker processes (one torch thread each), as they finish."""
    count = min(workers(), len(missing))
    if count <= 1:
        for index in missing:
            yield index, dispatch.store_block(job, index, sizes[index], losses, space, compute)[0]
        return
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start,
                             initargs=(losses, space)) as pool:
        futures = {pool.submit(_worker_block, job, i, sizes[i], compute): i for i in missing}
        for future in as_completed(futures):
            block, written, _ = future.result()
            if not written:
                job.add(futures[future], block)
            yield futures[future], block


_WORKER: dict = {}


def _worker_start(losses: TrialLosses, space: TableSpace) -> None:
    _WORKER.update(losses=losses, space=space)   # sent once per worker process, not with every block


def _worker_block(job: dispatch.Job, index: int, size: int, compute: dispatch.Compute
                  ) -> tuple[store.Block, bool, str]:
    return dispatch.store_block(job, index, size, _WORKER["losses"], _WORKER["space"], compute)


def _check_request(algorithms: tuple[str, ...], which: str) -> None:
    if which not in ("test", "validation"):
        raise ValueError(f"which={which!r} is not allowed; choose one of: 'test', 'validation'")
    unknown = [a for a in algorithms if a not in ALGORITHMS]
    if unknown:
        raise ValueError(f"unknown algorithm(s) {', '.join(unknown)}; allowed: {', '.join(ALGORITHMS)}")


def compare(benchmark, setting: Setting, algorithms: tuple[str, ...] = MAIN, use_cache: bool = True,
            progress: bool = True, which: str = "test", space: TableSpace | None = None,
            store_mode: str | Mode | None = None) -> dict[str, np.ndarray]:
    """Run every algorithm in ``algorithms`` on one setting; return ``{algorithm: curves (trials, budget)}``.

    The curves are the ``which`` loss (``"test"``, the paper's plots, or ``"validation"``, what the
    search saw) of the best-by-validation query so far, searched in ``space`` (default: NAS-Bench-201's).

    The landscape of trial ``t`` is drawn once from ``setting.seed`` and shared by
    all algorithms; each algorithm gets its own random stream. Cached curves of the
    quick algorithms are reused when every parameter and the data's checksums match;
    the model-based ones use stored histories block by block (see
    :func:`~nascompanion.compare.searches.run_block` and :mod:`nascompanion.compare.store`).
    ``store_mode`` (default: the process's, :func:`nascompanion.results.store.use`) says where
    they are read and written; under ``recompute`` or ``rewrite`` neither is read, and
    ``use_cache=False`` reads and writes neither.
    """
    _check_request(tuple(algorithms), which)
    mode = resolve("recompute" if not use_cache else store_mode)
    drawn: list[TrialLosses] = []

    def losses() -> TrialLosses:   # drawn once, and only if some result is not cached
        if not drawn:
            drawn.append(landscapes(benchmark, setting, setting.trials))
        return drawn[0]

    results = {}
    for algorithm in tqdm(algorithms, desc=setting.label(), disable=not progress, leave=False):
        if algorithm in store.STORED:
            results[algorithm] = stored_curves(benchmark, setting, algorithm, losses(), progress, mode, which, space)
        else:
            results[algorithm] = _quick(benchmark, setting, algorithm, losses, mode, which, space)
    return results


def _quick(benchmark, setting: Setting, algorithm: str, losses: Callable[[], TrialLosses], mode: Mode, which: str,
           space: TableSpace | None) -> np.ndarray:
    """A quick algorithm's curves: cached when ``mode`` reads and writes, else computed."""
    suffix = "" if which == "test" else f"-{which}"
    key = f"{searches.cache_key(setting, algorithm, dict(benchmark.provenance.checksums), space)}{suffix}"
    path = curve_cache.path_for(algorithm, key)
    cached = curve_cache.read(path, key, (setting.trials, setting.budget)) if mode.reads else None
    if cached is not None:
        return cached
    curves = searches.quick_curves(algorithm, losses(), setting, space, which)
    if mode.reads:
        curve_cache.write(path, curves, key)
    return curves
