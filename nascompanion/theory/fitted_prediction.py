"""Theorem 5.1 with densities fitted to NAS-Bench-201 against local search on the same landscapes.

The prediction takes ``pdf_n`` from the Eq. 5.3 histogram fit and ``pdf_e`` from one of two readings of
the paper's recipe (:data:`LOCAL_DENSITIES`), under two readings of ``b_k`` (:data:`READINGS`); the
measurement is local search from every cell of the real landscape.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.report.stats import bin_average
from nascompanion.theory import graph_facts as gf
from nascompanion.theory import numeric as N
from nascompanion.theory.fitting import Eq53Fit
from nascompanion.theory.montecarlo import one_draw

LOCAL_DENSITIES: tuple[str, ...] = ("RWA", "centred")
"""``RWA``: the conditional law of a Gaussian pair with the lag-1 correlation; ``centred``: Eq. 5.3
centred on the current loss with sigma_e fitted to the pairs."""

READINGS: tuple[str, ...] = ("b0=1", "tree")
"""The readings of Lemma 5.3's product compared on the data."""

ERROR_NAMES: Mapping[str, str] = {
    "minima measured": "local minima, local search", "minima predicted": "local minima, predicted",
    "within 0.05 measured": "within 0.05, local search", "within 0.05 predicted": "within 0.05, predicted",
    "largest predicted": "largest predicted fraction", "max |error| over eps": "largest |error|, every ε",
    "max |error| over eps > 0": "largest |error|, ε > 0"}
"""Columns of :func:`prediction_errors` -> their headers for a reader."""


def eps_grid() -> np.ndarray:
    """Thresholds (fractions of the loss range): 0, 0.01, ..., 1 with 41 log-spaced points from 1e-4 to 1e-2.

    Examples
    --------
    >>> eps = eps_grid()
    >>> eps.size, float(eps[0]), float(eps[-1])
    (141, 0.0, 1.0)
    """
    return np.unique(np.concatenate([np.linspace(0, 1, 101), np.geomspace(1e-4, 1e-2, 41)]))


def linear_steps(eps: np.ndarray) -> np.ndarray:
    """Which thresholds are on the linear grid 0.01, 0.02, ..., 1 (every eps > 0 of it).

    Examples
    --------
    >>> int(linear_steps(eps_grid()).sum())
    100
    """
    return np.isclose(eps[:, None], np.linspace(0.01, 1, 100)[None, :]).any(axis=1)


def measure_all(norm: Mapping[str, np.ndarray], neighbours: np.ndarray, eps: np.ndarray, edges: np.ndarray,
                depth: int) -> dict[str, tuple[int, np.ndarray, np.ndarray]]:
    """Local search from every cell of each landscape: local minima, fractions within ``eps`` of the global
    minimum, binned preimage sizes (:func:`~nascompanion.theory.montecarlo.one_draw`)."""
    return {name: one_draw(values, neighbours, eps, edges, depth, "global") for name, values in norm.items()}


def theorem51_fitted(hist: Mapping[str, Eq53Fit], rho: Mapping[str, float], sigma_e: Mapping[str, float],
                     b: np.ndarray, s: int, depth: int) -> dict[tuple[str, str, str], N.TheoryCurves]:
    """Theorem 5.1 up to the ``depth``-th preimage for every landscape, local density and reading.

    Parameters
    ----------
    hist
        The histogram fit of Eq. 5.3 per landscape (``pdf_n``).
    rho
        The lag-1 correlation per landscape (the ``RWA`` local density).
    sigma_e
        sigma_e fitted to the pairs per landscape (the ``centred`` local density).
    b
        Measured branching fractions.
    s
        Degree of the graph.
    depth
        Deepest preimage.

    Returns
    -------
    dict
        ``(landscape, local density, reading)`` -> curves, in the order of the loops.
    """
    pdf_e = {}
    for name in hist:
        pdf_e[(name, "RWA")] = N.eq53_pdf_e_conditional(hist[name].v, hist[name].sigma, rho[name])
        pdf_e[(name, "centred")] = N.eq53_pdf_e(sigma_e[name])
    return {(name, kind, r): N.theorem51(N.eq53_pdf_n(hist[name].v, hist[name].sigma), pdf_e[(name, kind)],
                                         s=s, k_max=depth, factors=gf.step_factors(b, r, depth))
            for name in hist for kind in LOCAL_DENSITIES for r in READINGS}


def prediction_errors(curves: Mapping[tuple[str, str, str], N.TheoryCurves],
                      measured: Mapping[str, tuple[int, np.ndarray, np.ndarray]], eps: np.ndarray,
                      cells: int) -> pd.DataFrame:
    """Each prediction against local search: local minima, the fraction within 0.05, the largest predicted
    fraction and the largest error over every eps and over eps > 0 (the linear grid).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(landscape, local density, reading)``, columns the keys of :data:`ERROR_NAMES`.
    """
    at_005 = int(np.flatnonzero(np.isclose(eps, 0.05))[0])
    steps = linear_steps(eps)
    rows = {}
    for (name, kind, r), curve in curves.items():
        pred, seen = curve.within(eps), measured[name][1]
        rows[(name, kind, r)] = {"minima measured": measured[name][0],
                                 "minima predicted": cells * curve.minima_fraction(),
                                 "within 0.05 measured": seen[at_005], "within 0.05 predicted": pred[at_005],
                                 "largest predicted": pred.max(), "max |error| over eps": np.abs(pred - seen).max(),
                                 "max |error| over eps > 0": np.abs(pred - seen)[steps].max()}
    return pd.DataFrame(rows).T


def lowest_bin_table(curves: Mapping[tuple[str, str, str], N.TheoryCurves],
                     measured: Mapping[str, tuple[int, np.ndarray, np.ndarray]], edges: np.ndarray) -> pd.DataFrame:
    """The lowest loss bin per landscape: Lemma 5.2 averaged over the bin under each local density
    (``b0=1``), against the measured full preimage."""
    low = {name: [bin_average(curves[(name, k, "b0=1")].full_preimage, curves[(name, k, "b0=1")].grid, edges)[0]
                  for k in LOCAL_DENSITIES] + [measured[name][2][-1][0]] for name in measured}
    return pd.DataFrame(low, index=["predicted, lowest bin (RWA, b0=1)", "predicted, lowest bin (centred, b0=1)",
                                    "measured, lowest bin"]).T
