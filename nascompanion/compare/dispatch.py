"""Compute the comparison's missing blocks of stored histories, here or on the workers of a dask cluster.

One task computes one block (:func:`~nascompanion.compare.searches.run_block`) and stores it itself
(:func:`store_block`): the block is checked, stamped with the platform it was computed on, and added to
its file under the file's lock (:func:`~nascompanion.compare.store.add_blocks`), so workers finishing
blocks of the same file at once never lose one. A worker that cannot write the store's folder (a
cluster without a shared file system) returns the block and the submitting process adds it the
moment it arrives; adding a block that is already there changes nothing, so every block is in the
file before it is counted as done.

The store's folder and whether its blocks are read are arguments of each task (:class:`Job`), never
the worker's own store mode; each worker computes with one torch, BLAS and OpenMP thread
(:func:`~nascompanion.config.limit_threads`). A worker killed mid-block costs only its block: the
scheduler gives it to another worker (up to ``distributed.scheduler.allowed-failures`` times). The work is the plan minus
the stored blocks, so rerunning after any stop computes only what is missing.

Where blocks are computed: on the cluster whose scheduler address is in ``$NASCOMPANION_SCHEDULER``
(set by ``nascompanion store update --workers N`` or ``--scheduler ADDRESS`` for the chapters it
runs), else in this process or ``$NASCOMPANION_WORKERS`` local processes as before.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from nascompanion.compare import searches, store
from nascompanion.config import limit_threads, local_workers
from nascompanion.compare.contenders import LABELS, Setting
from nascompanion.objectives import TrialLosses
from nascompanion.results.store import Mode
from nascompanion.search import registry
from nascompanion.spaces.table import TableSpace

if TYPE_CHECKING:
    from distributed import Client

SCHEDULER_ENV = "NASCOMPANION_SCHEDULER"
"""Environment variable: the address of the dask scheduler that computes missing blocks (unset: none)."""

Compute = Callable[..., store.Block]
"""What computes a block: called as :func:`~nascompanion.compare.searches.run_block` is."""


@dataclass(frozen=True)
class Job:
    """The blocks of one algorithm on one setting: where they are stored (``folder``; ``None``: nowhere) under
    ``payload``, whether a stored block is reused (``reuse``), and the space's size the blocks are checked against.
    """

    setting: Setting
    algorithm: str
    payload: dict
    folder: str | None
    reuse: bool
    n_archs: int

    @property
    def path(self) -> Path | None:
        """The file of the job's blocks (``None``: nowhere)."""
        return None if self.folder is None else store.path_for(Path(self.folder), self.algorithm, self.payload)

    def stored(self, index: int, size: int) -> store.Block | None:
        """Block ``index`` of ``size`` trials, if stored and reused."""
        if not self.reuse or self.path is None:
            return None
        block = store.read_blocks(self.path, self.payload, self.setting.budget, self.n_archs, mode=Mode()).get(index)
        return block if block is not None and block.counts.shape[0] == size else None

    def add(self, index: int, block: store.Block) -> None:
        """Store ``block`` as block ``index`` (nothing if it is there already)."""
        if self.path is not None:
            store.add_blocks(self.path, self.payload, {index: block}, self.setting.budget, self.n_archs, Mode(),
                             report=self.reuse)


def store_block(job: Job, index: int, size: int, losses: TrialLosses, space: TableSpace,
                compute: Compute = searches.run_block) -> tuple[store.Block, bool, str]:
    """One task: block ``index`` (``size`` trials) of ``job``, computed with one thread and stored, unless stored.

    Returns
    -------
    block, written, where
        The block, whether it is in the store's file now (``False``: it could not be written here), and
        where it was computed (a worker's address, else this process's id).

    Raises
    ------
    RuntimeError
        If the computed history is not a valid block (naming the algorithm, setting and block).
    """
    found = job.stored(index, size)
    if found is not None:
        return found, True, _here()
    limit_threads(1)
    block = compute(None, job.setting, job.algorithm, index, size, losses, space)
    problem = store.check_block(block, size, job.setting.budget, job.n_archs)
    if problem:
        raise RuntimeError(f"{job.algorithm} on {job.setting.label()}, block {index}: its history has {problem}")
    platform = registry.get(job.algorithm).platform
    block = replace(block, platform=platform()) if platform else block
    try:
        job.add(index, block)
    except OSError:   # the store's folder is not reachable from this worker: the submitting process writes it
        return block, False, _here()
    return block, True, _here()


def _here() -> str:
    try:
        from distributed import get_worker   # dask: optional, needed only on a cluster

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def scheduler() -> str | None:
    """The scheduler address in ``$NASCOMPANION_SCHEDULER`` (``None``: unset or empty)."""
    return os.environ.get(SCHEDULER_ENV) or None


TOPIC = "nascompanion-blocks"
"""The scheduler's event topic on which the progress lines of the blocks are published."""


