"""BANANAS' neural predictor: an ensemble of small feed-forward networks, trained as one computation.

Every network of a fit (each trial's ``members``) is one slice of stacked weight tensors, so a
training step of all of them is a handful of batched matrix products. The step is written out by
hand (forward, backward, one fused Adam update over one flat parameter buffer) because at these
sizes the framework's bookkeeping, not the arithmetic, set the pace:

* the input layer reads a sparse encoding: each architecture is the list of its (at most ``K``)
  non-zero features, so the first layer gathers ``K`` rows of its weights instead of multiplying
  by a row of mostly zeros (the path encoding has at most 4 non-zero features of 84), and its
  gradient is a scatter-add of the same rows;
* activations are stored feature-major, ``(models, width, points)``, where the batched products of
  these small shapes run fastest;
* ReLU's gradient is the fused ``threshold_backward`` kernel, and parameters and gradients each live
  in one buffer, so Adam is a single fused kernel call.

The model, its initialisation (the same draws, in the same order, as :class:`torch.nn.Linear`-style
uniform ``±1/sqrt(fan_in)`` per layer), the loss (mean absolute error), the optimiser and its
mini-batches are those of the authors' code; only the order of floating-point sums differs from a
dense autograd implementation (``tests/test_predictor.py`` compares the two).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

THRESHOLD_BACKWARD = torch.ops.aten.threshold_backward


@dataclass(frozen=True)
class PredictorSettings:
    """The ensemble and its training (fixed for every trial).

    ``batch_size=None`` trains on the full batch; the authors' code uses 10
    layers of width 20 trained in batches of 32 (:data:`AUTHORS_PREDICTOR`).
    """

    members: int = 5
    hidden: int = 20
    layers: int = 3
    epochs: int = 200
    learning_rate: float = 0.01
    batch_size: int | None = None


AUTHORS_PREDICTOR = PredictorSettings(members=5, hidden=20, layers=10, epochs=150, learning_rate=0.01, batch_size=32)
"""The predictor of the authors' BANANAS on NAS-Bench-201 (naszilla 1.0): five networks of ten layers of width
20, mean absolute error, Adam with learning rate 0.01, batches of 32, 150 epochs."""


@dataclass(frozen=True)
class SparseEncoding:
    """An encoding table kept as each row's non-zero features: ``indices`` and ``values``, both ``(n, K)``
    with ``K`` the most non-zeros of any row, of a table ``width`` features wide. Shorter rows are padded
    with feature ``width`` (a row of the input layer that stays zero) and value 0; ``binary`` says every
    value is 1 there, so a network need not multiply by them.

    Examples
    --------
    >>> sparse = SparseEncoding.of(np.array([[0, 1, 0, 2], [1, 0, 0, 0]]))
    >>> sparse.indices.tolist(), sparse.values.tolist(), sparse.width, sparse.binary
    ([[1, 3], [0, 4]], [[1.0, 2.0], [1.0, 0.0]], 4, False)
    """

    indices: torch.Tensor
    values: torch.Tensor
    width: int
    binary: bool

    @classmethod
    def of(cls, encoding: np.ndarray) -> SparseEncoding:
        """The sparse form of a dense ``(n, width)`` table."""
        table = np.asarray(encoding, dtype=np.float32)
        if table.ndim != 2 or not np.isfinite(table).all():
            raise ValueError(f"encoding of shape {table.shape}: need a finite table of shape (architectures, features)")
        nonzero = table != 0
        k = max(int(nonzero.sum(axis=1).max(initial=0)), 1)
        slot = np.cumsum(nonzero, axis=1) - 1                      # where each non-zero goes in its row
        rows, cols = np.nonzero(nonzero)
        indices = np.full((table.shape[0], k), table.shape[1], dtype=np.int64)
        values = np.zeros((table.shape[0], k), dtype=np.float32)
        indices[rows, slot[rows, cols]] = cols
        values[rows, slot[rows, cols]] = table[rows, cols]
        binary = bool((table[nonzero] == 1).all())
        return cls(torch.from_numpy(indices), torch.from_numpy(values), table.shape[1], binary)

    def dense(self, archs: torch.Tensor) -> torch.Tensor:
        """The dense rows of ``archs`` (any shape), shape ``(*archs.shape, width)``."""
        out = torch.zeros(archs.numel(), self.width + 1)
        out.scatter_add_(1, self.indices[archs.reshape(-1)], self.values[archs.reshape(-1)])
        return out[:, :self.width].reshape(*archs.shape, self.width)


class Ensemble:
    """``models`` independent networks ``width -> hidden (x layers) -> 1`` over a :class:`SparseEncoding`.

    ``weights[0]`` is ``(models, width + 1, hidden)`` (input-major, so a feature's row can be gathered; the
    last row, the encoding's padding, stays zero); every later weight is ``(models, out, in)``; biases are
    ``(models, out, 1)``. All are views of one flat buffer, ``parameters``, whose gradient is the flat
    buffer ``gradient``.
    """

    def __init__(self, models: int, encoding: SparseEncoding, settings: PredictorSettings,
                 generator: torch.Generator) -> None:
        self.models, self.encoding = models, encoding
        sizes = [encoding.width] + [settings.hidden] * settings.layers + [1]
        self.shapes = [(models, sizes[0] + 1, sizes[1])] + [(models, b, a) for a, b in zip(sizes[1:-1], sizes[2:])]
        self.bias_shapes = [(models, b, 1) for b in sizes[1:]]
        total = sum(int(np.prod(s)) for s in self.shapes + self.bias_shapes)
        self.parameters, self.gradient = torch.zeros(total), torch.zeros(total)
        self.weights, self.biases = self._views(self.parameters)
        self.weight_gradients, self.bias_gradients = self._views(self.gradient)
        with torch.no_grad():
            for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
                bound = 1.0 / np.sqrt(fan_in)       # drawn input-major, as the layers were always drawn
                w = (torch.rand(models, fan_in, fan_out, generator=generator) * 2 - 1) * bound
                b = (torch.rand(models, 1, fan_out, generator=generator) * 2 - 1) * bound
                (self.weights[0][:, :fan_in] if i == 0 else self.weights[i]).copy_(w if i == 0 else w.transpose(1, 2))
                self.biases[i].copy_(b.transpose(1, 2))

    def _views(self, buffer: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        views, offset = [], 0
        for shape in self.shapes + self.bias_shapes:
            size = int(np.prod(shape))
            views.append(buffer[offset:offset + size].view(shape))
            offset += size
        return views[:len(self.shapes)], views[len(self.shapes):]

    def inputs(self, archs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """What the input layer reads for the architecture indices ``archs`` ``(models, points)``: the rows of
        the flattened input weights, ``(models, points, K)``, and their values ``(models, points, K, 1)``
        (``None`` for a binary encoding, whose values are all 1)."""
        offsets = (torch.arange(self.models) * (self.encoding.width + 1))[:, None, None]
        rows = self.encoding.indices[archs] + offsets
        return rows, None if self.encoding.binary else self.encoding.values[archs][..., None]

    def _forward(self, rows: torch.Tensor, values: torch.Tensor | None) -> tuple[list[torch.Tensor], torch.Tensor]:
        models, points, k = rows.shape
        hidden = self.shapes[0][2]
        gathered = self.weights[0].view(-1, hidden).index_select(0, rows.reshape(-1)).view(models, points, k, hidden)
        first = (gathered if values is None else gathered * values).sum(2).transpose(1, 2).add(self.biases[0])
        activations = [first.relu_()]
        for w, b in zip(self.weights[1:-1], self.biases[1:-1]):
            activations.append(torch.baddbmm(b, w, activations[-1]).relu_())
        return activations, torch.baddbmm(self.biases[-1], self.weights[-1], activations[-1])[:, 0, :]

    def predict(self, archs: torch.Tensor) -> torch.Tensor:
        """Predictions ``(models, points)`` for the architecture indices ``archs`` ``(models, points)``."""
        with torch.no_grad():
            return self._forward(*self.inputs(archs))[1]

    def backward(self, rows: torch.Tensor, values: torch.Tensor | None, targets: torch.Tensor) -> None:
        """Write into :attr:`gradient` the gradient of the summed per-network mean absolute error of the
        predictions for the inputs ``rows, values`` (:meth:`inputs`) against ``targets`` ``(models, points)``."""
        activations, out = self._forward(rows, values)
        delta = torch.sign(out - targets).div_(targets.shape[1])[:, None, :]          # (models, 1, points)
        grads_w, grads_b = self.weight_gradients, self.bias_gradients
        for layer in range(len(self.shapes) - 1, 0, -1):
            below = activations[layer - 1]
            torch.bmm(delta, below.transpose(1, 2), out=grads_w[layer])
            torch.sum(delta, 2, keepdim=True, out=grads_b[layer])
            delta = THRESHOLD_BACKWARD(torch.bmm(self.weights[layer].transpose(1, 2), delta), below, 0)
        torch.sum(delta, 2, keepdim=True, out=grads_b[0])
        models, points, k = rows.shape
        spread = delta.transpose(1, 2)[:, :, None, :].expand(models, points, k, delta.shape[1])
        spread = spread if values is None else spread * values
        grads_w[0].zero_()
        grads_w[0].view(-1, delta.shape[1]).index_add_(0, rows.reshape(-1), spread.reshape(-1, delta.shape[1]))
        grads_w[0][:, -1].zero_()                                   # the padding row stays zero


def fit_ensembles(encoding: SparseEncoding, archs: torch.Tensor, y: torch.Tensor, settings: PredictorSettings,
                  generator: torch.Generator) -> Ensemble:
    """Train ``members`` networks per trial on the architectures ``archs`` with targets ``y``, both ``(T, m)``,
    all at once; network ``t * members + j`` is trial ``t``'s ``j``-th member.

    Adam on the mean absolute error, in mini-batches of ``settings.batch_size`` (each network shuffling
    its own points every epoch) or on the full batch. Subnormal floats are flushed to zero while
    training (they appear as weights shrink and make CPU arithmetic several times slower; results
    change by less than float32 resolution).
    """
    flushed = torch.set_flush_denormal(True)
    try:
        return _fit(encoding, archs, y, settings, generator)
    finally:
        if flushed:
            torch.set_flush_denormal(False)


def _fit(encoding: SparseEncoding, archs: torch.Tensor, y: torch.Tensor, settings: PredictorSettings,
         generator: torch.Generator) -> Ensemble:
    model = Ensemble(archs.shape[0] * settings.members, encoding, settings, generator)
    rows, values = model.inputs(archs.repeat_interleave(settings.members, dim=0))
    targets = y.to(torch.float32).repeat_interleave(settings.members, dim=0)
    model.parameters.grad = model.gradient
    optimiser = torch.optim.Adam([model.parameters], lr=settings.learning_rate, fused=True)
    if settings.batch_size is None:
        for _ in range(settings.epochs):
            model.backward(rows, values, targets)
            optimiser.step()
        return model
    models, count = targets.shape
    network = torch.arange(models)[:, None]
    for _ in range(settings.epochs):  # every network shuffles its own points each epoch
        order = torch.argsort(torch.rand(models, count, generator=generator), dim=1)
        shuffled = rows[network, order], None if values is None else values[network, order], targets[network, order]
        for start in range(0, count, settings.batch_size):
            model.backward(*(part[:, start:start + settings.batch_size] if part is not None else None
                             for part in shuffled))
            optimiser.step()
    return model
