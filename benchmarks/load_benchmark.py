"""Benchmark loading: a first import (cache miss) against a load from the compact cache.

Run from the repository root::

    python benchmarks/load_benchmark.py [--repeat 5] [--skip-official]

Times (a) the shared mean-of-seeds CSV tables and (b) a full-size file in the
official NAS-Bench-201 format, written by ``tests/official_fixture.py`` (the
real files cannot be downloaded here). For each, "import" is the first
``load_benchmark`` call on an empty cache (read the source, validate, write the
cache) and "cached" the best of ``--repeat`` later calls. Prints both times and
their ratio. Everything is written to a temporary folder, which is removed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import official_fixture  # noqa: E402

from nascompanion.config import CACHE_ENV, data_location  # noqa: E402
from nascompanion.data import Benchmark, load_benchmark  # noqa: E402
from nascompanion.data.tables import is_table_folder  # noqa: E402


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Seconds ``action`` takes, and what it returns."""
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def same_values(a: Benchmark, b: Benchmark) -> bool:
    """Whether two benchmarks hold the same arrays, flags and metric names."""
    for dataset in a.datasets:
        x, y = a.dataset(dataset), b.dataset(dataset)
        if x.per_seed != y.per_seed or x.validation_metric != y.validation_metric:
            return False
        for metric in ("validation", "test"):
            u, v = getattr(x, metric), getattr(y, metric)
            if (u is None) != (v is None) or (u is not None and not np.array_equal(u, v, equal_nan=True)):
                return False
    return a.datasets == b.datasets


def compare(label: str, source: Path, repeat: int) -> None:
    """Time a cache-miss import of ``source`` and the best of ``repeat`` cached loads; print both."""
    first_time, first = timed(lambda: load_benchmark(source))
    cached_times = []
    for _ in range(repeat):
        seconds, again = timed(lambda: load_benchmark(source))
        cached_times.append(seconds)
    cached_time = min(cached_times)
    agree = "identical" if same_values(first, again) else "DIFFERENT (bug!)"
    print(label)
    print(f"  {'import (cache miss, incl. writing the cache)':<46}{first_time:9.3f} s")
    print(f"  {f'load from cache (best of {repeat})':<46}{cached_time:9.3f} s")
    print(f"  {'ratio import / cached':<46}{first_time / cached_time:9.1f}x  (values {agree})")

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="cached loads to time (best is printed)")
    parser.add_argument("--skip-official", action="store_true", help="time only the CSV tables")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nascompanion-load-") as tmp:
        os.environ[CACHE_ENV] = str(Path(tmp) / "cache")
        tables = data_location()
        if tables is not None and tables.is_dir() and is_table_folder(tables):
            compare(f"(a) shared CSV tables ({tables})", tables, args.repeat)
        else:
            print("(a) skipped: no NAS-Bench-201 CSV tables found (put them in ../shared/data/nb201 or set NASCOMPANION_DATA)")

        if args.skip_official:
            return
        path = Path(tmp) / official_fixture.FIXTURE_NAME
        write_time, _ = timed(lambda: official_fixture.write_official_fixture(path, rng=np.random.default_rng(0)))
        size = path.stat().st_size / 2**20
        compare(f"(b) official-format fixture ({size:.1f} MiB, written in {write_time:.1f} s)", path, args.repeat)


if __name__ == "__main__":
    main()