def terminal(line: str) -> None:
    """Print ``line`` on this process's standard error."""
    print(line, file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    """``seconds`` in words.

    Examples
    --------
    >>> _duration(42.4), _duration(125)
    ('42 s', '2 min 5 s')
    """
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


class Progress:
    """One line per finished block: which, how many of how many, the time since the start, and the time expected to go."""

    def __init__(self, total: int, log: Callable[[str], None]) -> None:
        self.total, self.log, self.done, self.t0 = total, log, 0, time.perf_counter()

    def block(self, what: str, index: int, where: str) -> None:
        """Report block ``index`` of ``what`` done on ``where``."""
        self.done += 1
        elapsed = time.perf_counter() - self.t0
        left = elapsed / self.done * (self.total - self.done)
        self.log(f"[blocks] {what}: block {index} on {where}, {self.done} of {self.total} done, "
                 f"{_duration(elapsed)} elapsed, about {_duration(left)} to go")


@dataclass(frozen=True)
class Work:
    """The missing blocks of one job: their indices (``missing``), the trials of every block of its setting
    (``sizes``), and the landscapes and space its searches run on."""

    job: Job
    missing: list[int]
    sizes: list[int]
    losses: TrialLosses
    space: TableSpace

    @property
    def what(self) -> str:
        """The algorithm and setting, in words."""
        return f"{LABELS.get(self.job.algorithm, self.job.algorithm)}, {self.job.setting.label()}"


def on_cluster(address: str, works: list[Work], compute: Compute = searches.run_block,
               log: Callable[[str], None] | None = None) -> Iterator[tuple[int, int, store.Block]]:
    """Yield ``(work, index, block)`` for every missing block of every one of ``works`` (``work``: its position
    in ``works``), computed and stored on the workers of the dask scheduler at ``address``, as they finish
    (each in the store's file by then). Every block is submitted at once, so no worker waits while another
    computes the last block of one setting.

    Progress lines are published on the scheduler's :data:`TOPIC` (the process that holds :func:`cluster`
    prints them on its terminal; a chapter's own output stays free of them) and given to ``log``, if any.

    Raises
    ------
    ConnectionError
        If no scheduler answers at ``address``.
    """
    from distributed import as_completed   # dask: optional, needed only on a cluster

    with _client(address, f" (${SCHEDULER_ENV})") as client:
        def publish(line: str) -> None:
            client.log_event(TOPIC, line)
            if log is not None:
                log(line)

        total = sum(len(work.missing) for work in works)
        progress = Progress(total, publish)
        named = works[0].what if len(works) == 1 else f"{len(works)} settings"
        publish(f"[blocks] {named}: {total} block(s) to compute on {len(client.nthreads())} worker(s)")
        futures = {}
        for number, work in enumerate(works):
            shared_losses, shared_space = client.scatter([work.losses, work.space], hash=False)
            for i in work.missing:
                future = client.submit(store_block, work.job, i, work.sizes[i], shared_losses, shared_space, compute,
                                       pure=False)
                futures[future] = number, i
        for future, (block, written, where) in as_completed(futures, client.loop, with_results=True):
            number, index = futures[future]
            if not written:
                works[number].job.add(index, block)
            progress.block(works[number].what, index, where)
            yield number, index, block


@contextmanager
def cluster(workers: int | None = None, address: str | None = None) -> Iterator[str | None]:
    """The scheduler address blocks are computed on, set in ``$NASCOMPANION_SCHEDULER`` for the processes this
    one starts (the chapters' kernels) until the context ends: a :class:`~distributed.LocalCluster` of
    ``workers`` processes of one thread each (closed at the end), or the running cluster at ``address``.
    Neither: nothing is set (``None``). Meanwhile the blocks' progress lines (:data:`TOPIC`) are printed here.

    Raises
    ------
    ValueError
        If both are given.
    ConnectionError
        If no scheduler answers at ``address``.
    """
    if workers is not None and address is not None:
        raise ValueError(f"give workers ({workers}) or scheduler ({address!r}), not both: "
                         "a running cluster has its own workers")
    if workers is None and address is None:
        yield None
        return
    before = os.environ.get(SCHEDULER_ENV)
    try:
        if address is not None:
            with _printing(address):
                os.environ[SCHEDULER_ENV] = address
                yield address
            return
        from distributed import LocalCluster   # dask: optional, needed only on a cluster

        with local_workers(1), \
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                             scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as local, \
                _printing(local.scheduler_address):
            os.environ[SCHEDULER_ENV] = local.scheduler_address
            yield local.scheduler_address
    finally:
        if before is None:
            os.environ.pop(SCHEDULER_ENV, None)
        else:
            os.environ[SCHEDULER_ENV] = before


def _client(address: str, named: str = ""):
    """A client of the scheduler at ``address``; a ``ConnectionError`` saying what to do when none answers."""
    from distributed import Client   # dask: optional, needed only on a cluster

    try:
        return Client(address, set_as_default=False)
    except OSError as err:
        raise ConnectionError(f"scheduler {address!r}{named}: cannot connect ({err}); start the cluster first "
                              "or check the address") from err


@contextmanager
def _printing(address: str) -> Iterator[None]:
    """Print on this process's terminal the progress lines published on :data:`TOPIC` at ``address``."""
    with _client(address) as client:
        client.subscribe_topic(TOPIC, lambda event: terminal(str(event[1])))
        yield
