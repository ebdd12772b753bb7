"""The NAS-Bench-201 contest of local search against the other algorithms, over datasets and objectives.

The comparison chapter runs every algorithm on every dataset, once on the denoised objective and
once on the standard one, and reads the results as paired gaps (local search minus each other
algorithm, per trial). This module holds those loops over datasets and objectives and the tables
made from them; :mod:`nascompanion.compare.run` runs one setting.

A contest is keyed by ``(dataset, objective label)``: ``runs[key]`` maps an algorithm to its
best-so-far curves of shape ``(trials, budget)`` (lower is better).

Examples
--------
>>> import numpy as np
>>> runs = {("toy", "denoised"): {"local_search": np.array([[2.0, 1.0], [2.0, 1.0]]),
...                               "random_search": np.array([[2.0, 2.0], [3.0, 2.0]])}}
>>> gaps = paired_gaps_by_setting(runs, 2)
>>> float(gaps[("toy", "denoised")]["difference"].iloc[0])
-1.0
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion import objectives
from nascompanion.compare import run as cmp
from nascompanion.report import verdicts

Runs = Mapping[tuple[str, str], Mapping[str, np.ndarray]]
"""``(dataset, objective label)`` -> algorithm -> curves of shape ``(trials, budget)``."""


def run_contest(benchmark, datasets: Mapping[str, str], standard: tuple[str, float | None], standard_label: str, *,
                budget: int, trials: int, model_trials: int, seed: int = 0, bananas_epochs: int = 150,
                test_datasets: Mapping[str, str] | None = None,
                algorithms: tuple[str, ...] = ("local_search", "random_search", "evolution_requery", "bo"),
                model_algorithms: tuple[str, ...] = ("bananas",)) -> tuple[dict, dict]:
    """Every algorithm on every dataset, denoised and standard, the costly model-based ones on fewer trials.

    Parameters
    ----------
    datasets
        Dataset -> the metric its search sees (``"validation"`` or ``"test"``).
    standard
        ``(version, x)`` of the standard objective: ``("standard", None)`` on per-seed data, else
        ``("noise", 1.0)`` (simulated seed noise).
    standard_label
        The objective label of the standard runs in the returned keys.
    trials, model_trials
        Trials of ``algorithms`` and of ``model_algorithms`` (trial ``t`` is the same landscape for both).
    test_datasets
        Dataset -> the dataset whose test error is reported (default: the dataset itself).

    Returns
    -------
    tuple of dict
        ``runs`` (see :data:`Runs`) and ``settings``: the :class:`~nascompanion.compare.run.Setting`
        of each key at ``trials`` trials.
    """
    if trials < 1 or model_trials < 1:
        raise ValueError(f"trials and model_trials must be >= 1, got {trials!r} and {model_trials!r}")
    runs, settings, modelled = {}, {}, []
    reported = dict(test_datasets or {})
    for dataset, metric in datasets.items():
        for version, x in (("denoised", None), tuple(standard)):
            common = dict(dataset=dataset, version=version, x=x, metric=metric, budget=budget, seed=seed,
                          test_dataset=reported.get(dataset), bananas_epochs=bananas_epochs)
            key = (dataset, "denoised" if version == "denoised" else standard_label)
            runs[key] = cmp.compare(benchmark, cmp.Setting(trials=trials, **common), algorithms=algorithms,
                                    progress=False)
            settings[key] = cmp.Setting(trials=trials, **common)
            modelled.append((key, cmp.Comparison(benchmark, cmp.Setting(trials=model_trials, **common))))
    if model_algorithms:   # every setting's missing blocks at once
        models = cmp.compare_all([c for _, c in modelled], algorithms=model_algorithms, progress=False)
        for (key, _), curves in zip(modelled, models):
            runs[key].update(curves)
    return runs, settings


def summary_by_setting(runs: Runs, budget: int) -> pd.DataFrame:
    """Mean ± standard error after 100, 150 and ``budget`` queries (``budget`` only below 150), every key.

    Examples
    --------
    >>> runs = {("toy", "denoised"): {"random_search": np.array([[3.0, 2.0], [3.0, 1.0]])}}
    >>> summary_by_setting(runs, 2).iloc[0, 0]
    '1.500 ± 0.500'
    """
    at = (100, 150, budget) if budget >= 150 else (budget,)
    tables = [cmp.summary_table(results, at=at).assign(dataset=dataset, objective=objective)
              for (dataset, objective), results in runs.items()]
    return pd.concat(tables).set_index(["dataset", "objective", "algorithm"])


def paired_gaps_by_setting(runs: Runs, budget: int, algorithm: str = "local_search") -> dict:
    """``algorithm`` minus every other algorithm after ``budget`` queries, paired by trial, for every key
    (:func:`~nascompanion.report.verdicts.paired_gaps`, 95 % intervals)."""
    return {key: verdicts.paired_gaps(results, algorithm, budget) for key, results in runs.items()}


def decisive_by_setting(gaps: Mapping) -> dict:
    """The deciding row (:func:`~nascompanion.compare.run.decisive_gap`) of every key's paired gaps."""
    return {key: cmp.decisive_gap(g) for key, g in gaps.items()}


