"""Random search: distinct architectures drawn uniformly at random."""

from __future__ import annotations

import numpy as np

from nascompanion.objectives import TrialLosses
from nascompanion.search.candidates import check_budget, distinct_random
from nascompanion.search.history import SearchResult
from nascompanion.search.query_log import QueryLog
from nascompanion.search.settings_spec import check_call
from nascompanion.spaces.table import TableSpace


def random_search(space: TableSpace, losses: TrialLosses, budget: int, rng: np.random.Generator) -> SearchResult:
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

    Examples
    --------
    >>> from nascompanion.spaces import TableSpace
    >>> ring = TableSpace(np.array([[1, 3], [0, 2], [1, 3], [2, 0]]))
    >>> result = random_search(ring, TrialLosses(np.array([[4.0, 3.0, 2.0, 1.0]]), np.zeros(4)), 4,
    ...                        np.random.default_rng(0))
    >>> sorted(result.archs[0].tolist()), result.histories[0].best_arch
    ([0, 1, 2, 3], 3)
    """
    check_call("random_search", space.size, budget, rng, {})
    losses = check_budget(space, losses, budget)
    log = QueryLog(losses, budget)
    for archs in distinct_random(rng, log.queried, budget).T:
        log.record(archs)
    return log.result("random_search")
