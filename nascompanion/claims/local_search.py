"""Claims of the chapter "local_search": Algorithm 1 reaches the local minimum the landscape predicts,
and the global minimum's basin predicts how often a restarted search finds it.

The trace rule and the Appendix A rule are module constants. The three restart rules were fixed after
a first batch of searches had been seen, and their ``fixed`` text names those numbers, so each is made
by a small function of them. The ``judge_*`` functions return the chapter's findings; the
``*_values`` functions the numbers its prose reads.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.landscape.restarts import RestartCheck, within_factor
from nascompanion.landscape.variant_runs import miss_per_seed
from nascompanion.report import paper
from nascompanion.report.findings import BEFORE, THIS_BOOK, Finding, Rule, Span, after

TRACE = Rule("trace_reaches_ls_star",
             "Algorithm 1 reaches the local minimum LS*(v) the landscape predicts, "
             "after the predicted number of neighbourhood evaluations",
             "paper, Sec. 3 (Algorithm 1)",
             "the traced run ends at LS*(start) after exactly steps(start) + 1 "
             "evaluated neighbourhoods",
             BEFORE)
"""The traced run ends where the landscape statistics say, after as many neighbourhoods."""

CURVES = Rule("nb201_curves_appendix_a",
              "The paper's NB201 performance curves of local search and the other algorithms",
              "paper, Appendix A",
              "at every budget the paper's mean curve lies within the 95 % interval of ours "
              "over 200 trials",
              BEFORE)
"""Appendix A's NB201 curves; the text available to the book does not include them."""

CURVES_MISSING = (
    "Appendix A is not in the paper's text available to this book; deciding it needs the "
    "paper's NB201 curves (test loss of the best-validation cell against queries, per "
    "algorithm and dataset) as numbers or a legible figure")

OLD_TOLERANCE = 10
"""The earlier rule: predicted and measured success within this many percentage points."""

MISS_FACTOR = 2
"""Measured and predicted miss rates agree when their ratio lies within this factor either way."""

MISS_CRITERION = (f"measured / predicted miss rate within a factor of {MISS_FACTOR} either way, "
                  f"its 90 % interval over the searches included")

READING_KEYS: Mapping[str, str] = {"mean": "mean runs per search", "own": "each search's own runs",
                                   "complete": "each search's complete runs"}
"""Glue key -> reading of r in the restart check's table."""


def judge_trace(path: np.ndarray, ls_star: np.ndarray, steps: np.ndarray) -> Finding:
    """Whether the traced run ends at :math:`LS^*` of its start after ``steps[start] + 1`` cells.

    Parameters
    ----------
    path
        Cells the traced run stood at, the start first.
    ls_star, steps
        :math:`LS^*(v)` and the steps to it, for every cell (``landscape_stats``).

    Examples
    --------
    >>> ls_star, steps = np.array([2, 2, 2]), np.array([2, 1, 0])
    >>> judge_trace(np.array([0, 1, 2]), ls_star, steps).outcome
    'holds'
    >>> judge_trace(np.array([0, 2]), ls_star, steps).outcome
    'does not hold'
    """
    start = int(path[0])
    return TRACE.judge(trace_agrees(path, ls_star, steps), len(path),
                       detail=f"cells stood at; predicted {int(steps[start]) + 1}")


def trace_agrees(path: np.ndarray, ls_star: np.ndarray, steps: np.ndarray) -> bool:
    """Whether a run's last cell is :math:`LS^*` of its first and it stood at ``steps + 1`` cells."""
    start = int(path[0])
    return bool(path[-1] == ls_star[start] and len(path) == steps[start] + 1)


def trace_values(path: np.ndarray, stats, restarts: int, final_test: float) -> dict:
    """The traced run's glued numbers, with the landscape's mean iterations and the paper's.

    Parameters
    ----------
    path
        Cells the traced run stood at.
    stats
        ``landscape_stats`` of the objective (``ls_star``, ``steps``, ``iterations``).
    restarts
        Restarts of the traced search.
    final_test
        Test loss of its best-validation cell at the end of the budget.
    """
    start = int(path[0])
    return {"trace_steps": len(path), "predicted_evaluations": int(stats.steps[start]) + 1,
            "trace_agrees": "yes" if trace_agrees(path, stats.ls_star, stats.steps) else "no",
            "trace_restarts": int(restarts), "trace_final_test": float(final_test),
            "mean_iterations": float(stats.iterations),
            "paper_iterations": paper.TABLE1.value["denoised"]["iterations"]}


