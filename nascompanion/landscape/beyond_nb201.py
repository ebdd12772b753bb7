"""Is the landscape this benign beyond NAS-Bench-201? The analyses of the chapter ``graph_landscapes``.

NAS-Bench-Graph's nine datasets (``load_benchmark("nas-bench-graph")``) are set beside the three
NAS-Bench-201 datasets of the NAS comparison. A :class:`Site` is one of these landscapes: the data,
what its searches see and report, and the space it lives in. For every site the module computes
Table 1's statistics under both tie rules, the same statistics on uniform random losses on each space,
the searches of the comparison, and what one search tells about the landscape (how often local search
finds the global minimum; how far ahead of random search and evolution it finishes).

Examples
--------
>>> from nascompanion.spaces.table import cycle_space
>>> site = Site("toy", "ring", "validation", None, cycle_space(4), None)
>>> table = table1_rows([site], {("toy", "ring"): np.array([0.0, 1.0, 1.0, 2.0])})   # node 2 ties node 1
>>> table.loc[("toy", "ring")].tolist()
[2.0, 1.0, 75.0, 1.5]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from nascompanion.compare.contenders import Setting
from nascompanion.compare.runner import Comparison, compare, compare_all
from nascompanion.landscape.measures_table import Landscape
from nascompanion.landscape.stats import landscape_stats, local_minima
from nascompanion.objectives import denoised_losses
from nascompanion.spaces.table import TableSpace

NB201_DATASETS: Mapping[str, str] = {"cifar10-valid": "validation", "cifar100": "test", "ImageNet16-120": "test"}
"""The NAS comparison's NB201 datasets and the metric each searches (the shipped tables have validation
accuracy only for ``cifar10-valid``)."""

NB201_REPORTED: Mapping[str, str] = {"cifar10-valid": "cifar10"}
"""Where an NB201 search reports another training's test error (the authors' protocol)."""

GRAPH = "NAS-Bench-Graph"
NB201 = "NAS-Bench-201"

MODEL_TRIALS = 25
"""Trials of BANANAS on each NAS-Bench-Graph dataset (one stored block): its predictor, five networks
retrained every ten queries, takes minutes for these 25 trials on two CPU cores, where the other searches
run all 200 trials in seconds."""

SEARCHES = ("local_search", "random_search", "evolution_requery", "bo")
"""The searches run on every trial: the paper's five but BANANAS, with the authors' evolution."""

SIMPLE = ("local_search", "random_search", "evolution_requery")
"""Local search and the two simple searches it is measured against on every landscape."""

TABLE1_COLUMNS = ("local minima (no lower neighbour)", "local minima (lower than all)",
                  "starts reaching the global minimum (%)", "iterations")
"""Columns of :func:`table1_rows`: the two tie rules of a local minimum, the share of starts whose
local search (Algorithm 1, no budget) ends at a global minimum, and the mean neighbourhood evaluations."""


TABLE1_DECIMALS: Mapping[str, int] = {TABLE1_COLUMNS[0]: 0, TABLE1_COLUMNS[1]: 0, TABLE1_COLUMNS[2]: 1,
                                      TABLE1_COLUMNS[3]: 2}
"""Decimals of each column of Table 1 as shown."""


@dataclass(frozen=True)
class Site:
    """One landscape of the chapter: ``family`` and ``dataset`` name it; its searches see ``metric``
    (``"validation"`` or ``"test"``) of ``benchmark`` and report the test error of ``test_dataset``
    (``None``: the dataset's own); ``space`` holds its architectures."""

    family: str
    dataset: str
    metric: str
    benchmark: object
    space: TableSpace
    test_dataset: str | None

    @property
    def key(self) -> tuple[str, str]:
        """``(family, dataset)``, the index of every table of the chapter."""
        return (self.family, self.dataset)

    def losses(self) -> np.ndarray:
        """The searched loss of every architecture: ``100 -`` the mean over seeds of ``metric`` accuracy."""
        return denoised_losses(self.benchmark, self.dataset, self.metric)


def graph_sites(graph) -> list[Site]:
    """One site per NAS-Bench-Graph dataset, searching validation accuracy (seed means) and reporting test."""
    return [Site(GRAPH, name, "validation", graph, graph.space(name), None) for name in graph.datasets]


def nb201_sites(nb201) -> list[Site]:
    """The NAS comparison's three NB201 sites (:data:`NB201_DATASETS`)."""
    space = nb201.space(next(iter(NB201_DATASETS)))
    return [Site(NB201, name, metric, nb201, space, NB201_REPORTED.get(name))
            for name, metric in NB201_DATASETS.items()]


def table1_rows(sites: Sequence[Site], losses: Mapping[tuple[str, str], np.ndarray]) -> pd.DataFrame:
    """Table 1's statistics of every site's loss, both tie rules, indexed by ``(family, landscape)``.

    ``losses`` maps a site's :attr:`~Site.key` to its loss (usually :meth:`Site.losses`).
    """
    rows = {}
    for site in sites:
        loss = losses[site.key]
        stats = landscape_stats(loss, site.space)
        rows[site.key] = [float(stats.local_minima), float(local_minima(loss, site.space, "strict").sum()),
                          stats.reached_global_pct, stats.iterations]
    return _frame(rows)


def _frame(rows: Mapping[tuple[str, str], list[float]]) -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples(list(rows), names=["family", "landscape"])
    return pd.DataFrame(list(rows.values()), index=index, columns=list(TABLE1_COLUMNS))


def random_rows(spaces: Mapping[str, TableSpace], draws: int, rng: np.random.Generator) -> pd.DataFrame:
    """Table 1's statistics on uniform random losses on each space, the mean over ``draws`` draws,
    indexed by ``("random losses", space name)``.

    Examples
    --------
    >>> from nascompanion.spaces.table import hamming_space
    >>> random_rows({"H(3,2)": hamming_space(3, 2)}, 2, np.random.default_rng(0)).shape
    (1, 4)
    """
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws!r}")
    rows = {}
    for name, space in spaces.items():
        sites = [Site("random losses", name, "", None, space, None)]
        frames = [table1_rows(sites, {sites[0].key: rng.random(space.size)}) for _ in range(draws)]
        rows[("random losses", name)] = pd.concat(frames).mean().tolist()
    return _frame(rows)


