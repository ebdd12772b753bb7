"""Local search (Algorithm 1 of the paper) and its two variants, under a query budget.

The paper (Sec. 3) defines local search as: start at a random architecture,
evaluate its whole neighbourhood, move to the best neighbour if it is strictly
better, and stop at a local minimum. With a budget, the search restarts from a
new random architecture when it converges early (Sec. 4) and returns the best
architecture it has queried.

A budget counts queries of *distinct* architectures: looking up an architecture
that was already queried costs nothing and returns the same value (its first
answer is remembered, even for a noisy objective).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

import numpy as np

from nascompanion.objectives import present_seeds, seed_columns
from nascompanion.search.history import History, Recorder
from nascompanion.spaces.base import TableSpace

VARIANTS: tuple[str, ...] = ("full", "query_until_lower", "continue_at_min")
"""Local-search variants of Sec. 3: Algorithm 1, and the paper's two variants."""


# --------------------------------------------------------------------------- objectives


@runtime_checkable
class Objective(Protocol):
    """What a search may ask about architectures: their (validation, test) losses.

    ``query`` answers for an array of architectures at once; ``rng`` is there so
    that a noisy objective (one training seed per query) can draw its noise.
    """

    def query(self, archs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Validation and test losses of ``archs`` (two float arrays of ``len(archs)``)."""
        ...


@dataclass(frozen=True, eq=False)
class ArrayObjective:
    """A precomputed loss for every architecture (denoised, ``noise(x)`` or random).

    Parameters
    ----------
    validation
        Loss the search sees, shape ``(n,)``.
    test
        Test loss of the same architectures, shape ``(n,)``; defaults to ``validation``.

    Examples
    --------
    >>> obj = ArrayObjective(np.array([3.0, 1.0, 2.0]), np.array([30.0, 10.0, 20.0]))
    >>> [v.tolist() for v in obj.query(np.array([2, 0]), np.random.default_rng(0))]
    [[2.0, 3.0], [20.0, 30.0]]
    """

    validation: np.ndarray
    test: np.ndarray | None = None

    def __post_init__(self) -> None:
        validation = np.array(self.validation, dtype=float, copy=True)
        test = validation if self.test is None else np.array(self.test, dtype=float, copy=True)
        if validation.ndim != 1 or test.shape != validation.shape:
            raise ValueError(f"validation and test must be (n,) arrays of one shape; got {validation.shape} and {test.shape}")
        if np.isnan(validation).any():
            raise ValueError(f"validation losses contain {int(np.isnan(validation).sum())} NaN values")
        for values in (validation, test):
            values.setflags(write=False)
        object.__setattr__(self, "validation", validation)
        object.__setattr__(self, "test", test)

    def query(self, archs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return self.validation[archs], self.test[archs]


@dataclass(frozen=True, eq=False)
class SeedObjective:
    """The paper's ``standard`` objective: each query returns ONE training seed's losses.

    Parameters
    ----------
    validation, test
        Per-seed losses, shape ``(n, n_seeds)``, NaN where a seed is missing.
        The same seed (the same trained network) gives both numbers.

    Examples
    --------
    >>> obj = SeedObjective(np.array([[1.0, 3.0], [5.0, np.nan]]), np.array([[2.0, 4.0], [6.0, np.nan]]))
    >>> val, test = obj.query(np.array([1, 1]), np.random.default_rng(0))
    >>> val.tolist(), test.tolist()
    ([5.0, 5.0], [6.0, 6.0])
    """

    validation: np.ndarray
    test: np.ndarray

    def __post_init__(self) -> None:
        validation = np.array(self.validation, dtype=float, copy=True)
        test = np.array(self.test, dtype=float, copy=True)
        if validation.ndim != 2 or test.shape != validation.shape:
            raise ValueError(f"validation and test must be (n, n_seeds) arrays of one shape; got {validation.shape} and {test.shape}")
        counts, order = present_seeds(validation)
        if not (counts > 0).all():
            raise ValueError("every architecture needs at least one seed")
        object.__setattr__(self, "validation", validation)
        object.__setattr__(self, "test", test)
        object.__setattr__(self, "_counts", counts)
        object.__setattr__(self, "_order", order)

    def query(self, archs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        archs = np.asarray(archs)
        column = seed_columns(self._counts, self._order, archs, rng.random(archs.shape[0]))
        return self.validation[archs, column], self.test[archs, column]


@dataclass(frozen=True, eq=False)
class FunctionObjective:
    """Wrap a plain callable ``f(arch) -> (validation, test)`` (or ``f(arch, rng)`` when ``takes_rng``)."""

    function: Callable
    takes_rng: bool = False

    def query(self, archs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        answers = [self.function(int(a), rng) if self.takes_rng else self.function(int(a)) for a in archs]
        values = np.array(answers, dtype=float).reshape(len(answers), 2)
        return values[:, 0], values[:, 1]


def as_objective(objective) -> Objective:
    """Accept an :class:`Objective`, a ``(validation, test)`` pair of arrays, one array, or a callable."""
    if isinstance(objective, Objective):
        return objective
    if isinstance(objective, np.ndarray):
        return ArrayObjective(objective)
    if isinstance(objective, tuple) and len(objective) == 2 and not callable(objective[0]):
        return ArrayObjective(*objective)
    if callable(objective):
        return FunctionObjective(objective)
    raise ValueError(
        "objective must be an Objective (with query(archs, rng)), a (validation, test) pair of arrays, "
        f"one array of losses, or a callable arch -> (validation, test); got {type(objective).__name__}"
    )


# --------------------------------------------------------------------------- the search


class _Budgeted:
    """Memo of answers and the budget of distinct queries (internal)."""

    def __init__(self, space: TableSpace, objective: Objective, budget: int, rng: np.random.Generator):
        self.n = space.size
        self.objective, self.rng, self.budget = objective, rng, budget
        self.known = np.zeros(self.n, dtype=bool)
        self.val = np.full(self.n, np.inf)
        self.test = np.full(self.n, np.nan)
        self.recorder = Recorder()
        self._perms: np.ndarray | None = None
        self._next = 0

    def permutation(self, d: int) -> np.ndarray:
        """A random order of ``0..d-1``, drawn in blocks to save per-step overhead."""
        if self._perms is None or self._perms.shape[1] != d or self._next == self._perms.shape[0]:
            self._perms = self.rng.permuted(np.tile(np.arange(d), (64, 1)), axis=1)
            self._next = 0
        self._next += 1
        return self._perms[self._next - 1]

    @property
    def left(self) -> int:
        return self.budget - self.recorder.count

    @property
    def done(self) -> bool:
        return self.left <= 0 or self.recorder.count >= self.n

    def ask(self, archs: np.ndarray, iteration: int, run: int, parent: int = -1) -> int:
        """Query the not-yet-known ``archs`` (in order, distinct, within budget); return how many."""
        new = archs[~self.known[archs]]
        if new.shape[0] > 1 and len(set(new.tolist())) < new.shape[0]:
            _, first = np.unique(new, return_index=True)
            new = new[np.sort(first)]
        new = new[: max(self.left, 0)]
        if new.shape[0]:
            val, test = self.objective.query(new, self.rng)
            self.known[new] = True
            self.val[new], self.test[new] = val, test
            self.recorder.add(new, np.asarray(val, float), np.asarray(test, float), iteration, run, parent)
        return int(new.shape[0])


def _start(state: _Budgeted, space: TableSpace, k_init: int, run: int) -> int | None:
    """Draw ``k_init`` random architectures, query them, return the best known one (first on ties)."""
    starts = np.array([space.sample(state.rng) for _ in range(k_init)], dtype=np.int64)
    state.ask(starts, 0, run)
    starts = starts[state.known[starts]]
    if starts.shape[0] == 0:
        return None
    return int(starts[np.argmin(state.val[starts])])


def _full_step(state: _Budgeted, table: np.ndarray, v: int, iteration: int, run: int) -> int:
    """Algorithm 1, step 3: evaluate N(v); return the best neighbour if strictly lower, else v."""
    nbrs = table[v]
    state.ask(nbrs, iteration, run, v)
    seen = nbrs[state.known[nbrs]]
    if seen.shape[0] == 0:
        return v
    best = int(seen[np.argmin(state.val[seen])])
    return best if state.val[best] < state.val[v] else v


def _lower_step(state: _Budgeted, table: np.ndarray, v: int, iteration: int, run: int) -> int:
    """Draw neighbours at random without replacement; return the first strictly lower one, else v."""
    nbrs = table[v]
    order = nbrs[state.permutation(nbrs.shape[0])]
    if isinstance(state.objective, ArrayObjective):
        # A fixed table: find the first lower neighbour by array lookup, then query
        # exactly the prefix a one-by-one scan would have queried.
        lower = state.objective.validation[order] < state.val[v]
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


def _restarting(state, space, variant, k_init) -> None:
    table = space.table
    step = _full_step if variant == "full" else _lower_step
    run = 0
    while not state.done:
        before = state.recorder.count
        v = _start(state, space, k_init, run)
        iteration = 1
        if v is not None and not state.done:
            state.recorder.visit(v, run)
        while v is not None and not state.done:
            nxt = step(state, table, v, iteration, run)
            if nxt == v:
                break  # local minimum (or budget spent mid-neighbourhood)
            v, iteration = nxt, iteration + 1
            state.recorder.visit(v, run)
        if state.recorder.count > before:
            run += 1  # a run that queried nothing new (a known start) is not counted


def _best_first(state, space, k_init) -> None:
    table = space.table
    expanded = np.zeros(space.size, dtype=bool)
    v = _start(state, space, k_init, 0)
    iteration = 1
    while v is not None and not state.done:
        expanded[v] = True
        state.recorder.visit(v, 0)
        nbrs = table[v]
        state.ask(nbrs, iteration, 0, v)
        open_nbrs = nbrs[state.known[nbrs] & ~expanded[nbrs]]
        iteration += 1
        if open_nbrs.shape[0]:
            best = int(open_nbrs[np.argmin(state.val[open_nbrs])])
            if state.val[best] < state.val[v]:
                v = best
                continue
        # a local minimum: continue at the best queried, not yet expanded architecture
        frontier = np.flatnonzero(state.known & ~expanded)
        if frontier.shape[0]:
            v = int(frontier[np.argmin(state.val[frontier])])
        else:  # everything queried has been expanded: a fresh random start
            v = _start(state, space, k_init, 0)


def local_search(
    space: TableSpace,
    objective,
    budget: int,
    rng: np.random.Generator,
    variant: str = "full",
    k_init: int = 1,
) -> History:
    """Local search on ``space`` for at most ``budget`` distinct queries.

    Parameters
    ----------
    space
        A :class:`~nascompanion.spaces.base.TableSpace` (NB201: ``nb201_space()``).
    objective
        An :class:`Objective` (``query(archs, rng) -> (validation, test)``), or
        anything :func:`as_objective` accepts: an array of losses, a
        ``(validation, test)`` pair of arrays, or a callable ``arch -> (validation, test)``.
    budget
        Maximum number of distinct architectures queried (``>= 1``).
    rng
        The only source of randomness (start draws, neighbour order, seed draws).
    variant
        ``"full"``: Algorithm 1 (evaluate the whole neighbourhood, move to the
        best neighbour if strictly lower, else stop), restarting from a new
        random architecture at each local minimum until the budget is spent.
        ``"query_until_lower"``: draw neighbours at random without replacement
        and move at the first strictly lower one; restarts likewise.
        ``"continue_at_min"``: at a local minimum, continue from the best
        queried architecture not yet expanded; never restarts. This is a greedy
        best-first search, which is what the authors' code implements (the
        paper's "second-best architecture found so far", generalised).
    k_init
        Draw ``k_init`` random architectures at every (re)start and begin at the
        best of them (paper, Appendix A).

    Returns
    -------
    History
        Every distinct query in order, with its iteration and run number.

    Raises
    ------
    ValueError
        For an unknown ``variant``, ``budget < 1``, ``k_init < 1``, a missing
        generator, or an objective of the wrong kind.

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
    if variant not in VARIANTS:
        raise ValueError(f"unknown local-search variant {variant!r}; allowed: {', '.join(VARIANTS)}")
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 1:
        raise ValueError(f"budget must be a positive integer (number of distinct queries), got {budget!r}")
    if isinstance(k_init, bool) or not isinstance(k_init, (int, np.integer)) or k_init < 1:
        raise ValueError(f"k_init must be a positive integer, got {k_init!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    state = _Budgeted(space, as_objective(objective), int(budget), rng)
    if variant == "continue_at_min":
        _best_first(state, space, int(k_init))
    else:
        _restarting(state, space, variant, int(k_init))
    return state.recorder.history(variant=variant, budget=int(budget))


def benchmark_objective(benchmark, dataset: str, version: str, rng: np.random.Generator | None = None,
                        x: float | None = None, metric: str = "validation") -> Objective:
    """The objective a search on NB201 sees, for one of the paper's versions.

    ``denoised``, ``noise`` and ``random`` give an :class:`ArrayObjective`
    (test loss: 100 - mean test accuracy; for ``random`` the random loss
    itself, which has no test counterpart). ``standard`` gives a
    :class:`SeedObjective` (one seed per query) and needs per-seed data.
    """
    from nascompanion import objectives

    if version == "standard":
        objectives.losses(benchmark, dataset, "standard", rng=rng, metric=metric)  # refuses mean-only data
        return SeedObjective(100.0 - benchmark.accuracy(dataset, metric), 100.0 - benchmark.accuracy(dataset, "test"))
    val = objectives.losses(benchmark, dataset, version, rng=rng, x=x, metric=metric)
    test = val if version == "random" else 100.0 - np.nanmean(benchmark.accuracy(dataset, "test"), axis=1)
    return ArrayObjective(val, test)
