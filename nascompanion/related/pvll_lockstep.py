"""PVLL-NAS's Figure 3a with many repeats at once: the repeats' estimators and samplers run in lockstep.

:func:`nascompanion.related.pvll.figure_3a` runs one repeat after another, each with its own
estimator (a small MLP, :class:`~nascompanion.related.pvll.Estimator`) trained by Adam. Adam updates
every parameter element by element, so ``R`` independent estimators can be trained as one set of
stacked parameters whose loss is the sum of their ``R`` losses: each gets exactly the updates it
would get alone. This module does that, for the sampler of Algorithm 1 (every repeat's architecture
parameters ``A``, estimator and memory advance one sample per step) and for the learning curves (all
repeats and both sampling strategies at each sample size), which makes twenty and more repeats cheap.

It also records how much each estimator's predictions on the held-out cells vary
(:func:`figure_3a`'s ``"... spread"``): an estimator whose predictions are (nearly) constant has not
learned the landscape, and its error only measures the spread of the held-out losses
(:func:`degenerate`).
"""

from __future__ import annotations

import numpy as np
import torch

from nascompanion.search.pvll_search import N_EDGES, N_OPS, PVLLSettings, gumbel_softmax, one_hot
from nascompanion.spaces import nb201

_FEATURES = N_EDGES * N_OPS


def init_params(models: int, hidden: int, generator: torch.Generator) -> list[torch.Tensor]:
    """Stacked parameters of ``models`` estimators (two hidden ReLU layers of width ``hidden``).

    Each weight and bias is drawn as :class:`~nascompanion.related.pvll.Estimator` draws its own:
    standard normal times ``1 / sqrt(last dimension)`` (the input width for a weight, the output width
    for a bias).

    Examples
    --------
    >>> [tuple(p.shape) for p in init_params(3, 8, torch.Generator().manual_seed(0))]
    [(3, 30, 8), (3, 8), (3, 8, 8), (3, 8), (3, 8, 1), (3, 1)]
    """
    if models < 1 or hidden < 1:
        raise ValueError(f"need at least one model and one hidden unit, got models={models}, hidden={hidden}")
    params = []
    for inputs, outputs in [(_FEATURES, hidden), (hidden, hidden), (hidden, 1)]:
        params.append(torch.randn((models, inputs, outputs), generator=generator, dtype=torch.float64) / np.sqrt(inputs))
        params.append(torch.randn((models, outputs), generator=generator, dtype=torch.float64) / np.sqrt(outputs))
    return [p.requires_grad_() for p in params]


def forward(params: list[torch.Tensor], h: torch.Tensor) -> torch.Tensor:
    """Estimated normalised losses, ``(models, n)``, of architecture weights ``h`` of shape ``(models, n, 6, 5)``."""
    w1, b1, w2, b2, w3, b3 = params
    x = h.reshape(h.shape[0], h.shape[1], _FEATURES)
    x = torch.relu(torch.bmm(x, w1) + b1[:, None])
    x = torch.relu(torch.bmm(x, w2) + b2[:, None])
    return torch.sigmoid(torch.bmm(x, w3) + b3[:, None]).squeeze(-1)


def fit(h: torch.Tensor, y: torch.Tensor, settings: PVLLSettings, generator: torch.Generator,
        weights: torch.Tensor | None = None, params: list[torch.Tensor] | None = None) -> list[torch.Tensor]:
    """Train every model on its own rows by (weighted) full-batch MSE with a fresh Adam (Eq. 8).

    A fresh model trains ``settings.fit_steps`` steps, a warm-started one (``params`` given)
    ``settings.refit_steps``, as :func:`~nascompanion.related.pvll.fit_estimator` does for one model.

    Examples
    --------
    >>> cells = np.arange(40).reshape(2, 20)
    >>> y = torch.linspace(0.2, 0.8, 40, dtype=torch.float64).reshape(2, 20)
    >>> p = fit(one_hot(cells), y, PVLLSettings(hidden=8, fit_steps=50), torch.Generator().manual_seed(0))
    >>> tuple(forward(p, one_hot(cells)).shape)
    (2, 20)
    """
    steps = settings.fit_steps if params is None else settings.refit_steps
    params = params or init_params(h.shape[0], settings.hidden, generator)
    opt = torch.optim.Adam(params, lr=settings.estimator_lr)
    w = torch.ones_like(y) if weights is None else weights
    for _ in range(steps):
        opt.zero_grad()
        (w * (forward(params, h) - y) ** 2).mean(dim=1).sum().backward()
        opt.step()
    return params


def _weights(params: list[torch.Tensor], h: torch.Tensor) -> torch.Tensor:
    """Eq. 8's weights per model, as :func:`nascompanion.related.pvll.pvll_samples` computes them for one."""
    with torch.no_grad():
        est = forward(params, h)
    change = torch.cat([torch.zeros(est.shape[0], 1, dtype=est.dtype), (est[:, 1:] - est[:, :-1]).abs()], dim=1)
    w = 1.0 / (0.05 + change)
    return w / w.mean(dim=1, keepdim=True)


