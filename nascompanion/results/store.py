"""One keyed, validated ``.npz`` store, and the mode that says where it is read and written.

Every stored thing (the comparison's cached curves, the stored search histories, the data
cache, the supernet's proxy tables) is an ``.npz`` file named by a key
(:func:`~nascompanion.results.keys.payload_key`), written atomically
(:func:`~nascompanion.results.atomic.write_atomically`) and, when read, refused with a
warning naming the file and the problem if it cannot be read, holds another key, or
values that do not match their digest: the caller then recomputes it, never uses it.

Where shipped and local entries are read and written is a :class:`Mode`, passed as an
argument or chosen for the process with :func:`use` (a chapter's kernel gets it as a
papermill parameter); no environment variable is read.

``use`` (default)
    read the shipped store, then the local one under the cache folder; write what had
    to be computed to the local one.
``recompute``
    read nothing, write nothing.
``update``
    read and write the shipped store.
``rewrite``
    read nothing, write the shipped store.
"""

from __future__ import annotations

import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nascompanion.results.atomic import write_atomically

MODES: tuple[str, ...] = ("use", "recompute", "update", "rewrite")
"""The store modes (see the module docstring)."""

UNREADABLE = (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile)
"""What reading a damaged ``.npz`` file raises."""


@dataclass(frozen=True)
class Mode:
    """Where stored entries are read and written (``name``, one of :data:`MODES`), and the file to which
    the name of every stored file read or written is appended (``log``; ``None``: none).

    Examples
    --------
    >>> Mode("update").folders(Path("s"), Path("l")), Mode("update").target(Path("s"), Path("l"))
    ([PosixPath('s')], PosixPath('s'))
    >>> Mode("recompute").reads, Mode("use").reads
    (False, True)
    >>> Mode("sometimes")
    Traceback (most recent call last):
    ...
    ValueError: store mode 'sometimes'; allowed: use, recompute, update, rewrite
    """

    name: str = "use"
    log: Path | None = None

    def __post_init__(self) -> None:
        if self.name not in MODES:
            raise ValueError(f"store mode {self.name!r}; allowed: {', '.join(MODES)}")

    @property
    def reads(self) -> bool:
        """Whether stored entries are read at all."""
        return self.name in ("use", "update")

    def folders(self, shipped: Path, local: Path) -> list[Path]:
        """The folders read, in order, of a store shipped in ``shipped`` with a local part in ``local``."""
        return {"use": [shipped, local], "update": [shipped]}.get(self.name, [])

    def target(self, shipped: Path, local: Path) -> Path | None:
        """The folder computed entries are written to (``None``: nowhere)."""
        return {"use": local, "recompute": None}.get(self.name, shipped)

    def logged(self, path: Path) -> bool:
        """Whether :attr:`log` names ``path``'s file: under ``rewrite``, a file this run has already written
        (and so may read back: its blocks are this run's)."""
        return bool(self.log) and Path(self.log).is_file() and Path(path).name in Path(self.log).read_text().split()

    def touch(self, path: Path) -> None:
        """Append ``path``'s name to :attr:`log`, if there is one."""
        if self.log:
            with open(self.log, "a") as handle:
                handle.write(f"{Path(path).name}\n")


_current: list[Mode] = [Mode()]


def use(mode: str | Mode | None, log: str | Path | None = None) -> None:
    """Choose this process's store mode and log (``None``: back to ``use`` and no log).

    Examples
    --------
    >>> use("recompute"); current().name
    'recompute'
    >>> use(None); current()
    Mode(name='use', log=None)
    """
    if isinstance(mode, Mode):
        _current[0] = mode
    else:
        _current[0] = Mode(mode or "use", Path(log) if mode is not None and log else None)


def current() -> Mode:
    """The store mode chosen for this process with :func:`use` (default ``Mode("use")``)."""
    return _current[0]


def resolve(mode: str | Mode | None) -> Mode:
    """``mode`` as a :class:`Mode`; ``None``: the process's (:func:`current`).

    Examples
    --------
    >>> resolve("rewrite").name
    'rewrite'
    """
    if mode is None:
        return current()
    return mode if isinstance(mode, Mode) else Mode(mode)


def values_digest(*arrays: np.ndarray, dtype: str | None = None, prefix: bytes = b"") -> str:
    """SHA-256 of ``prefix`` and the bytes of ``arrays`` (each cast to ``dtype`` first where given), in order.

    Examples
    --------
    >>> values_digest(np.zeros(2)) == values_digest(np.zeros(2)) != values_digest(np.ones(2))
    True
    """
    digest = hashlib.sha256(prefix)
    for array in arrays:
        digest.update(np.ascontiguousarray(array if dtype is None else np.asarray(array).astype(dtype)).tobytes())
    return digest.hexdigest()


def read_arrays(path: Path, what: str, stacklevel: int = 3, pronoun: str = "it") -> dict[str, np.ndarray] | None:
    """Every array of the ``.npz`` file at ``path`` (``None``: no file, or one that cannot be read, which is
    reported as ``"{path}: unreadable {what} (...); recomputing {pronoun}"``). Pickled objects are refused.

    Examples
    --------
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "x.npz"; _ = bad.write_bytes(b"PK")
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     read_arrays(bad, "cached thing"), "unreadable cached thing" in str(seen[0].message)
    (None, True)
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except UNREADABLE as err:
        report(path, f"unreadable {what} ({type(err).__name__}: {err}); recomputing {pronoun}", stacklevel + 1)
        return None


def write_arrays(path: Path, arrays: dict[str, np.ndarray], compressed: bool = True) -> None:
    """Write ``arrays`` as an ``.npz`` file at ``path``, atomically (built in memory, then renamed into place).

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "x.npz"
    >>> write_arrays(target, {"a": np.arange(3)}); read_arrays(target, "x")["a"].tolist()
    [0, 1, 2]
    """
    buffer = io.BytesIO()   # a buffer, so numpy does not append ".npz" to the name
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    write_atomically(Path(path), buffer.getvalue())


def report(path: Path, text: str, stacklevel: int = 3) -> None:
    """Warn that the entry at ``path`` is not used, and why (``text``): the one way a damaged entry is reported."""
    warnings.warn(f"{path}: {text}", stacklevel=stacklevel)
