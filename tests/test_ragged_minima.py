"""Local minima on a variable-degree (CSR) neighbourhood: a hand-checked graph, the vectorised count
against a plain loop on random graphs with many ties, and refusals of malformed input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nascompanion.landscape.ragged_minima import (
    RULES,
    count_local_minima,
    count_local_minima_loop,
    local_minima,
    lowest_neighbour_loss,
)


def csr(n: int, edges: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric CSR arrays of an undirected graph on ``n`` nodes (each edge listed once)."""
    pairs = sorted({(a, b) for a, b in edges if a != b} | {(b, a) for a, b in edges if a != b})
    rows = np.array([a for a, _ in pairs], dtype=np.int64)
    indices = np.array([b for _, b in pairs], dtype=np.int64)
    return np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]), indices


# A square 0-1-2-3-0, an edge 4-5 with equal losses, and an isolated node 6.
SQUARE = csr(7, [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5)])


def test_hand_checked_graph_counts_both_rules():
    loss = np.array([1.0, 2.0, 1.0, 3.0, 5.0, 5.0, 7.0])
    # 0 and 2 are below both neighbours; 4 and 5 tie each other; 6 has no neighbours.
    assert local_minima(loss, *SQUARE, "non-strict").tolist() == [True, False, True, False, True, True, True]
    assert local_minima(loss, *SQUARE, "strict").tolist() == [True, False, True, False, False, False, True]
    assert lowest_neighbour_loss(loss, *SQUARE).tolist() == [2.0, 1.0, 2.0, 1.0, 5.0, 5.0, np.inf]


def test_a_tie_with_the_lowest_neighbour_counts_only_under_the_non_strict_rule():
    loss = np.array([1.0, 2.0, 2.0, 3.0, 5.0, 6.0, 7.0])  # node 2 ties node 1, its lowest neighbour
    assert local_minima(loss, *SQUARE, "non-strict")[[0, 1, 2, 4]].tolist() == [True, False, True, True]
    assert local_minima(loss, *SQUARE, "strict")[[0, 1, 2, 4]].tolist() == [True, False, False, True]


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 14))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    loss = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))  # few values: many ties
    return np.array(loss, dtype=float), *csr(n, edges)


@given(graphs())
def test_vectorised_count_equals_the_loop(graph):
    loss, indptr, indices = graph
    strict, loose = (count_local_minima(loss, indptr, indices, rule) for rule in ("strict", "non-strict"))
    assert strict == count_local_minima_loop(loss, indptr, indices, "strict")
    assert loose == count_local_minima_loop(loss, indptr, indices, "non-strict")
    assert strict <= loose


@pytest.mark.parametrize(
    ("loss", "indptr", "indices", "message"),
    [
        ([0.0, 1.0], [0, 1, 2], [1, 2], r"indices must be node numbers in \[0, 2\)"),
        ([0.0, 1.0], [0, 1], [1], "indptr must be non-decreasing, of length len"),
        ([0.0, 1.0], [0, 2, 1], [1], "indptr must be non-decreasing"),
        ([0.0, 1.0], [0, 1, 2], [0, 0], "no self loops"),
        ([0.0, np.nan], [0, 1, 2], [1, 0], "without NaN"),
    ],
)
def test_malformed_input_is_refused(loss, indptr, indices, message):
    with pytest.raises(ValueError, match=message):
        count_local_minima(np.array(loss), np.array(indptr), np.array(indices))


@pytest.mark.parametrize("count", [count_local_minima, count_local_minima_loop])
def test_unknown_rule_is_refused(count):
    with pytest.raises(ValueError, match=f"rule must be one of {', '.join(RULES)}; got 'weak'"):
        count(np.zeros(1), np.array([0, 0]), np.array([], dtype=int), "weak")
