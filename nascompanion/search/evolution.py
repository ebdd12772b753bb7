"""Regularized evolution (Real et al., 2019), with every query a distinct architecture."""

from __future__ import annotations

import numpy as np

from nascompanion.objectives import TrialLosses
from nascompanion.search.candidates import check_budget, distinct_random
from nascompanion.search.history import SearchResult
from nascompanion.search.query_log import QueryLog
from nascompanion.spaces.table import TableSpace


def _fresh_mutants(space: TableSpace, parents: np.ndarray, queried: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One unqueried neighbour of each parent, uniformly among its unqueried neighbours.

    A trial whose parent has no unqueried neighbour gets a random unqueried architecture.
    """
    rows = np.arange(parents.shape[0])
    neighbours = space.neighbours(parents)                            # (T, s)
    open_ = ~queried[rows[:, None], neighbours]
    keys = np.where(open_, rng.random(neighbours.shape), np.inf)
    choice = np.argmin(keys, axis=1)
    child = neighbours[rows, choice]
    stuck = ~open_.any(axis=1)
    if stuck.any():
        child[stuck] = distinct_random(rng, queried[stuck], 1)[:, 0]
    return child


def regularized_evolution(
    space: TableSpace,
    losses: TrialLosses,
    budget: int,
    rng: np.random.Generator,
    population: int = 30,
    tournament: int = 10,
    n_init: int = 10,
    requery: bool = False,
) -> SearchResult:
    """Regularized evolution in every trial of ``losses`` at once.

    Parameters
    ----------
    space, losses, budget, rng
        As in :func:`~nascompanion.search.random_search.random_search`.
    population
        Largest population; beyond it the oldest member dies.
    tournament
        Members drawn (without replacement) for each tournament; the best is the parent.
    n_init
        Random architectures that start the population.
    requery
        ``False`` (the package's rule): the child is a uniformly random
        *unqueried* neighbour of the parent, so every query is a distinct
        architecture. ``True`` (the authors' rule): the child is a uniformly
        random neighbour, and one already queried is queried again, costing a
        query that adds nothing.

    Notes
    -----
    Either way the run makes exactly ``budget`` queries. The authors' code also
    runs one query past the budget; that is not reproduced.
    """
    losses = check_budget(space, losses, budget)
    if not 1 <= tournament <= population or not 1 <= n_init:
        raise ValueError(f"need 1 <= tournament <= population and n_init >= 1; got {tournament}, {population}, {n_init}")
    recorder = QueryLog(losses, budget, repeats=requery)
    trials = losses.trials
    rows = np.arange(trials)
    members = np.full((trials, population), -1, dtype=np.int64)
    fitness = np.full((trials, population), np.inf)
    start = min(n_init, budget)
    for i, archs in enumerate(distinct_random(rng, recorder.queried, start).T):
        members[:, i % population], fitness[:, i % population] = archs, recorder.record(archs)
    for step in range(start, budget):
        size = min(step, population)
        drawn = np.argsort(rng.random((trials, size)), axis=1)[:, :tournament]   # without replacement
        winner = drawn[rows, np.argmin(fitness[rows[:, None], drawn], axis=1)]
        parents = members[rows, winner]
        if requery:
            child = space.neighbours(parents)[rows, rng.integers(space.degree, size=trials)]
        else:
            child = _fresh_mutants(space, parents, recorder.queried, rng)
        slot = step % population  # members are stored in birth order: this slot holds the oldest
        members[:, slot], fitness[:, slot] = child, recorder.record(child)
    return recorder.result("evolution_requery" if requery else "evolution")
