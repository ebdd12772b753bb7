"""Regularized evolution (Real et al., 2019), with every query a distinct architecture."""

from __future__ import annotations

import numpy as np

from nascompanion.objectives import TrialLosses
from nascompanion.search.candidates import check_budget, distinct_random
from nascompanion.search.history import SearchResult
from nascompanion.search.query_log import QueryLog
from nascompanion.search.settings_spec import check_call
from nascompanion.spaces.table import TableSpace


def _fresh_mutants(space: TableSpace, parents: np.ndarray, queried: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One unqueried neighbour of each parent, uniformly among its unqueried neighbours.

    A trial whose parent has no unqueried neighbour gets a random unqueried architecture.
    """
    rows = np.arange(parents.shape[0])
    neighbours = space.neighbours(parents)                            # (T, s)
    open_ = ~queried[rows[:, None], neighbours]
    real = space.real_columns(parents)
    if real is not None:   # a variable-degree space: its rows' repeats are not drawn again
        open_ &= real
    keys = np.where(open_, rng.random(neighbours.shape), np.inf)
    choice = np.argmin(keys, axis=1)
    child = neighbours[rows, choice]
    stuck = ~open_.any(axis=1)
    if stuck.any():
        child[stuck] = distinct_random(rng, queried[stuck], 1)[:, 0]
    return child


def _authors_mutants(space: TableSpace, parents: np.ndarray, rng: np.random.Generator,
                     mutation_rate: float = 1.0) -> np.ndarray:
    """The authors' NB201 mutation: each of the ``e`` edges changes, with probability
    ``mutation_rate / (e - 2)``, to a uniformly random other operation; no edge may change (a clone).

    Needs the space's categorical features (one column per edge, as ``nb201_space()`` has):
    changing edge ``j`` moves to the neighbour that differs from the current cell in column ``j``.
    """
    features = space.features
    if features is None or np.ndim(features) != 2 or np.shape(features)[1] < 3:
        raise ValueError(f"the authors' mutation needs a space with one categorical feature per edge (three or "
                         f"more); space {space.name!r} has {'none' if features is None else np.shape(features)}")
    features = np.asarray(features)
    child = np.asarray(parents, dtype=np.int64).copy()
    change = rng.random((child.shape[0], features.shape[1])) < mutation_rate / (features.shape[1] - 2)
    for column in range(features.shape[1]):
        rows = np.flatnonzero(change[:, column])
        if rows.shape[0] == 0:
            continue
        neighbours = space.neighbours(child[rows])
        differs = features[neighbours, column] != features[child[rows], column][:, None]
        real = space.real_columns(child[rows])
        if real is not None:
            differs &= real
        keys = np.where(differs, rng.random(neighbours.shape), np.inf)
        chosen = neighbours[np.arange(rows.shape[0]), np.argmin(keys, axis=1)]
        child[rows] = np.where(differs.any(axis=1), chosen, child[rows])   # no such neighbour: the edge stays
    return child


def _tournament_winners(fitness: np.ndarray, tournament: int, requery: bool, rng: np.random.Generator) -> np.ndarray:
    """Each trial's tournament: ``tournament`` of its living members (columns of ``fitness``) drawn, with
    replacement under ``requery`` (as the authors' code draws) else without; the column of the fittest."""
    trials, size = fitness.shape
    rows = np.arange(trials)
    if requery:
        drawn = rng.integers(size, size=(trials, tournament))
    else:
        drawn = np.argsort(rng.random((trials, size)), axis=1)[:, :tournament]
    return drawn[rows, np.argmin(fitness[rows[:, None], drawn], axis=1)]


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
        Members drawn for each tournament (:func:`_tournament_winners`); the best is the parent.
    n_init
        Random architectures that start the population.
    requery
        ``False`` (the package's rule): the child is a uniformly random
        *unqueried* neighbour of the parent, so every query is a distinct
        architecture. ``True`` (the authors' rule, naszilla 1.0): every edge of
        the parent changes with probability 1/4 to another operation
        (:func:`_authors_mutants`; so a child may be the parent itself, or two or
        more edges away), and a child already queried is queried again, costing
        a query that adds nothing.

    Notes
    -----
    Either way the run makes exactly ``budget`` queries. The authors' code also
    runs one query past the budget; that is not reproduced. It removes the
    oldest member once 30 are alive, so at most 29 take part in a tournament:
    the registry's ``evolution_requery`` passes ``population=29``.
    """
    check_call("evolution", space.size, budget, rng, {"population": population, "tournament": tournament,
                                                      "n_init": n_init})
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
        parents = members[rows, _tournament_winners(fitness[:, : min(step, population)], tournament, requery, rng)]
        if requery:
            child = _authors_mutants(space, parents, rng)
        else:
            child = _fresh_mutants(space, parents, recorder.queried, rng)
        slot = step % population  # members are stored in birth order: this slot holds the oldest
        members[:, slot], fitness[:, slot] = child, recorder.record(child)
    return recorder.result("evolution_requery" if requery else "evolution")