def degree_table(spaces: Mapping[str, TableSpace]) -> pd.DataFrame:
    """Nodes and the distribution of the number of neighbours of each space.

    Examples
    --------
    >>> from nascompanion.spaces.table import cycle_space
    >>> degree_table({"C5": cycle_space(5)}).loc["C5"].tolist()
    [5.0, 2.0, 2.0, 2.0, 2.0]
    """
    rows = {}
    for name, space in spaces.items():
        degrees = space.degree_of(np.arange(space.size))
        rows[name] = [float(space.size), float(degrees.min()), float(np.median(degrees)), float(degrees.mean()),
                      float(degrees.max())]
    return pd.DataFrame.from_dict(rows, orient="index", columns=["architectures", "fewest neighbours",
                                                                   "median", "mean", "most neighbours"])


def site_losses(sites: Sequence[Site]) -> dict[tuple[str, str], np.ndarray]:
    """Every site's searched loss (:meth:`Site.losses`), by its key."""
    return {site.key: site.losses() for site in sites}


def site_landscapes(sites: Sequence[Site], losses: Mapping[tuple[str, str], np.ndarray]) -> list[Landscape]:
    """The sites as :class:`~nascompanion.landscape.measures_table.Landscape` rows for the measures table."""
    return [Landscape(site.family, site.dataset, f"100 - {site.metric} accuracy (seed means)", losses[site.key],
                      site.space) for site in sites]


def site_setting(site: Site, *, trials: int, budget: int, seed: int, bananas_epochs: int = 150) -> Setting:
    """The comparison's setting of a site: denoised evaluations, the authors' knobs."""
    return Setting(site.dataset, "denoised", metric=site.metric, trials=trials, budget=budget, seed=seed,
                   test_dataset=site.test_dataset, bananas_epochs=bananas_epochs)


def run_searches(sites: Sequence[Site], *, budget: int, trials: int, model_trials: int, seed: int,
                 algorithms: tuple[str, ...], model_algorithms: tuple[str, ...] = (), which: str = "test",
                 bananas_epochs: int = 150, progress: bool = False) -> dict[tuple[str, str], dict[str, np.ndarray]]:
    """Every algorithm on every site, the costly ``model_algorithms`` on the first ``model_trials`` trials.

    Returns ``{site key: {algorithm: best-so-far curves (trials, budget)}}`` of the ``which`` loss; trial
    ``t`` of every algorithm faces the same landscape (common random numbers).
    """
    runs, modelled = {}, []
    for site in sites:
        setting = site_setting(site, trials=trials, budget=budget, seed=seed, bananas_epochs=bananas_epochs)
        runs[site.key] = compare(site.benchmark, setting, algorithms=algorithms, space=site.space, which=which,
                                 progress=progress)
        modelled.append(Comparison(site.benchmark, replace(setting, trials=model_trials), site.space))
    if model_algorithms:   # every site's missing blocks at once
        models = compare_all(modelled, algorithms=model_algorithms, which=which, progress=progress)
        for site, curves in zip(sites, models):
            runs[site.key].update(curves)
    return runs


