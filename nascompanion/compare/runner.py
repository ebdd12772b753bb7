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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from tqdm import tqdm

from nascompanion.compare import curve_cache, dispatch, searches, store
from nascompanion.compare.contenders import Setting
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
        for index, block in _fitting(stored, sizes).items():
            found.setdefault(index, block)
    return found


def _fitting(blocks: dict[int, store.Block], sizes: list[int]) -> dict[int, store.Block]:
    """The blocks of ``blocks`` that are blocks of a setting whose blocks have ``sizes`` trials."""
    return {i: b for i, b in blocks.items() if i < len(sizes) and b.counts.shape[0] == sizes[i]}


_THIS_RUN: dict[tuple[str, str], dict[int, store.Block]] = {}
"""Blocks computed under ``recompute`` in this process by the run whose log is the key's first part, by file name:
nothing is stored under ``recompute``, so a later call of the same run asking for the same setting (the noise
sweep's standard point is the contest's own setting) takes them from here, not computed twice."""


def _run_key(mode: Mode, job: dispatch.Job) -> tuple[str, str] | None:
    """Where :data:`_THIS_RUN` keeps ``job``'s blocks: only under ``recompute`` in a run with a log."""
    if mode.name != "recompute" or mode.log is None:
        return None
    return str(mode.log), store.path_for(Path(), job.algorithm, job.payload).name


def _plan(benchmark, setting: Setting, algorithm: str, losses: TrialLosses, mode: Mode,
          space: TableSpace | None) -> tuple[dispatch.Work, dict[int, store.Block], dict[int, store.Block]]:
    """What of ``algorithm``'s history on ``setting`` is missing (its :class:`~nascompanion.compare.dispatch.Work`),
    the blocks found where ``mode`` reads, and the blocks of its file to keep when the file is written again.

    Under ``rewrite`` nothing stored before the run is read, but a file this run has already written (its log
    names it: a later chapter, or a later call, asking for the same setting) holds only this run's blocks: those
    are used and kept, not computed twice; under ``recompute`` so are the blocks the same run computed in this
    process (:data:`_THIS_RUN`)."""
    space = searches.space_or_default(space)
    payload = searches.store_payload(setting, algorithm, dict(benchmark.provenance.checksums), space)
    sizes = store.block_sizes(setting.trials)
    target = store.write_folder(mode)
    # the blocks are written where they are computed, each as it is done: a stopped run keeps what it finished
    job = dispatch.Job(setting, algorithm, payload, None if target is None else str(target), mode.reads, space.size)
    kept: dict[int, store.Block] = {}
    this_run = _run_key(mode, job)
    if mode.name == "rewrite" and job.path is not None and mode.logged(job.path):
        kept = store.read_blocks(job.path, payload, setting.budget, space.size, mode=mode)
        found = _fitting(kept, sizes)
    elif this_run in _THIS_RUN:
        found = _fitting(_THIS_RUN[this_run], sizes)
    else:
        found = _found_blocks(setting, algorithm, payload, mode, space.size)
    missing = [i for i in range(len(sizes)) if i not in found]
    return dispatch.Work(job, missing, sizes, losses, space), found, kept


