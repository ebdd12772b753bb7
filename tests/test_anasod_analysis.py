"""The chapter-level analyses of ANASOD: the grid in numbers, Table 1 over datasets, the one-cell grid, Table 2."""

import numpy as np
import pandas as pd

from nascompanion.related import anasod, anasod_grid, anasod_race, anasod_table1
from nascompanion.spaces import nb201


def counts_losses(seed=0):
    counts = anasod.op_counts(nb201.ops_matrix())
    rng = np.random.default_rng(seed)
    return 10.0 + (counts * np.array([3.0, 1.0, 0.5, -1.0, 0.8])).sum(axis=1) + 0.1 * rng.random(nb201.N_ARCHS)


def test_the_grid_in_numbers():
    facts = anasod_table1.grid_facts()
    assert facts["n_encodings"] == 210 and facts["n_encodings_fewer"] == 126
    assert facts["largest_encoding"] == anasod_table1.encoding_sizes().max()
    assert anasod_table1.space_table(facts)["cells"].tolist() == [15625, 210]


def test_an_encoding_that_fixes_the_error_explains_all_its_variance_and_gives_small_ratios():
    errors = {"a": counts_losses()[:, None]}
    assert anasod_table1.explained_variance(errors)["a"] > 0.99
    sd = anasod_table1.sampled_sd(errors, np.random.default_rng(0), 50, 5)
    assert anasod_table1.sd_ratios(sd, ["a"])["a"] < 0.05
    shown = anasod_table1.shown_statistics(sd, {"a": 0.0}, ["a"])
    assert shown["ratio"] == anasod_table1.sd_ratios(sd, ["a"])["a"] and shown["seed"] > 0


def test_table1_has_four_statistics_per_dataset_and_says_where_the_paper_has_none():
    errors = {"a": counts_losses()[:, None], "b": counts_losses(1)[:, None]}
    sd = anasod_table1.sampled_sd(errors, np.random.default_rng(0), 20, 5)
    table = anasod_table1.table1(sd, anasod_table1.exact_sd(errors), {"a": 0.1, "b": 0.2},
                                 {"a": (1.0, 2.0, 3.0, 4.0)}, ("s1", "s2", "s3", "s4"))
    assert len(table) == 8 and table["paper"].isna().sum() == 4 and table["ours, all cells"].isna().sum() == 2


def test_redraws_give_one_value_per_redraw_of_each_judged_statistic():
    errors = {"a": counts_losses()[:, None], "b": counts_losses(1)[:, None]}
    out = anasod_table1.redraw_statistics(errors, ["a", "b"], {"a": 0.0, "b": 0.0}, np.random.default_rng(0), 4, 20, 5)
    assert {k: v.shape for k, v in out.items()} == {"ratio": (4,), "top": (4,), "seed": (4,)}
    assert (out["seed"] > 0).all()


def test_the_one_cell_grid_is_compared_with_the_cell_graph_per_draw():
    errors = {"a": counts_losses()[:, None]}
    land = anasod_grid.grid_landscapes(errors, ["a"], np.random.default_rng(0), 3)
    assert len(land["a"]["one"]) == 3 and land["a"]["rank"] >= 1
    per_draw = anasod_grid.per_draw_tables(land, errors)
    assert per_draw["a"].shape == (3, 4)
    margins = anasod_grid.one_cell_margins(land, per_draw, ["a"])
    expected = land["a"]["cells"]["local_minima"] - per_draw["a"]["local minima"].mean()
    assert margins["minima"].loc["a", "mean"] == expected
    table = anasod_grid.landscape_table(land)
    assert table.loc["a", "grid (mean): local minima"] == land["a"]["grid"]["local_minima"]
    assert anasod_grid.side_by_side(land, per_draw)["landscape"].tolist() == ["cell graph", "grid, one cell per encoding"]
    counts = anasod_grid.one_cell_counts(land, per_draw, ["a"])
    assert counts["n_fewer"] in (0, 1) and isinstance(counts["wider_names"], str)


def test_table2_reads_each_row_at_its_own_query():
    curves = {"A": {"RS": np.array([[3.0, 2.0], [3.0, 2.0]]), "RE": np.array([[4.0, 1.0], [4.0, 1.0]])}}
    row_at = anasod_race.row_budgets({"RS": 300, "RE": 150}, 150, 2, 1)
    table = anasod_race.table2(curves, curves, {"RS": (2.5,), "RE": (4.0,)}, row_at)
    assert table.loc[("A", "RS"), "difference"] == -0.5 and table.loc[("A", "RE"), "difference"] == 0.0
    assert anasod_race.returned_cell_gaps(curves, {"RS": (2.5,), "RE": (4.0,)}, row_at) == {("A", "RS"): 0.5,
                                                                                             ("A", "RE"): 0.0}


def test_z_statistics_compare_each_anasod_search_with_its_baseline():
    rng = np.random.default_rng(0)
    runs = {"A": {k: rng.normal(size=(8, 4)) + shift for k, shift in
                  [("ANASOD-RS", 0), ("ANASOD-biasedRS", -5), ("ANASOD-LS", 0), ("ANASOD-BO", 0),
                   ("random search", 0), ("local search", 0)]}}
    zs = anasod_race.z_statistics(runs, 2, 3)
    assert zs["biased"][0] < -5 and set(zs["bo"]) == {("A", k) for k in runs["A"] if k != "ANASOD-BO"}
    assert anasod_race.z_table(runs, 2).shape == (1, 2)
    assert anasod_race.budget_free(pd.DataFrame({"A": [True, False]}, index=["x", "y"])) == ["x"]
