"""ANASOD's claims checked on NAS-Bench-201 (Wan et al., 2021): how much of a cell's error its encoding fixes.

The encoding, its grid and the four ANASOD searches live in
:mod:`nascompanion.search.anasod_search` (registered beside the package's own
algorithms); their names stay importable from here. This module holds the
analyses: the loss of every encoding (:func:`encoding_losses`,
:func:`one_cell_losses`) and the statistics of the paper's Table 1
(:func:`encoding_sd_stats`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from nascompanion.search.anasod_search import (  # noqa: F401  (the encoding and searches, re-exported)
    N_EDGES,
    N_OPS,
    SEARCHES,
    anasod_bo,
    anasod_local_search,
    anasod_random_search,
    cell_encodings,
    encoding_grid,
    encoding_members,
    grid_index,
    grid_neighbour_table,
    grid_neighbours,
    n_encodings,
    op_counts,
    round_to_grid,
    sample_cell,
)
from nascompanion.spaces import nb201


def encoding_losses(losses: np.ndarray, reduce: Callable = np.mean) -> np.ndarray:
    """Loss of every encoding: ``reduce`` over the losses of its cells (default: the mean)."""
    losses = np.asarray(losses, dtype=float)
    return np.array([reduce(losses[m]) for m in encoding_members()])


def one_cell_losses(losses: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Loss of every encoding seen through one uniformly drawn cell of it.

    What ANASOD-LS faces when it queries a single random member of each encoding.
    Encodings are visited in grid order and each takes one ``rng.choice`` over the
    losses of its cells, so a call consumes ``rng`` exactly as
    ``encoding_losses(losses, lambda v: rng.choice(v))`` does.

    Parameters
    ----------
    losses
        Shape ``(15625,)``: loss of every NB201 cell.
    rng
        Source of the draws (the only randomness used).

    Returns
    -------
    numpy.ndarray
        Shape ``(210,)``: the loss of the drawn cell of each encoding.

    Examples
    --------
    >>> one = one_cell_losses(np.arange(nb201.N_ARCHS, dtype=float), np.random.default_rng(0))
    >>> one.shape, bool(np.isin(one, np.arange(nb201.N_ARCHS)).all())
    ((210,), True)
    """
    losses = np.asarray(losses, dtype=float)
    return np.array([rng.choice(losses[m]) for m in encoding_members()])


# --------------------------------------------------------------------------- Table 1


@dataclass(frozen=True)
class EncodingSD:
    """The paper's Table 1 statistics (all in % error).

    Attributes
    ----------
    overall
        SD of the error over all sampled cells.
    median_all
        Median over encodings of the SD of the cells sampled from one encoding.
    median_top
        The same, over the better half of encodings (by mean error).
    median_seeds
        Median over cells of the SD over training seeds (NaN with one seed).
    means, sds
        Mean and SD of each sampled encoding (for the Figure 2 plot).
    """

    overall: float
    median_all: float
    median_top: float
    median_seeds: float
    means: np.ndarray
    sds: np.ndarray


def encoding_sd_stats(errors: np.ndarray, rng: np.random.Generator | None = None, n_encodings_: int = 200,
                      per_encoding: int = 5) -> EncodingSD:
    """How much of the error an encoding determines (paper, Table 1 and Figure 2).

    Parameters
    ----------
    errors
        Shape ``(15625,)`` or ``(15625, seeds)``: % error of every cell (per seed).
        Encoding statistics use the mean over seeds; NaN seeds are ignored.
    rng
        ``None``: use every cell and every encoding (the exact population
        values). Else draw ``n_encodings_`` encodings by uniform Dirichlet and
        rounding (redrawing encodings with fewer than ``per_encoding`` cells)
        and ``per_encoding`` distinct cells from each, as the paper does.
    n_encodings_, per_encoding
        Sample sizes (paper: 200 and 5).

    Returns
    -------
    EncodingSD
    """
    errors = np.asarray(errors, dtype=float)
    per_seed = errors if errors.ndim == 2 else errors[:, None]
    mean = np.nanmean(per_seed, axis=1)
    members = encoding_members()
    if rng is None:
        groups = list(members)
    else:
        big = np.array([m.size >= per_encoding for m in members])
        groups = []
        while len(groups) < n_encodings_:
            e = grid_index(round_to_grid(rng.dirichlet(np.ones(N_OPS))))
            if big[e]:
                groups.append(rng.choice(members[e], size=per_encoding, replace=False))
    sampled = np.concatenate(groups)
    means = np.array([mean[g].mean() for g in groups])
    sds = np.array([mean[g].std(ddof=1) if g.size > 1 else 0.0 for g in groups])
    top = means <= np.median(means)
    counts = (~np.isnan(per_seed[sampled])).sum(axis=1)
    seed_sd = np.nanstd(per_seed[sampled][counts > 1], axis=1, ddof=1) if per_seed.shape[1] > 1 else np.array([np.nan])
    return EncodingSD(overall=float(mean[sampled].std(ddof=1)), median_all=float(np.median(sds)),
                      median_top=float(np.median(sds[top])), median_seeds=float(np.median(seed_sd)),
                      means=means, sds=sds)
