"""Does the landscape predict how often a restarted local search finds the global minimum?

If a share :math:`p` of all starting cells flows into the global minimum under :math:`\\LS`, a
budgeted search that makes :math:`r` independent, complete runs misses it with probability
:math:`(1-p)^r`. The paper's searches restart whenever they converge before the budget (Sec. 4),
so :math:`r` is what the budget allows, and the last run is usually cut short by it. This module
measures, over many searches, the miss rate against that prediction under three readings of
:math:`r` (the mean number of runs, each search's own runs, each search's *complete* runs), with
bootstrap intervals over the searches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from nascompanion.data.seed_noise import check_bootstrap
from nascompanion.report.findings import Finding, Rule, Span
from nascompanion.search.history import History, best_so_far

READINGS: tuple[str, ...] = ("mean runs per search", "each search's own runs", "each search's complete runs")
"""The readings of :math:`r` in :math:`(1-p)^r`, in the order :meth:`RestartCheck.readings` lists them."""


@dataclass(frozen=True)
class RestartCheck:
    """Per search: did it find the target, how many runs it made, how many reached their local minimum.

    Attributes
    ----------
    p
        Share (0-1) of all starting cells whose local minimum is the target.
    found
        Whether each search returned the target, shape ``(searches,)``.
    runs
        Runs each search made (the last one possibly cut short by the budget).
    complete
        Runs of each search that reached their local minimum.
    """

    p: float
    found: np.ndarray
    runs: np.ndarray
    complete: np.ndarray

    def predicted_miss(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Predicted miss rate (0-1) under each reading of :data:`READINGS`, for each resample in ``rows``.

        ``rows`` has shape ``(draws, searches)`` (indices of resampled searches); ``None`` uses every
        search once and returns shape ``(3,)``.

        Examples
        --------
        >>> check = RestartCheck(0.5, np.array([True, False]), np.array([1, 3]), np.array([1, 2]))
        >>> check.predicted_miss().round(4).tolist()   # 0.5**2, (0.5 + 0.125) / 2, (0.5 + 0.25) / 2
        [0.25, 0.3125, 0.375]
        """
        every = rows is None
        rows = np.arange(self.found.size)[None, :] if every else rows
        q = 1.0 - self.p
        out = np.stack([q ** self.runs[rows].mean(axis=1), (q ** self.runs[rows]).mean(axis=1),
                        (q ** self.complete[rows]).mean(axis=1)], axis=1)
        return out[0] if every else out

    def readings(self, rng: np.random.Generator, draws: int = 2000, level: float = 0.9) -> pd.DataFrame:
        """Predicted and measured miss rates under every reading, with a bootstrap interval of their ratio.

        Searches are resampled with replacement (each with its runs and its outcome), so the
        interval covers the randomness of the searches.

        Parameters
        ----------
        rng
            Source of the resamples.
        draws
            Bootstrap resamples.
        level
            Coverage of the percentile interval, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Index :data:`READINGS`; columns ``predicted miss (%)``, ``measured miss (%)``,
            ``miss ratio`` (measured / predicted) and ``ratio low``, ``ratio high``.

        Examples
        --------
        >>> check = RestartCheck(0.5, np.array([True, True, False, True]), np.array([2, 3, 2, 3]),
        ...                      np.array([1, 2, 1, 2]))
        >>> table = check.readings(np.random.default_rng(0), draws=20)
        >>> round(float(table.loc["mean runs per search", "predicted miss (%)"]), 2)   # 0.5 ** 2.5
        17.68
        >>> table["measured miss (%)"].tolist()
        [25.0, 25.0, 25.0]
        """
        check_bootstrap(draws, level)
        measured = 1.0 - self.found.mean()
        predicted = self.predicted_miss()
        rows = rng.integers(0, self.found.size, size=(draws, self.found.size))
        ratios = (1.0 - self.found[rows].mean(axis=1))[:, None] / self.predicted_miss(rows)
        low, high = np.quantile(ratios, [(1 - level) / 2, (1 + level) / 2], axis=0)
        return pd.DataFrame({"predicted miss (%)": 100 * predicted, "measured miss (%)": 100 * measured,
                             "miss ratio": measured / predicted, "ratio low": low, "ratio high": high},
                            index=pd.Index(READINGS, name="r in (1 - p)^r"))

    def success_interval(self, rng: np.random.Generator, draws: int = 2000, level: float = 0.9) -> tuple[float, float]:
        """Bootstrap percentile interval (%) of the share of searches that found the target.

        Examples
        --------
        >>> check = RestartCheck(0.5, np.array([True] * 9 + [False]), np.full(10, 2), np.full(10, 1))
        >>> low, high = check.success_interval(np.random.default_rng(0), draws=200)
        >>> bool(60 <= low <= 90 <= high <= 100)
        True
        """
        check_bootstrap(draws, level)
        rows = rng.integers(0, self.found.size, size=(draws, self.found.size))
        low, high = np.quantile(100.0 * self.found[rows].mean(axis=1), [(1 - level) / 2, (1 + level) / 2])
        return float(low), float(high)


