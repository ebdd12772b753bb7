"""Time one 300-query local-search run on NB201, per variant (target: under 5 ms).

Run from the repository root::

    PYTHONPATH=. python benchmarks/local_search_speed.py [--budget 300] [--runs 200]

Each variant runs ``--runs`` times with different seeds on the denoised
cifar10-valid objective; the script prints the median and best time per run.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nascompanion.data import load_benchmark
from nascompanion.search import VARIANTS, benchmark_objective, best_so_far, local_search
from nascompanion.spaces import nb201_space


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--dataset", default="cifar10-valid")
    args = parser.parse_args()

    space = nb201_space()
    objective = benchmark_objective(load_benchmark(), args.dataset, "denoised")
    print(f"local search, {args.budget} queries, NB201 {args.dataset} denoised, {args.runs} runs per variant")
    for variant in VARIANTS:
        times, finals = [], []
        for seed in range(args.runs):
            rng = np.random.default_rng(seed)
            t0 = time.perf_counter()
            history = local_search(space, objective, args.budget, rng, variant=variant)
            times.append(time.perf_counter() - t0)
            finals.append(best_so_far(history)[-1])
        print(f"  {variant:18s} median {np.median(times) * 1e3:6.2f} ms  best {min(times) * 1e3:6.2f} ms  "
              f"(mean final test loss {np.mean(finals):.3f})")


if __name__ == "__main__":
    main()
