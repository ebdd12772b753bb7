"""What a search sees: an :class:`Objective` queried per architecture, or :class:`TrialLosses` fixed per trial.

A search may be given losses in several forms (arrays, a ``(validation, test)``
pair, a callable); :func:`as_objective` and :func:`as_trial_losses` turn each
into one of the two views, through one reading of pairs and arrays
(:func:`validation_and_test`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

import numpy as np

from nascompanion.objectives.loss import present_seeds, seed_columns


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
        if np.isnan(values[:, 0]).any():
            raise ValueError(f"the objective returned a NaN validation loss for architecture "
                             f"{int(np.asarray(archs)[np.isnan(values[:, 0])][0])}")
        return values[:, 0], values[:, 1]


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

    def first(self, count: int) -> "TrialLosses":
        """The first ``count`` trials (all of them if there are fewer)."""
        return TrialLosses(self.validation[:count], self.test[:count])


def validation_and_test(losses) -> tuple[np.ndarray, np.ndarray] | None:
    """The ``(validation, test)`` arrays of a pair, or of one array (its own test loss); ``None`` for
    anything else. Both coercers read pairs and arrays through this.

    Examples
    --------
    >>> [v.tolist() for v in validation_and_test(np.array([3.0, 1.0]))]
    [[3.0, 1.0], [3.0, 1.0]]
    >>> validation_and_test(len) is None
    True
    """
    if isinstance(losses, np.ndarray):
        return losses, losses
    if isinstance(losses, tuple) and len(losses) == 2 and not callable(losses[0]):
        return losses
    return None


def as_objective(objective) -> Objective:
    """Accept an :class:`Objective`, a ``(validation, test)`` pair of arrays, one array, or a callable.

    Examples
    --------
    >>> as_objective(np.array([3.0, 1.0])).query(np.array([1]), np.random.default_rng(0))[0].tolist()
    [1.0]
    """
    if isinstance(objective, Objective):
        return objective
    pair = validation_and_test(objective)
    if pair is not None:
        return ArrayObjective(*pair)
    if callable(objective):
        return FunctionObjective(objective)
    raise ValueError(
        "objective must be an Objective (with query(archs, rng)), a (validation, test) pair of arrays, "
        f"one array of losses, or a callable arch -> (validation, test); got {type(objective).__name__}"
    )


def as_trial_losses(losses) -> TrialLosses:
    """Accept :class:`TrialLosses`, an :class:`ArrayObjective`, a ``(validation, test)`` pair, or one array
    of losses (``(n,)`` for one trial, ``(trials, n)`` for several; the test loss is then the same array).

    Examples
    --------
    >>> as_trial_losses(np.array([3.0, 1.0])).trials
    1
    """
    if isinstance(losses, TrialLosses):
        return losses
    if isinstance(losses, ArrayObjective):
        return TrialLosses(losses.validation[None, :], losses.test)
    pair = validation_and_test(losses)
    if pair is not None and (not isinstance(losses, np.ndarray) or losses.ndim in (1, 2)):
        return TrialLosses(*pair)
    raise ValueError(
        "losses must be TrialLosses (see trial_losses(...)), an ArrayObjective, a (validation, test) pair "
        f"or an array of losses; got {type(losses).__name__}. A noisy objective drawn per query "
        "(SeedObjective) goes to local_search, or becomes TrialLosses with trial_losses(..., 'standard')"
    )
