"""Objective versions: the loss vector a search sees (paper, Sec. 4).

The paper's "validation loss" on NAS-Bench-201 is ``100 - validation accuracy``
(an error rate in %), not cross-entropy. Four versions of it:

``denoised``
    100 - mean accuracy over the seeds the data has.
``standard``
    100 - the accuracy of one training seed, drawn per architecture. Needs
    per-seed data; mean-only data cannot give it.
``random``
    Uniform [0, 1] losses on the same graph (the paper's "fully random" version).
``noise``
    ``denoised + x * sigma * N(0, 1)``, with sigma the seed-to-seed standard
    deviation estimated from the data (``x = 0`` is denoised; ``x = 1`` mimics
    one seed; :func:`seed_noise` says which estimate). This is how the book
    simulates ``standard`` on mean-only data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

import numpy as np

from nascompanion.data.benchmark import Benchmark, SeedNoise

VERSIONS: tuple[str, ...] = ("denoised", "standard", "random", "noise")

MAX_TRIAL_BYTES = 4 * 2**30
"""The most memory :func:`trial_losses` may take for its loss arrays (4 GiB); more trials are refused."""


class ObjectiveUnavailableError(ValueError):
    """The requested objective version cannot be computed from this benchmark."""


def _need_rng(rng: np.random.Generator | None, version: str) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"objective version {version!r} is random: pass rng=np.random.default_rng(seed)")
    return rng


def seed_noise(benchmark: Benchmark, dataset: str, estimate: str = "auto") -> SeedNoise:
    """The seed-to-seed noise estimate used by ``noise(x)`` on ``dataset``.

    Per-seed data gives a pooled within-architecture SD of the validation
    accuracy, whatever ``estimate`` says. On mean-only data ``estimate`` is one
    of :data:`nascompanion.data.noise_scale.ESTIMATES`: ``"classes"`` (the spread
    of means within isomorphism classes of the better half of the NB201 cells,
    the book's choice), ``"best-cells"`` (the estimate the importer stored: one
    seed against the mean of the best ~1 % on the NB201 tables) or ``"auto"``
    (``"classes"`` on the 15,625 NB201 cells, else ``"best-cells"``). The
    returned ``method`` says which was used.

    Raises
    ------
    ObjectiveUnavailableError
        If the data allows no estimate of this kind for ``dataset``.
    ValueError
        If ``estimate`` is not one of the estimates.
    """
    from nascompanion.data import noise_scale
    from nascompanion.data import seed_noise as estimators

    if estimate not in noise_scale.ESTIMATES:
        raise ValueError(f"unknown seed-noise estimate {estimate!r}; choose one of {', '.join(noise_scale.ESTIMATES)}")
    results = benchmark.dataset(dataset)
    if results.per_seed and results.validation is not None:
        return estimators.from_seeds(results.validation)
    if estimate == "auto":
        estimate = "classes" if not results.per_seed and noise_scale.has_classes(benchmark) else "best-cells"
    if estimate == "best-cells" and results.seed_noise is not None:
        return results.seed_noise
    if estimate == "classes" and not results.per_seed:
        try:
            return noise_scale.class_estimate(benchmark, dataset)
        except ValueError as exc:
            raise ObjectiveUnavailableError(f"no {estimate!r} seed-noise estimate for {dataset!r}: {exc}") from None
    with_stored = [d for d in benchmark.datasets if benchmark.dataset(d).seed_noise] or ["none"]
    raise ObjectiveUnavailableError(
        f"no {estimate!r} seed-noise estimate for {dataset!r} in this benchmark ({benchmark.provenance.kind}); "
        f"datasets with a 'best-cells' one: {', '.join(with_stored)}"
    )


def searched_metric(benchmark: Benchmark, dataset: str) -> str:
    """The metric the book searches on: ``"validation"`` where the data has it, else ``"test"`` (a stand-in)."""
    return "validation" if benchmark.has_metric(dataset, "validation") else "test"


def present_seeds(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of per-seed ``values`` (NaN = missing): how many seeds are present, and the
    column order that lists the present seeds first."""
    present = ~np.isnan(values)
    return present.sum(axis=1), np.argsort(~present, axis=1, kind="stable")


