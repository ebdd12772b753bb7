"""A compact ``.npz`` copy of an imported benchmark, so the second load is instant.

Every entry is keyed by the content of its source files (their md5, never their size
or time), the importer code and its options, carries that full key inside, and is
checked on every read: a key that differs, an unreadable file or values a fresh import
would refuse (out of range, NaN, wrong shape) are reported with a warning naming the
file, and the entry is rebuilt from the source, never served.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from nascompanion.config import cache_dir
from nascompanion.data.benchmark import (
    METRICS,
    Benchmark,
    BenchmarkDataError,
    DatasetResults,
    Provenance,
    SeedNoise,
    validate,
)
from nascompanion.data.digests import file_md5
from nascompanion.results.atomic import write_atomically
from nascompanion.results.store import write_arrays
from nascompanion.results.keys import code_digest, payload_key

__all__ = ["FORMAT_VERSION", "IMPORTER_MODULES", "source_digests", "key_record", "cache_key", "write_atomically",
           "save", "load", "checked", "cached"]

FORMAT_VERSION = 2
"""Version of the cache file layout; 2: the full key inside, keyed by the sources' content."""

IMPORTER_MODULES = (
    "benchmark.py", "cache.py", "csvread.py", "digests.py", "graph_datasets.py", "nats.py", "official.py",
    "restricted_pickle.py",
    "seed_noise.py", "tables.py",
)
"""The modules whose code a cached benchmark depends on (their bytes are part of every key)."""


def _importer_fingerprint() -> str:
    """Digest of the importer code (:func:`~nascompanion.results.keys.code_digest` of :data:`IMPORTER_MODULES`),
    so a changed importer never serves an old cache."""
    folder = Path(__file__).parent
    return code_digest([folder / name for name in IMPORTER_MODULES if (folder / name).exists()], length=16)


def source_digests(files: list[Path]) -> dict[Path, str]:
    """``{resolved path: "md5:<hex>"}`` of the content of every source file (their size and time are not used)."""
    return {Path(f).resolve(): file_md5(Path(f)) for f in files}


def key_record(kind: str, digests: Mapping[Path, str], options: Mapping[str, object] | None = None) -> dict:
    """The full key of a cache entry: what it was built by, from what content, with which options.

    It is stored inside the entry and compared on every read; :func:`cache_key` is its short name.
    """
    lines = "\n".join(f"{path}\t{digests[path]}" for path in sorted(digests))
    return {
        "format": FORMAT_VERSION,
        "kind": kind,
        "code": _importer_fingerprint(),
        "options": {str(k): options[k] for k in sorted(options or {})},
        "files": len(digests),
        "sources": "sha256:" + hashlib.sha256(lines.encode()).hexdigest(),
    }


def _name(record: dict) -> str:
    return payload_key(record)


def cache_key(kind: str, files: list[Path], options: Mapping[str, object] | None = None) -> str:
    """A key that changes when the content of any source file changes, a file is moved, or the importers change."""
    return _name(key_record(kind, source_digests(files), options))


def save(benchmark: Benchmark, path: Path, key: dict | None = None) -> None:
    """Write ``benchmark`` to ``path`` atomically (a killed write leaves no partial file), with its ``key`` inside."""
    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"format": FORMAT_VERSION, "key": key, "provenance": asdict(benchmark.provenance), "datasets": {}}
    meta["provenance"]["checksums"] = dict(benchmark.provenance.checksums)
    for i, (name, results) in enumerate(benchmark.results.items()):
        entry = {
            "name": name,
            "validation_metric": results.validation_metric,
            "test_metric": results.test_metric,
            "per_seed": results.per_seed,
            "seed_noise": asdict(results.seed_noise) if results.seed_noise else None,
            "arrays": {},
        }
        for metric in METRICS:
            values = getattr(results, metric)
            if values is not None:
                array_key = f"d{i}_{metric}"
                arrays[array_key] = values
                entry["arrays"][metric] = array_key
        meta["datasets"][name] = entry
    write_arrays(path, {"meta": np.array(json.dumps(meta)), **arrays})


