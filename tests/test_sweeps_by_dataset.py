"""The noise sweep on every dataset equals one sweep per dataset from the same generator state."""

import numpy as np

from nascompanion.landscape.noise import LandscapeInputs, noise_sweep
from nascompanion.landscape.sweeps import sweeps_by_dataset

PATH = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])


def test_each_dataset_gets_the_sweep_a_fresh_generator_would_give():
    a = LandscapeInputs("a", "test", np.array([0.0, 1.0, 0.5, 2.0]), np.zeros(4), 0.7, "")
    b = LandscapeInputs("b", "test", np.array([2.0, 0.0, 1.0, 0.5]), np.zeros(4), 0.3, "")
    sweeps = sweeps_by_dataset({"a": a, "b": b}, PATH, [0.0, 1.0, 2.0], 5, np.random.default_rng(9))
    alone = noise_sweep(b.base, b.sigma, PATH, [0.0, 1.0, 2.0], 5, np.random.default_rng(9), label="b")
    assert np.array_equal(sweeps["b"].stats["local_minima"], alone.stats["local_minima"])
    assert sweeps["b"].sigma == 0.3 and list(sweeps) == ["a", "b"]
