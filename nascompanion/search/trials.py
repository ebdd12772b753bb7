"""Many independent trials of a search, run in lockstep as arrays.

A NAS comparison runs each algorithm 200 times. Running the trials one after
another in Python costs milliseconds per trial; running them side by side — one
array row per trial — costs the same numpy calls as one trial. Every algorithm in
:mod:`nascompanion.search` that is written this way takes a :class:`TrialLosses`
(the objective each trial sees) and returns one :class:`~nascompanion.search.history.History`
per trial.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nascompanion.search.history import History


@dataclass(frozen=True, eq=False)
class TrialLosses:
    """The losses each trial would observe, fixed in advance.

    Parameters
    ----------
    validation
        Shape ``(trials, n)``: the loss trial ``t`` sees when it queries an
        architecture. For a noisy objective every trial has its own draw (each
        architecture is queried at most once per trial, so one draw per
        (trial, architecture) is the same as a fresh draw per query).
    test
        Shape ``(trials, n)`` or ``(n,)``: the test loss reported for the same
        trained network.

    Examples
    --------
    >>> tl = TrialLosses(np.array([[3.0, 1.0], [2.0, 4.0]]), np.array([30.0, 10.0]))
    >>> tl.trials, tl.size
    (2, 2)
    """

    validation: np.ndarray
    test: np.ndarray

    def __post_init__(self) -> None:
        val = np.atleast_2d(np.asarray(self.validation, dtype=float))
        test = np.asarray(self.test, dtype=float)
        if test.ndim == 1:
            test = np.broadcast_to(test, val.shape)
        if test.shape != val.shape:
            raise ValueError(f"test losses {test.shape} do not match validation losses {val.shape}")
        if np.isnan(val).any():
            raise ValueError("validation losses contain NaN")
        object.__setattr__(self, "validation", val)
        object.__setattr__(self, "test", test)

    @property
    def trials(self) -> int:
        """Number of trials."""
        return self.validation.shape[0]

    @property
    def size(self) -> int:
        """Number of architectures."""
        return self.validation.shape[1]

    def query(self, trials: np.ndarray, archs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Validation and test loss of ``archs[i]`` in trial ``trials[i]``."""
        return self.validation[trials, archs], self.test[trials, archs]


def trial_losses(
    benchmark,
    dataset: str,
    version: str,
    trials: int,
    rng: np.random.Generator,
    x: float | None = None,
    metric: str = "validation",
) -> TrialLosses:
    """What each of ``trials`` trials observes under one objective version.

    ``denoised`` is the same for every trial; ``noise`` and ``random`` draw a
    new landscape per trial; ``standard`` draws one seed per (trial,
    architecture) and reports that seed's test loss too (per-seed data only).
    """
    from nascompanion import objectives

    if trials < 1:
        raise ValueError(f"trials must be at least 1, got {trials}")
    test_mean = 100.0 - np.nanmean(benchmark.accuracy(dataset, "test"), axis=1)
    if version == "denoised":
        val = objectives.losses(benchmark, dataset, "denoised", metric=metric)
        return TrialLosses(np.broadcast_to(val, (trials, val.size)), test_mean)
    if version == "standard":
        objectives.losses(benchmark, dataset, "standard", rng=rng, metric=metric)  # refuses mean-only data
        val_seeds = 100.0 - benchmark.accuracy(dataset, metric)
        test_seeds = 100.0 - benchmark.accuracy(dataset, "test")
        rows = np.arange(val_seeds.shape[0])
        column = objectives.seed_columns(*objectives.present_seeds(val_seeds), rows, rng.random((trials, rows.size)))
        return TrialLosses(val_seeds[rows, column], test_seeds[rows, column])
    rows = [objectives.losses(benchmark, dataset, version, rng=rng, x=x, metric=metric) for _ in range(trials)]
    val = np.stack(rows)
    return TrialLosses(val, val if version == "random" else test_mean)


