"""Tables of the comparison's results: means at query counts, ranks, final errors, the share of trials that
found the optimum, and what each dataset searches and reports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.compare.contenders import LABELS
from nascompanion.report.stats import sem


def summary_table(results: dict[str, np.ndarray], at: tuple[int, ...] = (100, 150, 300)):
    """Mean ± standard error of the best-so-far test loss after ``at`` queries, one row per algorithm."""


    rows = []
    for algorithm, curves in results.items():
        row = {"algorithm": LABELS[algorithm]}
        for q in at:
            if q <= curves.shape[1]:
                row[f"{q} queries"] = f"{curves[:, q - 1].mean():.3f} ± {sem(curves[:, q - 1]):.3f}"
        rows.append(row)
    return pd.DataFrame(rows)


def ranks_at(results: dict[str, np.ndarray], query: int) -> dict[str, int]:
    """Rank of each algorithm (1 = lowest mean test loss) after ``query`` queries."""
    means = {a: float(c[:, query - 1].mean()) for a, c in results.items()}
    order = sorted(means, key=lambda a: (means[a], a))
    return {a: order.index(a) + 1 for a in means}


def final_errors(results: dict[str, np.ndarray], budget: int, ranked: tuple[str, ...] | None = None) -> list[dict]:
    """One row per algorithm: mean and standard error of the final best-so-far test loss, and its rank
    among ``ranked`` (default: all of ``results``; NaN for the others)."""
    ranks = ranks_at({a: results[a] for a in (ranked or tuple(results))}, budget)
    return [dict(algorithm=a, mean=float(c[:, -1].mean()), sem=sem(c[:, -1]), rank=ranks.get(a, np.nan))
            for a, c in results.items()]


def found_optimum(results: dict[str, np.ndarray], optimum: float, at: tuple[int, ...]) -> "pd.DataFrame":
    """Share of trials whose reported loss has reached ``optimum`` after each of ``at`` queries, and the
    median number of queries until it did (NaN if half the trials never did), per algorithm.

    Where the search metric is the reported one (a race to the optimum), this
    still tells algorithms apart after they all end at the optimum.
    """
    rows = []
    for algorithm, curves in results.items():
        hit = curves <= optimum + 1e-9
        first = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, np.inf)
        row = {"algorithm": LABELS[algorithm]}
        row |= {f"found by {q}": float(hit[:, q - 1].mean()) for q in at if q <= curves.shape[1]}
        median = float(np.median(first))
        row["median queries to find it"] = median if np.isfinite(median) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def protocol_table(benchmark, datasets: dict[str, str], test_datasets: dict[str, str] | None = None) -> "pd.DataFrame":
    """What the comparison searches and reports on each dataset, as the data defines it.

    Parameters
    ----------
    datasets
        Dataset -> the metric searched (``"validation"`` or ``"test"``).
    test_datasets
        Dataset -> the training whose test error is reported, where it is another one.
    """
    rows = []
    for dataset, metric in datasets.items():
        searched = benchmark.dataset(dataset)
        reported_name = (test_datasets or {}).get(dataset, dataset)
        reported = benchmark.dataset(reported_name)
        rows.append({
            "dataset": dataset,
            "searched": f"{dataset}: {searched.validation_metric if metric == 'validation' else searched.test_metric}",
            "reported": f"{reported_name}: {reported.test_metric}",
            "values are": "one training seed each" if searched.per_seed else "means over seeds",
            "stand-in": "" if metric == "validation" else "the search sees the reported test error (no validation "
                                                          "accuracy in this data): a race to the optimum",
        })
    return pd.DataFrame(rows).set_index("dataset")


def decisive_gap(gaps: "pd.DataFrame") -> dict:
    """The row of :func:`~nascompanion.report.verdicts.paired_gaps` that decides "no other algorithm is
    measurably better": the other algorithm whose interval's lower end is highest.

    Returns
    -------
    dict
        ``other``, ``difference``, ``low``, ``high``, and ``holds`` (that lower end is 0 or below).

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"other": ["a", "b"], "difference": [-1.0, 0.1], "low": [-1.2, 0.05], "high": [-0.8, 0.15]})
    >>> row = decisive_gap(g); row["other"], row["holds"]
    ('b', False)
    """
    row = gaps.loc[gaps["low"].idxmax()]
    return dict(other=str(row["other"]), difference=float(row["difference"]), low=float(row["low"]),
                high=float(row["high"]), holds=bool(row["low"] <= 0))
