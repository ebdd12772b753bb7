"""Bayesian optimisation with a Gaussian process over an architecture distance.

The kernel is :math:`k(a, b) = \\exp(-d(a, b) / \\ell)` with ``d`` the number of
edges whose operations differ (a product of per-edge kernels, so positive
definite). Losses are standardised per trial; the length-scale ``ell`` and the
noise variance are chosen by marginal likelihood on a small grid every
``refit_every`` queries. Candidates are unqueried neighbours of the best
architectures so far; the next query maximises expected improvement.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from nascompanion.objectives import TrialLosses
from nascompanion.search.candidates import check_budget, distinct_random, neighbours_of_best, record_best_candidates
from nascompanion.search.history import SearchResult
from nascompanion.search.query_log import QueryLog
from nascompanion.search.settings_spec import check_call
from nascompanion.spaces.table import TableSpace, one_hot, space_features

LENGTH_SCALES = (0.5, 1.0, 2.0, 4.0, 8.0)
NOISE_VARIANCES = (1e-3, 1e-2, 1e-1)


def _distance(onehot: torch.Tensor, a: torch.Tensor, b: torch.Tensor, edges: int) -> torch.Tensor:
    """Hamming distance between architectures ``a`` (T, p) and ``b`` (T, q) -> (T, p, q)."""
    return edges - onehot[a] @ onehot[b].transpose(1, 2)


def _fit(dist: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Best (length-scale, noise) per trial by log marginal likelihood on the grid."""
    m = y.shape[1]
    eye = torch.eye(m, dtype=torch.float64)
    best_ll = torch.full((y.shape[0],), -math.inf, dtype=torch.float64)
    best = (torch.zeros_like(best_ll), torch.zeros_like(best_ll))
    for ell in LENGTH_SCALES:
        base = torch.exp(-dist / ell)
        for noise in NOISE_VARIANCES:
            chol = torch.linalg.cholesky(base + noise * eye)
            alpha = torch.cholesky_solve(y[..., None], chol)[..., 0]
            ll = -0.5 * (y * alpha).sum(1) - torch.log(torch.diagonal(chol, dim1=1, dim2=2)).sum(1)
            better = ll > best_ll
            best_ll = torch.where(better, ll, best_ll)
            best = (torch.where(better, ell, best[0]), torch.where(better, noise, best[1]))
    return best


def _expected_improvement(kernel: torch.Tensor, noise: torch.Tensor, k_cand: torch.Tensor,
                          y: torch.Tensor) -> np.ndarray:
    """Expected improvement over the lowest standardised loss of every candidate, per trial.

    ``kernel`` ``(T, m, m)`` between the queries, ``noise`` ``(T,)``, ``k_cand`` ``(T, C, m)`` between
    candidates and queries, ``y`` ``(T, m)`` the standardised losses; returns ``(T, C)``.
    """
    eye = torch.eye(y.shape[1], dtype=torch.float64)
    chol = torch.linalg.cholesky(kernel + noise[:, None, None] * eye)
    alpha = torch.cholesky_solve(y[..., None], chol)                                            # (T, m, 1)
    mean = (k_cand @ alpha)[..., 0]
    v = torch.linalg.solve_triangular(chol, k_cand.transpose(1, 2), upper=False)                 # (T, m, C)
    sd = (1.0 - (v * v).sum(1)).clamp_min(1e-12).sqrt()
    z = (y.min(1, keepdim=True).values - mean) / sd
    return (sd * (z * 0.5 * torch.erfc(-z / math.sqrt(2.0)) + torch.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi))).numpy()


def bayesian_optimization(
    space: TableSpace,
    losses: TrialLosses,
    budget: int,
    rng: np.random.Generator,
    features: np.ndarray | None = None,
    n_init: int = 10,
    refit_every: int = 10,
    parents: int = 10,
    per_parent: int = 10,
    batch: int = 1,
) -> SearchResult:
    """GP-EI Bayesian optimisation in every trial of ``losses`` at once.

    Parameters
    ----------
    space, losses, budget, rng
        As in :func:`~nascompanion.search.random_search.random_search`.
    features
        Shape ``(n, e)``: categorical description of each architecture; the
        kernel distance counts differing entries. Default: ``space.features``
        (NB201: the six op codes of a cell; NAS-Bench-Graph: the four operations
        and the input pattern, :func:`~nascompanion.spaces.graph_nas.key_features`).
    n_init
        Random architectures before the model is used.
    refit_every
        Queries between choices of length-scale and noise.
    parents, per_parent
        Candidates are ``per_parent`` random neighbours of each of the ``parents``
        best architectures queried so far.
    batch
        Queries per model fit: the ``batch`` candidates of highest expected
        improvement (1 = fully sequential BO).
    """
    check_call("bo", space.size, budget, rng, dict(n_init=n_init, refit_every=refit_every, parents=parents,
                                                   per_parent=per_parent, batch=batch))
    losses = check_budget(space, losses, budget)
    recorder = QueryLog(losses, budget)
    features = space_features(space, features)
    feats = torch.as_tensor(one_hot(features), dtype=torch.float64)
    edges = int(np.asarray(features).shape[1])
    start = min(n_init, budget)
    for archs in distinct_random(rng, recorder.queried, start).T:
        recorder.record(archs)
    ell = noise = None
    step = start
    while step < budget:
        observed = torch.as_tensor(recorder.archs[:, :step])
        raw = torch.as_tensor(recorder.val[:, :step])
        y = (raw - raw.mean(1, keepdim=True)) / raw.std(1, keepdim=True).clamp_min(1e-9)
        dist = _distance(feats, observed, observed, edges)
        if ell is None or (step - start) // refit_every != (step - start - batch) // refit_every:
            ell, noise = _fit(dist, y)
        cand = neighbours_of_best(space, recorder.archs[:, :step], recorder.val[:, :step], rng, parents, per_parent)
        k_cand = torch.exp(-_distance(feats, torch.as_tensor(cand), observed, edges) / ell[:, None, None])  # (T, C, m)
        ei = _expected_improvement(torch.exp(-dist / ell[:, None, None]), noise, k_cand, y)
        step += record_best_candidates(recorder, cand, -ei, batch, rng)
    return recorder.result("bo")