def found_matrix(sites: Sequence[Site], validation_runs: Mapping[tuple[str, str], Mapping[str, np.ndarray]],
                 losses: Mapping[tuple[str, str], np.ndarray], algorithm: str = "local_search") -> np.ndarray:
    """Whether each trial of ``algorithm`` ended at the global minimum, shape ``(sites, trials)`` (0 or 1).

    ``validation_runs`` are :func:`run_searches` curves of the searched (``which="validation"``) loss.
    """
    return np.stack([np.asarray(validation_runs[s.key][algorithm])[:, -1] <= losses[s.key].min() for s in sites]
                    ).astype(float)


def final_errors(sites: Sequence[Site], runs: Mapping[tuple[str, str], Mapping[str, np.ndarray]],
                 algorithms: tuple[str, ...] = SIMPLE) -> np.ndarray:
    """Final test errors of ``algorithms`` on every site, shape ``(sites, algorithms, trials)``."""
    return np.stack([[np.asarray(runs[s.key][a])[:, -1] for a in algorithms] for s in sites])


def gap_frame(gaps: Mapping[tuple[str, str], pd.DataFrame], labels: Mapping[str, str]) -> pd.DataFrame:
    """Every site's paired gaps in one frame with a ``dataset`` column and the others' labels.

    Examples
    --------
    >>> g = {("f", "d"): pd.DataFrame({"other": ["rs"], "trials": [3], "difference": [-1.0], "low": [-2.0],
    ...                                 "high": [0.0]})}
    >>> gap_frame(g, {"rs": "random search"})[["dataset", "other"]].values.tolist()
    [['d', 'random search']]
    """
    frames = [table.assign(dataset=key[1], other=table["other"].map(lambda o: labels.get(o, o)))
              for key, table in gaps.items()]
    return pd.concat(frames, ignore_index=True)[["dataset", "other", "trials", "difference", "low", "high"]]


def table1_with_random(table1: pd.DataFrame, random_losses: pd.DataFrame) -> pd.DataFrame:
    """Table 1's rows of the sites followed by the random-loss rows."""
    return pd.concat([table1, random_losses])


def table1_values(table1: pd.DataFrame, random_losses: pd.DataFrame, small_basin: float = 10.0) -> dict:
    """The numbers the chapter's prose reads from Table 1: the range of local minima of each family, how
    many NAS-Bench-Graph datasets have a global basin under ``small_basin`` % of starts, the random
    losses' minima on NAS-Bench-Graph's space, and how far the two tie rules part."""
    minima, strict, basin = (table1[c] for c in TABLE1_COLUMNS[:3])
    graph, nb201 = table1.loc[GRAPH], table1.loc[NB201]
    ties = 100 * (graph[TABLE1_COLUMNS[0]].sum() - graph[TABLE1_COLUMNS[1]].sum()) / graph[TABLE1_COLUMNS[0]].sum()
    same = bool((nb201[TABLE1_COLUMNS[0]] == nb201[TABLE1_COLUMNS[1]]).all())
    return {"graph_minima_low": minima.loc[GRAPH].min(), "graph_minima_high": minima.loc[GRAPH].max(),
            "nb201_minima_low": minima.loc[NB201].min(), "nb201_minima_high": minima.loc[NB201].max(),
            "small_basin": small_basin, "graph_small_basins": int((basin.loc[GRAPH] < small_basin).sum()),
            "graph_datasets": len(graph), "graph_strict_low": strict.loc[GRAPH].min(),
            "random_graph_minima": random_losses.loc[("random losses", GRAPH), TABLE1_COLUMNS[0]],
            "tie_share": ties, "nb201_rules_agree": "agree" if same else "differ too"}


MEASURE_COLUMNS: Mapping[str, str] = {
    "metric": "loss", "nodes": "nodes", "non_strict_minima": "minima", "strict_minima": "strict minima",
    "global_basin_share": "basin (%)", "fdc": "FDC", "fdc_rank": "rank FDC", "autocorrelation": "rho(1)",
    "correlation_length": "corr. length"}
"""The measures table's columns as the chapter shows them."""

MEASURE_DECIMALS: Mapping[str, int] = {"minima": 0, "strict minima": 0, "basin (%)": 2, "FDC": 2,
                                       "rank FDC": 2, "rho(1)": 2, "corr. length": 2}
"""Decimals of each shown column."""


def row_label(family: str, landscape: str) -> str:
    """One short name for a row indexed by ``(family, landscape)``: the landscape's own name where it says
    where it comes from, else with its family (random losses; NB201's datasets beside others).

    Examples
    --------
    >>> row_label("NAS-Bench-Graph", "cora"), row_label("random losses", "NAS-Bench-201")
    ('cora', 'random losses, NAS-Bench-201')
    >>> row_label("NAS-Bench-201", "random (uniform losses)"), row_label("NAS-Bench-201", "cifar100")
    ('random losses, NAS-Bench-201', 'cifar100 (NB201)')
    """
    if family == "random losses":
        return f"random losses, {landscape}"
    if landscape.startswith("random"):
        return f"random losses, {family}"
    return f"{landscape} (NB201)" if family == NB201 else landscape


