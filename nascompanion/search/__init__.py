"""Search algorithms over a :class:`~nascompanion.spaces.base.TableSpace` under a query budget."""

from nascompanion.search.bananas import bananas, bananas_trials, nb201_path_encoding
from nascompanion.search.bayesopt import bayesian_optimization, bayesopt_trials
from nascompanion.search.evolution import evolution_trials, regularized_evolution
from nascompanion.search.history import History, Recorder, best_so_far, best_so_far_index, curve_at
from nascompanion.search.local_search import (
    VARIANTS,
    ArrayObjective,
    FunctionObjective,
    Objective,
    SeedObjective,
    as_objective,
    benchmark_objective,
    local_search,
)
from nascompanion.search.random_search import random_search, random_search_trials
from nascompanion.search.trials import TrialLosses, trial_losses

__all__ = [
    "TrialLosses",
    "bananas",
    "bananas_trials",
    "bayesian_optimization",
    "bayesopt_trials",
    "evolution_trials",
    "nb201_path_encoding",
    "random_search",
    "random_search_trials",
    "regularized_evolution",
    "trial_losses",
    "VARIANTS",
    "ArrayObjective",
    "FunctionObjective",
    "History",
    "Objective",
    "Recorder",
    "SeedObjective",
    "as_objective",
    "benchmark_objective",
    "best_so_far",
    "best_so_far_index",
    "curve_at",
    "local_search",
]
