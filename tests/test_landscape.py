"""The vectorised landscape statistics (Sec. 3 notation, Table 1) against hand answers and a plain loop."""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nascompanion.spaces.table import clique_table, cycle_table, hamming_table
from nascompanion.landscape import (converge, landscape_stats, ls_map, preimage_counts, preimage_sizes,
                                   search_tree_sizes)
from nascompanion.landscape.plots import search_forest


CYCLE = np.array([[1, 5], [0, 2], [1, 3], [2, 4], [3, 5], [4, 0]])
CYCLE_LOSS = np.array([5.0, 3.0, 4.0, 1.0, 2.0, 0.0])


# --------------------------------------------------------------------------- small graphs


GRAPHS = {"cycle7": cycle_table(7), "clique5": clique_table(5), "hamming3x3": hamming_table(3, 3),
          "hamming2x4": hamming_table(2, 4)}


def plain_local_search(losses: np.ndarray, table: np.ndarray, start: int) -> tuple[int, int]:
    """Algorithm 1 from one start, written as plainly as possible: (LS*, number of moves)."""
    v, moves = start, 0
    while True:
        best = None
        for u in table[v]:  # first best neighbour in row order
            if best is None or losses[u] < losses[best]:
                best = u
        if losses[best] < losses[v]:
            v, moves = int(best), moves + 1
        else:
            return v, moves


# --------------------------------------------------------------------------- by hand


def test_cycle_statistics_by_hand():
    stats = landscape_stats(CYCLE_LOSS, CYCLE)
    assert stats.ls_map.tolist() == [5, 1, 3, 3, 5, 5]
    assert stats.ls_star.tolist() == [5, 1, 3, 3, 5, 5]
    assert stats.steps.tolist() == [1, 0, 1, 0, 1, 0]
    assert stats.minima.tolist() == [1, 3, 5]
    assert stats.local_minima == 3
    assert stats.basin_sizes.tolist() == [0, 1, 0, 2, 0, 3]
    assert stats.iterations == pytest.approx(1.5)  # (2+1+2+1+2+1)/6 neighbourhood evaluations
    assert stats.reached_global_pct == pytest.approx(50.0)
    assert stats.global_minima.tolist() == [5]
    assert stats.global_basin_size == 3


def test_a_long_path_needs_pointer_jumping_to_the_end():
    n = 37
    path = np.stack([np.maximum(np.arange(n) - 1, 0), np.minimum(np.arange(n) + 1, n - 1)], axis=1)
    star, steps = converge(ls_map(np.arange(n, dtype=float)[::-1], path))
    assert (star == n - 1).all()
    assert steps.tolist() == list(range(n - 1, -1, -1))


def test_ties_go_to_the_first_best_neighbour_in_row_order():
    loss = np.array([2.0, 1.0, 1.0])
    assert ls_map(loss, np.array([[1, 2], [0, 0], [0, 0]]))[0] == 1
    assert ls_map(loss, np.array([[2, 1], [0, 0], [0, 0]]))[0] == 2


def test_a_plateau_is_all_local_minima_and_every_tie_is_global():
    stats = landscape_stats(np.ones(7), cycle_table(7))
    assert stats.local_minima == 7
    assert stats.reached_global_pct == 100.0
    assert stats.global_minima.tolist() == list(range(7))


def test_preimage_counts_by_hand():
    counts = preimage_counts(ls_map(CYCLE_LOSS, CYCLE), 2)
    assert counts[0].tolist() == [1] * 6
    assert counts[1].tolist() == [0, 0, 0, 1, 0, 2]  # LS^{-1}(3) = {2}, LS^{-1}(5) = {0, 4}
    assert counts[2].tolist() == [0] * 6  # a local minimum does not reach itself "again"


def test_nan_losses_are_refused():
    with pytest.raises(ValueError, match="NaN"):
        landscape_stats(np.array([1.0, np.nan, 2.0, 0, 0, 0]), CYCLE)


# --------------------------------------------------------------------------- against a plain loop


