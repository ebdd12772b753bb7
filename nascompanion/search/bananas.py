"""BANANAS (White, Neiswanger & Savani, AAAI 2021) on NAS-Bench-201.

A neural predictor — an ensemble of small feed-forward networks on the path
encoding — is retrained every ``batch`` queries; candidates are unqueried
neighbours of the best architectures so far, and the next ``batch`` queries are
chosen by independent Thompson sampling: one draw per candidate from a normal
with the ensemble's mean and standard deviation, lowest draws first.

Every trial's ensemble (``trials x members`` networks) is trained as ONE batched
model: stacked weight tensors and batched matrix products, so training all of
them costs about as much as training one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from nascompanion.objectives import TrialLosses
from nascompanion.search.candidates import check_budget, distinct_random, neighbours_of_best, record_best_candidates
from nascompanion.search.history import SearchResult
from nascompanion.search.query_log import QueryLog
from nascompanion.search.settings_spec import check_call
from nascompanion.spaces import nb201
from nascompanion.spaces.table import TableSpace, one_hot, space_features

NB201_PATHS: tuple[tuple[int, ...], ...] = ((3,), (0, 4), (1, 5), (0, 2, 5))
"""The four input-to-output paths of the NB201 cell, as edge positions in ``nb201.EDGES`` order:
0->3, 0->1->3, 0->2->3 and 0->1->2->3."""


@lru_cache(maxsize=1)
def nb201_path_encoding() -> np.ndarray:
    """Binary path encoding of every NB201 cell, shape ``(15625, 84)``.

    Feature ``f`` is on when some input-to-output path carries the operation
    sequence ``f`` (paths through a ``none`` edge carry nothing). Sequences of
    length 1, 2, 3 over the four non-``none`` ops give 4 + 16 + 64 = 84 features.
    """
    ops = nb201.ops_matrix().astype(np.int64)
    features = np.zeros((ops.shape[0], 84), dtype=bool)
    offsets = {1: 0, 2: 4, 3: 20}
    rows = np.arange(ops.shape[0])
    for path in NB201_PATHS:
        seq = ops[:, path]                     # op codes along the path
        alive = (seq != 0).all(axis=1)
        code = np.zeros(ops.shape[0], dtype=np.int64)
        for column in range(seq.shape[1]):
            code = code * 4 + (seq[:, column] - 1).clip(min=0)
        features[rows[alive], offsets[len(path)] + code[alive]] = True
    features.setflags(write=False)
    return features


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


class BatchedEnsemble(torch.nn.Module):
    """``models`` independent MLPs ``in -> hidden (x layers) -> 1`` evaluated with batched matmuls."""

    def __init__(self, models: int, inputs: int, settings: PredictorSettings, generator: torch.Generator) -> None:
        super().__init__()
        sizes = [inputs] + [settings.hidden] * settings.layers + [1]
        self.weights = torch.nn.ParameterList()
        self.biases = torch.nn.ParameterList()
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            bound = 1.0 / np.sqrt(fan_in)
            w = (torch.rand(models, fan_in, fan_out, generator=generator) * 2 - 1) * bound
            b = (torch.rand(models, 1, fan_out, generator=generator) * 2 - 1) * bound
            self.weights.append(torch.nn.Parameter(w))
            self.biases.append(torch.nn.Parameter(b))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x``: (models, points, inputs) -> (models, points)."""
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.baddbmm(b, x, w)
            if i < len(self.weights) - 1:
                x = torch.relu(x)
        return x[..., 0]


def fit_ensembles(x: torch.Tensor, y: torch.Tensor, settings: PredictorSettings, generator: torch.Generator) -> BatchedEnsemble:
    """Train ``members`` predictors per trial on (x, y) of shape (T, m, p) and (T, m), all at once.

    Full-batch Adam on the mean absolute error, targets standardised per trial.
    Subnormal floats are flushed to zero while training (they appear as weights
    shrink and make CPU arithmetic several times slower; results change by less
    than float32 resolution).
    """
    flushed = torch.set_flush_denormal(True)
    try:
        return _fit(x, y, settings, generator)
    finally:
        if flushed:
            torch.set_flush_denormal(False)


