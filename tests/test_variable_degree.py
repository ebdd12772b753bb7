"""A variable-degree space: the table, the searches and the landscape statistics read its real neighbours."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nascompanion.landscape.ragged_minima import count_local_minima_loop
from nascompanion.landscape.ragged_minima import local_minima as csr_minima
from nascompanion.landscape.stats import landscape_stats, local_minima, ls_map
from nascompanion.objectives import TrialLosses
from nascompanion.search.candidates import neighbours_of_best
from nascompanion.search.evolution import _fresh_mutants
from nascompanion.search.lockstep_best_first import best_first_lockstep
from nascompanion.search.local_search import local_search, local_search_trials
from nascompanion.search.restarting_local_search import restarting_local_search
from nascompanion.spaces.table import TableSpace, as_neighbour_table, hamming_space
from nascompanion.theory import montecarlo

# The hand-made graph:  0 - 1 - 2 - 3, and 1 - 4, 2 - 4, 4 - 5 (degrees 1, 3, 3, 1, 3, 1)
INDPTR = np.array([0, 1, 4, 7, 8, 11, 12])
INDICES = np.array([1, 0, 2, 4, 1, 3, 4, 2, 1, 2, 5, 4])
LOSS = np.array([5.0, 3.0, 3.0, 1.0, 4.0, 0.0])


def tiny() -> TableSpace:
    return TableSpace.from_csr(INDPTR, INDICES, name="tiny", features=np.array([[0, 0], [0, 1], [1, 1], [1, 2],
                                                                                 [2, 1], [2, 2]]))


def kite() -> TableSpace:
    """0 - 1, 0 - 2, 0 - 3, 1 - 2: row 1 is [0, 2, 2], so a draw over the padded row would favour 2 (2/3)."""
    return TableSpace.from_csr(np.array([0, 3, 5, 7, 8]), np.array([1, 2, 3, 0, 2, 0, 1, 0]), name="kite")


def test_short_rows_repeat_their_last_neighbour_and_neighbours_are_the_real_ones():
    space = tiny()
    assert space.table.tolist() == [[1, 1, 1], [0, 2, 4], [1, 3, 4], [2, 2, 2], [1, 2, 5], [4, 4, 4]]
    assert space.degrees.tolist() == [1, 3, 3, 1, 3, 1]
    assert [space.neighbours(v).tolist() for v in range(6)] == [[1], [0, 2, 4], [1, 3, 4], [2], [1, 2, 5], [4]]
    assert not space.regular and hamming_space(2, 3).regular


def test_pairs_are_the_csr_edges():
    rows, cols = tiny().pairs()
    assert rows.tolist() == np.repeat(np.arange(6), np.diff(INDPTR)).tolist()
    assert cols.tolist() == INDICES.tolist()


def test_a_table_whose_padding_is_not_a_repeat_is_refused():
    with pytest.raises(ValueError, match="row 0 .* must repeat its last neighbour"):
        TableSpace(np.array([[1, 2], [0, 2], [0, 1]]), degrees=np.array([1, 2, 2]))


def test_an_asymmetric_or_isolated_csr_is_refused():
    with pytest.raises(ValueError, match="not symmetric"):
        TableSpace.from_csr(np.array([0, 1, 2, 3]), np.array([1, 2, 0]))
    with pytest.raises(ValueError, match="needs a neighbour"):
        TableSpace.from_csr(np.array([0, 1, 2, 2]), np.array([1, 0]))


def test_a_fixed_degree_computation_refuses_the_padded_table():
    with pytest.raises(ValueError, match="1 to 3 neighbours per node"):
        as_neighbour_table(tiny())


def test_mutate_draws_only_real_neighbours_uniformly():
    space, rng = tiny(), np.random.default_rng(0)
    draws = np.array([space.mutate(1, rng) for _ in range(3000)])
    assert set(draws.tolist()) == {0, 2, 4}
    assert np.abs(np.bincount(draws, minlength=5)[[0, 2, 4]] / 3000 - 1 / 3).max() < 0.04
    assert {space.mutate(0, rng) for _ in range(50)} == {1}


def test_a_fixed_degree_mutate_takes_the_draws_it_took_before():
    space = hamming_space(3, 3)
    got = [space.mutate(5, np.random.default_rng(s)) for s in range(20)]
    assert got == [int(space.table[5, np.random.default_rng(s).integers(6)]) for s in range(20)]


@pytest.mark.parametrize("rule", ["non-strict", "strict"])
def test_local_minima_match_the_hand_count_and_the_csr_count(rule):
    # 3 (1 below its 3) and 5 (0 below its 4) under both rules; 1 (3.0; 5, 3, 4 around it) only under the
    # non-strict rule, as it ties 2; 2 has 3 below it.
    expected = {"non-strict": [False, True, False, True, False, True],
                "strict": [False, False, False, True, False, True]}
    assert local_minima(LOSS, tiny(), rule).tolist() == expected[rule]
    assert local_minima(LOSS, tiny(), rule).tolist() == csr_minima(LOSS, INDPTR, INDICES, rule).tolist()


def test_ties_separate_the_two_rules():
    loss = np.array([2.0, 2.0, 3.0, 4.0, 5.0, 6.0])   # 0 ties its only neighbour 1, which ties it back
    assert local_minima(loss, tiny()).tolist() == [True, True, False, False, False, False]
    assert not local_minima(loss, tiny(), "strict").any()


def test_landscape_stats_by_hand():
    stats = landscape_stats(LOSS, tiny())
    # LS: 0 -> 1 -> 2 -> 3 (first lowest in row order: 1's row is 0, 2, 4; 2 (3.0) is not < 3.0, so 1 stays)
    assert ls_map(LOSS, tiny()).tolist() == [1, 1, 3, 3, 5, 5]
    assert stats.local_minima == 3 and stats.minima.tolist() == [1, 3, 5]
    assert stats.ls_star.tolist() == [1, 1, 3, 3, 5, 5]
    assert stats.global_minima.tolist() == [5] and stats.global_basin_size == 2
    assert stats.reached_global_pct == pytest.approx(100 * 2 / 6)
    assert stats.iterations == pytest.approx((2 + 1 + 2 + 1 + 2 + 1) / 6)


def test_local_search_walks_real_neighbours_to_the_minimum():
    history = local_search(tiny(), LOSS, budget=6, rng=np.random.default_rng(3), variant="full")
    assert set(history.archs.tolist()) <= set(range(6))
    assert np.unique(history.archs).size == len(history)
    assert history.best_arch == 5


@pytest.mark.parametrize("first_lower", [False, True])
def test_lockstep_local_search_queries_each_architecture_once_and_finds_the_optimum(first_lower):
    losses = TrialLosses(np.tile(LOSS, (4, 1)), np.zeros((4, 6)))
    result = local_search_trials(tiny(), losses, 6, np.random.default_rng(1), k_init=1, first_lower=first_lower)
    for t in range(4):
        archs = result.archs[t, : result.counts[t]]
        assert np.unique(archs).size == archs.size == 6
        assert result.histories[t].best_arch == 5


def test_lockstep_first_lower_order_is_uniform_over_real_neighbours():
    space = kite()
    assert space.table[1].tolist() == [0, 2, 2]
    losses = TrialLosses(np.tile([5.0, 0.0, 3.0, 1.0], (3000, 1)), np.zeros((3000, 4)))
    result = best_first_lockstep(space, losses, 2, np.random.default_rng(0), starts=np.full(3000, 1))
    assert abs((result.archs[:, 1] == 2).mean() - 1 / 2) < 0.04


def test_restarting_local_search_covers_the_space():
    losses = TrialLosses(np.tile(LOSS, (2, 1)), np.zeros((2, 6)))
    result = restarting_local_search(tiny(), losses, 6, np.random.default_rng(0), k_init=1)
    assert all(sorted(result.archs[t].tolist()) == list(range(6)) for t in range(2))


def test_candidates_are_real_neighbours_of_the_best_drawn_uniformly():
    archs, val = np.array([[1, 3]]), np.array([[1.0, 2.0]])
    cands = neighbours_of_best(kite(), archs, val, np.random.default_rng(0), parents=2, per_parent=3000)
    assert set(cands[0, :3000].tolist()) == {0, 2} and set(cands[0, 3000:].tolist()) == {0}
    assert abs((cands[0, :3000] == 2).mean() - 1 / 2) < 0.04


def test_evolution_mutants_are_open_real_neighbours_drawn_uniformly():
    child = _fresh_mutants(kite(), np.full(3000, 1), np.zeros((3000, 4), dtype=bool), np.random.default_rng(0))
    assert set(child.tolist()) == {0, 2}
    assert abs((child == 2).mean() - 1 / 2) < 0.04
    queried = np.zeros((10, 4), dtype=bool)
    queried[:, 0] = True
    assert set(_fresh_mutants(kite(), np.full(10, 1), queried, np.random.default_rng(0)).tolist()) == {2}


def test_monte_carlo_means_and_correlation_use_real_pairs():
    space = tiny()
    z = np.arange(6.0)
    mean = montecarlo._neighbour_mean(space)(z)
    assert mean.tolist() == pytest.approx([1.0, 2.0, 8 / 3, 2.0, 8 / 3, 4.0])
    rows, cols = space.pairs()
    assert montecarlo.neighbour_correlation(z, space) == pytest.approx(np.corrcoef(z[rows], z[cols])[0, 1])
    mc = montecarlo.simulate(space, np.random.default_rng(0), draws=2, sampler=lambda rng: LOSS / 10)
    assert mc.minima.tolist() == [3, 3] and mc.n == 6
    assert mc.within[0, 0] == pytest.approx(2 / 6)   # the starts whose minimum is the global one, node 5


@st.composite
def ragged_graphs(draw):
    """A random symmetric graph on 2..12 nodes, every node with a neighbour, and a loss with ties."""
    n = draw(st.integers(2, 12))
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=30))
    edges = {(a, b) for a, b in pairs if a != b} | {(i, i + 1) for i in range(n - 1)}   # a path keeps all connected
    edges |= {(b, a) for a, b in edges}
    rows, cols = np.array(sorted(edges)).T
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
    loss = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=float)
    return indptr, cols, loss


@given(ragged_graphs())
def test_minima_on_the_padded_table_equal_the_csr_loop_under_both_rules(graph):
    indptr, indices, loss = graph
    space = TableSpace.from_csr(indptr, indices)
    for rule in ("non-strict", "strict"):
        assert int(local_minima(loss, space, rule).sum()) == count_local_minima_loop(loss, indptr, indices, rule)
    assert landscape_stats(loss, space).local_minima == count_local_minima_loop(loss, indptr, indices)


@given(ragged_graphs())
def test_a_space_gives_back_its_csr_neighbourhood(graph):
    indptr, indices, _ = graph
    space = TableSpace.from_csr(indptr, indices)
    rows, cols = space.pairs()
    assert rows.tolist() == np.repeat(np.arange(space.size), np.diff(indptr)).tolist()
    assert cols.tolist() == indices.tolist()
    assert space.degree_of(np.arange(space.size)).tolist() == np.diff(indptr).tolist()