class LockstepRecorder:
    """Query bookkeeping for ``trials`` searches that each make one query per step.

    It remembers which architectures each trial has queried (the budget counts
    distinct architectures) and the answers, and turns them into histories.
    """

    def __init__(self, losses: TrialLosses, budget: int) -> None:
        self.losses = losses
        self.budget = budget
        t, n = losses.trials, losses.size
        self.queried = np.zeros((t, n), dtype=bool)
        self.archs = np.full((t, budget), -1, dtype=np.int64)
        self.val = np.full((t, budget), np.nan)
        self.test = np.full((t, budget), np.nan)
        self.count = 0
        self._rows = np.arange(t)

    def record(self, archs: np.ndarray) -> np.ndarray:
        """Query one new architecture per trial; return their validation losses.

        Raises
        ------
        ValueError
            If an architecture was already queried by its trial, or the budget is spent.
        """
        if self.count >= self.budget:
            raise ValueError(f"budget of {self.budget} queries is spent")
        if self.queried[self._rows, archs].any():
            raise ValueError("an architecture was queried twice in one trial")
        val, test = self.losses.query(self._rows, archs)
        self.queried[self._rows, archs] = True
        self.archs[:, self.count], self.val[:, self.count], self.test[:, self.count] = archs, val, test
        self.count += 1
        return val

    def histories(self, algorithm: str) -> list[History]:
        """One :class:`History` per trial (iteration = query number)."""
        q = self.count
        return [
            History.from_arrays(self.archs[t, :q], self.val[t, :q], self.test[t, :q], np.arange(q),
                                variant=algorithm, budget=self.budget)
            for t in range(self.losses.trials)
        ]

    def best_so_far(self, which: str = "test") -> np.ndarray:
        """Shape ``(trials, count)``: the ``which`` loss of the best-by-validation query so far."""
        val = self.val[:, : self.count]
        best = np.minimum.accumulate(val, axis=1)
        before = np.concatenate([np.full((val.shape[0], 1), np.inf), best[:, :-1]], axis=1)
        position = np.maximum.accumulate(np.where(val < before, np.arange(self.count), 0), axis=1)
        source = self.test if which == "test" else self.val
        return np.take_along_axis(source[:, : self.count], position, axis=1)


def distinct_random(rng: np.random.Generator, queried: np.ndarray, count: int) -> np.ndarray:
    """For every trial (row of ``queried``), ``count`` distinct architectures it has not queried.

    Returns
    -------
    numpy.ndarray
        Shape ``(trials, count)``, in random order.
    """
    trials, n = queried.shape
    if count > n - queried.sum(axis=1).max():
        raise ValueError(f"fewer than {count} unqueried architectures left")
    out = np.empty((trials, count), dtype=np.int64)
    taken = queried.copy()
    rows = np.arange(trials)
    for slot in range(count):
        draw = rng.integers(n, size=trials)
        clash = taken[rows, draw]
        while clash.any():  # redraw, for the trials whose draw was taken, until all are new
            draw[clash] = rng.integers(n, size=int(clash.sum()))
            clash = taken[rows, draw]
        taken[rows, draw] = True
        out[:, slot] = draw
    return out


def neighbours_of_best(table: np.ndarray, archs: np.ndarray, val: np.ndarray, rng: np.random.Generator,
                       parents: int, per_parent: int) -> np.ndarray:
    """Candidates for model-based search: random neighbours of each trial's best queries.

    Parameters
    ----------
    table
        Neighbour table of the space, shape ``(n, s)``.
    archs, val
        Queries so far and their validation losses, shape ``(trials, m)``.
    parents, per_parent
        ``per_parent`` uniformly random neighbours (with repetition) of each of the
        ``parents`` best queries.

    Returns
    -------
    numpy.ndarray
        Shape ``(trials, parents * per_parent)``; may hold queried architectures.
    """
    order = np.argsort(val, axis=1, kind="stable")[:, :parents]
    best = np.take_along_axis(archs, order, axis=1)
    pick = rng.integers(table.shape[1], size=best.shape + (per_parent,))
    return table[best[..., None], pick].reshape(best.shape[0], -1)


def record_best_candidates(recorder: LockstepRecorder, candidates: np.ndarray, score: np.ndarray, count: int,
                           rng: np.random.Generator) -> int:
    """Query, in every trial, its ``count`` unqueried candidates of lowest ``score``, one at a time.

    A trial with no unqueried candidate left queries a random unqueried
    architecture instead. ``score`` is modified. Returns the number of steps made.
    """
    rows = np.arange(candidates.shape[0])
    steps = min(count, recorder.budget - recorder.count)
    for _ in range(steps):
        score[recorder.queried[rows[:, None], candidates]] = np.inf
        choice = candidates[rows, np.argmin(score, axis=1)]
        none_left = ~np.isfinite(score.min(axis=1))
        if none_left.any():
            choice[none_left] = distinct_random(rng, recorder.queried[none_left], 1)[:, 0]
        recorder.record(choice)
    return steps
