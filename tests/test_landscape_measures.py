"""The standard landscape measures: a hand-checked variable-degree graph, laws that hold on any graph,
and agreement with Table 1's statistics and plain reference loops."""

from __future__ import annotations

from collections import deque
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nascompanion.landscape import landscape_stats
from nascompanion.landscape.measures import (as_csr, correlation_length, distance_to_set,
                                             fitness_distance_correlation, global_basin_share, landscape_measures,
                                             random_walks, steepest_descent_map, walk_autocorrelation)
from nascompanion.landscape.measures_table import COLUMNS, Landscape, graph_landscapes, measures_table, nb201_landscapes
from nascompanion.landscape.ragged_minima import count_local_minima
from nascompanion.spaces.table import TableSpace, cycle_table, hamming_table

# --------------------------------------------------------------------------- the hand-checked graph
#
#   node(loss)
#
#   0(1) --- 1(3) --- 2(2)
#    |        |
#   3(1) --- 4(4) --- 5(0)
#
# Degrees 2, 3, 1, 2, 3, 1. Lowest neighbour of each node: 0 -> 3 (1), 1 -> 0 (1), 2 -> 1 (3),
# 3 -> 0 (1), 4 -> 5 (0), 5 -> 4 (4).
# Non-strict minima (no strictly lower neighbour): 0, 2, 3, 5 -> 4.  Strict: 2, 5 -> 2 (0 and 3 tie).
# Local search: 0 stays, 1 -> 0, 2 stays, 3 stays, 4 -> 5, 5 stays; only 4 and 5 reach the global
# minimum 5 -> basin share 2 / 6.
# Distances to 5: 5:0, 4:1, 1:2, 3:2, 0:3, 2:3.
# FDC: both loss and distance have mean 11/6; in sixths the deviations are
#   loss  (-5, 7, 1, -5, 13, -11),  distance (7, 1, 7, 1, -5, -11);
#   sum of products 30, sums of squares 390 and 246 -> r = 30 / sqrt(390 * 246).
# Rank FDC (ties averaged): loss ranks (2.5, 5, 4, 2.5, 6, 1), distance ranks (5.5, 3.5, 5.5, 3.5, 2, 1),
#   both of mean 3.5; deviations (-1, 1.5, 0.5, -1, 2.5, -2.5) and (2, 0, 2, 0, -1.5, -2.5);
#   sum of products 1.5, sums of squares 17 and 16.5 -> r = 1.5 / sqrt(17 * 16.5).

HAND_INDPTR = np.array([0, 2, 5, 6, 8, 11, 12])
HAND_INDICES = np.array([1, 3, 0, 2, 4, 1, 0, 4, 1, 3, 5, 4])
HAND_LOSS = np.array([1.0, 3.0, 2.0, 1.0, 4.0, 0.0])
HAND_PADDED = np.array([[1, 3, -1], [0, 2, 4], [1, -1, -1], [0, 4, -1], [1, 3, 5], [4, -1, -1]])


def test_hand_graph_measures_match_the_hand_computation():
    m = landscape_measures(HAND_LOSS, (HAND_INDPTR, HAND_INDICES), np.random.default_rng(0), walks=5, walk_length=20)
    assert (m.non_strict_minima, m.strict_minima, m.global_minima, m.unreachable) == (4, 2, 1, 0)
    assert m.global_basin_share == pytest.approx(2 / 6)
    assert m.fdc == pytest.approx(30 / np.sqrt(390 * 246))
    assert m.fdc_rank == pytest.approx(1.5 / np.sqrt(17 * 16.5))


def test_hand_graph_descent_map_and_distances():
    assert steepest_descent_map(HAND_LOSS, HAND_INDPTR, HAND_INDICES).tolist() == [0, 0, 2, 3, 5, 5]
    assert distance_to_set(HAND_INDPTR, HAND_INDICES, np.array([5])).tolist() == [3, 2, 3, 2, 1, 0]


def test_a_padded_table_and_a_space_object_are_the_same_neighbourhood():
    indptr, indices = as_csr(HAND_PADDED)
    assert indptr.tolist() == HAND_INDPTR.tolist() and indices.tolist() == HAND_INDICES.tolist()
    space = SimpleNamespace(indptr=HAND_INDPTR, indices=HAND_INDICES)
    a = landscape_measures(HAND_LOSS, HAND_PADDED, np.random.default_rng(3), 4, 30)
    b = landscape_measures(HAND_LOSS, space, np.random.default_rng(3), 4, 30)
    assert a == b


