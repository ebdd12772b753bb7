"""Theorem 5.1 and Lemma 5.2 for any densities, on a grid (paper, Sec. 5).

``pdf_n(x)`` and ``pdf_e(x, y)`` are vectorised callables on ``[0, 1]``. Every
integral is a trapezoid rule on one grid of losses, so ``E|LS^{-k}(y)|`` is a
vector over the grid and each step of Eq. 5.2 is one matrix-vector product:
``O(m^2)`` per step instead of ``k`` nested adaptive quadratures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import ndtr

Density1 = Callable[[np.ndarray], np.ndarray]
Density2 = Callable[[np.ndarray, np.ndarray], np.ndarray]


def truncated_normal(u: np.ndarray, mean: np.ndarray | float, sigma: float) -> np.ndarray:
    """Eq. 5.3: a normal density with ``mean`` and ``sigma``, truncated to ``[0, 1]``.

    Notes
    -----
    The paper writes "mean u - v"; the formula it prints is a normal with mean
    ``v`` (here ``mean``) renormalised on ``[0, 1]``, which is what this computes.

    Examples
    --------
    >>> from scipy.integrate import quad
    >>> round(quad(lambda u: truncated_normal(u, 0.25, 0.18), 0, 1)[0], 10)
    1.0
    """
    if sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    u = np.asarray(u, dtype=float)
    mean = np.asarray(mean, dtype=float)
    mass = ndtr((1 - mean) / sigma) - ndtr(-mean / sigma)
    dens = np.exp(-0.5 * ((u - mean) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi) * mass)
    return np.where((u >= 0) & (u <= 1), dens, 0.0)


def eq53_pdf_n(v: float, sigma: float) -> Density1:
    """Global density of Eq. 5.3: truncated normal with mean ``v``."""
    return lambda u: truncated_normal(u, v, sigma)


def eq53_pdf_e(sigma: float) -> Density2:
    """Local density: ``pdf_e(x, y)`` = truncated normal in ``y`` centred on the current loss ``x``.

    Notes
    -----
    Our reading of Eq. 5.3 for ``pdf_e`` (the paper does not say where it is
    centred): a neighbour's loss is near the current loss.
    """
    return lambda x_, y_: truncated_normal(y_, x_, sigma)


def eq53_pdf_e_conditional(v: float, sigma: float, rho: float) -> Density2:
    """Local density from the RWA: truncated normal in ``y`` with mean ``v + rho (x - v)``, std ``sigma sqrt(1 - rho^2)``.

    Notes
    -----
    The conditional law of a neighbour's loss when ``(l(v), l(u))`` is a
    Gaussian pair with marginal Eq. 5.3 parameters and correlation ``rho``
    (the lag-1 random walk autocorrelation), truncated to ``[0, 1]``. Unlike
    :func:`eq53_pdf_e` it keeps ``pdf_n`` (nearly) stationary.
    """
    if not -1 < rho < 1:
        raise ValueError(f"rho must be in (-1, 1), got {rho}")
    scale = sigma * np.sqrt(1 - rho**2)
    return lambda x_, y_: truncated_normal(y_, v + rho * (np.asarray(x_) - v), scale)


def uniform_pdf_n(u: np.ndarray) -> np.ndarray:
    """``U([0, 1])`` (Lemma 5.3)."""
    u = np.asarray(u, dtype=float)
    return ((u >= 0) & (u <= 1)).astype(float)


def uniform_pdf_e(x_: np.ndarray, y_: np.ndarray) -> np.ndarray:
    """``pdf_e(x, y) = 1`` on ``[0, 1]`` (Lemma 5.3)."""
    return np.broadcast_to(uniform_pdf_n(y_), np.broadcast(x_, y_).shape).astype(float)


def graded_grid(m: int = 1201, power: float = 2.0) -> np.ndarray:
    """Grid on ``[0, 1]``, denser near 0 (``x = t**power``) where ``(1-x)^{s k}`` is steep.

    Examples
    --------
    >>> g = graded_grid(5)
    >>> g.tolist()
    [0.0, 0.0625, 0.25, 0.5625, 1.0]
    """
    if m < 3:
        raise ValueError(f"a grid needs m >= 3 points, got {m}")
    return np.linspace(0.0, 1.0, m) ** power


@dataclass(frozen=True)
class TheoryCurves:
    """Theorem 5.1 and Lemma 5.2 evaluated on a grid.

    Attributes
    ----------
    grid
        Losses ``x`` (increasing, on ``[0, 1]``).
    preimages
        ``E|LS^{-k}(x)|`` for ``k = 0..k_max``, shape ``(k_max + 1, m)``.
    tail
        ``G(x) = int_x^1 pdf_e(x, y) dy``.
    pdf_n
        ``pdf_n`` on the grid.
    s
        Degree.
    """

    grid: np.ndarray
    preimages: np.ndarray
    tail: np.ndarray
    pdf_n: np.ndarray
    s: int

    @property
    def full_preimage(self) -> np.ndarray:
        """``E|LS^{-*}(x)|`` truncated at ``k_max``."""
        return self.preimages.sum(axis=0)

    def minima_fraction(self) -> float:
        """Theorem 5.1, first part, divided by ``n``."""
        return float(np.trapezoid(self.pdf_n * self.tail**self.s, self.grid))

    def within(self, eps: np.ndarray) -> np.ndarray:
        """Theorem 5.1, second part, divided by ``n``, at each ``eps`` (``l(v*) = 0``)."""
        integrand = self.pdf_n * self.tail**self.s * self.full_preimage
        steps = np.diff(self.grid) * 0.5 * (integrand[1:] + integrand[:-1])
        cumulative = np.concatenate([[0.0], np.cumsum(steps)])
        return np.interp(np.asarray(eps, dtype=float), self.grid, cumulative)


def _tail_weights(grid: np.ndarray) -> np.ndarray:
    """``W[i, j]`` with ``sum_j W[i, j] f(y_j) ~= int_{x_i}^1 f(y) dy`` (trapezoid)."""
    h = np.diff(grid)
    m = grid.size
    left = np.concatenate([h, [0.0]]) / 2  # weight of y_j as the left end of its interval
    right = np.concatenate([[0.0], h]) / 2  # weight of y_j as the right end
    j = np.arange(m)
    return np.where(j[None, :] > j[:, None], left + right, 0.0) + np.diag(left)


def theorem51(
    pdf_n: Density1,
    pdf_e: Density2,
    s: int,
    k_max: int = 5,
    factors: np.ndarray | None = None,
    grid: np.ndarray | None = None,
) -> TheoryCurves:
    """Evaluate Lemma 5.2 up to the ``k_max``-th preimage and the pieces of Theorem 5.1.

    Parameters
    ----------
    pdf_n, pdf_e
        Global and local densities on ``[0, 1]``, vectorised (``pdf_e`` broadcasts
        ``x[:, None]`` against ``y[None, :]``).
    s
        Degree of the neighbourhood graph.
    k_max
        Deepest preimage (the paper uses 5).
    factors
        Factor of each step ``k = 1..k_max`` in Eq. 5.2 (``b_{k-1}``; see
        :func:`~nascompanion.theory.graph_facts.step_factors`); default all 1.
    grid
        Losses to evaluate on; default :func:`graded_grid`.

    Returns
    -------
    TheoryCurves

    Notes
    -----
    Eq. 5.1: ``E|LS^{-1}(x)| = s int_x^1 pdf_e(x, y) H(y, x)^{s-1} dy`` with
    ``H(y, x) = int_x^1 pdf_e(y, z) dz``; Eq. 5.2:
    ``E|LS^{-k}(x)| = f_k E|LS^{-1}(x)| int_x^1 pdf_e(x, y) E|LS^{-(k-1)}(y)| dy / G(x)``.

    Examples
    --------
    >>> curves = theorem51(uniform_pdf_n, uniform_pdf_e, s=24)
    >>> round(curves.minima_fraction() * 25, 4)
    1.0
    """
    if s < 1 or k_max < 0:
        raise ValueError(f"need s >= 1 and k_max >= 0, got s={s}, k_max={k_max}")
    grid = graded_grid() if grid is None else np.asarray(grid, dtype=float)
    factors = np.ones(k_max) if factors is None else np.asarray(factors, dtype=float)
    if factors.size < k_max:
        raise ValueError(f"need {k_max} step factors, got {factors.size}")
    local = np.asarray(pdf_e(grid[:, None], grid[None, :]), dtype=float)  # local[i, j] = pdf_e(x_i, y_j)
    weighted = _tail_weights(grid) * local
    tail = weighted.sum(axis=1)
    first = _first_preimage(grid, local, weighted, s)
    out = _preimages(weighted, tail, first, factors, k_max)
    return TheoryCurves(grid, out, tail, np.asarray(pdf_n(grid), dtype=float), int(s))


def _first_preimage(grid: np.ndarray, local: np.ndarray, weighted: np.ndarray, s: int) -> np.ndarray:
    """Eq. 5.1 on the grid: ``E|LS^{-1}(x_i)| = s sum_j W[i, j] pdf_e(x_i, y_j) H(y_j, x_i)^{s-1}``."""
    # H[j, i] = int_{x_i}^1 pdf_e(y_j, z) dz, for every neighbour loss y_j and threshold x_i
    h = np.diff(grid)
    pieces = 0.5 * h[None, :] * (local[:, 1:] + local[:, :-1])
    upper = np.concatenate([np.cumsum(pieces[:, ::-1], axis=1)[:, ::-1], np.zeros((grid.size, 1))], axis=1)
    return s * (weighted * np.clip(upper.T, 0.0, None) ** (s - 1)).sum(axis=1)


def _preimages(weighted: np.ndarray, tail: np.ndarray, first: np.ndarray, factors: np.ndarray,
               k_max: int) -> np.ndarray:
    """Eq. 5.2's recursion: ``E|LS^{-k}(x)|`` for ``k = 0..k_max`` (0 where ``G(x) = 0``), shape ``(k_max + 1, m)``."""
    out = np.empty((k_max + 1, tail.size))
    out[0] = 1.0
    safe = np.where(tail > 0, tail, 1.0)
    for k in range(1, k_max + 1):
        average = (weighted @ out[k - 1]) / safe if k > 1 else 1.0
        out[k] = np.where(tail > 0, factors[k - 1] * first * average, 0.0)
    return out


