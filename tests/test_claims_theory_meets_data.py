"""The rules of the theory_meets_data chapter give the outcome their criteria say, on constructed inputs,
and the per-landscape analysis keeps each landscape's own numbers."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.claims import theory_meets_data as claims
from nascompanion.report.stats import Interval
from nascompanion.theory import fitted_data as D
from nascompanion.theory import fitted_prediction as P
from nascompanion.theory import markov as K
from nascompanion.theory import noise_bound as B
from nascompanion.theory.fitting import METHODS, NORMALISATIONS, Eq53Fit


def _fits(offset):
    return {(name, how, method): Eq53Fit(claims.PAPER_V + offset, sigma + offset, method)
            for name, sigma in claims.PAPER_SIGMA.items() for how in NORMALISATIONS for method in METHODS}


def test_the_fits_hold_within_the_tolerance_and_fail_beyond():
    assert claims.judge_fits(_fits(0.04)).outcome == "holds"
    assert claims.judge_fits(_fits(0.06)).outcome == "does not hold"
    assert claims.fit_values(_fits(0.06))["fits_worst_gap"] == pytest.approx(0.06)


def test_the_closest_fit_is_the_combination_nearest_the_paper():
    fits = _fits(0.3)
    fits.update({(name, "minmax", "histogram"): Eq53Fit(claims.PAPER_V, sigma, "histogram")
                 for name, sigma in claims.PAPER_SIGMA.items()})
    assert claims.fit_values(fits)["best_norm"] == "minmax" and claims.fit_values(fits)["best_method"] == "histogram"
    assert np.allclose(claims.fit_comparison(fits)["difference sigma"], 0)


def test_the_diagonal_needs_more_than_half_and_more_than_independent_pairs():
    shares = pd.DataFrame({"share of neighbouring pairs within the band": [0.7, 0.55],
                           "share of independent pairs within the band": [0.3, 0.4]}, index=["a", "b"])
    assert claims.judge_diagonal(shares).outcome == "holds"
    assert claims.judge_diagonal(shares.assign(**{"share of neighbouring pairs within the band": [0.7, 0.45]})).outcome \
        == "does not hold"


def test_footnote_two_and_its_power_are_judged_on_their_intervals():
    assert claims.judge_markov(Interval(0.04, 0.03, 0.05), 100).outcome == "holds"
    assert claims.judge_markov(Interval(0.2, 0.15, 0.25), 100).outcome == "does not hold"
    assert claims.judge_power(np.array([-0.3, -0.4, -0.35, -0.5])).outcome == "holds"
    assert claims.judge_power(np.array([0.01, -0.02, 0.03, 0.02])).outcome == "does not hold"


def test_the_bound_holds_below_one_and_is_undecided_when_the_interval_reaches_it():
    assert claims.judge_bound([Interval(5.0, 4.0, 6.0)], np.array([10.0]), 20).outcome == "holds"
    assert claims.judge_bound([Interval(9.5, 9.0, 10.5)], np.array([10.0]), 20).outcome == "undecided"
    assert claims.judge_bound([Interval(12.0, 11.0, 13.0)], np.array([10.0]), 20).outcome == "does not hold"


def _errs(largest, predicted, measured, error):
    index = pd.MultiIndex.from_tuples([("A", "RWA", "b0=1"), ("A", "centred", "tree"), ("B", "RWA", "b0=1")])
    return pd.DataFrame({"largest predicted": largest, "minima predicted": predicted, "minima measured": measured,
                         "max |error| over eps": [0.5, 0.5, 0.5], "max |error| over eps > 0": error}, index=index)


def test_fairly_accurate_uses_only_combinations_that_pass_the_reconstruction_check():
    passing = _errs([0.9, 5.0, 1.0], [20.0, 500.0, 30.0], [15.0, 15.0, 20.0], [0.08, 0.01, 0.09])
    assert claims.judge_reconstruction(passing).outcome == "holds"
    assert claims.judge_fair(passing).outcome == "holds"   # A's passing combination errs 0.08, not the failing 0.01
    assert claims.fair_readings(passing).loc["A", "eps > 0, every combination"] == 0.01
    failing = _errs([0.9, 5.0, 23.0], [20.0, 500.0, 1000.0], [15.0, 15.0, 20.0], [0.08, 0.01, 0.09])
    assert claims.judge_reconstruction(failing).outcome == "does not hold"
    unchecked = claims.judge_fair(failing)
    assert unchecked.outcome == "cannot be checked" and "passes the check on B" in unchecked.detail
    assert claims.prediction_values(failing, 15625, 24)["valid_count"] == 1


def test_the_uniform_losses_claim_reads_the_b0_1_reading():
    errors = {"b0=1": Interval(0.1, 0.09, 0.11), "tree": Interval(0.01, 0.005, 0.02)}
    finding = claims.judge_exact(errors, 300)
    assert finding.outcome == "does not hold" and finding.interval.covers == "90 % bootstrap over 300 uniform loss draws"
    assert claims.uniform_values(errors)["uni_high_tree"] == 0.02


def test_per_landscape_helpers_keep_each_landscape_apart():
    cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    norm = {"a": np.array([0.0, 0.05, 0.5, 1.0]), "b": np.array([0.0, 0.5, 0.55, 1.0])}
    shares = D.diagonal_shares(norm, cycle, 0.1)
    assert shares.loc["a", "share of neighbouring pairs within the band"] == 0.25
    assert shares.loc["b", "share of neighbouring pairs within the band"] == 0.25
    assert D.loss_ranges({"x": np.array([5.0, 95.0])}) == {"x": 90.0}
    assert D.chance_shares({"CIFAR-100": np.array([99.0, 97.0, 50.0, 20.0])}) == {"CIFAR-100": 25.0}


def test_the_noisy_minima_intervals_follow_one_stream_in_order():
    cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    losses = np.array([0.0, 1.0, 3.0, 2.0])
    found = B.noisy_minima_intervals(losses, cycle, np.array([0.5, 2.0]), np.random.default_rng(4), 6)
    rng = np.random.default_rng(4)
    first, second = (B.noisy_minima(losses, cycle, s, rng, 6).mean() for s in (0.5, 2.0))
    assert [i.estimate for i in found] == [first, second]


def test_the_eps_grid_holds_the_linear_steps_and_the_log_points():
    eps = P.eps_grid()
    assert eps[0] == 0 and eps[-1] == 1 and np.all(np.diff(eps) > 0)
    assert P.linear_steps(eps).sum() == 100 and not P.linear_steps(eps)[0]


def test_control_correlations_see_the_dependence_of_additive_landscapes():
    ops = np.array([[a, b, c] for a in range(3) for b in range(3) for c in range(3)])
    table = np.array([[j for j in range(27) if (ops[i] != ops[j]).sum() == 1] for i in range(27)])
    controls = K.control_correlations(ops, table, np.random.default_rng(0), count=5, bins=3)
    assert controls.shape == (5,) and np.all(np.isfinite(controls))
    readings = K.correlation_by_bins({"x": np.random.default_rng(1).random(27)}, table, bins=(2, 3))
    assert list(readings.columns) == ["2 bins", "3 bins"] and list(readings.index) == ["x"]
