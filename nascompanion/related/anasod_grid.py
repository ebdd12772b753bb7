"""The landscape on ANASOD's encoding grid against the cell graph, per dataset.

The grid is given each encoding's mean error over its cells (the landscape ANASOD smooths
towards) and, as a search sees it, one random cell's error per encoding, drawn many times. This
module computes the main paper's statistics (local minima, the share of starts that reach the
global minimum) on both and on the cell graph, and the tables and margins the chapter reads.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.landscape import landscape_stats
from nascompanion.related import anasod
from nascompanion.spaces import nb201


def grid_landscapes(errors: Mapping[str, np.ndarray], names: list[str], rng: np.random.Generator,
                    draws: int) -> dict:
    """The cell graph, the grid of mean errors and ``draws`` one-cell grids of every dataset of ``names``.

    Parameters
    ----------
    errors
        Dataset -> % error of every cell, shape ``(15625, seeds)``.
    rng
        The stream of the one-cell draws (datasets in order, ``draws`` each).

    Returns
    -------
    dict
        Dataset -> ``"cells"``, ``"grid"`` (landscape statistics), ``"one"`` (a list of ``draws``
        of them) and ``"rank"`` (of the best cell's encoding among all encodings by mean error).
    """
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws!r}")
    table = anasod.grid_neighbour_table()
    land = {}
    for name in names:
        loss = errors[name].mean(axis=1)
        by_encoding = anasod.encoding_losses(loss)
        best_cell_encoding = anasod.cell_encodings()[np.argmin(loss)]
        land[name] = {
            "cells": landscape_stats(loss, nb201.neighbour_table()),
            "grid": landscape_stats(by_encoding, table),
            "one": [landscape_stats(anasod.one_cell_losses(loss, rng), table) for _ in range(draws)],
            "rank": int((by_encoding < by_encoding[best_cell_encoding]).sum() + 1),
        }
    return land


def landscape_table(land: Mapping) -> pd.DataFrame:
    """One row per dataset: minima and reach of the cell graph, the mean grid and (mean over draws,
    to one decimal) the one-cell grid, and the rank of the best cell's encoding."""
    rows = []
    for name, v in land.items():
        one = {key: round(np.mean([o[key] for o in v["one"]]), 1) for key in ("local_minima", "reached_global_pct")}
        rows.append({"data": name, "cell graph: local minima": v["cells"]["local_minima"],
                     "cell graph: reach global (%)": round(v["cells"]["reached_global_pct"], 1),
                     "grid (mean): local minima": v["grid"]["local_minima"],
                     "grid (mean): reach global (%)": round(v["grid"]["reached_global_pct"], 1),
                     "grid (one cell): local minima": one["local_minima"],
                     "grid (one cell): reach global (%)": one["reached_global_pct"],
                     "rank of best cell's encoding": v["rank"]})
    return pd.DataFrame(rows).set_index("data")


def per_draw_tables(land: Mapping, errors: Mapping[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    """Per dataset, one row per one-cell draw: local minima (count and % of the grid's nodes), the
    share of starts reaching the draw's global minimum, and the share ending at the best mean encoding."""
    n_nodes = anasod.encoding_grid().shape[0]
    per_draw = {}
    for name, v in land.items():
        best_mean = int(np.argmin(anasod.encoding_losses(errors[name].mean(axis=1))))
        table = pd.DataFrame([{"local minima": o["local_minima"], "reach global (%)": o["reached_global_pct"],
                               "end at the best mean encoding (%)": 100 * np.mean(o["ls_star"] == best_mean)}
                              for o in v["one"]])
        table["local minima (% of nodes)"] = 100 * table["local minima"] / n_nodes
        per_draw[name] = table
    return per_draw


def side_by_side(land: Mapping, per_draw: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The cell graph (exact) beside the one-cell grid (mean ± s.e. over draws), per dataset."""
    n_nodes = anasod.encoding_grid().shape[0]
    rows = []
    for name, v in land.items():
        one, se, cells = per_draw[name].mean(), per_draw[name].sem(), v["cells"]
        rows.append({"data": name, "landscape": "cell graph", "nodes": nb201.N_ARCHS,
                     "local minima": f"{cells['local_minima']}",
                     "reach global (%)": f"{cells['reached_global_pct']:.1f}",
                     "local minima (% of nodes)": f"{100 * cells['local_minima'] / nb201.N_ARCHS:.2f}"})
        rows.append({"data": name, "landscape": "grid, one cell per encoding", "nodes": n_nodes,
                     **{k: f"{one[k]:.2f} ± {se[k]:.2f}" for k in one.index}})
    return pd.DataFrame(rows)


def one_cell_margins(land: Mapping, per_draw: Mapping[str, pd.DataFrame], names: list[str]) -> dict:
    """How far the one-cell grid is ahead of the cell graph, mean and s.e. over draws, per dataset.

    Returns
    -------
    dict
        ``"minima"``: cell-graph minima minus the grid's; ``"reach"``: the grid's share of starts
        reaching its global minimum minus the cell graph's (points). Each a table with columns
        ``mean`` and ``sem``, one row per dataset.
    """
    specs = [("minima", "local minima", "local_minima", -1), ("reach", "reach global (%)", "reached_global_pct", 1)]
    return {k: pd.DataFrame({n: (sign * (per_draw[n][col] - land[n]["cells"][key])).agg(["mean", "sem"])
                             for n in names}).T for k, col, key, sign in specs}


def one_cell_counts(land: Mapping, per_draw: Mapping[str, pd.DataFrame], names: list[str]) -> dict:
    """On how many datasets the one-cell grid (mean over draws) has fewer minima and a wider reach than
    the cell graph, and which datasets have the wider reach."""
    one = {name: per_draw[name].mean() for name in names}
    fewer = {n: one[n]["local minima"] < land[n]["cells"]["local_minima"] for n in names}
    wider = {n: one[n]["reach global (%)"] > land[n]["cells"]["reached_global_pct"] for n in names}
    return dict(n_fewer=sum(fewer.values()), n_wider=sum(wider.values()),
                wider_names=", ".join(n for n in names if wider[n]) or "none")
