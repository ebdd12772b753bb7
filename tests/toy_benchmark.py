"""A mean-of-seeds (or per-seed) benchmark of random accuracies on the NB201 cells, for comparison tests."""

import numpy as np

from nascompanion.data import Benchmark, DatasetResults, Provenance, SeedNoise


def toy_benchmark(per_seed: bool = False) -> Benchmark:
    rng = np.random.default_rng(0)
    truth = rng.uniform(60, 95, size=15625)
    values = truth[:, None] + (0.5 * rng.standard_normal((15625, 3)) if per_seed else 0.0)
    results = {"toy": DatasetResults("toy", values, values - 1.0, "v", "t", per_seed,
                                     None if per_seed else SeedNoise(0.5, "given", 1))}
    return Benchmark(results=results, provenance=Provenance("fake", (), {"toy.csv": "md5:0"}))