def restart_check(histories: Sequence[History], ls_star: np.ndarray, target: int) -> RestartCheck:
    """Count, for each restarting local search, its runs, its complete runs and whether it found ``target``.

    A run is complete when the last cell it stood at is the local minimum :math:`\\LS^*` of its start
    (it reached its minimum before the budget ran out).

    Parameters
    ----------
    histories
        Searches of a restarting variant (``full`` or ``query_until_lower``) on one fixed objective.
    ls_star
        :math:`\\LS^*(v)` of every cell on that objective (``landscape_stats(...).ls_star``).
    target
        The cell to find (the global minimum).

    Returns
    -------
    RestartCheck
        With ``p`` the share of cells whose :math:`\\LS^*` is ``target``.

    Raises
    ------
    ValueError
        If no history is given or one has no recorded path.

    Examples
    --------
    >>> h = History.from_arrays([0, 1, 2], [3.0, 1.0, 2.0], [3.0, 1.0, 2.0], [0, 1, 0], run=[0, 0, 1],
    ...                         path=[[0, 0], [0, 1], [1, 2]])
    >>> check = restart_check([h], np.array([1, 1, 2]), 1)
    >>> round(check.p, 3), check.found.tolist(), check.runs.tolist(), check.complete.tolist()
    (0.667, [True], [2], [2])
    """
    if not histories:
        raise ValueError("need at least one search history")
    ls_star = np.asarray(ls_star)
    runs, complete = [], []
    for h in histories:
        if h.path.shape[0] == 0:
            raise ValueError("a history without a recorded path cannot say which runs completed")
        ids = np.unique(h.path[:, 0])
        ends = [(h.run_path(k)[0], h.run_path(k)[-1]) for k in ids]
        runs.append(h.restarts + 1)
        complete.append(sum(int(ls_star[start] == end) for start, end in ends))
    found = np.array([h.best_arch == target for h in histories])
    return RestartCheck(float(np.mean(ls_star == target)), found, np.array(runs), np.array(complete))


def variant_summary(histories: Mapping[str, Sequence[History]], target: int) -> pd.DataFrame:
    """How each variant's searches fared: share that found ``target``, final test loss, runs per search.

    Parameters
    ----------
    histories
        Variant name -> its searches on one fixed objective.
    target
        The cell to find (the global minimum of the validation loss).

    Returns
    -------
    pandas.DataFrame
        One row per variant: ``found global minimum (%)``, ``mean final test loss`` (of the cell
        with the best validation loss at the end of the budget) and ``mean runs per search``
        (restarts + 1), rounded to three decimals.

    Examples
    --------
    >>> h = History.from_arrays([0, 1, 2], [3.0, 1.0, 2.0], [3.0, 1.5, 2.0], [0, 1, 0], run=[0, 0, 1],
    ...                         path=[[0, 0], [0, 1], [1, 2]])
    >>> variant_summary({"full": [h]}, 1).loc["full"].tolist()
    [100.0, 1.5, 2.0]
    """
    rows = {variant: {"found global minimum (%)": 100 * np.mean([h.best_arch == target for h in hs]),
                      "mean final test loss": np.mean([best_so_far(h)[-1] for h in hs]),
                      "mean runs per search": np.mean([h.restarts + 1 for h in hs])}
            for variant, hs in histories.items()}
    return pd.DataFrame(rows).T.round(3)


def within_factor(rule: Rule, factor: float, ratio: float, low: float, high: float, covers: str) -> Finding:
    """Judge a ratio two-sidedly on a log scale: holds when all of ``[low, high]`` lies in ``[1/factor, factor]``.

    Does not hold when the interval lies wholly outside that band, undecided when it straddles
    an end (:meth:`~nascompanion.report.findings.Rule.within` on the logarithm). The finding shows
    the ratio and its interval, not their logarithms.

    Parameters
    ----------
    rule
        The rule whose criterion states the factor.
    factor
        The tolerance, a factor above 1.
    ratio, low, high
        The measured ratio and its interval.
    covers
        What the interval covers (its level and the randomness it resamples).

    Returns
    -------
    Finding
        Resting on a random experiment, with the interval ``[low, high]``.

    Raises
    ------
    ValueError
        If ``factor`` is not above 1.

    Examples
    --------
    >>> r = Rule("miss", "misses as predicted", "this book", "miss ratio within a factor of 2 either way")
    >>> [within_factor(r, 2, m, lo, hi, "90 % bootstrap").outcome for m, lo, hi in
    ...  [(1.1, 0.8, 1.5), (3.2, 2.4, 4.4), (1.8, 1.2, 2.6)]]
    ['holds', 'does not hold', 'undecided']
    """
    if factor <= 1:
        raise ValueError(f"factor must exceed 1, got {factor!r}")
    tiny = 1e-12
    logged = Span(math.log(max(low, tiny)), math.log(max(high, tiny)), covers)
    judged = rule.within(0.0, math.log(factor), math.log(max(ratio, tiny)), logged)
    return replace(judged, measured=float(ratio), paper=None, interval=Span(low, high, covers))
