"""ANASOD's searches on NAS-Bench-201: over the operation distribution of a cell (Wan et al., 2021).

An NB201 cell has ``N = 6`` edges, each carrying one of ``k = 5`` operations.
Its ANASOD encoding forgets the wiring and keeps only how many edges carry each
operation: a count vector ``p`` with ``sum(p) = N`` (the normalised encoding is
``p / N``, a point of the probability simplex). The ``C(N + k - 1, k - 1) = C(10, 4) = 210``
count vectors form a regular grid on the simplex; two grid points are neighbours
when one unit moves from one operation to another.

This module holds the encoding (:func:`encoding_grid`, :func:`cell_encodings`),
the rounding of a simplex point to the grid (:func:`round_to_grid`, the paper's
Eq. 1), the grid neighbourhood (:func:`grid_neighbours`), sampling a cell from
an encoding (:func:`sample_cell`) and four searches: ANASOD-RS, biased ANASOD-RS
(Eq. 3), ANASOD-LS (Appendix B, Algorithm 3) and ANASOD-BO (Algorithm 2).
Every search gets a budget of distinct architecture queries, like the package's
own algorithms, so their curves sit beside the others in the comparison. The
analyses of the paper's claims (its Table 1) are in :mod:`nascompanion.related.anasod`.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from math import comb

import numpy as np
from scipy.special import ndtr
from threadpoolctl import threadpool_limits

from nascompanion.search.candidates import check_budget
from nascompanion.search.history import SearchResult
from nascompanion.search.local_search import best_first
from nascompanion.search.query_log import QueryLog, TrialView
from nascompanion.spaces import nb201
from nascompanion.spaces.table import TableSpace

N_EDGES = nb201.N_EDGES
N_OPS = nb201.N_OPS
SEARCHES: tuple[str, ...] = ("anasod_rs", "anasod_biased_rs", "anasod_ls", "anasod_bo")
"""Registry names (:mod:`nascompanion.search.registry`) of the four ANASOD searches."""


def n_encodings(n: int = N_EDGES, k: int = N_OPS) -> int:
    """Number of ANASOD encodings, ``C(n + k - 1, k - 1)`` (paper, Sec. 3.1).

    Examples
    --------
    >>> n_encodings(), n_encodings(14, 8)
    (210, 116280)
    """
    return comb(n + k - 1, k - 1)


@lru_cache(maxsize=8)
def encoding_grid(n: int = N_EDGES, k: int = N_OPS) -> np.ndarray:
    """All count vectors of ``k`` non-negative integers summing to ``n``.

    Parameters
    ----------
    n
        Number of operation blocks (edges) in a cell.
    k
        Number of candidate operations.

    Returns
    -------
    numpy.ndarray
        Shape ``(C(n + k - 1, k - 1), k)``, rows in lexicographic order; row
        ``e`` is encoding ``e`` throughout this module.

    Examples
    --------
    >>> encoding_grid(2, 3).tolist()
    [[0, 0, 2], [0, 1, 1], [0, 2, 0], [1, 0, 1], [1, 1, 0], [2, 0, 0]]
    """
    if n < 0 or k < 1:
        raise ValueError(f"need n >= 0 and k >= 1, got n={n}, k={k}")
    rows = []
    for bars in combinations(range(n + k - 1), k - 1):  # stars and bars
        edges = (-1, *bars, n + k - 1)
        rows.append([edges[i + 1] - edges[i] - 1 for i in range(k)])
    grid = np.array(sorted(rows), dtype=np.int64).reshape(-1, k)
    grid.setflags(write=False)
    return grid


def grid_index(counts: np.ndarray, n: int = N_EDGES, k: int = N_OPS) -> np.ndarray | int:
    """Row of :func:`encoding_grid` of each count vector.

    Raises
    ------
    ValueError
        If a row is not ``k`` non-negative integers summing to ``n``.
    """
    counts = np.asarray(counts)
    rows = np.atleast_2d(counts)
    if rows.shape[-1] != k or (rows < 0).any() or (rows.sum(axis=1) != n).any():
        raise ValueError(f"count vectors must have {k} non-negative entries summing to {n}, got {counts.tolist()}")
    lookup = _lookup(n, k)
    out = lookup[rows @ (n + 1) ** np.arange(k - 1, -1, -1)]
    return int(out[0]) if counts.ndim == 1 else out


@lru_cache(maxsize=8)
def _lookup(n: int, k: int) -> np.ndarray:
    grid = encoding_grid(n, k)
    table = np.full((n + 1) ** k, -1, dtype=np.int64)
    table[grid @ (n + 1) ** np.arange(k - 1, -1, -1)] = np.arange(grid.shape[0])
    return table


def op_counts(ops: np.ndarray, k: int = N_OPS) -> np.ndarray:
    """Unnormalised ANASOD encoding ``p`` (operation counts) of op-code rows.

    Examples
    --------
    >>> op_counts(np.array([[3, 3, 3, 3, 2, 2]])).tolist()
    [[0, 0, 2, 4, 0]]
    """
    ops = np.atleast_2d(np.asarray(ops))
    return (ops[:, :, None] == np.arange(k)).sum(axis=1)


@lru_cache(maxsize=1)
def cell_encodings() -> np.ndarray:
    """Encoding (row of :func:`encoding_grid`) of every NB201 cell, in benchmark index order."""
    out = grid_index(op_counts(nb201.ops_matrix()))
    out.setflags(write=False)
    return out


@lru_cache(maxsize=1)
def encoding_members() -> tuple[np.ndarray, ...]:
    """Benchmark indices of the cells of each encoding (a partition of the 15,625 cells)."""
    codes = cell_encodings()
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_encodings() + 1))
    return tuple(order[bounds[e]:bounds[e + 1]] for e in range(n_encodings()))


def round_to_grid(p: np.ndarray, n: int = N_EDGES) -> np.ndarray:
    """Snap points of the probability simplex to the nearest valid counts (paper, Eq. 1).

    With ``m = n * p``, floors are kept and the ``g(m) = n - sum(floor(m))``
    entries with the largest fractional parts are rounded up (ties go to the
    lower operation index). Bomze et al. (2014) prove this is the closest grid
    point to ``m`` in every ``l_p`` norm, ``p >= 1``.

    Parameters
    ----------
    p
        Shape ``(k,)`` or ``(m, k)``: non-negative rows summing to 1.
    n
        Grid resolution (edges of a cell).

    Returns
    -------
    numpy.ndarray
        Integer counts of the same shape, each row summing to ``n``.

    Raises
    ------
    ValueError
        If a row is negative or does not sum to 1 (to 1e-8).

    Examples
    --------
    >>> round_to_grid(np.array([0.5, 0.3, 0.2, 0.0, 0.0])).tolist()
    [3, 2, 1, 0, 0]
    """
    p = np.asarray(p, dtype=float)
    rows = np.atleast_2d(p)
    if (rows < -1e-12).any() or not np.allclose(rows.sum(axis=1), 1.0, atol=1e-8, rtol=0):
        raise ValueError("round_to_grid needs points of the probability simplex (non-negative, summing to 1)")
    m = np.clip(rows, 0.0, None) * n
    floor = np.floor(m)
    frac = m - floor
    g = (n - floor.sum(axis=1)).round().astype(np.int64)
    order = np.argsort(-frac, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(rows.shape[1])[None, :].repeat(rows.shape[0], 0), axis=1)
    out = (floor + (rank < g[:, None])).astype(np.int64)
    return out[0] if p.ndim == 1 else out


def grid_neighbours(counts: np.ndarray) -> np.ndarray:
    """Grid points one unit away: one block moves from operation ``i`` to operation ``j``.

    Examples
    --------
    The paper's example (App. A.1), ``N = 5``, ``k = 3``:

    >>> sorted(grid_neighbours(np.array([1, 1, 3])).tolist())
    [[0, 1, 4], [0, 2, 3], [1, 0, 4], [1, 2, 2], [2, 0, 3], [2, 1, 2]]
    """
    counts = np.asarray(counts, dtype=np.int64)
    out = []
    for i in range(counts.size):
        if counts[i] == 0:
            continue
        for j in range(counts.size):
            if j != i:
                moved = counts.copy()
                moved[i] -= 1
                moved[j] += 1
                out.append(moved)
    return np.array(out, dtype=np.int64).reshape(-1, counts.size)


@lru_cache(maxsize=8)
def grid_neighbour_table(n: int = N_EDGES, k: int = N_OPS) -> np.ndarray:
    """Neighbours of every encoding as a table padded with the encoding itself.

    Returns
    -------
    numpy.ndarray
        Shape ``(C(n + k - 1, k - 1), k * (k - 1))``. Padding with the row's own
        index is harmless for local search, which moves only on a strict
        improvement, so the table can go straight to
        :func:`nascompanion.landscape.landscape_stats`.
    """
    grid = encoding_grid(n, k)
    width = k * (k - 1)
    table = np.repeat(np.arange(grid.shape[0])[:, None], width, axis=1)
    for e, counts in enumerate(grid):
        nbrs = grid_index(grid_neighbours(counts), n, k)
        table[e, :nbrs.size] = nbrs
    table.setflags(write=False)
    return table


def sample_cell(counts: np.ndarray, rng: np.random.Generator) -> int:
    """A uniformly random NB201 cell with the given operation counts.

    The multiset of operations is shuffled over the six edges; every cell of
    the encoding is equally likely (the paper's first decoding, Sec. 3.1).

    Examples
    --------
    >>> cell = sample_cell(np.array([0, 0, 2, 4, 0]), np.random.default_rng(0))
    >>> op_counts(nb201.ops_matrix()[cell]).tolist()
    [[0, 0, 2, 4, 0]]
    """
    counts = np.asarray(counts, dtype=np.int64)
    if counts.shape != (N_OPS,) or (counts < 0).any() or counts.sum() != N_EDGES:
        raise ValueError(f"an NB201 encoding is {N_OPS} counts summing to {N_EDGES}, got {counts.tolist()}")
    ops = rng.permutation(np.repeat(np.arange(N_OPS), counts))
    return nb201.ops_to_index(ops)


# --------------------------------------------------------------------------- searches


class _Trial(TrialView):
    """A trial view with ANASOD's moves: one query at a time, a fresh cell of an encoding (internal)."""

    def ask_one(self, arch: int) -> None:
        if self.ask(np.array([arch]), iteration=self.count) != 1:
            raise ValueError(f"architecture {arch} queried twice")

    def fresh_member(self, encoding: int) -> int | None:
        """A uniformly random not-yet-queried cell of ``encoding`` (``None`` if exhausted)."""
        cells = self.log.unqueried(self.trial, encoding_members()[encoding])
        return int(self.rng.choice(cells)) if cells.size else None

    def best_encoding(self) -> int:
        return int(cell_encodings()[self.best])


def _each_trial(space: TableSpace, losses, budget: int, rng: np.random.Generator, name: str, walk) -> SearchResult:
    """Run ``walk(trial_view)`` for every trial in turn on one stream ``rng``."""
    if space.size != nb201.N_ARCHS:
        raise ValueError(f"ANASOD searches NAS-Bench-201 cells; space {space.name!r} has {space.size} architectures")
    losses = check_budget(space, losses, budget)
    log = QueryLog(losses, budget)
    for t in range(losses.trials):
        walk(_Trial(log, t, rng))
    return log.result(name)


def _dirichlet_encoding(rng: np.random.Generator, centre: np.ndarray | None, beta: float) -> int:
    """Round a draw of ``Dir(k * beta * centre + 1)`` (Eq. 3; ``beta = 0`` is uniform) to the grid."""
    alpha = np.ones(N_OPS) if centre is None else N_OPS * beta * centre + 1.0
    return grid_index(round_to_grid(rng.dirichlet(alpha)))


def anasod_random_search(space: TableSpace, losses, budget: int, rng: np.random.Generator,
                         beta_max: float = 0.0) -> SearchResult:
    """ANASOD-RS (``beta_max = 0``) or biased ANASOD-RS (paper, Sec. 3.2, Eq. 3), in every trial of ``losses``.

    Each query draws an encoding from ``Dir(k * beta_t * p* + 1)``, rounds it to
    the grid and queries a not-yet-queried cell of it; ``p*`` is the normalised
    encoding of the best cell so far and ``beta_t = t * beta_max / T`` rises
    linearly over the budget ``T`` (App. A.1; the paper uses ``beta_max = 2``).
    """
    grid = encoding_grid()

    def walk(state: _Trial) -> None:
        while not state.done:
            centre = None if state.best < 0 or beta_max == 0 else grid[state.best_encoding()] / N_EDGES
            arch = state.fresh_member(_dirichlet_encoding(rng, centre, state.count * beta_max / budget))
            if arch is not None:
                state.ask_one(arch)

    return _each_trial(space, losses, budget, rng, "anasod_biased_rs" if beta_max else "anasod_rs", walk)


def _uniform_start(state: _Trial, n_init: int, budget: int) -> None:
    """``n_init`` cells, each a fresh member of a uniform-Dirichlet encoding."""
    while state.count < min(n_init, budget):
        arch = state.fresh_member(_dirichlet_encoding(state.rng, None, 0.0))
        if arch is not None:
            state.ask_one(arch)


def anasod_local_search(space: TableSpace, losses, budget: int, rng: np.random.Generator,
                        n_init: int = 10) -> SearchResult:
    """ANASOD-LS (paper, App. B): local search on the encoding grid, then on cells, in every trial.

    ``n_init`` random encodings (uniform Dirichlet, one cell each) start it.
    Phase 1 repeatedly takes the encoding of the best cell so far and queries
    one fresh cell of each of its grid neighbours; when no neighbour improves
    the best loss, phase 2 continues from the best cell with the package's own
    ``continue_at_min`` local search on the cell graph
    (:func:`nascompanion.search.local_search.best_first`), on the same log.
    """
    table = grid_neighbour_table()

    def walk(state: _Trial) -> None:
        _uniform_start(state, n_init, budget)
        while not state.done:  # phase 1: the encoding grid
            before = state.val[state.best]
            e = state.best_encoding()
            for nbr in rng.permutation(np.unique(table[e][table[e] != e])):
                if state.done:
                    break
                arch = state.fresh_member(int(nbr))
                if arch is not None:
                    state.ask_one(arch)
            if not state.val[state.best] < before:
                break
        if not state.done:  # phase 2: the cell graph
            best_first(state, space, 1, start=state.best)

    return _each_trial(space, losses, budget, rng, "anasod_ls", walk)


def _matern52(x: np.ndarray, y: np.ndarray, lengthscale: float) -> np.ndarray:
    d = np.sqrt(np.maximum(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1), 0.0)) / lengthscale
    return (1.0 + np.sqrt(5) * d + 5.0 / 3.0 * d**2) * np.exp(-np.sqrt(5) * d)


