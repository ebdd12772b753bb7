"""Figures for the local-search and landscape chapters: search trees (Fig. 4.1), sweeps, traces.

Everything is drawn with matplotlib alone (layouts are computed here), so the
figures are deterministic and need no graph library.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

from nascompanion.landscape import converge
from nascompanion.landscape.noise import SweepResult
from nascompanion.search.history import best_so_far

SWEEP_LABELS: Mapping[str, str] = {
    "local_minima": "number of local minima",
    "reached_global_pct": "% of starts reaching\nthe global minimum",
    "iterations": "iterations per search",
    "global_basin_size": "global-minimum basin size",
    "reached_true_best_pct": "% of starts reaching the denoised optimum",
}


# --------------------------------------------------------------------------- search trees (Figure 4.1)


def search_forest(ls_map: np.ndarray, roots: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The nodes whose local-search path passes through one of ``roots``.

    Parameters
    ----------
    ls_map
        ``LS`` of every node (:func:`nascompanion.landscape.ls_map`).
    roots
        The nodes whose full preimages ``LS^{-*}`` are wanted.

    Returns
    -------
    members, tops
        Boolean mask of the union of the full preimages (roots included), and
        the roots that are not themselves inside another root's preimage (the
        tops of the drawn trees), in the order given.

    Examples
    --------
    >>> members, tops = search_forest(np.array([1, 2, 2, 2]), [1])
    >>> members.tolist(), tops.tolist()
    ([True, True, False, False], [1])
    """
    nxt = np.asarray(ls_map)
    n = nxt.shape[0]
    roots = np.asarray(roots, dtype=np.int64)
    is_root = np.zeros(n, dtype=bool)
    is_root[roots] = True
    moving = nxt != np.arange(n)
    members = is_root.copy()
    while True:
        grown = members | (moving & members[nxt])
        if np.array_equal(grown, members):
            break
        members = grown
    # a root is a top unless LS carries it into another member
    tops = roots[~(moving[roots] & members[nxt[roots]])]
    return members, tops


def radial_layout(ls_map: np.ndarray, members: np.ndarray, top: int) -> dict[int, tuple[float, float]]:
    """Positions of the tree of ``top`` (its members that flow into it): radius = LS steps to ``top``.

    Each subtree gets an angular wedge proportional to its number of leaves;
    children are ordered by index, so the layout is deterministic.
    """
    nxt = np.asarray(ls_map)
    nodes = [top]
    children: dict[int, list[int]] = {}
    frontier = [top]
    candidates = np.flatnonzero(members & (nxt != np.arange(nxt.shape[0])))
    parent_of = nxt[candidates]
    by_parent: dict[int, list[int]] = {}
    for child, parent in zip(candidates.tolist(), parent_of.tolist()):
        by_parent.setdefault(parent, []).append(child)
    depth = {top: 0}
    while frontier:
        following = []
        for v in frontier:
            kids = sorted(by_parent.get(v, []))
            children[v] = kids
            for k in kids:
                depth[k] = depth[v] + 1
            following.extend(kids)
        nodes.extend(following)
        frontier = following
    leaves = {}
    for v in reversed(nodes):
        leaves[v] = sum(leaves[k] for k in children[v]) or 1
    wedge = {top: (0.0, 2 * np.pi)}
    pos = {top: (0.0, 0.0)}
    for v in nodes:
        lo, hi = wedge[v]
        start = lo
        for k in children[v]:
            span = (hi - lo) * leaves[k] / leaves[v]
            wedge[k] = (start, start + span)
            angle = start + span / 2
            pos[k] = (depth[k] * np.cos(angle), depth[k] * np.sin(angle))
            start += span
    return pos


