"""The noise sweep on every dataset: :func:`~nascompanion.landscape.noise.noise_sweep` for each one."""

from __future__ import annotations

import copy
from typing import Mapping

import numpy as np

from nascompanion.landscape.noise import LandscapeInputs, SweepResult, noise_sweep
from nascompanion.spaces.table import TableSpace


def sweeps_by_dataset(inputs: Mapping[str, LandscapeInputs], neighbours: TableSpace | np.ndarray, xs,
                      draws: int, rng: np.random.Generator) -> dict[str, SweepResult]:
    """Each dataset's denoised loss plus ``x * sigma * z`` (its own sigma) for every ``x`` in ``xs``.

    Every dataset starts from the same state of ``rng``, so all share the noise draws ``z``
    (common random numbers); ``rng`` itself is not advanced.

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])
    >>> one = LandscapeInputs("d", "test", np.arange(4.0), np.arange(4.0), 0.01, "")
    >>> sweeps = sweeps_by_dataset({"a": one, "b": one}, path, [0.0, 1.0], 2, np.random.default_rng(0))
    >>> np.array_equal(sweeps["a"].stats["local_minima"], sweeps["b"].stats["local_minima"]), sweeps["b"].label
    (True, 'b')
    """
    return {name: noise_sweep(inp.base, inp.sigma, neighbours, xs, draws, copy.deepcopy(rng), label=name)
            for name, inp in inputs.items()}
