"""Random search: distinct architectures drawn uniformly at random."""

from __future__ import annotations

import numpy as np

from nascompanion.search.history import History
from nascompanion.search.trials import LockstepRecorder, TrialLosses, distinct_random
from nascompanion.spaces.base import TableSpace


def random_search_trials(space: TableSpace, losses: TrialLosses, budget: int, rng: np.random.Generator) -> LockstepRecorder:
    """Random search in every trial of ``losses`` at once.

    Parameters
    ----------
    space
        The search space (only its size is used).
    losses
        What each trial observes.
    budget
        Distinct queries per trial.
    rng
        The only source of randomness.

    Returns
    -------
    LockstepRecorder
        The queries of every trial (``.histories("random")``, ``.best_so_far()``).
    """
    _check(space, losses, budget)
    recorder = LockstepRecorder(losses, budget)
    for archs in distinct_random(rng, recorder.queried, budget).T:
        recorder.record(archs)
    return recorder


def random_search(space: TableSpace, objective, budget: int, rng: np.random.Generator) -> History:
    """One run of random search (``budget`` distinct uniform draws).

    Examples
    --------
    >>> from nascompanion.spaces import TableSpace
    >>> ring = TableSpace(np.array([[1, 3], [0, 2], [1, 3], [2, 0]]))
    >>> h = random_search(ring, np.array([4.0, 3.0, 2.0, 1.0]), 4, np.random.default_rng(0))
    >>> sorted(h.archs.tolist()), h.best_arch
    ([0, 1, 2, 3], 3)
    """
    return random_search_trials(space, single_trial(objective, space), budget, rng).histories("random")[0]


def single_trial(objective, space: TableSpace) -> TrialLosses:
    """A one-trial :class:`TrialLosses` from an array, a (validation, test) pair or an ArrayObjective."""
    from nascompanion.search.local_search import ArrayObjective, as_objective

    objective = as_objective(objective)
    if not isinstance(objective, ArrayObjective):
        raise ValueError(
            "lockstep algorithms need losses fixed per trial: pass an array, a (validation, test) pair, "
            "or build a TrialLosses (e.g. with trial_losses(...)) for noisy objectives"
        )
    if objective.validation.shape[0] != space.size:
        raise ValueError(f"objective has {objective.validation.shape[0]} losses for a space of {space.size}")
    return TrialLosses(objective.validation[None, :], objective.test)


def _check(space: TableSpace, losses: TrialLosses, budget: int) -> None:
    if losses.size != space.size:
        raise ValueError(f"losses cover {losses.size} architectures but the space has {space.size}")
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or not 1 <= budget <= space.size:
        raise ValueError(f"budget must be an integer in 1..{space.size}, got {budget!r}")
