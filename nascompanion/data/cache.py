"""A compact ``.npz`` copy of an imported benchmark, so the second load is instant."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import numpy as np

from nascompanion.config import cache_dir
from nascompanion.data.benchmark import METRICS, Benchmark, DatasetResults, Provenance, SeedNoise

FORMAT_VERSION = 1


def _importer_fingerprint() -> str:
    """Digest of the importer code, so a changed importer never serves an old cache."""
    folder = Path(__file__).parent
    digest = hashlib.sha256()
    for name in (
        "benchmark.py", "cache.py", "nats.py", "official.py", "restricted_pickle.py", "seed_noise.py", "tables.py"
    ):
        path = folder / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(kind: str, files: list[Path]) -> str:
    """A key that changes when any source file is replaced, moved or edited, or the importers change."""
    parts = [f"v{FORMAT_VERSION}", kind, _importer_fingerprint()]
    for path in sorted(Path(f).resolve() for f in files):
        stat = path.stat()
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it: a killed write leaves ``path`` as it was.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "x.bin"
    >>> write_atomically(target, b"abc"); target.read_bytes()
    b'abc'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save(benchmark: Benchmark, path: Path) -> None:
    """Write ``benchmark`` to ``path`` atomically (a killed write leaves no partial file)."""
    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"format": FORMAT_VERSION, "provenance": asdict(benchmark.provenance), "datasets": {}}
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
                key = f"d{i}_{metric}"
                arrays[key] = values
                entry["arrays"][metric] = key
        meta["datasets"][name] = entry
    buffer = io.BytesIO()  # a buffer, so numpy does not append ".npz"
    np.savez_compressed(buffer, meta=np.array(json.dumps(meta)), **arrays)
    write_atomically(path, buffer.getvalue())


def load(path: Path) -> Benchmark:
    """Read a benchmark written by :func:`save` (no validation: it was validated on import)."""
    with np.load(path, allow_pickle=False) as store:
        meta = json.loads(str(store["meta"]))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"cache format {meta.get('format')} is not {FORMAT_VERSION}")
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
        kind=prov["kind"], sources=tuple(prov["sources"]), checksums=prov["checksums"], notes=tuple(prov["notes"])
    )
    return Benchmark(results=results, provenance=provenance)


def cached(kind: str, files: list[Path], build: Callable[[], Benchmark], use_cache: bool = True) -> Benchmark:
    """Return the cached benchmark for ``files``, building and caching it on a miss.

    A cache file that cannot be read is rebuilt from the source, with a warning.
    """
    if not use_cache:
        return build()
    path = cache_dir() / f"benchmark-{kind}-{cache_key(kind, files)}.npz"
    if path.exists():
        try:
            return load(path)
        except Exception as err:  # a damaged cache is ours to rebuild, not the user's problem
            warnings.warn(f"rebuilding unreadable benchmark cache {path}: {err}", stacklevel=2)
    benchmark = build()
    save(benchmark, path)
    return benchmark
