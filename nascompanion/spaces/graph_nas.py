"""NAS-Bench-Graph's space: its raw architectures, its canonical form and their neighbourhood.

An architecture is a macro DAG of four computing nodes, each with one input
(``links[i]`` is node ``i + 1``'s input: 0 the raw input, ``j`` computing node
``j``, so ``links[i] <= i``) and one operation (:data:`OPERATIONS`; proteins was
run with the five of :data:`PROTEINS_OPERATIONS` only). The benchmark lists the
nine input patterns of :data:`LINK_PATTERNS`; the other fifteen of the 24 DAGs
are relabellings of those. The benchmark's files key each result by the
package's hash of a canonical representative (``Arch.valid_hash``): it relabels
the DAG onto one of the nine patterns, moves skip connections that do not change
the computation to the front, sorts the operations of interchangeable nodes and
reads pattern and operations as the digits of a decimal number.
:func:`canonical_keys` is that mapping, vectorised over many architectures;
``tests/test_graph_nas_space.py`` checks it against the package on every raw
architecture.

Two distinct architectures (canonical keys) are neighbours when a representative
of one (any of the 24 DAGs with any operations) becomes a representative of the
other by changing one node's operation or one node's input. The all-skip
architecture is not in the benchmark and is left out. The degree varies from
node to node, so the neighbourhood is a CSR structure (:class:`GraphNasSpace`).

>>> int(canonical_keys(np.array([[0, 1, 2, 3]]), np.array([[1, 0, 8, 8]]))[0])
88810
>>> space = graph_nas_space("proteins")
>>> space.size, int(space.degrees().min()) > 0
(2021, True)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

OPERATIONS = ("gat", "gcn", "gin", "cheb", "sage", "arma", "graph", "fc", "skip")
"""The nine operations, in the package's order (the order its hash and sorting use)."""

PROTEINS_OPERATIONS = ("gcn", "sage", "arma", "fc", "skip")
"""The five operations proteins was run with; its keys still use the indices of :data:`OPERATIONS`."""

SKIP = OPERATIONS.index("skip")
"""Index of the skip connection, which passes its input through unchanged."""

LINK_PATTERNS = np.array(
    [[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 1], [0, 0, 1, 2], [0, 0, 1, 3],
     [0, 1, 1, 1], [0, 1, 1, 2], [0, 1, 2, 2], [0, 1, 2, 3]], dtype=np.int64)
"""The nine input patterns the benchmark lists; a key's leading digit is the row."""

SPACES = ("full", "proteins")
"""The two spaces: eight datasets share the nine-operation space, proteins has its own."""

NODES = 4
"""Computing nodes per architecture."""

SPACE_SIZES = {"full": 26206, "proteins": 2021}
"""Distinct architectures of each space (:func:`graph_nas_space` computes them; a test holds these equal)."""

# The fifteen other input patterns, relabelled onto one of the nine as the package does:
# (pattern, the pattern it becomes, which old node each new position takes its operation from).
_RELABEL = (
    ((0, 0, 0, 2), (0, 0, 0, 1), (1, 0, 2, 3)),
    ((0, 0, 0, 3), (0, 0, 0, 1), (2, 0, 1, 3)),
    ((0, 0, 1, 0), (0, 0, 0, 1), (0, 1, 3, 2)),
    ((0, 0, 2, 0), (0, 0, 0, 1), (1, 0, 3, 2)),
    ((0, 0, 2, 1), (0, 0, 1, 2), (1, 0, 2, 3)),
    ((0, 0, 2, 2), (0, 0, 1, 1), (1, 0, 2, 3)),
    ((0, 0, 2, 3), (0, 0, 1, 3), (1, 0, 2, 3)),
    ((0, 1, 0, 0), (0, 0, 0, 1), (0, 2, 3, 1)),
    ((0, 1, 0, 1), (0, 0, 1, 1), (0, 2, 1, 3)),
    ((0, 1, 0, 2), (0, 0, 1, 3), (0, 2, 1, 3)),
    ((0, 1, 0, 3), (0, 0, 1, 2), (0, 2, 1, 3)),
    ((0, 1, 1, 0), (0, 0, 1, 1), (0, 3, 1, 2)),
    ((0, 1, 1, 3), (0, 1, 1, 2), (0, 2, 1, 3)),
    ((0, 1, 2, 0), (0, 0, 1, 3), (0, 3, 1, 2)),
    ((0, 1, 2, 1), (0, 1, 1, 2), (0, 1, 3, 2)),
)

