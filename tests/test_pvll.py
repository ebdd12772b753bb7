"""PVLL-NAS sampler and estimator on NAS-Bench-201 (benchmark losses)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from nascompanion.related import pvll
from nascompanion.spaces import nb201

torch.set_num_threads(1)
FAST = pvll.PVLLSettings(hidden=16, fit_steps=60, refit_steps=5)


def count_loss() -> np.ndarray:
    """Normalised loss that falls with the number of 3x3 convolutions and rises with 'none'."""
    ops = nb201.ops_matrix()
    return 0.5 + 0.07 * (ops == 0).sum(axis=1) - 0.07 * (ops == 3).sum(axis=1)


@given(st.integers(0, 2**31), st.floats(0.05, 2.0))
@settings(max_examples=25, deadline=None)
def test_gumbel_softmax_rows_are_probability_vectors(seed, tau):
    a = torch.randn(6, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    h = pvll.gumbel_softmax(a, tau, torch.Generator().manual_seed(seed + 1))
    assert h.shape == (6, 5) and (h >= 0).all()
    assert torch.allclose(h.sum(-1), torch.ones(6, dtype=torch.float64))


def test_gumbel_sampler_returns_one_hot_rows_of_the_right_shape():
    a = torch.zeros(6, 5, dtype=torch.float64)
    hard, cell = pvll.sample_hard(a, 0.1, torch.Generator().manual_seed(0))
    assert hard.shape == (6, 5) and torch.equal(hard.sum(-1), torch.ones(6, dtype=torch.float64))
    assert torch.equal(hard, pvll.one_hot(np.array([cell]))[0])


def test_gumbel_sampler_follows_large_architecture_parameters():
    a = torch.full((6, 5), -20.0, dtype=torch.float64)
    a[:, 3] = 20.0
    _, cell = pvll.sample_hard(a, 0.1, torch.Generator().manual_seed(0))
    assert nb201.index_to_ops(cell) == (3,) * 6


def test_gumbel_softmax_is_differentiable_in_the_architecture_parameters():
    a = torch.zeros(6, 5, dtype=torch.float64, requires_grad=True)
    (pvll.gumbel_softmax(a, 1.0, torch.Generator().manual_seed(0))[:, 3]).sum().backward()
    assert a.grad is not None and a.grad.abs().sum() > 0


def test_estimator_outputs_losses_in_the_unit_interval():
    model = pvll.Estimator(8, torch.Generator().manual_seed(0))
    out = model(pvll.one_hot(np.arange(50)))
    assert out.shape == (50,) and ((out > 0) & (out < 1)).all()


def test_estimator_fits_its_training_losses():
    loss = torch.as_tensor(count_loss())
    cells = np.random.default_rng(0).choice(nb201.N_ARCHS, 60, replace=False)
    model = pvll.fit_estimator(pvll.one_hot(cells), loss[cells], FAST, torch.Generator().manual_seed(0))
    with torch.no_grad():
        mse = float(((model(pvll.one_hot(cells)) - loss[cells]) ** 2).mean())
    assert mse < 0.2 * float(loss[cells].var())


def test_guided_search_samples_better_cells_than_uniform():
    loss = count_loss()
    cells = pvll.pvll_search(loss, 20, 40, np.random.default_rng(0), FAST)
    assert cells.size == 60
    assert loss[cells[20:]].mean() < loss.mean() - 0.05


def test_search_is_reproducible_from_its_generator():
    loss = count_loss()
    one = pvll.pvll_search(loss, 5, 5, np.random.default_rng(3), FAST)
    two = pvll.pvll_search(loss, 5, 5, np.random.default_rng(3), FAST)
    np.testing.assert_array_equal(one, two)


def test_learning_curve_has_one_error_per_size_and_improves_with_data():
    loss = count_loss()
    rng = np.random.default_rng(0)
    cells = rng.choice(nb201.N_ARCHS, 80, replace=False)
    test = rng.choice(nb201.N_ARCHS, 100, replace=False)
    curve = pvll.learning_curve(loss, cells, test, np.array([5, 80]), rng, FAST)
    assert curve.shape == (2,) and curve[1] < curve[0]


def test_figure_3a_guided_samples_have_lower_loss_and_both_estimators_improve_with_data():
    loss, warmup, samples = count_loss(), 10, 40
    out = pvll.figure_3a(loss, 2, samples, np.array([10, samples]), np.random.default_rng(0), warmup=warmup,
                         settings=FAST)
    for which in ("guided", "uniform"):
        cells = out[f"{which} cells"]
        assert cells.shape == (2, samples) and ((cells >= 0) & (cells < nb201.N_ARCHS)).all()
        np.testing.assert_allclose(out[f"{which} mean loss"], loss[cells[:, warmup:]].mean(axis=1))
    assert all(np.unique(row).size == samples for row in out["uniform cells"])
    # the sampler follows the estimator towards low losses; uniform draws sit near the mean loss (0.5)
    assert (out["guided mean loss"] < out["uniform mean loss"]).all()
    for key in ("gradient-guided", "uniform"):
        errors = out[key]
        assert errors.shape == (2, 2) and np.isfinite(errors).all() and (errors >= 0).all()
        assert (errors[:, 1] < errors[:, 0]).all()   # more training cells, a smaller test error
