"""The one way the package writes a file: through a temporary file beside it, then a rename.

A killed or failed write leaves the target as it was (absent or the old file) and no
temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], None], *, prefix: str | None = None,
                     suffix: str = ".part", sync: bool = False) -> None:
    """Write ``data`` (bytes, or a function that writes to an open binary file) to ``path`` atomically.

    Parameters
    ----------
    prefix, suffix
        Of the temporary file's name (default prefix: ``.<name>.``), so a reader of the folder can skip it.
    sync
        Flush the file to the disk before the rename.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "x.bin"
    >>> write_atomically(target, b"abc"); target.read_bytes()
    b'abc'
    >>> write_atomically(target, lambda handle: handle.write(b"de")); target.read_bytes()
    b'de'
    >>> sorted(p.name for p in target.parent.iterdir())
    ['x.bin']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}." if prefix is None else prefix, suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
