"""Every search algorithm of the package, found by name.

Each entry is a function ``f(space, losses, budget, rng, **config)`` that
queries through one :class:`~nascompanion.search.query_log.QueryLog` and
returns a :class:`~nascompanion.search.history.SearchResult`. The comparison
(:mod:`nascompanion.compare.run`), the related-approaches chapter and the
contract tests all go through this table.
"""

from __future__ import annotations

import difflib
import inspect
import platform
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np
import torch

from nascompanion.search.anasod_search import anasod_bo, anasod_local_search, anasod_random_search
from nascompanion.search.bananas import bananas
from nascompanion.search.bayesopt import bayesian_optimization
from nascompanion.search.evolution import regularized_evolution
from nascompanion.search.history import SearchResult
from nascompanion.search.local_search import local_search_trials
from nascompanion.search.pvll_search import pvll
from nascompanion.search.random_search import random_search
from nascompanion.search.restarting_local_search import restarting_local_search
from nascompanion.search.settings_spec import check_call
from nascompanion.spaces.table import TableSpace


@dataclass(frozen=True)
class Algorithm:
    """One registered search.

    Attributes
    ----------
    name
        Registry name (used in cache keys, tables and figures).
    label
        Name for readers, e.g. ``"regularized evolution"``.
    function
        ``f(space, losses, budget, rng, **config) -> SearchResult``.
    defaults
        The configuration the book uses unless told otherwise.
    nb201_only
        Whether it needs the NAS-Bench-201 cell structure (ANASOD, PVLL).
    distinct
        Whether every query is a new architecture (all but the re-querying
        evolution that reproduces the authors' code).
    platform
        For a search whose history depends on floating-point kernels (BANANAS'
        torch predictors): ``platform() -> str`` naming them, so a stored
        history is replayed exactly only where it is the same. ``None``: the
        history depends on the random stream alone.
    """

    name: str
    label: str
    function: Callable[..., SearchResult]
    defaults: Mapping = field(default_factory=dict)
    nb201_only: bool = False
    distinct: bool = True
    platform: Callable[[], str] | None = None

    @property
    def settings(self) -> tuple[str, ...]:
        """Names of the settings ``function`` takes after ``(space, losses, budget, rng)``."""
        return tuple(inspect.signature(self.function).parameters)[4:]

    def __call__(self, space: TableSpace, losses, budget: int, rng: np.random.Generator, **config) -> SearchResult:
        """Run the search after checking ``budget``, ``rng`` and every setting against its declaration
        (:data:`~nascompanion.search.settings_spec.SPECS`): a bad one is refused with one line naming it and
        what is allowed.

        Examples
        --------
        >>> from nascompanion.spaces import hamming_space
        >>> get("bo")(hamming_space(4, 3), np.zeros(81), 5, np.random.default_rng(0), batch=0)
        Traceback (most recent call last):
        ...
        ValueError: bo's batch must be an integer of at least 1, got 0
        """
        unknown = sorted(set(config) - set(self.settings))
        if unknown:
            raise ValueError(f"{self.name} has no setting(s) {', '.join(unknown)}; "
                             f"its settings: {', '.join(self.settings) or 'none'}")
        if not isinstance(space, TableSpace):
            raise ValueError(f"space must be a TableSpace (e.g. nascompanion.spaces.nb201_space()), "
                             f"got {type(space).__name__}")
        settings = {**self.defaults, **config}
        check_call(self.name, space.size, budget, rng, settings)
        return self.function(space, losses, budget, rng, **settings)


def cpu_model() -> str:
    """The CPU's model name as the operating system reports it (``/proc/cpuinfo`` on Linux), else
    :func:`platform.processor`, else ``"unknown CPU"``.

    Examples
    --------
    >>> isinstance(cpu_model(), str) and len(cpu_model()) > 0
    True
    """
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip() or "unknown CPU"
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def torch_platform() -> str:
    """The floating-point kernels a torch-trained search's history depends on on the CPU: torch's
    version, the instruction set its kernels use and the CPU model (the thread count does not matter).

    Two CPUs with the same instruction set can still round differently (the math libraries pick their
    kernels by vendor and model), so a history is promised to replay exactly only on the same model.

    Examples
    --------
    >>> torch_platform().startswith("torch ")
    True
    """
    return f"torch {torch.__version__}, cpu {torch.backends.cpu.get_cpu_capability()}, {cpu_model()}"


_ENTRIES = (
    Algorithm("local_search", "local search", local_search_trials, {"variant": "continue_at_min"}),
    Algorithm("random_search", "random search", random_search),
    Algorithm("evolution", "regularized evolution", regularized_evolution),
    Algorithm("evolution_requery", "regularized evolution, the authors' rule", regularized_evolution,
              {"requery": True, "population": 29}, distinct=False),
    Algorithm("bo", "Bayesian optimization (GP)", bayesian_optimization, {"batch": 10}),
    Algorithm("bananas", "BANANAS", bananas, platform=torch_platform),
    Algorithm("anasod_rs", "ANASOD-RS", anasod_random_search, {"beta_max": 0.0}, nb201_only=True),
    Algorithm("anasod_biased_rs", "ANASOD-biasedRS", anasod_random_search, {"beta_max": 2.0}, nb201_only=True),
    Algorithm("anasod_ls", "ANASOD-LS", anasod_local_search, nb201_only=True),
    Algorithm("anasod_bo", "ANASOD-BO", anasod_bo, nb201_only=True),
    Algorithm("pvll", "PVLL-NAS", pvll, nb201_only=True),
    Algorithm("local_search_restart", "local search, restarting at each minimum (naszilla's default)",
              restarting_local_search, {"k_init": 10}),
)

ALGORITHMS: Mapping[str, Algorithm] = MappingProxyType({a.name: a for a in _ENTRIES})
"""Every registered algorithm by name, in the order tables list them."""


def get(name: str) -> Algorithm:
    """The algorithm registered as ``name``.

    Raises
    ------
    ValueError
        For an unknown name, listing the registered ones (and the closest match).

    Examples
    --------
    >>> get("evolution").label
    'regularized evolution'
    """
    if name not in ALGORITHMS:
        close = difflib.get_close_matches(name, ALGORITHMS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown algorithm {name!r}; {hint}registered: {', '.join(ALGORITHMS)}")
    return ALGORITHMS[name]


def run(name: str, space: TableSpace, losses, budget: int, rng: np.random.Generator, **config) -> SearchResult:
    """Run the algorithm registered as ``name``: ``get(name)(space, losses, budget, rng, **config)``."""
    return get(name)(space, losses, budget, rng, **config)
