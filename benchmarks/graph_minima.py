"""Local minima of NAS-Bench-Graph's nine validation-error landscapes, and the vectorised count timed against a loop.

Run from the repository root::

    PYTHONPATH=. .venv/bin/python benchmarks/graph_minima.py [--repeats 5]

For each dataset (loss = 100 - validation accuracy, on its space's one-change
neighbourhood) it prints the number of architectures, the number of distinct losses
and the local minima under both tie rules, each count checked against the loop. It
then times, on every dataset, the vectorised count and the loop for both rules (best
of ``--repeats`` for the vectorised count, one run of the loop) and prints the ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nascompanion.data.nasbench_graph import DATASETS, load_graph_dataset
from nascompanion.landscape.ragged_minima import RULES, count_local_minima, count_local_minima_loop
from nascompanion.spaces.graph_nas import graph_nas_space


def best_time(function, repeats: int) -> float:
    """Shortest wall time of ``repeats`` calls of ``function``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    for name in ("full", "proteins"):
        space = graph_nas_space(name)
        degrees = space.degrees()
        deciles = np.percentile(degrees, [10, 25, 50, 75, 90])
        print(f"space {name}: {space.size} architectures, {len(space.indices) // 2} edges, "
              f"{len(np.unique(degrees))} distinct degrees, mean {degrees.mean():.2f}; degree min {degrees.min()}, "
              f"percentiles 10/25/50/75/90 {'/'.join(f'{d:g}' for d in deciles)}, max {degrees.max()}")

    print(f"{'dataset':10} {'archs':>6} {'losses':>6} {'non-strict':>10} {'strict':>7} "
          f"{'vectorised s':>12} {'loop s':>8} {'ratio':>7}")
    for dataset in DATASETS:
        data = load_graph_dataset(dataset)
        space = graph_nas_space(data.space)
        loss = 100 - data.validation
        counts, fast, slow = [], 0.0, 0.0
        for rule in RULES:
            count = count_local_minima(loss, space.indptr, space.indices, rule)
            start = time.perf_counter()
            reference = count_local_minima_loop(loss, space.indptr, space.indices, rule)
            slow += time.perf_counter() - start
            if count != reference:
                raise SystemExit(f"{dataset} {rule}: vectorised count {count} differs from the loop's {reference}")
            fast += best_time(lambda: count_local_minima(loss, space.indptr, space.indices, rule), args.repeats)
            counts.append(count)
        print(f"{dataset:10} {space.size:6d} {len(np.unique(loss)):6d} {counts[0]:10d} {counts[1]:7d} "
              f"{fast:12.4f} {slow:8.3f} {slow / fast:7.0f}")


if __name__ == "__main__":
    main()
