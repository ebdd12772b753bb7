"""The one search-space interface every algorithm in the package uses.

An architecture is an ``int`` (its index in the space). A space answers five
questions about it, and nothing else: no file, benchmark or network lives here.

A space's nodes may have different numbers of neighbours (NAS-Bench-Graph: 9 to
124). The table then stays a rectangle ``(n, max_degree)``: row ``v`` lists
``v``'s ``degrees[v]`` neighbours first and repeats the last of them in the
remaining columns. A repeated neighbour leaves every minimum, maximum, "any" and
"all" over a row unchanged (so the local-minimum rules, the best neighbour and
local search read the padded table as they read a full one); what counts or draws
neighbours (:meth:`TableSpace.mutate`, a mean over a row) reads ``degrees``.
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
    features
        Optional categorical description of every architecture, shape
        ``(n, e)`` (NB201: the op code of each of the six edges); model-based
        searches use it for their kernels.
    degrees
        Optional number of neighbours of every node, shape ``(n,)``, each in
        ``1..s``: row ``v`` lists its neighbours in its first ``degrees[v]``
        columns and repeats the last of them after (:meth:`from_csr` builds such
        a table). ``None`` (or every degree ``s``): every column is a neighbour.

    Examples
    --------
    >>> cycle = TableSpace(np.array([[1, 3], [0, 2], [1, 3], [2, 0]]), name="C4")
    >>> cycle.neighbours(0).tolist()
    [1, 3]
    >>> star = TableSpace.from_csr(np.array([0, 3, 4, 5, 6]), np.array([1, 2, 3, 0, 0, 0]), name="star")
    >>> star.table.tolist(), star.neighbours(1).tolist(), star.degrees.tolist()
    ([[1, 2, 3], [0, 0, 0], [0, 0, 0], [0, 0, 0]], [0], [3, 1, 1, 1])
    """

    table: np.ndarray
    names: tuple[str, ...] | None = None
    name: str = "table"
    features: np.ndarray | None = field(default=None, repr=False)
    degrees: np.ndarray | None = field(default=None, repr=False)
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
        if self.features is not None and np.asarray(self.features).shape[:1] != (n,):
            raise ValueError(f"space {self.name!r} has {n} nodes but features for {np.asarray(self.features).shape[:1]}")
        if self.names is not None and len(self.names) != n:
            raise ValueError(f"space {self.name!r} has {n} nodes but {len(self.names)} names")
        table = table.copy()
        table.setflags(write=False)
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "degrees", _checked_degrees(self.degrees, table, self.name))

    @classmethod
    def from_csr(cls, indptr: np.ndarray, indices: np.ndarray, names: tuple[str, ...] | None = None,
                 name: str = "table", features: np.ndarray | None = None) -> "TableSpace":
        """A space from a CSR neighbourhood: node ``v``'s neighbours are ``indices[indptr[v]:indptr[v + 1]]``.

        Every node needs at least one neighbour; the relation must be symmetric (checked here on the
        pairs, which is faster than the table's check).

        >>> TableSpace.from_csr(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1])).table.tolist()  # 0 - 1 - 2
        [[1, 1], [0, 2], [1, 1]]
        """
        indptr, indices = np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64)
        if indptr.ndim != 1 or indptr.shape[0] < 2 or indptr[0] != 0 or indptr[-1] != indices.shape[0]:
            raise ValueError(f"indptr of space {name!r} must run from 0 to len(indices) = {indices.shape[0]}")
        degrees = np.diff(indptr)
        if (degrees < 1).any():
            raise ValueError(f"every node of space {name!r} needs a neighbour; node {int(np.argmax(degrees < 1))} "
                             f"has {int(degrees.min())}")
        n = degrees.shape[0]
        if ((indices < 0) | (indices >= n)).any():
            raise ValueError(f"indices of space {name!r} refer to nodes outside 0..{n - 1}")
        rows = np.repeat(np.arange(n), degrees)
        if not np.array_equal(np.sort(rows * n + indices), np.sort(indices * n + rows)):
            raise ValueError(f"neighbourhood of space {name!r} is not symmetric")
        width = int(degrees.max())
        column = np.minimum(np.arange(width)[None, :], degrees[:, None] - 1)
        table = indices[indptr[:-1, None] + column]
        return cls(table, names=names, name=name, features=features, degrees=degrees, _check=False)

    @property
    def regular(self) -> bool:
        """Whether every node has the same number of neighbours (every column of the table is one)."""
        return self.degrees is None

    def degree_of(self, arch: int | np.ndarray) -> int | np.ndarray:
        """Number of neighbours of ``arch`` (one per architecture of an array).

        >>> hamming_space(2, 3).degree_of(np.array([0, 4])).tolist()
        [4, 4]
        """
        if self.degrees is None:
            return np.full(np.shape(arch), self.degree, dtype=np.int64) if np.ndim(arch) else self.degree
        return self.degrees[arch] if np.ndim(arch) else int(self.degrees[arch])

    def real_columns(self, archs: np.ndarray) -> np.ndarray | None:
        """Which columns of ``table[archs]`` are neighbours, not repeats; ``None`` for a regular space (all are)."""
        if self.degrees is None:
            return None
        return np.arange(self.degree) < self.degrees[np.asarray(archs)][..., None]

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """``(v, u)`` for every neighbour ``u`` of every node ``v``, each pair once (rows in node order).

        >>> [p.tolist() for p in TableSpace.from_csr(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1])).pairs()]
        [[0, 1, 1, 2], [1, 0, 2, 1]]
        """
        rows = np.repeat(np.arange(self.size), self.degree)
        if self.degrees is None:
            return rows, self.table.ravel()
        real = self.real_columns(np.arange(self.size)).ravel()
        return rows[real], self.table.ravel()[real]

    @property
    def size(self) -> int:
        """Number of architectures."""
        return self.table.shape[0]

    @property
    def degree(self) -> int:
        """Neighbours per architecture; the largest number (the table's width) when they vary (:attr:`degrees`)."""
        return self.table.shape[1]

    def sample(self, rng: np.random.Generator) -> int:
        """One architecture drawn uniformly at random."""
        return int(rng.integers(self.size))

    def neighbours(self, arch: int | np.ndarray) -> np.ndarray:
        """Neighbours of ``arch``, in the table's fixed order.

        An array of architectures gives their table rows: in a variable-degree space those
        end in repeats of the last neighbour (:meth:`real_columns` says which columns are not).
        """
        if self.degrees is None or np.ndim(arch):
            return self.table[arch]
        return self.table[arch, : self.degrees[arch]]

    def mutate(self, arch: int, rng: np.random.Generator) -> int:
        """A uniformly random neighbour of ``arch`` (a new architecture; ``arch`` is untouched)."""
        if self.degrees is None:
            return int(self.table[arch, rng.integers(self.degree)])
        return int(self.table[arch, rng.integers(self.degrees[arch])])

    def key(self, arch: int) -> str:
        """Human-readable name of ``arch``."""
        return self.names[arch] if self.names is not None else str(arch)

    def encode(self, arch: int) -> int:
        """The integer code of ``arch`` (its index in the table)."""
        return int(arch)


