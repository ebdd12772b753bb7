"""How noise reshapes the landscape: Table 1 and the noise sweep (paper, Sec. 4).

The paper's claim: as evaluation noise grows, local minima multiply and the
basin of the global minimum shrinks. Here the loss is
``denoised + x * sigma * z`` with ``z ~ N(0, 1)`` per architecture (the
``noise(x)`` objective of :mod:`nascompanion.objectives`), and the statistics of
:func:`~nascompanion.landscape.landscape_stats` are computed for many draws of
``z`` at once, by stacking the draws into one block-diagonal graph.

Every draw ``z`` is shared across the values of ``x`` (common random numbers),
so each draw traces a smooth curve in ``x`` and differences between ``x``
values are not blurred by independent noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from nascompanion import objectives
from nascompanion.landscape import converge, landscape_stats, ls_map, search_tree_sizes
from nascompanion.report.paper import PAPER_TABLE1  # Table 1 as printed; kept importable from here
from nascompanion.spaces import nb201
from nascompanion.spaces.table import TableSpace, as_neighbour_table

STATISTICS: tuple[str, ...] = (
    "local_minima",
    "reached_global_pct",
    "iterations",
    "global_basin_size",
    "reached_true_best_pct",
)
"""Per-draw statistics a sweep records (see :func:`batched_stats`)."""

TABLE1_STATISTICS: tuple[str, ...] = ("iterations", "local_minima", "reached_global_pct")
"""The statistics of the paper's Table 1, in its order (columns of :func:`one_seed_draws`)."""


def batched_stats(losses: np.ndarray, neighbours: TableSpace | np.ndarray, true_best: np.ndarray | None = None) -> dict:
    """Table 1 statistics of several landscapes on the same graph at once.

    Parameters
    ----------
    losses
        Shape ``(b, n)``: one loss vector per landscape.
    neighbours
        Neighbour table ``(n, s)`` shared by all landscapes.
    true_best
        Nodes counted as "the true best" for ``reached_true_best_pct``
        (e.g. the denoised optimum); default: each landscape's own global minima.

    Returns
    -------
    dict
        Arrays of shape ``(b,)`` for every name in :data:`STATISTICS`; the same
        numbers :func:`~nascompanion.landscape.landscape_stats` gives per landscape.

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 1]])
    >>> batched_stats(np.array([[3.0, 2.0, 1.0], [1.0, 2.0, 1.0]]), path)["local_minima"].tolist()
    [1, 2]
    """
    losses = np.atleast_2d(np.asarray(losses, dtype=float))
    b, n = losses.shape
    neighbours = as_neighbour_table(neighbours)
    if neighbours.shape[0] != n:
        raise ValueError(f"losses have {n} nodes per landscape but the neighbour table has {neighbours.shape[0]} rows")
    offsets = (np.arange(b, dtype=neighbours.dtype) * n)[:, None, None]
    big = (neighbours[None] + offsets).reshape(b * n, -1)
    flat = losses.ravel()
    nxt = ls_map(flat, big)
    star, steps = converge(nxt)
    local = (star.reshape(b, n) % n)
    is_min = (nxt == np.arange(b * n)).reshape(b, n)
    row_min = losses.min(axis=1, keepdims=True)
    reached = flat[star].reshape(b, n) == row_min
    if true_best is None:
        at_true_best = reached
    else:
        at_true_best = np.isin(local, np.asarray(true_best))
    return {
        "local_minima": is_min.sum(axis=1),
        "reached_global_pct": 100.0 * reached.mean(axis=1),
        "iterations": (steps.reshape(b, n) + 1).mean(axis=1),
        "global_basin_size": reached.sum(axis=1),
        "reached_true_best_pct": 100.0 * at_true_best.mean(axis=1),
    }


