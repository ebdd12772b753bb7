"""ANASOD's searches against local search, random search and evolution, per dataset (its Tables 2 and 6).

Every search runs through :func:`nascompanion.compare.run.compare` on the same denoised landscapes.
Two curves are kept per search: the test error of the returned cell (``runs``) and the best
searched error seen (``seen``, the quantity the paper's tables report). This module holds the loops
over datasets and searches, the check that a search's first queries do not depend on its budget,
Table 2 beside the paper's, and the $z$ statistics the claims are judged on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.compare import run as cmp
from nascompanion.report import stats
from nascompanion.search import registry

BASELINES: tuple[str, ...] = ("local_search", "random_search", "evolution")
"""The book's searches the ANASOD searches are compared with."""


def _setting(source: tuple, **kwargs) -> cmp.Setting:
    _, dataset, metric = source
    return cmp.Setting(dataset, "denoised", metric=metric, **kwargs)


def baseline_runs(sources: Mapping[str, tuple], names: list[str], *, trials: int, budget: int, seed: int = 0) -> dict:
    """The baselines' test error of the returned cell: dataset -> search label -> curves."""
    runs = {}
    for name in names:
        base = cmp.compare(sources[name][0], _setting(sources[name], trials=trials, budget=budget, seed=seed),
                           progress=False, algorithms=BASELINES)
        runs[name] = {cmp.LABELS[a]: c for a, c in base.items()}
    return runs


def anasod_runs(sources: Mapping[str, tuple], names: list[str], runs: dict, *, searches: tuple[str, ...],
                trials: int, bo_trials: int, budget: int, bo_budget: int, seed: int = 0) -> dict:
    """Every ANASOD search on every dataset; ``anasod_bo`` with ``bo_trials`` and ``bo_budget``.

    Adds each search's test error of the returned cell to ``runs`` (in place) and returns its best
    searched error seen: dataset -> search label -> curves.
    """
    seen = {name: {} for name in names}
    for name in names:
        for method in searches:
            bo = method == "anasod_bo"
            setting = _setting(sources[name], seed=seed, trials=bo_trials if bo else trials,
                               budget=bo_budget if bo else budget)
            label = registry.get(method).label
            runs[name][label] = cmp.compare(sources[name][0], setting, algorithms=(method,), progress=False)[method]
            seen[name][label] = cmp.compare(sources[name][0], setting, algorithms=(method,), progress=False,
                                            which="validation")[method]
    return seen


def add_searched_baselines(sources: Mapping[str, tuple], names: list[str], seen: dict, *, trials: int, budget: int,
                           seed: int = 0) -> None:
    """Add the baselines' best searched error seen to ``seen`` (in place)."""
    for name in names:
        setting = _setting(sources[name], trials=trials, budget=budget, seed=seed)
        searched = cmp.compare(sources[name][0], setting, algorithms=BASELINES, progress=False, which="validation")
        seen[name].update({cmp.LABELS[a]: c for a, c in searched.items()})


def budget_prefix_check(sources: Mapping[str, tuple], names: list[str], searches: tuple[str, ...], *, trials: int,
                        budget: int, short_budget: int, seed: int = 0) -> pd.DataFrame:
    """Whether each search's first ``short_budget`` queries are the same in a run with ``budget``
    and a run with ``short_budget`` (fresh runs, not cached): search label by dataset, booleans."""
    prefix = {}
    for name in names:
        probe = _setting(sources[name], trials=trials, budget=budget, seed=seed)
        for a in searches:
            full, short = (cmp.compare(sources[name][0], s_, algorithms=(a,), use_cache=False, progress=False,
                                       which="validation")[a]
                           for s_ in (probe, replace(probe, budget=short_budget)))
            prefix[cmp.LABELS[a], name] = bool(np.array_equal(full[:, :short_budget], short))
    return pd.Series(prefix).unstack()


def budget_free(prefix: pd.DataFrame) -> list[str]:
    """The searches whose first queries agree at both budgets on every dataset.

    Examples
    --------
    >>> budget_free(pd.DataFrame({"a": [True, False]}, index=["rs", "brs"]))
    ['rs']
    """
    return [a for a, row in prefix.iterrows() if row.all()]


