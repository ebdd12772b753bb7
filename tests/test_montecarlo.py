"""Monte Carlo of local search against laws that hold exactly (paper, Sec. 5).

Tolerances are 4.5 standard errors (estimated from the draws) plus a small
floor, so a correct formula fails with probability < 1e-5 per check while a
formula off by a few percent fails.
"""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nascompanion.spaces import nb201
from nascompanion.theory import graph_facts as gf
from nascompanion.theory import montecarlo as M
from nascompanion.theory import symbolic as S

Z = 4.5


def _bin_average(f_antiderivative, edges):
    return (f_antiderivative(edges[1:]) - f_antiderivative(edges[:-1])) / np.diff(edges)


@pytest.mark.parametrize(
    "name, table, draws",
    [
        ("cycle", gf.cycle_table(300), 400),
        ("hamming", gf.hamming_table(3, 4), 3000),
        ("nb201", nb201.neighbour_table(), 60),
    ],
)
def test_local_minima_count_is_n_over_s_plus_1(name, table, draws):
    mc = M.simulate(table, np.random.default_rng(1), draws, bins=4)
    mean, se = mc.minima_mean_se()
    expected = table.shape[0] / (table.shape[1] + 1)
    assert abs(mean - expected) < Z * se + 1e-9, (name, mean, se, expected)


def test_clique_has_one_minimum_and_everything_reaches_it():
    mc = M.simulate(gf.clique_table(7), np.random.default_rng(0), 50, eps=np.array([0.0, 0.5]))
    assert np.all(mc.minima == 1)
    np.testing.assert_array_equal(mc.within, 1.0)


@pytest.mark.parametrize("table", [gf.cycle_table(200), gf.hamming_table(3, 4), gf.clique_table(12)])
def test_first_preimage_is_s_times_one_minus_x_to_the_s(table):
    """Eq. 5.1 with uniform losses is exact on every graph: E|LS^-1(x)| = s (1-x)^s."""
    s = table.shape[1]
    many = gf.disjoint_copies(table, 20_000 // table.shape[0])
    mc = M.simulate(many, np.random.default_rng(2), 30, bins=10, k_max=2)
    mean, se = mc.preimage_mean_se()
    expected = _bin_average(lambda t: -s * (1 - t) ** (s + 1) / (s + 1), mc.bin_edges)
    assert np.all(np.abs(mean[0] - expected) < Z * se[0] + 1e-3)


def test_cycle_second_preimage_exact_law_and_paper_readings_differ():
    """On a cycle, E|LS^-2(x)| = 2 (1-x)^3 / 3 exactly; Eq. 5.2 gives c (1-x)^4 instead."""
    table = gf.cycle_table(500)
    mc = M.simulate(table, np.random.default_rng(3), 600, bins=10, k_max=2)
    mean, se = mc.preimage_mean_se()
    exact = _bin_average(lambda t: -2 * (1 - t) ** 4 / 12, mc.bin_edges)
    assert np.all(np.abs(mean[1] - exact) < Z * se[1] + 1e-3)
    for c in (4 / 3, 2 / 3):  # readings b0=1 and b1..bi
        paper = _bin_average(lambda t: -c * (1 - t) ** 5 / 5, mc.bin_edges)
        assert np.max(np.abs(mean[1] - paper) / (se[1] + 1e-12)) > 10


def test_clique_within_eps_exact_law_vs_theorem51():
    """Clique K_m, eps from 0: P(l(LS*(v)) <= eps) = 1 - (1-eps)^m; at eps=1 Lemma 5.3 gives
    1/m + (m-1)/(2m-1) (0.57 for m = 10) under b1..bi and less than 1 under b0=1, not 1."""
    m = 10
    eps = np.array([0.05, 0.2, 1.0])
    mc = M.simulate(gf.disjoint_copies(gf.clique_table(m), 500), np.random.default_rng(4), 40, eps=eps, reference="zero")
    mean, se = mc.within_mean_se()
    exact = 1 - (1 - eps) ** m
    assert np.all(np.abs(mean - exact) < Z * se + 1e-12)
    b = gf.branching_fractions(gf.clique_table(m))  # [1]: every other node is one step away
    # the two readings of the product differ on a clique: factors [1, 0, 0] (b_1..b_i) and [1, 1, 0] (b_0 = 1)
    factors = {r: gf.step_factors(b, r, 3) for r in ("b1..bi", "b0=1")}
    assert factors["b1..bi"].tolist() == [1.0, 0.0, 0.0] and factors["b0=1"].tolist() == [1.0, 1.0, 0.0]
    theorem = {r: S.lemma53(eps, m - 1, f) for r, f in factors.items()}
    assert theorem["b1..bi"][-1] == pytest.approx(1 / m + (m - 1) / (2 * m - 1))
    for values in theorem.values():  # neither reading gives the exact law's value 1 at eps = 1
        assert np.abs(mean[-1] - values[-1]) > 0.1


@settings(max_examples=15, deadline=None)
@given(d=st.integers(1, 4), q=st.integers(2, 4), seed=st.integers(0, 2**32 - 1), weight=st.floats(0, 3))
@example(d=1, q=4, seed=0, weight=3.0)
def test_basins_partition_and_within_is_a_cdf(d, q, seed, weight):
    table = gf.hamming_table(d, q)
    if d == 1 and weight == q - 1:  # a clique smoothed with weight = degree: every value equal
        with pytest.raises(ValueError, match=f"weight={weight} makes every smoothed loss equal.*degree {q - 1}"):
            M.smoothed_losses(table, np.random.default_rng(seed), weight)
        return
    sampler = lambda r: M.smoothed_losses(table, r, weight)
    mc = M.simulate(table, np.random.default_rng(seed), 3, sampler=sampler, k_max=1)
    assert np.all(np.diff(mc.within, axis=1) >= 0)
    np.testing.assert_allclose(mc.within[:, -1], 1.0)
    assert np.all(mc.within[:, 0] > 0) and np.all(mc.minima >= 1)


def test_smoothed_losses_keep_the_marginal_and_correlate_neighbours():
    table = nb201.neighbour_table()
    rng = np.random.default_rng(5)
    q = M.truncnorm_quantile(0.25, 0.18)
    iid = M.smoothed_losses(table, rng, 0.0, q)
    smooth = M.smoothed_losses(table, rng, 3.0, q, steps=5)
    for values in (iid, smooth):
        assert np.mean(values) == pytest.approx(0.2764, abs=0.01)  # truncated-normal mean
    assert abs(M.neighbour_correlation(iid, table)) < 0.05
    assert M.neighbour_correlation(smooth, table) > 0.5
    with pytest.raises(ValueError, match="reference"):
        M.simulate(table, rng, 1, reference="min")