def _gp_fit(x: np.ndarray, y: np.ndarray):
    """Matérn-5/2 GP by marginal likelihood over a grid (App. A.1 bounds); returns a predictor."""
    best = None
    n = y.size
    for ls in (0.05, 0.1, 0.2, 0.3, 0.5):
        base = _matern52(x, x, ls)
        for noise in (1e-4, 1e-2, 1e-1):
            # for a fixed lengthscale and noise/outputscale ratio the best outputscale is y'K^-1y / n
            k = base + noise * np.eye(n)
            chol = np.linalg.cholesky(k + 1e-9 * np.eye(n))
            alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, y))
            scale = float(np.clip(y @ alpha / n, 0.5, 5.0))
            nll = 0.5 * (y @ alpha) / scale + np.log(np.diag(chol)).sum() + 0.5 * n * np.log(scale)
            if best is None or nll < best[0]:
                best = (nll, ls, scale, chol, alpha)
    _, ls, scale, chol, alpha = best

    def predict(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        kz = _matern52(z, x, ls)
        mean = kz @ alpha
        v = np.linalg.solve(chol, kz.T)
        var = np.maximum(1.0 - (v**2).sum(0), 1e-12) * scale
        return mean, np.sqrt(var)

    return predict


def _expected_improvement(mean: np.ndarray, sd: np.ndarray, best: float) -> np.ndarray:
    z = (best - mean) / sd
    return (best - mean) * ndtr(z) + sd * np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)


