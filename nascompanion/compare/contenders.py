"""The algorithms of the comparison and their knobs, as data.

A :class:`Setting` is an :class:`~nascompanion.compare.experiment.Experiment` and the
knobs of the algorithms that have any; :data:`KNOBS` maps an algorithm to the fields
of a :class:`Setting` that set its keyword arguments, and
:data:`SHAPERS` turns those into what the registered search takes where it is more than
the field's value (BANANAS' predictor by name, local search's first-lower rule that only
its continuing variant has). An algorithm without knobs runs with its registry defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from nascompanion.compare.experiment import Experiment
from nascompanion.search import registry
from nascompanion.search.bananas import AUTHORS_PREDICTOR, PredictorSettings

LABELS = {name: algorithm.label for name, algorithm in registry.ALGORITHMS.items()}
"""Reader's name of every registered algorithm."""

@dataclass(frozen=True)
class Setting(Experiment):
    """One cell of the comparison: the experiment and the algorithms' knobs (a flat record, the one a
    stored history is keyed by).

    The knobs' defaults are the authors' protocol on NAS-Bench-201 (naszilla 1.0):
    local search ``continue_at_min`` from the best of ``k_init = 10`` random
    cells, each neighbourhood scanned in a random order up to its first lower
    neighbour (``local_search_first_lower``; the paper's Algorithm 1 scans it all),
    BANANAS with the authors' predictor
    (:data:`~nascompanion.search.bananas.AUTHORS_PREDICTOR`: ten layers of width 20,
    batches of 32) trained for 150 epochs. ``bananas_predictor="book"`` is the
    book's earlier, cheaper predictor (three layers, full batch).

    Examples
    --------
    >>> s = Setting("toy", "denoised", trials=5, local_search_k_init=1)
    >>> s.experiment(), s.local_search_k_init   # doctest: +NORMALIZE_WHITESPACE
    (Experiment(dataset='toy', version='denoised', x=None, metric='validation', trials=5, budget=300, seed=0,
    test_dataset=None), 1)
    """

    local_search_variant: str = "continue_at_min"
    bananas_epochs: int = 150
    local_search_k_init: int = 10
    bananas_predictor: str = "authors"
    local_search_first_lower: bool = True

    def experiment(self) -> Experiment:
        """The experiment alone, without the knobs."""
        return Experiment(**{f: getattr(self, f) for f in Experiment.__dataclass_fields__})


KNOBS: dict[str, dict[str, str]] = {
    "local_search": {"variant": "local_search_variant", "k_init": "local_search_k_init",
                     "first_lower": "local_search_first_lower"},
    "bananas": {"settings": "bananas_predictor", "epochs": "bananas_epochs"},
}
"""Algorithm -> {its keyword argument or knob: the :class:`Setting` field holding it}."""

PREDICTORS = {"authors": AUTHORS_PREDICTOR, "book": PredictorSettings()}
"""BANANAS' predictors by the name a :class:`Setting` gives them."""


def _local_search(variant: str, k_init: int, first_lower: bool) -> dict:
    return {"variant": variant, "k_init": k_init, "first_lower": first_lower and variant == "continue_at_min"}


def _bananas(settings: str, epochs: int) -> dict:
    if settings not in PREDICTORS:
        raise ValueError(f"bananas_predictor={settings!r}; allowed: {', '.join(PREDICTORS)}")
    return {"settings": replace(PREDICTORS[settings], epochs=epochs)}


SHAPERS: dict[str, Callable[..., dict]] = {"local_search": _local_search, "bananas": _bananas}
"""Algorithm -> the function that makes its keyword arguments from its knobs."""


def algorithm_config(algorithm: str, setting: Setting) -> dict:
    """The keyword arguments the comparison passes to a registered algorithm beyond its registry defaults.

    Examples
    --------
    >>> algorithm_config("local_search", Setting("d", "denoised", local_search_variant="stop_at_min"))
    {'variant': 'stop_at_min', 'k_init': 10, 'first_lower': False}
    >>> algorithm_config("random_search", Setting("d", "denoised"))
    {}
    """
    knobs = {name: getattr(setting, field) for name, field in KNOBS.get(algorithm, {}).items()}
    return SHAPERS[algorithm](**knobs) if algorithm in SHAPERS else knobs