@settings(max_examples=60, deadline=None)
@given(graph=st.sampled_from(sorted(GRAPHS)), data=st.data())
def test_vectorised_landscape_matches_a_per_start_loop(graph, data):
    table = GRAPHS[graph]
    n = table.shape[0]
    # small integers make ties frequent, which is where implementations disagree
    losses = np.array(data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=float)
    stats = landscape_stats(losses, table)
    loop = [plain_local_search(losses, table, s) for s in range(n)]
    assert stats.ls_star.tolist() == [v for v, _ in loop]
    assert stats.steps.tolist() == [k for _, k in loop]
    minima = {v for v in range(n) if plain_local_search(losses, table, v) == (v, 0)}
    assert stats.local_minima == len(minima)
    reached = np.mean([losses[v] == losses.min() for v, _ in loop]) * 100
    assert stats.reached_global_pct == pytest.approx(reached)
    assert stats.iterations == pytest.approx(np.mean([k + 1 for _, k in loop]))


@settings(max_examples=40, deadline=None)
@given(graph=st.sampled_from(sorted(GRAPHS)), seed=st.integers(0, 2**32 - 1))
def test_landscape_invariants_on_random_losses(graph, seed):
    table = GRAPHS[graph]
    n = table.shape[0]
    losses = np.random.default_rng(seed).random(n)
    stats = landscape_stats(losses, table)
    check_invariants(stats, losses, table)
    # preimages: summing |LS^{-k}(v)| over k gives the full preimage; at a minimum, its basin
    counts = preimage_counts(stats.ls_map, n).sum(axis=0)
    loop = [[plain_local_search(losses, table, u)[0] for u in range(n)]]
    assert counts[stats.minima].tolist() == [loop[0].count(m) for m in stats.minima]


def check_invariants(stats, losses, table) -> None:
    n = losses.shape[0]
    minima = stats.minima
    # a local minimum has no strictly lower neighbour; a non-minimum has one
    lowest_nb = losses[table].min(axis=1)
    is_min = np.zeros(n, dtype=bool)
    is_min[minima] = True
    assert (lowest_nb[is_min] >= losses[is_min]).all()
    assert (lowest_nb[~is_min] < losses[~is_min]).all()
    # every start's LS* is a local minimum, and LS strictly lowers the loss
    assert is_min[stats.ls_star].all()
    moving = ~is_min
    assert (losses[stats.ls_map[moving]] < losses[moving]).all()
    assert np.isin(stats.ls_map[moving], table[moving]).all() if moving.any() else True
    # basins partition the space
    assert stats.basin_sizes.sum() == n
    assert (stats.basin_sizes[~is_min] == 0).all() and (stats.basin_sizes[is_min] >= 1).all()
    assert stats.local_minima == minima.size


@settings(max_examples=40, deadline=None)
@given(graph=st.sampled_from(sorted(GRAPHS)), seed=st.integers(0, 2**32 - 1))
def test_full_preimage_sizes_count_the_starts_whose_search_passes_through(graph, seed):
    table = GRAPHS[graph]
    n = table.shape[0]
    losses = np.random.default_rng(seed).integers(0, 5, size=n).astype(float)  # ties included
    nxt = ls_map(losses, table)
    sizes = preimage_sizes(nxt)
    visits = np.zeros(n, dtype=int)
    for start in range(n):  # walk every search and count the nodes it passes through
        v = start
        visits[v] += 1
        while nxt[v] != v:
            v = nxt[v]
            visits[v] += 1
    assert sizes.tolist() == visits.tolist()
    stats = landscape_stats(losses, table)
    assert sizes[stats.minima].tolist() == stats.basin_sizes[stats.minima].tolist()


