"""Time of the standard landscape measures on all of NAS-Bench-201, part by part.

Run from the repository root::

    PYTHONPATH=. python benchmarks/landscape_measures_speed.py [--dataset cifar10-valid] [--repeat 5]

Prints the best of ``--repeat`` times of each part of
:func:`nascompanion.landscape.measures.landscape_measures` on NB201's 15,625
cells (validation error of the configured or shipped tables): turning the table
into CSR arrays, both local-minimum counts, the global basin share, the
breadth-first search and FDC, and apart from them the random walks (100 walks
of 1,000 losses); then the whole call. Target: everything but the walks well
under a second.
"""

from __future__ import annotations

import argparse
import time
from typing import Callable

import numpy as np

from nascompanion.data import load_benchmark
from nascompanion.landscape import measures as lm
from nascompanion.objectives import denoised_losses
from nascompanion.spaces import nb201


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Smallest wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="cifar10-valid")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    benchmark = load_benchmark()
    metric = "validation" if benchmark.has_metric(args.dataset, "validation") else "test"
    losses = denoised_losses(benchmark, args.dataset, metric)
    table = nb201.neighbour_table()
    indptr, indices = lm.as_csr(table)
    best = np.flatnonzero(losses == losses.min())
    distance = lm.distance_to_set(indptr, indices, best)
    parts = {
        "table to CSR arrays": lambda: lm.as_csr(table),
        "local minima, both rules": lambda: lm.local_minima_masks(losses, indptr, indices),
        "global basin share": lambda: lm.global_basin_share(losses, table),
        "breadth-first search": lambda: lm.distance_to_set(indptr, indices, best),
        "FDC from distances": lambda: lm.fitness_distance_correlation(losses, distance),
    }
    total = 0.0
    print(f"NB201 {args.dataset} ({metric}), {losses.size} cells, best of {args.repeat}:")
    for name, run in parts.items():
        seconds = best_of(args.repeat, run)
        total += seconds
        print(f"  {name:28s} {1000 * seconds:8.1f} ms")
    print(f"  {'all but the walks':28s} {1000 * total:8.1f} ms")
    walks = best_of(args.repeat, lambda: lm.random_walks(indptr, indices, np.random.default_rng(0)))
    print(f"  {'random walks (100 x 1000)':28s} {1000 * walks:8.1f} ms")
    whole = best_of(args.repeat, lambda: lm.landscape_measures(losses, table, np.random.default_rng(0)))
    print(f"  {'landscape_measures, whole':28s} {1000 * whole:8.1f} ms")


if __name__ == "__main__":
    main()
