"""Train the digits grid's chunks on many processes or machines with ``dask.distributed``.

The chunk files of :mod:`nascompanion.train.grid` stay the unit of work and the
record of progress. Each task trains one chunk on a worker and writes its file
there, atomically (:func:`~nascompanion.train.grid.write_atomic`); a task that
finds a finished file does nothing, so no chunk is trained twice. The engine
keeps no state of its own: the plan minus the finished files is the work, so
after any failure (a worker killed mid-chunk, the scheduler or the submitting
process gone) rerunning the same command trains only what is missing.

Three ways to run, chosen by :func:`run`:

- one worker and no scheduler: in this process, exactly as
  :func:`~nascompanion.train.grid.run_grid` (dask is not imported);
- ``workers=N``: a :class:`~distributed.LocalCluster` of ``N`` worker processes
  (see :func:`local_cluster`): one per GPU, each seeing only its own GPU, when
  training on ``cuda``; otherwise ``N`` processes on the CPU, each with
  ``cores // N`` torch threads (unless the spec says how many);
- ``scheduler=ADDRESS``: the workers of a cluster that is already running
  (``dask scheduler`` and ``dask worker``, or dask-jobqueue's ``SLURMCluster``
  on a SLURM cluster). The workers must see the chunk folder at the same path
  (a shared file system) and must be able to import ``nascompanion``.
  dask's workers start with one torch thread (``OMP_NUM_THREADS=1``); give
  CPU workers their threads with :attr:`TrainerSpec.threads`.

A worker builds its training function itself, once per process, from a small
:class:`TrainerSpec` (the setting, device and options): the digits are loaded
there, never sent from the submitting process.

A worker killed mid-chunk costs only that chunk: the scheduler gives it to
another worker (up to ``distributed.scheduler.allowed-failures`` times, then
the run fails with ``KilledWorker``); other exceptions of a task are retried
``retries`` times. A chunk whose result shows no training (a training set
smaller than the batch, no step) is refused, not stored, and stops the run
with a :class:`ValueError` naming the chunk.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Hashable, Iterable, Iterator, Sequence

import torch

from nascompanion.config import limit_threads, local_workers  # noqa: F401 (limit_threads: the grid's name for it)
from nascompanion.train.grid import Chunk, TrainFn, check_trained, read_chunk, run_grid, train_chunk_fn, write_atomic
from nascompanion.train.pipelines import Setting

if TYPE_CHECKING:
    from distributed import Client

RETRIES = 2
"""Times a task that raised (other than a refusal, see :func:`train_and_write`) is run again."""


@dataclass(frozen=True)
class TrainerSpec:
    """What a worker needs to build its training function (see :func:`~nascompanion.train.grid.train_chunk_fn`).

    Calling the spec builds the function; :func:`trainer` does so once per
    process. The spec is small and hashable, so it travels with every task.

    Attributes
    ----------
    setting
        Network, split, distortion and epochs.
    device
        Torch device to train on (a worker of :func:`local_cluster` on GPUs sees
        only its own GPU, so ``"cuda"`` is that one).
    autocast, conv, cudnn_deterministic
        As for :func:`~nascompanion.train.grid.train_chunk_fn`.
    threads
        Threads of torch and the numeric libraries of the process
        (:func:`limit_threads`; ``None`` leaves them as they are).

    Examples
    --------
    >>> from nascompanion.train.pipelines import PLAIN
    >>> TrainerSpec(PLAIN, threads=2).device
    'cpu'
    """

    setting: Setting
    device: str = "cpu"
    autocast: bool = False
    conv: str = "grouped"
    cudnn_deterministic: bool = True
    threads: int | None = None

    def __call__(self) -> TrainFn:
        if self.threads is not None:
            limit_threads(self.threads)
        return train_chunk_fn(self.setting, self.device, self.autocast, None, self.conv, self.cudnn_deterministic)


TrainerFactory = Callable[[], TrainFn]
"""A picklable, hashable callable that builds a training function where it is called (e.g. :class:`TrainerSpec`)."""

_TRAINERS: dict[Hashable, TrainFn] = {}


def trainer(factory: TrainerFactory) -> TrainFn:
    """The training function ``factory`` builds, built once in this process and kept for later tasks.

    Only the latest factory's function is kept, so a long-lived worker that
    trains another setting frees the data (perhaps on its GPU) of the last one.
    """
    if factory not in _TRAINERS:
        _TRAINERS.clear()
        _TRAINERS[factory] = factory()
    return _TRAINERS[factory]


def train_and_write(out: str, chunk: Chunk, factory: TrainerFactory) -> dict:
    """One task: train ``chunk`` and write its file in ``out``, unless a finished file is there already.

    Runs on a worker. A :class:`ValueError` (building the training function,
    training, or :func:`~nascompanion.train.grid.check_trained`) is a refusal
    that would repeat: it is returned, not raised, so the task is not retried,
    and nothing is written.

    Returns
    -------
    dict
        ``trained`` (``False`` if the file was there), ``seconds``, ``worker``
        (address) and ``refused`` (the refusal's message, or ``None``).
    """
    path = Path(out) / chunk.file_name
    report = {"trained": False, "seconds": 0.0, "worker": _worker_address(), "refused": None}
    if read_chunk(path) is not None:
        return report
    t0 = time.perf_counter()
    try:
        arrays = trainer(factory)(chunk)
        check_trained(chunk, arrays)
    except ValueError as err:
        report["refused"] = str(err)
        return report
    write_atomic(path, arrays)
    report.update(trained=True, seconds=time.perf_counter() - t0)
    return report


def _worker_address() -> str:
    try:
        from distributed import get_worker  # dask: optional, needed only on a cluster

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


class _Flow:
    """The chunks waiting, running and trained of one :func:`run_chunks` call, and how to move them on."""

    def __init__(self, client: Client, out: Path, todo: deque, factory: TrainerFactory, time_limit: float | None,
                 log: Callable[[str], None], retries: int, resources: dict[str, float] | None) -> None:
        from distributed import as_completed  # dask: optional, needed only on a cluster

        self.client, self.out, self.todo, self.factory = client, out, todo, factory
        self.time_limit, self.log, self.retries, self.resources = time_limit, log, retries, resources
        self.running: dict = {}
        self.finished = as_completed()
        self.t0, self.slowest, self.total = time.perf_counter(), 0.0, len(todo)
        self.done: list[Chunk] = []

    def submit_more(self) -> None:
        """Submit chunks until every worker thread has one, unless the time limit forbids another."""
        while self.todo and len(self.running) < max(1, sum(self.client.nthreads().values())):
            elapsed = time.perf_counter() - self.t0
            if self.time_limit is not None and elapsed + self.slowest > self.time_limit:
                self.log(f"time limit: submitting no more chunks after {elapsed:.0f} s "
                         f"({len(self.running)} still running); rerun the same command to resume")
                self.todo.clear()
                return
            chunk = self.todo.popleft()
            future = self.client.submit(train_and_write, str(self.out), chunk, self.factory, retries=self.retries,
                                        resources=self.resources,
                                        key=f"train-{chunk.file_name.removesuffix('.npz')}-{uuid.uuid4().hex[:8]}")
            self.running[future] = chunk
            self.finished.add(future)

    def settle(self, future) -> None:
        """Record a finished task; raise :class:`ValueError` naming its chunk if it was refused."""
        chunk = self.running.pop(future)
        report = future.result()
        if report["refused"] is not None:
            self.todo.clear()
            raise ValueError(f"chunk {chunk.file_name} refused: {report['refused']}"
                             if chunk.file_name not in report["refused"] else report["refused"])
        if report["trained"]:
            self.done.append(chunk)
            self.slowest = max(self.slowest, report["seconds"])
            self.log(f"{chunk.file_name}: {report['seconds']:.1f} s on {report['worker']} "
                     f"({len(self.done)} of {self.total} trained)")
        else:
            self.log(f"{chunk.file_name}: already finished")

    def abandon(self) -> None:
        """Cancel the chunks in flight (after a refusal or an error; a rerun trains what did not finish)."""
        if self.running:
            try:
                self.client.cancel(list(self.running))
            except Exception:  # noqa: BLE001 - the scheduler may be gone; nothing is left to cancel then
                pass


def run_chunks(client: Client, out: Path, chunks: Iterable[Chunk], factory: TrainerFactory,
               time_limit: float | None = None, log: Callable[[str], None] = print, retries: int = RETRIES,
               resources: dict[str, float] | None = None) -> list[Chunk]:
    """Train every chunk without a finished file in ``out`` on the workers of ``client``; return those trained now.

    At most as many chunks are submitted as the workers have threads (so a
    cluster that grows is used as it grows), in plan order. One line is logged
    per finished chunk.

    Parameters
    ----------
    client
        A connected ``distributed.Client``.
    out
        Folder of chunk files, at the same path on the workers.
    chunks
        The plan (see :func:`~nascompanion.train.grid.plan`).
    factory
        Builds the training function on each worker (see :class:`TrainerSpec`).
    time_limit
        Seconds; no new chunk is submitted once the next one (estimated from
        the slowest so far) would end past it. Chunks already running are
        not cancelled: they finish and are written, then the call returns.
        Rerun to resume.
    retries
        Extra tries of a task that raised; a killed worker's chunk is given to
        another worker by the scheduler.
    resources
        Dask worker resources every task needs (e.g. ``{"GPU": 1}``).

    Raises
    ------
    ValueError
        Naming the first chunk refused (see :func:`train_and_write`). Nothing
        more is submitted and the chunks in flight are cancelled (a chunk
        already training may still finish and write its file).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    todo = deque(chunk for chunk in chunks if read_chunk(out / chunk.file_name) is None)
    flow = _Flow(client, out, todo, factory, time_limit, log, retries, resources)
    try:
        flow.submit_more()
        for future in flow.finished:
            flow.settle(future)
            flow.submit_more()
    finally:
        flow.abandon()
    return flow.done


def visible_gpus() -> list[str]:
    """The GPUs this process may use, as ``CUDA_VISIBLE_DEVICES`` entries (empty without CUDA)."""
    if not torch.cuda.is_available():
        return []
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if listed is not None and listed.strip():
        return [entry.strip() for entry in listed.split(",") if entry.strip()][: torch.cuda.device_count()]
    return [str(i) for i in range(torch.cuda.device_count())]


def cpu_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class WorkerOptions:
    """What a cluster's workers need: the device each trains on, its torch threads, the resources a task takes."""

    device: str
    threads: int | None
    resources: dict[str, float] | None


@contextmanager
def local_cluster(workers: int, device: str = "cpu",
                  threads: int | None = None) -> Iterator[tuple[Client, WorkerOptions]]:
    """A :class:`~distributed.LocalCluster` of ``workers`` processes and a client of it, closed on exit.

    On ``cuda``, worker ``i`` sees only GPU ``i`` (its ``CUDA_VISIBLE_DEVICES``)
    and offers the resource ``GPU: 1``; there must be a GPU per worker. On the
    CPU, each worker process gets ``threads`` torch threads (default
    ``cores // workers``, at least 1).

    Yields
    ------
    client, options
        The client, and what the :class:`TrainerSpec` and the tasks must say:
        ``options.device``, ``options.threads`` and ``options.resources``.

    Raises
    ------
    ValueError
        If ``workers < 1``, or ``device`` is a GPU and fewer GPUs than workers are visible.
    """
    from distributed import Client, LocalCluster, Nanny  # dask: optional, needed only on a cluster

    workers = check_workers(workers)
    # no dashboard; the scheduler's HTTP routes on a free local port, not 8787 (which may be taken)
    common = dict(processes=True, threads_per_worker=1, dashboard_address=None,
                  scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    if device.startswith("cuda"):
        from distributed.system import MEMORY_LIMIT  # dask: optional, needed only on a cluster

        gpus = visible_gpus()
        if device != "cuda":  # one named GPU
            if workers > 1:
                raise ValueError(f"device {device!r}: with {workers} workers give device 'cuda' "
                                 "(each worker gets its own GPU)")
            index = device.partition(":")[2]
            if not index.isdigit():
                raise ValueError(f"device {device!r}: give 'cuda' or 'cuda:N' with N a GPU number")
            gpus = gpus[int(index):int(index) + 1]
        if len(gpus) < workers:
            raise ValueError(f"{workers} worker(s) on device {device!r} need {workers} GPU(s), one each; "
                             f"{len(gpus)} visible")
        cluster = LocalCluster(n_workers=0, resources={"GPU": 1}, memory_limit=MEMORY_LIMIT // workers, **common)
        options = WorkerOptions("cuda", None, {"GPU": 1})
    else:
        threads = max(1, cpu_cores() // workers) if threads is None else threads
        with local_workers(threads):   # read as each worker process starts
            cluster = LocalCluster(n_workers=workers, **common)
        options = WorkerOptions(device, threads, None)
    try:
        if options.resources:  # pin: worker i sees only GPU i
            spec = cluster.new_spec
            for i in range(workers):
                env = {**spec["options"].get("env", {}), "CUDA_VISIBLE_DEVICES": gpus[i]}
                cluster.worker_spec[i] = {"cls": spec.get("cls", Nanny), "options": {**spec["options"], "env": env}}
            cluster.scale(workers)
        with Client(cluster) as client:
            client.wait_for_workers(workers)
            yield client, options
    finally:
        cluster.close()


def check_workers(workers: int) -> int:
    """``workers`` if it is an integer >= 1.

    Examples
    --------
    >>> check_workers(0)
    Traceback (most recent call last):
    ...
    ValueError: workers must be an integer >= 1, got 0
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    return workers


def run(out: Path, chunks: Sequence[Chunk], spec: TrainerFactory, workers: int | None = None,
        scheduler: str | None = None, time_limit: float | None = None, log: Callable[[str], None] = print,
        retries: int = RETRIES) -> list[Chunk]:
    """Train the chunks of ``chunks`` without a finished file in ``out``: in this process, a local cluster or a running one.

    Parameters
    ----------
    out, chunks, time_limit, log
        As for :func:`~nascompanion.train.grid.run_grid`; on a cluster, see
        :func:`run_chunks` (chunks running at the time limit finish).
    spec
        Builds the training function (a :class:`TrainerSpec`, whose ``device``,
        and ``threads`` unless given, a local cluster sets per worker; or another factory).
    workers
        Worker processes (default 1: in this process, no dask).
    scheduler
        Address of a running dask scheduler (``tcp://host:8786``); not with ``workers``.
        Tasks ask for a ``GPU`` resource when ``spec.device`` is a GPU and some
        worker connected at the start offers one.
    retries
        See :func:`run_chunks`.

    Returns
    -------
    list of Chunk
        The chunks trained by this call.

    Raises
    ------
    ValueError
        For ``workers < 1``, both ``workers`` and ``scheduler``, too few GPUs,
        or a refused chunk (naming it).
    ConnectionError
        If no scheduler answers at ``scheduler``.
    """
    if scheduler is not None and workers is not None:
        raise ValueError(f"give workers ({workers}) or scheduler ({scheduler!r}), not both: "
                         "a running cluster has its own workers")
    if scheduler is None and check_workers(1 if workers is None else workers) == 1:
        return run_grid(out, chunks, spec(), time_limit, log)
    if not any(read_chunk(Path(out) / chunk.file_name) is None for chunk in chunks):
        return []  # nothing to train: no cluster to start or reach
    if scheduler is not None:
        from distributed import Client  # dask: optional, needed only on a cluster

        try:
            client = Client(scheduler)
        except OSError as err:
            raise ConnectionError(f"scheduler {scheduler!r}: cannot connect ({err}); start the cluster first "
                                  "or check the address") from err
        with client:
            offers_gpus = any("GPU" in w.get("resources", {}) for w in client.scheduler_info()["workers"].values())
            on_gpu = str(getattr(spec, "device", "cpu")).startswith("cuda")
            resources = {"GPU": 1} if on_gpu and offers_gpus else None
            return run_chunks(client, out, chunks, spec, time_limit, log, retries, resources)
    with local_cluster(workers, str(getattr(spec, "device", "cpu")), getattr(spec, "threads", None)) as (
            client, options):
        if isinstance(spec, TrainerSpec):
            spec = replace(spec, device=options.device, threads=options.threads)
        return run_chunks(client, out, chunks, spec, time_limit, log, retries, options.resources)
