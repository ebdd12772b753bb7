"""The Chebyshev bound on local minima under noise and the neighbourhood test of footnote 2 (paper, Sec. 5)."""

import numpy as np
import pytest

from nascompanion.theory import graph_facts as gf
from nascompanion.theory import markov as K
from nascompanion.theory import montecarlo as M
from nascompanion.theory import noise_bound as B


def _additive(d: int, q: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """An additive landscape on (K_q)^d: the loss is a sum of one weight per position."""
    codes = np.arange(q**d)
    digits = (codes[:, None] // q ** np.arange(d - 1, -1, -1)[None, :]) % q
    weights = rng.random((d, q))
    return weights[np.arange(d)[None, :], digits].sum(axis=1), gf.hamming_table(d, q)


@pytest.mark.parametrize("sigma", [0.02, 0.1, 0.5])
def test_the_simulated_number_of_minima_stays_below_the_chebyshev_bound(sigma):
    rng = np.random.default_rng(3)
    losses, table = _additive(4, 5, rng)
    counts = B.noisy_minima(losses, table, sigma, rng, 400)
    bound = B.chebyshev_minima_bound(losses, table, sigma)[0]
    assert counts.mean() <= bound + 4.5 * counts.std(ddof=1) / np.sqrt(counts.size)


def test_without_noise_the_bound_and_the_count_are_the_strict_minima():
    rng = np.random.default_rng(4)
    losses, table = _additive(3, 4, rng)
    strict = int(np.count_nonzero(B.best_neighbour_gap(losses, table) < 0))
    assert B.noisy_minima(losses, table, 0.0, rng, 3).tolist() == [strict] * 3
    assert B.chebyshev_minima_bound(losses, table, 0.0)[0] == strict  # no ties in continuous weights


def test_the_bound_grows_with_sigma_up_to_every_cell():
    losses, table = _additive(3, 4, np.random.default_rng(5))
    bound = B.chebyshev_minima_bound(losses, table, [0.0, 0.01, 0.1, 1e6])
    assert np.all(np.diff(bound) >= 0) and bound[-1] == losses.size


def test_negative_sigma_is_refused():
    with pytest.raises(ValueError, match="sigma"):
        B.chebyshev_minima_bound(np.zeros(4), gf.cycle_table(4), -1.0)


def test_independent_losses_show_no_neighbourhood_correlation():
    table = gf.hamming_table(5, 5)
    each = [K.neighbourhood_correlation(np.random.default_rng(seed).random(table.shape[0]), table, bins=50)
            for seed in range(3)]
    assert max(abs(c) for c in each) < 0.05


def test_an_additive_landscape_shows_one():
    losses, table = _additive(5, 5, np.random.default_rng(6))
    assert K.neighbourhood_correlation(losses, table, bins=50) < -0.1  # compensation across edges (see the module)


def test_the_interval_covers_the_largest_statistic_and_is_repeatable():
    losses, table = _additive(4, 5, np.random.default_rng(7))
    noise = np.random.default_rng(8).random(table.shape[0])
    each, worst = K.largest_correlation([losses, noise], table, np.random.default_rng(9), bins=20, resamples=200)
    again = K.largest_correlation([losses, noise], table, np.random.default_rng(9), bins=20, resamples=200)[1]
    assert worst.estimate == np.abs(each).max() == abs(each[0]) and worst.low <= worst.estimate <= worst.high and worst == again


def test_closest_curve_error_picks_the_closest_reading_and_is_deterministic():
    rng = np.random.default_rng(10)
    values = 0.5 + 0.01 * rng.standard_normal((200, 5))
    curves = np.array([np.full(5, 0.6), np.full(5, 0.52)])
    first = M.closest_curve_error(values, curves, np.random.default_rng(0), resamples=100)
    assert abs(first.estimate - 0.02) < 0.005 and first == M.closest_curve_error(values, curves, np.random.default_rng(0), resamples=100)
    relative = M.closest_curve_error(values, curves[1], np.random.default_rng(0), relative=True, resamples=100)
    assert abs(relative.estimate - 0.04) < 0.01


def test_the_additive_control_on_nb201_shows_the_dependence_the_test_looks_for():
    from nascompanion.spaces import nb201

    control = K.additive_landscape(nb201.ops_matrix(), np.random.default_rng(11))
    assert abs(K.neighbourhood_correlation(control, nb201.neighbour_table(), bins=100)) > 0.1
