"""The analyses of the chapter graph_landscapes on small spaces whose answers can be checked by hand."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.landscape import beyond_nb201 as beyond
from nascompanion.landscape.real_intervals import trial_mean_bootstrap
from nascompanion.spaces.table import TableSpace, cycle_space, hamming_space


def _path_and_star() -> TableSpace:
    # 0 - 1 - 2 - 3, with 1 also joined to 4 and 5: degrees 1, 4, 2, 1, 1, 1
    edges = [(0, 1), (1, 2), (2, 3), (1, 4), (1, 5)]
    neighbours = {v: sorted({b for a, b in edges if a == v} | {a for a, b in edges if b == v}) for v in range(6)}
    indptr = np.cumsum([0] + [len(neighbours[v]) for v in range(6)])
    return TableSpace.from_csr(indptr, np.concatenate([neighbours[v] for v in range(6)]))


def test_table1_rows_on_a_variable_degree_graph_count_minima_under_both_tie_rules():
    space = _path_and_star()
    losses = np.array([2.0, 1.0, 3.0, 3.0, 0.0, 5.0])
    # 4 is the global minimum; 3 ties its only neighbour 2 (a minimum only under the paper's rule)
    site = beyond.Site("toy", "star", "validation", None, space, None)
    row = beyond.table1_rows([site], {site.key: losses}).loc[("toy", "star")]
    assert row.tolist()[:2] == [2.0, 1.0]
    # starts 0, 1, 2, 4, 5 descend to 4; start 3 stays
    assert row.iloc[2] == pytest.approx(100 * 5 / 6)


def test_random_rows_average_their_draws_and_refuse_none():
    rows = beyond.random_rows({"C8": cycle_space(8)}, 3, np.random.default_rng(0))
    assert rows.index.tolist() == [("random losses", "C8")]
    assert 1 <= rows.iloc[0, 0] <= 4
    with pytest.raises(ValueError, match="draws"):
        beyond.random_rows({"C8": cycle_space(8)}, 0, np.random.default_rng(0))


def test_the_degree_table_reads_a_variable_degree_space_through_its_degrees():
    table = beyond.degree_table({"star": _path_and_star(), "H": hamming_space(2, 3)})
    assert table.loc["star"].tolist() == [6.0, 1.0, 1.0, 10 / 6, 4.0]
    assert table.loc["H"].tolist() == [9.0, 4.0, 4.0, 4.0, 4.0]


def test_found_matrix_and_final_errors_read_the_last_query_of_every_trial():
    site = beyond.Site("toy", "ring", "validation", None, cycle_space(4), None)
    losses = {site.key: np.array([0.5, 1.0, 2.0, 3.0])}
    curves = {site.key: {"local_search": np.array([[2.0, 0.5], [3.0, 1.0]]),
                         "random_search": np.array([[2.0, 2.0], [3.0, 2.0]]),
                         "evolution_requery": np.array([[2.0, 1.0], [3.0, 3.0]])}}
    assert beyond.found_matrix([site], curves, losses).tolist() == [[1.0, 0.0]]
    finals = beyond.final_errors([site], curves)
    assert finals.shape == (1, 3, 2) and finals[0, 1].tolist() == [2.0, 2.0]


def test_the_two_stage_bootstrap_covers_a_perfect_rank_order_and_refuses_too_few_landscapes():
    found = np.array([[1, 1, 1], [1, 0, 1], [0, 1, 0], [0, 0, 0]], dtype=float)
    interval = trial_mean_bootstrap(np.arange(4.0), found, np.random.default_rng(0), draws=400)
    assert interval.estimate == pytest.approx(-1.0) and interval.low <= interval.estimate <= interval.high
    with pytest.raises(ValueError, match="landscapes >= 3"):
        trial_mean_bootstrap(np.arange(2.0), found[:2], np.random.default_rng(0))


def test_table1_values_count_small_basins_and_ties():
    index = pd.MultiIndex.from_tuples([(beyond.GRAPH, "a"), (beyond.GRAPH, "b"), (beyond.NB201, "c")])
    table1 = pd.DataFrame([[10.0, 5.0, 2.0, 3.0], [30.0, 25.0, 40.0, 4.0], [13.0, 13.0, 70.0, 6.0]],
                          index=index, columns=list(beyond.TABLE1_COLUMNS))
    index = pd.MultiIndex.from_tuples([("random losses", beyond.GRAPH)])
    random = pd.DataFrame([[600.0, 600.0, 0.2, 2.5]], index=index, columns=list(beyond.TABLE1_COLUMNS))
    values = beyond.table1_values(table1, random)
    assert values["graph_small_basins"] == 1 and values["tie_share"] == pytest.approx(25.0)
    assert values["nb201_rules_agree"] == "agree" and values["random_graph_minima"] == 600.0
