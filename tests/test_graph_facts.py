"""Branching fractions by BFS against closed forms (paper, Sec. 5)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nascompanion.spaces import nb201
from nascompanion.theory import graph_facts as gf


def test_nb201_branching_matches_paper_formula():
    measured = gf.branching_fractions(nb201.neighbour_table())
    paper = [float(gf.paper_branching_fraction(k)) for k in range(1, 7)]
    np.testing.assert_allclose(measured, paper, rtol=0, atol=1e-15)
    assert gf.paper_branching_fraction(2) == Fraction(5, 12)
    assert gf.paper_branching_fraction(7) == 0


def test_nb201_layers_same_from_every_sampled_source():
    table = nb201.neighbour_table()
    expected = nb201.distance_layer_sizes()
    for source in (0, 6111, 15624):
        np.testing.assert_array_equal(gf.distance_layers(table, source), expected)


def test_clique_and_cycle():
    np.testing.assert_allclose(gf.branching_fractions(gf.clique_table(6)), [1.0])
    np.testing.assert_allclose(gf.branching_fractions(gf.cycle_table(9)), [1.0, 0.5, 0.5, 0.5])


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 4), q=st.integers(2, 5))
def test_hamming_branching_is_independent_of_q(d, q):
    measured = gf.branching_fractions(gf.hamming_table(d, q))
    exact = [float(gf.hamming_branching_fraction(k, d, q)) for k in range(1, d + 1)]
    np.testing.assert_allclose(measured, exact, rtol=1e-12)
    layers = gf.distance_layers(gf.hamming_table(d, q))
    assert layers.sum() == q**d


def test_step_factor_readings():
    b = gf.branching_fractions(nb201.neighbour_table())
    a = gf.step_factors(b, "b0=1", 8)
    shifted = gf.step_factors(b, "b1..bi", 8)
    np.testing.assert_allclose(a[1:7], b)
    np.testing.assert_allclose(shifted[:6], b)
    assert a[0] == 1 and a[7] == 0 and shifted[6] == 0
    np.testing.assert_array_equal(gf.step_factors(b, "tree", 3), np.ones(3))
    with pytest.raises(ValueError, match="b0=1"):
        gf.step_factors(b, "b_0", 3)


def test_disconnected_graph_raises():
    two_edges = np.array([[1], [0], [3], [2]])
    with pytest.raises(ValueError, match="not connected"):
        gf.distance_layers(two_edges)


@pytest.mark.parametrize("d, q", [(1, 3), (2, 4), (3, 3), (4, 2)])
def test_hamming_space_joins_exactly_the_words_that_differ_in_one_letter(d, q):
    from nascompanion.spaces import hamming_space

    space = hamming_space(d, q)
    differ = (space.features[:, None, :] != space.features[None, :, :]).sum(axis=2)
    for v in range(space.size):
        assert sorted(space.neighbours(v).tolist()) == np.flatnonzero(differ[v] == 1).tolist()


def test_landscape_statistics_take_a_space_or_its_table():
    from nascompanion.landscape import landscape_stats
    from nascompanion.spaces import hamming_space

    space = hamming_space(3, 4)
    losses = np.random.default_rng(0).random(space.size)
    a, b = landscape_stats(losses, space), landscape_stats(losses, space.table)
    np.testing.assert_array_equal(a.ls_star, b.ls_star)
    np.testing.assert_array_equal(a.minima, b.minima)
