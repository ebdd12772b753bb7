"""BANANAS (White, Neiswanger & Savani, AAAI 2021) on NAS-Bench-201.

A neural predictor — an ensemble of small feed-forward networks on the path
encoding — is retrained every ``batch`` queries; candidates are unqueried
neighbours of the best architectures so far, and the next ``batch`` queries are
chosen by independent Thompson sampling: one draw per candidate from a normal
with the ensemble's mean and standard deviation, lowest draws first.

Every trial's ensemble (``trials x members`` networks) is trained as one batched
computation (:mod:`nascompanion.search.predictor`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from nascompanion.objectives import TrialLosses
from nascompanion.search.candidates import check_budget, distinct_random, neighbours_of_best, record_best_candidates
from nascompanion.search.history import SearchResult
from nascompanion.search.predictor import AUTHORS_PREDICTOR, PredictorSettings, SparseEncoding, fit_ensembles
from nascompanion.search.query_log import QueryLog
from nascompanion.search.settings_spec import check_call
from nascompanion.spaces import nb201
from nascompanion.spaces.table import TableSpace, one_hot, space_features

__all__ = ["AUTHORS_PREDICTOR", "NB201_PATHS", "PredictorSettings", "bananas", "nb201_path_encoding"]

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
    sparse = SparseEncoding.of(encoding)
    generator = torch.Generator().manual_seed(int(rng.integers(2**62)))
    start = min(n_init, budget)
    for archs in distinct_random(rng, recorder.queried, start).T:
        recorder.record(archs)
    step = start
    while step < budget:
        raw = torch.as_tensor(recorder.val[:, :step], dtype=torch.float32)
        y = (raw - raw.mean(1, keepdim=True)) / raw.std(1, keepdim=True).clamp_min(1e-6)
        model = fit_ensembles(sparse, torch.as_tensor(recorder.archs[:, :step]), y, settings, generator)
        cand = neighbours_of_best(space, recorder.archs[:, :step], recorder.val[:, :step], rng, parents, per_parent)
        pred = model.predict(torch.as_tensor(cand).repeat_interleave(settings.members, dim=0))
        pred = pred.reshape(losses.trials, settings.members, -1).numpy()
        draw = pred.mean(1) + pred.std(1) * rng.standard_normal(cand.shape)     # independent Thompson sampling
        step += record_best_candidates(recorder, cand, draw, batch, rng)
    return recorder.result("bananas")
