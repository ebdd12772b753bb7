"""Stored query histories of the model-based searches, so the book rebuilds in minutes.

BO, BANANAS and ANASOD-BO take minutes per setting; every other algorithm takes
seconds and is rerun at every build. For the model-based ones the
repository keeps what each trial *queried* — the architecture indices in query
order, as ``int16`` — and nothing else: the curves are recomputed from the
benchmark (the trial's validation and test losses at those indices) whenever a
chapter runs, so a stored history can never carry a stale or edited number.

Trials run in blocks of :data:`BLOCK` with a random stream of their own, so a
block's history does not depend on how many trials a chapter asks for: raising
the trial count computes only the new blocks, and one stored block can be
replayed on its own (the test suite replays one BO and one BANANAS block).

A stored block is used only when its key matches: every field of the setting
except the trial count, the algorithm, the digest of the code the result depends
on, the data's checksums, the block's index and size. A file that cannot be read,
is truncated, has the wrong shape, out-of-range or repeated indices, or values
that do not match its digest is reported (a warning naming the file and the
problem) and recomputed, never used. After a code change that cannot alter a history
(a new check of arguments, a comment), ``python -m nascompanion.compare.rekey`` moves
each stale block to the current key once the current code has reproduced it, and
records the old digest and what was replayed (:mod:`nascompanion.compare.rekey`).

Where entries are read and written is a store mode (:class:`nascompanion.results.store.Mode`),
passed as an argument or chosen for the process with :func:`use`: ``use`` (the default) reads the
shipped store then the local one and writes to the local one; ``recompute`` reads and writes
nothing (``nascompanion book --recompute``); ``update`` reads and writes the shipped store
(``nascompanion store update``); ``rewrite`` writes the shipped store without reading it.

A file holds every block of one setting and algorithm; processes that compute blocks of the same file
at once each add theirs under the file's lock (:func:`add_blocks`), so none is lost.
"""

from __future__ import annotations

import json
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from nascompanion.config import cache_dir
from nascompanion.results import store as results
from nascompanion.results.keys import payload_key
from nascompanion.results.store import MODES, Mode, resolve, use
from nascompanion.search.history import best_so_far_index

STORED: tuple[str, ...] = ("bo", "bananas", "anasod_bo")
"""Algorithms whose histories are stored: the model-based ones (the rest take seconds per setting)."""

BLOCK = 25
"""Trials per block: each block has its own random stream and is stored and replayed as a unit."""

STORE_ENV = "NASCOMPANION_STORE"
"""The variable that once chose the store mode; it is never read (the mode is an argument, or :func:`use`)."""

TOUCHED_ENV = "NASCOMPANION_STORE_TOUCHED"
"""The variable that once named the log of stored files used; it is never read."""

FORMAT = 1

__all__ = ["MODES", "Mode", "use", "mode", "touch", "STORED", "BLOCK", "FORMAT", "Block", "check_block", "read_blocks",
           "write_blocks", "add_blocks", "block_sizes", "curves", "key", "path_for", "read_folders", "write_folder"]


def mode() -> str:
    """The name of this process's store mode (chosen with :func:`use`; default ``"use"``).

    Examples
    --------
    >>> use("recompute"); mode()
    'recompute'
    >>> use(None); mode()
    'use'
    """
    return results.current().name


def shipped_dir() -> Path:
    """The store that ships with the package (committed in the repository)."""
    return Path(__file__).resolve().parent / "histories"


def local_dir() -> Path:
    """The store of histories computed on this machine (under :func:`~nascompanion.config.cache_dir`)."""
    return cache_dir() / "histories"


def read_folders(mode: str | Mode | None = None) -> list[Path]:
    """The folders stored histories are read from, in order, under ``mode`` (default: the process's)."""
    return resolve(mode).folders(shipped_dir(), local_dir())


def write_folder(mode: str | Mode | None = None) -> Path | None:
    """The folder computed histories are written to under ``mode`` (default: the process's; ``None``: nowhere)."""
    return resolve(mode).target(shipped_dir(), local_dir())


def key(payload: dict) -> str:
    """A short digest of a JSON-ready ``payload`` (the file name's key; :func:`~nascompanion.results.keys.payload_key`).

    Examples
    --------
    >>> key({"a": 1}) == key({"a": 1}) != key({"a": 2})
    True
    """
    return payload_key(payload)


@dataclass(frozen=True)
class Block:
    """What the trials of one block queried: ``archs`` ``(size, budget)`` int16, ``-1`` after a trial stopped;
    ``counts`` the queries each trial made; ``platform`` the floating-point kernels the history was computed
    with where it depends on them (:attr:`~nascompanion.search.registry.Algorithm.platform`), else ``""``;
    ``rekeyed`` (JSON, else ``""``) the code digest the block was computed under and how its equality under the
    current code was proven, when it was moved to the current key (:mod:`nascompanion.compare.rekey`)."""

    archs: np.ndarray
    counts: np.ndarray
    platform: str = ""
    rekeyed: str = ""


