"""The noise sweep (every algorithm's final error against the noise multiplier ``x``) and the rerun check
(do the paired intervals' standard errors describe how much a whole rerun moves?)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from nascompanion.compare.contenders import Setting
from nascompanion.compare.experiment import ALGORITHMS
from nascompanion.compare.runner import compare
from nascompanion.compare.tables import final_errors
from nascompanion.report.stats import sem, slope_interval
from nascompanion.report.verdicts import paired_gaps


@dataclass(frozen=True)
class Sweep:
    """The noise sweep: a summary table, and every trial's final test loss per (dataset, x) and algorithm."""

    table: pd.DataFrame
    finals: dict


def noise_sweep(benchmark, datasets: dict[str, str], xs, budget: int, trials: int, seed: int = 0,
                model_dataset: str = "cifar10-valid", model_xs=(), model_trials: int = 20,
                bananas_epochs: int = 150, test_datasets: dict[str, str] | None = None,
                algorithms: tuple[str, ...] = ALGORITHMS[:3]) -> Sweep:
    """Final test loss of every algorithm against the noise multiplier ``x`` (``version="noise"``).

    The quick ``algorithms`` (default: local search, random search and the book's
    evolution) run at every ``x`` on every dataset (``datasets`` maps each to the
    metric it searches; ``test_datasets`` to the training whose test error is
    reported) and are ranked among themselves; BO (``trials`` trials) and BANANAS
    (``model_trials``) join on ``model_dataset`` at the ``model_xs`` levels.

    Returns
    -------
    Sweep
        ``table`` has columns dataset, x, algorithm, mean, sem, rank.
    """
    rows, finals = [], {}
    cheap = tuple(algorithms)
    for dataset, metric in datasets.items():
        test_dataset = (test_datasets or {}).get(dataset)
        for x in xs:
            setting = dict(dataset=dataset, version="noise", x=x, metric=metric, budget=budget, seed=seed,
                           test_dataset=test_dataset)
            results = compare(benchmark, Setting(trials=trials, **setting), algorithms=cheap, progress=False)
            if dataset == model_dataset and x in model_xs:
                results |= compare(benchmark, Setting(trials=trials, **setting), algorithms=("bo",), progress=False)
                results |= compare(benchmark, Setting(trials=model_trials, bananas_epochs=bananas_epochs, **setting),
                                   algorithms=("bananas",), progress=False)
            rows += [dict(dataset=dataset, x=x, **row) for row in final_errors(results, budget, cheap)]
            finals[(dataset, x)] = {a: c[:, -1] for a, c in results.items()}
    return Sweep(pd.DataFrame(rows), finals)


def gap_slope(sweep: Sweep, dataset: str, algorithm: str = "local_search",
              others: tuple[str, ...] = ("random_search", "evolution"), z: float = 1.96):
    """How ``algorithm``'s gap to the better of ``others`` changes per unit of noise ``x`` on ``dataset``.

    At every ``x`` the better other algorithm is the one of lower mean final
    loss; the gap is taken per trial (common random numbers) and its
    least-squares slope over ``x`` is fitted per trial
    (:func:`nascompanion.report.stats.slope_interval`). A positive slope: the
    algorithm falls behind as the noise grows.
    """
    xs = sorted(x for d, x in sweep.finals if d == dataset)
    gaps = []
    for x in xs:
        finals = sweep.finals[(dataset, x)]
        better = min(others, key=lambda a: float(finals[a].mean()))
        gaps.append(finals[algorithm] - finals[better])
    return slope_interval(np.array(xs), np.stack(gaps, axis=1), z=z)


def sweep_gaps(sweep: Sweep, dataset: str, x: float, algorithm: str = "local_search", z: float = 1.96) -> "pd.DataFrame":
    """``algorithm``'s final loss minus every other algorithm's at one point ``x`` of the sweep, paired by trial.

    The same table as :func:`nascompanion.report.verdicts.paired_gaps` after the
    last query, for the algorithms the sweep ran at ``(dataset, x)``.

    Raises
    ------
    KeyError
        If the sweep has no point ``(dataset, x)``; the message lists the ``x`` it has.
    """
    if (dataset, x) not in sweep.finals:
        have = sorted(v for d, v in sweep.finals if d == dataset)
        raise KeyError(f"the sweep has no point x={x!r} on {dataset!r}; it has x in {have}")
    finals = sweep.finals[(dataset, x)]
    return paired_gaps({a: np.asarray(f)[:, None] for a, f in finals.items()}, algorithm, 1, z=z)


def rerun_spread(benchmark, setting: Setting, algorithm: str = "local_search", reruns: int = 12,
                 level: float = 0.90) -> dict:
    """Do the paired intervals' standard errors describe how much a whole rerun moves?

    ``algorithm`` runs ``reruns`` times on ``setting`` with seeds ``setting.seed + 1``,
    ``setting.seed + 2``, ... (independent landscapes where the objective is random,
    independent searches always). Each rerun gives a mean final test loss over its
    trials and that mean's standard error. If the standard error describes the
    randomness, the standard deviation of the rerun means is about the mean standard
    error: their ratio is about 1.

    Parameters
    ----------
    level
        Coverage of the ratio's interval: a chi-square interval for a standard deviation
        from ``reruns - 1`` degrees of freedom (the rerun means are close to normal at
        hundreds of trials each), divided by the mean standard error.

    Returns
    -------
    dict
        ``means`` and ``sems`` (one per rerun), ``sd`` (of the means), ``mean_sem``, ``ratio``
        (``sd / mean_sem``), ``low`` and ``high`` (the ratio's interval), ``reruns``, ``trials``.

    Raises
    ------
    ValueError
        For fewer than 3 reruns or a level outside (0, 1).

    Examples
    --------
    >>> from scipy import stats
    >>> round(float(np.sqrt(11 / stats.chi2.ppf(0.95, 11))), 3)   # lower factor of the SD at 12 reruns
    0.748
    """


    if reruns < 3 or not 0 < level < 1:
        raise ValueError(f"need reruns >= 3 and 0 < level < 1, got reruns={reruns!r}, level={level!r}")
    finals = [compare(benchmark, replace(setting, seed=setting.seed + 1 + i), algorithms=(algorithm,),
                      progress=False)[algorithm][:, -1] for i in range(reruns)]
    means = np.array([f.mean() for f in finals])
    sems = np.array([sem(f) for f in finals])
    sd, mean_sem = float(means.std(ddof=1)), float(sems.mean())
    df, tail = reruns - 1, (1 - level) / 2
    low = sd * np.sqrt(df / stats.chi2.ppf(1 - tail, df)) / mean_sem
    high = sd * np.sqrt(df / stats.chi2.ppf(tail, df)) / mean_sem
    return dict(means=means, sems=sems, sd=sd, mean_sem=mean_sem, ratio=sd / mean_sem, low=float(low),
                high=float(high), reruns=reruns, trials=setting.trials)
