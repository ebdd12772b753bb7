"""Batches of local searches on one fixed objective: every variant of Sec. 3, and the restarting
search repeated over independent seeds.

Each batch runs its searches one after another on one random stream, so a batch is reproduced
exactly by its seed.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from nascompanion.search import VARIANTS, best_so_far, local_search
from nascompanion.search.history import History
from nascompanion.spaces.table import TableSpace


def _batch(space: TableSpace, objective, budget: int, runs: int, rng: np.random.Generator,
           variant: str) -> list[History]:
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs!r}")
    return [local_search(space, objective, budget, rng, variant=variant) for _ in range(runs)]


def run_variants(space: TableSpace, objective, budget: int, runs: int, seed: int,
                 variants: Sequence[str] = VARIANTS) -> dict[str, list[History]]:
    """``runs`` searches of every variant, each variant on its own stream ``default_rng(seed)``.

    Parameters
    ----------
    space
        The space searched (NB201: ``nb201_space()``).
    objective
        The objective every search queries.
    budget
        Distinct queries per search.
    runs
        Searches per variant (at least 1).
    seed
        Seed of each variant's stream (the same for every variant).
    variants
        Which variants of :func:`~nascompanion.search.local_search` to run.

    Examples
    --------
    >>> from nascompanion.spaces import nb201_space
    >>> losses = np.random.default_rng(0).random(15625)
    >>> batches = run_variants(nb201_space(), losses, 30, 2, 0, ("full",))
    >>> list(batches), len(batches["full"])
    (['full'], 2)
    """
    return {variant: _batch(space, objective, budget, runs, np.random.default_rng(seed), variant)
            for variant in variants}


def restarted_searches(space: TableSpace, objective, budget: int, runs: int, seeds: int,
                       seed: int) -> list[History]:
    """``seeds`` independent batches of ``runs`` restarting (``full``) searches, batch ``k`` on the
    stream ``default_rng([seed, 5, k])``, concatenated batch by batch.

    Examples
    --------
    >>> from nascompanion.spaces import nb201_space
    >>> losses = np.random.default_rng(0).random(15625)
    >>> len(restarted_searches(nb201_space(), losses, 30, 2, 3, 0))
    6
    """
    if seeds < 1:
        raise ValueError(f"seeds must be at least 1, got {seeds!r}")
    return [h for k in range(seeds)
            for h in _batch(space, objective, budget, runs, np.random.default_rng([seed, 5, k]), "full")]


def mean_curves(histories: dict[str, Sequence[History]]) -> dict[str, np.ndarray]:
    """Per variant, the mean over searches of the test loss of the best-validation cell after each query.

    Examples
    --------
    >>> from nascompanion.spaces import nb201_space
    >>> losses = np.random.default_rng(0).random(15625)
    >>> curves = mean_curves(run_variants(nb201_space(), losses, 30, 2, 0, ("full",)))
    >>> curves["full"].shape, bool(np.all(np.diff(curves["full"]) <= 0))
    ((30,), True)
    """
    return {variant: np.mean([best_so_far(h) for h in hs], axis=0) for variant, hs in histories.items()}


def miss_per_seed(found: np.ndarray, seeds: int) -> np.ndarray:
    """Share (%) of searches that missed the target in each of ``seeds`` equal consecutive batches.

    Examples
    --------
    >>> miss_per_seed(np.array([True, False, True, True]), 2).tolist()
    [50.0, 0.0]
    """
    found = np.asarray(found, dtype=bool)
    if seeds < 1 or found.size % seeds:
        raise ValueError(f"seeds must divide the {found.size} searches into equal batches, got {seeds!r}")
    return 100 * (1 - found.reshape(seeds, -1).mean(axis=1))