def anasod_bo(space: TableSpace, losses, budget: int, rng: np.random.Generator, n_init: int = 10,
              pool: int = 200, beta_max: float = 8.0) -> SearchResult:
    """ANASOD-BO (paper, Algorithm 2): GP-BO on the encoding with a Dirichlet trust region.

    A GP with a Matérn-5/2 kernel models the standardised log error of a cell
    as a function of its normalised encoding ``p / N`` in ``[0, 1]^k``; the
    lengthscale (in [0.05, 0.5]), outputscale ([0.5, 5]) and noise are chosen
    by marginal likelihood over a small grid. Each step draws ``pool``
    candidate encodings from ``Dir(k * beta * p* + 1)``, rounds them to the grid
    and queries a fresh cell of the one with the largest expected improvement.
    The trust region follows Sec. 3.2: ``beta`` halves after an improvement
    (towards the uniform Dirichlet) and doubles after a failure, up to
    ``beta_max`` (our choice: start at 1, floor 0.25).
    """
    with threadpool_limits(1):  # small matrices: threaded BLAS only adds contention
        return _each_trial(space, losses, budget, rng, "anasod_bo",
                           lambda state: _anasod_bo(state, budget, n_init, pool, beta_max))


def _anasod_bo(state: _Trial, budget: int, n_init: int, pool: int, beta_max: float) -> None:
    rng = state.rng
    grid = encoding_grid() / N_EDGES
    _uniform_start(state, n_init, budget)
    beta = 1.0
    codes = cell_encodings()
    while not state.done:
        archs = state.log.archs[state.trial, : state.count]
        y = np.log(np.maximum(state.val[archs], 1e-9))
        y = (y - y.mean()) / (y.std() or 1.0)
        predict = _gp_fit(grid[codes[archs]], y)
        centre = grid[state.best_encoding()]
        alpha = N_OPS * beta * centre + 1.0
        candidates = np.unique(grid_index(round_to_grid(rng.dirichlet(alpha, size=pool))))
        mean, sd = predict(grid[candidates])
        ei = _expected_improvement(mean, sd, float(y.min()))
        before = state.val[state.best]
        for e in candidates[np.argsort(-ei, kind="stable")]:
            arch = state.fresh_member(int(e))
            if arch is not None:
                state.ask_one(arch)
                break
        else:
            state.ask_one(int(rng.choice(np.flatnonzero(~state.log.queried[state.trial]))))
        beta = beta / 2 if state.val[state.best] < before else beta * 2
        beta = float(np.clip(beta, 0.25, beta_max))
