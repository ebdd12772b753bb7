"""PVLL-NAS's search on NAS-Bench-201 with benchmark losses (Li et al., "proxy validation loss landscape").

PVLL-NAS learns an estimator ``psi`` from an architecture weight ``H`` (one
one-hot row per edge) to the validation loss normalised to [0, 1], samples the
next architecture with a Gumbel-softmax sampler over architecture parameters
``A`` (Eq. 3), and moves ``A`` down the gradient of ``psi`` (Eq. 10). The paper
trains a supernet; here the loss of a sampled cell is read from the benchmark
(``error / 100``), which isolates the sampler and the estimator (Algorithm 1):
:func:`pvll_samples` is the sampler's stream, :func:`pvll_search` its first cells
and :func:`pvll` the budgeted search the registry runs. The analysis of the
paper's Figure 3a is in :mod:`nascompanion.related.pvll`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import numpy as np
import torch

from nascompanion.search.candidates import check_budget
from nascompanion.search.history import SearchResult
from nascompanion.search.query_log import QueryLog
from nascompanion.spaces import nb201
from nascompanion.spaces.table import TableSpace

N_EDGES = nb201.N_EDGES
N_OPS = nb201.N_OPS


@dataclass(frozen=True)
class PVLLSettings:
    """Settings of Algorithm 1 (paper, Sec. 5.1 values where given).

    Attributes
    ----------
    tau
        Gumbel-softmax temperature (paper: 0.1).
    lr
        Adam learning rate of the architecture parameters and the estimator (paper: 0.1
        for both; we use 0.01 for the estimator, which is unstable at 0.1 on 30 inputs).
    hidden
        Width of the estimator's two hidden layers.
    fit_steps
        Full-batch Adam steps when an estimator is trained from scratch.
    refit_steps
        Steps of the warm-started estimator after each new sample during search.
    memory
        Length of the queue of labelled samples the estimator trains on (paper: 100).
    weighted
        Use the weighted MSE of Eq. 8 (our reading: weight ``1 / (eps + |p_t|)``,
        ``p_t`` the estimator's change between consecutive samples, normalised to mean 1).
    """

    tau: float = 0.1
    lr: float = 0.1
    estimator_lr: float = 0.01
    hidden: int = 64
    fit_steps: int = 200
    refit_steps: int = 20
    memory: int = 100
    weighted: bool = True
    eps: float = 0.05


def one_hot(cells: np.ndarray) -> torch.Tensor:
    """Architecture weights ``H`` of benchmark indices: shape ``(m, 6, 5)``, one 1 per row."""
    ops = torch.as_tensor(nb201.ops_matrix()[np.atleast_1d(cells)], dtype=torch.long)
    return torch.nn.functional.one_hot(ops, N_OPS).to(torch.float64)


def gumbel_softmax(a: torch.Tensor, tau: float, generator: torch.Generator) -> torch.Tensor:
    """Eq. 3: ``softmax((A + xi) / tau)`` per edge, ``xi ~ Gumbel(0, 1)``; differentiable in ``A``.

    Examples
    --------
    >>> h = gumbel_softmax(torch.zeros(6, 5, dtype=torch.float64), 0.1, torch.Generator().manual_seed(0))
    >>> tuple(h.shape), bool(torch.allclose(h.sum(-1), torch.ones(6, dtype=torch.float64)))
    ((6, 5), True)
    """
    u = torch.rand(a.shape, generator=generator, dtype=a.dtype).clamp(1e-12, 1 - 1e-12)
    return torch.softmax((a - torch.log(-torch.log(u))) / tau, dim=-1)


def sample_hard(a: torch.Tensor, tau: float, generator: torch.Generator) -> tuple[torch.Tensor, int]:
    """A Gumbel-softmax sample, its discrete cell (arg-max per edge), as one-hot rows and a benchmark index."""
    soft = gumbel_softmax(a, tau, generator)
    ops = soft.argmax(dim=-1)
    hard = torch.nn.functional.one_hot(ops, N_OPS).to(a.dtype)
    return hard, nb201.ops_to_index(ops.numpy())


class Estimator(torch.nn.Module):
    """``psi``: architecture weight (6 x 5) -> estimated normalised loss in [0, 1]."""

    def __init__(self, hidden: int, generator: torch.Generator) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(N_EDGES * N_OPS, hidden), torch.nn.ReLU(),
                                       torch.nn.Linear(hidden, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1))
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=generator, dtype=p.dtype) * (1.0 / np.sqrt(max(p.shape[-1], 1))))
        self.double()

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(h.reshape(*h.shape[:-2], N_EDGES * N_OPS))).squeeze(-1)


def fit_estimator(h: torch.Tensor, y: torch.Tensor, settings: PVLLSettings, generator: torch.Generator,
                  weights: torch.Tensor | None = None, model: Estimator | None = None) -> Estimator:
    """Train ``psi`` by (weighted) MSE, full batch (Eq. 8); a fresh model unless ``model`` is given."""
    steps = settings.fit_steps if model is None else settings.refit_steps
    model = model or Estimator(settings.hidden, generator)
    opt = torch.optim.Adam(model.parameters(), lr=settings.estimator_lr)
    w = torch.ones_like(y) if weights is None else weights
    for _ in range(steps):
        opt.zero_grad()
        loss = (w * (model(h) - y) ** 2).mean()
        loss.backward()
        opt.step()
    return model


def _weights(model: Estimator, h: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        est = model(h)
    change = torch.cat([torch.zeros(1, dtype=est.dtype), (est[1:] - est[:-1]).abs()])
    w = 1.0 / (0.05 + change)
    return w / w.mean()


def pvll_samples(label, warmup: int, rng: np.random.Generator, settings: PVLLSettings = PVLLSettings()):
    """Algorithm 1 as a stream of sampled cells, warm-up first; ``label(cells)`` gives their normalised losses.

    The warm-up draws ``warmup`` uniform cells. Then each step retrains ``psi``
    on the memory (the last ``settings.memory`` samples), takes one Adam step on
    ``A`` down ``grad_A psi(GumbelSoftmax(A))`` (Eq. 10) and samples one cell
    with the sampler. Repeats are allowed.

    Yields
    ------
    int
        Benchmark indices, in sampling order.
    """
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
    cells = [int(c) for c in rng.integers(nb201.N_ARCHS, size=warmup)]
    yield from cells
    model = None
    a = torch.zeros(N_EDGES, N_OPS, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([a], lr=settings.lr)
    while True:
        memory = np.array(cells[-settings.memory:])
        h = one_hot(memory)
        weights = _weights(model, h) if settings.weighted and model is not None else None
        model = fit_estimator(h, label(memory), settings, gen, weights, model)
        opt.zero_grad()
        model(gumbel_softmax(a, settings.tau, gen)).backward()
        opt.step()
        with torch.no_grad():
            _, cell = sample_hard(a, settings.tau, gen)
        cells.append(cell)
        yield cell


def pvll_search(loss: np.ndarray, warmup: int, steps: int, rng: np.random.Generator,
                settings: PVLLSettings = PVLLSettings()) -> np.ndarray:
    """Algorithm 1 with benchmark losses: the first ``warmup + steps`` cells of :func:`pvll_samples`.

    Parameters
    ----------
    loss
        Normalised loss (in [0, 1]) of every cell, benchmark index order.
    warmup
        Size of the uniformly random warm-up population (paper: 100).
    steps
        Search steps after warm-up.
    rng
        Source of randomness (seeds torch's generator too).

    Returns
    -------
    numpy.ndarray
        ``warmup + steps`` benchmark indices, in sampling order (repeats allowed).
    """
    loss_t = torch.as_tensor(np.asarray(loss, dtype=float))
    return np.fromiter(islice(pvll_samples(lambda cells: loss_t[cells], warmup, rng, settings), warmup + steps),
                       dtype=np.int64, count=warmup + steps)


def pvll(space: TableSpace, losses, budget: int, rng: np.random.Generator, warmup: int = 100,
         settings: PVLLSettings = PVLLSettings(), scale: float = 100.0, max_samples: int | None = None) -> SearchResult:
    """PVLL-NAS (Algorithm 1) as a budgeted search, in every trial of ``losses``.

    The estimator learns the trial's validation loss divided by ``scale`` (the
    book's losses are % errors: 100 maps them to [0, 1]), read from the query
    log, so a sample costs a query only the first time its cell is drawn; a
    repeat is a free lookup. A trial stops at ``budget`` distinct cells, or
    after ``max_samples`` samples (default ``20 * budget``) if the sampler has
    settled on few cells; its curve then keeps its last value.

    Raises
    ------
    ValueError
        If a loss divided by ``scale`` falls outside [0, 1].
    """
    if space.size != nb201.N_ARCHS:
        raise ValueError(f"PVLL samples NAS-Bench-201 cells; space {space.name!r} has {space.size} architectures")
    losses = check_budget(space, losses, budget)
    if ((losses.validation < 0) | (losses.validation > scale)).any():
        raise ValueError(f"PVLL learns losses in [0, 1]: every validation loss / scale={scale:g} must lie in [0, 1]")
    cap = 20 * budget if max_samples is None else int(max_samples)
    log = QueryLog(losses, budget)
    for t in range(losses.trials):
        memo = torch.as_tensor(log.memo_val[t])  # a view: answers appear as they are queried
        for k, cell in enumerate(pvll_samples(lambda cells: memo[cells] / scale, warmup, rng, settings)):
            log.ask(np.array([cell]), t, iteration=k)
            if log.done(t) or k + 1 >= cap:
                break
    return log.result("pvll")
