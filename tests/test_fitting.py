"""Fitting Eq. 5.3 and the RWA (paper, Sec. 5, "Simulation Results")."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nascompanion.spaces import nb201
from nascompanion.theory import fitting as F
from nascompanion.theory import montecarlo as M


@settings(max_examples=8, deadline=None)
@given(v=st.floats(0.1, 0.7), sigma=st.floats(0.05, 0.3), seed=st.integers(0, 1000))
def test_mle_recovers_truncated_normal(v, sigma, seed):
    sample = M.truncnorm_quantile(v, sigma)(np.random.default_rng(seed).random(20_000))
    fit = F.fit_eq53(sample, "mle")
    # standard errors of the MLE are about sigma / sqrt(n) ~ 0.002; allow 10x
    assert fit.v == pytest.approx(v, abs=0.03) and fit.sigma == pytest.approx(sigma, rel=0.1)


def test_histogram_fit_recovers_parameters():
    sample = M.truncnorm_quantile(0.25, 0.18)(np.random.default_rng(0).random(50_000))
    fit = F.fit_eq53(sample, "histogram", bins=40)
    assert fit.v == pytest.approx(0.25, abs=0.02) and fit.sigma == pytest.approx(0.18, rel=0.1)
    assert np.trapezoid(fit.pdf(np.linspace(0, 1, 2001)), np.linspace(0, 1, 2001)) == pytest.approx(1, abs=1e-6)


def test_normalise_and_errors():
    losses = np.array([10.0, 55.0, 100.0])
    np.testing.assert_allclose(F.normalise(losses, "percent"), [0.1, 0.55, 1.0])
    with pytest.raises(ValueError, match="percent"):
        F.normalise(losses, "zscore")
    with pytest.raises(ValueError, match="inside"):
        F.fit_eq53(losses, "mle")
    with pytest.raises(ValueError, match="histogram"):
        F.fit_eq53(losses / 100, "lsq")
    with pytest.raises(ValueError, match="rho"):
        F.rwa_local_sigma(0.1, 1.5)


def test_rwa_zero_for_iid_and_positive_for_smoothed():
    table = nb201.neighbour_table()
    rng = np.random.default_rng(1)
    iid = M.iid_losses(table.shape[0], rng)
    smooth = M.smoothed_losses(table, rng, 3.0, steps=5)
    # 200 walks x 500 steps: the SE of a correlation is about 1/sqrt(1e5) = 0.003
    # iid losses: the RWA at lag t is the chance the walk is back where it was (1/24 at lag 2)
    rwa_iid = F.random_walk_autocorrelation(iid, table, rng, lags=2)
    np.testing.assert_allclose(rwa_iid, [0.0, 1 / 24], atol=0.015)
    rwa = F.random_walk_autocorrelation(smooth, table, rng, lags=3)
    assert rwa[0] == pytest.approx(M.neighbour_correlation(smooth, table), abs=0.03)
    assert np.all(np.diff(rwa) < 0)


def test_local_sigma_shrinks_with_locality():
    table = nb201.neighbour_table()
    rng = np.random.default_rng(2)
    loose = F.fit_local_sigma(M.iid_losses(table.shape[0], rng), table)
    tight = F.fit_local_sigma(M.smoothed_losses(table, rng, 10.0, steps=5), table)
    assert loose > 0.3 and tight < 0.8 * loose
    x, y = F.neighbour_pairs(np.arange(table.shape[0], dtype=float), table)
    assert x.size == y.size == table.size
