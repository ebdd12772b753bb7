"""The one record of what a search asked: distinct queries per trial, under a budget.

Every algorithm of the package queries through a :class:`QueryLog`. The log
enforces the two rules of a budgeted search: a budget counts queries of
*distinct* architectures, and looking up an architecture that a trial has
already queried costs nothing and returns its first answer (even for a noisy
objective). It runs one trial or many side by side (one array row per trial),
so lockstep algorithms pay the numpy cost of one trial for all of them.
"""

from __future__ import annotations

import numpy as np

from nascompanion.objectives import Objective, TrialLosses
from nascompanion.search.history import History, SearchResult


class QueryLog:
    """Queries of ``trials`` searches, each within ``budget`` distinct architectures.

    Parameters
    ----------
    losses
        What each trial observes: a :class:`~nascompanion.objectives.TrialLosses`
        (losses fixed per trial), or for one trial an
        :class:`~nascompanion.objectives.Objective` that answers when asked
        (e.g. one training seed per query, drawn from ``rng``).
    budget
        Distinct queries allowed per trial (``>= 1``).
    rng
        Needed by an :class:`Objective` that draws noise; unused for ``TrialLosses``.
    repeats
        Let :meth:`record` query an architecture a trial already queried: it
        costs a query and returns the first answer. Only for reproducing
        searches that re-query (the authors' regularized evolution); the
        package's own searches never do.

    Attributes
    ----------
    archs, val, test
        Shape ``(trials, budget)``: every trial's queries in order and their
        answers (``-1`` / NaN after the last query).
    counts
        Queries made by each trial so far.
    queried
        Shape ``(trials, n)``: whether a trial has queried an architecture.
    memo_val, memo_test
        Shape ``(trials, n)``: the answer a trial got for every queried
        architecture (``inf`` / NaN for the others).

    Examples
    --------
    >>> log = QueryLog(TrialLosses(np.array([[3.0, 1.0, 2.0]]), np.array([30.0, 10.0, 20.0])), budget=2)
    >>> log.ask(np.array([2, 2, 0, 1]))   # 2 once, then 0; the budget stops 1
    2
    >>> log.history(0, "demo").archs.tolist(), log.best(0)
    ([2, 0], 2)
    """

    def __init__(self, losses: TrialLosses | Objective, budget: int, rng: np.random.Generator | None = None,
                 size: int | None = None, repeats: bool = False) -> None:
        if isinstance(losses, TrialLosses):
            trials, n = losses.trials, losses.size
        else:
            if size is None:
                raise ValueError("an Objective does not know its space: pass size=space.size")
            trials, n = 1, int(size)
        self.losses, self.budget, self.rng = losses, int(budget), rng
        self.size, self.trials = n, trials
        self.queried = np.zeros((trials, n), dtype=bool)
        self.memo_val = np.full((trials, n), np.inf)
        self.memo_test = np.full((trials, n), np.nan)
        self.archs = np.full((trials, self.budget), -1, dtype=np.int64)
        self.val = np.full((trials, self.budget), np.nan)
        self.test = np.full((trials, self.budget), np.nan)
        self.iteration = np.zeros((trials, self.budget), dtype=np.int64)
        self.run = np.zeros((trials, self.budget), dtype=np.int64)
        self.parent = np.full((trials, self.budget), -1, dtype=np.int64)
        self.counts = np.zeros(trials, dtype=np.int64)
        self.best_arch = np.full(trials, -1, dtype=np.int64)
        self.paths: list[list[tuple[int, int]]] = [[] for _ in range(trials)]
        self._rows = np.arange(trials)
        self._fixed = isinstance(losses, TrialLosses)
        self.repeats = repeats

    # ------------------------------------------------------------------ asking

    def _answer(self, trials: np.ndarray, archs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self._fixed:
            return self.losses.query(trials, archs)
        val, test = self.losses.query(archs, self.rng)
        return np.asarray(val, dtype=float), np.asarray(test, dtype=float)

    def _improve_best(self, trials: np.ndarray, archs: np.ndarray, val: np.ndarray) -> None:
        current = self.best_arch[trials]
        better = (current < 0) | (val < self.memo_val[trials, np.maximum(current, 0)])
        self.best_arch[trials[better]] = archs[better]

    def record(self, archs: np.ndarray) -> np.ndarray:
        """Lockstep: every trial queries one new architecture, ``archs[t]``; return the validation losses.

        Raises
        ------
        ValueError
            If a trial already queried its architecture, or the budget is spent.
        """
        count = int(self.counts[0])
        if count >= self.budget:
            raise ValueError(f"budget of {self.budget} queries is spent")
        if (self.counts != count).any():
            raise ValueError("record() needs every trial at the same number of queries; use ask() per trial")
        if not self.repeats and self.queried[self._rows, archs].any():
            raise ValueError("an architecture was queried twice in one trial")
        val, test = self._answer(self._rows, archs)
        self.queried[self._rows, archs] = True
        self._improve_best(self._rows, archs, val)
        self.memo_val[self._rows, archs], self.memo_test[self._rows, archs] = val, test
        self.archs[:, count], self.val[:, count], self.test[:, count] = archs, val, test
        self.iteration[:, count] = count
        self.counts += 1
        return val

    def ask(self, archs: np.ndarray, trial: int = 0, iteration: int = 0, run: int = 0, parent: int = -1) -> int:
        """Query, for one trial, those of ``archs`` it has not queried: in order, once each, within the budget.

        ``iteration``, ``run`` and ``parent`` are stored with the queries (see
        :class:`~nascompanion.search.history.History`). Returns how many were queried.
        """
        archs = np.asarray(archs, dtype=np.int64)
        known = self.queried[trial]
        new = archs[~known[archs]]
        if new.shape[0] > 1 and len(set(new.tolist())) < new.shape[0]:
            _, first = np.unique(new, return_index=True)
            new = new[np.sort(first)]
        start = int(self.counts[trial])
        new = new[: max(self.budget - start, 0)]
        k = int(new.shape[0])
        if k:
            val, test = self._answer(np.full(k, trial) if self._fixed else None, new)
            memo = self.memo_val[trial]
            lowest = int(val.argmin()) if k > 1 else 0
            best = int(self.best_arch[trial])
            if best < 0 or val[lowest] < memo[best]:
                self.best_arch[trial] = new[lowest]
            known[new] = True
            memo[new] = val
            self.memo_test[trial, new] = test
            stop = start + k
            rows = (self.archs[trial], self.val[trial], self.test[trial], self.iteration[trial], self.run[trial],
                    self.parent[trial])
            for row, values in zip(rows, (new, val, test, iteration, run, parent)):
                row[start:stop] = values
            self.counts[trial] = stop
        return k

    def visit(self, arch: int, trial: int = 0, run: int = 0) -> None:
        """Record that a trial's search now stands at ``arch`` (a ``v_i`` of Algorithm 1)."""
        self.paths[trial].append((run, int(arch)))

    # ------------------------------------------------------------------ state

    @property
    def count(self) -> int:
        """Queries made so far by the trial that made the most."""
        return int(self.counts.max())

    def left(self, trial: int = 0) -> int:
        """Queries left in a trial's budget."""
        return self.budget - int(self.counts[trial])

    def done(self, trial: int = 0) -> bool:
        """Whether a trial has spent its budget or queried the whole space."""
        return int(self.counts[trial]) >= min(self.budget, self.size)

    def best(self, trial: int = 0) -> int:
        """The queried architecture of lowest validation loss (the earliest on ties); -1 before any query."""
        return int(self.best_arch[trial])

    def unqueried(self, trial: int, cells: np.ndarray) -> np.ndarray:
        """Those of ``cells`` the trial has not queried, in order."""
        return cells[~self.queried[trial, cells]]

    # ------------------------------------------------------------------ results

    def history(self, trial: int, algorithm: str) -> History:
        """The frozen :class:`~nascompanion.search.history.History` of one trial."""
        q = int(self.counts[trial])
        path = np.array(self.paths[trial], dtype=np.int64).reshape(-1, 2)
        return History.from_arrays(self.archs[trial, :q], self.val[trial, :q], self.test[trial, :q],
                                   self.iteration[trial, :q], self.run[trial, :q], self.parent[trial, :q], path,
                                   variant=algorithm, budget=self.budget)

    def result(self, algorithm: str) -> SearchResult:
        """Every trial's queries as one :class:`~nascompanion.search.history.SearchResult`."""
        return SearchResult(algorithm, self.budget, self.archs.copy(), self.val.copy(), self.test.copy(),
                            self.counts.copy(), tuple(self.history(t, algorithm) for t in range(self.trials)))


class TrialView:
    """One trial of a :class:`QueryLog`, as a single-trial search walks it, with its own random stream.

    Examples
    --------
    >>> log = QueryLog(TrialLosses(np.array([[3.0, 1.0, 2.0]] * 2), np.zeros(3)), budget=2)
    >>> view = TrialView(log, 1, np.random.default_rng(0))
    >>> view.ask(np.array([2, 1])), view.best, view.done, log.counts.tolist()
    (2, 1, True, [0, 2])
    """

    def __init__(self, log: QueryLog, trial: int, rng: np.random.Generator | None = None) -> None:
        self.log, self.trial = log, trial
        self.rng = log.rng if rng is None else rng
        self.known = log.queried[trial]
        self.val = log.memo_val[trial]

    @property
    def done(self) -> bool:
        """Whether the trial has spent its budget or queried the whole space."""
        return self.log.done(self.trial)

    @property
    def count(self) -> int:
        """Queries the trial has made."""
        return int(self.log.counts[self.trial])

    @property
    def best(self) -> int:
        """The trial's queried architecture of lowest validation loss (-1 before any query)."""
        return self.log.best(self.trial)

    def ask(self, archs: np.ndarray, iteration: int = 0, run: int = 0, parent: int = -1) -> int:
        """:meth:`QueryLog.ask` for this trial."""
        return self.log.ask(archs, self.trial, iteration, run, parent)

    def visit(self, arch: int, run: int = 0) -> None:
        """:meth:`QueryLog.visit` for this trial."""
        self.log.visit(arch, self.trial, run)
