"""ANASOD's encoding grid in numbers, and its Table 1 (how much of the error an encoding fixes) on our data.

:mod:`nascompanion.related.anasod` defines the encoding (the count of each operation over a
cell's six edges) and the paper's sampled statistics of one draw. This module holds the chapter's
loops over datasets and redraws: the grid's size and degrees, how the uniform Dirichlet covers
small encodings, Table 1 beside the paper's, the share of variance the encoding explains, and the
statistics the rules judge over independent redraws of the paper's sample.

Examples
--------
>>> facts = grid_facts()
>>> facts["n_encodings"], facts["cell_degree"]
(210, 24)
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion import objectives
from nascompanion.related import anasod, encoding_stats
from nascompanion.spaces import nb201


def encoding_sizes() -> np.ndarray:
    """The number of cells of every encoding, in grid order.

    Examples
    --------
    >>> int(encoding_sizes().sum())
    15625
    """
    return np.array([m.size for m in anasod.encoding_members()])


def grid_facts() -> dict:
    """The grid's size against the count for one edge fewer, its largest encoding and its degrees,
    beside the degree of the cell graph."""
    grid = anasod.encoding_grid()
    sizes = encoding_sizes()
    degrees = (anasod.grid_neighbour_table() != np.arange(grid.shape[0])[:, None]).sum(axis=1)
    return dict(n_encodings=grid.shape[0], n_encodings_fewer=anasod.n_encodings(nb201.N_EDGES - 1),
                largest_encoding=int(sizes.max()), grid_degree_min=int(degrees.min()),
                grid_degree_max=int(degrees.max()), cell_degree=nb201.neighbour_table().shape[1])


def space_table(facts: Mapping) -> pd.DataFrame:
    """The cell graph beside the encoding grid: points and neighbours per point (from :func:`grid_facts`)."""
    return pd.DataFrame({"space": ["cell graph (K₅)⁶", "encoding grid"],
                         "cells": [nb201.N_ARCHS, facts["n_encodings"]],
                         "neighbours per point": [f"{facts['cell_degree']}",
                                                  f"{facts['grid_degree_min']}-{facts['grid_degree_max']}"]})


def dirichlet_coverage(rng: np.random.Generator, draws: int, small_max: int = 6) -> dict:
    """How often rounded draws of the uniform Dirichlet land on small encodings, against their cells.

    Returns
    -------
    dict
        ``small_max``, ``small_share_draws`` (% of the draws on encodings of at most ``small_max``
        cells), ``small_share_cells`` (% of the cells those encodings hold), ``n_small``.

    Examples
    --------
    >>> c = dirichlet_coverage(np.random.default_rng(0), 2000)
    >>> bool(c["small_share_draws"] > c["small_share_cells"])
    True
    """
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws!r}")
    sizes = encoding_sizes()
    p = rng.dirichlet(np.ones(nb201.N_OPS), size=draws)
    hits = np.bincount(anasod.grid_index(anasod.round_to_grid(p)), minlength=sizes.size) / p.shape[0]
    small = sizes <= small_max
    return dict(small_max=small_max, small_share_draws=100 * hits[small].sum(),
                small_share_cells=100 * sizes[small].sum() / nb201.N_ARCHS, n_small=int(small.sum()))


def sample_values(n_encodings_: int, per_encoding: int) -> dict:
    """The size of the paper's sample and how many encodings are too small to give it ``per_encoding`` cells.

    Examples
    --------
    >>> sample_values(200, 5)["n_sampled"]
    1000
    """
    return dict(n_redrawn=int((encoding_sizes() < per_encoding).sum()), n_sampled=n_encodings_ * per_encoding)


def errors_by_source(sources: Mapping[str, tuple]) -> dict[str, np.ndarray]:
    """% error of every cell (per seed) of each ``name -> (benchmark, dataset, metric)``."""
    return {name: 100.0 - b.accuracy(d, m) for name, (b, d, m) in sources.items()}


def sampled_sd(errors: Mapping[str, np.ndarray], rng: np.random.Generator, n_encodings_: int,
               per_encoding: int) -> dict:
    """One draw of the paper's sample per dataset, in order, from the one stream ``rng``
    (:func:`~nascompanion.related.anasod.encoding_sd_stats`)."""
    return {name: anasod.encoding_sd_stats(e, rng, n_encodings_, per_encoding) for name, e in errors.items()}


def exact_sd(errors: Mapping[str, np.ndarray]) -> dict:
    """The statistics over every cell and every encoding, per dataset."""
    return {name: anasod.encoding_sd_stats(e) for name, e in errors.items()}


def seed_sds(sources: Mapping[str, tuple], errors: Mapping[str, np.ndarray], sd: Mapping) -> dict[str, float]:
    """The seed SD of each dataset: the seed-noise estimate on mean-only data, else the median over the
    sampled cells of the SD over their seeds."""
    return {name: objectives.seed_noise(b, d).sigma if errors[name].shape[1] == 1 else sd[name].median_seeds
            for name, (b, d, m) in sources.items()}


def table1(sd: Mapping, exact: Mapping, seed_sd: Mapping[str, float], printed: Mapping[str, tuple],
           statistics: tuple[str, ...]) -> pd.DataFrame:
    """Table 1 beside the paper's: per dataset and statistic, the paper's value, ours (the sampled
    draw), the difference, and ours over all cells (NaN where not in the paper or not computed)."""
    rows = []
    for name, s in sd.items():
        ours = (s.overall, s.median_all, s.median_top, seed_sd[name])
        full = (exact[name].overall, exact[name].median_all, exact[name].median_top, np.nan)
        paper = printed.get(name, (np.nan,) * 4)
        for stat, o, p, f in zip(statistics, ours, paper, full):
            rows.append({"data": name, "statistic": stat, "paper": p, "ours": round(o, 2),
                         "difference": round(o - p, 2), "ours, all cells": round(f, 2)})
    return pd.DataFrame(rows)


def sd_ratios(sd: Mapping, names: list[str]) -> dict[str, float]:
    """Median SD within an encoding over the overall SD, per dataset of ``names``."""
    return {name: sd[name].median_all / sd[name].overall for name in names}


def explained_variance(errors: Mapping[str, np.ndarray]) -> dict[str, float]:
    """One minus the within-encoding sum of squares over the total, over all cells (mean over seeds).

    Examples
    --------
    >>> loss = anasod.encoding_losses(np.arange(15625.0))[anasod.cell_encodings()]
    >>> round(float(explained_variance({"a": loss[:, None]})["a"]), 6)
    1.0
    """
    explained = {}
    for name, e in errors.items():
        loss = e.mean(axis=1)
        within = loss - anasod.encoding_losses(loss)[anasod.cell_encodings()]
        explained[name] = 1.0 - (within**2).sum() / ((loss - loss.mean()) ** 2).sum()
    return explained


def redraw_statistics(errors: Mapping[str, np.ndarray], names: list[str], seed_sd: Mapping[str, float],
                      rng: np.random.Generator, redraws: int, n_encodings_: int, per_encoding: int) -> dict:
    """The three statistics the Table 1 rules judge, over ``redraws`` redraws of the paper's sample
    (one sample of cells per redraw, shared by the datasets of ``names``).

    Returns
    -------
    dict
        Arrays of length ``redraws``: ``"ratio"`` (the largest ratio of median SD within an encoding
        to the overall SD), ``"top"`` (the largest median SD of the better half minus that of all
        encodings), ``"seed"`` (the smallest median SD within an encoding minus the seed SD).
    """
    again = encoding_stats.encoding_sd_redraws(np.stack([np.nanmean(errors[n], axis=1) for n in names], axis=1),
                                               rng, redraws, n_encodings_, per_encoding)
    return {"ratio": (again["median_all"] / again["overall"]).max(axis=1),
            "top": (again["median_top"] - again["median_all"]).max(axis=1),
            "seed": (again["median_all"] - np.array([seed_sd[n] for n in names])).min(axis=1)}


def shown_statistics(sd: Mapping, seed_sd: Mapping[str, float], names: list[str]) -> dict[str, float]:
    """The same three statistics on the one draw of the table (:func:`redraw_statistics`' keys)."""
    ratio = sd_ratios(sd, names)
    return {"ratio": max(ratio.values()), "top": max(sd[n].median_top - sd[n].median_all for n in names),
            "seed": min(sd[n].median_all - seed_sd[n] for n in names)}
