"""ANASOD's median per-seed SDs read as the sigma of one seed, beside the book's two estimates.

For Gaussian seed noise the SD over ``m`` seeds (divided by ``m - 1``) has a median of
``sqrt(chi2.median(m - 1) / (m - 1))`` times sigma, so ANASOD's medians (Table 1 of their paper)
imply a sigma for two and for three seeds per cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

from nascompanion.objectives import seed_noise
from nascompanion.report import paper

PAIRS = {"CIFAR-10": "cifar10-valid", "CIFAR-100": "cifar100", "ImageNet16": "ImageNet16-120"}
"""ANASOD's dataset names -> the book's."""


def median_sd_factor(seeds: int) -> float:
    """The median of the sample SD over ``seeds`` Gaussian draws, in units of their sigma.

    Examples
    --------
    >>> round(median_sd_factor(2), 3), round(median_sd_factor(3), 3)
    (0.674, 0.833)
    """
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds < 2:
        raise ValueError(f"seeds must be an integer of at least 2, got {seeds!r}")
    return float(np.sqrt(chi2.median(seeds - 1) / (seeds - 1)))


def implied_sigma_table(benchmark) -> pd.DataFrame:
    """Per dataset: ANASOD's median SD, the sigma it implies at three and at two seeds, and the book's
    class and best-cells estimates (:func:`nascompanion.objectives.seed_noise`)."""
    column = paper.ANASOD_TABLE1.value
    factor = {seeds: median_sd_factor(seeds) for seeds in (2, 3)}
    return pd.DataFrame({anasod: {"ANASOD median per-seed SD": column[anasod][3],
                                  "implied sigma, 3 seeds": column[anasod][3] / factor[3],
                                  "implied sigma, 2 seeds": column[anasod][3] / factor[2],
                                  "book: class estimate": seed_noise(benchmark, ours, "classes").sigma,
                                  "best-cells estimate": seed_noise(benchmark, ours, "best-cells").sigma}
                         for anasod, ours in PAIRS.items()}).T


def implied_sigma_values(sigmas: pd.DataFrame) -> dict[str, object]:
    """How ANASOD's medians and the sigmas they imply sit against the book's two estimates.

    Examples
    --------
    >>> sigmas = pd.DataFrame({"ANASOD median per-seed SD": [0.2], "implied sigma, 3 seeds": [0.24],
    ...                        "implied sigma, 2 seeds": [0.3], "book: class estimate": [0.3],
    ...                        "best-cells estimate": [0.15]})
    >>> implied_sigma_values(sigmas)["anasod_implied_below"]
    1
    """
    implied = sigmas[["implied sigma, 3 seeds", "implied sigma, 2 seeds"]].mean(axis=1)
    classes, best = sigmas["book: class estimate"], sigmas["best-cells estimate"]
    raw_below = bool((sigmas["ANASOD median per-seed SD"] < classes).all())
    return {"median_factor_2": median_sd_factor(2), "median_factor_3": median_sd_factor(3),
            "anasod_raw_reading": ("lie below the book's class estimate on every dataset" if raw_below
                                   else "do not all lie below the book's class estimate"),
            "anasod_implied_below": int((implied < classes).sum()), "anasod_n": len(sigmas),
            "anasod_implied_nearer_best": int(((implied - best).abs() < (implied - classes).abs()).sum())}
