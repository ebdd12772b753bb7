"""The standard landscape measures for every landscape in the book, as one table.

Run from the repository root::

    PYTHONPATH=. python benchmarks/landscape_measures.py [--seed 0] [--walks 100] [--walk-length 1000]

Loads NAS-Bench-201's tables (the configured data, else the shipped ones),
AnalogNAS-Bench, the digits benchmark and NAS-Bench-Graph's nine datasets, and
prints :func:`nascompanion.landscape.measures_table.measures_table` of each
landscape (with a uniform-random landscape on NB201's space and on
NAS-Bench-Graph's nine-operation space), then the published values of
:mod:`nascompanion.landscape.published_measures` beside which they can be read.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from nascompanion.landscape.measures_table import book_landscapes, measures_table
from nascompanion.landscape.published_measures import PUBLISHED


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--walks", type=int, default=100)
    parser.add_argument("--walk-length", type=int, default=1000)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    landscapes = book_landscapes(rng)
    loaded = time.perf_counter()
    table = measures_table(landscapes, rng, args.walks, args.walk_length)
    done = time.perf_counter()
    with pd.option_context("display.width", 250, "display.max_rows", 100, "display.max_columns", 20,
                           "display.max_colwidth", 48, "display.float_format", "{:.4f}".format):
        print(table)
    print(f"\nseed {args.seed}, {args.walks} walks of {args.walk_length} losses per landscape; "
          f"data loaded in {loaded - start:.1f} s, {len(table)} landscapes measured in {done - loaded:.1f} s")
    print(f"\npublished values ({len(PUBLISHED)}):")
    for record in PUBLISHED:
        print(f"- {record.where}: {record.dataset}, {record.metric}: {record.measure} = {record.value}")
    print("\n".join(sorted({f"  source: {record.source}" for record in PUBLISHED})))


if __name__ == "__main__":
    main()
