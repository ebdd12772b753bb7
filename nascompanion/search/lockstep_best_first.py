"""The ``continue_at_min`` local search in every trial at once.

The same walk as :func:`~nascompanion.search.local_search.best_first` (the
authors' local search on NB201), run for all trials of a
:class:`~nascompanion.objectives.TrialLosses` side by side: each step every
unfinished trial expands its current architecture (one row of an array), so a
step costs a few numpy calls for all trials instead of a few per trial.

A step of one trial: mark the current architecture ``v`` expanded; query its
unqueried neighbours (in a random order up to the first strictly lower one when
``first_lower``, else all of them in table order); then move to the best new
neighbour if it is strictly lower than ``v`` (whole-neighbourhood scan only),
else to the best queried, not yet expanded architecture (the lowest index among
equals). When every queried architecture is expanded the trial draws a fresh
random start. The neighbour orders are drawn from one stream for all trials, so
a trial's history differs from the one-trial walk's on the same seed; from the
same start the whole-neighbourhood walk, which draws nothing else, is the same.
"""

from __future__ import annotations

import weakref

import numpy as np

from nascompanion.objectives import TrialLosses
from nascompanion.search.history import History, SearchResult
from nascompanion.search.query_log import QueryLog
from nascompanion.spaces.table import TableSpace


