"""The rules of denoising_pipeline give the outcome their criteria say, on constructed results."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.claims import denoising_pipeline as claims
from nascompanion.report.stats import Interval


def _boot(sd_noisy, sd_denoised, ratio_noisy, ratio_denoised):
    return pd.DataFrame({("noisy", "median_seed_sd"): sd_noisy, ("denoised", "median_seed_sd"): sd_denoised,
                         ("noisy", "ratio"): ratio_noisy, ("denoised", "ratio"): ratio_denoised})


def test_a_shipped_ratio_above_the_target_leaves_the_easier_verdict_unqualified():
    boot = _boot([4.0, 4.2], [3.0, 3.1], [5.5, 5.7], [6.0, 6.4])
    found, note = claims.pipeline_findings({"noisy": (22.0, 4.0), "denoised": (18.6, 3.0)},
                                           {"noisy": 5.5, "denoised": 6.2}, boot, 1000, 2)
    assert [f.outcome for f in found] == ["holds", "holds", "holds"] and note == ""
    assert found[1].detail == ""


def test_a_shipped_ratio_below_the_target_makes_the_easier_verdict_provisional():
    boot = _boot([4.0, 4.4], [4.1, 4.3], [2.0, 2.2], [2.1, 2.1])
    found, note = claims.pipeline_findings({"noisy": (8.0, 4.1), "denoised": (9.0, 4.2)},
                                           {"noisy": 2.1, "denoised": 2.2}, boot, 1000, 2)
    assert [f.outcome for f in found] == ["undecided", "undecided", "does not hold"]
    assert note.startswith("provisional: the shipped benchmark's ratio is 2.20")
    assert found[1].detail == note


def test_the_distorted_setting_holds_only_with_its_whole_interval_above_the_target():
    row = pd.Series({"ratio": 6.0, "low": 5.2, "high": 6.8, "n_archs": 128, "iqr": 9.0, "median_seed_sd": 1.5})
    found, values = claims.distorted_finding(row, 4000)
    assert found.outcome == "holds" and values["dist_interval_verdict"] == "lies above 5"
    row["low"], row["high"] = 3.0, 4.5
    found, values = claims.distorted_finding(row, 4000)
    assert found.outcome == "does not hold" and values["dist_interval_verdict"] == "lies below 5"


def test_table1_gaps_are_judged_on_the_central_ninety_percent_of_draws():
    draws = 200
    clear = pd.Series(np.linspace(1.0, 10.0, draws))
    below = pd.Series(np.linspace(-10.0, -1.0, draws))
    gaps = {"minima": clear, "basin": below} | {f"avg_{s}_{p}": clear for p in claims.PIPELINES
                                                for s in ("minima", "basin")}
    found = claims.table1_findings(gaps, draws, "provisional: x")
    assert [f.outcome for f in found[:2]] == ["holds", "does not hold"]
    assert found[0].detail == "provisional: x" and found[2].detail == ""
    assert [f.id for f in found[2:]] == ["averaging_minima_noisy", "averaging_basin_noisy",
                                         "averaging_minima_denoised", "averaging_basin_denoised"]


def test_local_search_must_be_lower_than_random_search_over_the_whole_paired_interval():
    gaps = {("noisy", "one seed"): Interval(0.3, 0.1, 0.5), ("noisy", "mean of seeds"): Interval(-0.3, -0.5, -0.1)}
    found = claims.search_findings(gaps, 100)
    assert [f.outcome for f in found] == ["does not hold", "holds"]
    assert found[0].fixed.startswith("after seeing") and found[1].fixed == "before the data"


def test_a_search_rule_refuses_an_unknown_pipeline():
    with pytest.raises(ValueError, match="pipeline must be one of"):
        claims.ls_rs_rule("clean", "one seed", 100)


def test_spread_values_give_both_differences_with_their_intervals():
    boot = _boot(np.linspace(4.0, 4.2, 11), np.full(11, 3.0), np.full(11, 2.0), np.linspace(2.1, 2.5, 11))
    accuracy = {"noisy": np.array([[50.0, 54.0], [60.0, 64.0]]), "denoised": np.array([[50.0, 52.0], [60.0, 62.0]])}
    values = claims.spread_values({"noisy": (8.0, 4.1), "denoised": (7.0, 3.0)}, {"noisy": 1.95, "denoised": 2.33},
                                  accuracy, np.ones(2, dtype=bool), boot)
    assert values["sd_drop"] == pytest.approx(1.1)
    assert values["ratio_gain_low"] == pytest.approx(0.12) and values["ratio_gain_high"] == pytest.approx(0.48)
    assert values["pooled_denoised"] == pytest.approx(np.sqrt(2.0))
