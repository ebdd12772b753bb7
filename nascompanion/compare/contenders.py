"""The algorithms of the comparison and their knobs, as data.

:data:`KNOBS` maps an algorithm to the fields of a
:class:`~nascompanion.compare.experiment.Setting` that set its keyword arguments, and
:data:`SHAPERS` turns those into what the registered search takes where it is more than
the field's value (BANANAS' predictor by name, local search's first-lower rule that only
its continuing variant has). An algorithm without knobs runs with its registry defaults.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from nascompanion.compare.experiment import Setting
from nascompanion.search import registry
from nascompanion.search.bananas import AUTHORS_PREDICTOR, PredictorSettings

LABELS = {name: algorithm.label for name, algorithm in registry.ALGORITHMS.items()}
"""Reader's name of every registered algorithm."""

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
