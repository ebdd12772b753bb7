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
    table = space.table
    trials, n = losses.trials, space.size
    log = LockstepLog(losses, int(budget))
    stop = min(int(budget), n)
    validation = losses.validation
    open_val = np.full((trials, int(budget)), np.inf)          # the values of queried, not expanded architectures
    position_of = np.empty((trials, n), dtype=np.int64)        # where a queried architecture is in its history
    expanded = np.zeros((trials, n), dtype=bool)
    visits: list[tuple[np.ndarray, np.ndarray]] = []
    iteration = np.ones(trials, dtype=np.int64)
    everyone = np.arange(trials)

    def note(rows: np.ndarray, positions: np.ndarray) -> None:
        open_val[rows, positions] = log.val[rows, positions]
        position_of[rows, log.archs[rows, positions]] = positions

    if starts is None:
        v = _random_starts(log, everyone, n, k_init, rng, note)
    else:
        starts = np.asarray(starts, dtype=np.int64)
        if starts.shape != (trials,) or starts.min() < 0 or starts.max() >= n:
            raise ValueError(f"starts must hold one architecture in 0..{n - 1} per trial ({trials}), got {starts!r}")
        note(*log.ask_rows(everyone, starts[:, None], np.ones((trials, 1), dtype=bool)))
        v = starts.copy()
    unique_rows = _rows_are_distinct(space)
    columns = np.arange(table.shape[1])
    while True:
        active = np.flatnonzero((log.counts < stop) & (v >= 0))
        if active.shape[0] == 0:
            break
        here = v[active]
        expanded[active, here] = True
        open_val[active, position_of[active, here]] = np.inf
        visits.append((active, here))
        neighbours = table[here]
        if first_lower:
            neighbours = np.take_along_axis(neighbours, rng.permuted(np.tile(columns, (active.shape[0], 1)), axis=1), 1)
        queried = log.queried[active[:, None], neighbours]
        take = ~queried
        if not unique_rows:
            take &= _first_in_row(neighbours)
        here_val = validation[active, here]
        if first_lower:
            lower = take & (validation[active[:, None], neighbours] < here_val[:, None])
            first = np.where(lower.any(axis=1), lower.argmax(axis=1), columns[-1])
            take &= columns <= first[:, None]
        note(*log._take(active, neighbours, take, iteration[active], here))
        iteration[active] += 1
        move = np.full(active.shape[0], -1, dtype=np.int64)
        if not first_lower:   # the best open neighbour (first in table order) when it is strictly lower
            open_nbrs = log.queried[active[:, None], neighbours] & ~expanded[active[:, None], neighbours]
            values = np.where(open_nbrs, validation[active[:, None], neighbours], np.inf)
            best = values.argmin(axis=1)
            better = values[np.arange(active.shape[0]), best] < here_val
            move[better] = neighbours[np.arange(active.shape[0]), best][better]
        jump = np.flatnonzero(move < 0)
        if jump.shape[0]:
            rows = active[jump]
            waiting = open_val[rows]
            lowest = waiting.min(axis=1)
            chosen = np.where(waiting == lowest[:, None], log.archs[rows], n).min(axis=1)
            found = np.isfinite(lowest)
            move[jump] = np.where(found, chosen, -1)
            empty = rows[~found]
            if empty.shape[0]:     # everything queried is expanded: fresh random starts
                unfinished = empty[log.counts[empty] < stop]
                restart = _random_starts(log, unfinished, n, k_init, rng, note)
                move[np.searchsorted(active, unfinished)] = restart
        v[active] = move
    if visits:   # each trial's visited architectures, in step order, as (run, architecture) rows
        rows = np.concatenate([rows for rows, _ in visits])
        archs = np.concatenate([here for _, here in visits])
        order = np.argsort(rows, kind="stable")
        paths = np.zeros((archs.shape[0], 2), dtype=np.int64)
        paths[:, 1] = archs[order]
        paths.setflags(write=False)
        ends = np.cumsum(np.bincount(rows, minlength=trials))
        log.paths = np.split(paths, ends[:-1])
    return log.result(algorithm)


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