@dataclass(frozen=True)
class SweepResult:
    """Landscape statistics of ``denoised + x * sigma * z`` for every ``x`` and every draw ``z``.

    Attributes
    ----------
    xs
        Noise multipliers, shape ``(k,)``.
    stats
        ``{name: array (k, draws)}`` for every name in :data:`STATISTICS`.
    sigma
        The seed-noise standard deviation used (loss units).
    label
        What was swept (dataset, metric, where sigma came from), for captions.
    """

    xs: np.ndarray
    stats: Mapping[str, np.ndarray]
    sigma: float
    label: str = ""

    @property
    def draws(self) -> int:
        """Number of noise draws per ``x``."""
        return int(next(iter(self.stats.values())).shape[1])

    def summary(self) -> pd.DataFrame:
        """One row per ``x``: mean and standard deviation over draws of every statistic."""
        columns = {"x": self.xs}
        for name in STATISTICS:
            columns[f"{name}_mean"] = self.stats[name].mean(axis=1)
            columns[f"{name}_sd"] = self.stats[name].std(axis=1, ddof=1) if self.draws > 1 else 0.0
        return pd.DataFrame(columns)

    def take(self, columns) -> "SweepResult":
        """The sweep restricted to the draws ``columns`` (repeats allowed: a bootstrap resample of the draws).

        Examples
        --------
        >>> res = SweepResult(np.array([0.0]), {"local_minima": np.array([[1.0, 2.0, 4.0]])}, 1.0)
        >>> res.take([2, 2]).stats["local_minima"].tolist()
        [[4.0, 4.0]]
        """
        columns = np.asarray(columns, dtype=np.int64)
        return SweepResult(self.xs, {name: values[:, columns] for name, values in self.stats.items()}, self.sigma,
                           self.label)

    def x_at(self, statistic: str, target: float) -> float:
        """The smallest ``x`` at which the mean of ``statistic`` over draws crosses ``target``.

        Linear interpolation between the two grid points around the first
        crossing; NaN when the mean curve never reaches ``target`` on the grid.
        """
        mean = self.stats[statistic].mean(axis=1)
        for i in range(mean.size - 1):
            lo, hi = mean[i] - target, mean[i + 1] - target
            if lo == 0:
                return float(self.xs[i])
            if lo * hi < 0 or hi == 0:
                return float(self.xs[i] + (self.xs[i + 1] - self.xs[i]) * lo / (lo - hi))
        return float(self.xs[-1]) if mean[-1] == target else float("nan")


def noise_sweep(
    base: np.ndarray,
    sigma: float,
    neighbours: TableSpace | np.ndarray,
    xs,
    draws: int,
    rng: np.random.Generator,
    batch: int = 8,
    label: str = "",
) -> SweepResult:
    """Landscape statistics of ``base + x * sigma * z`` for every ``x`` in ``xs`` and ``draws`` draws of ``z``.

    Parameters
    ----------
    base
        Denoised loss of every node, shape ``(n,)``.
    sigma
        Standard deviation of one evaluation's noise (loss units), ``> 0``.
    neighbours
        A :class:`~nascompanion.spaces.TableSpace` or its neighbour table ``(n, s)``.
    xs
        Noise multipliers (``>= 0``; 0 is the denoised landscape, 1 one seed).
    draws
        Number of independent noise vectors ``z`` (shared across ``xs``).
    rng
        Source of the draws.
    batch
        How many landscapes are stacked into one vectorised call.
    label
        Caption text stored in the result.

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])
    >>> res = noise_sweep(np.arange(4.0), 1.0, path, [0.0], draws=2, rng=np.random.default_rng(0))
    >>> res.stats["local_minima"].tolist()
    [[1.0, 1.0]]
    """
    base = np.asarray(base, dtype=float)
    xs = _checked_sweep(xs, sigma, draws, rng)
    true_best = np.flatnonzero(base == base.min())
    z = rng.standard_normal((draws, base.shape[0]))
    out = {name: np.zeros((xs.size, draws)) for name in STATISTICS}
    for i, x in enumerate(xs):
        for start in range(0, draws, batch):
            chunk = base[None, :] + (x * sigma) * z[start : start + batch]
            res = batched_stats(chunk, neighbours, true_best)
            for name in STATISTICS:
                out[name][i, start : start + batch] = res[name]
    return SweepResult(xs=xs, stats=out, sigma=float(sigma), label=label)


