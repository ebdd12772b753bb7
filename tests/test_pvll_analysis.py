"""Figure 3a over settings and the supernet's agreement with stand-alone training, on small constructed inputs."""

import numpy as np

from nascompanion.related import pvll, pvll_fig3a
from nascompanion.train import supernet_agreement
from nascompanion.spaces import nb201

TINY = pvll.PVLLSettings(hidden=4, fit_steps=5, refit_steps=1)


def test_each_setting_draws_from_its_own_stream_so_adding_one_changes_none_before_it():
    loss = np.linspace(0, 1, nb201.N_ARCHS)
    one = {"a": (TINY, 4, False)}
    two = {"a": (TINY, 4, False), "b": (TINY, 2, True)}
    kwargs = dict(repeats=2, samples=6, sizes=np.array([3, 6]), seed=0, stream=30)
    first, both = pvll_fig3a.figure_3a_runs(loss, one, **kwargs), pvll_fig3a.figure_3a_runs(loss, two, **kwargs)
    np.testing.assert_array_equal(first["a"]["guided cells"], both["a"]["guided cells"])
    gaps = pvll_fig3a.guided_gaps(both, [0, 31])
    assert set(gaps) == {"a", "b"} and all(g["low"] <= g["high"] for g in gaps.values())
    table = pvll_fig3a.gap_table(gaps, both)
    assert table["setting"].tolist() == ["a", "b"] and "mean loss: guided - uniform" in table
    assert list(pvll_fig3a.panels(both, 1, prefix="x, ")) == ["x, a"]


def test_the_mean_loss_gap_is_guided_minus_uniform_per_repeat():
    run = {"guided mean loss": np.array([0.2, 0.4]), "uniform mean loss": np.array([0.5, 0.5])}
    np.testing.assert_allclose(pvll_fig3a.mean_loss_gap(run), [-0.3, -0.1])


class Table:
    def __init__(self, accuracy):
        self.accuracy = accuracy
        self.loss = -accuracy


def test_a_supernet_that_ranks_like_stand_alone_training_has_tau_one_and_the_seed_pair_its_own():
    rng = np.random.default_rng(0)
    acc = rng.uniform(50, 90, size=(40, 3))
    cells = np.arange(40)
    per_seed = {"denoised": acc, "noisy": acc + rng.normal(0, 5, size=acc.shape)}
    alone = {p: a.mean(axis=1) for p, a in per_seed.items()}
    taus, loss_taus, seed_taus = supernet_agreement.ranking_intervals(Table(alone["denoised"]), cells, alone,
                                                                      per_seed, rng, 0.9, 50)
    assert taus["denoised"].estimate == 1.0 and loss_taus["denoised"].estimate == 1.0
    assert seed_taus["noisy"].estimate < 1.0
    table = supernet_agreement.tau_table(taus, loss_taus, seed_taus, 0.9)
    assert len(table) == 6 and table.columns[-1] == "Kendall tau [90 % interval]"


def test_guided_cells_of_lower_stand_alone_error_give_a_negative_gap():
    error = {"denoised": np.arange(10.0), "noisy": np.arange(10.0)}
    run = {"guided cells": np.array([[0, 1], [1, 2]]), "uniform cells": np.array([[8, 9], [7, 9]])}
    out = supernet_agreement.sampled_cell_gaps(error, run, 2, np.random.default_rng(0))
    assert out["gap"] == -7.25 and out["high"] < 0 and set(out["per_pipeline"]) == {"denoised", "noisy"}
    assert supernet_agreement.distinct_cells(np.array([[1, 1], [2, 3]])) == 1.5
