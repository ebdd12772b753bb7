"""Search algorithms over a :class:`~nascompanion.spaces.table.TableSpace` under a query budget.

Every algorithm is ``f(space, losses, budget, rng, **config)``, queries through one
:class:`~nascompanion.search.query_log.QueryLog` and returns a
:class:`~nascompanion.search.history.SearchResult`; :mod:`~nascompanion.search.registry`
finds them by name. :func:`local_search` also runs one search on any
:class:`~nascompanion.objectives.Objective` and returns its :class:`History`.
"""

from nascompanion.objectives import (
    ArrayObjective,
    FunctionObjective,
    Objective,
    SeedObjective,
    TrialLosses,
    as_objective,
    benchmark_objective,
    trial_losses,
)
from nascompanion.search.history import History, SearchResult, best_so_far, best_so_far_index, curve_at
from nascompanion.search.local_search import VARIANTS, local_search
from nascompanion.search.query_log import QueryLog

__all__ = [
    "VARIANTS",
    "ArrayObjective",
    "FunctionObjective",
    "History",
    "Objective",
    "QueryLog",
    "SearchResult",
    "SeedObjective",
    "TrialLosses",
    "as_objective",
    "benchmark_objective",
    "best_so_far",
    "best_so_far_index",
    "curve_at",
    "local_search",
    "trial_losses",
]
