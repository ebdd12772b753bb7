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

Where entries are read and written is set by ``$NASCOMPANION_STORE``:

``use`` (default)
    read the shipped store, then the local one under the cache folder; write
    what had to be computed to the local one.
``recompute``
    read nothing, write nothing (``nascompanion book --recompute``).
``update``
    read and write the shipped store in the package (``nascompanion store update``).
``rewrite``
    read nothing, write the shipped store (``nascompanion store update --recompute``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nascompanion.config import cache_dir
from nascompanion.spaces import nb201

STORED: tuple[str, ...] = ("bo", "bananas", "anasod_bo")
"""Algorithms whose histories are stored: the model-based ones (the rest take seconds per setting)."""

BLOCK = 25
"""Trials per block: each block has its own random stream and is stored and replayed as a unit."""

STORE_ENV = "NASCOMPANION_STORE"
"""Environment variable choosing where stored histories are read and written (see :data:`MODES`)."""

TOUCHED_ENV = "NASCOMPANION_STORE_TOUCHED"
"""Environment variable naming a file to which every stored file that was read or written is appended."""

MODES: tuple[str, ...] = ("use", "recompute", "update", "rewrite")
"""Values of ``$NASCOMPANION_STORE``."""

FORMAT = 1


_chosen: dict[str, str | None] = {"mode": None, "touched": None}


def use(mode: str | None, touched: str | Path | None = None) -> None:
    """Choose this process's store mode and the file that lists every stored file read or written
    (``None``: no list); they take precedence over ``$NASCOMPANION_STORE`` and ``$NASCOMPANION_STORE_TOUCHED``.
    A chapter's kernel gets both as papermill parameters and calls this; ``use(None)`` returns to the
    environment variables.

    Examples
    --------
    >>> use("recompute"); mode()
    'recompute'
    >>> use(None)
    >>> use("sometimes")
    Traceback (most recent call last):
    ...
    ValueError: store mode 'sometimes'; allowed: use, recompute, update, rewrite
    """
    if mode is not None and mode not in MODES:
        raise ValueError(f"store mode {mode!r}; allowed: {', '.join(MODES)}")
    _chosen.update(mode=mode, touched=str(touched) if mode is not None and touched else None)


def mode() -> str:
    """The store mode chosen with :func:`use`, else ``$NASCOMPANION_STORE`` (default ``"use"``).

    Raises
    ------
    ValueError
        If the variable holds anything but one of :data:`MODES`.

    Examples
    --------
    >>> import os; os.environ.pop(STORE_ENV, None) and None
    >>> mode()
    'use'
    """
    if _chosen["mode"] is not None:
        return _chosen["mode"]
    value = os.environ.get(STORE_ENV, "use") or "use"
    if value not in MODES:
        raise ValueError(f"${STORE_ENV}={value!r}; allowed: {', '.join(MODES)}")
    return value


def shipped_dir() -> Path:
    """The store that ships with the package (committed in the repository)."""
    return Path(__file__).resolve().parent / "histories"


def local_dir() -> Path:
    """The store of histories computed on this machine (under :func:`~nascompanion.config.cache_dir`)."""
    return cache_dir() / "histories"


def read_folders() -> list[Path]:
    """The folders stored histories are read from, in order, under the current :func:`mode`."""
    return {"use": [shipped_dir(), local_dir()], "recompute": [], "update": [shipped_dir()], "rewrite": []}[mode()]


def write_folder() -> Path | None:
    """The folder computed histories are written to, under the current :func:`mode` (``None``: nowhere)."""
    return {"use": local_dir(), "recompute": None, "update": shipped_dir(), "rewrite": shipped_dir()}[mode()]


def key(payload: dict) -> str:
    """A short digest of a JSON-ready ``payload`` (the file name's key).

    Examples
    --------
    >>> key({"a": 1}) == key({"a": 1}) != key({"a": 2})
    True
    """
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


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
    return hashlib.sha256(text + block.archs.astype("<i2").tobytes() + block.counts.astype("<i2").tobytes()).hexdigest()


def check_block(block: Block, size: int, budget: int, distinct: bool = True, n_archs: int = nb201.N_ARCHS) -> str | None:
    """What is wrong with ``block`` as the history of ``size`` trials of ``budget`` queries (``None``: nothing).

    Examples
    --------
    >>> good = Block(np.array([[3, 1, -1]], dtype=np.int16), np.array([2], dtype=np.int16))
    >>> check_block(good, 1, 3) is None
    True
    >>> check_block(Block(np.array([[3, 3, -1]], dtype=np.int16), np.array([2], dtype=np.int16)), 1, 3)
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


def touch(path: Path) -> None:
    """Append ``path``'s name to the list of stored files used (chosen with :func:`use`, else
    ``$NASCOMPANION_STORE_TOUCHED``), if there is one."""
    log = _chosen["touched"] if _chosen["mode"] is not None else os.environ.get(TOUCHED_ENV)
    if log:
        with open(log, "a") as handle:
            handle.write(f"{Path(path).name}\n")


def read_blocks(path: Path, payload: dict, budget: int, distinct: bool = True) -> dict[int, Block]:
    """The valid blocks stored at ``path`` for ``payload``, by block index (none if there is no file).

    A damaged file or block is reported with a warning naming ``path`` and left out.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        stored_payload = json.loads(str(arrays["payload"]))
        if int(arrays["format"]) != FORMAT:
            raise ValueError(f"format {int(arrays['format'])}, expected {FORMAT}")
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as err:
        warnings.warn(f"{path}: unreadable stored histories ({type(err).__name__}: {err}); recomputing them",
                      stacklevel=2)
        return {}
    if stored_payload != json.loads(json.dumps(payload, sort_keys=True)):
        warnings.warn(f"{path}: stored for another setting than its name says; recomputing it", stacklevel=2)
        return {}
    blocks: dict[int, Block] = {}
    for name in sorted(arrays):
        if not (name.startswith("archs_") and name[6:].isdigit()):
            continue
        index = int(name[6:])
        block = Block(arrays[name], arrays.get(f"counts_{index}", np.zeros(0, np.int16)),
                      str(arrays.get(f"platform_{index}", "")), str(arrays.get(f"rekeyed_{index}", "")))
        size = int(block.counts.shape[0]) if block.counts.ndim == 1 else -1
        problem = check_block(block, size, budget, distinct) if size > 0 else "no query counts"
        if problem is None and str(arrays.get(f"digest_{index}", "")) != _digest(payload, index, block):
            problem = "values that do not match their digest (the file was changed)"
        if problem:
            warnings.warn(f"{path}: stored block {index} has {problem}; recomputing it", stacklevel=2)
            continue
        blocks[index] = block
    if blocks:
        touch(path)
    return blocks


def write_blocks(path: Path, payload: dict, blocks: dict[int, Block]) -> None:
    """Write ``blocks`` (with their digests) for ``payload`` at ``path``, atomically and compressed."""
    from nascompanion.data.cache import write_atomically

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
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_atomically(Path(path), buffer.getvalue())
    touch(path)


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
    from nascompanion.search.history import best_so_far_index

    if which not in ("test", "validation"):
        raise ValueError(f"which={which!r} is not allowed; choose one of: 'test', 'validation'")
    rows = np.arange(archs.shape[0])[:, None]
    safe = np.where(archs >= 0, archs, 0)
    made = np.arange(archs.shape[1]) < np.asarray(counts)[:, None]
    seen = np.where(made, validation[rows, safe], np.inf)
    source = (test if which == "test" else validation)[rows, safe]
    return np.take_along_axis(source, best_so_far_index(seen), axis=-1)
