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

import numpy as np

from nascompanion.objectives import TrialLosses
from nascompanion.search.history import SearchResult
from nascompanion.search.query_log import QueryLog
from nascompanion.spaces.table import TableSpace


class LockstepLog(QueryLog):
    """A :class:`~nascompanion.search.query_log.QueryLog` whose trials take a different number of
    queries in each lockstep step (:meth:`ask_rows`); every other rule of the log holds."""

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
        left = self.budget - self.counts[trials]
        rank = np.cumsum(take, axis=1)
        take = take & (rank <= left[:, None])
        which, column = np.nonzero(take)
        rows, new = trials[which], archs[which, column]
        if self.queried[rows, new].any():
            raise ValueError("ask_rows() was given an architecture its trial queried before")
        if not self.repeats and take.shape[1] > 1:
            marked = np.sort(np.where(take, archs, -1 - np.arange(take.shape[1])), axis=1)
            if (marked[:, 1:] == marked[:, :-1]).any():
                raise ValueError("ask_rows() was given an architecture twice in one row")
        if rows.shape[0] == 0:
            return rows, rows.copy()
        position = self.counts[rows] + rank[which, column] - 1
        val, test = self._answer(rows if self._fixed else None, new)
        answers = np.full(take.shape, np.inf)
        answers[which, column] = val
        lowest = answers.argmin(axis=1)            # first in query order on ties
        asked = take.any(axis=1)
        best = self.best_arch[trials]
        candidate = archs[np.arange(len(trials)), lowest]
        better = asked & ((best < 0) | (answers[np.arange(len(trials)), lowest] < self.memo_val[trials, np.maximum(best, 0)]))
        self.best_arch[trials[better]] = candidate[better]
        self.queried[rows, new] = True
        self.memo_val[rows, new], self.memo_test[rows, new] = val, test
        self.archs[rows, position], self.val[rows, position], self.test[rows, position] = new, val, test
        self.iteration[rows, position] = np.broadcast_to(np.asarray(iteration), trials.shape)[which]
        self.parent[rows, position] = np.broadcast_to(np.asarray(parent), trials.shape)[which]
        self.counts[trials] += take.sum(axis=1)
        return rows, position


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
    open_val = np.full((trials, int(budget)), np.inf)          # the values of queried, not expanded architectures
    expanded = np.zeros((trials, n), dtype=bool)
    visits: list[tuple[np.ndarray, np.ndarray]] = []
    iteration = np.ones(trials, dtype=np.int64)
    everyone = np.arange(trials)

    def note(rows: np.ndarray, positions: np.ndarray) -> None:
        open_val[rows, positions] = log.val[rows, positions]

    if starts is None:
        v = _random_starts(log, everyone, n, k_init, rng, note)
    else:
        starts = np.asarray(starts, dtype=np.int64)
        if starts.shape != (trials,) or starts.min() < 0 or starts.max() >= n:
            raise ValueError(f"starts must hold one architecture in 0..{n - 1} per trial ({trials}), got {starts!r}")
        note(*log.ask_rows(everyone, starts[:, None], np.ones((trials, 1), dtype=bool)))
        v = starts.copy()
    unique_rows = _rows_are_distinct(table)
    columns = np.arange(table.shape[1])
    while True:
        active = np.flatnonzero((log.counts < stop) & (v >= 0))
        if active.shape[0] == 0:
            break
        here = v[active]
        expanded[active, here] = True
        open_val[active] = np.where(log.archs[active] == here[:, None], np.inf, open_val[active])
        visits.append((active, here))
        neighbours = table[here]
        if first_lower:
            neighbours = np.take_along_axis(neighbours, rng.permuted(np.tile(columns, (active.shape[0], 1)), axis=1), 1)
        fresh = ~log.queried[active[:, None], neighbours]
        if not unique_rows:
            fresh &= _first_in_row(neighbours)
        take = fresh
        if first_lower:
            lower = fresh & (losses.validation[active[:, None], neighbours] < log.memo_val[active, here][:, None])
            first = np.where(lower.any(axis=1), lower.argmax(axis=1), columns[-1])
            take = fresh & (columns <= first[:, None])
        note(*log.ask_rows(active, neighbours, take, iteration[active], here))
        iteration[active] += 1
        move = np.full(active.shape[0], -1, dtype=np.int64)
        if not first_lower:   # the best open neighbour (first in table order) when it is strictly lower
            open_nbrs = log.queried[active[:, None], neighbours] & ~expanded[active[:, None], neighbours]
            values = np.where(open_nbrs, log.memo_val[active[:, None], neighbours], np.inf)
            best = values.argmin(axis=1)
            better = values[np.arange(active.shape[0]), best] < log.memo_val[active, here]
            move[better] = neighbours[np.arange(active.shape[0]), best][better]
        jump = move < 0
        if jump.any():
            rows = active[jump]
            lowest = open_val[rows].min(axis=1)
            ties = open_val[rows] == lowest[:, None]
            chosen = np.where(ties, log.archs[rows], n).min(axis=1)
            move[jump] = np.where(np.isfinite(lowest), chosen, -1)
            empty = rows[~np.isfinite(lowest)]
            if empty.shape[0]:     # everything queried is expanded: fresh random starts
                unfinished = empty[log.counts[empty] < stop]
                restart = _random_starts(log, unfinished, n, k_init, rng, note)
                move[np.isin(active, empty)] = -1
                move[np.searchsorted(active, unfinished)] = restart
        v[active] = move
    if visits:   # each trial's visited architectures, in step order
        rows = np.concatenate([rows for rows, _ in visits])
        archs = np.concatenate([here for _, here in visits])
        order = np.argsort(rows, kind="stable")
        ends = np.cumsum(np.bincount(rows, minlength=trials))
        for trial, part in enumerate(np.split(archs[order], ends[:-1])):
            log.paths[trial] = [(0, arch) for arch in part.tolist()]
    return log.result(algorithm)


def _random_starts(log: LockstepLog, rows: np.ndarray, n: int, k_init: int, rng: np.random.Generator, note) -> np.ndarray:
    """Query ``k_init`` uniform draws in each of ``rows``; return each row's best drawn architecture (first on ties),
    ``-1`` where none could be queried."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    draws = rng.integers(n, size=(rows.shape[0], k_init))
    take = ~log.queried[rows[:, None], draws] & _first_in_row(draws)
    note(*log.ask_rows(rows, draws, take, 0, -1))
    known = log.queried[rows[:, None], draws]
    values = np.where(known, log.memo_val[rows[:, None], draws], np.inf)
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


def _rows_are_distinct(table: np.ndarray) -> bool:
    ordered = np.sort(table, axis=1)
    return bool((ordered[:, 1:] != ordered[:, :-1]).all())