def row_budgets(table_budgets: Mapping[str, int], paper_bo_budget: int, budget: int, bo_budget: int) -> dict:
    """The query each Table 2 row is read at: ``bo_budget`` for the rows the paper reports at its BO
    budget, else ``budget``.

    Examples
    --------
    >>> row_budgets({"RS": 300, "RE": 150}, 150, 60, 30)
    {'RS': 60, 'RE': 30}
    """
    return {label: bo_budget if q == paper_bo_budget else budget for label, q in table_budgets.items()}


def table2(runs: Mapping, seen: Mapping, printed: Mapping[str, tuple], row_at: Mapping[str, int]) -> pd.DataFrame:
    """Table 2 beside the paper's, indexed by dataset and method: the best error seen (mean ± s.e.) and
    its difference to the paper's, and the test error of the returned cell."""
    rows = []
    for label, paper_row in printed.items():
        for name, p in zip(runs, paper_row):
            v, low = runs[name][label][:, row_at[label] - 1], seen[name][label][:, row_at[label] - 1]
            rows.append({"method": label, "data": name, "after queries": row_at[label], "paper": p,
                         "ours: best error seen": f"{low.mean():.2f} ± {stats.sem(low):.2f}",
                         "trials (best seen)": low.size, "difference": round(low.mean() - p, 2),
                         "ours: test error of the returned cell, searched training":
                             f"{v.mean():.2f} ± {stats.sem(v):.2f}",
                         "trials (returned cell)": v.size})
    return pd.DataFrame(rows).set_index(["data", "method"]).sort_index(level=0, sort_remaining=False)


def returned_cell_gaps(runs: Mapping, printed: Mapping[str, tuple], row_at: Mapping[str, int]) -> dict:
    """|mean test error of the returned cell - the paper's value| per (dataset, method)."""
    return {(n, label): abs(runs[n][label][:, row_at[label] - 1].mean() - p)
            for label, paper_row in printed.items() for n, p in zip(runs, paper_row)}


def z_statistics(runs: Mapping, at: int, bo_budget: int) -> dict:
    """The $z$ of every comparison the claims judge (:func:`~nascompanion.report.stats.z_difference`).

    Returns
    -------
    dict
        ``"rs"``, ``"biased"``, ``"ls"``: per dataset at the end (ANASOD-RS and biased RS against
        random search, ANASOD-LS against local search); ``"early"``: ANASOD-LS against local search
        after ``at`` queries; ``"bo"``: (dataset, method) -> ANASOD-BO at its end against every
        other method at query ``bo_budget``.
    """
    z = stats.z_difference
    final = {name: {label: c[:, -1] for label, c in results.items()} for name, results in runs.items()}
    return {"rs": [z(f["ANASOD-RS"], f["random search"]) for f in final.values()],
            "biased": [z(f["ANASOD-biasedRS"], f["random search"]) for f in final.values()],
            "ls": [z(f["ANASOD-LS"], f["local search"]) for f in final.values()],
            "early": [z(r["ANASOD-LS"][:, at - 1], r["local search"][:, at - 1]) for r in runs.values()],
            "bo": {(n, k): z(r["ANASOD-BO"][:, -1], c[:, bo_budget - 1]) for n, r in runs.items()
                   for k, c in r.items() if k != "ANASOD-BO"}}


def z_table(runs: Mapping, at: int) -> pd.DataFrame:
    """Per dataset, ANASOD-LS against local search after ``at`` queries and ANASOD-RS against random
    search at the end, in standard errors of the difference."""
    z = stats.z_difference
    return pd.DataFrame({
        f"z(ANASOD-LS - local search) after {at} queries":
        {name: z(r["ANASOD-LS"][:, at - 1], r["local search"][:, at - 1]) for name, r in runs.items()},
        "z(ANASOD-RS - random search) at the end":
        {name: z(r["ANASOD-RS"][:, -1], r["random search"][:, -1]) for name, r in runs.items()}}).rename_axis("data")
