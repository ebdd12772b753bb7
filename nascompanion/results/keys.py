"""One code digest and one payload key for everything the package caches or stores.

A cached result is reused only while the code it depends on is unchanged: :func:`code_digest`
hashes that code, given as modules (their files' bytes; a package's every ``.py`` file),
functions or classes (their source) and paths (their bytes). :func:`payload_key` names an
entry by the JSON of everything it is keyed by.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path
from types import ModuleType
from typing import Iterable


def _module_files(module: ModuleType) -> list[Path]:
    """The files of ``module``: its own, or every ``.py`` file of a package, in name order."""
    path = Path(inspect.getfile(module))
    if path.name == "__init__.py":
        return sorted(path.parent.rglob("*.py"), key=lambda p: p.relative_to(path.parent).as_posix())
    return [path]


def _part_bytes(part: object) -> Iterable[bytes]:
    """The bytes that stand for one ``part`` of the code."""
    if isinstance(part, (str, Path)):
        yield Path(part).read_bytes()
    elif isinstance(part, ModuleType):
        yield from (path.read_bytes() for path in _module_files(part))
    elif inspect.isfunction(part) or inspect.isclass(part) or inspect.ismethod(part):
        yield inspect.getsource(part).encode()
    else:
        raise TypeError(f"code part {part!r}: allowed are modules, functions, classes and paths")


def code_digest(parts: Iterable[object], length: int | None = None) -> str:
    """SHA-256 of the code ``parts`` (modules, functions, classes, paths), in the order given.

    Parameters
    ----------
    parts
        A module stands for its file's bytes (a package for every ``.py`` file under it), a
        function or class for its source, a path for the file's bytes.
    length
        Hex digits kept (``None``: all 64).

    Examples
    --------
    >>> import tempfile
    >>> source = Path(tempfile.mkdtemp()) / "m.py"; _ = source.write_bytes(b"x = 1")
    >>> code_digest([source]) == hashlib.sha256(b"x = 1").hexdigest()
    True
    >>> len(code_digest([code_digest], length=16))
    16
    >>> code_digest([3])
    Traceback (most recent call last):
    ...
    TypeError: code part 3: allowed are modules, functions, classes and paths
    """
    digest = hashlib.sha256()
    for part in parts:
        for chunk in _part_bytes(part):
            digest.update(chunk)
    return digest.hexdigest() if length is None else digest.hexdigest()[:length]


def payload_key(payload: dict, length: int = 24) -> str:
    """A short digest of a JSON-ready ``payload`` (keys sorted): the name of the entry it keys.

    Examples
    --------
    >>> payload_key({"a": 1}) == payload_key({"a": 1}) != payload_key({"a": 2})
    True
    >>> len(payload_key({}, length=8))
    8
    """
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:length]
