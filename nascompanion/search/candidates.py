"""Shared moves of the lockstep searches: fresh random draws and candidates near the best queries."""

from __future__ import annotations

import numpy as np

from nascompanion.objectives import TrialLosses, as_trial_losses
from nascompanion.search.query_log import QueryLog
from nascompanion.spaces.table import TableSpace


def check_budget(space: TableSpace, losses, budget: int) -> TrialLosses:
    """The losses as :class:`~nascompanion.objectives.TrialLosses`; refuse another space's, and a budget
    outside ``1..space.size``."""
    losses = as_trial_losses(losses)
    if losses.size != space.size:
        raise ValueError(f"losses cover {losses.size} architectures but the space has {space.size}")
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or not 1 <= budget <= space.size:
        raise ValueError(f"budget must be an integer in 1..{space.size}, got {budget!r}")
    return losses


def distinct_random(rng: np.random.Generator, queried: np.ndarray, count: int) -> np.ndarray:
    """For every trial (row of ``queried``), ``count`` distinct architectures it has not queried.

    Returns
    -------
    numpy.ndarray
        Shape ``(trials, count)``, in random order.
    """
    trials, n = queried.shape
    if count > n - queried.sum(axis=1).max():
        raise ValueError(f"fewer than {count} unqueried architectures left")
    out = np.empty((trials, count), dtype=np.int64)
    taken = queried.copy()
    rows = np.arange(trials)
    for slot in range(count):
        draw = rng.integers(n, size=trials)
        clash = taken[rows, draw]
        while clash.any():  # redraw, for the trials whose draw was taken, until all are new
            draw[clash] = rng.integers(n, size=int(clash.sum()))
            clash = taken[rows, draw]
        taken[rows, draw] = True
        out[:, slot] = draw
    return out


def neighbours_of_best(space: TableSpace, archs: np.ndarray, val: np.ndarray, rng: np.random.Generator,
                       parents: int, per_parent: int) -> np.ndarray:
    """Candidates for model-based search: random neighbours of each trial's best queries.

    Parameters
    ----------
    space
        The search space.
    archs, val
        Queries so far and their validation losses, shape ``(trials, m)``.
    parents, per_parent
        ``per_parent`` uniformly random neighbours (with repetition) of each of the
        ``parents`` best queries.

    Returns
    -------
    numpy.ndarray
        Shape ``(trials, parents * per_parent)``; may hold queried architectures.
    """
    order = np.argsort(val, axis=1, kind="stable")[:, :parents]
    best = np.take_along_axis(archs, order, axis=1)
    if space.regular:
        pick = rng.integers(space.degree, size=best.shape + (per_parent,))
    else:   # each parent's own number of neighbours
        pick = rng.integers(space.degree_of(best)[..., None], size=best.shape + (per_parent,))
    return np.take_along_axis(space.neighbours(best), pick, axis=2).reshape(best.shape[0], -1)


def record_best_candidates(recorder: QueryLog, candidates: np.ndarray, score: np.ndarray, count: int,
                           rng: np.random.Generator) -> int:
    """Query, in every trial, its ``count`` unqueried candidates of lowest ``score``, one at a time.

    A trial with no unqueried candidate left queries a random unqueried
    architecture instead. ``score`` is modified. Returns the number of steps made.
    """
    rows = np.arange(candidates.shape[0])
    steps = min(count, recorder.budget - recorder.count)
    for _ in range(steps):
        score[recorder.queried[rows[:, None], candidates]] = np.inf
        choice = candidates[rows, np.argmin(score, axis=1)]
        none_left = ~np.isfinite(score.min(axis=1))
        if none_left.any():
            choice[none_left] = distinct_random(rng, recorder.queried[none_left], 1)[:, 0]
        recorder.record(choice)
    return steps
