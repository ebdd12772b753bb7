"""The NAS-Bench-201 cell search space: codec, neighbour table and graph facts.

A cell is a complete DAG on four nodes; each of its six edges carries one of five
operations, so the space has ``5**6 = 15,625`` cells and its neighbourhood graph
(one operation changed) is the Hamming graph :math:`(K_5)^6` (paper, Sec. 5 and
Appendix A).

Every index in this module is NAS-Bench-201's own benchmark index. NB201 lists
its cells in lexicographic order of their operations (first edge slowest) and then
shuffles that list with Python's ``random.seed(88)``; :func:`index_order`
rebuilds that permutation, so no data file is needed to know the order.
"""

from __future__ import annotations

import random
from functools import lru_cache
from math import comb

import numpy as np

OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
"""The five operations, in NB201's order (their op codes are 0..4)."""

EDGES: tuple[tuple[int, int], ...] = ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2))
"""The six edges as (to-node, from-node), in architecture-string order."""

N_OPS = len(OPS)
N_EDGES = len(EDGES)
N_ARCHS = N_OPS**N_EDGES
DEGREE = N_EDGES * (N_OPS - 1)
"""Neighbours of every cell: 6 edges x 4 other operations = 24."""

_SHUFFLE_SEED = 88
_OP_INDEX = {op: i for i, op in enumerate(OPS)}
_POWERS = N_OPS ** np.arange(N_EDGES - 1, -1, -1)


@lru_cache(maxsize=1)
def index_order() -> np.ndarray:
    """Lexicographic code of every benchmark index.

    Returns
    -------
    numpy.ndarray
        ``codes[i]`` is the base-5 number whose digits (first edge most
        significant) are the op codes of the cell with benchmark index ``i``.
    """
    codes = list(range(N_ARCHS))
    random.Random(_SHUFFLE_SEED).shuffle(codes)
    out = np.asarray(codes, dtype=np.int64)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=1)
def _index_of_code() -> np.ndarray:
    inverse = np.empty(N_ARCHS, dtype=np.int64)
    inverse[index_order()] = np.arange(N_ARCHS)
    inverse.setflags(write=False)
    return inverse


@lru_cache(maxsize=1)
def ops_matrix() -> np.ndarray:
    """Op codes of every cell, shape ``(15625, 6)``, row ``i`` = benchmark index ``i``."""
    digits = (index_order()[:, None] // _POWERS[None, :]) % N_OPS
    out = digits.astype(np.int8)
    out.setflags(write=False)
    return out


def _check_index(index: int) -> int:
    if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"architecture index must be an integer, got {index!r}")
    if not 0 <= index < N_ARCHS:
        raise ValueError(f"architecture index {index} is outside 0..{N_ARCHS - 1}")
    return int(index)


def index_to_ops(index: int) -> tuple[int, ...]:
    """Op codes (one per edge, in :data:`EDGES` order) of a benchmark index."""
    return tuple(int(v) for v in ops_matrix()[_check_index(index)])


def ops_to_index(ops: tuple[int, ...] | list[int] | np.ndarray) -> int:
    """Benchmark index of a cell given its six op codes.

    Raises
    ------
    ValueError
        If there are not six codes or a code is outside 0..4.
    """
    ops = np.asarray(ops)
    if ops.shape != (N_EDGES,) or not np.all((ops >= 0) & (ops < N_OPS)):
        raise ValueError(f"a cell needs {N_EDGES} op codes in 0..{N_OPS - 1}, got {ops.tolist()}")
    return int(_index_of_code()[int(ops @ _POWERS)])


def ops_to_arch(ops: tuple[int, ...]) -> str:
    """Architecture string of a tuple of op codes."""
    names = [OPS[o] for o in ops]
    return "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*names)


def arch_to_ops(arch: str) -> tuple[int, ...]:
    """Op codes of an NB201 architecture string.

    Raises
    ------
    ValueError
        If the string is not a valid NB201 architecture string.
    """
    if not isinstance(arch, str):
        raise TypeError(f"architecture string expected, got {type(arch).__name__}")
    nodes = arch.split("+")
    expected = f"|op~0|+|op~0|op~1|+|op~0|op~1|op~2| with op in {', '.join(OPS)}"
    if len(nodes) != 3:
        raise ValueError(f"not an NB201 architecture string: {arch!r}; expected {expected}")
    ops: list[int] = []
    for to_node, node in enumerate(nodes, start=1):
        if not (node.startswith("|") and node.endswith("|")):
            raise ValueError(f"not an NB201 architecture string: {arch!r}; expected {expected}")
        parts = node[1:-1].split("|")
        if len(parts) != to_node:
            raise ValueError(f"not an NB201 architecture string: {arch!r}; expected {expected}")
        for from_node, part in enumerate(parts):
            name, _, source = part.partition("~")
            if name not in _OP_INDEX or source != str(from_node):
                raise ValueError(
                    f"not an NB201 architecture string: {arch!r} (bad edge {part!r}); expected {expected}"
                )
            ops.append(_OP_INDEX[name])
    return tuple(ops)


def index_to_arch(index: int) -> str:
    """Architecture string of a benchmark index.

    Examples
    --------
    >>> index_to_arch(0)
    '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|'
    """
    return ops_to_arch(index_to_ops(index))