@settings(max_examples=40, deadline=None)
@given(graph=st.sampled_from(sorted(GRAPHS)), seed=st.integers(0, 2**32 - 1), k=st.integers(1, 6))
def test_search_tree_sizes_count_the_cells_the_figure_draws(graph, seed, k):
    table = GRAPHS[graph]
    rng = np.random.default_rng(seed)
    losses = rng.random(table.shape[0])
    nxt = ls_map(losses, table)
    roots = rng.choice(table.shape[0], size=min(k, table.shape[0]), replace=False)
    sizes = search_tree_sizes(nxt, roots)
    star = converge(nxt)[0]
    assert sizes["basins"] == int(search_forest(nxt, np.unique(star[roots]))[0].sum())
    assert sizes["own"] == int(search_forest(nxt, roots)[0].sum())
    assert sizes["own_each"].tolist() == [int(search_forest(nxt, [r])[0].sum()) for r in roots]
    assert sizes["own"] <= sizes["basins"]


def test_a_root_inside_another_roots_preimage_is_counted_once():
    nxt = np.array([1, 2, 2, 2])  # 0 -> 1 -> 2 <- 3
    sizes = search_tree_sizes(nxt, [0, 1, 1])
    assert sizes["own"] == 2 and sizes["own_each"].tolist() == [1, 2, 2]
    assert sizes["basins"] == 4


# --------------------------------------------------------------------------- NB201


@pytest.fixture(scope="module")
def bench():
    from nascompanion.data import load_benchmark

    return load_benchmark()


@pytest.mark.parametrize("version", ["denoised", "random", "noise"])
def test_nb201_landscapes_satisfy_the_invariants(bench, version):
    from nascompanion import objectives
    from nascompanion.spaces import nb201

    table = nb201.neighbour_table()
    kw = {"x": 1.0} if version == "noise" else {}
    rng = np.random.default_rng(0) if version != "denoised" else None
    losses = objectives.losses(bench, "cifar10-valid", version, rng=rng, **kw)
    stats = landscape_stats(losses, table)
    check_invariants(stats, losses, table)


def test_nb201_denoised_global_minimum_is_the_best_validation_cell(bench):
    from nascompanion import objectives
    from nascompanion.spaces import nb201

    losses = objectives.losses(bench, "cifar10-valid", "denoised")
    stats = landscape_stats(losses, nb201.neighbour_table())
    assert stats.global_minima.tolist() == [int(np.argmax(bench.validation_accuracy("cifar10-valid")[:, 0]))]
    # the global minimum's basin is the share of starts that reach it
    assert stats.global_basin_size == pytest.approx(stats.reached_global_pct / 100 * 15625)


def test_noise_makes_more_local_minima_than_denoised(bench):
    from nascompanion import objectives
    from nascompanion.spaces import nb201

    table = nb201.neighbour_table()
    rng = np.random.default_rng(1)
    denoised = landscape_stats(objectives.losses(bench, "cifar10-valid", "denoised"), table)
    random = landscape_stats(objectives.losses(bench, "cifar10-valid", "random", rng=rng), table)
    assert denoised.local_minima < random.local_minima
    assert denoised.iterations > random.iterations


@pytest.mark.parametrize("table, problem", [
    (np.array([[1, 1], [0, 2], [1, -1]]), "refers to nodes outside 0..2"),   # -1 would wrap to the last node
    (np.array([[1, 1], [0, 2], [1, 3]]), "refers to nodes outside 0..2"),
    (np.array([[1, 2], [0, 0], [1, 1]]), r"is not symmetric \(node 0\)"),   # 0 lists 2, 2 does not list 0
])
def test_landscape_stats_refuses_a_raw_table_a_space_would_refuse(table, problem):
    from nascompanion.spaces import TableSpace

    losses = np.array([3.0, 2.0, 1.0])
    with pytest.raises(ValueError, match=problem):
        TableSpace(table)
    with pytest.raises(ValueError, match=f"^neighbour table of space 'neighbours' {problem}$"):
        landscape_stats(losses, table)


def test_one_step_of_local_search_refuses_a_table_with_nodes_outside_the_space():
    with pytest.raises(ValueError, match=r"^the neighbour table refers to nodes outside 0\.\.2$"):
        ls_map(np.array([3.0, 2.0, 1.0]), np.array([[1, 1], [0, 2], [1, -1]]))
