"""One chapter run alone against two of the same run at once: wall seconds and their ratio.

Each run is ``nascompanion run CHAPTER -p scale smoke`` in a process of its own, as a
user starting two builds would. With one numeric thread per run (``--threads 1``, the
default), two runs at once on two cores cost about what one costs; with the libraries
left to start a thread per core in every process, they fight over the cores.

Usage::

    .venv/bin/python benchmarks/concurrent_chapters.py --threads 1
    .venv/bin/python benchmarks/concurrent_chapters.py --library-defaults --code /path/to/older/checkout

``--library-defaults`` removes every thread variable from the runs' environment and gives
no ``--threads`` (the libraries then choose, one thread per core); ``--code`` runs the package
found in another checkout (put first on ``PYTHONPATH``), to measure code from before
``--threads`` existed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                    "NUMEXPR_NUM_THREADS", "NASCOMPANION_THREADS")


def _command(chapter: str, output: Path, threads: int | None) -> list[str]:
    command = [sys.executable, "-m", "nascompanion.book.cli", "run", chapter, "-p", "scale", "smoke",
               "-o", str(output)]
    return command + (["--threads", str(threads)] if threads is not None else [])


def _environment(cache: Path, code: Path | None, library_defaults: bool) -> dict[str, str]:
    environment = {**os.environ, "NASCOMPANION_CACHE": str(cache)}
    if library_defaults:
        for variable in THREAD_VARIABLES:
            environment.pop(variable, None)
    if code is not None:
        environment["PYTHONPATH"] = os.pathsep.join([str(code), environment.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return environment


def timed_runs(count: int, chapter: str, folder: Path, threads: int | None, environment: dict[str, str],
               cwd: Path) -> tuple[float, list[float]]:
    """Start ``count`` runs at once; the seconds until the last ended, and each run's own seconds."""
    start = time.perf_counter()
    processes = [subprocess.Popen(_command(chapter, folder / f"{chapter}-{i}.ipynb", threads), env=environment,
                                  cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for i in range(count)]
    seconds = []
    for process in processes:
        _, stderr = process.communicate()
        seconds.append(time.perf_counter() - start)
        if process.returncode != 0:
            raise SystemExit(f"a run failed (exit {process.returncode}): {stderr.strip().splitlines()[-1:]}")
    return max(seconds), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="theory")
    parser.add_argument("--threads", type=int, default=1, help="--threads given to each run (default 1)")
    parser.add_argument("--library-defaults", action="store_true",
                        help="no thread variables and no --threads: the libraries start a thread per core")
    parser.add_argument("--code", type=Path, help="the checkout whose package runs (default: the installed one)")
    args = parser.parse_args(argv)
    threads = None if args.library_defaults else args.threads
    cwd = args.code or Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        environment = _environment(folder / "cache", args.code, args.library_defaults)
        timed_runs(1, args.chapter, folder, threads, environment, cwd)   # warm-up: file caches, compiled code
        alone, _ = timed_runs(1, args.chapter, folder, threads, environment, cwd)
        together, each = timed_runs(2, args.chapter, folder, threads, environment, cwd)
    setting = "library defaults (a thread per core)" if args.library_defaults else f"--threads {args.threads}"
    print(f"chapter {args.chapter} at smoke scale, {setting}, {os.cpu_count()} CPU cores"
          + (f", code from {args.code}" if args.code else ""))
    print(f"one run alone:  {alone:.1f} s")
    print(f"two runs at once: {together:.1f} s until both ended (each {', '.join(f'{s:.1f}' for s in each)} s)")
    print(f"ratio two-at-once / alone: {together / alone:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
