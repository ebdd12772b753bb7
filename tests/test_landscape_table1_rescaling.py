"""Table 1's extra rows (landscape.table1) and the fitted noise multipliers (landscape.rescaling)."""

import numpy as np
import pytest

from nascompanion.landscape.noise import LandscapeInputs, SweepResult, landscape_table
from nascompanion.landscape.rescaling import multiplier_ratio, multiplier_ratio_draws
from nascompanion.landscape.table1 import SIMULATED, other_datasets, sigma_band, simulated_standard_draws

PATH = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])


class _MeansOnly:
    def is_per_seed(self, dataset):
        return False


def test_every_dataset_sees_the_same_noise_draws():
    base = np.array([0.0, 1.0, 0.5, 2.0])
    a = LandscapeInputs("a", "test", base, base, 0.8, "")
    b = LandscapeInputs("b", "test", base, base, 0.8, "")
    table = other_datasets({"a": a, "b": b}, PATH, 20, np.random.default_rng(3))
    assert list(table.columns) == ["a", "b"]
    assert table["a"].equals(table["b"])


def test_the_simulated_standard_draws_are_those_of_table1s_standard_row():
    base = np.array([0.0, 1.0, 0.5, 2.0])
    _, draws = landscape_table(base, 0.8, PATH, 6, np.random.default_rng(1), paper=None, return_draws=True)
    same = simulated_standard_draws(base, 0.8, PATH, 6, np.random.default_rng(1))
    assert np.array_equal(same["local_minima"], draws["standard"]["local_minima"])


def test_means_only_data_keep_the_simulated_row_alone():
    from nascompanion.landscape.table1 import with_real_standard

    t = landscape_table(np.arange(4.0), 0.1, PATH, 3, np.random.default_rng(0), paper=None)
    out = with_real_standard(t, _MeansOnly(), "d", "test", PATH, 3, np.random.default_rng(0))
    assert SIMULATED in out.index.get_level_values(0) and "standard" not in out.index.get_level_values(0)


def test_the_band_puts_each_estimate_beside_the_paper():
    draws = {e: {s: np.array([1.0, 2.0, 3.0]) for s in ("local_minima", "reached_global_pct", "iterations")}
             for e in ("classes", "best-cells")}
    band = sigma_band(draws, {"classes": 0.3, "best-cells": 0.15}, {"local_minima": 55, "reached_global_pct": 6.71,
                                                                     "iterations": 4.97})
    assert band.loc[("best-cells", "local_minima"), "sigma"] == 0.15
    assert band.loc[("classes", "iterations"), "single-draw SD"] == pytest.approx(1.0)


def _sweep(a_top: float, b_top: float) -> SweepResult:
    return SweepResult(np.array([0.0, 1.0]), {"a": np.array([[0.0, 0.0], [a_top, a_top]]),
                                               "b": np.array([[0.0, 0.0], [b_top, b_top]])}, 1.0)


def test_one_multiplier_fitting_both_numbers_gives_ratio_one():
    assert multiplier_ratio(_sweep(2.0, 2.0), {"a": 1.0, "b": 1.0}) == 1.0
    assert multiplier_ratio(_sweep(2.0, 4.0), {"a": 1.0, "b": 1.0}) == pytest.approx(2.0)


def test_a_target_off_the_grid_gives_nan():
    assert np.isnan(multiplier_ratio(_sweep(2.0, 0.5), {"a": 1.0, "b": 1.0}))


def test_resamples_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="resamples must be a positive integer"):
        multiplier_ratio_draws(_sweep(2.0, 2.0), {"a": 1.0, "b": 1.0}, np.random.default_rng(0), 0)
