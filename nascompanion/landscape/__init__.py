"""Loss landscapes: local-search maps, local minima and basins (:mod:`~nascompanion.landscape.stats`),
noise sweeps (:mod:`~nascompanion.landscape.noise`) and their figures (:mod:`~nascompanion.landscape.plots`)."""

from nascompanion.landscape.stats import (LandscapeStats, converge, landscape_stats, ls_map, preimage_counts,
                                          preimage_sizes, search_tree_sizes)

__all__ = ["LandscapeStats", "converge", "landscape_stats", "ls_map", "preimage_counts", "preimage_sizes",
           "search_tree_sizes"]