def _checked_sweep(xs, sigma: float, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``xs`` as an array, once it and the other settings of :func:`noise_sweep` are known good."""
    xs = np.asarray(xs, dtype=float)
    if xs.ndim != 1 or xs.size == 0 or (xs < 0).any() or not np.isfinite(xs).all():
        raise ValueError(f"xs must be a non-empty list of finite noise multipliers >= 0, got {xs!r}")
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a positive number, got {sigma!r}")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"draws must be a positive integer, got {draws!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    return xs


def random_draws(n: int, neighbours: TableSpace | np.ndarray, draws: int, rng: np.random.Generator, batch: int = 8) -> dict:
    """Statistics of ``draws`` fully random landscapes (uniform [0, 1] losses): arrays ``(draws,)``."""
    out = {name: np.zeros(draws) for name in STATISTICS}
    for start in range(0, draws, batch):
        size = min(batch, draws - start)
        res = batched_stats(rng.uniform(0.0, 1.0, size=(size, n)), neighbours)
        for name in STATISTICS:
            out[name][start : start + size] = res[name]
    return out


def landscape_table(base: np.ndarray, sigma: float, neighbours: TableSpace | np.ndarray, draws: int,
                    rng: np.random.Generator, x: float = 1.0, paper: Mapping | None = PAPER_TABLE1,
                    include_random: bool = True, return_draws: bool = False):
    """Table 1: denoised, simulated standard (``noise(x)``), and random, beside the paper's values.

    Parameters
    ----------
    base, sigma, neighbours
        As in :func:`noise_sweep`.
    draws
        Draws for the random rows (mean and standard deviation over draws).
    x
        Noise multiplier that stands in for the paper's "standard" version.
    paper
        Reference values by version; ``None`` leaves the paper columns out.
    include_random
        False leaves out the random row (it depends only on the graph).
    return_draws
        True also returns the per-draw statistics behind the random rows.

    Returns
    -------
    pandas.DataFrame
        Index: (version, statistic); columns ``ours``, ``ours_sd`` (over draws;
        0 for denoised), and with ``paper``: ``paper`` and ``difference`` (ours - paper).
    dict
        Only with ``return_draws``: ``{version: {statistic: array (draws,)}}`` for the
        ``"standard"`` and (if included) ``"random"`` versions; the frame's rows are their
        means and standard deviations.

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])
    >>> t, per_draw = landscape_table(np.arange(4.0), 0.1, path, 3, np.random.default_rng(0), paper=None,
    ...                               return_draws=True)
    >>> float(t.loc[("denoised", "local_minima"), "ours"]), per_draw["random"]["local_minima"].shape
    (1.0, (3,))
    """
    rows = {}
    denoised = landscape_stats(base, neighbours)
    for name in TABLE1_STATISTICS:
        rows[("denoised", name)] = (float(denoised[name]), 0.0)
    noisy = noise_sweep(base, sigma, neighbours, [x], draws, rng).stats
    versions = [("standard", {k: v[0] for k, v in noisy.items()})]
    if include_random:
        versions.append(("random", random_draws(base.shape[0], neighbours, draws, rng)))
    for version, stats in versions:
        rows |= _draw_rows(version, stats, draws)
    frame = _table1_frame(rows, paper)
    return (frame, dict(versions)) if return_draws else frame


def random_search_trees(n: int, neighbours: TableSpace | np.ndarray, roots: int, draws: int,
                        rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Figure 4.1's random panel over many draws: the search trees of the ``roots`` lowest cells.

    Parameters
    ----------
    n
        Number of cells.
    neighbours
        Neighbour table ``(n, s)``.
    roots
        How many of the lowest cells of each random landscape are marked (the paper: six).
    draws
        Number of random landscapes (uniform [0, 1] losses).
    rng
        Source of the landscapes.

    Returns
    -------
    dict
        ``"basins"`` and ``"own"`` of shape ``(draws,)`` and ``"own_each"`` of shape
        ``(draws, roots)`` (lowest cell first), as in :func:`~nascompanion.landscape.search_tree_sizes`.

    Examples
    --------
    >>> path = np.array([[1, 1], [0, 2], [1, 3], [2, 2]])
    >>> trees = random_search_trees(4, path, 1, 5, np.random.default_rng(0))
    >>> bool((trees["own"] == trees["basins"]).all())  # the lowest cell is the global minimum
    True
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"draws must be a positive integer, got {draws!r}")
    out = {"basins": np.zeros(draws, dtype=np.int64), "own": np.zeros(draws, dtype=np.int64),
           "own_each": np.zeros((draws, roots), dtype=np.int64)}
    for d in range(draws):
        losses = rng.uniform(0.0, 1.0, size=n)
        sizes = search_tree_sizes(ls_map(losses, neighbours), np.argsort(losses, kind="stable")[:roots])
        for name in out:
            out[name][d] = sizes[name]
    return out


def _draw_rows(version: str, stats: Mapping[str, np.ndarray], draws: int) -> dict:
    """Table 1 rows of ``version``: mean and standard deviation over draws of each statistic."""
    return {(version, name): (float(stats[name].mean()), float(stats[name].std(ddof=1)) if draws > 1 else 0.0)
            for name in TABLE1_STATISTICS}


def _table1_frame(rows: dict, paper: Mapping | None, paper_version: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The rows as :func:`landscape_table`'s frame; ``paper_version`` maps a version to the paper's row it stands for."""
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["ours", "ours_sd"])
    table.index = pd.MultiIndex.from_tuples(table.index, names=["version", "statistic"])
    if paper is not None:
        table.insert(0, "paper", [paper[(paper_version or {}).get(v, v)][s] for v, s in table.index])
        table["difference"] = table["ours"] - table["paper"]
    return table


