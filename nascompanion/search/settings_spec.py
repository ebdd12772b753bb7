"""What every registered search accepts: its numeric settings, their types and allowed ranges, held as data.

:func:`check_call` refuses a bad budget, random generator or setting with one
line naming it and what is allowed, before a search starts (a zero batch would
otherwise loop forever, a zero ``n_init`` fail deep inside a model fit). The
registry (:class:`~nascompanion.search.registry.Algorithm`) calls it for every
search; a range whose upper end is ``"space"`` ends at the space's size.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np


@dataclass(frozen=True)
class Spec:
    """One numeric setting: ``kind`` ``"int"`` or ``"float"``, allowed from ``low`` (excluded where
    ``low_open``) to ``high`` (a number, or ``"space"``: the space's size); ``optional``: ``None`` allowed.

    Examples
    --------
    >>> Spec("int", 1, "space").describe(100)
    'an integer in 1..100'
    >>> Spec("float", 0, low_open=True).describe(100)
    'a finite number above 0'
    """

    kind: str
    low: float
    high: float | str = math.inf
    low_open: bool = False
    optional: bool = False

    def top(self, space_size: int) -> float:
        """The upper end of the range in a space of ``space_size`` architectures."""
        return space_size if self.high == "space" else self.high

    def describe(self, space_size: int) -> str:
        """The allowed values in words."""
        high = self.top(space_size)
        if self.kind == "int":
            text = f"an integer in {self.low:g}..{high:g}" if high < math.inf else f"an integer of at least {self.low:g}"
        elif self.low_open:
            text = f"a finite number above {self.low:g}" + (f" and at most {high:g}" if high < math.inf else "")
        else:
            text = f"a finite number in [{self.low:g}, {high:g}]" if high < math.inf else \
                f"a finite number of at least {self.low:g}"
        return text + (", or None" if self.optional else "")

    def allows(self, value, space_size: int) -> bool:
        """Whether ``value`` has the right type and lies in the range."""
        if value is None:
            return self.optional
        if isinstance(value, (bool, np.bool_)):
            return False
        numeric = (int, np.integer) if self.kind == "int" else (int, float, np.integer, np.floating)
        if not isinstance(value, numeric) or (isinstance(value, (float, np.floating)) and not math.isfinite(value)):
            return False
        above = value > self.low if self.low_open else value >= self.low
        return bool(above and value <= self.top(space_size))


COUNT = Spec("int", 1, "space")
"""A number of distinct starting draws: at least one, at most the space's size."""

POSITIVE_INT = Spec("int", 1)
"""A count that a small space may exceed (the search then takes what there is): at least one."""

CANDIDATES = Spec("int", 1, 1000)
"""A count of parents or of mutations per parent: the model-based searches hold their product of candidates
in memory at once, so each is at most 1,000 (a million candidates; the book uses 10 and 10)."""

MEMBERS = Spec("int", 1, 100_000)
"""A population, tournament, candidate pool or network size held in memory: at most 100,000."""

POSITIVE = Spec("float", 0, low_open=True)
NON_NEGATIVE = Spec("float", 0)

_EVOLUTION = {"population": MEMBERS, "tournament": MEMBERS, "n_init": POSITIVE_INT}
_ANASOD_RS = {"beta_max": NON_NEGATIVE}
_MODEL = {"n_init": POSITIVE_INT, "parents": CANDIDATES, "per_parent": CANDIDATES, "batch": POSITIVE_INT}

SPECS: Mapping[str, Mapping[str, Spec]] = MappingProxyType({
    "local_search": {"k_init": COUNT},
    "random_search": {},
    "evolution": _EVOLUTION,
    "evolution_requery": _EVOLUTION,
    "bo": {**_MODEL, "refit_every": POSITIVE_INT},
    "bananas": _MODEL,
    "anasod_rs": _ANASOD_RS,
    "anasod_biased_rs": _ANASOD_RS,
    "anasod_ls": {"n_init": POSITIVE_INT},
    "anasod_bo": {"n_init": POSITIVE_INT, "pool": MEMBERS, "beta_max": NON_NEGATIVE},
    "pvll": {"warmup": POSITIVE_INT, "scale": POSITIVE, "max_samples": Spec("int", 1, optional=True)},
    "local_search_restart": {"k_init": COUNT},
})
"""Registry name -> setting -> :class:`Spec`, for every numeric setting a search takes directly."""

NESTED: Mapping[str, Mapping[str, Mapping[str, Spec]]] = MappingProxyType({
    "bananas": {"settings": {"members": CANDIDATES, "hidden": MEMBERS, "layers": CANDIDATES,
                             "epochs": POSITIVE_INT, "learning_rate": POSITIVE,
                             "batch_size": Spec("int", 1, optional=True)}},
    "pvll": {"settings": {"tau": POSITIVE, "lr": POSITIVE, "estimator_lr": POSITIVE, "hidden": MEMBERS,
                          "fit_steps": POSITIVE_INT, "refit_steps": Spec("int", 0), "memory": POSITIVE_INT,
                          "eps": NON_NEGATIVE}},
})
"""Registry name -> setting holding a settings object -> its numeric fields -> :class:`Spec`."""


def check_value(name: str, value, spec: Spec, space_size: int) -> None:
    """Refuse ``value`` of the setting ``name`` unless ``spec`` allows it, naming both.

    Examples
    --------
    >>> check_value("batch", 0, COUNT, 15625)
    Traceback (most recent call last):
    ...
    ValueError: batch must be an integer in 1..15625, got 0
    """
    if not spec.allows(value, space_size):
        raise ValueError(f"{name} must be {spec.describe(space_size)}, got {value!r}")


def check_call(algorithm: str, space_size: int, budget, rng, settings: Mapping) -> None:
    """Refuse a bad ``budget`` (an integer in ``1..space_size``), ``rng`` (a :class:`numpy.random.Generator`)
    or numeric setting of the registered ``algorithm``, with one line naming it and its allowed range.

    Examples
    --------
    >>> check_call("bo", 100, 5, np.random.default_rng(0), {"batch": 10})
    >>> check_call("bo", 100, 5, None, {})
    Traceback (most recent call last):
    ...
    ValueError: rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(0)), got None
    >>> check_call("local_search", 100, 5, np.random.default_rng(0), {"k_init": 10**8})
    Traceback (most recent call last):
    ...
    ValueError: local_search's k_init must be an integer in 1..100, got 100000000
    """
    check_value("budget", budget, COUNT, space_size)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(0)), got {rng!r}")
    for name, spec in SPECS.get(algorithm, {}).items():
        if name in settings:
            check_value(f"{algorithm}'s {name}", settings[name], spec, space_size)
    for name, fields in NESTED.get(algorithm, {}).items():
        given = settings.get(name)
        if given is None or not dataclasses.is_dataclass(given):
            continue
        for field, spec in fields.items():
            check_value(f"{algorithm}'s {name}.{field}", getattr(given, field), spec, space_size)
