"""The rules of noise_and_local_minima give the outcome their criteria say, on constructed results."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.claims import noise_and_local_minima as claims
from nascompanion.landscape.noise import SweepResult
from nascompanion.report.stats import Interval

P = claims.P


def test_a_denoised_number_outside_its_tolerance_does_not_hold_and_one_inside_holds():
    inside = {"local_minima": P["denoised"]["local_minima"] * 1.19, "reached_global_pct": 47.4 + 4.9,
              "iterations": P["denoised"]["iterations"] - 0.09}
    outside = {"local_minima": P["denoised"]["local_minima"] * 0.79, "reached_global_pct": 47.4 + 5.1,
               "iterations": P["denoised"]["iterations"] + 0.11}
    assert [f.outcome for f in claims.denoised_numbers(inside)[0]] == ["holds"] * 3
    assert [f.outcome for f in claims.denoised_numbers(outside)[0]] == ["does not hold"] * 3


def test_the_miss_of_each_denoised_number_is_its_distance_from_the_paper():
    measured = {"local_minima": 13, "reached_global_pct": 70.1, "iterations": 5.94}
    _, table, values = claims.denoised_numbers(measured)
    assert values["miss_local_minima"] == pytest.approx(8)
    assert values["miss_reached_global_pct"] == pytest.approx(22.7)
    assert table.loc["iterations", "outcome"] == "does not hold"


def test_the_denoised_direction_is_undecided_when_either_sigma_estimate_straddles_zero():
    clear = {"classes": Interval(40.0, 38.0, 42.0), "best-cells": Interval(12.0, 10.0, 14.0)}
    straddled = {"classes": Interval(40.0, 38.0, 42.0), "best-cells": Interval(1.0, -1.0, 3.0)}
    found, _ = claims.denoised_direction({"minima": clear, "global": straddled}, 200)
    assert [f.outcome for f in found] == ["holds", "undecided"]
    assert found[1].interval.low == -1.0 and found[1].interval.high == 42.0


def test_the_random_row_holds_within_two_single_draw_sds_and_fails_far_from_the_paper():
    rng = np.random.default_rng(0)
    near = {"local_minima": rng.normal(620, 15, 200), "iterations": rng.normal(2.55, 0.01, 200)}
    far = {"local_minima": rng.normal(700, 15, 200), "iterations": rng.normal(2.80, 0.01, 200)}
    assert [f.outcome for f in claims.random_row(near)] == ["holds", "holds"]
    assert [f.outcome for f in claims.random_row(far)] == ["does not hold", "does not hold"]


def test_the_real_standard_row_is_judged_below_the_papers_bound_with_per_seed_data():
    index = pd.MultiIndex.from_tuples([("standard (one seed)", "reached_global_pct")])
    low = pd.DataFrame({"ours": [3.0], "ours_sd": [2.0]}, index=index)
    high = pd.DataFrame({"ours": [9.0], "ours_sd": [2.0]}, index=index)
    assert claims.standard_real(low, True, 200).outcome == "holds"
    assert claims.standard_real(high, True, 200).outcome == "does not hold"
    assert claims.standard_real(low, False, 200).outcome == "cannot be checked"


def test_one_rescaling_holds_up_to_a_quarter_and_cannot_be_checked_off_the_grid():
    assert claims.rescaling(1.2, 1.1, 1.24, 30)[0].outcome == "holds"
    assert claims.rescaling(1.2, 1.1, 1.3, 30)[0].outcome == "undecided"
    assert claims.rescaling(float("nan"), 1.1, 1.3, 30)[0].outcome == "cannot be checked"


def test_the_trees_need_ten_times_the_random_cells_over_the_whole_bootstrap_interval():
    random = {"basins": np.full(50, 100), "own": np.full(50, 100)}
    found, values = claims.tree_findings({"basins": 1_500, "own": 800}, random, np.random.default_rng(0))
    assert [f.outcome for f in found] == ["holds", "does not hold"]
    assert values["tree_basins_ratio"] == pytest.approx(15.0)


def test_each_sweep_statistic_is_judged_on_its_own_side_of_zero():
    up = np.array([[1.0, 2.0, 1.5], [9.0, 8.0, 9.5]])
    sweep = SweepResult(np.array([0.0, 3.0]), {"local_minima": up, "global_basin_size": up, "iterations": -up}, 0.2)
    found, table, values = claims.sweep_findings({"CIFAR-10": sweep})
    assert [f.outcome for f in found] == ["holds", "does not hold", "holds"]
    assert values["sweep_global_basin_size"] == "CIFAR-10: does not hold"
    assert list(table.index) == ["CIFAR-10"]


def test_a_sweep_rule_refuses_an_unknown_statistic():
    with pytest.raises(ValueError, match="statistic must be one of"):
        claims.sweep_rule("basin", "CIFAR-10")


def test_every_rule_id_of_the_chapter_is_unique():
    ids = [claims.FEWER_MINIMA.id, claims.MORE_REACH_GLOBAL.id, claims.STANDARD_REAL.id, claims.TREES_WHOLE.id,
           claims.TREES_OWN.id, claims.ONE_RESCALING.id, *(r.id for r in claims.DENOISED_NUMBERS.values()),
           *(r.id for r in claims.STANDARD_SIMULATED.values()), *(r.id for r in claims.RANDOM.values())]
    assert len(ids) == len(set(ids))