def _one_seed_stats(benchmark, dataset: str, metric: str, neighbours: TableSpace | np.ndarray, draws: int,
                    rng: np.random.Generator, batch: int) -> list[dict]:
    """:func:`batched_stats` of ``draws`` one-seed landscapes (each cell one of its seeds), ``batch`` at a time."""
    losses = objectives.trial_losses(benchmark, dataset, "standard", draws, rng, metric=metric).validation
    return [batched_stats(losses[start:start + batch], neighbours) for start in range(0, draws, batch)]


def standard_table(benchmark, dataset: str, metric: str, neighbours: TableSpace | np.ndarray, draws: int,
                   rng: np.random.Generator, paper: Mapping | None = PAPER_TABLE1, batch: int = 8) -> pd.DataFrame:
    """Table 1's standard row measured on per-seed data: every draw gives each cell one of its real seeds.

    The rows have the layout of :func:`landscape_table` (version ``"standard (one seed)"``),
    so the two concatenate. Needs per-seed data (``objectives.require_seeds``).
    """
    parts = _one_seed_stats(benchmark, dataset, metric, neighbours, draws, rng, batch)
    stats = {name: np.concatenate([part[name] for part in parts]).astype(float) for name in STATISTICS}
    version = "standard (one seed)"
    return _table1_frame(_draw_rows(version, stats, draws), paper, {version: "standard"})


def one_seed_draws(benchmark, dataset: str, draws: int, rng: np.random.Generator, batch: int = 8) -> pd.DataFrame:
    """Table 1 statistics of the one-seed (``standard``) landscape, for independent seed draws.

    In each draw every cell gets one of its own training seeds, chosen uniformly
    (:func:`nascompanion.objectives.trial_losses` with version ``"standard"``), and
    local search is started from every cell of that landscape, as in the paper's
    Table 1 (Sec. 4, "Local minima statistics"). One draw is one reading of the
    standard row; the spread over draws says how much that reading depends on
    which seeds were drawn.

    Parameters
    ----------
    benchmark
        Per-seed data on NB201's cells (e.g. :func:`nascompanion.data.digits.load_digits_benchmark`).
    dataset
        Its dataset, e.g. ``"digits-noisy"``; its validation accuracy is searched.
    draws
        Independent seed draws, at least 1.
    rng
        Source of the draws.
    batch
        Landscapes whose statistics are computed together (memory grows with it).

    Returns
    -------
    pandas.DataFrame
        One row per draw, columns :data:`TABLE1_STATISTICS` (mean iterations of
        local search, number of local minima, % of starts reaching the global minimum).

    Raises
    ------
    ValueError
        If ``draws`` or ``batch`` is below 1.
    nascompanion.objectives.ObjectiveUnavailableError
        If ``dataset`` holds means of seeds only.

    Examples
    --------
    >>> from nascompanion.data.digits import load_digits_benchmark
    >>> table = one_seed_draws(load_digits_benchmark(), "digits-noisy", 2, np.random.default_rng(0))
    >>> table.shape, list(table.columns) == list(TABLE1_STATISTICS)
    ((2, 3), True)
    """
    if draws < 1 or batch < 1:
        raise ValueError(f"need draws >= 1 and batch >= 1, got draws={draws!r}, batch={batch!r}")
    parts = _one_seed_stats(benchmark, dataset, "validation", nb201.neighbour_table(), draws, rng, batch)
    return pd.DataFrame({name: np.concatenate([part[name] for part in parts]) for name in TABLE1_STATISTICS})


@dataclass(frozen=True)
class LandscapeInputs:
    """What the landscape chapters need about one dataset, and what stands in for what.

    Attributes
    ----------
    dataset, metric
        The dataset and the metric its loss uses (``"validation"`` or, where
        the data has none, ``"test"`` as a stand-in).
    base
        Denoised loss, ``100 - mean accuracy`` over seeds, shape ``(15625,)``.
    test
        Denoised test loss, shape ``(15625,)``.
    sigma
        Seed-to-seed standard deviation used for ``noise(x)``.
    note
        Where ``metric`` and ``sigma`` come from, in words.
    """

    dataset: str
    metric: str
    base: np.ndarray
    test: np.ndarray
    sigma: float
    note: str


