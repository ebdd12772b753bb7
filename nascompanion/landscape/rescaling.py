"""Does one rescaling of sigma reproduce both of the paper's standard numbers? The fitted multipliers.

A noise sweep gives, for each statistic, the multiplier ``x`` of sigma at which its mean crosses
the paper's number (:meth:`~nascompanion.landscape.noise.SweepResult.x_at`). If the noise model
were right up to the size of sigma, one ``x`` would fit both numbers; the ratio of the larger
fitted ``x`` to the smaller says how far apart they are.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from nascompanion.landscape.noise import SweepResult


def multiplier_ratio(sweep: SweepResult, targets: Mapping[str, float]) -> float:
    """Larger over smaller of the multipliers at which each statistic's mean reaches its target.

    NaN where the sweep's grid of ``x`` does not reach a target.

    Examples
    --------
    >>> s = SweepResult(np.array([0.0, 2.0]), {"a": np.array([[0.0], [2.0]]), "b": np.array([[0.0], [4.0]])}, 1.0)
    >>> multiplier_ratio(s, {"a": 1.0, "b": 1.0})
    2.0
    """
    fitted = [sweep.x_at(stat, target) for stat, target in targets.items()]
    return float(np.max(fitted) / np.min(fitted))


def multiplier_ratio_draws(sweep: SweepResult, targets: Mapping[str, float], rng: np.random.Generator,
                           resamples: int) -> np.ndarray:
    """:func:`multiplier_ratio` on ``resamples`` bootstrap resamples of the sweep's draws.

    Examples
    --------
    >>> s = SweepResult(np.array([0.0, 2.0]), {"a": np.array([[0.0, 0.0], [2.0, 2.0]]),
    ...                                         "b": np.array([[0.0, 0.0], [4.0, 4.0]])}, 1.0)
    >>> multiplier_ratio_draws(s, {"a": 1.0, "b": 1.0}, np.random.default_rng(0), 3).tolist()
    [2.0, 2.0, 2.0]
    """
    if isinstance(resamples, bool) or not isinstance(resamples, (int, np.integer)) or resamples < 1:
        raise ValueError(f"resamples must be a positive integer, got {resamples!r}")
    return np.array([multiplier_ratio(sweep.take(rng.integers(0, sweep.draws, sweep.draws)), targets)
                     for _ in range(resamples)])