def _digest(payload: dict, index: int, block: Block) -> str:
    text = json.dumps({"payload": json.loads(json.dumps(payload)), "block": index}, sort_keys=True).encode()
    return results.values_digest(block.archs, block.counts, dtype="<i2", prefix=text)


def check_block(block: Block, size: int, budget: int, n_archs: int, distinct: bool = True) -> str | None:
    """What is wrong with ``block`` as the history of ``size`` trials of ``budget`` queries in a space of
    ``n_archs`` architectures (``None``: nothing).

    Examples
    --------
    >>> good = Block(np.array([[3, 1, -1]], dtype=np.int16), np.array([2], dtype=np.int16))
    >>> check_block(good, 1, 3, n_archs=10) is None
    True
    >>> check_block(good, 1, 3, n_archs=3)
    "architecture indices outside 0..2, or not -1 after a trial's last query"
    >>> check_block(Block(np.array([[3, 3, -1]], dtype=np.int16), np.array([2], dtype=np.int16)), 1, 3, 10)
    'a trial queried an architecture twice'
    """
    archs, counts = block.archs, block.counts
    if archs.dtype != np.int16 or counts.dtype != np.int16:
        return f"dtypes {archs.dtype}/{counts.dtype}, expected int16"
    if archs.shape != (size, budget) or counts.shape != (size,):
        return f"shape {archs.shape} and {counts.shape}, expected {(size, budget)} and {(size,)}"
    if ((counts < 0) | (counts > budget)).any():
        return f"query counts outside 0..{budget}"
    made = np.arange(budget) < counts[:, None]
    if ((archs < 0) | (archs >= n_archs))[made].any() or (archs[~made] != -1).any():
        return f"architecture indices outside 0..{n_archs - 1}, or not -1 after a trial's last query"
    if distinct:
        ordered = np.sort(np.where(made, archs, -1 - np.arange(budget)), axis=1)
        if (ordered[:, 1:] == ordered[:, :-1]).any():
            return "a trial queried an architecture twice"
    return None


def path_for(folder: Path, algorithm: str, payload: dict) -> Path:
    """The file holding ``algorithm``'s blocks for ``payload`` in ``folder``."""
    return Path(folder) / f"{algorithm}-{key(payload)}.npz"


def touch(path: Path, mode: Mode | None = None) -> None:
    """Append ``path``'s name to the log of stored files used of ``mode`` (default: the process's), if any."""
    resolve(mode).touch(path)


def _stored_payload(path: Path, arrays: dict[str, np.ndarray] | None) -> dict | None:
    """The payload of a file's ``arrays`` (``None``, reported, if it has none or another format)."""
    if arrays is None:
        return None
    try:
        stored_payload = json.loads(str(arrays["payload"]))
        if int(arrays["format"]) != FORMAT:
            raise ValueError(f"format {int(arrays['format'])}, expected {FORMAT}")
    except (*results.UNREADABLE, json.JSONDecodeError) as err:
        results.report(path, f"unreadable stored histories ({type(err).__name__}: {err}); recomputing them", 4)
        return None
    return stored_payload


def _block_at(arrays: dict[str, np.ndarray], index: int) -> Block:
    return Block(arrays[f"archs_{index}"], arrays.get(f"counts_{index}", np.zeros(0, np.int16)),
                 str(arrays.get(f"platform_{index}", "")), str(arrays.get(f"rekeyed_{index}", "")))


def read_blocks(path: Path, payload: dict, budget: int, n_archs: int, distinct: bool = True,
                mode: Mode | None = None) -> dict[int, Block]:
    """The valid blocks stored at ``path`` for ``payload`` in a space of ``n_archs`` architectures, by block
    index (none if there is no file); a file read is logged in ``mode``'s log (default: the process's).

    A damaged file or block is reported with a warning naming ``path`` and left out.
    """
    path = Path(path)
    arrays = results.read_arrays(path, "stored histories", 3, pronoun="them")
    stored_payload = _stored_payload(path, arrays)
    if stored_payload is None:
        return {}
    if stored_payload != json.loads(json.dumps(payload, sort_keys=True)):
        results.report(path, "stored for another setting than its name says; recomputing it")
        return {}
    blocks: dict[int, Block] = {}
    for index in sorted(int(n[6:]) for n in arrays if n.startswith("archs_") and n[6:].isdigit()):
        block = _block_at(arrays, index)
        size = int(block.counts.shape[0]) if block.counts.ndim == 1 else -1
        problem = check_block(block, size, budget, n_archs, distinct) if size > 0 else "no query counts"
        if problem is None and str(arrays.get(f"digest_{index}", "")) != _digest(payload, index, block):
            problem = "values that do not match their digest (the file was changed)"
        if problem:
            results.report(path, f"stored block {index} has {problem}; recomputing it")
            continue
        blocks[index] = block
    if blocks:
        touch(path, mode)
    return blocks


