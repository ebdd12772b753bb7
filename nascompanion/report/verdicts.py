"""Verdict words and the comparison's decision helpers.

A chapter's verdicts are :class:`~nascompanion.report.findings.Finding` records (see
:mod:`nascompanion.report.findings`); this module keeps the wording of an outcome and the helpers the
NAS comparison decides its rows with (paired gaps between algorithms, by dataset).

Examples
--------
>>> words(True), words(None)
('holds', 'cannot be checked')
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.report.findings import FAILS, HOLDS, UNCHECKABLE
from nascompanion.report.stats import paired_difference


def words(holds: bool | None) -> str:
    """The verdict words for an outcome: "holds", "does not hold" or "cannot be checked".

    Examples
    --------
    >>> [words(x) for x in (True, False, None)]
    ['holds', 'does not hold', 'cannot be checked']
    """
    if holds is None:
        return UNCHECKABLE
    return HOLDS if holds else FAILS


# --------------------------------------------------------------------------- helpers of the NAS comparison


def verdict(holds: bool | None) -> str:
    """The comparison chapters' wording: :func:`words`, with "with this data" when it cannot be checked.

    Examples
    --------
    >>> verdict(None)
    'cannot be checked with this data'
    """
    return f"{UNCHECKABLE} with this data" if holds is None else words(holds)


def matches_or_beats(results: Mapping[str, np.ndarray], algorithm: str, query: int, z: float = 2.0) -> bool:
    """Whether ``algorithm``'s mean loss after ``query`` queries is within ``z`` standard errors of the best other.

    Parameters
    ----------
    results
        Algorithm -> curves of shape ``(trials, queries)`` (lower is better).
    algorithm
        The algorithm judged; every other one of ``results`` competes.
    query
        1-based query after which the losses are compared.
    z
        Allowed gap, in standard errors of the difference (the two errors combined in quadrature).

    Examples
    --------
    >>> r = {"ls": np.array([[3.0], [1.0]]), "rs": np.array([[1.0], [1.0]])}
    >>> matches_or_beats(r, "ls", 1), matches_or_beats(r, "ls", 1, z=0.5)
    (True, False)
    """
    def mean_and_sem(curves: np.ndarray) -> tuple[float, float]:
        values = np.asarray(curves)[:, query - 1]
        return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))

    mine, my_sem = mean_and_sem(results[algorithm])
    best, best_sem = min(mean_and_sem(c) for a, c in results.items() if a != algorithm)
    return bool(mine <= best + z * np.hypot(my_sem, best_sem))


def paired_gaps(results: Mapping[str, np.ndarray], algorithm: str, query: int, z: float = 1.96) -> pd.DataFrame:
    """``algorithm``'s loss minus each other algorithm's after ``query`` queries, paired by trial.

    Trial ``t`` of every algorithm faces the same landscape, so the difference is
    taken per trial, over the trials both ran (the first ``min`` of the two),
    with ``z`` standard errors of the mean difference either side (1.96: 95 %).

    Examples
    --------
    >>> r = {"ls": np.array([[1.0], [2.0], [3.0]]), "rs": np.array([[2.0], [3.0], [4.5]])}
    >>> paired_gaps(r, "ls", 1)[["other", "trials", "difference"]].to_dict("records")
    [{'other': 'rs', 'trials': 3, 'difference': -1.1666666666666667}]
    """
    mine = np.asarray(results[algorithm])[:, query - 1]
    rows = []
    for other, curves in results.items():
        if other == algorithm:
            continue
        theirs = np.asarray(curves)[:, query - 1]
        n = min(mine.size, theirs.size)
        gap = paired_difference(mine[:n], theirs[:n], z=z)
        rows.append({"other": other, "trials": n, "difference": gap.estimate, "low": gap.low, "high": gap.high})
    return pd.DataFrame(rows, columns=["other", "trials", "difference", "low", "high"])


def not_worse_than_any(gaps: pd.DataFrame) -> bool:
    """Whether no other algorithm is measurably better: every paired interval reaches 0 or below."""
    return bool((gaps["low"] <= 0).all())
