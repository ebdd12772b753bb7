"""PVLL-NAS's Figure 3a in lockstep: stacked estimators train as they would alone."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nascompanion.related import pvll
from nascompanion.related import pvll_lockstep as pl
from nascompanion.spaces import nb201

torch.set_num_threads(1)
FAST = pvll.PVLLSettings(hidden=8, fit_steps=30, refit_steps=3)


def count_loss() -> np.ndarray:
    ops = nb201.ops_matrix()
    return 0.5 + 0.07 * (ops == 0).sum(axis=1) - 0.07 * (ops == 3).sum(axis=1)


def test_stacked_estimators_train_as_they_would_alone():
    rng = np.random.default_rng(0)
    cells = rng.choice(nb201.N_ARCHS, size=(3, 25))
    y = torch.as_tensor(count_loss()[cells])
    start = pl.init_params(3, FAST.hidden, torch.Generator().manual_seed(0))
    together = pl.fit(pl.one_hot(cells), y, FAST, torch.Generator(), params=[p.detach().clone().requires_grad_()
                                                                             for p in start])
    for m in range(3):
        alone = pl.fit(pl.one_hot(cells[m:m + 1]), y[m:m + 1], FAST, torch.Generator(),
                       params=[p[m:m + 1].detach().clone().requires_grad_() for p in start])
        for a, b in zip(alone, together):
            torch.testing.assert_close(a[0], b[m], rtol=1e-9, atol=1e-12)


def test_one_stacked_model_matches_the_single_estimator():
    gen = torch.Generator().manual_seed(4)
    model = pvll.Estimator(FAST.hidden, gen)
    w1, b1, w2, b2, w3, b3 = (p.detach() for p in model.parameters())
    params = [w1.T[None], b1[None], w2.T[None], b2[None], w3.T[None], b3[None]]
    h = pvll.one_hot(np.arange(12))
    torch.testing.assert_close(pl.forward(params, h[None])[0], model(h).detach())


def test_search_is_reproducible_and_guided_cells_are_better():
    loss = count_loss()
    one = pl.search(loss, 4, 20, 30, np.random.default_rng(3), FAST)
    two = pl.search(loss, 4, 20, 30, np.random.default_rng(3), FAST)
    np.testing.assert_array_equal(one, two)
    assert one.shape == (4, 50) and loss[one[:, 20:]].mean() < loss.mean() - 0.05


@pytest.mark.parametrize("train_on_warmup", [False, True])
def test_figure_3a_shapes_and_degeneracy(train_on_warmup):
    out = pl.figure_3a(count_loss(), 3, 20, np.array([10, 20]), np.random.default_rng(0), warmup=10,
                       settings=FAST, train_on_warmup=train_on_warmup)
    assert out["gradient-guided"].shape == out["uniform spread"].shape == (3, 2)
    assert out["guided cells"].shape == out["uniform cells"].shape == (3, 20)
    assert pl.degenerate(out).shape == (2, 3, 2)
    assert pl.degenerate(out, share=0.0).sum() == 0


def test_a_constant_estimator_is_degenerate():
    out = {"guided spread": np.zeros((2, 3)), "uniform spread": np.ones((2, 3)), "held-out spread": np.ones(2)}
    d = pl.degenerate(out)
    assert d[0].all() and not d[1].any()
