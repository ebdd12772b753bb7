"""Search spaces: architectures as integers, neighbours as a table (:mod:`~nascompanion.spaces.table`, of fixed
or variable degree), the NAS-Bench-201 cell codec (:mod:`~nascompanion.spaces.nb201`) and NAS-Bench-Graph's
architectures and neighbourhood (:mod:`~nascompanion.spaces.graph_nas`)."""

from nascompanion.spaces.graph_nas import graph_space
from nascompanion.spaces.table import TableSpace, clique_space, cycle_space, hamming_space, nb201_space

__all__ = ["TableSpace", "clique_space", "cycle_space", "graph_space", "hamming_space", "nb201_space"]
