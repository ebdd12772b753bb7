"""Search algorithms over a :class:`~nascompanion.spaces.base.TableSpace` under a query budget."""

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

__all__ = [
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
