"""The one-seed noise sigma that ANASOD's median per-seed SDs imply, beside the book's estimates.

ANASOD (Table 1) report, per NB201 dataset, the median over architectures of the SD of one
architecture's error over its training seeds. Under Gaussian seed noise and the data's seed counts
that median is a fixed multiple of sigma
(:func:`~nascompanion.data.seed_counts.median_sd_factor`), so dividing by it puts ANASOD's numbers on
the book's scale. ANASOD do not say whether their SD divides by ``m - 1`` or by ``m``: both are given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.data.seed_counts import median_sd_factor
from nascompanion.report import paper

ANASOD_NAMES = {"cifar10-valid": "CIFAR-10", "cifar100": "CIFAR-100", "ImageNet16-120": "ImageNet16"}
"""The book's dataset -> the column of ANASOD's Table 1."""

SAMPLE = "sigma it implies (SD over m - 1)"
POPULATION = "sigma it implies (SD over m)"


def median_sd_factors(counts: np.ndarray) -> dict[int, float]:
    """The median per-cell SD in units of sigma, dividing by ``m - 1`` (key 1) and by ``m`` (key 0).

    Examples
    --------
    >>> factors = median_sd_factors(np.array([3, 3, 2]))
    >>> sorted(factors), factors[1] > factors[0]
    ([0, 1], True)
    """
    return {ddof: median_sd_factor(counts, ddof) for ddof in (1, 0)}


def anasod_sigma_table(noise: pd.DataFrame, counts: np.ndarray) -> pd.DataFrame:
    """The book's two sigma estimates, ANASOD's median SD and the sigma it implies under each reading.

    Parameters
    ----------
    noise
        :func:`nascompanion.data.summary.noise_table` (columns ``classes`` and ``best-cells``, one row
        per dataset).
    counts
        Seed count of every cell.

    Returns
    -------
    pandas.DataFrame
        One row per dataset of :data:`ANASOD_NAMES`; columns ``book's sigma (better half)``,
        ``best ~1 % (3 seeds)``, ``ANASOD median SD``, :data:`SAMPLE` and :data:`POPULATION`.

    Examples
    --------
    >>> noise = pd.DataFrame({"classes": [0.3, 0.6, 0.6], "best-cells": [0.15, 0.4, 0.4]},
    ...                      index=list(ANASOD_NAMES))
    >>> table = anasod_sigma_table(noise, np.array([3, 3, 2, 1]))
    >>> list(table.index) == list(ANASOD_NAMES), bool((table[SAMPLE] < table[POPULATION]).all())
    (True, True)
    """
    column = paper.ANASOD_TABLE1_STATISTICS.index("median SD, different seeds")
    anasod_sd = pd.Series({d: paper.ANASOD_TABLE1.value[n][column] for d, n in ANASOD_NAMES.items()})
    table = pd.DataFrame({"book's sigma (better half)": noise["classes"],
                          "best ~1 % (3 seeds)": noise["best-cells"],
                          "ANASOD median SD": anasod_sd}).loc[list(ANASOD_NAMES)]
    factors = median_sd_factors(counts)
    table[SAMPLE] = table["ANASOD median SD"] / factors[1]
    table[POPULATION] = table["ANASOD median SD"] / factors[0]
    return table


def anasod_values(table: pd.DataFrame, counts: np.ndarray) -> dict:
    """The glued numbers of the ANASOD comparison: both factors, and per dataset the median SD and
    the sigma of each reading (``anasod_<d>``, ``anasod_sample_<d>``, ``anasod_population_<d>``).

    Examples
    --------
    >>> noise = pd.DataFrame({"classes": [0.3] * 3, "best-cells": [0.2] * 3}, index=list(ANASOD_NAMES))
    >>> values = anasod_values(anasod_sigma_table(noise, np.array([3, 2])), np.array([3, 2]))
    >>> sorted(values)[:3]
    ['anasod_ImageNet16-120', 'anasod_cifar10-valid', 'anasod_cifar100']
    """
    factors = median_sd_factors(counts)
    values = {"factor_sample": factors[1], "factor_population": factors[0]}
    for prefix, column in (("anasod", "ANASOD median SD"), ("anasod_sample", SAMPLE),
                           ("anasod_population", POPULATION)):
        values.update({f"{prefix}_{d}": float(v) for d, v in table[column].items()})
    return values
