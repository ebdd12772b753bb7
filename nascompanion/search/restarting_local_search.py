"""Local search that restarts at every local minimum, as naszilla 1.0 runs it by default.

naszilla 1.0's ``local_search`` with its default arguments (``num_init=10``,
``query_full_nbhd=False``, ``stop_at_minimum=True``) is the local search of its
``all_algos`` comparison (the one with BANANAS and BO). One run of it:

1. query ``k_init`` random architectures not queried before and start at the
   best of them (the first on ties);
2. scan the current architecture's *unqueried* neighbours in a random order,
   querying each, and move to the first one whose validation loss is strictly
   lower (neighbours queried earlier are skipped, not compared);
3. when no new neighbour is lower (a local minimum of what the scan saw), start
   a new run at step 1.

The paper's text says its NAS-Bench-201 runs used the ``continue_at_min``
variant (:func:`~nascompanion.search.local_search.best_first`), which never
restarts; the comparison runs this one as a labelled variant beside it.
"""

from __future__ import annotations

import numpy as np

from nascompanion.objectives import TrialLosses
from nascompanion.search.candidates import check_budget
from nascompanion.search.history import SearchResult
from nascompanion.search.query_log import QueryLog, TrialView
from nascompanion.search.settings_spec import check_call
from nascompanion.spaces.table import TableSpace


def _fresh_draw(view: TrialView, space: TableSpace) -> int:
    """A uniformly random architecture the trial has not queried (redrawn until new, as naszilla does)."""
    while True:
        arch = space.sample(view.rng)
        if not view.known[arch]:
            return arch


def _restart(view: TrialView, space: TableSpace, k_init: int, run: int) -> int | None:
    """Step 1: query ``k_init`` new random architectures; the best of them, or None if the budget ran out."""
    starts = []
    while len(starts) < k_init:
        if view.done:
            return None
        arch = _fresh_draw(view, space)
        view.ask(np.array([arch]), 0, run)
        starts.append(arch)
    starts = np.array(starts, dtype=np.int64)
    return int(starts[np.argmin(view.val[starts])])


def _first_lower(view: TrialView, space: TableSpace, v: int, iteration: int, run: int) -> int:
    """Step 2: query ``v``'s unqueried neighbours in a random order up to the first strictly lower one;
    return it, or ``v`` when none is lower (or the budget ran out first)."""
    order = view.rng.permutation(space.neighbours(v))
    fresh = order[~view.known[order]]
    if fresh.shape[0] == 0:
        return v
    lower = view.log.losses.validation[view.trial, fresh] < view.val[v]
    upto = int(lower.argmax()) + 1 if lower.any() else fresh.shape[0]
    view.ask(fresh[:upto], iteration, run, v)   # the log stops at the budget
    last = int(fresh[upto - 1])
    return last if lower.any() and view.known[last] else v


def restarting_local_search(space: TableSpace, losses: TrialLosses, budget: int, rng: np.random.Generator,
                            k_init: int = 10) -> SearchResult:
    """naszilla 1.0's default local search in every trial of ``losses``, one trial after another.

    Parameters
    ----------
    space
        The search space.
    losses
        Fixed validation and test losses per trial.
    budget
        Distinct queries per trial (``1..space.size``).
    rng
        The only source of randomness (restart draws and neighbour orders), shared by the trials in turn.
    k_init
        Fresh random architectures queried at every (re)start; the run begins at the best of them.

    Returns
    -------
    SearchResult
        Every trial's queries; a history's ``run`` numbers its restarts.

    Raises
    ------
    ValueError
        For a budget or ``k_init`` outside ``1..space.size``, a ``rng`` that is not a Generator, or losses of
        another space.

    Notes
    -----
    The paper's Sec. 4: "If local search converged before its budget, it started a new run."
    Which local search its NAS-Bench-201 curves (Appendix A) used is discussed in the comparison
    chapter; the text names ``continue_at_min``.

    Examples
    --------
    >>> from nascompanion.spaces import TableSpace
    >>> path = TableSpace(np.array([[1, 1], [0, 2], [1, 3], [2, 2]]))   # 0 - 1 - 2 - 3
    >>> losses = TrialLosses(np.array([[3.0, 2.0, 1.0, 0.0]]), np.array([[30.0, 20.0, 10.0, 0.0]]))
    >>> result = restarting_local_search(path, losses, 4, np.random.default_rng(0), k_init=1)
    >>> sorted(result.archs[0].tolist()), result.histories[0].best_arch
    ([0, 1, 2, 3], 3)
    """
    check_call("local_search_restart", space.size, budget, rng, {"k_init": k_init})
    losses = check_budget(space, losses, budget)
    log = QueryLog(losses, int(budget), rng)
    for trial in range(losses.trials):
        view, run = TrialView(log, trial), 0
        while not view.done:
            v = _restart(view, space, int(k_init), run)
            iteration = 1
            while v is not None and not view.done:
                view.visit(v, run)
                nxt = _first_lower(view, space, v, iteration, run)
                if nxt == v:
                    break   # a local minimum of what was scanned: a new run
                v, iteration = nxt, iteration + 1
            run += 1
    return log.result("local_search_restart")