def write_blocks(path: Path, payload: dict, blocks: dict[int, Block], mode: Mode | None = None) -> None:
    """Write ``blocks`` (with their digests) for ``payload`` at ``path``, atomically and compressed, and log
    the file in ``mode``'s log (default: the process's)."""
    arrays: dict[str, np.ndarray] = {"payload": np.array(json.dumps(payload, sort_keys=True)),
                                     "format": np.array(FORMAT)}
    for index, block in sorted(blocks.items()):
        arrays[f"archs_{index}"] = block.archs.astype(np.int16)
        arrays[f"counts_{index}"] = block.counts.astype(np.int16)
        arrays[f"digest_{index}"] = np.array(_digest(payload, index, block))
        if block.platform:
            arrays[f"platform_{index}"] = np.array(block.platform)
        if block.rekeyed:
            arrays[f"rekeyed_{index}"] = np.array(block.rekeyed)
    results.write_arrays(Path(path), arrays)
    touch(path, mode)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock of the store file ``path`` (a hidden ``.NAME.lock`` beside it, removed on release).

    After the lock is taken, the lock file must still be the one at its path: a writer that waited on one its
    holder removed tries again, so two writers never hold the lock at once.
    """
    try:
        import fcntl
    except ImportError:   # not on a POSIX system: no lock (a single writer stays safe)
        yield
        return
    lock = Path(path).with_name(f".{Path(path).name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            same = os.stat(lock).st_ino == os.fstat(handle).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(handle)
    try:
        yield
    finally:
        os.unlink(lock)
        os.close(handle)


def add_blocks(path: Path, payload: dict, blocks: dict[int, Block], budget: int, n_archs: int,
               mode: Mode | None = None, report: bool = True) -> None:
    """Add ``blocks`` to those stored at ``path`` for ``payload``, under the file's lock: the file is read again,
    the new blocks replace those of the same index, and it is written atomically (unchanged, not written), so
    writers of other blocks of the same file, in other processes, never lose one. A damaged stored block is
    left out, with a warning unless ``report`` is false (a store rewritten, whose old blocks are not read).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "bo-x.npz"
    >>> one = Block(np.array([[1, 0]], dtype=np.int16), np.array([2], dtype=np.int16))
    >>> add_blocks(path, {"a": 1}, {0: one}, 2, 3, Mode()); add_blocks(path, {"a": 1}, {2: one}, 2, 3, Mode())
    >>> sorted(read_blocks(path, {"a": 1}, 2, 3, mode=Mode()))
    [0, 2]
    """
    with _locked(path), warnings.catch_warnings():
        if not report:
            warnings.simplefilter("ignore")
        stored = read_blocks(path, payload, budget, n_archs, mode=mode)
        if all(index in stored and _same(stored[index], block) for index, block in blocks.items()):
            return
        write_blocks(path, payload, {**stored, **blocks}, mode=mode)


def _same(a: Block, b: Block) -> bool:
    return (np.array_equal(a.archs, b.archs) and np.array_equal(a.counts, b.counts)
            and (a.platform, a.rekeyed) == (b.platform, b.rekeyed))


def block_sizes(trials: int, block: int = BLOCK) -> list[int]:
    """Sizes of the blocks that make up ``trials`` trials (the last one may be smaller).

    Examples
    --------
    >>> block_sizes(60), block_sizes(3)
    ([25, 25, 10], [3])
    """
    if trials < 1:
        raise ValueError(f"trials must be at least 1, got {trials}")
    return [min(block, trials - start) for start in range(0, trials, block)]


def curves(archs: np.ndarray, counts: np.ndarray, validation: np.ndarray, test: np.ndarray,
           which: str = "test") -> np.ndarray:
    """Best-so-far curves (as :meth:`~nascompanion.search.history.SearchResult.curves`) of stored queries.

    ``validation`` and ``test`` are the trials' loss tables, shape ``(trials, n)``.

    Examples
    --------
    >>> val = np.array([[3.0, 1.0, 2.0]]); test = 10 * val
    >>> curves(np.array([[0, 2, 1]]), np.array([3]), val, test).tolist()
    [[30.0, 20.0, 10.0]]
    """
    if which not in ("test", "validation"):
        raise ValueError(f"which={which!r} is not allowed; choose one of: 'test', 'validation'")
    rows = np.arange(archs.shape[0])[:, None]
    safe = np.where(archs >= 0, archs, 0)
    made = np.arange(archs.shape[1]) < np.asarray(counts)[:, None]
    seen = np.where(made, validation[rows, safe], np.inf)
    source = (test if which == "test" else validation)[rows, safe]
    return np.take_along_axis(source, best_so_far_index(seen), axis=-1)
