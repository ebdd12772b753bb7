"""Local search (Algorithm 1 of the paper) and its two variants, under a query budget.

The paper (Sec. 3) defines local search as: start at a random architecture,
evaluate its whole neighbourhood, move to the best neighbour if it is strictly
better, and stop at a local minimum. With a budget, the search restarts from a
new random architecture when it converges early (Sec. 4) and returns the best
architecture it has queried.

A budget counts queries of *distinct* architectures: looking up an architecture
that was already queried costs nothing and returns the same value (its first
answer is remembered, even for a noisy objective).

The variants (:data:`VARIANTS`):

- ``"full"``: Algorithm 1 (evaluate the whole neighbourhood, move to the best
  neighbour if strictly lower, else stop), restarting from a new random
  architecture at each local minimum until the budget is spent.
- ``"query_until_lower"``: draw neighbours at random without replacement and move
  at the first strictly lower one; restarts likewise.
- ``"continue_at_min"``: at a local minimum, continue from the best queried
  architecture not yet expanded; never restarts. This is a greedy best-first
  search, which is what the authors' code implements (the paper's "second-best
  architecture found so far", generalised); their code starts it from the best of
  ten random architectures (``k_init=10``) and scans neighbourhoods only to the
  first lower neighbour (``first_lower=True``).

A space may have a variable degree: a neighbourhood is then its real neighbours
(:meth:`~nascompanion.spaces.table.TableSpace.neighbours`).
"""

from __future__ import annotations

import numpy as np

from nascompanion.objectives import ArrayObjective, TrialLosses, as_objective
from nascompanion.search.history import History, SearchResult
from nascompanion.search.lockstep_best_first import best_first_lockstep
from nascompanion.search.query_log import QueryLog, TrialView
from nascompanion.search.settings_spec import COUNT, check_value
from nascompanion.spaces.table import TableSpace

VARIANTS: tuple[str, ...] = ("full", "query_until_lower", "continue_at_min")
"""Local-search variants of Sec. 3: Algorithm 1, and the paper's two variants."""


# --------------------------------------------------------------------------- the search


class _Walk(TrialView):
    """A trial view with the block of random neighbour orders ``query_until_lower`` draws (internal)."""

    def __init__(self, log: QueryLog, trial: int, rng: np.random.Generator | None = None) -> None:
        super().__init__(log, trial, rng)
        self._perms: np.ndarray | None = None
        self._next = 0

    def permutation(self, d: int) -> np.ndarray:
        """A random order of ``0..d-1``, drawn in blocks to save per-step overhead."""
        if self._perms is None or self._perms.shape[1] != d or self._next == self._perms.shape[0]:
            self._perms = self.rng.permuted(np.tile(np.arange(d), (64, 1)), axis=1)
            self._next = 0
        self._next += 1
        return self._perms[self._next - 1]


def _start(state: TrialView, space: TableSpace, k_init: int, run: int) -> int | None:
    """Draw ``k_init`` random architectures, query them, return the best known one (first on ties)."""
    starts = np.array([space.sample(state.rng) for _ in range(k_init)], dtype=np.int64)
    state.ask(starts, 0, run)
    starts = starts[state.known[starts]]
    if starts.shape[0] == 0:
        return None
    return int(starts[np.argmin(state.val[starts])])


def _full_step(state: _Walk, space: TableSpace, v: int, iteration: int, run: int) -> int:
    """Algorithm 1, step 3: evaluate N(v); return the best neighbour if strictly lower, else v."""
    nbrs = space.neighbours(v)
    state.ask(nbrs, iteration, run, v)
    seen = nbrs[state.known[nbrs]]
    if seen.shape[0] == 0:
        return v
    best = int(seen[np.argmin(state.val[seen])])
    return best if state.val[best] < state.val[v] else v


def _lower_step(state: _Walk, space: TableSpace, v: int, iteration: int, run: int) -> int:
    """Draw neighbours at random without replacement; return the first strictly lower one, else v."""
    nbrs = space.neighbours(v)
    order = nbrs[state.permutation(nbrs.shape[0])]
    fixed = _fixed_validation(state)
    if fixed is not None:
        # A fixed table: find the first lower neighbour by array lookup, then query
        # exactly the prefix a one-by-one scan would have queried.
        lower = fixed[order] < state.val[v]
        first = int(lower.argmax())
        if not lower[first]:
            state.ask(order, iteration, run, v)
            return v
        state.ask(order[: first + 1], iteration, run, v)
        return int(order[first]) if state.known[order[first]] else v
    for u in order:
        if not state.known[u]:
            if state.done:
                return v
            state.ask(np.array([u]), iteration, run, v)
        if state.val[u] < state.val[v]:
            return int(u)
    return v


