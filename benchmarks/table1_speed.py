"""Table 1 for one (dataset, version) over all 15,625 starts: vectorised vs a per-start loop.

Run from the repository root::

    PYTHONPATH=. python benchmarks/table1_speed.py [--dataset cifar10-valid] [--version denoised]

Prints the time of :func:`nascompanion.landscape.landscape_stats` (best of
``--repeat``), the time of a straightforward Python loop that runs Algorithm 1
from every start, their ratio, and checks that both give the same statistics.
Targets: the vectorised version under 50 ms and at least 100x faster.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nascompanion import objectives
from nascompanion.data import load_benchmark
from nascompanion.landscape import landscape_stats
from nascompanion.spaces import nb201


def per_start_loop(losses: np.ndarray, table: np.ndarray) -> tuple[float, int, float]:
    """Algorithm 1 from every start, one start at a time: (mean iterations, local minima, % global)."""
    global_min = losses.min()
    iterations, minima, reached = 0, 0, 0
    for start in range(losses.shape[0]):
        v, evaluations = start, 0
        while True:
            neighbours = table[v]
            evaluations += 1
            best = neighbours[np.argmin(losses[neighbours])]
            if losses[best] < losses[v]:
                v = best
            else:
                break
        iterations += evaluations
        minima += evaluations == 1
        reached += losses[v] == global_min
    n = losses.shape[0]
    return iterations / n, minima, 100.0 * reached / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="cifar10-valid")
    parser.add_argument("--version", default="denoised", choices=["denoised", "random", "noise"])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    bench = load_benchmark()
    table = nb201.neighbour_table()
    metric = "validation" if bench.has_metric(args.dataset, "validation") else "test"
    kw = {"x": 1.0} if args.version == "noise" else {}
    rng = np.random.default_rng(0) if args.version != "denoised" else None
    losses = objectives.losses(bench, args.dataset, args.version, rng=rng, metric=metric, **kw)

    landscape_stats(losses, table)  # warm-up
    fast = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        stats = landscape_stats(losses, table)
        fast.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    loop = per_start_loop(losses, table)
    slow = time.perf_counter() - t0

    vec = (stats.iterations, stats.local_minima, stats.reached_global_pct)
    assert np.allclose(vec, loop), f"vectorised {vec} != loop {loop}"
    best = min(fast)
    print(f"Table 1 row, {args.dataset} ({metric}), {args.version}: "
          f"iterations {vec[0]:.3f}, local minima {vec[1]}, reached global {vec[2]:.3f}%")
    print(f"vectorised landscape_stats: {best * 1e3:8.2f} ms (best of {args.repeat}; median {np.median(fast) * 1e3:.2f} ms)")
    print(f"per-start Python loop:      {slow * 1e3:8.2f} ms")
    print(f"speed-up:                   {slow / best:8.1f}x   (targets: < 50 ms, >= 100x)")


if __name__ == "__main__":
    main()