def test_a_variable_degree_table_space_reads_only_its_real_neighbours():
    space = TableSpace.from_csr(HAND_INDPTR, HAND_INDICES, name="hand")
    indptr, indices = as_csr(space)
    assert indptr.tolist() == HAND_INDPTR.tolist() and indices.tolist() == HAND_INDICES.tolist()
    a = landscape_measures(HAND_LOSS, space, np.random.default_rng(2), 4, 30)
    b = landscape_measures(HAND_LOSS, (HAND_INDPTR, HAND_INDICES), np.random.default_rng(2), 4, 30)
    assert a == b


def test_a_table_space_and_its_table_give_the_same_measures():
    table = cycle_table(7)
    loss = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0])
    a = landscape_measures(loss, TableSpace(table, name="C7"), np.random.default_rng(1), 3, 40)
    b = landscape_measures(loss, table, np.random.default_rng(1), 3, 40)
    assert a == b


def test_walk_autocorrelation_by_hand():
    # one walk 0, 1, 1, 0: mean 1/2, deviations -1/2, 1/2, 1/2, -1/2, variance 1/4;
    # lag-1 products -1/4, 1/4, -1/4 -> mean -1/12 -> rho(1) = -1/3
    assert walk_autocorrelation(np.array([[0.0, 1.0, 1.0, 0.0]])) == pytest.approx(-1 / 3)
    assert correlation_length(-1 / 3) == pytest.approx(1 / np.log(3))
    assert np.isnan(walk_autocorrelation(np.ones((2, 5))))


def test_a_walk_on_one_edge_alternates_so_rho1_is_minus_one():
    m = landscape_measures(np.array([0.0, 1.0]), np.array([[1], [0]]), np.random.default_rng(0), 3, 10)
    assert m.autocorrelation == pytest.approx(-1.0) and m.correlation_length == np.inf


def test_a_node_in_another_component_is_left_out_of_fdc():
    # 0 - 1 - 2 and a lone edge 3 - 4
    indptr, indices = np.array([0, 1, 3, 4, 5, 6]), np.array([1, 0, 2, 1, 4, 3])
    m = landscape_measures(np.array([0.0, 1.0, 2.0, 7.0, 5.0]), (indptr, indices), np.random.default_rng(0), 2, 5)
    assert m.unreachable == 2 and m.fdc == pytest.approx(1.0)


def test_constant_losses_have_no_fdc_and_every_node_is_a_non_strict_minimum():
    m = landscape_measures(np.zeros(9), hamming_table(2, 3), np.random.default_rng(0), 2, 5)
    assert np.isnan(m.fdc) and np.isnan(m.autocorrelation)
    assert (m.non_strict_minima, m.strict_minima, m.global_basin_share) == (9, 0, 1.0)


@pytest.mark.parametrize("neighbours, message", [
    (np.array([[0, 1], [0, 1]]), "self loops"),
    (np.array([[1.0], [0.0]]), "integer table"),
    ((np.array([0, 1, 3]), np.array([1, 0])), "indptr"),
    ((np.array([0, 1, 2]), np.array([1, 2])), r"node numbers in \[0, 2\)"),
])
def test_a_malformed_neighbourhood_is_refused(neighbours, message):
    with pytest.raises(ValueError, match=message):
        landscape_measures(np.zeros(2), neighbours, np.random.default_rng(0))


@pytest.mark.parametrize("losses", [np.zeros(3), np.array([0.0, np.nan]), np.zeros((2, 1))])
def test_losses_that_do_not_fit_the_space_are_refused(losses):
    with pytest.raises(ValueError, match="losses must be 2 finite numbers"):
        landscape_measures(losses, np.array([[1], [0]]), np.random.default_rng(0))


def test_walk_sizes_are_checked():
    with pytest.raises(ValueError, match="walks must be >= 1 and length >= 2"):
        landscape_measures(np.zeros(2), np.array([[1], [0]]), np.random.default_rng(0), walks=0)


# --------------------------------------------------------------------------- random graphs


