"""The comparison's rules give the outcome their criteria say, on constructed gaps, slopes and reruns."""

import pandas as pd
import pytest

from nascompanion.claims import nas_comparison as claims
from nascompanion.report.stats import Interval

DATASETS = ("cifar10-valid", "cifar100", "ImageNet16-120")
STD = "standard (simulated)"


def gap(low, high, other="bo"):
    return dict(other=other, difference=(low + high) / 2, low=low, high=high, holds=low <= 0)


def gaps_table(rs_low, rs_high):
    return pd.DataFrame({"other": ["random_search", "bo"], "trials": [10, 10],
                         "difference": [(rs_low + rs_high) / 2, 0.0], "low": [rs_low, -1.0], "high": [rs_high, 1.0]})


def spread(low, high):
    return dict(ratio=(low + high) / 2, low=low, high=high, reruns=12, trials=200)


def test_no_other_algorithm_measurably_better_holds_when_the_deciding_interval_reaches_zero():
    rule = claims.denoised_rule("cifar10-valid", 300)
    assert claims.paired_finding(rule, gap(-0.01, 0.05), "covers").outcome == "holds"
    assert claims.paired_finding(rule, gap(0.01, 0.05), "covers").outcome == "does not hold"


def test_the_paired_finding_names_the_deciding_algorithm_and_carries_its_interval():
    f = claims.paired_finding(claims.standard_rule("cifar100", STD), gap(0.01, 0.05, "random_search"), "95 %")
    assert f.detail == "decided by random search" and (f.interval.low, f.interval.high) == (0.01, 0.05)
    assert f.id == "standard_c100" and STD in f.criterion


def test_the_noise_trend_is_undecided_when_the_slope_interval_straddles_zero():
    rule = claims.trend_rule("cifar100")
    f = claims.findings({(d, o): gap(-1, 1) for d in DATASETS for o in ("denoised", STD)},
                        {d: gap(-1, 1) for d in DATASETS},
                        {"cifar10-valid": Interval(0.5, 0.1, 0.9), "cifar100": Interval(0.0, -0.1, 0.1),
                         "ImageNet16-120": Interval(-0.5, -0.9, -0.1)},
                        {(d, o): gaps_table(-2.0, -1.0) for d in DATASETS for o in ("denoised", STD)},
                        spread(0.7, 1.2), budget=300, trials=200, model_trials=200, standard_label=STD)
    outcomes = {x.id: x.outcome for x in f}
    assert rule.id == "noise_trend_c100"
    assert (outcomes["noise_trend_c10"], outcomes["noise_trend_c100"], outcomes["noise_trend_in16"]) == (
        "holds", "undecided", "does not hold")
    assert outcomes["baseline"] == "holds" and outcomes["trial_intervals"] == "holds"
    assert [x.id for x in f][-4:] == ["fig42_outperforms", "fig42_like_bo", "fig43_right", "appendix_a"]
    assert len(f) == 3 * 4 + 2 + 4


@pytest.mark.parametrize("low, high, outcome", [(-2.0, -0.1, "holds"), (-0.5, 0.2, "undecided"),
                                                (0.1, 0.3, "does not hold")])
def test_the_baseline_is_judged_on_the_least_favourable_gap_to_random_search(low, high, outcome):
    gaps = {("a", "denoised"): gaps_table(-3.0, -2.0), ("a", STD): gaps_table(low, high)}
    f = claims.baseline_finding(gaps, 200)
    assert f.outcome == outcome and f.interval.high == high


@pytest.mark.parametrize("low, high, outcome", [(0.7, 1.4, "holds"), (1.2, 1.9, "undecided"), (1.6, 2.5, "does not hold")])
def test_trial_intervals_hold_when_the_ratio_interval_lies_below_one_and_a_half(low, high, outcome):
    f = claims.trial_intervals_finding(spread(low, high))
    assert f.outcome == outcome and "12 reruns of 200 trials" in f.interval.covers


def test_every_unchecked_claim_says_what_it_needs():
    assert all(reason.strip() for _, reason in claims.UNCHECKED)
    assert {r.unchecked(reason).outcome for r, reason in claims.UNCHECKED} == {"cannot be checked"}


def test_an_unknown_dataset_is_refused_with_the_allowed_ones():
    with pytest.raises(ValueError, match="dataset 'mnist' is not one of: cifar10-valid, cifar100, ImageNet16-120"):
        claims.denoised_rule("mnist", 300)


def test_readings_values_quote_the_columns_the_prose_names():
    index = ["cifar10-valid, denoised", f"cifar10-valid, {STD}", "ImageNet16-120, denoised"]
    readings = pd.DataFrame([[True, True, False, True], [False, True, True, True], [True, True, True, False]],
                            index=index)
    assert claims.readings_values(readings, STD) == {
        "restart_reading_c10": "does not hold", "restart_reading_in16": "holds",
        "book_evolution_reading_c10": "holds", "authors_evolution_reading_c10": "does not hold"}
