"""Analyses of the measured landscapes: drift series, ANASOD's implied sigma, the race's gaps, the correlations."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.landscape import drift
from nascompanion.landscape.implied_sigma import implied_sigma_values, median_sd_factor
from nascompanion.landscape.measured_race import EVOLUTIONS, race_gaps, race_values
from nascompanion.landscape.real_intervals import landscape_bootstrap, noise_correlations
from nascompanion.report.stats import Interval


def test_the_median_sd_of_gaussian_draws_matches_the_factor():
    rng = np.random.default_rng(0)
    sds = rng.normal(size=(200_000, 3)).std(axis=1, ddof=1)
    assert np.median(sds) == pytest.approx(median_sd_factor(3), abs=0.01)


def test_the_factor_needs_two_seeds():
    with pytest.raises(ValueError, match="seeds must be an integer of at least 2"):
        median_sd_factor(1)


def test_implied_sigmas_nearer_the_best_cells_estimate_are_counted():
    sigmas = pd.DataFrame({"ANASOD median per-seed SD": [0.2, 0.5], "implied sigma, 3 seeds": [0.16, 0.6],
                           "implied sigma, 2 seeds": [0.18, 0.7], "book: class estimate": [0.3, 0.6],
                           "best-cells estimate": [0.15, 0.3]})
    values = implied_sigma_values(sigmas)
    assert values["anasod_implied_nearer_best"] == 1 and values["anasod_implied_below"] == 1
    assert values["anasod_raw_reading"] == "lie below the book's class estimate on every dataset"


def test_drift_that_adds_minima_in_one_series_is_not_read_as_fewer():
    falls = pd.DataFrame({"local_minima": [30, 20], "reached_global_pct": [5.0, 6.0]})
    rises = pd.DataFrame({"local_minima": [20, 30], "reached_global_pct": [5.0, 6.0]})
    assert drift.drift_values({"drift": falls, "noisy-drift": rises})["drift_reading"].startswith("the count")


def test_the_race_gap_is_local_search_minus_the_better_of_the_others():
    ones = np.ones((4, 3))
    race = {f"l{k}": {"local_search": ones * (6.0 + k), "random_search": ones * 5.0, "evolution": ones * 4.0,
                      "evolution_requery": ones * 5.5} for k in range(4)}
    finals, rho = race_gaps(race, pd.Series(np.arange(4.0), index=list(race)), np.random.default_rng(0), 0.9, 50)
    assert finals["gap, evolution"].tolist() == [2.0, 3.0, 4.0, 5.0]
    assert finals["gap, evolution_requery"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert set(rho) == set(EVOLUTIONS) and rho["evolution"].estimate == pytest.approx(1.0)
    found = pd.DataFrame({"local search": [0.2, 0.8, 0.5, 0.4]})
    assert race_values(found, rho)["n_race"] == 4


def test_the_correlations_draw_their_resamples_in_turn_from_one_generator():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"rank_disagreement": rng.normal(size=8), "rms_deviation": rng.normal(size=8),
                          "local_minima": rng.normal(size=8), "reached_global_pct": rng.normal(size=8)})
    rho = noise_correlations(frame, np.random.default_rng(1), 0.9, 100)
    again = np.random.default_rng(1)
    first = landscape_bootstrap(frame["rank_disagreement"], frame["local_minima"], again, 0.9, 100)
    second = landscape_bootstrap(frame["rank_disagreement"], frame["reached_global_pct"], again, 0.9, 100)
    assert rho[("rank_disagreement", "local_minima")] == first
    assert rho[("rank_disagreement", "reached_global_pct")] == second
    assert isinstance(second, Interval)