def load(path: Path, key: dict | None = None) -> Benchmark:
    """Read a benchmark written by :func:`save`, refusing it unless the key inside is ``key`` (when given).

    Structure only: :func:`checked` also validates the values.
    """
    with np.load(path, allow_pickle=False) as store:
        meta = json.loads(str(store["meta"]))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"cache format {meta.get('format')} is not {FORMAT_VERSION}")
        if key is not None and meta.get("key") != key:
            raise ValueError(f"the key inside ({_describe(meta.get('key'))}) is not this entry's ({_describe(key)})")
        results = {}
        for name, entry in meta["datasets"].items():
            noise = entry["seed_noise"]
            results[name] = DatasetResults(
                name,
                validation=store[entry["arrays"]["validation"]] if "validation" in entry["arrays"] else None,
                test=store[entry["arrays"]["test"]] if "test" in entry["arrays"] else None,
                validation_metric=entry["validation_metric"],
                test_metric=entry["test_metric"],
                per_seed=entry["per_seed"],
                seed_noise=SeedNoise(**noise) if noise else None,
            )
    prov = meta["provenance"]
    provenance = Provenance(
        kind=prov["kind"], sources=tuple(prov["sources"]), checksums=prov["checksums"], notes=tuple(prov["notes"]),
        modified=tuple(prov.get("modified", ())),
    )
    return Benchmark(results=results, provenance=provenance)


def _describe(key: object) -> str:
    if not isinstance(key, dict):
        return "none" if key is None else f"a {type(key).__name__}"
    return ", ".join(f"{k} {key.get(k)}" for k in ("kind", "options", "sources"))


def checked(benchmark: Benchmark, where: str, check_optima: bool) -> Benchmark:
    """``benchmark`` validated as a fresh import is (shape, NB201 order, values in [0, 100], no cell without a
    value, the published optima where ``check_optima``), and its seed-noise estimates finite and positive.

    Raises
    ------
    BenchmarkDataError
        Naming ``where`` and what is wrong.
    """
    validate(benchmark, where=where, check_optima=check_optima)
    for name, results in benchmark.results.items():
        noise = results.seed_noise
        if noise is not None and not (math.isfinite(noise.sigma) and noise.sigma > 0 and noise.n >= 1):
            raise BenchmarkDataError(f"{where}: {name} seed noise is {noise.sigma!r} from {noise.n} cells")
    return benchmark


def cached(kind: str, files: list[Path], build: Callable[[], Benchmark], use_cache: bool = True, *,
           options: Mapping[str, object] | None = None, check_optima: bool = True,
           digests: Mapping[Path, str] | None = None) -> Benchmark:
    """Return the cached benchmark for ``files``, building and caching it on a miss.

    Parameters
    ----------
    kind, files
        The importer and the source files; the entry is keyed by their content (md5), not
        their size or time, and by the importer code and ``options``.
    build
        Makes the benchmark from the source.
    use_cache
        False: always build, and write nothing.
    options
        Importer options the result depends on (e.g. ``trust_modified``), part of the key.
    check_optima
        Whether a read entry is checked against NB201's published optima (as its import was).
    digests
        ``{resolved path: "md5:..."}`` of ``files`` when the caller has them already.

    An entry is served only if it is readable, holds this key and passes the checks of a
    fresh import (:func:`checked`); otherwise a warning names the file and why, and it is rebuilt.
    """
    if not use_cache:
        return build()
    record = key_record(kind, dict(digests) if digests is not None else source_digests(files), options)
    path = cache_dir() / f"benchmark-{kind}-{_name(record)}.npz"
    if path.exists():
        try:
            return checked(load(path, record), str(path), check_optima)
        except Exception as err:  # a damaged or foreign entry is ours to rebuild, never to serve
            warnings.warn(f"rebuilding benchmark cache {path}: {type(err).__name__}: {err}", stacklevel=2)
    benchmark = build()
    save(benchmark, path, record)
    return benchmark
