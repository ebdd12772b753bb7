"""ANASOD encoding, rounding, grid neighbourhood and searches (Wan et al., 2021)."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nascompanion.landscape import landscape_stats
from nascompanion.related import anasod, encoding_stats
from nascompanion.objectives import TrialLosses
from nascompanion.search import registry
from nascompanion.spaces import nb201, nb201_space

simplex_points = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=5, max_size=5).filter(
    lambda v: sum(v) > 1e-3).map(lambda v: np.array(v) / np.sum(v))


def toy_losses(seed: int = 0) -> np.ndarray:
    """A landscape that depends on the operation counts plus a little wiring noise."""
    counts = anasod.op_counts(nb201.ops_matrix())
    rng = np.random.default_rng(seed)
    return 10.0 + (counts * np.array([3.0, 1.0, 0.5, -1.0, 0.8])).sum(axis=1) + 0.1 * rng.random(nb201.N_ARCHS)


class TestEncoding:
    def test_grid_has_one_row_per_count_vector_summing_to_six(self):
        grid = anasod.encoding_grid()
        assert grid.shape == (comb(10, 4), 5) == (210, 5)
        assert (grid.sum(axis=1) == 6).all() and (grid >= 0).all()
        assert len({tuple(r) for r in grid.tolist()}) == grid.shape[0]

    def test_every_cell_maps_to_the_grid_row_of_its_op_counts(self):
        codes = anasod.cell_encodings()
        counts = anasod.op_counts(nb201.ops_matrix())
        np.testing.assert_array_equal(anasod.encoding_grid()[codes], counts)

    def test_members_partition_the_space_with_multinomial_sizes(self):
        members = anasod.encoding_members()
        sizes = np.array([m.size for m in members])
        assert sizes.sum() == nb201.N_ARCHS
        fact = np.array([1, 1, 2, 6, 24, 120, 720])
        expected = 720 // np.prod(fact[anasod.encoding_grid()], axis=1)
        np.testing.assert_array_equal(sizes, expected)

    def test_grid_index_rejects_counts_that_do_not_sum_to_six(self):
        with pytest.raises(ValueError, match="summing to 6"):
            anasod.grid_index(np.array([1, 1, 1, 1, 1]))


class TestRounding:
    def test_rounding_keeps_a_grid_point_fixed(self):
        grid = anasod.encoding_grid()
        np.testing.assert_array_equal(anasod.round_to_grid(grid / 6.0), grid)

    def test_rounding_rejects_points_off_the_simplex(self):
        with pytest.raises(ValueError, match="simplex"):
            anasod.round_to_grid(np.array([0.5, 0.5, 0.5, 0.0, 0.0]))

    @given(simplex_points)
    @settings(max_examples=200, deadline=None)
    def test_rounding_gives_counts_that_sum_to_six_within_one_of_six_p(self, p):
        counts = anasod.round_to_grid(p)
        assert counts.sum() == 6 and (counts >= 0).all()
        assert (np.abs(counts - 6 * p) < 1.0 + 1e-9).all()

    @given(simplex_points)
    @settings(max_examples=100, deadline=None)
    def test_rounding_gives_the_closest_grid_point_in_l1_and_l2(self, p):
        grid = anasod.encoding_grid()
        counts = anasod.round_to_grid(p)
        for order in (1, 2):
            best = np.linalg.norm(grid - 6 * p, ord=order, axis=1).min()
            assert np.linalg.norm(counts - 6 * p, ord=order) <= best + 1e-9


class TestNeighbours:
    def test_grid_neighbours_move_one_unit_between_two_ops(self):
        for counts in anasod.encoding_grid():
            diff = anasod.grid_neighbours(counts) - counts
            assert (np.sort(diff, axis=1) == [-1, 0, 0, 0, 1]).all()

    def test_interior_points_have_twenty_neighbours_and_vertices_four(self):
        assert anasod.grid_neighbours(np.array([2, 1, 1, 1, 1])).shape == (20, 5)
        assert anasod.grid_neighbours(np.array([6, 0, 0, 0, 0])).shape == (4, 5)

    def test_padded_table_is_symmetric_and_padded_with_self(self):
        table = anasod.grid_neighbour_table()
        for e, row in enumerate(table):
            for f in row:
                assert e in table[f]

    def test_grid_landscape_of_a_linear_loss_has_one_local_minimum(self):
        grid = anasod.encoding_grid()
        stats = landscape_stats(grid @ np.array([3.0, 1.0, 0.5, -1.0, 0.8]), anasod.grid_neighbour_table())
        assert stats["local_minima"] == 1 and stats["reached_global_pct"] == 100.0


class TestSampling:
    @given(st.integers(0, 209), st.integers(0, 2**31))
    @settings(max_examples=50, deadline=None)
    def test_sampled_cell_has_the_encoded_op_counts(self, e, seed):
        counts = anasod.encoding_grid()[e]
        cell = anasod.sample_cell(counts, np.random.default_rng(seed))
        np.testing.assert_array_equal(anasod.op_counts(nb201.ops_matrix()[cell])[0], counts)

    def test_sampling_covers_all_cells_of_an_encoding(self):
        counts = np.array([0, 0, 2, 4, 0])
        rng = np.random.default_rng(0)
        seen = {anasod.sample_cell(counts, rng) for _ in range(400)}
        assert seen == set(anasod.encoding_members()[anasod.grid_index(counts)].tolist())


class TestTableOne:
    def test_sd_within_encodings_is_zero_when_loss_depends_only_on_counts(self):
        counts = anasod.op_counts(nb201.ops_matrix())
        loss = counts @ np.array([3.0, 1.0, 0.5, -1.0, 0.8])
        stats = anasod.encoding_sd_stats(loss, np.random.default_rng(0), 50)
        assert stats.median_all == 0.0 and stats.overall > 1.0

    def test_seed_sd_is_the_median_over_cells_of_the_seed_spread(self):
        errors = np.stack([np.zeros(nb201.N_ARCHS), np.full(nb201.N_ARCHS, 2.0)], axis=1)
        stats = anasod.encoding_sd_stats(errors)
        assert stats.median_seeds == pytest.approx(np.sqrt(2.0))


def search(method: str, seed: int, budget: int, loss=None) -> np.ndarray:
    """The queries of one ANASOD search on ``loss`` (default: the toy landscape)."""
    loss = toy_losses() if loss is None else loss
    result = registry.run(method, nb201_space(), TrialLosses(loss[None, :], loss), budget, np.random.default_rng(seed))
    return result.archs[0]


@pytest.mark.parametrize("method, budget", [("anasod_rs", 120), ("anasod_biased_rs", 120), ("anasod_ls", 120),
                                            ("anasod_bo", 40)])
def test_anasod_search_beats_the_best_five_percent_of_a_count_driven_landscape(method, budget):
    loss = toy_losses()
    assert loss[search(method, 1, budget)].min() < np.quantile(loss, 0.05)


def test_bias_concentrates_late_queries_near_the_best_encoding():
    loss = toy_losses()
    late = {}
    for method in ("anasod_rs", "anasod_biased_rs"):
        archs = search(method, 5, 300)
        late[method] = np.median(loss[archs[-100:]])
    assert late["anasod_biased_rs"] < late["anasod_rs"]


def test_anasod_local_search_finds_the_global_minimum_of_a_count_driven_landscape():
    loss = toy_losses()
    assert loss[search("anasod_ls", 0, 300)].min() == loss.min()


def test_anasod_local_search_continues_with_the_package_local_search_on_cells():
    # after the grid phase the walk expands cells: later queries are neighbours of earlier ones
    loss = toy_losses()
    archs = search("anasod_ls", 0, 300)
    table = nb201.neighbour_table()
    tail = archs[-50:]
    assert all(np.isin(table[a], archs[:i + 250]).any() for i, a in enumerate(tail))


def test_anasod_searches_refuse_a_space_other_than_nb201():
    from nascompanion.spaces import hamming_space

    space = hamming_space(3, 3)
    with pytest.raises(ValueError, match="NAS-Bench-201"):
        registry.run("anasod_rs", space, np.zeros(space.size), 5, np.random.default_rng(0))


class TestOneCellLosses:
    def test_draws_one_member_of_each_encoding(self):
        loss = toy_losses()
        one = anasod.one_cell_losses(loss, np.random.default_rng(3))
        assert one.shape == (anasod.n_encodings(),)
        assert all(v in loss[m] for v, m in zip(one, anasod.encoding_members()))

    def test_consumes_the_stream_like_a_choice_per_encoding(self):
        loss = toy_losses()
        ours, theirs = np.random.default_rng(7), np.random.default_rng(7)
        for _ in range(3):
            expected = anasod.encoding_losses(loss, lambda v: theirs.choice(v))
            np.testing.assert_array_equal(anasod.one_cell_losses(loss, ours), expected)
        assert ours.random() == theirs.random()


def test_redraws_see_no_spread_within_encodings_when_the_encoding_fixes_the_loss():
    by_encoding = np.random.default_rng(0).normal(size=anasod.encoding_grid().shape[0])
    losses = np.stack([by_encoding[anasod.cell_encodings()], np.arange(nb201.N_ARCHS, dtype=float)], axis=1)
    out = encoding_stats.encoding_sd_redraws(losses, np.random.default_rng(1), 4, 50, 5)
    assert out["median_all"].shape == (4, 2)
    np.testing.assert_allclose(out["median_all"][:, 0], 0.0, atol=1e-12)
    assert (out["overall"][:, 0] > 0).all() and (out["median_all"][:, 1] > 0).all()


def test_redraws_are_reproducible_from_their_generator():
    losses = np.arange(nb201.N_ARCHS, dtype=float)[:, None]
    one = encoding_stats.encoding_sd_redraws(losses, np.random.default_rng(5), 2)
    two = encoding_stats.encoding_sd_redraws(losses, np.random.default_rng(5), 2)
    np.testing.assert_array_equal(one["median_top"], two["median_top"])