def ranks_by_setting(runs: Runs, budget: int, algorithm: str = "local_search") -> dict:
    """``algorithm``'s rank among all algorithms by mean loss after ``budget`` queries, every key.

    Examples
    --------
    >>> runs = {("toy", "denoised"): {"local_search": np.ones((2, 1)), "random_search": np.zeros((2, 1))}}
    >>> ranks_by_setting(runs, 1)
    {('toy', 'denoised'): 2}
    """
    return {key: cmp.ranks_at(results, budget)[algorithm] for key, results in runs.items()}


def gap_table(gaps: Mapping) -> pd.DataFrame:
    """The paired gaps of every key in one table, indexed by ``"dataset, objective"``, algorithms in words."""
    rows = pd.concat({f"{d}, {o}": g.assign(other=g["other"].map(cmp.LABELS)) for (d, o), g in gaps.items()})
    return rows.droplevel(1).rename_axis("dataset, objective")


def swapped_runs(benchmark, runs: Runs, settings: Mapping, swaps: Mapping[str, tuple[str, str]]) -> dict:
    """The contest with one algorithm replaced by a variant, run on the same trials.

    Parameters
    ----------
    swaps
        Name of the reading -> ``(algorithm of the main setting, the variant that replaces it)``;
        the variant's curves are stored under the main algorithm's name.

    Returns
    -------
    dict
        ``(reading, key)`` -> algorithm -> curves.
    """
    swapped = {}
    for name, (main_name, other) in swaps.items():
        for key, setting in settings.items():
            variant = cmp.compare(benchmark, setting, algorithms=(other,), progress=False)[other]
            swapped[(name, key)] = {k: v for k, v in runs[key].items() if k != main_name} | {main_name: variant}
    return swapped


def readings_table(runs: Runs, decisive: Mapping, swapped: Mapping, swaps: Mapping, budget: int,
                   algorithm: str = "local_search") -> pd.DataFrame:
    """Four readings of "matches or beats" per key: the paired rule, the earlier unpaired rule (within 2
    standard errors of the best other), and the paired rule under each swap of :func:`swapped_runs`;
    the last column names the algorithm that decides the paired rule."""
    table = {}
    for d, o in runs:
        row = {"paired rule (the verdicts)": decisive[(d, o)]["holds"],
               "earlier rule: within 2 s.e. of the best other": verdicts.matches_or_beats(runs[(d, o)], algorithm,
                                                                                          budget)}
        for name in swaps:
            gaps = verdicts.paired_gaps(swapped[(name, (d, o))], algorithm, budget)
            row[f"paired rule, {name} instead"] = verdicts.not_worse_than_any(gaps)
        row["decided by"] = cmp.LABELS[decisive[(d, o)]["other"]]
        table[f"{d}, {o}"] = row
    return pd.DataFrame(table).T.rename_axis("dataset, objective")


def race_table(benchmark, runs: Runs, datasets: Mapping[str, str], budget: int) -> pd.DataFrame:
    """How often and how soon each algorithm finds the optimum, on every dataset whose denoised search
    sees the error it reports (metric ``"test"``), after 100, 150 and ``budget`` queries."""
    at = (100, 150, budget) if budget >= 150 else (budget,)
    race = {d: cmp.found_optimum(runs[(d, "denoised")], float(objectives.denoised_losses(benchmark, d, "test").min()),
                                 at=at)
            for d, metric in datasets.items() if metric == "test"}
    return pd.concat(race).droplevel(1).rename_axis("dataset")


def rerun_table(spread: Mapping) -> pd.DataFrame:
    """The mean final error and its standard error of every rerun of
    :func:`~nascompanion.compare.run.rerun_spread`, one row per rerun (numbered from 1).

    Examples
    --------
    >>> rerun_table({"means": np.array([1.0, 2.0]), "sems": np.array([0.1, 0.2])}).index.tolist()
    [1, 2]
    """
    means = np.asarray(spread["means"])
    return pd.DataFrame({"mean final error": means, "standard error": np.asarray(spread["sems"])},
                        index=pd.RangeIndex(1, means.size + 1, name="rerun"))
