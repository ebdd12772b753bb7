"""BANANAS' predictor: the hand-written sparse step computes the dense network's gradient, trains every
network of a fit as if alone, and is seeded."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nascompanion.search.predictor import Ensemble, PredictorSettings, SparseEncoding, fit_ensembles


def dense_forward(model: Ensemble, x: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
    """The same networks as ``model`` on dense inputs ``x`` ``(models, points, width)``, through autograd."""
    layers = len(model.shapes)
    weights, biases = params[:layers], params[layers:]
    h = torch.bmm(x, weights[0]) + biases[0].transpose(1, 2)
    for w, b in zip(weights[1:], biases[1:]):
        h = torch.bmm(torch.relu(h), w.transpose(1, 2)) + b.transpose(1, 2)
    return h[..., 0]


@pytest.mark.parametrize("binary", [True, False], ids=["binary encoding", "weighted encoding"])
def test_sparse_step_gives_the_dense_networks_predictions_and_gradient(binary):
    rng = np.random.default_rng(0)
    table = (rng.random((40, 9)) < 0.3) * (1.0 if binary else rng.random((40, 9)) * 3)
    table[3] = 0                                             # an architecture with no feature at all
    encoding = SparseEncoding.of(table)
    assert encoding.binary == binary
    model = Ensemble(4, encoding, PredictorSettings(hidden=5, layers=3), torch.Generator().manual_seed(0))
    archs = torch.as_tensor(rng.integers(0, 40, (4, 7)))
    archs[0, 0] = 3
    y = torch.as_tensor(rng.random((4, 7)), dtype=torch.float32)
    params = [model.weights[0][:, :-1].clone().requires_grad_(True)]
    params += [p.clone().requires_grad_(True) for p in model.weights[1:] + model.biases]
    predicted = dense_forward(model, encoding.dense(archs), params)
    (predicted - y).abs().mean(dim=1).sum().backward()
    model.backward(*model.inputs(archs), y)
    torch.testing.assert_close(model.predict(archs), predicted.detach(), rtol=1e-5, atol=1e-6)
    ours = [model.weight_gradients[0][:, :-1]] + model.weight_gradients[1:] + model.bias_gradients
    for param, gradient in zip(params, ours):
        torch.testing.assert_close(gradient, param.grad, rtol=1e-5, atol=1e-6)
    assert not model.weight_gradients[0][:, -1].any()      # the padding row never moves


def test_every_network_of_a_fit_trains_as_if_alone():
    settings = PredictorSettings(members=3, hidden=6, layers=2, epochs=15)
    rng = np.random.default_rng(3)
    encoding = SparseEncoding.of(rng.random((30, 5)) < 0.5)
    archs = torch.as_tensor(rng.integers(0, 30, (2, 12)))
    y = torch.as_tensor(rng.random((2, 12)), dtype=torch.float32)
    joint = fit_ensembles(encoding, archs, y, settings, torch.Generator().manual_seed(11))
    start = Ensemble(6, encoding, settings, torch.Generator().manual_seed(11))
    for network in range(6):
        alone = Ensemble(1, encoding, settings, torch.Generator().manual_seed(0))
        for mine, theirs in zip(alone.weights + alone.biases, start.weights + start.biases):
            mine.copy_(theirs[network:network + 1])
        alone.parameters.grad = alone.gradient
        optimiser = torch.optim.Adam([alone.parameters], lr=settings.learning_rate)
        own = archs[network // 3:network // 3 + 1]
        for _ in range(settings.epochs):
            alone.backward(*alone.inputs(own), y[network // 3:network // 3 + 1])
            optimiser.step()
        torch.testing.assert_close(alone.predict(own)[0], joint.predict(archs.repeat_interleave(3, 0))[network],
                                   rtol=1e-5, atol=1e-5)


def test_mini_batch_training_is_seeded_and_fits_its_points():
    settings = PredictorSettings(members=2, hidden=8, layers=4, epochs=30, batch_size=4)
    rng = np.random.default_rng(0)
    encoding = SparseEncoding.of(rng.random((50, 6)) < 0.4)
    archs, y = torch.as_tensor(rng.integers(0, 50, (2, 10))), torch.as_tensor(rng.random((2, 10)), dtype=torch.float32)
    one = fit_ensembles(encoding, archs, y, settings, torch.Generator().manual_seed(5))
    two = fit_ensembles(encoding, archs, y, settings, torch.Generator().manual_seed(5))
    fresh = Ensemble(4, encoding, settings, torch.Generator().manual_seed(5))
    points, targets = archs.repeat_interleave(2, 0), y.repeat_interleave(2, 0)
    torch.testing.assert_close(one.predict(points), two.predict(points), rtol=0, atol=0)
    assert (one.predict(points) - targets).abs().mean() < (fresh.predict(points) - targets).abs().mean()


@given(arrays(np.float32, st.tuples(st.integers(1, 12), st.integers(1, 8)),
              elements=st.sampled_from([0.0, 0.0, 1.0, 2.5, -1.0])))
def test_a_sparse_encoding_keeps_every_row_of_its_table(table):
    encoding = SparseEncoding.of(table)
    np.testing.assert_array_equal(encoding.dense(torch.arange(len(table))).numpy(), table)


def test_an_encoding_that_is_not_a_finite_table_is_refused():
    with pytest.raises(ValueError, match=r"encoding of shape \(3,\)"):
        SparseEncoding.of(np.ones(3))