def _first_batch(variants: pd.DataFrame, p: float) -> tuple[float, float, float]:
    r = variants.loc["full", "mean runs per search"]
    success = variants.loc["full", "found global minimum (%)"]
    return r, success, 100 * (1 - (1 - p) ** r) - success


def variant_values(reached_global_pct: float, variants: pd.DataFrame) -> dict:
    """The variant section's glued numbers: the basin share ``p``, the success the first batch of
    ``full`` searches predicts and shows, the earlier rule's reading and each variant's success.

    Parameters
    ----------
    reached_global_pct
        Share (%) of all starts whose local minimum is the global one.
    variants
        :func:`nascompanion.landscape.restarts.variant_summary` of the three variants.

    Examples
    --------
    >>> variants = pd.DataFrame({"found global minimum (%)": [90.0, 80.0, 70.0],
    ...                          "mean runs per search": [3.0, 3.0, 1.0]},
    ...                         index=["full", "query_until_lower", "continue_at_min"])
    >>> values = variant_values(50.0, variants)
    >>> values["predicted_success"], values["predicted_miss"], values["old_reading"]
    (87.5, 12.5, 'pass')
    """
    p = reached_global_pct / 100
    r, success, gap = _first_batch(variants, p)
    p_paper = paper.TABLE1.value["denoised"]["reached_global_pct"] / 100
    return {"p_global": float(100 * p), "runs_full": float(r),
            "predicted_success": float(100 * (1 - (1 - p) ** r)), "measured_success": float(success),
            "gap_success": float(gap), "old_tolerance": OLD_TOLERANCE,
            "old_reading": "pass" if abs(gap) <= OLD_TOLERANCE else "fail",
            "predicted_miss": float(100 * (1 - p) ** r), "measured_miss": float(100 - success),
            "miss_times": float((100 - success) / (100 * (1 - p) ** r)),
            "paper_p_global": 100 * p_paper,
            "predicted_success_paper_p": float(100 * (1 - (1 - p_paper) ** r)),
            "success_qul": float(variants.loc["query_until_lower", "found global minimum (%)"]),
            "success_cam": float(variants.loc["continue_at_min", "found global minimum (%)"])}


def first_batch_seen(variants: pd.DataFrame, p: float, runs: int, seed: int) -> str:
    """What the first batch of searches showed before the restart rules were written (their ``fixed``).

    Examples
    --------
    >>> variants = pd.DataFrame({"found global minimum (%)": [90.0], "mean runs per search": [3.0]},
    ...                         index=["full"])
    >>> first_batch_seen(variants, 0.5, 12, 0)
    '10.0 % of 12 searches (seed 0) miss against 12.5 % predicted, which the earlier rule (success within 10 points) passes'
    """
    r, success, gap = _first_batch(variants, p)
    return (f"{float(100 - success):.1f} % of {runs} "
            f"searches (seed {seed}) miss against {float(100 * (1 - p) ** r):.1f} % "
            f"predicted, which the earlier rule (success within {OLD_TOLERANCE} points) "
            f"{'passes' if abs(gap) <= OLD_TOLERANCE else 'fails'}")


def direction_rule(seen: str) -> Rule:
    """Restarting raises the share of searches that find the global minimum above ``p``."""
    return Rule("restarts_raise_success",
                "Restarting at every local minimum raises the share of searches that find the "
                "global minimum above the share p of single starts in its basin",
                THIS_BOOK,
                "the 90 % interval of the share of searches that find the global minimum "
                "lies above 100 p %",
                after(seen))


def miss_rate_rule(seen: str) -> Rule:
    """The miss rate is :math:`(1-p)^{\\bar r}`, within :data:`MISS_FACTOR` either way."""
    return Rule("restart_miss_rate",
                "A restarted local search misses the global minimum as often as (1 - p)^r "
                "predicts, r the mean number of runs per search",
                THIS_BOOK, MISS_CRITERION, after(seen))


def complete_runs_rule(first_ratio: float) -> Rule:
    """The same prediction counting only each search's complete runs."""
    return Rule("restart_miss_rate_complete_runs",
                "The same prediction with r counting, per search, only the runs that reached "
                "their local minimum: the mean of (1 - p)^c over searches",
                THIS_BOOK, MISS_CRITERION,
                after(f"the mean-runs prediction miss by a factor of {first_ratio:.1f}"))