def _restarting(state: _Walk, space: TableSpace, variant: str, k_init: int) -> None:
    step = _full_step if variant == "full" else _lower_step
    run = 0
    while not state.done:
        before = state.count
        v = _start(state, space, k_init, run)
        iteration = 1
        if v is not None and not state.done:
            state.visit(v, run)
        while v is not None and not state.done:
            nxt = step(state, space, v, iteration, run)
            if nxt == v:
                break  # local minimum (or budget spent mid-neighbourhood)
            v, iteration = nxt, iteration + 1
            state.visit(v, run)
        if state.count > before:
            run += 1  # a run that queried nothing new (a known start) is not counted


def _scan_until_lower(state: TrialView, nbrs: np.ndarray, v: int, iteration: int) -> None:
    """Query the unqueried neighbours of ``v`` in a random order until one is strictly lower than ``v``.

    Neighbours queried before are skipped, not compared (the authors' code,
    ``query_full_nbhd=False``).
    """
    order = nbrs[state.permutation(nbrs.shape[0])] if isinstance(state, _Walk) else state.rng.permutation(nbrs)
    fresh = order[~state.known[order]]
    fixed = _fixed_validation(state)
    if fixed is not None:
        lower = fixed[fresh] < state.val[v]
        state.ask(fresh[: int(lower.argmax()) + 1] if lower.any() else fresh, iteration, 0, v)
        return
    for u in fresh:
        if state.done:
            return
        state.ask(np.array([u]), iteration, 0, v)
        if state.known[u] and state.val[u] < state.val[v]:
            return


def best_first(state: TrialView, space: TableSpace, k_init: int, start: int | None = None,
               first_lower: bool = False) -> None:
    """The ``continue_at_min`` walk: expand the best neighbour while it improves, else the best
    queried, not yet expanded architecture; a fresh random start only when every query is expanded.

    ``start`` continues a search whose earlier queries are already in the log
    (ANASOD-LS, phase 2); by default the walk starts from ``k_init`` random draws.
    ``first_lower`` expands an architecture only until its first strictly lower
    unqueried neighbour (in a random order), as the authors' code does; the walk
    then continues at the best queried, not yet expanded architecture.
    """
    expanded = np.zeros(space.size, dtype=bool)
    v = _start(state, space, k_init, 0) if start is None else int(start)
    iteration = 1
    while v is not None and not state.done:
        expanded[v] = True
        state.visit(v, 0)
        nbrs = space.neighbours(v)
        if first_lower:
            _scan_until_lower(state, nbrs, v, iteration)
            iteration += 1
        else:
            state.ask(nbrs, iteration, 0, v)
            iteration += 1
            open_nbrs = nbrs[state.known[nbrs] & ~expanded[nbrs]]
            if open_nbrs.shape[0]:
                best = int(open_nbrs[np.argmin(state.val[open_nbrs])])
                if state.val[best] < state.val[v]:
                    v = best
                    continue
        # a local minimum (or after a partial scan): continue at the best queried, not yet expanded architecture
        # (the lowest index among equals); the trial's queries, not the whole space, are searched for it
        queried = state.log.archs[state.trial, : state.count]
        frontier = queried[~expanded[queried]]
        if frontier.shape[0]:
            values = state.val[frontier]
            v = int(frontier[values == values.min()].min())
        else:  # everything queried has been expanded: a fresh random start
            v = _start(state, space, k_init, 0)