def _labelled(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    labels = [row_label(family, landscape) for family, landscape in frame.index]
    return frame.set_axis(pd.Index(labels, name=name))


def table1_view(table: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as the chapter shows it: one short label a row, local minima as whole numbers."""
    return _labelled(table, "landscape").round({c: 0 for c in TABLE1_COLUMNS[:2]}).astype(
        {c: int for c in TABLE1_COLUMNS[:2]})


def measures_view(measures: pd.DataFrame) -> pd.DataFrame:
    """The measures table as the chapter shows it: one short label a row, short column names, the basin
    share in percent; the loss each row measures and the space's size are said in the prose."""
    shown = {k: v for k, v in MEASURE_COLUMNS.items() if k not in ("metric", "nodes")}
    view = _labelled(measures[list(shown)].rename(columns=shown), "landscape")
    return view.assign(**{"basin (%)": 100 * view["basin (%)"]})


def measure_values(measures: pd.DataFrame) -> dict:
    """The ranges of FDC and correlation length of each family, and where NAS-Bench-Graph's FDC is negative."""
    values = {}
    for family, short in ((GRAPH, "graph"), (NB201, "nb201")):
        rows = measures.loc[family]
        values.update({f"{short}_fdc_low": rows["fdc"].min(), f"{short}_fdc_high": rows["fdc"].max(),
                       f"{short}_length_low": rows["correlation_length"].min(),
                       f"{short}_length_high": rows["correlation_length"].max()})
    negative = [name for name, value in measures.loc[GRAPH, "fdc"].items() if value < 0]
    values["negative_fdc"] = (f"; on {', '.join(negative)} it is negative: there the loss tends to fall with the "
                              "distance from the global minimum" if negative else "")
    return values


def measure_columns(measures: pd.DataFrame, names) -> dict[str, np.ndarray]:
    """``{name: its values in the order of the rows}`` for every measure in ``names``."""
    return {name: measures[name].to_numpy(dtype=float) for name in names}


def fewest_distinct(losses: Mapping[tuple[str, str], np.ndarray], family: str = GRAPH) -> dict:
    """The ``family``'s landscape with the fewest distinct loss values: its name, that count, and its size.

    Examples
    --------
    >>> fewest_distinct({("g", "a"): np.array([1.0, 1.0, 2.0]), ("g", "b"): np.arange(3.0)}, "g")
    {'distinct_dataset': 'a', 'distinct_values': 2, 'distinct_of': 3}
    """
    counts = {key[1]: (np.unique(loss).size, loss.size) for key, loss in losses.items() if key[0] == family}
    name = min(counts, key=lambda k: counts[k][0])
    return {"distinct_dataset": name, "distinct_values": counts[name][0], "distinct_of": counts[name][1]}


def reversal_values(test_gaps: Mapping, validation_gaps: Mapping, other: str = "random_search") -> dict:
    """Where local search ends measurably worse than ``other`` in test error, what its validation error (the
    loss it searches) says: the sentence the chapter glues as ``reversal`` (empty where there is no such
    dataset), and how many such datasets there are.

    Examples
    --------
    >>> def row(d, lo, hi):
    ...     return pd.DataFrame({"other": ["random_search"], "difference": [d], "low": [lo], "high": [hi]})
    >>> test = {("g", "a"): row(1.0, 0.5, 1.5), ("g", "b"): row(-1.0, -1.5, -0.5)}
    >>> val = {("g", "a"): row(-0.2, -0.3, -0.1), ("g", "b"): row(-1.0, -1.5, -0.5)}
    >>> text = reversal_values(test, val)["reversal"]
    >>> text.startswith("On a local search ends measurably worse"), "measurably lower (-0.20 points)" in text
    (True, True)
    """
    parts = []
    for key, table in test_gaps.items():
        test = table[table["other"] == other].iloc[0]
        if test["low"] <= 0:
            continue
        val = validation_gaps[key][validation_gaps[key]["other"] == other].iloc[0]
        side = ("measurably lower" if val["high"] < 0 else "measurably higher" if val["low"] > 0
                else "not measurably different")
        parts.append((key[1], side, float(val["difference"])))
    if not parts:
        return {"reversal": "", "reversals": 0}
    names = ", ".join(name for name, _, _ in parts)
    sides = "; ".join(f"{side} ({difference:+.2f} points)" if len(parts) > 1 else f"{side} ({difference:.2f} points)"
                      for _, side, difference in parts)
    tail = (": it finds architectures that validate better and test worse."
            if all(side == "measurably lower" for _, side, _ in parts) else ".")
    return {"reversal": f"On {names} local search ends measurably worse than {other.replace('_', ' ')} in test error "
                        f"while its validation error, the loss it searches, is {sides}{tail}",
            "reversals": len(parts)}
