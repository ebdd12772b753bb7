"""Local search against the others on every measured landscape of AnalogNAS-Bench (the chapter real_noise).

Each landscape is searched by the comparison's algorithms (:func:`nascompanion.compare.run.compare`,
the denoised objective, searched and reported on its test accuracy); the race is won by reaching the
landscape's best cell. :func:`race_gaps` relates local search's gap to the better of random search and
an evolution to the landscapes' noise, with :func:`~nascompanion.landscape.real_intervals.race_bootstrap`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from nascompanion.landscape.real_intervals import race_bootstrap
from nascompanion.report.stats import Interval

EVOLUTIONS = ("evolution", "evolution_requery")
"""The two evolutions local search is raced against: the book's and the authors'."""


def run_race(benchmark, accuracy: Mapping[str, np.ndarray], algorithms: Sequence[str], trials: int, budget: int,
             seed: int) -> dict[str, dict[str, np.ndarray]]:
    """Every algorithm on every landscape ``analog-<name>`` of ``accuracy``: final-error curves by landscape.

    Parameters
    ----------
    benchmark
        The AnalogNAS-Bench benchmark.
    accuracy
        ``{landscape name: test accuracy}``; only the names are used here.
    algorithms, trials, budget, seed
        As :class:`nascompanion.compare.run.Setting` and :func:`~nascompanion.compare.run.compare` take them.

    Returns
    -------
    dict
        ``{landscape: {algorithm: curves (trials, budget)}}``.
    """
    from nascompanion.compare import run as cmp  # loads torch (through the search registry): only the race needs it

    comparisons = [cmp.Comparison(benchmark, cmp.Setting(dataset=f"analog-{name}", version="denoised", metric="test",
                                                         trials=trials, budget=budget, seed=seed))
                   for name in accuracy]   # every landscape's missing stored blocks at once
    return dict(zip(accuracy, cmp.compare_all(comparisons, algorithms=tuple(algorithms), progress=False)))


def found_table(race: Mapping[str, Mapping[str, np.ndarray]], accuracy: Mapping[str, np.ndarray],
                budget: int) -> pd.DataFrame:
    """Share of trials of each algorithm (columns, by label) that found each landscape's best cell by ``budget``."""
    from nascompanion.compare import run as cmp  # loads torch (through the search registry): only the race needs it

    return pd.DataFrame({name: cmp.found_optimum(r, float(100.0 - accuracy[name].max()), at=(budget,))
                         .set_index("algorithm")[f"found by {budget}"] for name, r in race.items()}).T


def race_gaps(race: Mapping[str, Mapping[str, np.ndarray]], noise: pd.Series, rng: np.random.Generator,
              level: float, resamples: int) -> tuple[pd.DataFrame, dict[str, Interval]]:
    """Final errors, local search's gap to the better of random search and each evolution, and the
    correlation of that gap with the landscapes' noise (two-stage bootstrap, one evolution after the other).

    Parameters
    ----------
    race
        :func:`run_race`'s result, with ``local_search``, ``random_search`` and both :data:`EVOLUTIONS`.
    noise
        The noise measure of every landscape (indexed by name).
    rng
        Source of the bootstrap resamples (the book's evolution first, then the authors').
    level, resamples
        Coverage and number of resamples.

    Returns
    -------
    finals, rho_gap
        One row per landscape: each algorithm's mean final error, ``gap, <evolution>`` and the noise;
        ``{evolution: correlation with its interval}``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> race = {f"l{k}": {a: rng.normal(5.0 + (k if a == "local_search" else 0), 0.1, (10, 3))
    ...                   for a in ("local_search", "random_search", *EVOLUTIONS)} for k in range(5)}
    >>> noise = pd.Series(np.arange(5.0), index=list(race))
    >>> finals, rho = race_gaps(race, noise, np.random.default_rng(1), 0.9, 200)
    >>> round(rho["evolution"].estimate, 2), list(finals.columns)[-1]
    (1.0, 'rank_disagreement')
    """
    finals = pd.DataFrame({name: {a: float(c[:, -1].mean()) for a, c in r.items()} for name, r in race.items()}).T
    rho_gap = {}
    for evo in EVOLUTIONS:
        finals[f"gap, {evo}"] = finals["local_search"] - finals[["random_search", evo]].min(axis=1)
        per_trial = np.stack([[race[name][a][:, -1] for a in ("local_search", "random_search", evo)]
                              for name in race])
        rho_gap[evo] = race_bootstrap(noise.loc[list(race)], per_trial, rng, level, resamples)
    finals["rank_disagreement"] = noise
    return finals, rho_gap


def race_values(found: pd.DataFrame, rho_gap: Mapping[str, Interval]) -> dict[str, float]:
    """The race's numbers the prose quotes: local search's share of finds, and each gap correlation.

    Examples
    --------
    >>> found = pd.DataFrame({"local search": [0.5, 0.9]})
    >>> race_values(found, {"evolution": Interval(-0.6, -0.8, -0.2)})["rho_gap_evolution_low"]
    -0.8
    """
    values = {"ls_found_min": float(found["local search"].min()), "ls_found_max": float(found["local search"].max()),
              "n_race": len(found)}
    for evo, i in rho_gap.items():
        values |= {f"rho_gap_{evo}": i.estimate, f"rho_gap_{evo}_low": i.low, f"rho_gap_{evo}_high": i.high}
    return values