def local_search(
    space: TableSpace,
    objective,
    budget: int,
    rng: np.random.Generator,
    variant: str = "full",
    k_init: int = 1,
    first_lower: bool = False,
) -> History:
    """Local search on ``space`` for at most ``budget`` distinct queries.

    Parameters
    ----------
    space
        A :class:`~nascompanion.spaces.table.TableSpace` (NB201: ``nb201_space()``).
    objective
        An :class:`Objective` (``query(archs, rng) -> (validation, test)``), or anything
        :func:`as_objective` accepts (losses, a ``(validation, test)`` pair, a callable).
    budget
        Maximum number of distinct architectures queried (``>= 1``).
    rng
        The only source of randomness (start draws, neighbour order, seed draws).
    variant
        One of :data:`VARIANTS`, described in the module's docstring.
    k_init
        Draw ``k_init`` random architectures at every (re)start and begin at the
        best of them (paper, Appendix A).
    first_lower
        ``continue_at_min`` only: scan unqueried neighbours in a random order up to the first strictly
        lower one (the authors' default, ``query_full_nbhd=False``), not the whole neighbourhood.

    Returns
    -------
    History
        Every distinct query in order, with its iteration and run number.

    Raises
    ------
    ValueError
        For an unknown variant, a budget below 1, ``k_init`` outside ``1..space.size``, no generator or a bad objective.

    Notes
    -----
    Ties follow :mod:`nascompanion.landscape`: among equally good best
    neighbours the first in the neighbour table's row order wins, and a
    neighbour as good as ``v`` is no improvement. So, with enough budget, the
    first run of ``"full"`` from ``v`` ends at ``landscape_stats(...).ls_star[v]``.
    The search stops early once every architecture of the space is queried.

    Examples
    --------
    >>> path = TableSpace(np.array([[1, 1], [0, 2], [1, 3], [2, 2]]))  # 0 - 1 - 2 - 3
    >>> h = local_search(path, np.array([3.0, 2.0, 1.0, 0.0]), budget=4, rng=np.random.default_rng(1))
    >>> h.best_arch, len(h)
    (3, 4)
    """
    _check_settings(variant, budget, k_init, rng, first_lower, space.size)
    log = QueryLog(as_objective(objective), int(budget), rng, size=space.size)
    _search(_Walk(log, 0), space, variant, int(k_init), first_lower)
    return log.history(0, variant)


def local_search_trials(space: TableSpace, losses: TrialLosses, budget: int, rng: np.random.Generator,
                        variant: str = "continue_at_min", k_init: int = 1, first_lower: bool = False) -> SearchResult:
    """:func:`local_search` in every trial of ``losses`` on one stream ``rng``: ``continue_at_min`` in
    lockstep (:func:`~nascompanion.search.lockstep_best_first.best_first_lockstep`), the others one trial
    after another.

    Examples
    --------
    >>> from nascompanion.objectives import TrialLosses
    >>> path = TableSpace(np.array([[1, 1], [0, 2], [1, 3], [2, 2]]))
    >>> result = local_search_trials(path, TrialLosses(np.array([[3.0, 2.0, 1.0, 0.0]] * 2), np.zeros(4)), 3,
    ...                              np.random.default_rng(0), variant="full")
    >>> result.counts.tolist()
    [3, 3]
    """
    _check_settings(variant, budget, k_init, rng, first_lower, space.size)
    if losses.size != space.size:
        raise ValueError(f"losses cover {losses.size} architectures but the space has {space.size}")
    if variant == "continue_at_min":   # the comparison's local search: every trial at once
        return best_first_lockstep(space, losses, int(budget), rng, int(k_init), bool(first_lower), algorithm=variant)
    log = QueryLog(losses, int(budget), rng)
    for t in range(losses.trials):
        _search(_Walk(log, t), space, variant, int(k_init), first_lower)
    return log.result(variant)


def _check_settings(variant: str, budget, k_init, rng, first_lower: bool, space_size: int) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"unknown local-search variant {variant!r}; allowed: {', '.join(VARIANTS)}")
    if not isinstance(first_lower, (bool, np.bool_)):
        raise ValueError(f"first_lower must be True or False, got {first_lower!r}")
    if first_lower and variant != "continue_at_min":
        raise ValueError(f"first_lower applies to variant 'continue_at_min' only (query_until_lower already moves at "
                         f"the first lower neighbour); got variant {variant!r}")
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 1:
        raise ValueError(f"budget must be a positive integer (number of distinct queries), got {budget!r}")
    check_value("k_init", k_init, COUNT, space_size)
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")


def _search(state: _Walk, space: TableSpace, variant: str, k_init: int, first_lower: bool = False) -> None:
    if variant == "continue_at_min":
        best_first(state, space, k_init, first_lower=bool(first_lower))
    else:
        _restarting(state, space, variant, k_init)


def _fixed_validation(state: _Walk) -> np.ndarray | None:
    """The trial's whole validation vector when it is fixed in advance (an array lookup), else None."""
    losses = state.log.losses
    if isinstance(losses, TrialLosses):
        return losses.validation[state.trial]
    if isinstance(losses, ArrayObjective):
        return losses.validation
    return None
