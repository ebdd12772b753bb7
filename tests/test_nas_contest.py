"""The contest's loops over datasets and objectives, its tables, and the sweep's and noise band's readings."""

import numpy as np
import pandas as pd

from nascompanion.compare import contest, noise_band, sweep_reading
from nascompanion.compare.run import LABELS, Setting, Sweep, compare
from toy_benchmark import toy_benchmark


def test_the_contest_runs_every_dataset_denoised_and_standard_with_the_settings_it_used(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    runs, settings = contest.run_contest(bench, {"toy": "validation"}, ("noise", 1.0), "std", budget=12, trials=3,
                                         model_trials=2, algorithms=("random_search",),
                                         model_algorithms=("evolution",))
    assert list(runs) == [("toy", "denoised"), ("toy", "std")]
    assert runs[("toy", "std")]["random_search"].shape == (3, 12)
    assert runs[("toy", "std")]["evolution"].shape == (2, 12)
    assert settings[("toy", "std")] == Setting("toy", "noise", x=1.0, trials=3, budget=12)
    again = compare(bench, settings[("toy", "std")], algorithms=("random_search",), progress=False)
    np.testing.assert_array_equal(again["random_search"], runs[("toy", "std")]["random_search"])


def test_a_variant_replaces_the_main_algorithm_on_the_same_trials(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    runs, settings = contest.run_contest(bench, {"toy": "validation"}, ("noise", 1.0), "std", budget=12, trials=3,
                                         model_trials=2, algorithms=("local_search", "random_search"),
                                         model_algorithms=())
    swaps = {"evolution": ("random_search", "evolution")}
    swapped = contest.swapped_runs(bench, runs, settings, swaps)
    assert sorted(swapped[("evolution", ("toy", "std"))]) == ["local_search", "random_search"]
    assert not np.array_equal(swapped[("evolution", ("toy", "std"))]["random_search"],
                              runs[("toy", "std")]["random_search"])
    gaps = contest.paired_gaps_by_setting(runs, 12)
    table = contest.readings_table(runs, contest.decisive_by_setting(gaps), swapped, swaps, 12)
    assert table.index.tolist() == ["toy, denoised", "toy, std"]
    assert table.columns[-1] == "decided by" and table.iloc[0, -1] == "random search"


def test_paired_gaps_are_taken_per_trial_and_the_highest_lower_end_decides():
    ls = np.array([[1.0], [2.0], [3.0]])
    runs = {("a", "denoised"): {"local_search": ls, "random_search": ls + 1.0, "bo": ls - 0.5}}
    gaps = contest.paired_gaps_by_setting(runs, 1)
    decisive = contest.decisive_by_setting(gaps)[("a", "denoised")]
    assert decisive["other"] == "bo" and decisive["difference"] == 0.5 and not decisive["holds"]
    assert contest.ranks_by_setting(runs, 1) == {("a", "denoised"): 2}
    assert contest.gap_table(gaps)["other"].tolist() == [LABELS["random_search"], LABELS["bo"]]


def test_the_summary_reports_the_budget_only_below_150_queries():
    runs = {("a", "denoised"): {"random_search": np.ones((2, 200))}}
    assert contest.summary_by_setting(runs, 200).columns.tolist() == ["100 queries", "150 queries", "200 queries"]
    assert contest.summary_by_setting(runs, 60).columns.tolist() == ["60 queries"]


def test_the_sweep_gap_is_local_search_minus_the_better_other_and_its_ends_give_the_earlier_reading():
    table = pd.DataFrame({"dataset": ["a"] * 6, "x": [0.0] * 3 + [1.0] * 3,
                          "algorithm": ["local_search", "random_search", "evolution"] * 2,
                          "mean": [1.0, 2.0, 1.5, 2.0, 1.0, 3.0], "rank": [1, 3, 2, 2, 1, 3]})
    gaps = sweep_reading.mean_gaps(table, ("local_search", "random_search", "evolution"))
    assert gaps["a"].tolist() == [-0.5, 1.0]
    assert sweep_reading.local_search_ranks(table)["a"].tolist() == [1, 2]
    finals = {("a", x): {"local_search": np.array([1.0, 1.0]) + x, "random_search": np.array([2.0, 2.0])}
              for x in (0.0, 1.0)}
    slopes = sweep_reading.gap_slopes(Sweep(table, finals), {"a": "test"}, others=("random_search",))
    assert slopes["a"].estimate == 1.0
    row = sweep_reading.slope_table(slopes, gaps).loc["a"]
    assert row["gap at the largest x minus gap at x = 0"] == 1.5


def test_the_noise_band_runs_each_dataset_at_its_own_multiplier(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    band = noise_band.band_runs(bench, {"toy": "validation"}, {"toy": 0.5}, trials=2, budget=10,
                                algorithms=("local_search", "random_search"))
    direct = compare(bench, Setting("toy", "noise", x=0.5, trials=2, budget=10),
                     algorithms=("local_search", "random_search"), progress=False)
    np.testing.assert_array_equal(band["toy"]["local_search"], direct["local_search"])
    table = noise_band.band_table({"toy": 0.5}, noise_band.band_gaps(band, 10))
    assert table.loc["toy"].iloc[0] == 0.5