def arch_to_index(arch: str) -> int:
    """Benchmark index of an architecture string.

    Examples
    --------
    >>> arch_to_index(index_to_arch(6111))
    6111
    """
    return ops_to_index(arch_to_ops(arch))


@lru_cache(maxsize=1)
def arch_strings() -> tuple[str, ...]:
    """All 15,625 architecture strings in benchmark index order."""
    return tuple(ops_to_arch(tuple(row)) for row in ops_matrix().tolist())


@lru_cache(maxsize=1)
def neighbour_table() -> np.ndarray:
    """Neighbours of every cell in the :math:`(K_5)^6` graph.

    Returns
    -------
    numpy.ndarray
        Integer array of shape ``(15625, 24)``. Row ``i`` lists the benchmark
        indices of the cells that differ from cell ``i`` in exactly one edge,
        ordered by edge (``EDGES`` order) and then by op code.

    Examples
    --------
    >>> table = neighbour_table()
    >>> table.shape
    (15625, 24)
    >>> bool((table[table[0]] == 0).any(axis=1).all())
    True
    """
    digits = ops_matrix().astype(np.int64)
    codes = index_order()
    columns = []
    for edge in range(N_EDGES):
        current = digits[:, edge]
        for k in range(N_OPS - 1):
            new_op = k + (k >= current)
            columns.append(codes + (new_op - current) * _POWERS[edge])
    table = _index_of_code()[np.stack(columns, axis=1)]
    table.setflags(write=False)
    return table


def hamming_distance(a: int | np.ndarray, b: int | np.ndarray) -> np.ndarray:
    """Graph distance in :math:`(K_5)^6`: the number of edges whose ops differ.

    Broadcasts over arrays of benchmark indices.
    """
    ops = ops_matrix()
    return (ops[np.asarray(a)] != ops[np.asarray(b)]).sum(axis=-1)


def distance_layer_sizes() -> np.ndarray:
    """Closed-form sizes :math:`|N_k(v)| = \\binom{6}{k} 4^k` for ``k = 0..6``."""
    return np.array([comb(N_EDGES, k) * (N_OPS - 1) ** k for k in range(N_EDGES + 1)])


def sample(rng: np.random.Generator, size: int | None = None) -> int | np.ndarray:
    """Benchmark indices drawn uniformly at random.

    Parameters
    ----------
    rng
        Source of randomness.
    size
        ``None`` for one index, else the number of indices (with replacement).
    """
    if size is None:
        return int(rng.integers(N_ARCHS))
    return rng.integers(N_ARCHS, size=size)


def _node_terms(ops: tuple[int, ...]) -> tuple:
    """Canonical value of the output node as a sorted tuple of terms.

    A node's value is the multiset of terms that sum into it: ``skip_connect``
    passes the terms of its input through, ``none`` and anything applied to a
    zero node contribute nothing, and any other op makes one opaque term
    ``(op, input terms)``.
    """
    values: list[tuple] = [(("input",),)]
    edge = 0
    for to_node in range(1, 4):
        terms: list = []
        for from_node in range(to_node):
            op = OPS[ops[edge]]
            edge += 1
            source = values[from_node]
            if op == "none" or not source:
                continue
            if op == "skip_connect":
                terms.extend(source)
            else:
                terms.append((op, source))
        values.append(tuple(sorted(terms, key=repr)))
    return values[3]


def canonical_form(index: int) -> str:
    """A string that two cells share exactly when they compute the same function.

    Two cells are treated as the same function when their output nodes expand to
    the same multiset of terms (``skip_connect`` is the identity, ``none`` is
    zero, sums are commutative). A cell whose output is zero has form ``"zero"``.
    """
    terms = _node_terms(index_to_ops(index))
    return repr(terms) if terms else "zero"


@lru_cache(maxsize=1)
def isomorphism_classes() -> np.ndarray:
    """Class label of every cell: equal labels mean the same computed function.

    Returns
    -------
    numpy.ndarray
        ``labels[i]`` is the benchmark index of the smallest-index cell with the
        same :func:`canonical_form` as cell ``i``.
    """
    first: dict[str, int] = {}
    labels = np.empty(N_ARCHS, dtype=np.int64)
    for i in range(N_ARCHS):
        labels[i] = first.setdefault(canonical_form(i), i)
    labels.setflags(write=False)
    return labels


def has_input_output_path(ops: np.ndarray | None = None) -> np.ndarray:
    """Whether each cell's output depends on its input (some path avoids ``none``).

    Parameters
    ----------
    ops
        Op-code rows; defaults to :func:`ops_matrix` (all cells in index order).
    """
    ops = ops_matrix() if ops is None else np.atleast_2d(ops)
    live = ops != 0
    reach1 = live[:, 0]
    reach2 = live[:, 1] | (live[:, 2] & reach1)
    return live[:, 3] | (live[:, 4] & reach1) | (live[:, 5] & reach2)


def layer_counts_from(index: int) -> np.ndarray:
    """Measured sizes of the distance layers around one cell, ``k = 0..6``."""
    distances = hamming_distance(index, np.arange(N_ARCHS))
    return np.bincount(distances, minlength=N_EDGES + 1)