class LockstepLog(QueryLog):
    """A :class:`~nascompanion.search.query_log.QueryLog` of fixed per-trial losses whose trials take a
    different number of queries in each lockstep step (:meth:`ask_rows`); every other rule of the log holds.

    It keeps no memo of answers: with fixed losses a trial's answer for a queried architecture is its
    entry of ``losses.validation`` / ``losses.test``, so :attr:`memo_val` and :attr:`memo_test` are read
    from those on demand. Queries go through :meth:`ask_rows` only.
    """

    def __init__(self, losses: TrialLosses, budget: int) -> None:
        if not isinstance(losses, TrialLosses):
            raise TypeError(f"LockstepLog needs TrialLosses (fixed losses per trial), got {type(losses).__name__}")
        trials, n, budget = losses.trials, losses.size, int(budget)
        self.losses, self.budget, self.rng = losses, budget, None
        self.size, self.trials = n, trials
        self.queried = np.zeros((trials, n), dtype=bool)
        self.archs = np.full((trials, budget), -1, dtype=np.int64)
        self.val = np.full((trials, budget), np.nan)
        self.test = np.full((trials, budget), np.nan)
        self.iteration = np.zeros((trials, budget), dtype=np.int64)
        self.run = np.zeros((trials, budget), dtype=np.int64)
        self.parent = np.full((trials, budget), -1, dtype=np.int64)
        self.counts = np.zeros(trials, dtype=np.int64)
        self.best_arch = np.full(trials, -1, dtype=np.int64)
        self.paths: list = [[] for _ in range(trials)]
        self._rows = np.arange(trials)
        self._fixed, self.repeats = True, False

    @property
    def memo_val(self) -> np.ndarray:
        """Shape ``(trials, n)``: each trial's validation loss of every queried architecture, ``inf`` elsewhere."""
        memo = np.where(self.queried, self.losses.validation, np.inf)
        memo.setflags(write=False)
        return memo

    @property
    def memo_test(self) -> np.ndarray:
        """Shape ``(trials, n)``: each trial's test loss of every queried architecture, NaN elsewhere."""
        memo = np.where(self.queried, self.losses.test, np.nan)
        memo.setflags(write=False)
        return memo

    def ask(self, *args, **kwargs):
        raise TypeError("a LockstepLog is asked through ask_rows()")

    def record(self, *args, **kwargs):
        raise TypeError("a LockstepLog is asked through ask_rows()")

    def ask_rows(self, trials: np.ndarray, archs: np.ndarray, take: np.ndarray, iteration: np.ndarray | int = 0,
                 parent: np.ndarray | int = -1) -> tuple[np.ndarray, np.ndarray]:
        """Lockstep with a different number of queries per trial: trial ``trials[i]`` queries
        ``archs[i, take[i]]``, in column order, as far as its budget allows.

        Every architecture taken must be new to its trial and appear once in its row (the caller
        masks repeats). ``iteration`` and ``parent`` give one value per row. Returns the trial and
        the position in its history of every query made, in row-major order.

        Raises
        ------
        ValueError
            If a taken architecture was queried before by its trial, is taken twice in a row, or a
            trial is named twice.

        Examples
        --------
        >>> log = LockstepLog(TrialLosses(np.array([[3.0, 1.0, 2.0]] * 2), np.zeros(3)), budget=2)
        >>> log.ask_rows(np.array([0, 1]), np.array([[2, 0, 1], [1, 0, 2]]), np.array([[1, 1, 1], [0, 1, 0]], bool))
        (array([0, 0, 1]), array([0, 1, 0]))
        >>> log.archs.tolist(), log.best_arch.tolist()
        ([[2, 0], [0, -1]], [2, 0])
        """
        trials = np.asarray(trials, dtype=np.int64)
        archs = np.asarray(archs, dtype=np.int64)
        take = np.asarray(take, dtype=bool)
        if trials.shape[0] > 1 and (np.diff(np.sort(trials)) == 0).any():
            raise ValueError("ask_rows() needs each trial at most once")
        if self.queried[trials[:, None], archs][take].any():
            raise ValueError("ask_rows() was given an architecture its trial queried before")
        if take.shape[1] > 1:
            marked = np.sort(np.where(take, archs, -1 - np.arange(take.shape[1])), axis=1)
            if (marked[:, 1:] == marked[:, :-1]).any():
                raise ValueError("ask_rows() was given an architecture twice in one row")
        return self._take(trials, archs, take, iteration, parent)

    def _take(self, trials: np.ndarray, archs: np.ndarray, take: np.ndarray, iteration: np.ndarray | int,
              parent: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`ask_rows` without its checks, for a caller that guarantees them."""
        left = self.budget - self.counts[trials]
        rank = np.cumsum(take, axis=1)
        take = take & (rank <= left[:, None])
        which, column = np.nonzero(take)
        rows, new = trials[which], archs[which, column]
        if rows.shape[0] == 0:
            return rows, rows.copy()
        position = self.counts[rows] + rank[which, column] - 1
        val, test = self.losses.validation[rows, new], self.losses.test[rows, new]
        answers = np.full(take.shape, np.inf)
        answers[which, column] = val
        lowest = answers.argmin(axis=1)            # first in query order on ties
        everyone = np.arange(len(trials))
        best = self.best_arch[trials]
        incumbent = self.losses.validation[trials, np.maximum(best, 0)]     # a trial's answer for a queried cell
        better = take.any(axis=1) & ((best < 0) | (answers[everyone, lowest] < incumbent))
        self.best_arch[trials[better]] = archs[everyone, lowest][better]
        self.queried[rows, new] = True
        self.archs[rows, position], self.val[rows, position], self.test[rows, position] = new, val, test
        self.iteration[rows, position] = np.broadcast_to(np.asarray(iteration), trials.shape)[which]
        self.parent[rows, position] = np.broadcast_to(np.asarray(parent), trials.shape)[which]
        self.counts[trials] += take.sum(axis=1)
        return rows, position

    def result(self, algorithm: str) -> SearchResult:
        """Every trial's queries as one :class:`~nascompanion.search.history.SearchResult` (its histories are
        read-only views of one copy of the log)."""
        frozen = [array.copy() for array in (self.archs, self.val, self.test, self.iteration, self.run, self.parent)]
        for array in frozen:
            array.setflags(write=False)
        archs, val, test, iteration, run, parent = frozen
        histories = []
        for trial, q in enumerate(self.counts.tolist()):
            path = np.asarray(self.paths[trial], dtype=np.int64).reshape(-1, 2)
            path.setflags(write=False)
            histories.append(History(archs[trial, :q], val[trial, :q], test[trial, :q], iteration[trial, :q],
                                     run[trial, :q], parent[trial, :q], path, algorithm, self.budget))
        return SearchResult(algorithm, self.budget, self.archs.copy(), self.val.copy(), self.test.copy(),
                            self.counts.copy(), tuple(histories))


def best_first_lockstep(space: TableSpace, losses: TrialLosses, budget: int, rng: np.random.Generator,
                        k_init: int = 10, first_lower: bool = True, starts: np.ndarray | None = None,
                        algorithm: str = "continue_at_min") -> SearchResult:
    """The ``continue_at_min`` walk in every trial of ``losses`` at once.

    Parameters
    ----------
    space, losses, budget, rng
        As in :func:`~nascompanion.search.local_search.local_search_trials`.
    k_init
        Random draws per start; a trial starts at the best of them.
    first_lower
        Scan a neighbourhood in a random order up to its first strictly lower unqueried neighbour.
    starts
        One first architecture per trial instead of the ``k_init`` random draws.
    algorithm
        Name stored in the result.

    Examples
    --------
    >>> path = TableSpace(np.array([[1, 1], [0, 2], [1, 3], [2, 2]]))   # 0 - 1 - 2 - 3
    >>> result = best_first_lockstep(path, TrialLosses(np.array([[3.0, 2.0, 1.0, 0.0]] * 2), np.zeros(4)), 4,
    ...                              np.random.default_rng(0), first_lower=False, starts=np.array([0, 1]))
    >>> result.archs.tolist()
    [[0, 1, 2, 3], [1, 0, 2, 3]]
    """
    walk = _Lockstep(space, losses, int(budget), rng, int(k_init))
    if starts is None:
        v = _random_starts(walk.log, walk.everyone, walk.n, walk.k_init, rng, walk.note)
    else:
        v = walk.start_at(np.asarray(starts, dtype=np.int64))
    while True:
        active = np.flatnonzero((walk.log.counts < walk.stop) & (v >= 0))
        if active.shape[0] == 0:
            break
        here = v[active]
        neighbours, here_val = walk.expand(active, here, first_lower)
        move = np.full(active.shape[0], -1, dtype=np.int64)
        if not first_lower:   # the best open neighbour (first in table order) when it is strictly lower
            move = walk.better_neighbour(active, neighbours, here_val)
        jump = np.flatnonzero(move < 0)
        if jump.shape[0]:
            move[jump] = walk.best_open(active[jump])
        v[active] = move
    walk.store_paths()
    return walk.log.result(algorithm)


class _Lockstep:
    """The arrays :func:`best_first_lockstep` keeps for every trial, and its steps (internal)."""

    def __init__(self, space: TableSpace, losses: TrialLosses, budget: int, rng: np.random.Generator,
                 k_init: int) -> None:
        self.space, self.rng, self.k_init = space, rng, k_init
        self.trials, self.n = losses.trials, space.size
        self.log = LockstepLog(losses, budget)
        self.stop = min(budget, self.n)
        self.validation = losses.validation
        self.open_val = np.full((self.trials, budget), np.inf)        # values of queried, not expanded archs
        self.position_of = np.empty((self.trials, self.n), dtype=np.int64)  # where a query is in its history
        self.expanded = np.zeros((self.trials, self.n), dtype=bool)
        self.visits: list[tuple[np.ndarray, np.ndarray]] = []
        self.iteration = np.ones(self.trials, dtype=np.int64)
        self.everyone = np.arange(self.trials)
        self.unique_rows = _rows_are_distinct(space)
        self.columns = np.arange(space.table.shape[1])

    def note(self, rows: np.ndarray, positions: np.ndarray) -> None:
        """Record new queries as open (queried, not expanded)."""
        self.open_val[rows, positions] = self.log.val[rows, positions]
        self.position_of[rows, self.log.archs[rows, positions]] = positions

    def start_at(self, starts: np.ndarray) -> np.ndarray:
        """Query one given first architecture per trial."""
        trials, n = self.trials, self.n
        if starts.shape != (trials,) or starts.min() < 0 or starts.max() >= n:
            raise ValueError(f"starts must hold one architecture in 0..{n - 1} per trial ({trials}), got {starts!r}")
        self.note(*self.log.ask_rows(self.everyone, starts[:, None], np.ones((trials, 1), dtype=bool)))
        return starts.copy()

    def _order(self, here: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
        """The neighbour rows in a uniformly random order (a variable-degree row: its repeats last)."""
        real = self.space.real_columns(here)
        if real is None:
            shuffled = self.rng.permuted(np.tile(self.columns, (here.shape[0], 1)), axis=1)
        else:
            shuffled = np.argsort(np.where(real, self.rng.random(real.shape), 2.0), axis=1)
        return np.take_along_axis(neighbours, shuffled, 1)

    def expand(self, active: np.ndarray, here: np.ndarray, first_lower: bool) -> tuple[np.ndarray, np.ndarray]:
        """Mark ``here`` expanded and query its unqueried neighbours (up to the first strictly lower one when
        ``first_lower``); return the neighbour rows as queried and the values at ``here``."""
        log, columns = self.log, self.columns
        self.expanded[active, here] = True
        self.open_val[active, self.position_of[active, here]] = np.inf
        self.visits.append((active, here))
        neighbours = self.space.table[here]
        if first_lower:
            neighbours = self._order(here, neighbours)
        take = ~log.queried[active[:, None], neighbours]
        if not self.unique_rows:
            take &= _first_in_row(neighbours)
        here_val = self.validation[active, here]
        if first_lower:
            lower = take & (self.validation[active[:, None], neighbours] < here_val[:, None])
            first = np.where(lower.any(axis=1), lower.argmax(axis=1), columns[-1])
            take &= columns <= first[:, None]
        self.note(*log._take(active, neighbours, take, self.iteration[active], here))
        self.iteration[active] += 1
        return neighbours, here_val

    def better_neighbour(self, active: np.ndarray, neighbours: np.ndarray, here_val: np.ndarray) -> np.ndarray:
        """Each row's best open neighbour (first in row order) where strictly lower than ``here``, else ``-1``."""
        move = np.full(active.shape[0], -1, dtype=np.int64)
        open_nbrs = self.log.queried[active[:, None], neighbours] & ~self.expanded[active[:, None], neighbours]
        values = np.where(open_nbrs, self.validation[active[:, None], neighbours], np.inf)
        best = values.argmin(axis=1)
        better = values[np.arange(active.shape[0]), best] < here_val
        move[better] = neighbours[np.arange(active.shape[0]), best][better]
        return move

    def best_open(self, rows: np.ndarray) -> np.ndarray:
        """The best queried, not expanded architecture of each of ``rows`` (lowest index among equals); a fresh
        random start where every query is expanded, ``-1`` where none can be queried."""
        waiting = self.open_val[rows]
        lowest = waiting.min(axis=1)
        chosen = np.where(waiting == lowest[:, None], self.log.archs[rows], self.n).min(axis=1)
        found = np.isfinite(lowest)
        move = np.where(found, chosen, -1)
        empty = np.flatnonzero(~found)
        if empty.shape[0]:     # everything queried is expanded: fresh random starts
            unfinished = empty[self.log.counts[rows[empty]] < self.stop]
            move[unfinished] = _random_starts(self.log, rows[unfinished], self.n, self.k_init, self.rng, self.note)
        return move

    def store_paths(self) -> None:
        """Each trial's visited architectures, in step order, as ``(run, architecture)`` rows of the log."""
        if not self.visits:
            return
        rows = np.concatenate([rows for rows, _ in self.visits])
        archs = np.concatenate([here for _, here in self.visits])
        order = np.argsort(rows, kind="stable")
        paths = np.zeros((archs.shape[0], 2), dtype=np.int64)
        paths[:, 1] = archs[order]
        paths.setflags(write=False)
        ends = np.cumsum(np.bincount(rows, minlength=self.trials))
        self.log.paths = np.split(paths, ends[:-1])