@st.composite
def graphs(draw, connected: bool = False, max_nodes: int = 12):
    """A random simple undirected graph with variable degrees, as sorted CSR arrays; ``connected``
    adds a random spanning tree (node ``i`` joined to one node before it)."""
    n = draw(st.integers(2, max_nodes))
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True))
    if connected:
        chosen += [(draw(st.integers(0, v - 1)), v) for v in range(1, n)]
    adjacency = np.zeros((n, n), dtype=bool)
    for u, v in chosen:
        adjacency[u, v] = adjacency[v, u] = True
    indptr = np.concatenate([[0], np.cumsum(adjacency.sum(axis=1))])
    return indptr, np.nonzero(adjacency)[1]


@st.composite
def landscapes(draw):
    """A random graph and small integer losses on it (ties are common)."""
    indptr, indices = draw(graphs())
    n = indptr.shape[0] - 1
    losses = np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)), dtype=float)
    return losses, indptr, indices


def plain_bfs(indptr, indices, sources) -> list[int]:
    distance = [-1] * (len(indptr) - 1)
    queue = deque()
    for s in sources:
        distance[s] = 0
        queue.append(s)
    while queue:
        v = queue.popleft()
        for u in indices[indptr[v]:indptr[v + 1]]:
            if distance[u] < 0:
                distance[u] = distance[v] + 1
                queue.append(u)
    return distance


@given(landscapes())
def test_strict_minima_are_at_most_the_non_strict_ones_and_the_basin_share_is_positive(landscape):
    losses, indptr, indices = landscape
    m = landscape_measures(losses, (indptr, indices), np.random.default_rng(0), 2, 5)
    assert m.strict_minima <= m.non_strict_minima
    assert m.strict_minima >= 1 or m.global_minima > 1  # a unique global minimum is a strict one
    assert 0 < m.global_basin_share <= 1
    assert m.global_basin_share * m.nodes >= m.global_minima - 1e-9


@given(landscapes())
def test_minima_counts_agree_with_the_ragged_minima_module(landscape):
    losses, indptr, indices = landscape
    m = landscape_measures(losses, (indptr, indices), np.random.default_rng(0), 2, 5)
    assert m.non_strict_minima == count_local_minima(losses, indptr, indices, "non-strict")
    assert m.strict_minima == count_local_minima(losses, indptr, indices, "strict")


@given(landscapes(), st.integers(1, 7), st.integers(-20, 20))
def test_fdc_is_unchanged_by_a_shift_and_a_positive_scaling_of_the_losses(landscape, scale, shift):
    losses, indptr, indices = landscape
    distance = distance_to_set(indptr, indices, np.flatnonzero(losses == losses.min()))
    moved = scale * losses + shift
    assert np.array_equal(distance, distance_to_set(indptr, indices, np.flatnonzero(moved == moved.min())))
    before, after = fitness_distance_correlation(losses, distance), fitness_distance_correlation(moved, distance)
    assert (np.isnan(before) and np.isnan(after)) or after == pytest.approx(before, abs=1e-12)


@given(landscapes())
def test_rank_fdc_is_unchanged_by_a_strictly_increasing_transform(landscape):
    losses, indptr, indices = landscape
    a = landscape_measures(losses, (indptr, indices), np.random.default_rng(0), 2, 5)
    b = landscape_measures(np.exp(losses) - 3.0, (indptr, indices), np.random.default_rng(0), 2, 5)
    assert (np.isnan(a.fdc_rank) and np.isnan(b.fdc_rank)) or b.fdc_rank == pytest.approx(a.fdc_rank, abs=1e-12)
    assert (a.non_strict_minima, a.strict_minima, a.global_basin_share) == (
        b.non_strict_minima, b.strict_minima, b.global_basin_share)


@given(graphs(connected=True), st.integers(0, 11))
def test_a_loss_equal_to_the_distance_has_fdc_one(graph, source):
    indptr, indices = graph
    source = source % (indptr.shape[0] - 1)
    distance = distance_to_set(indptr, indices, np.array([source]))
    m = landscape_measures(distance.astype(float), (indptr, indices), np.random.default_rng(0), 2, 5)
    assert m.unreachable == 0 and m.global_minima == 1
    assert m.fdc == pytest.approx(1.0)  # two or more nodes, connected: some distance is positive


