"""PVLL-NAS's estimator checked on NAS-Bench-201 (Li et al., "proxy validation loss landscape"): Figure 3a.

The sampler, the estimator and the search (Algorithm 1) live in
:mod:`nascompanion.search.pvll_search` (registered beside the package's own
algorithms); their names stay importable from here. This module holds the
analysis: the estimator's held-out error against the number of labelled samples,
gradient-guided vs uniform sampling (:func:`learning_curve`, :func:`figure_3a`).
"""

from __future__ import annotations

import numpy as np
import torch

from nascompanion.search.pvll_search import (  # noqa: F401  (the sampler, estimator and search, re-exported)
    N_EDGES,
    N_OPS,
    Estimator,
    PVLLSettings,
    fit_estimator,
    gumbel_softmax,
    one_hot,
    pvll,
    pvll_samples,
    pvll_search,
    sample_hard,
)
from nascompanion.spaces import nb201


def learning_curve(loss: np.ndarray, cells: np.ndarray, test: np.ndarray, sizes: np.ndarray,
                   rng: np.random.Generator, settings: PVLLSettings = PVLLSettings()) -> np.ndarray:
    """Held-out MSE of an estimator trained on the first ``n`` of ``cells``, for each ``n`` in ``sizes``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(sizes),)``: mean squared error on the ``test`` cells.
    """
    torch.set_num_threads(1)
    loss_t = torch.as_tensor(np.asarray(loss, dtype=float))
    seed = int(rng.integers(2**62))
    out = []
    for n in sizes:
        model = fit_estimator(one_hot(cells[:n]), loss_t[cells[:n]], settings, torch.Generator().manual_seed(seed))
        with torch.no_grad():
            out.append(float(((model(one_hot(test)) - loss_t[test]) ** 2).mean()))
    return np.array(out)


def figure_3a(loss: np.ndarray, repeats: int, samples: int, sizes: np.ndarray, rng: np.random.Generator,
              warmup: int = 10, settings: PVLLSettings = PVLLSettings()) -> dict[str, np.ndarray]:
    """Estimator error vs samples for gradient-guided and uniform sampling (paper, Figure 3a).

    Each repeat draws a uniform test set of 100 cells, a uniform training set of
    ``samples`` cells disjoint from it, and a guided one (``warmup`` uniform
    cells, then the sampler); both learning curves use the same estimator seed.

    Returns
    -------
    dict
        ``{"gradient-guided": (repeats, len(sizes)), "uniform": ..., "guided mean loss": (repeats,),
        "uniform mean loss": (repeats,), "guided cells": (repeats, samples), "uniform cells": ...}``;
        the cells are benchmark indices in sampling order (warm-up first), so other measures of them
        (e.g. stand-alone errors) can be compared.
    """
    guided, uniform, g_loss, u_loss, g_cells_all, u_cells_all = [], [], [], [], [], []
    for _ in range(repeats):
        test = rng.choice(nb201.N_ARCHS, size=100, replace=False)
        pool = np.setdiff1d(np.arange(nb201.N_ARCHS), test)
        u_cells = rng.choice(pool, size=samples, replace=False)
        g_cells = pvll_search(loss, warmup, samples - warmup, rng, settings)
        curve_seed = int(rng.integers(2**62))
        guided.append(learning_curve(loss, g_cells, test, sizes, np.random.default_rng(curve_seed), settings))
        uniform.append(learning_curve(loss, u_cells, test, sizes, np.random.default_rng(curve_seed), settings))
        g_loss.append(float(np.mean(loss[g_cells[warmup:]])))
        u_loss.append(float(np.mean(loss[u_cells[warmup:]])))
        g_cells_all.append(g_cells)
        u_cells_all.append(u_cells)
    return {"gradient-guided": np.array(guided), "uniform": np.array(uniform),
            "guided mean loss": np.array(g_loss), "uniform mean loss": np.array(u_loss),
            "guided cells": np.array(g_cells_all), "uniform cells": np.array(u_cells_all)}
