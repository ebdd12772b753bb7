"""ANASOD's Table 1 statistics over many independent draws of its sample (for intervals).

:func:`nascompanion.related.anasod.encoding_sd_stats` computes the statistics of one draw of
the paper's sample (200 encodings from the uniform Dirichlet, five cells each). A verdict on one
draw can flip with the next, so :func:`encoding_sd_redraws` repeats the draw many times, vectorised
over datasets, and returns the statistics of every redraw.
"""

from __future__ import annotations

import numpy as np

from nascompanion.search.anasod_search import N_OPS, encoding_members, grid_index, round_to_grid
from nascompanion.spaces import nb201


def encoding_sd_redraws(losses: np.ndarray, rng: np.random.Generator, redraws: int, n_encodings_: int = 200,
                        per_encoding: int = 5) -> dict[str, np.ndarray]:
    """Table 1's statistics over ``redraws`` independent draws of the paper's sample, vectorised.

    Each redraw samples encodings as :func:`~nascompanion.related.anasod.encoding_sd_stats` does (uniform Dirichlet, rounded,
    encodings with fewer than ``per_encoding`` cells skipped) and ``per_encoding`` distinct cells of
    each, and computes the overall SD and the median SDs within encodings of every column of
    ``losses`` on that one sample of cells. Its random stream is used differently from
    :func:`~nascompanion.related.anasod.encoding_sd_stats`, so a redraw does not repeat that function's draw.

    Parameters
    ----------
    losses
        Shape ``(15625, datasets)``: the error of every cell (mean over seeds) on each dataset.

    Returns
    -------
    dict
        ``"overall"``, ``"median_all"``, ``"median_top"``: arrays of shape ``(redraws, datasets)``.

    Examples
    --------
    >>> losses = np.stack([np.arange(nb201.N_ARCHS, dtype=float)] * 2, axis=1)
    >>> out = encoding_sd_redraws(losses, np.random.default_rng(0), 3, 20, 5)
    >>> out["overall"].shape, bool((out["median_all"] > 0).all())
    ((3, 2), True)
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 2 or losses.shape[0] != nb201.N_ARCHS:
        raise ValueError(f"losses must have shape ({nb201.N_ARCHS}, datasets), got {losses.shape}")
    if redraws < 1 or n_encodings_ < 2 or per_encoding < 2:
        raise ValueError(f"need redraws >= 1, n_encodings_ >= 2, per_encoding >= 2, got {redraws}, "
                         f"{n_encodings_}, {per_encoding}")
    members = encoding_members()
    big = np.array([m.size >= per_encoding for m in members])
    out = {key: np.empty((redraws, losses.shape[1])) for key in ("overall", "median_all", "median_top")}
    for r in range(redraws):
        chosen = np.empty(0, dtype=np.int64)
        while chosen.size < n_encodings_:
            drawn = grid_index(round_to_grid(rng.dirichlet(np.ones(N_OPS), size=2 * n_encodings_)))
            chosen = np.concatenate([chosen, drawn[big[drawn]]])
        cells = np.stack([rng.choice(members[e], size=per_encoding, replace=False) for e in chosen[:n_encodings_]])
        values = losses[cells]                       # (encodings, per_encoding, datasets)
        means, sds = values.mean(axis=1), values.std(axis=1, ddof=1)
        top = means <= np.median(means, axis=0)
        out["overall"][r] = values.reshape(-1, losses.shape[1]).std(axis=0, ddof=1)
        out["median_all"][r] = np.median(sds, axis=0)
        out["median_top"][r] = [np.median(sds[top[:, d], d]) for d in range(losses.shape[1])]
    return out
