"""Eq. 5.3 and the random walk autocorrelation fitted to NAS-Bench-201 (paper, Sec. 5, "Simulation Results").

The paper matches ``sigma`` and ``v`` of Eq. 5.3 to each histogram "by the
closest-fitting values" without saying how losses are put on ``[0, 1]``. Here
both are explicit: a normalisation from :data:`NORMALISATIONS` and a fit by
maximum likelihood or by least squares on the histogram.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nascompanion.spaces.table import TableSpace, as_neighbour_table
from scipy.optimize import minimize
from scipy.special import ndtr

from nascompanion.theory.numeric import truncated_normal

NORMALISATIONS: tuple[str, ...] = ("percent", "minmax")
"""``percent``: loss / 100 (an error rate in [0, 1]); ``minmax``: (loss - min) / (max - min)."""

METHODS: tuple[str, ...] = ("mle", "histogram")

def normalise(losses: np.ndarray, how: str) -> np.ndarray:
    """Put losses (``100 - accuracy``, in %) on ``[0, 1]``.

    Examples
    --------
    >>> normalise(np.array([10.0, 20.0, 50.0]), "minmax").tolist()
    [0.0, 0.25, 1.0]
    """
    losses = np.asarray(losses, dtype=float)
    if how == "percent":
        return losses / 100.0
    if how == "minmax":
        return (losses - losses.min()) / (losses.max() - losses.min())
    raise ValueError(f"unknown normalisation {how!r}; allowed: {', '.join(NORMALISATIONS)}")

@dataclass(frozen=True)
class Eq53Fit:
    """A fitted truncated normal: mean ``v`` and std ``sigma`` on ``[0, 1]`` (Eq. 5.3)."""

    v: float
    sigma: float
    method: str

    def pdf(self, u: np.ndarray) -> np.ndarray:
        """The fitted density."""
        return truncated_normal(u, self.v, self.sigma)

def _negloglik(params: np.ndarray, data: np.ndarray) -> float:
    v, log_sigma = params
    sigma = np.exp(log_sigma)
    mass = ndtr((1 - v) / sigma) - ndtr(-v / sigma)
    if mass <= 0:
        return np.inf
    z = (data - v) / sigma
    return float(np.sum(0.5 * z**2) + data.size * (np.log(sigma) + np.log(mass)))

def fit_eq53(data: np.ndarray, method: str = "mle", bins: int = 50) -> Eq53Fit:
    """Fit ``v`` and ``sigma`` of Eq. 5.3 to losses on ``[0, 1]``.

    Parameters
    ----------
    data
        Normalised losses.
    method
        ``"mle"``: maximum likelihood of the truncated normal; ``"histogram"``:
        least squares between the density histogram (``bins`` bins on [0, 1])
        and the density at bin centres.

    Notes
    -----
    Eq. 5.3, read as a normal with mean ``v`` truncated to ``[0, 1]``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> fit = fit_eq53(np.clip(rng.normal(0.3, 0.1, 20000), 0, 1))
    >>> round(fit.v, 2), round(fit.sigma, 2)
    (0.3, 0.1)
    """
    data = np.asarray(data, dtype=float)
    if data.size == 0 or data.min() < 0 or data.max() > 1:
        raise ValueError("data must be non-empty and inside [0, 1]; normalise it first")
    start = np.array([np.median(data), np.log(max(data.std(), 1e-3))])
    if method == "mle":
        objective = lambda p: _negloglik(p, data)
    elif method == "histogram":
        heights, edges = np.histogram(data, bins=bins, range=(0, 1), density=True)
        centres = 0.5 * (edges[1:] + edges[:-1])
        objective = lambda p: float(np.sum((truncated_normal(centres, p[0], np.exp(p[1])) - heights) ** 2))
    else:
        raise ValueError(f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
    result = minimize(objective, start, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-9, "maxiter": 4000})
    return Eq53Fit(float(result.x[0]), float(np.exp(result.x[1])), method)

def neighbour_pairs(losses: np.ndarray, neighbours: TableSpace | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(l(v), l(u))`` over all ordered neighbouring pairs (Figure 5.2)."""
    table = as_neighbour_table(neighbours)
    return np.repeat(losses, table.shape[1]), np.asarray(losses)[table].ravel()

def random_walk_autocorrelation(
    losses: np.ndarray, neighbours: TableSpace | np.ndarray, rng: np.random.Generator, lags: int = 10, walks: int = 200, length: int = 500
) -> np.ndarray:
    """Random walk autocorrelation (RWA) at lags ``1..lags`` (Weinberger 1990; paper, Sec. 5).

    ``walks`` independent uniform random walks of ``length`` steps from uniform
    starts; the correlation of ``(l(w_t), l(w_{t+lag}))`` pooled over walks.
    """
    table = as_neighbour_table(neighbours)
    position = rng.integers(table.shape[0], size=walks)
    path = np.empty((length, walks), dtype=np.int64)
    for t in range(length):
        path[t] = position
        position = table[position, rng.integers(table.shape[1], size=walks)]
    values = np.asarray(losses)[path]
    return np.array([np.corrcoef(values[:-lag].ravel(), values[lag:].ravel())[0, 1] for lag in range(1, lags + 1)])

def fit_local_sigma(losses: np.ndarray, neighbours: TableSpace | np.ndarray) -> float:
    """Maximum-likelihood ``sigma_e`` of ``pdf_e(x, y)`` = truncated normal in ``y`` with mean ``x``.

    Notes
    -----
    Our reading of the local density (Eq. 5.3 centred on the current loss),
    fitted to every ordered neighbouring pair.
    """
    x_, y_ = neighbour_pairs(losses, neighbours)

    def objective(log_sigma: np.ndarray) -> float:
        sigma = float(np.exp(log_sigma[0]))
        log_mass = np.log(ndtr((1 - x_) / sigma) - ndtr(-x_ / sigma))
        return float(np.sum(0.5 * ((y_ - x_) / sigma) ** 2 + np.log(sigma) + log_mass))

    result = minimize(objective, np.array([np.log(np.std(y_ - x_))]), method="Nelder-Mead")
    return float(np.exp(result.x[0]))

def rwa_local_sigma(sigma_n: float, rho: float) -> float:
    """``sigma_n sqrt(1 - rho^2)``: the conditional std of a neighbour given RWA lag-1 correlation ``rho``."""
    if not -1 <= rho <= 1:
        raise ValueError(f"rho must be in [-1, 1], got {rho}")
    return float(sigma_n * np.sqrt(1 - rho**2))