def naive_within(pdf_n: Density1, pdf_e: Density2, s: int, eps: float, k_max: int = 2, factors=None) -> float:
    """Theorem 5.1 by nested :func:`scipy.integrate.quad` (slow baseline, ``k_max <= 2``)."""
    from scipy.integrate import quad  # slow to import; only this baseline

    if k_max > 2:
        raise ValueError("the nested-quad baseline is only feasible for k_max <= 2")
    f = np.ones(k_max) if factors is None else np.asarray(factors, dtype=float)

    def tail(x_: float) -> float:
        return quad(lambda y_: float(pdf_e(x_, y_)), x_, 1)[0]

    def first(x_: float) -> float:
        inner = lambda y_: float(pdf_e(x_, y_)) * quad(lambda z_: float(pdf_e(y_, z_)), x_, 1)[0] ** (s - 1)
        return s * quad(inner, x_, 1)[0]

    def preimage(x_: float) -> float:
        total = 1.0
        if k_max >= 1:
            e1 = f[0] * first(x_)
            total += e1
            if k_max == 2:
                g = tail(x_)
                num = quad(lambda y_: float(pdf_e(x_, y_)) * f[0] * first(y_), x_, 1, limit=20)[0]
                total += f[1] * first(x_) * num / g if g > 0 else 0.0
        return total

    return quad(lambda x_: float(pdf_n(x_)) * tail(x_) ** s * preimage(x_), 0, eps, limit=20)[0]


def theorem51_by_reading(pdf_n: Density1, pdf_e: Density2, s: int, factors: dict, k_max: int) -> dict[str, TheoryCurves]:
    """:func:`theorem51` up to the ``k_max``-th preimage under each reading's step factors (the first
    ``k_max`` of each).

    Examples
    --------
    >>> curves = theorem51_by_reading(uniform_pdf_n, uniform_pdf_e, 24, {"tree": np.ones(60)}, 3)
    >>> list(curves), round(curves["tree"].minima_fraction() * 25, 4)
    (['tree'], 1.0)
    """
    return {reading: theorem51(pdf_n, pdf_e, s=s, k_max=k_max, factors=f[:k_max]) for reading, f in factors.items()}
