"""Analyses of the two training pipelines: candidates of the setting sweep, Table 1 per pipeline, resolution,
the paired searches and the seed-SD figure."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.compare.pipeline_search import search_gaps, search_table
from nascompanion.landscape.pipeline_table1 import pipeline_gaps, pipeline_table1, table_values
from nascompanion.landscape.resolution import neighbour_ties_pct, top_distinct
from nascompanion.train import setting_candidates as candidates
from nascompanion.train.pipeline_figures import seed_sd_histogram


def _cands():
    return pd.DataFrame({"n_archs": [128, 128, 32, 32], "noise": [0.1] * 4, "width": [8, 8, 8, 16],
                         "epochs": [20, 40, 20, 20], "archs": ["A", "A", "B", "B"], "is_setting": [True, False,
                                                                                                     True, False]})


def test_the_setting_is_read_on_its_largest_sample():
    assert candidates.largest_sample(_cands())["n_archs"] == 128


def test_the_other_epochs_must_share_the_cells():
    cands = _cands()
    chosen = candidates.largest_sample(cands)
    assert candidates.other_epochs(cands, chosen)["epochs"] == 40
    cands.loc[1, "archs"] = "C"
    with pytest.raises(ValueError, match="other cells"):
        candidates.other_epochs(cands, chosen)


def test_the_width_pair_is_narrow_then_wide_on_a_smaller_sample():
    cands = _cands()
    narrow, wide = candidates.width_pair(cands, candidates.largest_sample(cands))
    assert (narrow["width"], wide["width"], wide["n_archs"]) == (8, 16, 32)


def test_table1_per_pipeline_has_four_rows_each_and_glues_every_entry():
    draws = pd.DataFrame({"local_minima": np.arange(100.0), "reached_global_pct": np.linspace(0, 1, 100),
                          "iterations": np.full(100, 3.0)})
    mean = {"local_minima": 40, "reached_global_pct": 2.0, "iterations": 3.5}
    table = pipeline_table1({"noisy": draws, "denoised": draws}, {"noisy": mean, "denoised": mean}, (0.05, 0.95))
    assert table.shape == (8, 3)
    values = table_values(table)
    assert values["local_minima_noisy_mean"] == 40 and values["local_minima_denoised_median"] == 49.5
    assert len(values) == 24


def test_the_gaps_point_the_way_each_claim_reads():
    draws = {"noisy": pd.DataFrame({"local_minima": [50.0], "reached_global_pct": [1.0]}),
             "denoised": pd.DataFrame({"local_minima": [40.0], "reached_global_pct": [3.0]})}
    mean = {"noisy": {"local_minima": 30, "reached_global_pct": 1.5},
            "denoised": {"local_minima": 20, "reached_global_pct": 4.0}}
    gaps = pipeline_gaps(draws, mean)
    assert gaps["minima"].tolist() == [10.0] and gaps["basin"].tolist() == [2.0]
    assert gaps["avg_minima_denoised"].tolist() == [20.0] and gaps["avg_basin_noisy"].tolist() == [0.5]


def test_coarse_accuracies_tie_more_neighbours_and_have_fewer_top_values():
    rng = np.random.default_rng(0)
    table = np.stack([np.roll(np.arange(50), k) for k in (1, -1)], axis=1)
    fine = rng.normal(50, 5, (50, 3))
    coarse = np.round(fine / 5) * 5
    keep = np.ones(50, dtype=bool)
    assert neighbour_ties_pct(coarse, table, keep) > neighbour_ties_pct(fine, table, keep) == 0.0
    assert top_distinct(coarse, keep, 10) < top_distinct(fine, keep, 10) == 10.0


def test_the_search_table_pairs_local_and_random_search_run_by_run():
    picked = {("noisy", "one seed", "local search"): np.array([1.0, 2.0, 3.0, 4.0]),
              ("noisy", "one seed", "random search"): np.array([1.0, 3.0, 4.0, 5.0])}
    gaps = search_gaps(picked, 1.96)
    table = search_table(picked, gaps)
    assert table.loc[("noisy", "one seed"), "LS - RS"] == pytest.approx(-0.75)
    assert table.loc[("noisy", "one seed"), "tied runs %"] == 25.0


def test_the_seed_sd_histogram_has_one_step_line_per_pipeline():
    fig = seed_sd_histogram({"noisy": np.array([4.0, 5.0]), "denoised": np.array([3.0])})
    assert len(fig.axes[0].patches) == 2