def _fit(x: torch.Tensor, y: torch.Tensor, settings: PredictorSettings, generator: torch.Generator) -> BatchedEnsemble:
    trials = x.shape[0]
    model = BatchedEnsemble(trials * settings.members, x.shape[2], settings, generator)
    xs = x.repeat_interleave(settings.members, dim=0)
    ys = y.repeat_interleave(settings.members, dim=0)
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.learning_rate, fused=True)
    if settings.batch_size is None:
        for _ in range(settings.epochs):
            optimiser.zero_grad()
            loss = (model(xs) - ys).abs().mean(dim=1).sum()
            loss.backward()
            optimiser.step()
        return model
    models, points = ys.shape
    rows = torch.arange(models)[:, None]
    for _ in range(settings.epochs):  # every network shuffles its own points each epoch
        order = torch.argsort(torch.rand(models, points, generator=generator), dim=1)
        for start in range(0, points, settings.batch_size):
            batch = order[:, start:start + settings.batch_size]
            optimiser.zero_grad()
            loss = (model(xs[rows, batch]) - ys[rows, batch]).abs().mean(dim=1).sum()
            loss.backward()
            optimiser.step()
    return model


def bananas(
    space: TableSpace,
    losses: TrialLosses,
    budget: int,
    rng: np.random.Generator,
    encoding: np.ndarray | None = None,
    n_init: int = 10,
    batch: int = 10,
    parents: int = 10,
    per_parent: int = 10,
    settings: PredictorSettings = PredictorSettings(),
) -> SearchResult:
    """BANANAS in every trial of ``losses`` at once.

    Parameters
    ----------
    space, losses, budget, rng
        As in :func:`~nascompanion.search.random_search.random_search`.
    encoding
        Shape ``(n, p)``: predictor input for every architecture. Default: on
        NB201 :func:`nb201_path_encoding`, elsewhere the one-hot rows of
        ``space.features`` (NAS-Bench-Graph: one-hot operations, then the input pattern).
    n_init
        Random architectures before the predictor is used.
    batch
        Queries chosen per retraining.
    parents, per_parent
        Candidates: ``per_parent`` random neighbours of each of the ``parents``
        best architectures so far.
    settings
        The predictor ensemble.
    """
    check_call("bananas", space.size, budget, rng, dict(n_init=n_init, batch=batch, parents=parents,
                                                        per_parent=per_parent, settings=settings))
    losses = check_budget(space, losses, budget)
    recorder = QueryLog(losses, budget)
    if encoding is None:
        encoding = nb201_path_encoding() if space.name == "nb201" else one_hot(space_features(space))
    enc = torch.as_tensor(np.asarray(encoding, dtype=np.float32))
    generator = torch.Generator().manual_seed(int(rng.integers(2**62)))
    start = min(n_init, budget)
    for archs in distinct_random(rng, recorder.queried, start).T:
        recorder.record(archs)
    step = start
    while step < budget:
        raw = torch.as_tensor(recorder.val[:, :step], dtype=torch.float32)
        y = (raw - raw.mean(1, keepdim=True)) / raw.std(1, keepdim=True).clamp_min(1e-6)
        model = fit_ensembles(enc[torch.as_tensor(recorder.archs[:, :step])], y, settings, generator)
        cand = neighbours_of_best(space, recorder.archs[:, :step], recorder.val[:, :step], rng, parents, per_parent)
        with torch.no_grad():
            pred = model(enc[torch.as_tensor(cand)].repeat_interleave(settings.members, dim=0))
        pred = pred.reshape(losses.trials, settings.members, -1).numpy()
        draw = pred.mean(1) + pred.std(1) * rng.standard_normal(cand.shape)     # independent Thompson sampling
        step += record_best_candidates(recorder, cand, draw, batch, rng)
    return recorder.result("bananas")
