"""Search spaces: architectures as integers, neighbours as a table (:mod:`~nascompanion.spaces.table`),
and the NAS-Bench-201 cell codec (:mod:`~nascompanion.spaces.nb201`)."""

from nascompanion.spaces.table import TableSpace, clique_space, cycle_space, hamming_space, nb201_space

__all__ = ["TableSpace", "clique_space", "cycle_space", "hamming_space", "nb201_space"]
