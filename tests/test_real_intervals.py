"""Bootstrap intervals over measured landscapes (and over search trials within them)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from nascompanion.landscape.real_intervals import landscape_bootstrap, race_bootstrap, race_gap, spearman_rows


def test_spearman_rows_agrees_with_scipy_with_and_without_ties():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(20, 12)).astype(float)  # many ties
    y = rng.normal(size=(20, 12))
    expected = [spearmanr(a, b).statistic for a, b in zip(x, y)]
    assert np.allclose(spearman_rows(x, y), expected, equal_nan=True)


def test_a_constant_row_has_no_correlation():
    assert np.isnan(spearman_rows(np.ones(5), np.arange(5.0)))


def test_the_landscape_bootstrap_is_repeatable_and_brackets_its_estimate():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=12), rng.normal(size=12)
    first = landscape_bootstrap(x, y, np.random.default_rng(3), draws=500)
    again = landscape_bootstrap(x, y, np.random.default_rng(3), draws=500)
    assert first == again
    assert first.low <= first.estimate <= first.high
    assert first.estimate == pytest.approx(spearmanr(x, y).statistic)


def test_a_wider_level_gives_a_wider_interval():
    rng = np.random.default_rng(2)
    x = rng.normal(size=12)
    y = x + rng.normal(size=12)
    narrow = landscape_bootstrap(x, y, np.random.default_rng(4), level=0.5, draws=800)
    wide = landscape_bootstrap(x, y, np.random.default_rng(4), level=0.95, draws=800)
    assert wide.low <= narrow.low and narrow.high <= wide.high


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="at least 3 landscapes"):
        landscape_bootstrap(np.arange(2.0), np.arange(2.0), np.random.default_rng(0))
    with pytest.raises(ValueError, match="level"):
        landscape_bootstrap(np.arange(5.0), np.arange(5.0), np.random.default_rng(0), level=1.0)
    with pytest.raises(ValueError, match="finals of shape"):
        race_bootstrap(np.arange(4.0), np.zeros((3, 2, 5)), np.random.default_rng(0))


def test_the_race_gap_is_the_first_algorithm_against_the_best_other():
    finals = np.array([[[4.0, 6.0], [5.0, 5.0], [3.0, 3.0]], [[1.0, 1.0], [2.0, 2.0], [9.0, 9.0]]])
    assert race_gap(finals).tolist() == [2.0, -1.0]


def test_trial_noise_widens_the_race_interval():
    gaps = np.arange(8.0)
    quiet = np.stack([[np.full(30, 10.0 + g), np.full(30, 10.0)] for g in gaps])
    noisy = quiet + np.random.default_rng(5).normal(0, 20.0, quiet.shape)
    calm = race_bootstrap(gaps, quiet, np.random.default_rng(6), draws=400)
    loud = race_bootstrap(gaps, noisy, np.random.default_rng(6), draws=400)
    assert (calm.estimate, calm.low, calm.high) == (1.0, 1.0, 1.0)
    assert loud.high - loud.low > 0.5