def plot_search_trees(ax, losses: np.ndarray, ls_map: np.ndarray, roots: Sequence[int], title: str = "",
                      basins: bool = True, cmap: str = "coolwarm", node_size: float | None = None) -> dict:
    """Draw the local-search trees that hold ``roots`` (the paper's Figure 4.1 panels).

    Nodes are coloured by the rank of their loss among the drawn nodes (warm =
    low loss); every edge is one LS step, from a colder to a warmer node; the
    ``roots`` are drawn red, larger, with a black rim. Trees are laid out side
    by side, largest first.

    Parameters
    ----------
    basins
        True: draw the whole basin ``LS^{-*}(LS^*(r))`` of the local minimum
        each root converges to (the tree a root lives in). False: draw only
        each root's own full preimage ``LS^{-*}(r)``.

    Returns
    -------
    dict
        ``{"nodes": number drawn, "tops": tree tops, "sizes": nodes per tree}``.
    """
    losses = np.asarray(losses, dtype=float)
    ls_map = np.asarray(ls_map)
    roots = np.asarray(roots, dtype=np.int64)
    xy, ids, tops, sizes = _forest_layout(ls_map, _tree_roots(ls_map, roots, basins))
    if node_size is None:
        node_size = float(np.clip(3000.0 / len(ids), 1.5, 25.0))
    _draw_forest(ax, xy, ids, losses, ls_map, roots, cmap, node_size)
    _bare_axes(ax, title)
    return {"nodes": int(len(ids)), "tops": tops, "sizes": sizes}


def _tree_roots(ls_map: np.ndarray, roots: np.ndarray, basins: bool) -> np.ndarray:
    """The nodes whose trees are drawn: ``roots``, or with ``basins`` the distinct minima they converge to."""
    if not basins:
        return roots
    star = converge(ls_map)[0][roots]
    return star[np.sort(np.unique(star, return_index=True)[1])]


