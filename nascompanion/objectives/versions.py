"""The objective versions as one table: a spec (version, x, metric, reported dataset) -> the losses a search sees.

Each version (:data:`VERSIONS`) is one :class:`Version` entry of :data:`TABLE`: how
it draws every trial's validation losses, whether it needs a random stream, whether
its test loss is the drawn value itself, and, for ``standard``, how it answers per
query. :func:`trial_losses`, :func:`losses` and :func:`benchmark_objective` all read
this one table; none of them tests a version by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from nascompanion.data.benchmark import Benchmark
from nascompanion.objectives.loss import denoised_losses, error, present_seeds, require_seeds, seed_columns
from nascompanion.objectives.noise_scale import seed_noise
from nascompanion.objectives.views import ArrayObjective, Objective, SeedObjective, TrialLosses

VERSIONS: tuple[str, ...] = ("denoised", "standard", "random", "noise")

MAX_TRIAL_BYTES = 4 * 2**30
"""The most memory :func:`trial_losses` may take for its loss arrays (4 GiB); more trials are refused."""


@dataclass(frozen=True)
class ObjectiveSpec:
    """One objective: its version, the noise multiplier ``x`` (``noise`` only), the searched metric and
    the dataset whose test loss is reported (``None``: the searched one).

    Examples
    --------
    >>> ObjectiveSpec("noise", x=1.0).reported("cifar10-valid")
    'cifar10-valid'
    >>> ObjectiveSpec("denoised", x=1.0)
    Traceback (most recent call last):
    ...
    ValueError: x is the noise multiplier of version 'noise'; it makes no sense with 'denoised'
    """

    version: str
    x: float | None = None
    metric: str = "validation"
    test_dataset: str | None = None

    def __post_init__(self) -> None:
        if self.version not in VERSIONS:
            raise ValueError(f"unknown objective version {self.version!r}; allowed: {', '.join(VERSIONS)}")
        if self.x is not None and self.version != "noise":
            raise ValueError(f"x is the noise multiplier of version 'noise'; it makes no sense with {self.version!r}")
        if self.version == "noise" and (self.x is None or not np.isfinite(self.x) or self.x < 0):
            raise ValueError(f"version 'noise' needs a noise multiplier x >= 0, got x={self.x!r}")

    def reported(self, dataset: str) -> str:
        """The dataset whose test loss is reported when ``dataset`` is searched."""
        return dataset if self.test_dataset is None else self.test_dataset


SeedTest = Callable[[], np.ndarray] | None
"""The test losses of the very seeds a draw picked (computed on demand), or ``None``."""


def _denoised(benchmark: Benchmark, dataset: str, spec: ObjectiveSpec, trials: int,
              rng: np.random.Generator | None) -> tuple[np.ndarray, SeedTest]:
    val = denoised_losses(benchmark, dataset, spec.metric)
    return np.broadcast_to(val, (trials, val.size)), None


def _standard(benchmark: Benchmark, dataset: str, spec: ObjectiveSpec, trials: int,
              rng: np.random.Generator) -> tuple[np.ndarray, SeedTest]:
    require_seeds(benchmark, dataset)
    val_seeds = error(benchmark.accuracy(dataset, spec.metric))
    rows = np.arange(val_seeds.shape[0])
    column = seed_columns(*present_seeds(val_seeds), rows, rng.random((trials, rows.size)))
    return val_seeds[rows, column], lambda: error(benchmark.accuracy(dataset, "test"))[rows, column]


def _random(benchmark: Benchmark, dataset: str, spec: ObjectiveSpec, trials: int,
            rng: np.random.Generator) -> tuple[np.ndarray, SeedTest]:
    return rng.uniform(0.0, 1.0, size=(trials, benchmark.size(dataset))), None


def _noise(benchmark: Benchmark, dataset: str, spec: ObjectiveSpec, trials: int,
           rng: np.random.Generator) -> tuple[np.ndarray, SeedTest]:
    sigma = seed_noise(benchmark, dataset).sigma
    base = denoised_losses(benchmark, dataset, spec.metric)
    return base + spec.x * sigma * rng.standard_normal((trials, base.shape[0])), None


def _one_seed_per_query(benchmark: Benchmark, dataset: str, spec: ObjectiveSpec) -> Objective:
    require_seeds(benchmark, dataset)
    return SeedObjective(error(benchmark.accuracy(dataset, spec.metric)), error(benchmark.accuracy(dataset, "test")))


@dataclass(frozen=True)
class Version:
    """One objective version.

    Attributes
    ----------
    draw
        ``draw(benchmark, dataset, spec, trials, rng) -> (validation, seed_test)``: every trial's
        validation losses, shape ``(trials, n)``, and the test losses of the same drawn seeds
        (``None`` where the reported test loss is the denoised one).
        Each trial takes its draws from ``rng`` in turn, so the first trials do not depend on their count.
    random
        Whether ``draw`` needs a random stream.
    own_test
        Whether the test loss is the drawn validation loss itself (``random``: it has no test counterpart).
    per_query
        ``per_query(benchmark, dataset, spec) -> Objective`` for a version that draws on each query
        (``standard``: one training seed per query); ``None``: its single-trial losses are fixed.
    """

    draw: Callable[..., tuple[np.ndarray, SeedTest]]
    random: bool = True
    own_test: bool = False
    per_query: Callable[[Benchmark, str, ObjectiveSpec], Objective] | None = None


TABLE: Mapping[str, Version] = MappingProxyType({
    "denoised": Version(_denoised, random=False),
    "standard": Version(_standard, per_query=_one_seed_per_query),
    "random": Version(_random, own_test=True),
    "noise": Version(_noise),
})
"""Every objective version by name (the same names, in the same order, as :data:`VERSIONS`)."""


def _stream(rng: np.random.Generator | None, spec: ObjectiveSpec) -> np.random.Generator | None:
    if TABLE[spec.version].random and not isinstance(rng, np.random.Generator):
        raise ValueError(f"objective version {spec.version!r} is random: pass rng=np.random.default_rng(seed)")
    return rng


def _draw(benchmark: Benchmark, dataset: str, spec: ObjectiveSpec, trials: int,
          rng: np.random.Generator | None) -> tuple[np.ndarray, np.ndarray]:
    """Every trial's validation and test losses under ``spec``.

    The test loss is the drawn seed's (``standard`` on its own dataset), the drawn value itself
    (``random``), else the mean over seeds of ``spec.reported(dataset)``.
    """
    version = TABLE[spec.version]
    validation, seed_test = version.draw(benchmark, dataset, spec, trials, _stream(rng, spec))
    if version.own_test:
        return validation, validation
    if seed_test is not None and spec.test_dataset is None:
        return validation, seed_test()
    return validation, denoised_losses(benchmark, spec.reported(dataset), "test")


def _check_trials(benchmark: Benchmark, dataset: str, metric: str, trials: int) -> None:
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 1:
        raise ValueError(f"trials must be an integer of at least 1, got {trials!r}")
    need = 2 * 8 * int(trials) * benchmark.accuracy(dataset, metric).shape[0]   # validation and test, float64
    if need > MAX_TRIAL_BYTES:
        raise ValueError(f"trials={trials} would need about {need / 1e9:.3g} GB for the trials' losses; the limit "
                         f"is {MAX_TRIAL_BYTES / 1e9:.3g} GB (objectives.MAX_TRIAL_BYTES): use fewer trials")


def trial_losses(benchmark: Benchmark, dataset: str, version: str, trials: int, rng: np.random.Generator | None,
                 x: float | None = None, metric: str = "validation", test_dataset: str | None = None) -> TrialLosses:
    """What each of ``trials`` trials observes under one objective version.

    ``denoised`` is the same for every trial; ``noise`` and ``random`` draw a
    new landscape per trial; ``standard`` draws one seed per (trial,
    architecture) and reports that seed's test loss too (per-seed data only).

    ``test_dataset`` reports the test loss of another training of the same
    cells: on CIFAR-10 the authors search the ``cifar10-valid`` model's
    validation error and report the test error of the ``cifar10`` model
    (trained on train + valid). Its test loss is the mean over seeds (the two
    trainings share no seed), also for ``standard``.

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> tl = trial_losses(load_benchmark(None), "cifar10-valid", "noise", 3, np.random.default_rng(0), x=1.0)
    >>> tl.trials, tl.size
    (3, 15625)
    """
    return spec_trial_losses(benchmark, dataset, ObjectiveSpec(version, x, metric, test_dataset), trials, rng)


def spec_trial_losses(benchmark: Benchmark, dataset: str, spec: ObjectiveSpec, trials: int,
                      rng: np.random.Generator | None) -> TrialLosses:
    """What each of ``trials`` trials observes under the objective ``spec`` (see :func:`trial_losses`).

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> spec = ObjectiveSpec("denoised", test_dataset="cifar10")
    >>> tl = spec_trial_losses(load_benchmark(None), "cifar10-valid", spec, 2, None)
    >>> round(float(tl.test[1, tl.validation[1].argmin()]), 2)
    5.63
    """
    _check_trials(benchmark, dataset, spec.metric, trials)
    return TrialLosses(*_draw(benchmark, dataset, spec, trials, rng))


def losses(benchmark: Benchmark, dataset: str, version: str, rng: np.random.Generator | None = None,
           x: float | None = None, metric: str = "validation") -> np.ndarray:
    """Loss of every cell under one objective version (one trial's landscape).

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
    spec = ObjectiveSpec(version, x, metric)
    validation, _ = TABLE[version].draw(benchmark, dataset, spec, 1, _stream(rng, spec))
    return np.array(validation[0])


def benchmark_objective(benchmark: Benchmark, dataset: str, version: str, rng: np.random.Generator | None = None,
                        x: float | None = None, metric: str = "validation") -> Objective:
    """The objective one search on a benchmark sees, for one of the paper's versions.

    ``denoised``, ``noise`` and ``random`` give an :class:`ArrayObjective`
    (test loss: the denoised test error; for ``random`` the random loss itself,
    which has no test counterpart). ``standard`` gives a :class:`SeedObjective`
    (one seed per query, drawn when the search asks) and needs per-seed data.

    Examples
    --------
    >>> from nascompanion.data import load_benchmark
    >>> type(benchmark_objective(load_benchmark(None), "cifar10-valid", "denoised")).__name__
    'ArrayObjective'
    """
    spec = ObjectiveSpec(version, x, metric)
    if TABLE[version].per_query is not None:
        return TABLE[version].per_query(benchmark, dataset, spec)
    validation, test = _draw(benchmark, dataset, spec, 1, rng)
    return ArrayObjective(validation[0], np.broadcast_to(test, validation.shape)[0])