def landscape_inputs(benchmark, dataset: str, fallback_sigma_from: str = "cifar10-valid",
                     estimate: str = "auto") -> LandscapeInputs:
    """Loss vectors and noise scale for ``dataset``, using stand-ins where the data lacks something.

    The metric is validation where the benchmark has it, else test. Sigma is the
    benchmark's seed-noise estimate for ``dataset`` of kind ``estimate`` (see
    :func:`nascompanion.objectives.seed_noise`); a dataset without one borrows
    ``fallback_sigma_from``'s (stated in ``note``).
    """
    metric = objectives.searched_metric(benchmark, dataset)
    notes = [f"{metric} accuracy" + ("" if metric == "validation" else " (stand-in: no validation accuracy here)")]
    try:
        noise = objectives.seed_noise(benchmark, dataset, estimate)
        notes.append(f"sigma from this dataset ({estimate})")
    except objectives.ObjectiveUnavailableError:
        noise = objectives.seed_noise(benchmark, fallback_sigma_from, estimate)
        notes.append(f"sigma borrowed from {fallback_sigma_from} ({estimate}; no such estimate for {dataset})")
    return LandscapeInputs(
        dataset=dataset,
        metric=metric,
        base=objectives.denoised_losses(benchmark, dataset, metric),
        test=objectives.denoised_losses(benchmark, dataset, "test"),
        sigma=float(noise.sigma),
        note="; ".join(notes),
    )


def measured_landscapes(
    accuracies: Mapping[str, np.ndarray], neighbours: TableSpace | np.ndarray, reference: str, chance: float | None = None
) -> pd.DataFrame:
    """Table 1 of several measured accuracy landscapes on one graph, each beside its deviation from ``reference``.

    Where :func:`landscape_table` adds simulated noise, this takes landscapes whose noise
    was measured (e.g. the same cells quantised, on analog hardware, after drift).

    Parameters
    ----------
    accuracies
        ``{name: accuracy (%) of every node}``; the loss is ``100 - accuracy``.
    neighbours
        Neighbour table of the graph.
    reference
        Name of the landscape the others are noisy versions of (e.g. the digital model).
    chance
        Accuracy of a collapsed model (10 on CIFAR-10); minima at it are counted apart.

    Returns
    -------
    pandas.DataFrame
        One row per name: ``iterations``, ``local_minima``, ``minima_at_chance``,
        ``reached_global_pct`` (starts reaching the landscape's own best cell),
        ``reached_reference_best_pct`` (starts reaching the reference's best cell),
        ``rms_deviation`` (root mean square of ``accuracy - reference`` over all nodes) and
        ``rank_disagreement`` (1 - Spearman's rank correlation with the reference). Local
        search sees only the order of the losses, so a uniform shift of every accuracy
        changes ``rms_deviation`` but neither the landscape nor ``rank_disagreement``.

    Examples
    --------
    >>> cycle = np.array([[1, 3], [0, 2], [1, 3], [2, 0]])
    >>> table = measured_landscapes({"clean": np.array([90., 80, 70, 80]), "noisy": np.array([90., 70, 80, 80])},
    ...                             cycle, "clean")
    >>> table.loc["noisy", ["local_minima", "reached_reference_best_pct", "rms_deviation"]].tolist()
    [2.0, 75.0, 7.0710678118654755]
    >>> round(float(table.loc["noisy", "rank_disagreement"]), 6)
    0.5
    """
    if reference not in accuracies:
        raise ValueError(f"reference {reference!r} is not one of the landscapes: {', '.join(accuracies)}")
    base = np.asarray(accuracies[reference], dtype=float)
    best = np.flatnonzero(base == base.max())
    rows = {}
    for name, values in accuracies.items():
        values = np.asarray(values, dtype=float)
        if values.shape != base.shape:
            raise ValueError(f"landscape {name!r} has shape {values.shape}, the reference {base.shape}")
        rows[name] = _measured_row(values, base, best, neighbours, chance)
    return pd.DataFrame.from_dict(rows, orient="index")


def _measured_row(values: np.ndarray, base: np.ndarray, best: np.ndarray, neighbours: TableSpace | np.ndarray,
                  chance: float | None) -> dict[str, float]:
    """One row of :func:`measured_landscapes`: the landscape ``values`` against the reference ``base``."""
    stats = landscape_stats(100.0 - values, neighbours)
    at_chance = int(np.count_nonzero(values[stats.minima] == chance)) if chance is not None else 0
    return {
        "iterations": float(stats.iterations),
        "local_minima": float(stats.local_minima),
        "minima_at_chance": float(at_chance),
        "reached_global_pct": float(stats.reached_global_pct),
        "reached_reference_best_pct": float(np.isin(stats.ls_star, best).mean() * 100),
        "rms_deviation": float(np.sqrt(np.mean((values - base) ** 2))),
        "rank_disagreement": float(1.0 - spearmanr(values, base).statistic),
    }
