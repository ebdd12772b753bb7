"""Loss landscapes: local-search maps, local minima and basins (:mod:`~nascompanion.landscape.stats`),
the standard landscape measures (:mod:`~nascompanion.landscape.measures`), noise sweeps
(:mod:`~nascompanion.landscape.noise`) and their figures (:mod:`~nascompanion.landscape.plots`)."""

from nascompanion.landscape.measures import LandscapeMeasures, landscape_measures
from nascompanion.landscape.stats import (LandscapeStats, converge, landscape_stats, local_minima, ls_map,
                                          preimage_counts, preimage_sizes, search_tree_sizes)

__all__ = ["LandscapeMeasures", "LandscapeStats", "converge", "landscape_measures", "landscape_stats",
           "local_minima", "ls_map", "preimage_counts", "preimage_sizes", "search_tree_sizes"]
