"""The one search-space interface every algorithm in the package uses.

An architecture is an ``int`` (its index in the space). A space answers five
questions about it, and nothing else: no file, benchmark or network lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class TableSpace:
    """A finite search space given by its neighbour table.

    Parameters
    ----------
    table
        Integer array ``(n, s)``: row ``v`` lists the neighbours of ``v``. The
        relation must be symmetric (``u`` in row ``v`` iff ``v`` in row ``u``).
    names
        Optional human-readable name of every architecture.
    name
        Name of the space, used in messages and cache keys.

    Examples
    --------
    >>> cycle = TableSpace(np.array([[1, 3], [0, 2], [1, 3], [2, 0]]), name="C4")
    >>> cycle.neighbours(0).tolist()
    [1, 3]
    """

    table: np.ndarray
    names: tuple[str, ...] | None = None
    name: str = "table"
    _check: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        table = np.asarray(self.table)
        if table.ndim != 2 or not np.issubdtype(table.dtype, np.integer):
            raise ValueError(f"neighbour table of space {self.name!r} must be a 2-d integer array")
        n = table.shape[0]
        if table.size and (table.min() < 0 or table.max() >= n):
            raise ValueError(f"neighbour table of space {self.name!r} refers to nodes outside 0..{n - 1}")
        if self._check:
            rows = np.repeat(np.arange(n), table.shape[1])
            back = (table[table.ravel()] == rows[:, None]).any(axis=1)
            if not back.all():
                bad = int(rows[~back][0])
                raise ValueError(f"neighbour table of space {self.name!r} is not symmetric (node {bad})")
        if self.names is not None and len(self.names) != n:
            raise ValueError(f"space {self.name!r} has {n} nodes but {len(self.names)} names")
        table = table.copy()
        table.setflags(write=False)
        object.__setattr__(self, "table", table)

    @property
    def size(self) -> int:
        """Number of architectures."""
        return self.table.shape[0]

    @property
    def degree(self) -> int:
        """Neighbours per architecture."""
        return self.table.shape[1]

    def sample(self, rng: np.random.Generator) -> int:
        """One architecture drawn uniformly at random."""
        return int(rng.integers(self.size))

    def neighbours(self, arch: int) -> np.ndarray:
        """Neighbours of ``arch``, in the table's fixed order."""
        return self.table[arch]

    def mutate(self, arch: int, rng: np.random.Generator) -> int:
        """A uniformly random neighbour of ``arch`` (a new architecture; ``arch`` is untouched)."""
        return int(self.table[arch, rng.integers(self.degree)])

    def key(self, arch: int) -> str:
        """Human-readable name of ``arch``."""
        return self.names[arch] if self.names is not None else str(arch)

    def encode(self, arch: int) -> int:
        """The integer code of ``arch`` (its index in the table)."""
        return int(arch)


def nb201_space() -> TableSpace:
    """The NAS-Bench-201 space: 15,625 cells, 24 neighbours each, NB201 index order."""
    from nascompanion.spaces import nb201

    return TableSpace(nb201.neighbour_table(), names=nb201.arch_strings(), name="nb201", _check=False)