def _indices(ops: np.ndarray) -> np.ndarray:
    return np.array([nb201.ops_to_index(row) for row in ops], dtype=np.int64)


def search(loss: np.ndarray, repeats: int, warmup: int, steps: int, rng: np.random.Generator,
           settings: PVLLSettings = PVLLSettings()) -> np.ndarray:
    """Algorithm 1 with benchmark losses in ``repeats`` independent runs advanced together.

    Each run draws ``warmup`` uniform cells, then at every step retrains its estimator on its memory
    (the last ``settings.memory`` samples), takes one Adam step on its ``A`` down
    ``grad_A psi(GumbelSoftmax(A))`` (Eq. 10) and samples one cell (repeats allowed), as
    :func:`~nascompanion.related.pvll.pvll_samples` does for one run.

    Returns
    -------
    numpy.ndarray
        Shape ``(repeats, warmup + steps)``: benchmark indices in sampling order.

    Examples
    --------
    >>> loss = np.linspace(0.0, 1.0, nb201.N_ARCHS)
    >>> search(loss, 3, 5, 4, np.random.default_rng(0), PVLLSettings(hidden=8, fit_steps=20, refit_steps=2)).shape
    (3, 9)
    """
    if repeats < 1 or warmup < 1 or steps < 0:
        raise ValueError(f"need repeats >= 1, warmup >= 1 and steps >= 0, got {repeats}, {warmup}, {steps}")
    gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
    loss_t = torch.as_tensor(np.asarray(loss, dtype=float))
    cells = rng.integers(nb201.N_ARCHS, size=(repeats, warmup))
    a = torch.zeros(repeats, N_EDGES, N_OPS, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([a], lr=settings.lr)
    params = None
    for _ in range(steps):
        memory = cells[:, -settings.memory:]
        h = one_hot(memory)
        weights = _weights(params, h) if settings.weighted and params is not None else None
        params = fit(h, loss_t[memory], settings, gen, weights, params)
        opt.zero_grad()
        forward(params, gumbel_softmax(a, settings.tau, gen)[:, None]).sum().backward()
        opt.step()
        with torch.no_grad():
            ops = gumbel_softmax(a, settings.tau, gen).argmax(dim=-1).numpy()
        cells = np.concatenate([cells, _indices(ops)[:, None]], axis=1)
    return cells


def learning_curves(loss: np.ndarray, cells: np.ndarray, test: np.ndarray, sizes: np.ndarray,
                    generator: torch.Generator, settings: PVLLSettings = PVLLSettings()) -> tuple[np.ndarray, np.ndarray]:
    """Held-out MSE and prediction spread of estimators trained on the first ``n`` of each row of ``cells``.

    Parameters
    ----------
    cells, test
        Shapes ``(models, samples)`` and ``(models, held_out)``: each model's training cells in order
        and its held-out cells.
    sizes
        Sample sizes ``n``; every model trains from scratch at each.

    Returns
    -------
    tuple of numpy.ndarray
        Mean squared error on the held-out cells and the standard deviation of the predictions there,
        each of shape ``(models, len(sizes))``.
    """
    loss_t = torch.as_tensor(np.asarray(loss, dtype=float))
    cells, test = np.atleast_2d(cells), np.atleast_2d(test)
    mse, spread = [], []
    state = generator.get_state()
    for n in np.asarray(sizes):
        generator.set_state(state)   # the same initial weights at every size
        params = fit(one_hot(cells[:, :n]), loss_t[cells[:, :n]], settings, generator)
        with torch.no_grad():
            pred = forward(params, one_hot(test))
        mse.append(((pred - loss_t[test]) ** 2).mean(dim=1).numpy())
        spread.append(pred.std(dim=1).numpy())
    return np.stack(mse, axis=1), np.stack(spread, axis=1)


def figure_3a(loss: np.ndarray, repeats: int, samples: int, sizes: np.ndarray, rng: np.random.Generator,
              warmup: int = 100, settings: PVLLSettings = PVLLSettings(), train_on_warmup: bool = False,
              held_out: int = 100) -> dict[str, np.ndarray]:
    """Figure 3a of PVLL-NAS: estimator error against labelled cells, guided and uniform, ``repeats`` times.

    Each repeat draws ``held_out`` uniform test cells and ``samples`` uniform training cells disjoint
    from them; its guided run draws ``warmup`` uniform cells and then samples with Algorithm 1. With
    ``train_on_warmup=False`` (the paper's Sec. 5.5 reading: 100 architectures sampled with the
    strategy, after the warm-up of Sec. 5.1) the guided training set is the ``samples`` cells sampled
    after the warm-up; with ``True`` it is the first ``samples`` cells, warm-up included (then the
    first ``warmup`` sizes compare two uniform sets). Guided and uniform estimators of a repeat start
    from the same weights.

    Returns
    -------
    dict
        ``"gradient-guided"``, ``"uniform"``: held-out MSE, ``(repeats, len(sizes))``;
        ``"guided spread"``, ``"uniform spread"``: SD of the predictions on the held-out cells, same
        shape; ``"held-out spread"``: SD of the held-out losses, ``(repeats,)``;
        ``"guided cells"``, ``"uniform cells"``: the training cells, ``(repeats, samples)``;
        ``"guided mean loss"``, ``"uniform mean loss"``: their mean loss beyond the warm-up (guided:
        the sampled cells; uniform: its cells beyond the first ``warmup`` when ``train_on_warmup``).

    Examples
    --------
    >>> out = figure_3a(np.linspace(0, 1, nb201.N_ARCHS), 2, 6, np.array([3, 6]), np.random.default_rng(0),
    ...                 warmup=4, settings=PVLLSettings(hidden=4, fit_steps=5, refit_steps=1))
    >>> out["gradient-guided"].shape, out["guided cells"].shape
    ((2, 2), (2, 6))
    """
    loss = np.asarray(loss, dtype=float)
    tests, uniform = [], []
    for _ in range(repeats):
        test = rng.choice(nb201.N_ARCHS, size=held_out, replace=False)
        tests.append(test)
        uniform.append(rng.choice(np.setdiff1d(np.arange(nb201.N_ARCHS), test), size=samples, replace=False))
    tests, uniform = np.array(tests), np.array(uniform)
    steps = samples if not train_on_warmup else max(samples - warmup, 0)
    guided = search(loss, repeats, warmup, steps, rng, settings)
    guided = guided[:, warmup:] if not train_on_warmup else guided[:, :samples]
    skip = warmup if train_on_warmup else 0
    generator = torch.Generator().manual_seed(int(rng.integers(2**62)))
    mse, spread = learning_curves(loss, np.concatenate([guided, uniform]), np.concatenate([tests, tests]), sizes,
                                  generator, settings)
    return {"gradient-guided": mse[:repeats], "uniform": mse[repeats:], "guided spread": spread[:repeats],
            "uniform spread": spread[repeats:], "held-out spread": loss[tests].std(axis=1),
            "guided cells": guided, "uniform cells": uniform,
            "guided mean loss": loss[guided[:, skip:]].mean(axis=1), "uniform mean loss": loss[uniform[:, skip:]].mean(axis=1)}


def degenerate(out: dict[str, np.ndarray], share: float = 0.01) -> np.ndarray:
    """Which estimators of a :func:`figure_3a` run predict (nearly) a constant: ``(2, repeats, sizes)``.

    An estimator is degenerate when the SD of its predictions on the held-out cells is below
    ``share`` of the SD of the held-out losses; the first axis is guided, uniform.

    Examples
    --------
    >>> out = {"guided spread": np.array([[0.0, 0.2]]), "uniform spread": np.array([[0.1, 0.1]]),
    ...        "held-out spread": np.array([0.2])}
    >>> degenerate(out).tolist()
    [[[True, False]], [[False, False]]]
    """
    bound = share * np.asarray(out["held-out spread"])[:, None]
    return np.stack([np.asarray(out["guided spread"]) < bound, np.asarray(out["uniform spread"]) < bound])


def guided_gap(out: dict[str, np.ndarray], rng: np.random.Generator, level: float = 0.9, draws: int = 1000,
               share: float = 0.01) -> dict[str, float]:
    """How far guided sampling leads at its worst sample size, with a bootstrap interval over repeats.

    The gap at a size is the mean over repeats of guided minus uniform held-out MSE (negative:
    guided ahead); the statistic is the largest gap over the sizes, so it is below 0 only if guided
    sampling leads at every size. The interval resamples whole repeats (``level``, ``draws``).

    Returns
    -------
    dict
        ``"gap"`` (the statistic), ``"low"``, ``"high"``, ``"ahead"`` (sizes where the mean gap is
        below 0), ``"degenerate"``: the largest share, over sizes, of repeats in which either
        estimator is :func:`degenerate` (with ``share``).

    Examples
    --------
    >>> out = {"gradient-guided": np.array([[1.0, 2.0], [1.0, 2.0]]), "uniform": np.array([[2.0, 2.5], [2.0, 2.5]]),
    ...        "guided spread": np.ones((2, 2)), "uniform spread": np.ones((2, 2)), "held-out spread": np.ones(2)}
    >>> g = guided_gap(out, np.random.default_rng(0), draws=50)
    >>> g["gap"], g["low"], g["high"], g["ahead"], g["degenerate"]
    (-0.5, -0.5, -0.5, 2, 0.0)
    """
    diff = np.asarray(out["gradient-guided"]) - np.asarray(out["uniform"])
    rows = rng.integers(0, diff.shape[0], size=(draws, diff.shape[0]))
    low, high = np.quantile(diff[rows].mean(axis=1).max(axis=1), [(1 - level) / 2, (1 + level) / 2])
    either = degenerate(out, share).any(axis=0)
    return {"gap": float(diff.mean(axis=0).max()), "low": float(low), "high": float(high),
            "ahead": int((diff.mean(axis=0) < 0).sum()), "degenerate": float(either.mean(axis=0).max())}
