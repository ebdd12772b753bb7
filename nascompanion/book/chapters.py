"""Each chapter of the book and the parameters it takes, declared as data.

A chapter notebook opens with a ``parameters`` cell (papermill's overrides land
right after it). This module says the same thing as data: each parameter's
name, type, default and allowed values, and whether the chapter reads the stored
histories of the model-based searches. The runner checks a run's parameters
against it before a kernel starts (:mod:`nascompanion.book.parameters`); a test
holds it equal to every chapter's ``parameters`` cell, names and defaults.

>>> CHAPTERS["theory"].parameter("seed")
Parameter(name='seed', default=0, kind='int', choices=(), low=0, high=4294967295)
>>> [c.name for c in CHAPTERS.values() if c.uses_store]
['real_noise', 'nas_comparison', 'anasod', 'pvll_nas', 'graph_landscapes']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nascompanion.book.notebook import SCALES
from nascompanion.data import DATASETS

KINDS: tuple[str, ...] = ("str", "int", "float", "source")
"""Parameter types: ``source`` is a data source, a path or a named source, never parsed as a number or list."""


@dataclass(frozen=True)
class Parameter:
    """One chapter parameter: its ``default``, its ``kind`` (one of :data:`KINDS`) and what is allowed:
    one of ``choices`` when given, a number in ``[low, high]`` (``None``: unbounded) otherwise."""

    name: str
    default: Any
    kind: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name} has kind {self.kind!r}; allowed: {', '.join(KINDS)}")


@dataclass(frozen=True)
class Chapter:
    """A chapter: its notebook's name, its parameters in the order of its ``parameters`` cell, and whether it
    reads the stored histories (:mod:`nascompanion.compare.store`) and the supernet's proxy tables."""

    name: str
    parameters: tuple[Parameter, ...]
    uses_store: bool = False

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; a ``ValueError`` naming the chapter's parameters if there is none."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        names = ", ".join(sorted(p.name for p in self.parameters))
        raise ValueError(f"chapter {self.name!r} has no parameter(s) {name}; its parameters: {names}")


SCALE = Parameter("scale", "paper", "str", choices=SCALES)
SEED = Parameter("seed", 0, "int", low=0)
SEED_32 = Parameter("seed", 0, "int", low=0, high=2**32 - 1)   # seeds a generator that takes 32 bits
DATASET = Parameter("dataset", "cifar10-valid", "str", choices=DATASETS)
DATA = Parameter("data", None, "source")
LEVEL = Parameter("level", 0.9, "float", low=0.5, high=0.99)

_ALL = (
    Chapter("search_space", (SCALE, DATASET, SEED, DATA)),
    Chapter("local_search", (SCALE, DATASET, SEED, DATA)),
    Chapter("noise_and_local_minima", (SCALE, DATASET, SEED, DATA)),
    Chapter("real_noise", (SCALE, SEED, DATA, LEVEL), uses_store=True),
    Chapter("theory", (SCALE, SEED_32, DATA)),
    Chapter("theory_meets_data", (SCALE, SEED_32, DATA)),
    Chapter("nas_comparison", (SCALE, SEED, DATA), uses_store=True),
    Chapter("anasod", (SCALE, SEED, DATA), uses_store=True),
    Chapter("pvll_nas", (SCALE, SEED, DATA), uses_store=True),
    Chapter("graph_landscapes", (SCALE, SEED, DATA), uses_store=True),
    Chapter("denoising_pipeline", (SCALE, SEED)),
)

CHAPTERS: dict[str, Chapter] = {chapter.name: chapter for chapter in _ALL}
"""Every chapter in book order, by name (the name of its file in ``notebooks/``)."""


def chapter(name: str) -> Chapter:
    """The chapter called ``name``.

    Raises
    ------
    ValueError
        If there is none; the message lists the chapters.

    Examples
    --------
    >>> chapter("theory").uses_store
    False
    >>> chapter("intro")
    Traceback (most recent call last):
    ...
    ValueError: unknown chapter 'intro'; chapters: search_space, local_search, noise_and_local_minima, real_noise, theory, theory_meets_data, nas_comparison, anasod, pvll_nas, graph_landscapes, denoising_pipeline
    """
    if not isinstance(name, str) or name not in CHAPTERS:
        raise ValueError(f"unknown chapter {name!r}; chapters: {', '.join(CHAPTERS)}")
    return CHAPTERS[name]