def _random_starts(log: LockstepLog, rows: np.ndarray, n: int, k_init: int, rng: np.random.Generator, note) -> np.ndarray:
    """Query ``k_init`` uniform draws in each of ``rows``; return each row's best drawn architecture (first on ties),
    ``-1`` where none could be queried."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    draws = rng.integers(n, size=(rows.shape[0], k_init))
    take = ~log.queried[rows[:, None], draws] & _first_in_row(draws)
    note(*log._take(rows, draws, take, 0, -1))
    known = log.queried[rows[:, None], draws]
    values = np.where(known, log.losses.validation[rows[:, None], draws], np.inf)
    best = values.argmin(axis=1)
    return np.where(known.any(axis=1), draws[np.arange(rows.shape[0]), best], -1)


def _first_in_row(archs: np.ndarray) -> np.ndarray:
    """Whether each entry is the first of its value in its row."""
    order = np.argsort(archs, axis=1, kind="stable")
    ordered = np.take_along_axis(archs, order, 1)
    first_sorted = np.ones(archs.shape, dtype=bool)
    first_sorted[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.empty_like(first_sorted)
    np.put_along_axis(first, order, first_sorted, 1)
    return first


def _rows_are_distinct(space: TableSpace) -> bool:
    """Whether no row of the space's neighbour table names an architecture twice (cached per space)."""
    known = _DISTINCT_ROWS.get(space)
    if known is None:
        ordered = np.sort(space.table, axis=1)
        known = _DISTINCT_ROWS[space] = bool((ordered[:, 1:] != ordered[:, :-1]).all())
    return known


_DISTINCT_ROWS: "weakref.WeakKeyDictionary[TableSpace, bool]" = weakref.WeakKeyDictionary()
