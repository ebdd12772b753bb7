"""How many training seeds stand behind NB201's means, and what a per-seed SD says about sigma.

NB201's mean tables do not say how many seeds each mean averages; their digits do
(:func:`nascompanion.objectives.noise_scale.seed_counts`). This module turns those counts into the two
things the ``search_space`` chapter judges with them: the share of cells with a given number of seeds
(the paper, Sec. 4: "each architecture was trained three times"), and the factor that links a
*median per-cell SD over seeds* (what ANASOD's Table 1 reports) to the seed-noise scale
:math:`\\sigma` of Gaussian noise, so that the two can be compared like for like.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc


def seed_share(counts: np.ndarray, seeds: int) -> float:
    """Share (%) of cells whose mean is over exactly ``seeds`` seeds.

    Parameters
    ----------
    counts
        Seed count of every cell (integers >= 1).
    seeds
        The count whose share is wanted.

    Returns
    -------
    float
        Percentage of cells, 0 to 100.

    Raises
    ------
    ValueError
        If ``counts`` is empty or holds a count below 1.

    Examples
    --------
    >>> seed_share(np.array([3, 3, 2, 1]), 3)
    50.0
    """
    counts = np.asarray(counts)
    if counts.size == 0 or (counts < 1).any():
        raise ValueError(f"need a non-empty array of seed counts >= 1, got {counts.size} values")
    return float(100.0 * np.mean(counts == seeds))


def median_sd_factor(counts: np.ndarray, ddof: int = 1) -> float:
    """Median per-cell SD over seeds, in units of sigma, under Gaussian seed noise.

    A cell trained with ``m`` seeds of noise SD :math:`\\sigma` has sample SD
    :math:`s = \\sigma \\sqrt{\\chi^2_{m-1} / (m - \\mathrm{ddof})}`. Over cells with the
    given seed counts (those with one seed have no SD and are left out), the median
    of ``s`` is ``factor * sigma``; this returns ``factor``, the root of the mixture's
    distribution function at one half.

    Parameters
    ----------
    counts
        Seed count of every cell; cells with fewer than two seeds are left out.
    ddof
        Delta degrees of freedom of the SD (1: sample SD, 0: population SD as
        ``numpy.std`` computes it by default).

    Returns
    -------
    float
        The factor; divide a reported median SD by it to get the sigma it implies.

    Raises
    ------
    ValueError
        If no cell has two seeds, or ``ddof`` is not 0 or 1.

    Notes
    -----
    ANASOD (Wan et al., Table 1) reports the median SD of one architecture over seeds; the
    book's sigma is the SD of one seed's accuracy. Under Gaussian noise with NB201's 2-3
    seeds per cell the median SD is well below sigma, so the two are compared through this factor.

    Examples
    --------
    >>> round(median_sd_factor(np.array([2])), 4)    # median of |x1 - x2| / sqrt(2)
    0.6745
    >>> round(median_sd_factor(np.array([3, 3, 1])), 4)   # sqrt(median of chi2_2 / 2)
    0.8326
    """
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 or 1, got {ddof!r}")
    values, cells = np.unique(np.asarray(counts), return_counts=True)
    used = values >= 2
    if not used.any():
        raise ValueError("no cell has two or more seeds: a per-cell SD needs two")
    m, weight = values[used].astype(float), cells[used] / cells[used].sum()

    low, high = 0.0, 10.0   # bisection on the mixture's CDF, P(chi2_k <= x) = gammainc(k / 2, x / 2)
    for _ in range(60):
        mid = (low + high) / 2
        below = float(np.sum(weight * gammainc((m - 1) / 2, mid**2 * (m - ddof) / 2)))
        low, high = (mid, high) if below < 0.5 else (low, mid)
    return (low + high) / 2
