"""The comparison's cache of the quick algorithms' curves, under the cache folder.

Each entry holds the curves, the digest of their values and the full key they were
computed under (:func:`~nascompanion.compare.searches.cache_key`); one that cannot be
read, holds another key (another algorithm's or setting's result under this name), has
the wrong shape, values that are not finite or that do not match their digest is
reported and recomputed, never used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nascompanion.config import cache_dir
from nascompanion.results import store as results


def path_for(algorithm: str, key: str) -> Path:
    """Where the cached curves of ``algorithm`` under ``key`` lie."""
    return cache_dir() / "comparison" / f"{algorithm}-{key}.npz"


def _digest(curves: np.ndarray) -> str:
    return results.values_digest(curves, dtype="float64")


def write(path: Path, curves: np.ndarray, key: str) -> None:
    """Store ``curves`` with their full ``key`` and the digest of their values, atomically."""
    results.write_arrays(path, {"curves": curves, "digest": np.array(_digest(curves)), "key": np.array(key)},
                         compressed=False)


def _problem(arrays: dict[str, np.ndarray], key: str, shape: tuple[int, int]) -> str | None:
    """What is wrong with a cached entry's ``arrays`` as the curves of ``shape`` under ``key`` (``None``: nothing)."""
    curves, digest, stored_key = arrays["curves"], str(arrays["digest"]), str(arrays["key"])
    if stored_key != key:
        return f"the key {stored_key!r}, not this result's {key!r}"
    if curves.shape != shape:
        return f"shape {curves.shape}, expected {shape}"
    if not np.isfinite(curves).all():
        return "non-finite values"
    if _digest(curves) != digest:
        return "values that do not match their digest (the file was changed)"
    return None


def read(path: Path, key: str, shape: tuple[int, int]) -> np.ndarray | None:
    """The cached curves at ``path`` (``None`` when there are none, or when the entry is damaged or
    another's, which is reported)."""
    arrays = results.read_arrays(path, "cached result", 4)
    if arrays is not None and not {"curves", "digest", "key"} <= set(arrays):
        missing = sorted({"curves", "digest", "key"} - set(arrays))
        results.report(path, f"unreadable cached result (KeyError: {missing[0]!r}); recomputing it", 3)
        return None
    problem = None if arrays is None else _problem(arrays, key, shape)
    if problem:
        results.report(path, f"cached result with {problem}; recomputing it", 3)
        return None
    return None if arrays is None else arrays["curves"]