# Which positions hold interchangeable nodes for each of the nine patterns (sorted ascending).
_SORTED_POSITIONS = {0: (0, 1, 2, 3), 1: (1, 2), 2: (2, 3), 5: (1, 2, 3), 7: (2, 3)}
_PAIRED_PATTERN = 3  # [0, 0, 1, 2]: two chains of two; the chains are ordered by their operations


def _link_code(links: np.ndarray) -> np.ndarray:
    """Mixed-radix code in ``[0, 24)`` of each row of input patterns."""
    return links[:, 1] + 2 * links[:, 2] + 6 * links[:, 3]


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per link code: the pattern row it is relabelled to, the operation order, the row in LINK_PATTERNS or -1."""
    target = np.empty((24, NODES), dtype=np.int64)
    order = np.tile(np.arange(NODES), (24, 1))
    row = np.full(24, -1, dtype=np.int64)
    codes = _link_code(LINK_PATTERNS)
    row[codes] = np.arange(len(LINK_PATTERNS))
    target[codes] = LINK_PATTERNS
    for pattern, into, perm in _RELABEL:
        code = _link_code(np.array([pattern]))[0]
        target[code], order[code] = into, perm
    return target, order, row


_TARGET, _ORDER, _ROW = _tables()


def all_links() -> np.ndarray:
    """The 24 input patterns (``links[i] <= i``), shape ``(24, 4)``, in link-code order.

    >>> all_links().shape
    (24, 4)
    """
    grid = np.stack(np.meshgrid([0], [0, 1], [0, 1, 2], [0, 1, 2, 3], indexing="ij"), -1).reshape(-1, NODES)
    return grid[np.argsort(_link_code(grid), kind="stable")]


def operation_indices(space: str) -> np.ndarray:
    """Indices into :data:`OPERATIONS` of the operations a space uses.

    >>> operation_indices("proteins").tolist()
    [1, 4, 5, 7, 8]
    """
    _check_space(space)
    names = OPERATIONS if space == "full" else PROTEINS_OPERATIONS
    return np.array([OPERATIONS.index(n) for n in names], dtype=np.int64)


def _check_space(space: str) -> None:
    if space not in SPACES:
        raise ValueError(f"space must be one of {', '.join(SPACES)}; got {space!r}")


def raw_architectures(space: str, patterns: np.ndarray = LINK_PATTERNS) -> tuple[np.ndarray, np.ndarray]:
    """Every input pattern of ``patterns`` with every operation list of a space.

    Returns ``(links, ops)`` of shapes ``(n, 4)``; ``n = len(patterns) * k**4`` for ``k``
    operations (the all-skip lists included).

    >>> links, ops = raw_architectures("full")
    >>> links.shape, ops.shape
    ((59049, 4), (59049, 4))
    """
    choice = operation_indices(space)
    k = len(choice)
    digits = (np.arange(k**NODES)[:, None] // k ** np.arange(NODES - 1, -1, -1)) % k
    ops = np.tile(choice[digits], (len(patterns), 1))
    links = np.repeat(np.asarray(patterns, dtype=np.int64), k**NODES, axis=0)
    return links, ops


def _check_inputs(links: np.ndarray, ops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    links, ops = np.asarray(links), np.asarray(ops)
    if links.ndim != 2 or links.shape[1] != NODES or ops.shape != links.shape:
        raise ValueError(f"links and ops must both have shape (n, {NODES}); got {links.shape} and {ops.shape}")
    if ((links < 0) | (links > np.arange(NODES))).any():
        raise ValueError("links must have 0 <= links[:, i] <= i (each node's input is the raw input or an earlier node)")
    if ((ops < 0) | (ops >= len(OPERATIONS))).any():
        raise ValueError(f"ops must be indices in [0, {len(OPERATIONS)}) into OPERATIONS")
    return links.astype(np.int64), ops.astype(np.int64)


def _relabel(links: np.ndarray, ops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    code = _link_code(links)
    return _TARGET[code], np.take_along_axis(ops, _ORDER[code], axis=1)


def _from_input(links: np.ndarray, ops: np.ndarray, k: int) -> np.ndarray:
    """Whether node ``k`` and every node on its path back to the raw input are skips (it carries the raw input)."""
    node = np.full(len(links), k)
    clean = np.ones(len(links), dtype=bool)
    rows = np.arange(len(links))
    for _ in range(NODES):
        alive = node >= 0
        clean &= ~alive | (ops[rows, np.maximum(node, 0)] == SKIP)
        node = np.where(alive, links[rows, np.maximum(node, 0)] - 1, -1)
    return clean


def _move_to_front(links: np.ndarray, ops: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Move node ``k`` to the front: its children take its input, the nodes before it shift by one."""
    new_ops = np.concatenate([ops[:, k:k + 1], ops[:, :k], ops[:, k + 1:]], axis=1)
    parent = links[:, k:k + 1] + 1
    shifted = np.where(links == k + 1, parent, np.where(links <= k, links + 1, links))
    new_links = np.concatenate([np.zeros((len(links), 1), np.int64), shifted[:, :k], shifted[:, k + 1:]], axis=1)
    return new_links, new_ops


