"""What a search queried, in order, and the "best so far" curve the paper plots (Sec. 4).

The paper reports, after each query, "the test loss of the architecture with the
best validation loss that has been queried so far". :class:`History` holds the
queries; :func:`best_so_far` turns them into that curve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _frozen(values, dtype) -> np.ndarray:
    array = np.array(values, dtype=dtype, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class History:
    """The distinct architectures a search queried, in query order.

    Attributes
    ----------
    archs
        Architecture of every query, shape ``(q,)``; all distinct.
    validation
        Validation loss returned by each query (what the search sees).
    test
        Test loss of the same trained network (what the paper plots).
    iteration
        Iteration of Algorithm 1 within its run in which the query was made:
        0 for the initial random draw(s), ``i >= 1`` for the neighbourhood of
        ``v_i``.
    run
        Restart counter: 0 for the first run, ``r`` after ``r`` restarts.
    parent
        The architecture whose neighbourhood the query came from (``v_i``),
        or -1 for a random draw.
    path
        The architectures the search stood at, in order, shape ``(m, 2)`` with
        columns (run, architecture): ``v_1, v_2, ...`` of each run (for
        ``continue_at_min``, every expanded architecture).
    variant
        Name of the local-search variant (or of the algorithm) that made it.
    budget
        The query budget the search was given.

    Examples
    --------
    >>> h = History.from_arrays([4, 2, 7], [3.0, 1.0, 2.0], [30.0, 10.0, 20.0], [0, 1, 1])
    >>> best_so_far(h).tolist()
    [30.0, 10.0, 10.0]
    """

    archs: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    iteration: np.ndarray
    run: np.ndarray = field(default=None)
    parent: np.ndarray = field(default=None)
    path: np.ndarray = field(default=None)
    variant: str = "unknown"
    budget: int | None = None

    @classmethod
    def from_arrays(cls, archs, validation, test, iteration, run=None, parent=None, path=None,
                    variant: str = "unknown", budget: int | None = None) -> "History":
        """Build a history from array-likes (copied and made read-only)."""
        q = len(archs)
        run = np.zeros(q) if run is None else run
        parent = np.full(q, -1) if parent is None else parent
        path = np.zeros((0, 2)) if path is None else np.asarray(path).reshape(-1, 2)
        return cls(_frozen(archs, np.int64), _frozen(validation, float), _frozen(test, float),
                   _frozen(iteration, np.int64), _frozen(run, np.int64), _frozen(parent, np.int64),
                   _frozen(path, np.int64), variant, budget)

    def __post_init__(self) -> None:
        q = len(self.archs)
        defaults = {"run": np.zeros(q), "parent": np.full(q, -1), "path": np.zeros((0, 2))}
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, _frozen(value, np.int64))
        lengths = {len(self.archs), len(self.validation), len(self.test), len(self.iteration), len(self.run),
                   len(self.parent)}
        if len(lengths) != 1:
            raise ValueError(f"history arrays must have one length; got lengths {sorted(lengths)}")

    def __len__(self) -> int:
        return int(self.archs.shape[0])

    @property
    def best_index(self) -> int:
        """Position of the query with the lowest validation loss (the first, on ties)."""
        if len(self) == 0:
            raise ValueError("an empty history has no best query")
        return int(np.argmin(self.validation))

    @property
    def best_arch(self) -> int:
        """The architecture a budgeted search returns: lowest validation loss queried."""
        return int(self.archs[self.best_index])

    def run_path(self, run: int) -> np.ndarray:
        """The architectures run ``run`` stood at, in order (its last one is where it stopped)."""
        return self.path[self.path[:, 0] == run, 1]

    @property
    def restarts(self) -> int:
        """How many times the search restarted from a new random architecture."""
        return int(self.run.max()) if len(self) else 0


def best_so_far_index(validation: np.ndarray) -> np.ndarray:
    """Position of the best validation loss among the first ``t + 1`` queries, for every ``t``.

    A later query replaces the incumbent only if it is strictly lower. Works
    along the last axis, so a ``(trials, q)`` array gives every trial at once.

    Examples
    --------
    >>> best_so_far_index(np.array([3.0, 1.0, 1.0, 0.5])).tolist()
    [0, 1, 1, 3]
    >>> best_so_far_index(np.array([[2.0, 3.0], [2.0, 1.0]])).tolist()
    [[0, 0], [0, 1]]
    """
    validation = np.asarray(validation, dtype=float)
    if validation.shape[-1] == 0:
        return np.zeros(validation.shape, dtype=np.int64)
    running = np.minimum.accumulate(validation, axis=-1)
    before = np.concatenate([np.full(validation.shape[:-1] + (1,), np.inf), running[..., :-1]], axis=-1)
    improves = validation < before
    return np.maximum.accumulate(np.where(improves, np.arange(validation.shape[-1]), 0), axis=-1)


def best_so_far(history: History, which: str = "test") -> np.ndarray:
    """After each query, the ``which`` loss of the architecture with the best validation loss so far.

    Parameters
    ----------
    history
        A :class:`History`.
    which
        ``"test"`` (the paper's plots) or ``"validation"``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(history),)``.
    """
    if which not in ("test", "validation"):
        raise ValueError(f"which={which!r} is not allowed; choose one of: 'test', 'validation'")
    return getattr(history, which)[best_so_far_index(history.validation)]


def curve_at(history: History, budget: int, which: str = "test") -> np.ndarray:
    """:func:`best_so_far` padded to length ``budget`` (a search that stopped early keeps its value).

    Useful to average many runs of equal budget.
    """
    curve = best_so_far(history, which)
    if budget < len(curve):
        raise ValueError(f"budget={budget} is shorter than the history ({len(curve)} queries)")
    if len(curve) == 0:
        return np.full(budget, np.nan)
    return np.concatenate([curve, np.full(budget - len(curve), curve[-1])])


@dataclass(frozen=True, eq=False)
class SearchResult:
    """What every trial of one algorithm queried: the one result type of :mod:`nascompanion.search`.

    Attributes
    ----------
    algorithm
        Registry name of the algorithm.
    budget
        Distinct queries each trial was allowed.
    archs, validation, test
        Shape ``(trials, budget)``: each trial's queries in order and their
        answers; a trial that stopped early is padded with ``-1`` / NaN.
    counts
        Queries each trial made.
    histories
        One :class:`History` per trial (with iterations, restarts and paths).

    Examples
    --------
    >>> h = History.from_arrays([4, 2], [3.0, 1.0], [30.0, 10.0], [0, 1], budget=3)
    >>> result = SearchResult.from_histories("demo", 3, [h])
    >>> result.curves().tolist()
    [[30.0, 10.0, 10.0]]
    """

    algorithm: str
    budget: int
    archs: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    counts: np.ndarray
    histories: tuple[History, ...]

    @classmethod
    def from_histories(cls, algorithm: str, budget: int, histories) -> "SearchResult":
        """Stack per-trial histories (each at most ``budget`` long)."""
        histories = tuple(histories)
        trials = len(histories)
        archs = np.full((trials, budget), -1, dtype=np.int64)
        val, test = np.full((trials, budget), np.nan), np.full((trials, budget), np.nan)
        counts = np.array([len(h) for h in histories], dtype=np.int64)
        if (counts > budget).any():
            raise ValueError(f"a history is longer than the budget of {budget}")
        for t, h in enumerate(histories):
            archs[t, : len(h)], val[t, : len(h)], test[t, : len(h)] = h.archs, h.validation, h.test
        return cls(algorithm, budget, archs, val, test, counts, histories)

    @property
    def trials(self) -> int:
        """Number of trials."""
        return len(self.histories)

    def best_archs(self) -> np.ndarray:
        """The architecture each trial returns: its query of lowest validation loss (the earliest on ties)."""
        return np.array([h.best_arch for h in self.histories], dtype=np.int64)

    def curves(self, which: str = "test") -> np.ndarray:
        """Shape ``(trials, budget)``: after every query, the ``which`` loss of the best-by-validation query
        so far (the paper's plots); a trial that stopped early keeps its last value."""
        if which not in ("test", "validation"):
            raise ValueError(f"which={which!r} is not allowed; choose one of: 'test', 'validation'")
        padded = np.where(np.arange(self.budget) < self.counts[:, None], self.validation, np.inf)
        source = self.test if which == "test" else self.validation
        return np.take_along_axis(source, best_so_far_index(padded), axis=-1)
