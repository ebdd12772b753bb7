"""Time Theorem 5.1 curves over 100 eps values (grid method vs nested quad).

Run: PYTHONPATH=. python benchmarks/theorem51_speed.py [--skip-naive]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nascompanion.theory import numeric as N
from nascompanion.theory.graph_facts import step_factors
from nascompanion.spaces import nb201
from nascompanion.theory.graph_facts import branching_fractions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-naive", action="store_true", help="skip the ~1 min nested-quad baseline")
    args = parser.parse_args()
    eps = np.linspace(0, 1, 100)
    factors = step_factors(branching_fractions(nb201.neighbour_table()), "b0=1", 5)
    pdf_n, pdf_e = N.eq53_pdf_n(0.25, 0.18), N.eq53_pdf_e(0.1)
    start = time.perf_counter()
    curves = N.theorem51(pdf_n, pdf_e, s=24, k_max=5, factors=factors)
    values = curves.within(eps)
    grid_time = time.perf_counter() - start
    print(f"grid method, s=24, k_max=5, 100 eps values, m={curves.grid.size}: {grid_time:.3f} s (target < 10 s)")
    print(f"  fraction within eps=0.05: {values[5]:.4f}; local minima fraction: {curves.minima_fraction():.5f}")
    if args.skip_naive:
        return
    small_pdf_n, small_pdf_e = N.eq53_pdf_n(0.3, 0.2), N.eq53_pdf_e(0.15)
    start = time.perf_counter()
    slow = N.naive_within(small_pdf_n, small_pdf_e, 3, 0.2, k_max=2, factors=[1.0, 0.7])
    naive_time = time.perf_counter() - start
    start = time.perf_counter()
    fast_curves = N.theorem51(small_pdf_n, small_pdf_e, s=3, k_max=2, factors=[1.0, 0.7])
    fast = fast_curves.within(eps)
    fast_time = time.perf_counter() - start
    print(f"small case s=3, k_max=2: nested quad, ONE eps value: {naive_time:.1f} s (value {slow:.6f})")
    print(f"  grid method, 100 eps values: {fast_time:.3f} s (value at 0.2: {fast_curves.within(0.2):.6f})")
    print(f"  ratio (nested quad x 100 eps) / grid: {100 * naive_time / fast_time:.0f}x")


if __name__ == "__main__":
    main()