def nb201_space() -> TableSpace:
    """The NAS-Bench-201 space: 15,625 cells, 24 neighbours each, NB201 index order."""
    from nascompanion.spaces import nb201

    return TableSpace(nb201.neighbour_table(), names=nb201.arch_strings(), name="nb201",
                      features=nb201.ops_matrix(), _check=False)


def _checked_degrees(degrees: np.ndarray | None, table: np.ndarray, name: str) -> np.ndarray | None:
    """The read-only degrees of a table, ``None`` when every column is a neighbour; refuse what does not fit."""
    if degrees is None:
        return None
    degrees = np.asarray(degrees)
    n, width = table.shape
    if degrees.shape != (n,) or not np.issubdtype(degrees.dtype, np.integer):
        raise ValueError(f"degrees of space {name!r} must be {n} integers, got shape {degrees.shape}")
    if n and (degrees.min() < 1 or degrees.max() > width):
        raise ValueError(f"degrees of space {name!r} must lie in 1..{width} (the table's width)")
    if not n or (degrees == width).all():
        return None
    last = table[np.arange(n), degrees - 1]
    padding = np.arange(width)[None, :] >= degrees[:, None]
    if (padding & (table != last[:, None])).any():
        bad = int(np.argmax((padding & (table != last[:, None])).any(axis=1)))
        raise ValueError(f"row {bad} of space {name!r} must repeat its last neighbour after its {degrees[bad]} "
                         "neighbours")
    degrees = degrees.astype(np.int64)
    degrees.setflags(write=False)
    return degrees


def as_neighbour_table(graph: "TableSpace | np.ndarray", padded: bool = False) -> np.ndarray:
    """The neighbour table ``(n, s)`` of a :class:`TableSpace`, or ``graph`` itself when it is one.

    Every landscape statistic, sweep and simulation takes either, so a space is
    passed around as a space. A variable-degree space's table is refused unless
    ``padded`` (the caller reads rows only through minima, maxima, "any" or "all",
    which its repeated neighbours leave unchanged), so nothing averages or counts
    over the repeats unawares.

    Examples
    --------
    >>> as_neighbour_table(hamming_space(2, 2)).tolist()
    [[2, 1], [3, 0], [0, 3], [1, 2]]
    >>> as_neighbour_table(TableSpace.from_csr(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1]), name="path"))
    Traceback (most recent call last):
    ...
    ValueError: space 'path' has 1 to 2 neighbours per node; this computation needs a fixed degree
    """
    if isinstance(graph, TableSpace) and not graph.regular and not padded:
        raise ValueError(f"space {graph.name!r} has {int(graph.degrees.min())} to {int(graph.degrees.max())} "
                         "neighbours per node; this computation needs a fixed degree")
    table = graph.table if isinstance(graph, TableSpace) else np.asarray(graph)
    if table.ndim != 2 or not np.issubdtype(table.dtype, np.integer):
        raise ValueError(f"a neighbour table is a 2-d integer array (or pass a TableSpace); got shape {table.shape}, "
                         f"dtype {table.dtype}")
    return table


