"""The rules of real_noise give the outcome their criteria say, on constructed results."""

import pandas as pd
import pytest

from nascompanion.claims import real_noise as claims
from nascompanion.report.stats import Interval

KEYS = [("rank_disagreement", "local_minima"), ("rank_disagreement", "reached_global_pct"),
        ("rms_deviation", "local_minima"), ("rms_deviation", "reached_global_pct")]


def test_a_correlation_interval_above_half_holds_and_one_straddling_it_is_undecided():
    rho = {KEYS[0]: Interval(0.7, 0.55, 0.9), KEYS[1]: Interval(-0.7, -0.9, -0.45),
           KEYS[2]: Interval(0.3, 0.1, 0.45), KEYS[3]: Interval(-0.2, -0.4, 0.1)}
    found = claims.correlation_findings(rho, 12, 0.9)
    assert [f.outcome for f in found] == ["holds", "undecided", "does not hold", "does not hold"]
    assert found[0].interval.covers == "90% bootstrap over the 12 landscapes"


def test_one_landscape_that_is_not_harder_fails_the_strict_reading():
    kinds = pd.DataFrame({"local_minima": [10, 12, 14], "reached_global_pct": [50.0, 40.0, 30.0]},
                         index=["baseline", "a", "b"])
    found, values = claims.every_harder(kinds)
    assert found.outcome == "holds" and values == {"not_harder": "none", "n_harder": 2}
    kinds.loc["b", "reached_global_pct"] = 55.0
    found, values = claims.every_harder(kinds)
    assert found.outcome == "does not hold" and values["not_harder"] == "b"


def test_the_gaussian_model_holds_only_with_the_whole_z_interval_within_two():
    retrain = pd.DataFrame({"z": [1.5, 1.9], "z_low": [1.0, 1.5], "z_high": [1.9, 2.3]},
                           index=["local_minima", "reached_global_pct"])
    assert [f.outcome for f in claims.gaussian_findings(retrain, 200, 0.9)] == ["holds", "undecided"]


def test_the_race_holds_when_local_search_clearly_loses_ground_with_noise():
    found, values = claims.race_finding(Interval(0.8, 0.6, 0.95), 12, 100, 0.9)
    assert found.outcome == "holds"
    assert values["race_direction"] == "local search loses ground as the noise grows"
    found, values = claims.race_finding(Interval(0.2, -0.3, 0.7), 12, 100, 0.9)
    assert found.outcome == "undecided" and values["race_direction"] == "no direction is settled"


def test_the_correlation_values_name_each_measure_and_statistic():
    values = claims.correlation_values(dict(zip(KEYS, [Interval(0.1 * k, 0.0, 1.0) for k in range(4)])))
    assert values["rho_rank_glob"] == pytest.approx(0.1) and values["rho_rms_min"] == pytest.approx(0.2)
    assert len(values) == 12


def test_the_retraining_direction_is_said_only_when_the_interval_excludes_zero():
    columns = ["real", "class means", "simulated", "simulated_sd", "z", "z_low", "z_high"]
    retrain = pd.DataFrame([[17, 9, 16, 4, 0.2, -0.5, 0.9]] * 2, columns=columns,
                           index=["local_minima", "reached_global_pct"])
    assert claims.retraining_values(retrain)["retrain_direction"] == "about as many local minima as"
    retrain.loc["local_minima", ["z_low", "z_high"]] = [0.5, 1.0]
    assert claims.retraining_values(retrain)["retrain_direction"] == "fewer local minima than"