def _forest_layout(ls_map: np.ndarray, tree_roots: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int], list[int]]:
    """Positions ``(k, 2)`` and ids ``(k,)`` of the nodes of every tree, the radial layouts side by side in a
    square grid, largest tree first; with the trees' tops and sizes in that order."""
    members, tops = search_forest(ls_map, tree_roots)
    layouts = [radial_layout(ls_map, members, int(t)) for t in tops]
    order = sorted(range(len(tops)), key=lambda i: (-len(layouts[i]), int(tops[i])))
    columns = int(np.ceil(np.sqrt(len(order))))
    cell = 2 * max(max(np.hypot(*np.array(list(layouts[i].values())).T).max(), 0.5) for i in order) + 1.0
    xy, ids = [], []
    for slot, i in enumerate(order):
        layout = layouts[i]
        keys = np.array(sorted(layout))
        pts = np.array([layout[k] for k in keys])
        pts = pts + np.array([(slot % columns) * cell, -(slot // columns) * cell])
        xy.append(pts)
        ids.append(keys)
    return np.concatenate(xy), np.concatenate(ids), [int(tops[i]) for i in order], [len(layouts[i]) for i in order]


def _draw_forest(ax, xy: np.ndarray, ids: np.ndarray, losses: np.ndarray, ls_map: np.ndarray, roots: np.ndarray,
                 cmap: str, node_size: float) -> None:
    """The LS steps as grey edges, the nodes coloured by the rank of their loss, the roots red with a black rim."""
    where = {int(v): j for j, v in enumerate(ids)}
    segments = [(xy[j], xy[where[int(ls_map[v])]]) for j, v in enumerate(ids) if int(v) in where and ls_map[v] != v
                and int(ls_map[v]) in where]
    rank = np.argsort(np.argsort(-losses[ids], kind="stable"), kind="stable") / max(len(ids) - 1, 1)
    ax.add_collection(LineCollection(segments, colors="0.75", linewidths=0.25, zorder=1))
    ax.scatter(xy[:, 0], xy[:, 1], c=rank, cmap=cmap, vmin=0, vmax=1, s=node_size, linewidths=0, zorder=2)
    is_root = np.isin(ids, np.asarray(roots))
    ax.scatter(xy[is_root, 0], xy[is_root, 1], c="red", s=max(node_size * 6, 40.0), edgecolors="black", linewidths=0.8, zorder=3)


def _bare_axes(ax, title: str) -> None:
    """Equal aspect, the view fitted to what is drawn, no ticks or frame, and the title."""
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title)


def search_tree_figure(panels: Sequence[tuple[str, np.ndarray, np.ndarray, Sequence[int]]], width: float = 8.0,
                       basins: bool = True):
    """Figure 4.1: one panel per ``(title, losses, ls_map, roots)``, side by side (see :func:`plot_search_trees`).

    Returns
    -------
    fig, info
        The figure and the list of :func:`plot_search_trees` summaries.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(width, width / len(panels) * 0.9))
    axes = np.atleast_1d(axes)
    info = [plot_search_trees(ax, losses, nxt, roots, title, basins) for ax, (title, losses, nxt, roots) in zip(axes, panels)]
    sm = plt.cm.ScalarMappable(cmap="coolwarm", norm=plt.Normalize(0, 1))
    cbar = fig.colorbar(sm, ax=list(axes), orientation="horizontal", fraction=0.04, pad=0.02)
    cbar.set_label("loss rank among drawn nodes (0 = worst, 1 = best)")
    return fig, info


# --------------------------------------------------------------------------- sweeps


def plot_sweep(results: Mapping[str, SweepResult], statistics: Sequence[str] = (
        "local_minima", "reached_global_pct", "iterations", "global_basin_size"), width: float = 8.0):
    """Mean (line) and mean ± one standard deviation over draws (band) of each statistic against ``x``.

    Parameters
    ----------
    results
        ``{legend label: SweepResult}``, e.g. one per dataset.
    statistics
        Which statistics to draw, one panel each (2 columns).
    """
    rows = int(np.ceil(len(statistics) / 2))
    fig, axes = plt.subplots(rows, 2, figsize=(width, 2.9 * rows + 0.6), squeeze=False)
    for ax, name in zip(axes.ravel(), statistics):
        for label, res in results.items():
            values = res.stats[name]
            mean, sd = values.mean(axis=1), values.std(axis=1)
            (line,) = ax.plot(res.xs, mean, marker="o", markersize=3, label=label)
            ax.fill_between(res.xs, mean - sd, mean + sd, color=line.get_color(), alpha=0.2, linewidth=0)
        ax.axvline(1.0, color="0.5", linestyle=":", linewidth=1)
        ax.set_xlabel("noise multiplier x")
        ax.set_ylabel(SWEEP_LABELS.get(name, name))
        if name in ("local_minima", "global_basin_size"):
            ax.set_yscale("log")
    for ax in axes.ravel()[len(statistics):]:
        ax.set_visible(False)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0.6 / fig.get_size_inches()[1], 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), bbox_to_anchor=(0.5, 0))
    return fig


# --------------------------------------------------------------------------- a traced run


def plot_trace(history, ax=None, title: str = ""):
    """Every query of one local-search run (dots), the moves of the search (line) and the best so far.

    Parameters
    ----------
    history
        A :class:`nascompanion.search.History`.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 3.6))
    else:
        fig = ax.figure
    q = np.arange(1, len(history) + 1)
    runs = history.run
    colours = plt.cm.tab10(runs % 10)
    ax.scatter(q, history.validation, s=8, c=colours, linewidths=0, label="a query (colour = run)")
    ax.step(q, best_so_far(history, "validation"), where="post", color="black", linewidth=1.2,
            label="best validation loss so far")
    position = {int(a): i + 1 for i, a in enumerate(history.archs)}
    moves = [(position[int(a)], history.validation[position[int(a)] - 1]) for _, a in history.path
             if int(a) in position]
    if moves:
        mx, my = np.array(moves).T
        ax.plot(mx, my, "o", mfc="none", mec="crimson", ms=7, mew=1.2, label="an architecture LS stood at")
    ax.set_xlabel("query number")
    ax.set_ylabel("validation loss (100 − accuracy, %)")
    ax.set_yscale("log")
    ax.set_title(title)
    ax.legend(loc="upper right")
    return fig