def judge_restarts(check: RestartCheck, readings: pd.DataFrame, success: tuple[float, float], p: float,
                   seen: str, seeds: int, runs: int) -> list[Finding]:
    """The three restart findings: the direction, the miss rate under the mean runs, and under the
    complete runs.

    Parameters
    ----------
    check
        :func:`nascompanion.landscape.restarts.restart_check` of every restarted search.
    readings
        ``check.readings(...)``: one row per reading of r, with ``miss ratio``, ``ratio low`` and
        ``ratio high``.
    success
        The 90 % interval (%) of the share of searches that find the global minimum.
    p
        Share (0-1) of all starts whose local minimum is the global one (the direction's threshold).
    seen
        :func:`first_batch_seen`.
    seeds, runs
        Independent batches of searches, and searches per batch.

    Examples
    --------
    >>> check = RestartCheck(0.5, np.array([True] * 9 + [False]), np.full(10, 3), np.full(10, 3))
    >>> readings = pd.DataFrame({"miss ratio": [0.8, 1.0, 0.9], "ratio low": [0.6, 0.7, 0.6],
    ...                          "ratio high": [1.2, 1.5, 1.4]})
    >>> [f.outcome for f in judge_restarts(check, readings, (75.0, 100.0), 0.5, "a batch", 2, 5)]
    ['holds', 'holds', 'holds']
    """
    covers = f"90 % bootstrap over {check.found.size} searches ({seeds} seeds of {runs})"
    ratios = readings[["miss ratio", "ratio low", "ratio high"]]
    direction = direction_rule(seen).above(100 * p, 100 * check.found.mean(), Span(*success, covers))
    number = within_factor(miss_rate_rule(seen), MISS_FACTOR, *ratios.iloc[0], covers)
    complete = within_factor(complete_runs_rule(readings["miss ratio"].iloc[0]), MISS_FACTOR,
                             *ratios.iloc[2], covers)
    return [direction, number, complete]


def judge_curves() -> Finding:
    """Appendix A's curves: cannot be checked, and which data would decide them.

    Examples
    --------
    >>> judge_curves().outcome
    'cannot be checked'
    """
    return CURVES.unchecked(CURVES_MISSING)


def restart_values(check: RestartCheck, readings: pd.DataFrame, success: tuple[float, float],
                   seeds: int) -> dict:
    """The restart section's glued numbers: success with its interval, runs, every reading's
    prediction and ratio (``rs_<reading>_<pred|ratio|low|high>``) and the miss rate per seed.

    Examples
    --------
    >>> check = RestartCheck(0.5, np.array([True, False, True, True]), np.full(4, 3), np.full(4, 2))
    >>> readings = pd.DataFrame({"predicted miss (%)": [12.5, 12.5, 25.0], "measured miss (%)": 25.0,
    ...                          "miss ratio": [2.0, 2.0, 1.0], "ratio low": [1.0, 1.0, 0.5],
    ...                          "ratio high": [4.0, 4.0, 2.0]}, index=list(READING_KEYS.values()))
    >>> values = restart_values(check, readings, (50.0, 100.0), 2)
    >>> values["rs_success"], values["rs_complete_ratio"], values["rs_seed_max"]
    (75.0, 1.0, 50.0)
    """
    columns = {"predicted miss (%)": "pred", "miss ratio": "ratio", "ratio low": "low", "ratio high": "high"}
    values = {f"rs_{key}_{name}": float(readings.loc[reading, column])
              for key, reading in READING_KEYS.items() for column, name in columns.items()}
    per_seed = miss_per_seed(check.found, seeds)
    return {**values, "restart_seeds": seeds, "restart_searches": int(check.found.size),
            "miss_factor": MISS_FACTOR, "rs_success": float(100 * check.found.mean()),
            "rs_success_low": success[0], "rs_success_high": success[1],
            "rs_runs": float(check.runs.mean()), "rs_complete": float(check.complete.mean()),
            "rs_measured_miss": float(readings["measured miss (%)"].iloc[0]),
            "rs_seed_min": float(per_seed.min()), "rs_seed_max": float(per_seed.max())}
