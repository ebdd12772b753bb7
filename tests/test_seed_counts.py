"""Seed-count shares and the median-SD factor that links a per-seed median SD to sigma."""

from __future__ import annotations

import numpy as np
import pytest

from nascompanion.data.seed_counts import median_sd_factor, seed_share


@pytest.mark.parametrize("ddof", [0, 1])
def test_median_sd_factor_matches_a_simulation(ddof):
    rng = np.random.default_rng(5)
    counts = rng.choice([1, 2, 3], size=40_000, p=[0.04, 0.46, 0.50])
    sds = [np.std(rng.standard_normal(m), ddof=ddof) for m in counts if m >= 2]
    assert np.median(sds) == pytest.approx(median_sd_factor(counts, ddof), abs=0.01)


def test_population_sd_is_smaller_than_sample_sd():
    counts = np.array([2, 3, 3])
    assert median_sd_factor(counts, 0) < median_sd_factor(counts, 1) < 1


def test_shares_sum_to_one_hundred():
    counts = np.array([1, 2, 2, 3, 3, 3])
    assert sum(seed_share(counts, m) for m in (1, 2, 3)) == pytest.approx(100.0)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="two or more seeds"):
        median_sd_factor(np.array([1, 1]))
    with pytest.raises(ValueError, match="ddof"):
        median_sd_factor(np.array([2]), ddof=2)
    with pytest.raises(ValueError, match="seed counts"):
        seed_share(np.array([0, 3]), 3)