def _complete(works: list[dispatch.Work], found: list[dict[int, store.Block]], kept: list[dict[int, store.Block]],
              mode: Mode, progress: bool, compute: dispatch.Compute) -> None:
    """Compute the missing blocks of every one of ``works`` into ``found``: on the cluster of
    ``$NASCOMPANION_SCHEDULER`` all at once, else here as :func:`computed_blocks` does, one work after another."""
    pending = [k for k, work in enumerate(works) if work.missing]
    address = dispatch.scheduler()
    if address is not None and pending:
        blocks = ((pending[n], i, b) for n, i, b in
                  dispatch.on_cluster(address, [works[k] for k in pending], compute))
    else:
        blocks = ((k, i, b) for k in pending for i, b in computed_blocks(
            works[k].job, works[k].missing, works[k].sizes, works[k].losses, works[k].space, compute))
    bar = tqdm(total=sum(len(works[k].missing) for k in pending), desc="stored histories", unit="block",
               disable=not progress or not pending, leave=False)
    for k, index, block in blocks:
        found[k][index] = block
        if works[k].job.path is not None:
            store.touch(works[k].job.path, mode)
        bar.update()
    bar.close()
    for k in pending:   # a rewritten file holds only this run's blocks
        job, this_run = works[k].job, _run_key(mode, works[k].job)
        new = {i: found[k][i] for i in works[k].missing}
        if this_run is not None:
            _THIS_RUN.setdefault(this_run, {}).update(new)
        if job.path is not None and not mode.reads:
            store.write_blocks(job.path, job.payload, {**kept[k], **new}, mode=mode)


def _curves(work: dispatch.Work, found: dict[int, store.Block], which: str) -> np.ndarray:
    archs = np.concatenate([found[i].archs for i in range(len(work.sizes))])
    counts = np.concatenate([found[i].counts for i in range(len(work.sizes))])
    return store.curves(archs, counts, work.losses.validation, work.losses.test, which)


def stored_curves(benchmark, setting: Setting, algorithm: str, losses: TrialLosses, progress: bool,
                  mode: Mode, which: str = "test", space: TableSpace | None = None,
                  compute: dispatch.Compute = searches.run_block) -> np.ndarray:
    """Curves of a stored algorithm: stored blocks where their key matches, the rest computed with ``compute``
    (and stored), read and written as ``mode`` says."""
    work, found, kept = _plan(benchmark, setting, algorithm, losses, mode, space)
    _complete([work], [found], [kept], mode, progress, compute)
    return _curves(work, found, which)


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


@dataclass(frozen=True)
class Comparison:
    """One setting to compare algorithms on: the benchmark, the setting, and the space searched (``None``:
    NAS-Bench-201's)."""

    benchmark: object
    setting: Setting
    space: TableSpace | None = None


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
    return compare_all([Comparison(benchmark, setting, space)], algorithms, use_cache, progress, which,
                       store_mode)[0]


def compare_all(comparisons: list[Comparison], algorithms: tuple[str, ...] = MAIN, use_cache: bool = True,
                progress: bool = True, which: str = "test", store_mode: str | Mode | None = None
                ) -> list[dict[str, np.ndarray]]:
    """:func:`compare` on each of ``comparisons``, with the same curves, except that the missing blocks of the
    stored algorithms of all of them are computed together: on a cluster every one is submitted at once, so
    workers are not left waiting while one setting's last block finishes.
    """
    _check_request(tuple(algorithms), which)
    mode = resolve("recompute" if not use_cache else store_mode)
    drawn: dict[int, TrialLosses] = {}

    def losses(k: int) -> TrialLosses:   # drawn once per comparison, and only if some result is not cached
        if k not in drawn:
            drawn[k] = landscapes(comparisons[k].benchmark, comparisons[k].setting, comparisons[k].setting.trials)
        return drawn[k]

    stored = [a for a in algorithms if a in store.STORED]
    plans = {(k, a): _plan(c.benchmark, c.setting, a, losses(k), mode, c.space)
             for k, c in enumerate(comparisons) for a in stored}
    works, found, kept = (list(part) for part in zip(*plans.values())) if plans else ([], [], [])
    _complete(works, found, kept, mode, progress, searches.run_block)
    results = []
    for k, c in enumerate(comparisons):
        curves = {}
        for algorithm in tqdm(algorithms, desc=c.setting.label(), disable=not progress, leave=False):
            if algorithm in store.STORED:
                curves[algorithm] = _curves(*plans[k, algorithm][:2], which)
            else:
                curves[algorithm] = _quick(c.benchmark, c.setting, algorithm, lambda k=k: losses(k), mode, which,
                                           c.space)
        results.append(curves)
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
