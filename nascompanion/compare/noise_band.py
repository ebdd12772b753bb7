"""The standard claim again at the smaller, best-cells estimate of the seed noise.

The simulated standard objective draws one-seed evaluations as the mean of seeds plus Gaussian
noise of the book's sigma (``x = 1``). The best ~1 % of cells give a smaller estimate; this module
reruns the quick algorithms at that size, expressed as a multiplier ``x`` of the book's sigma, and
reads local search's paired gaps from it.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion import objectives
from nascompanion.compare import run as cmp
from nascompanion.report import verdicts


def best_cells_x(benchmark, datasets: Mapping[str, str]) -> dict[str, float]:
    """The best-cells sigma over the book's sigma, per dataset: the multiplier ``x`` of the noise model
    that simulates the smaller estimate."""
    return {d: objectives.seed_noise(benchmark, d, "best-cells").sigma / objectives.seed_noise(benchmark, d).sigma
            for d in datasets}


def band_runs(benchmark, datasets: Mapping[str, str], xs: Mapping[str, float], *, trials: int, budget: int,
              seed: int = 0, test_datasets: Mapping[str, str] | None = None,
              algorithms: tuple[str, ...] = ("local_search", "random_search", "evolution_requery")) -> dict:
    """Every dataset's search at noise multiplier ``xs[dataset]``: dataset -> algorithm -> curves."""
    reported = dict(test_datasets or {})
    return {d: cmp.compare(benchmark, cmp.Setting(d, "noise", x=xs[d], metric=m, trials=trials, budget=budget,
                                                  seed=seed, test_dataset=reported.get(d)),
                           algorithms=algorithms, progress=False)
            for d, m in datasets.items()}


def band_gaps(band: Mapping[str, Mapping[str, np.ndarray]], budget: int, algorithm: str = "local_search") -> dict:
    """Paired gaps of ``algorithm`` minus each other algorithm after ``budget`` queries, per dataset.

    Examples
    --------
    >>> band = {"toy": {"local_search": np.array([[1.0], [2.0]]), "random_search": np.array([[2.0], [3.0]])}}
    >>> float(band_gaps(band, 1)["toy"]["difference"].iloc[0])
    -1.0
    """
    return {d: verdicts.paired_gaps(r, algorithm, budget) for d, r in band.items()}


def band_table(xs: Mapping[str, float], gaps: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per dataset: the multiplier ``x`` and local search minus each other algorithm.

    Examples
    --------
    >>> g = pd.DataFrame({"other": ["random_search"], "difference": [-0.5]})
    >>> band_table({"toy": 0.4}, {"toy": g}).columns.tolist()
    ["x (best-cells sigma / book's sigma)", 'local search minus random search']
    """
    return pd.DataFrame({d: {"x (best-cells sigma / book's sigma)": xs[d], **{
        f"local search minus {cmp.LABELS[o]}": v for o, v in zip(g["other"], g["difference"])}}
        for d, g in gaps.items()}).T.rename_axis("dataset")