def plot_variant_curves(curves: Mapping[str, np.ndarray], ax=None, title: str = ""):
    """Each variant's mean test loss of the best-validation cell against the number of queries, on a log scale.

    Parameters
    ----------
    curves
        Variant name -> mean curve, one value per query (e.g.
        :func:`nascompanion.landscape.variant_runs.mean_curves`).

    Examples
    --------
    >>> fig = plot_variant_curves({"full": np.array([9.0, 7.0, 6.5])}, title="demo")
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['full']
    >>> plt.close(fig)
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.6))
    else:
        fig = ax.figure
    for variant, curve in curves.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, label=variant)
    ax.set(xlabel="queries", ylabel="test loss of best-validation cell (%)", yscale="log", title=title)
    ax.legend(loc="upper right")
    ax.yaxis.set_major_formatter("{x:g}")
    ax.yaxis.set_minor_formatter("{x:g}")
    return fig


# --------------------------------------------------------------------------- measured landscapes


MEASURED_FAMILIES: Mapping[str, str] = {
    "ptq": "tab:blue", "qat": "tab:blue", "noisy": "tab:red", "analog": "tab:green",
    "drift": "tab:green", "noisy-drift": "tab:red",
}
"""Colour of each measured landscape's family: near-digital, analog fine-tuned (with its drift), analog without."""

DRIFT_MARKERS: Mapping[str, str] = {"60s": "o", "1h": "s", "1d": "^", "30d": "D"}
"""Marker of each drift time; landscapes without drift are drawn as crosses (PTQ, QAT, noisy) or a star."""


def measured_scatter(kinds, x: str = "rank_disagreement", width: float = 8.0):
    """Local minima and the share of starts reaching the global minimum against a noise measure.

    One point per measured landscape other than the digital baseline (at zero on a log axis;
    the shares reaching the global minimum on a log axis too, where all are positive),
    coloured by family and shaped by drift time, named in a legend under the panels rather
    than by labels beside the points, which crowd where the drift landscapes lie together.

    Parameters
    ----------
    kinds
        The table of :func:`nascompanion.landscape.noise.measured_landscapes`, indexed by
        landscape name, with columns ``x``, ``local_minima`` and ``reached_global_pct``.
    x
        The noise measure on the horizontal (log) axis.
    width
        Figure width in inches (at most the book's column, so that no text shrinks).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> kinds = pd.DataFrame({"rank_disagreement": [0.0, 0.01, 0.2], "local_minima": [10, 20, 90],
    ...                       "reached_global_pct": [40.0, 30.0, 2.0]}, index=["baseline", "ptq", "drift-1h"])
    >>> fig = measured_scatter(kinds)
    >>> [len(ax.collections) for ax in fig.axes]
    [2, 2]
    >>> plt.close(fig)
    """
    shown = kinds.drop(index="baseline", errors="ignore")
    fig, axes = plt.subplots(1, 2, figsize=(width, 4.2))
    labels = {"local_minima": "local minima", "reached_global_pct": "% of starts reaching\nthe global minimum"}
    for ax, (column, label) in zip(axes, labels.items()):
        for name, row in shown.iterrows():
            family, _, time = str(name).rpartition("-") if str(name).endswith(tuple(DRIFT_MARKERS)) else (name, "", "")
            marker = DRIFT_MARKERS.get(time, {"ptq": "X", "qat": "P", "noisy": "X"}.get(family, "*"))
            ax.scatter(row[x], row[column], color=MEASURED_FAMILIES.get(family, "0.3"), marker=marker,
                       s=70 if marker == "*" else 40, label=str(name))
        ax.set(xlabel="rank disagreement with\nthe digital model (1 − Spearman)" if x == "rank_disagreement"
               else x.replace("_", " "), ylabel=label, xscale="log")
        if column == "reached_global_pct" and (shown[column] > 0).all():
            ax.set_yscale("log")   # the shares span two orders of magnitude
            ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    handles, names = axes[0].get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0.95 / 4.2, 1, 1))
    fig.legend(handles, names, loc="lower center", ncol=4, bbox_to_anchor=(0.5, 0))
    return fig
