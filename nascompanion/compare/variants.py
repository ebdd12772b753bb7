"""What each alternative to a choice of the main setting changes: the protocol variants of the comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.compare.contenders import LABELS, Setting
from nascompanion.compare.runner import compare
from nascompanion.report.stats import paired_difference

EVOLUTIONS = {"evolution_requery": ("evolution", "evolution with one mutation per child and distinct queries "
                                                 "(the book's rule), not the authors' code"),
              "evolution": ("evolution_requery", "evolution by the authors' rule (multi-edge mutation, "
                                                 "tournament with replacement, re-queried duplicates)")}
"""The main setting's evolution -> (the other evolution, the choice that names it)."""


def variants(evolution: str, trials: int, model_trials: int, bananas_book_epochs: int) -> list[tuple]:
    """The variants: ``(choice, change of the setting, algorithms of the main setting, trials, algorithm run
    instead)``.

    Raises
    ------
    ValueError
        If ``evolution`` is not one of :data:`EVOLUTIONS`.

    Examples
    --------
    >>> [v[2] for v in variants("evolution", 5, 2, 200)][:3]
    [('local_search',), ('local_search',), ('local_search',)]
    """
    if evolution not in EVOLUTIONS:
        raise ValueError(f"evolution={evolution!r}; allowed: {', '.join(EVOLUTIONS)}")
    other_evolution, evolution_choice = EVOLUTIONS[evolution]
    cheap = ("local_search", "random_search", evolution)
    return [
        ("local search restarts from the best of 10 fresh random cells at each local minimum (naszilla 1.0's "
         "default, stop_at_minimum=True), not continue_at_min", {}, ("local_search",), trials, "local_search_restart"),
        ("local search from the best of 1 random cell, not 10", {"local_search_k_init": 1}, ("local_search",), trials,
         None),
        ("local search scans every neighbour (the paper's Algorithm 1), not up to the first lower one",
         {"local_search_first_lower": False}, ("local_search",), trials, None),
        ("report the searched model's own test error", {"test_dataset": None}, cheap, trials, None),
        (evolution_choice, {}, (evolution,), trials, other_evolution),
        (f"BANANAS with the book's earlier predictor (3 layers, full batch, {bananas_book_epochs} epochs)",
         {"bananas_predictor": "book", "bananas_epochs": bananas_book_epochs}, ("bananas",), model_trials, None),
    ]


def _rows(choice: str, main: dict[str, np.ndarray], other: dict[str, np.ndarray], algorithms: tuple[str, ...]
          ) -> list[dict]:
    """One row per algorithm: the final mean test error under the main setting and the variant, and their
    paired difference (over the trials both have) with its 95 % interval."""
    rows = []
    for algorithm in algorithms:
        a, b = main[algorithm][:, -1], other[algorithm][:, -1]
        k = min(a.size, b.size)
        gap = paired_difference(b[:k], a[:k], z=1.96)
        rows.append({"choice": choice, "algorithm": LABELS[algorithm], "main setting": float(a.mean()),
                     "variant": float(b.mean()), "difference": gap.estimate, "95% low": gap.low, "95% high": gap.high})
    return rows


def protocol_variants(benchmark, base: dict, main: dict[str, np.ndarray], trials: int, model_trials: int,
                      bananas_book_epochs: int = 200, evolution: str = "evolution_requery") -> pd.DataFrame:
    """What each alternative to a choice of the main setting changes, on one setting of the comparison.

    Parameters
    ----------
    base
        The main setting's fields except ``trials`` (dataset, version, x, metric, budget, seed,
        test_dataset, bananas_epochs); ``main`` holds its curves per algorithm.
    trials, model_trials
        Trials of the quick algorithms and of BANANAS.
    bananas_book_epochs
        Training epochs of the book's earlier BANANAS predictor (the variant).
    evolution
        The main setting's evolution (``"evolution_requery"``, the authors' code, or ``"evolution"``);
        the other one is its variant.

    Returns
    -------
    pandas.DataFrame
        One row per (choice, algorithm): the final mean test error under the
        main setting and under the variant, and the paired difference
        (variant - main, trials are paired by their landscape) with its 95 % interval.

    Raises
    ------
    ValueError
        If ``evolution`` is not one of the two evolutions.
    """
    rows = []
    for choice, change, algorithms, n, instead in variants(evolution, trials, model_trials, bananas_book_epochs):
        run_these = (instead,) if instead else algorithms
        other = compare(benchmark, Setting(trials=n, **{**base, **change}), algorithms=run_these, progress=False)
        if instead:
            other = {algorithms[0]: other[instead]}
        rows += _rows(choice, main, other, algorithms)
    return pd.DataFrame(rows)
