"""Where the package looks for benchmark data and keeps its caches."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

DATA_ENV = "NASCOMPANION_DATA"
"""Environment variable naming a folder or file with NAS-Bench-201 data."""

CACHE_ENV = "NASCOMPANION_CACHE"
"""Environment variable naming the folder for compact caches and search results."""

REPO_ROOT = Path(__file__).resolve().parent.parent


def candidate_data_locations() -> list[Path]:
    """Places searched for data, in order: ``$NASCOMPANION_DATA``, then
    ``shared/data/nb201`` beside the repository (or the current folder)."""
    places: list[Path] = []
    env = os.environ.get(DATA_ENV)
    if env:
        places.append(Path(env).expanduser())
    for base in (REPO_ROOT, Path.cwd()):
        for parent in (base, *base.parents[:2]):
            places.append(parent.parent / "shared" / "data" / "nb201")
    unique: list[Path] = []
    for place in places:
        if place not in unique:
            unique.append(place)
    return unique


def data_location() -> Path | None:
    """The first existing data location, or ``None`` when there is none."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    for place in candidate_data_locations():
        if place.exists():
            return place
    return None


class UnwritableFolderError(PermissionError):
    """A folder the package must write to cannot be created or written; the message says how to choose another."""


def writable_folder(path: Path, how_to_choose: str) -> Path:
    """``path``, created if missing, if this process may write in it.

    Raises
    ------
    UnwritableFolderError
        One line naming the folder, why, and ``how_to_choose`` another.

    Examples
    --------
    >>> import tempfile
    >>> blocker = Path(tempfile.mkdtemp()) / "a-file"
    >>> _ = blocker.write_text("")
    >>> writable_folder(blocker / "cache", "choose another with --there")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nascompanion.config.UnwritableFolderError: cannot use the folder .../a-file/cache (Not a directory); choose another with --there
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UnwritableFolderError(f"cannot use the folder {path} ({err.strerror}); {how_to_choose}") from None
    if not path.is_dir():
        raise UnwritableFolderError(f"cannot use the folder {path} (it is a file); {how_to_choose}")
    if not os.access(path, os.W_OK | os.X_OK):
        raise UnwritableFolderError(f"cannot write to the folder {path} (permission denied); {how_to_choose}")
    return path


def cache_dir() -> Path:
    """Folder for caches: ``$NASCOMPANION_CACHE``, else ``.cache/`` in the repository
    when installed from a checkout, else ``~/.cache/nascompanion``.

    Raises
    ------
    UnwritableFolderError
        If that folder cannot be created or written (the message names ``$NASCOMPANION_CACHE``).
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        path = Path(env).expanduser()
    elif (REPO_ROOT / "pyproject.toml").exists():
        path = REPO_ROOT / ".cache"
    else:
        path = Path.home() / ".cache" / "nascompanion"
    return writable_folder(path, f"choose another cache folder with the environment variable {CACHE_ENV}")


WORKERS_ENV = "NASCOMPANION_WORKERS"
"""Environment variable: how many processes compute missing blocks of stored histories (default 1)."""


def workers() -> int:
    """Processes that compute missing blocks of stored histories: ``$NASCOMPANION_WORKERS`` (default 1).

    Raises
    ------
    ValueError
        Unless the variable holds a positive integer.
    """
    value = os.environ.get(WORKERS_ENV) or "1"
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"${WORKERS_ENV}={value!r}; allowed: a positive integer")
    return int(value)


THREADS_ENV = "NASCOMPANION_THREADS"
"""Environment variable: threads of the numeric libraries (NumPy's BLAS, torch) in each chapter run (default 1)."""


def threads(value: int | str | None = None) -> int:
    """Threads each chapter run gives its numeric libraries: ``value``, else ``$NASCOMPANION_THREADS``, else 1.

    One per run keeps runs side by side from starting a thread per core each and fighting over the cores.

    Raises
    ------
    ValueError
        Unless the count is a positive integer.

    Examples
    --------
    >>> threads(2)
    2
    >>> threads("0")
    Traceback (most recent call last):
    ...
    ValueError: threads='0'; allowed: a positive integer (set by --threads or $NASCOMPANION_THREADS)
    """
    if value is None:
        value = os.environ.get(THREADS_ENV) or "1"
    text = str(value)
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(f"threads={value!r}; allowed: a positive integer (set by --threads or ${THREADS_ENV})")
    return int(text)


TRIM_VARIABLE = "MALLOC_TRIM_THRESHOLD_"
"""The glibc setting dask gives its local workers by default, which the workers here start without."""


def local_worker_settings(threads: int) -> dict[str, dict[str, str]]:
    """dask settings that start each local worker process with ``threads`` threads per numeric pool and none of
    dask's other start-up variables but the hash seed its nanny always sets (``distributed.nanny.pre-spawn-environ``,
    for :func:`dask.config.set`).

    dask's own default there also sets ``MALLOC_TRIM_THRESHOLD_`` (64 KiB), so that workers hand freed memory
    back at once; any such setting also fixes glibc's threshold for serving an allocation from fresh pages at
    128 KiB, and training small networks allocates and frees tensors of a few hundred kB thousands of times a
    second: a BANANAS block of 25 trials took about 1.7 times as long on a local worker as in a plain process.

    Examples
    --------
    >>> local_worker_settings(2)["distributed.nanny.pre-spawn-environ"]["OMP_NUM_THREADS"]
    '2'
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
    pools = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    return {"distributed.nanny.pre-spawn-environ": {name: str(threads) for name in pools}}


@contextmanager
def local_workers(threads: int) -> Iterator[None]:
    """While open, dask's local workers start as :func:`local_worker_settings` says, even in a process whose
    environment already sets those variables or ``MALLOC_TRIM_THRESHOLD_`` (dask lets such a variable override its
    settings, and its nanny writes its start-up variables into its own process's environment, where an earlier
    cluster leaves them); that process's environment is as it was afterwards."""
    import dask   # dask: optional, needed only on a cluster

    settings = local_worker_settings(threads)
    names = [TRIM_VARIABLE, *settings["distributed.nanny.pre-spawn-environ"]]
    before = {name: os.environ.get(name) for name in names}
    for name in names:   # dask lets a variable already set here override its settings
        os.environ.pop(name, None)
    try:
        with dask.config.set(settings):
            yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def limit_threads(threads: int) -> None:
    """Let torch and the BLAS and OpenMP pools of this process use at most ``threads`` threads each.

    Workers sharing a machine each get their share of its cores this way, so
    they do not start a thread per core each and oversubscribe it.

    Examples
    --------
    >>> import torch
    >>> before = torch.get_num_threads()
    >>> limit_threads(1)
    >>> torch.get_num_threads()
    1
    >>> limit_threads(before)
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
    import torch   # heavy: loaded only by a process that computes with it (a worker, a search)

    torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # without threadpoolctl the pools keep what OMP_NUM_THREADS and the like said at start
        return
    threadpool_limits(limits=threads)