@given(graphs(), st.lists(st.integers(0, 11), min_size=1, max_size=3))
def test_breadth_first_search_by_frontier_matches_a_plain_queue(graph, sources):
    indptr, indices = graph
    sources = sorted({s % (indptr.shape[0] - 1) for s in sources})
    assert distance_to_set(indptr, indices, np.array(sources)).tolist() == plain_bfs(indptr, indices, sources)


@given(st.sampled_from([(3, 3), (2, 4), (4, 2)]), st.lists(st.integers(0, 4), min_size=81, max_size=81))
def test_on_a_table_the_basin_share_and_minima_are_table_one_statistics(shape, values):
    table = hamming_table(*shape)
    losses = np.array(values[:table.shape[0]], dtype=float)
    stats = landscape_stats(losses, table)
    m = landscape_measures(losses, table, np.random.default_rng(0), 2, 5)
    assert m.non_strict_minima == stats["local_minima"]
    assert m.global_basin_share == pytest.approx(stats["reached_global_pct"] / 100)
    indptr, indices = as_csr(table)
    assert np.array_equal(steepest_descent_map(losses, indptr, indices), stats["ls_map"])
    assert global_basin_share(losses, (indptr, indices)) == m.global_basin_share


@given(graphs(), st.integers(0, 2**32 - 1))
def test_every_random_walk_step_follows_an_edge(graph, seed):
    indptr, indices = graph
    if indices.shape[0] == 0:
        return
    path = random_walks(indptr, indices, np.random.default_rng(seed), 3, 12)
    edges = set(zip(np.repeat(np.arange(indptr.shape[0] - 1), np.diff(indptr)).tolist(), indices.tolist()))
    steps = zip(path[:, :-1].ravel().tolist(), path[:, 1:].ravel().tolist())
    assert all(step in edges for step in steps)
    assert (np.diff(indptr)[path[:, 0]] > 0).all()


def test_the_same_generator_state_gives_the_same_walks():
    a = random_walks(HAND_INDPTR, HAND_INDICES, np.random.default_rng(11), 4, 25)
    b = random_walks(HAND_INDPTR, HAND_INDICES, np.random.default_rng(11), 4, 25)
    assert np.array_equal(a, b)


# --------------------------------------------------------------------------- the table


def ring_landscape(name: str, losses) -> Landscape:
    return Landscape("toy", name, "made up", np.asarray(losses, dtype=float), cycle_table(len(losses)))


def test_a_row_of_the_table_does_not_change_when_rows_are_added_after_it():
    a, b = ring_landscape("a", [0, 3, 1, 2, 5, 4]), ring_landscape("b", [2, 0, 1, 4, 3, 5, 6])
    alone = measures_table([a], np.random.default_rng(5), 3, 20)
    both = measures_table([a, b], np.random.default_rng(5), 3, 20)
    assert alone.loc[("toy", "a")].equals(both.loc[("toy", "a")])
    assert list(both.columns) == list(COLUMNS) and both.index.tolist() == [("toy", "a"), ("toy", "b")]


def test_nb201_rows_use_validation_error_where_the_tables_have_it(benchmark):
    rows = {row.name: row for row in nb201_landscapes(benchmark, np.array([[0]]))}
    for dataset in benchmark.datasets:
        metric = "validation" if benchmark.has_metric(dataset, "validation") else "test"
        assert rows[dataset].metric.startswith(f"100 - {metric} accuracy")
        expected = 100.0 - np.nanmean(benchmark.accuracy(dataset, metric), axis=1)
        assert np.array_equal(rows[dataset].losses, expected)


def test_a_graph_dataset_whose_keys_are_not_its_space_is_refused():
    space = SimpleNamespace(keys=np.array([1, 2, 3]), indptr=np.array([0, 1, 2, 2]), indices=np.array([1, 0]))
    data = SimpleNamespace(space="full", keys=np.array([1, 2, 4]), validation=np.array([50.0, 60.0, 70.0]))
    with pytest.raises(ValueError, match="does not list the full space's nodes in order"):
        graph_landscapes({"cora": data}, {"full": space})
    rows = graph_landscapes({"cora": SimpleNamespace(**{**vars(data), "keys": space.keys})}, {"full": space})
    assert rows[0].losses.tolist() == [50.0, 40.0, 30.0]
