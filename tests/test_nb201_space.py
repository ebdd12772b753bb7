import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nascompanion.spaces import TableSpace, nb201, nb201_space

indices = st.integers(0, nb201.N_ARCHS - 1)


def test_neighbour_table_has_24_distinct_neighbours_per_cell():
    table = nb201.neighbour_table()
    assert table.shape == (15625, 24)
    assert all(len(set(row)) == 24 for row in table[::97].tolist())
    assert not (table == np.arange(15625)[:, None]).any()


def test_neighbour_relation_is_symmetric():
    table = nb201.neighbour_table()
    rows = np.repeat(np.arange(15625), 24)
    assert (table[table.ravel()] == rows[:, None]).any(axis=1).all()


@given(indices)
def test_every_neighbour_differs_in_exactly_one_edge(index):
    neighbours = nb201.neighbour_table()[index]
    assert (nb201.hamming_distance(index, neighbours) == 1).all()


@given(indices)
def test_index_arch_string_round_trip(index):
    arch = nb201.index_to_arch(index)
    assert nb201.arch_to_index(arch) == index
    assert nb201.ops_to_index(nb201.arch_to_ops(arch)) == index


@settings(max_examples=25)
@given(indices)
def test_distance_layer_sizes_match_closed_form(index):
    assert nb201.layer_counts_from(index).tolist() == nb201.distance_layer_sizes().tolist()


def test_index_order_is_nb201s_shuffled_order():
    # NB201 lists these three cells at indices 0, 9 and 123 (its generator asserts them).
    assert nb201.index_to_arch(0) == "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
    assert nb201.index_to_arch(9) == "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"
    assert nb201.index_to_arch(123) == "|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "|none~0|+|none~0|none~1|",
        "|none~0|+|none~0|none~1|+|none~0|none~1|conv~2|",
        "|none~1|+|none~0|none~1|+|none~0|none~1|none~2|",
    ],
)
def test_bad_architecture_string_is_rejected_with_the_expected_form(bad):
    with pytest.raises(ValueError, match="not an NB201 architecture string"):
        nb201.arch_to_index(bad)


@pytest.mark.parametrize("bad", [-1, 15625])
def test_index_out_of_range_is_rejected(bad):
    with pytest.raises(ValueError, match="outside 0..15624"):
        nb201.index_to_arch(bad)


def test_isomorphic_cells_share_a_class():
    skip_only = nb201.arch_to_index("|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|")
    direct = nb201.arch_to_index("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
    conv = nb201.arch_to_index("|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|")
    labels = nb201.isomorphism_classes()
    assert labels[skip_only] == labels[direct]
    assert labels[skip_only] != labels[conv]


def test_cells_without_input_output_path_compute_zero():
    dead = ~nb201.has_input_output_path()
    labels = nb201.isomorphism_classes()
    zero_label = labels[np.flatnonzero(dead)[0]]
    assert (labels[dead] == zero_label).all()
    assert (labels == zero_label).sum() == dead.sum()


def test_sampling_is_uniform_and_reproducible():
    draws = nb201.sample(np.random.default_rng(1), size=200_000)
    again = nb201.sample(np.random.default_rng(1), size=200_000)
    assert np.array_equal(draws, again)
    counts = np.bincount(draws, minlength=15625)
    assert abs(counts.mean() - 12.8) < 1e-9 and counts.std() < 5


def test_table_space_rejects_asymmetric_table():
    with pytest.raises(ValueError, match="not symmetric"):
        TableSpace(np.array([[1], [2], [0]]), name="directed")


def test_mutate_returns_a_neighbour_and_leaves_input_alone():
    space = nb201_space()
    rng = np.random.default_rng(0)
    child = space.mutate(42, rng)
    assert child in space.neighbours(42)
    assert space.key(42) == nb201.index_to_arch(42)