def space_features(space: TableSpace, features: np.ndarray | None = None) -> np.ndarray:
    """``features`` if given, else the space's own; an error naming the space when it has none."""
    if features is None:
        features = space.features
    if features is None:
        raise ValueError(f"space {space.name!r} has no features; pass features= (shape (n, e), categorical)")
    features = np.asarray(features)
    if features.ndim != 2 or features.shape[0] != space.size:
        raise ValueError(f"features must have shape ({space.size}, e), got {features.shape}")
    return features


def one_hot(features: np.ndarray) -> np.ndarray:
    """One-hot rows of categorical ``features`` ``(n, e)``: the Hamming distance of two rows is ``e`` minus
    the dot product of their one-hot rows.

    Examples
    --------
    >>> one_hot(np.array([[0, 2], [1, 2]])).tolist()
    [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
    """
    features = np.asarray(features, dtype=np.int64)
    codes = [np.unique(features[:, j], return_inverse=True)[1] for j in range(features.shape[1])]
    return np.concatenate([np.eye(int(c.max()) + 1)[c] for c in codes], axis=1)


# --------------------------------------------------------------------------- small graphs


def clique_table(m: int) -> np.ndarray:
    """Neighbour table of the clique :math:`K_m` (``b_1 = 1``, no ``b_k`` beyond)."""
    if m < 2:
        raise ValueError(f"a clique needs m >= 2 nodes, got {m}")
    full = np.tile(np.arange(m), (m, 1))
    return full[~np.eye(m, dtype=bool)].reshape(m, m - 1)


def cycle_table(m: int) -> np.ndarray:
    """Neighbour table of the cycle :math:`C_m` (degree 2)."""
    if m < 3:
        raise ValueError(f"a cycle needs m >= 3 nodes, got {m}")
    nodes = np.arange(m)
    return np.stack([(nodes - 1) % m, (nodes + 1) % m], axis=1)


def hamming_table(d: int, q: int) -> np.ndarray:
    """Neighbour table of the Hamming graph :math:`(K_q)^d`; ``hamming_table(6, 5)`` is NB201's graph up to relabelling.

    Examples
    --------
    >>> hamming_table(2, 3).shape
    (9, 4)
    """
    if d < 1 or q < 2:
        raise ValueError(f"a Hamming graph needs d >= 1 and q >= 2, got d={d}, q={q}")
    codes = np.arange(q**d)
    powers = q ** np.arange(d - 1, -1, -1)
    digits = (codes[:, None] // powers[None, :]) % q
    columns = []
    for e in range(d):
        for shift in range(1, q):
            new = (digits[:, e] + shift) % q
            columns.append(codes + (new - digits[:, e]) * powers[e])
    return np.stack(columns, axis=1)


def disjoint_copies(table: np.ndarray, copies: int) -> np.ndarray:
    """Neighbour table of ``copies`` disjoint copies of a graph (vectorised Monte Carlo on small graphs).

    Examples
    --------
    >>> disjoint_copies(np.array([[1], [0]]), 2).tolist()
    [[1], [0], [3], [2]]
    """
    table = np.asarray(table)
    n = table.shape[0]
    offsets = (np.arange(copies) * n)[:, None, None]
    return (table[None, :, :] + offsets).reshape(copies * n, table.shape[1])


def hamming_space(d: int, q: int) -> TableSpace:
    """The Hamming graph :math:`(K_q)^d` as a space; its features are each node's ``d`` digits.

    Examples
    --------
    >>> space = hamming_space(2, 3)
    >>> space.size, space.degree, space.features[5].tolist()
    (9, 4, [1, 2])
    """
    table = hamming_table(d, q)
    digits = (np.arange(q**d)[:, None] // q ** np.arange(d - 1, -1, -1)[None, :]) % q
    return TableSpace(table, name=f"hamming({d},{q})", features=digits)


def cycle_space(m: int) -> TableSpace:
    """The cycle :math:`C_m` as a space."""
    return TableSpace(cycle_table(m), name=f"cycle({m})")


def clique_space(m: int) -> TableSpace:
    """The clique :math:`K_m` as a space."""
    return TableSpace(clique_table(m), name=f"clique({m})")