def _move_skips(links: np.ndarray, ops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The package's ``move_skip_op``: a skip moves to the front when it feeds a node, has no sibling
    (no other node with its input) or carries the raw input; two patterns are then relabelled."""
    for i in range(NODES):
        child = (links == i + 1).any(axis=1)
        others = np.delete(links, i, axis=1)
        sibling = (others == links[:, i:i + 1]).any(axis=1)
        move = (ops[:, i] == SKIP) & (child | ~sibling | (_from_input(links, ops, i) & ~child))
        if move.any():
            moved_links, moved_ops = _move_to_front(links[move], ops[move], i)
            links[move], ops[move] = moved_links, moved_ops  # fresh arrays: _relabel made them
    for pattern, perm in (((0, 1, 2, 1), (0, 1, 3, 2)), ((0, 1, 1, 3), (0, 2, 1, 3))):
        hit = (links == np.array(pattern)).all(axis=1)
        links = np.where(hit[:, None], LINK_PATTERNS[6], links)
        ops = np.where(hit[:, None], ops[:, perm], ops)
    return links, ops


def _sort_equal_parts(row: np.ndarray, ops: np.ndarray) -> np.ndarray:
    """The package's ``equalpart_sort``: interchangeable nodes take their operations in ascending order."""
    ops = ops.copy()
    for pattern, positions in _SORTED_POSITIONS.items():
        hit = row == pattern
        cols = list(positions)
        ops[np.ix_(hit, cols)] = np.sort(ops[np.ix_(hit, cols)], axis=1)
    paired = row == _PAIRED_PATTERN
    swap = paired & ((ops[:, 0] > ops[:, 1]) | ((ops[:, 0] == ops[:, 1]) & (ops[:, 2] > ops[:, 3])))
    ops[swap] = ops[swap][:, [1, 0, 3, 2]]
    return ops


def canonical_form(links: np.ndarray, ops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The package's canonical representative ``(pattern row, ops)`` of each architecture.

    Parameters
    ----------
    links, ops
        Shape ``(n, 4)``: each node's input (``0 <= links[:, i] <= i``) and operation index.

    >>> row, ops = canonical_form(np.array([[0, 0, 0, 0]]), np.array([[8, 3, 1, 0]]))
    >>> int(row[0]), ops[0].tolist()
    (5, [8, 0, 1, 3])
    """
    links, ops = _check_inputs(links, ops)
    links, ops = _move_skips(*_relabel(links, ops))
    row = _ROW[_link_code(links)]
    if (row < 0).any():  # pragma: no cover - every DAG of four nodes lands on a listed pattern
        raise ValueError("an architecture did not reduce to one of the nine listed input patterns")
    return row, _sort_equal_parts(row, ops)


def canonical_keys(links: np.ndarray, ops: np.ndarray) -> np.ndarray:
    """The benchmark's key (the package's ``Arch.valid_hash``) of each architecture, as int64.

    The key's decimal digits are the pattern row and the four operation indices of
    the canonical representative (:func:`canonical_form`).

    >>> canonical_keys(np.array([[0, 0, 0, 1], [0, 0, 0, 2]]), np.array([[1, 2, 3, 4], [2, 1, 3, 4]])).tolist()
    [11234, 11234]
    """
    row, ops = canonical_form(links, ops)
    return row * 10**NODES + ops @ (10 ** np.arange(NODES - 1, -1, -1))


ALL_SKIP_KEY = int(len(LINK_PATTERNS) - 1) * 10**NODES + SKIP * 1111
"""The key of the all-skip architecture, which the benchmark does not hold."""


@dataclass(frozen=True)
class GraphNasSpace:
    """Distinct architectures of one space and their variable-degree neighbourhood.

    Attributes
    ----------
    name
        ``"full"`` (nine operations) or ``"proteins"`` (five).
    keys
        Sorted canonical keys; node ``v`` is architecture ``keys[v]``.
    indptr, indices
        CSR neighbourhood: node ``v``'s neighbours are ``indices[indptr[v]:indptr[v + 1]]``,
        sorted; symmetric, without self loops (checked on construction).
    """

    name: str
    keys: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray

    def __post_init__(self) -> None:
        check_neighbourhood(self.indptr, self.indices, len(self.keys))

    @property
    def size(self) -> int:
        """Number of distinct architectures."""
        return len(self.keys)

    def degrees(self) -> np.ndarray:
        """Number of neighbours of each node."""
        return np.diff(self.indptr)

    def index_of(self, keys: np.ndarray) -> np.ndarray:
        """Node index of each key; a key not in the space is refused."""
        keys = np.asarray(keys)
        where = np.clip(np.searchsorted(self.keys, keys), 0, self.size - 1)
        if (self.keys[where] != keys).any():
            raise ValueError(f"keys not in the {self.name} space: {np.setdiff1d(keys, self.keys)[:5].tolist()}")
        return where


def check_neighbourhood(indptr: np.ndarray, indices: np.ndarray, n: int) -> None:
    """Refuse a CSR neighbourhood that is not well formed, sorted, symmetric and free of self loops.

    >>> check_neighbourhood(np.array([0, 1, 2]), np.array([1, 1]), 2)
    Traceback (most recent call last):
        ...
    ValueError: neighbourhood has self loops (node 1)
    """
    indptr, indices = np.asarray(indptr), np.asarray(indices)
    if indptr.shape != (n + 1,) or indptr[0] != 0 or indptr[-1] != len(indices) or (np.diff(indptr) < 0).any():
        raise ValueError(f"indptr must be non-decreasing, of length {n + 1}, from 0 to len(indices)")
    if indices.ndim != 1 or ((indices < 0) | (indices >= n)).any():
        raise ValueError(f"indices must be node numbers in [0, {n})")
    rows = np.repeat(np.arange(n), np.diff(indptr))
    loops = rows == indices
    if loops.any():
        raise ValueError(f"neighbourhood has self loops (node {int(rows[loops][0])})")
    forward = rows * n + indices
    if (np.diff(forward) <= 0).any():
        raise ValueError("each node's neighbours must be listed once each, in increasing order")
    if not np.array_equal(forward, np.sort(indices * n + rows)):
        raise ValueError("neighbourhood is not symmetric")


@functools.lru_cache(maxsize=1)
def _key_table() -> np.ndarray:
    """Canonical key of every architecture of the 24 input patterns x 9**4 operation lists.

    Row ``code * 9**4 + sum(ops[i] * 9**(3 - i))`` for link code ``code`` (see :func:`all_links`).
    """
    return canonical_keys(*raw_architectures("full", all_links()))


_LINK_WEIGHTS = np.array([0, 1, 2, 6])
"""How much each node's input adds to the link code."""


def _edges(space: str) -> tuple[np.ndarray, np.ndarray]:
    """Keys at both ends of every one-change move between representatives of a space (all-skip left out)."""
    table = _key_table()
    links, ops = raw_architectures(space, all_links())
    ops_weights = len(OPERATIONS) ** np.arange(NODES - 1, -1, -1)
    rows = _link_code(links) * len(OPERATIONS) ** NODES + ops @ ops_weights
    rows = rows[~(ops == SKIP).all(axis=1)]
    links, ops = links[~(ops == SKIP).all(axis=1)], ops[~(ops == SKIP).all(axis=1)]
    moves = []
    for i in range(NODES):
        for op in operation_indices(space):
            keep = ops[:, i] != op
            moves.append((rows[keep], rows[keep] + (op - ops[keep, i]) * ops_weights[i]))
        for source in range(i + 1):
            keep = links[:, i] != source
            step = (source - links[keep, i]) * _LINK_WEIGHTS[i] * len(OPERATIONS) ** NODES
            moves.append((rows[keep], rows[keep] + step))
    start = table[np.concatenate([m[0] for m in moves])]
    end = table[np.concatenate([m[1] for m in moves])]
    real = end != ALL_SKIP_KEY
    return start[real], end[real]


@functools.lru_cache(maxsize=None)
def graph_nas_space(space: str) -> GraphNasSpace:
    """The distinct architectures of ``"full"`` or ``"proteins"`` and their neighbourhood.

    Representatives are all 24 input patterns with every operation list of the
    space except all-skip; an edge joins the keys of a representative and of each
    one-change variant (one node's operation or one node's input) when they differ.
    A one-change move read backwards is one too, so the edges come out symmetric.
    """
    _check_space(space)
    start, end = _edges(space)
    keys = np.flatnonzero(np.bincount(start))
    lookup = np.full(int(keys[-1]) + 1, -1, dtype=np.int64)
    lookup[keys] = np.arange(len(keys))
    n = len(keys)
    pairs = lookup[start] * n + lookup[end]
    pairs = np.sort(pairs[start != end])
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
    rows, cols = pairs // n, pairs % n
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
    return GraphNasSpace(space, keys, indptr, cols)


def key_features(keys: np.ndarray) -> np.ndarray:
    """Categorical features of canonical keys, shape ``(n, 5)``: the four operation indices of the canonical
    representative (into :data:`OPERATIONS`), then its input pattern (row of :data:`LINK_PATTERNS`).

    >>> key_features(np.array([88810])).tolist()
    [[8, 8, 1, 0, 8]]
    """
    keys = np.asarray(keys, dtype=np.int64)
    ops = (keys[:, None] // 10 ** np.arange(NODES - 1, -1, -1)) % 10
    return np.concatenate([ops, (keys // 10**NODES)[:, None]], axis=1)


@functools.lru_cache(maxsize=None)
def graph_space(space: str = "full") -> "TableSpace":
    """NAS-Bench-Graph's space (``"full"``: nine operations, 26,206 architectures; ``"proteins"``: five, 2,021)
    as a variable-degree :class:`~nascompanion.spaces.table.TableSpace`.

    Node ``v`` is the architecture of canonical key ``graph_nas_space(space).keys[v]`` (its name is the key);
    its neighbours are those of :func:`graph_nas_space`, in increasing order. ``features`` are
    :func:`key_features`: the operation of each of the four computing nodes and the input pattern, all
    categorical, so the model-based searches' encoding (their one-hot rows) is one-hot operations (four
    blocks of one column per operation the space uses) followed by a one-hot input pattern (nine columns).

    >>> proteins = graph_space("proteins")
    >>> proteins.size, proteins.regular, proteins.features.shape
    (2021, False, (2021, 5))
    """
    from nascompanion.spaces.table import TableSpace

    csr = graph_nas_space(space)
    names = tuple(str(int(k)) for k in csr.keys)
    return TableSpace.from_csr(csr.indptr, csr.indices, names=names, name=f"nas-bench-graph-{space}",
                               features=key_features(csr.keys))