def seed_columns(counts: np.ndarray, order: np.ndarray, rows: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Column of one present seed per entry of ``rows``, chosen uniformly by ``uniforms`` in [0, 1).

    ``counts`` and ``order`` come from :func:`present_seeds`; ``uniforms`` may add
    leading dimensions (e.g. one row of draws per trial).
    """
    pick = (uniforms * counts[rows]).astype(np.int64)
    return order[rows, pick]


def error(accuracy: np.ndarray) -> np.ndarray:
    """The paper's loss of an accuracy in %: ``100 - accuracy`` (an error rate in %)."""
    return 100.0 - np.asarray(accuracy, dtype=float)


def denoised_losses(benchmark: Benchmark, dataset: str, metric: str = "validation") -> np.ndarray:
    """``100 - mean accuracy over seeds`` for every cell: the denoised loss, the one place it is computed."""
    return error(np.nanmean(benchmark.accuracy(dataset, metric), axis=1))


def require_seeds(benchmark: Benchmark, dataset: str) -> None:
    """Raise :class:`ObjectiveUnavailableError` unless ``dataset`` has one result per training seed.

    The check draws no random numbers, so it leaves every stream as it was.
    """
    benchmark.dataset(dataset)
    if not benchmark.is_per_seed(dataset):
        raise ObjectiveUnavailableError(
            f"'standard' needs one training seed per query, but {dataset!r} in this benchmark "
            f"({benchmark.provenance.kind}) holds only means of seeds; use version='noise' with x=1 "
            "(denoised plus seed noise of the estimated size), or load an official NB201 file"
        )


def losses(
    benchmark: Benchmark,
    dataset: str,
    version: str,
    rng: np.random.Generator | None = None,
    x: float | None = None,
    metric: str = "validation",
) -> np.ndarray:
    """Loss of every cell under one objective version.

    Parameters
    ----------
    benchmark
        The data.
    dataset
        An NB201 dataset present in ``benchmark``.
    version
        One of ``"denoised"``, ``"standard"``, ``"random"``, ``"noise"``.
    rng
        Needed by ``standard``, ``random`` and ``noise``.
    x
        Noise multiplier for ``noise`` (``x >= 0``); not allowed otherwise.
    metric
        ``"validation"`` (the paper's objective) or ``"test"``. Where a source
        has no validation accuracy (e.g. cifar100 in the mean-of-seeds tables),
        a caller may search on ``"test"`` as a stand-in and must say so.

    Returns
    -------
    numpy.ndarray
        Shape ``(15625,)``, in NB201 index order; in % error, or in [0, 1] for
        ``random``.

    Raises
    ------
    ValueError
        For an unknown version, dataset or metric, a missing ``rng``, or a bad ``x``.
    ObjectiveUnavailableError
        For ``standard`` on mean-only data, or ``noise`` without a noise estimate.

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> bench = load_benchmark("nb201")
    >>> float(losses(bench, "cifar10-valid", "denoised").min())
    8.3933...
    """
    if version not in VERSIONS:
        raise ValueError(f"unknown objective version {version!r}; allowed: {', '.join(VERSIONS)}")
    if x is not None and version != "noise":
        raise ValueError(f"x is the noise multiplier of version 'noise'; it makes no sense with {version!r}")
    if version == "random":
        benchmark.dataset(dataset)
        return _need_rng(rng, version).uniform(0.0, 1.0, size=len(benchmark.arch_strings))
    if version == "denoised":
        return denoised_losses(benchmark, dataset, metric)
    accuracy = benchmark.accuracy(dataset, metric)
    if version == "standard":
        require_seeds(benchmark, dataset)
        rng = _need_rng(rng, version)
        rows = np.arange(accuracy.shape[0])
        column = seed_columns(*present_seeds(accuracy), rows, rng.random(rows.size))
        return error(accuracy[rows, column])
    # noise
    if x is None or not np.isfinite(x) or x < 0:
        raise ValueError(f"version 'noise' needs a noise multiplier x >= 0, got x={x!r}")
    rng = _need_rng(rng, version)
    sigma = seed_noise(benchmark, dataset).sigma
    base = denoised_losses(benchmark, dataset, metric)
    return base + x * sigma * rng.standard_normal(base.shape[0])


# --------------------------------------------------------------------------- what a search sees


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


def benchmark_objective(benchmark: Benchmark, dataset: str, version: str, rng: np.random.Generator | None = None,
                        x: float | None = None, metric: str = "validation") -> Objective:
    """The objective one search on a benchmark sees, for one of the paper's versions.

    ``denoised``, ``noise`` and ``random`` give an :class:`ArrayObjective`
    (test loss: the denoised test error; for ``random`` the random loss itself,
    which has no test counterpart). ``standard`` gives a :class:`SeedObjective`
    (one seed per query, drawn when the search asks) and needs per-seed data.
    """
    if version == "standard":
        require_seeds(benchmark, dataset)
        return SeedObjective(error(benchmark.accuracy(dataset, metric)), error(benchmark.accuracy(dataset, "test")))
    val = losses(benchmark, dataset, version, rng=rng, x=x, metric=metric)
    return ArrayObjective(val, val if version == "random" else denoised_losses(benchmark, dataset, "test"))


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


def trial_losses(
    benchmark: Benchmark,
    dataset: str,
    version: str,
    trials: int,
    rng: np.random.Generator,
    x: float | None = None,
    metric: str = "validation",
    test_dataset: str | None = None,
) -> TrialLosses:
    """What each of ``trials`` trials observes under one objective version.

    ``denoised`` is the same for every trial; ``noise`` and ``random`` draw a
    new landscape per trial; ``standard`` draws one seed per (trial,
    architecture) and reports that seed's test loss too (per-seed data only).

    ``test_dataset`` reports the test loss of another training of the same
    cells: on CIFAR-10 the authors search the ``cifar10-valid`` model's
    validation error and report the test error of the ``cifar10`` model
    (trained on train + valid). Its test loss is the mean over seeds (the two
    trainings share no seed), also for ``standard``.
    """
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 1:
        raise ValueError(f"trials must be an integer of at least 1, got {trials!r}")
    need = 2 * 8 * int(trials) * benchmark.accuracy(dataset, metric).shape[0]   # validation and test, float64
    if need > MAX_TRIAL_BYTES:
        raise ValueError(f"trials={trials} would need about {need / 1e9:.3g} GB for the trials' losses; the limit "
                         f"is {MAX_TRIAL_BYTES / 1e9:.3g} GB (objectives.MAX_TRIAL_BYTES): use fewer trials")
    reported = dataset if test_dataset is None else test_dataset
    if version == "standard":
        require_seeds(benchmark, dataset)
        val_seeds = error(benchmark.accuracy(dataset, metric))
        rows = np.arange(val_seeds.shape[0])
        column = seed_columns(*present_seeds(val_seeds), rows, rng.random((trials, rows.size)))
        if test_dataset is not None:
            return TrialLosses(val_seeds[rows, column], denoised_losses(benchmark, reported, "test"))
        test_seeds = error(benchmark.accuracy(dataset, "test"))
        return TrialLosses(val_seeds[rows, column], test_seeds[rows, column])
    test_mean = denoised_losses(benchmark, reported, "test")
    if version == "denoised":
        val = denoised_losses(benchmark, dataset, metric)
        return TrialLosses(np.broadcast_to(val, (trials, val.size)), test_mean)
    rows = [losses(benchmark, dataset, version, rng=rng, x=x, metric=metric) for _ in range(trials)]
    val = np.stack(rows)
    return TrialLosses(val, val if version == "random" else test_mean)


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
    if isinstance(losses, tuple) and len(losses) == 2:
        return TrialLosses(*losses)
    if isinstance(losses, np.ndarray) and losses.ndim in (1, 2):
        return TrialLosses(losses, losses)
    raise ValueError(
        "losses must be TrialLosses (see trial_losses(...)), an ArrayObjective, a (validation, test) pair "
        f"or an array of losses; got {type(losses).__name__}. A noisy objective drawn per query "
        "(SeedObjective) goes to local_search, or becomes TrialLosses with trial_losses(..., 'standard')"
    )
