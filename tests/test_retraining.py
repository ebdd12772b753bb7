"""Gaussian within-class residuals against real ones: the test of the book's noise model on a benchmark
where every cell was trained once."""

from __future__ import annotations

import numpy as np
import pytest

from nascompanion.landscape.retraining import class_means, gaussian_residuals, retraining_table
from nascompanion.spaces.table import hamming_table


def test_gaussian_residuals_sum_to_zero_in_every_class_and_have_the_within_class_variance():
    labels = np.repeat(np.arange(4000), 2)
    r = gaussian_residuals(labels, 0.5, np.random.default_rng(1))[0]
    assert np.allclose(np.bincount(labels, weights=r), 0.0)
    assert r.var() == pytest.approx(0.25 * (1 - 1 / 2), rel=0.05)


def test_cells_outside_keep_get_no_residual_and_keep_their_value():
    labels = np.array([0, 0, 0])
    keep = np.array([True, True, False])
    r = gaussian_residuals(labels, 1.0, np.random.default_rng(2), keep)[0]
    assert r[2] == 0.0 and r[0] == pytest.approx(-r[1])
    assert class_means(np.array([1.0, 3.0, 9.0]), labels, keep).tolist() == [2.0, 2.0, 9.0]


def test_a_negative_sigma_is_refused():
    with pytest.raises(ValueError, match="sigma must be a finite number >= 0"):
        gaussian_residuals(np.array([0, 1]), -0.1, np.random.default_rng(0))


def test_data_made_of_gaussian_noise_is_not_told_apart_from_the_simulation():
    table = hamming_table(6, 4)  # 4096 cells, degree 18
    rng = np.random.default_rng(5)
    labels = np.arange(table.shape[0]) // 2  # classes of two cells
    truth = rng.uniform(60, 90, size=labels.max() + 1)[labels]
    accuracy = truth + 0.4 * rng.standard_normal(labels.size)
    result = retraining_table(accuracy, labels, 0.4, table, 40, np.random.default_rng(6))
    assert abs(result.loc["local_minima", "z"]) < 3
    assert result.loc["local_minima", "real"] > result.loc["local_minima", "class means"] / 10


def test_the_real_landscape_is_reported_as_it_is():
    table = hamming_table(3, 3)
    accuracy = np.arange(27, dtype=float)
    result = retraining_table(accuracy, np.arange(27), 0.0, table, 2, np.random.default_rng(0))
    assert result.loc["local_minima", "real"] == 1 and result.loc["reached_global_pct", "real"] == 100.0
    assert result.loc["local_minima", "simulated"] == 1  # singletons carry no residual


def test_the_z_interval_covers_the_z_of_the_table_and_leaves_its_other_columns_unchanged():
    from nascompanion.landscape.retraining import simulated_statistics

    table = hamming_table(6, 4)
    rng = np.random.default_rng(7)
    labels = np.arange(table.shape[0]) // 2
    accuracy = rng.uniform(60, 90, size=labels.max() + 1)[labels] + 0.4 * rng.standard_normal(labels.size)
    result = retraining_table(accuracy, labels, 0.6, table, 30, np.random.default_rng(8))
    alone = simulated_statistics(accuracy, labels, 0.6, table, 30, np.random.default_rng(8))
    assert result.loc["local_minima", "simulated"] == pytest.approx(alone["local_minima"].mean())
    row = result.loc["local_minima"]
    assert row["z_low"] <= row["z"] <= row["z_high"]


def test_the_sigma_sensitivity_at_the_tables_sigma_repeats_the_tables_simulation():
    from nascompanion.landscape.retraining import sigma_sensitivity

    table = hamming_table(6, 4)
    rng = np.random.default_rng(9)
    labels = np.arange(table.shape[0]) // 2
    accuracy = rng.uniform(60, 90, size=labels.max() + 1)[labels]
    sweep = sigma_sensitivity(accuracy, labels, np.array([0.2, 1.0]), table, 12, np.random.default_rng(10))
    result = retraining_table(accuracy, labels, 1.0, table, 12, np.random.default_rng(10))
    assert sweep.loc[1.0, "local_minima"] == pytest.approx(result.loc["local_minima", "simulated"])
    assert sweep.loc[0.2, "local_minima"] < sweep.loc[1.0, "local_minima"]  # more noise, more minima


def test_z_interval_refuses_a_bad_level():
    from nascompanion.landscape.retraining import z_interval

    with pytest.raises(ValueError, match="level"):
        z_interval(0.0, np.arange(5.0), np.random.default_rng(0), level=0.0)
