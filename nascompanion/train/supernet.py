"""A one-shot NAS-Bench-201 supernet on the digits, trained one sampled path at a time.

The supernet has the skeleton of the stand-alone networks of
:mod:`nascompanion.train.network` (stem, ``n_stages`` stages of cells, residual
reduction blocks, batch norm and ReLU, global pooling, linear classifier) and
their initialisation (:func:`~nascompanion.train.network.init_params`, which
already draws both convolutions of every edge). Every edge of every cell holds
all five operations; the two convolutions have their own weights, ``none``,
``skip_connect`` and ``avg_pool_3x3`` have none. Every cell of the network
runs the same architecture, as in the stand-alone networks.

Training is single-path one-shot (SPOS): each step samples one architecture,
uniformly or with PVLL-NAS's Gumbel-softmax sampler over architecture
parameters (:func:`nascompanion.related.pvll.sample_hard`), and takes an SGD
step on the weights that architecture uses; the other weights get no gradient,
so momentum and weight decay leave them alone too.

Batch norm always normalises with the statistics of the batch it sees, per
architecture, and keeps no running statistics: in training the mini-batch, and
when an architecture is evaluated with the inherited weights, the whole
validation set in one batch (train-mode batch statistics, one of the two usual
one-shot choices; the other, recomputing running statistics on training
batches, is not used). An architecture's *proxy validation loss* is then the
cross-entropy of the supernet restricted to it on the validation images;
:func:`evaluate` computes it, and the accuracy, for many architectures at once
(the weights are shared, so one convolution call serves every architecture
that uses the op on that edge).

:func:`proxy_table` trains a supernet and evaluates cells, cached on disk
under ``cache_dir() / "supernet"``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import time
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from nascompanion.spaces import nb201
from nascompanion.train.cell import BN_EPS, CONV_KERNELS
from nascompanion.train.digits_data import DigitsData, Split, load_split
from nascompanion.train.fields import require_int
from nascompanion.train.network import NetworkSpec, init_params
from nascompanion.train.pipelines import BENCHMARK_SETTING

SAMPLERS = ("uniform", "gumbel")
"""How a training step picks its architecture."""

_CONV_CODES = {nb201.OPS.index(name): name for name in CONV_KERNELS}
_SKIP = nb201.OPS.index("skip_connect")
_POOL = nb201.OPS.index("avg_pool_3x3")


@dataclass(frozen=True)
class SupernetSettings:
    """How the supernet is built and trained.

    Attributes
    ----------
    network
        Size of the macro network (default: that of the shipped digits benchmark).
    split
        Training, validation and test images (default: the shipped benchmark's split).
    epochs
        Passes over the training images; each step trains one sampled architecture.
    batch_size
        Images per step; a last incomplete batch is dropped.
    lr
        Peak SGD learning rate, annealed per step to 0 by a cosine.
    momentum
        Nesterov momentum of SGD.
    weight_decay
        L2 regularisation of the weights a step trains.
    sampler
        ``"uniform"`` (every op of every edge equally likely) or ``"gumbel"``
        (PVLL-NAS's sampler, Eq. 3 and 4, over fixed architecture parameters).
    tau
        Gumbel-softmax temperature of the ``"gumbel"`` sampler.
    seed
        Seed of the initial weights, the image order and the sampled architectures.

    Examples
    --------
    >>> SupernetSettings(epochs=2).steps_per_epoch   # 1,000 training images in batches of 64
    15
    >>> SupernetSettings(sampler="greedy")
    Traceback (most recent call last):
    ...
    ValueError: SupernetSettings.sampler must be one of uniform, gumbel, got 'greedy'
    """

    network: NetworkSpec = field(default_factory=lambda: BENCHMARK_SETTING.network)
    split: Split = field(default_factory=lambda: BENCHMARK_SETTING.split)
    epochs: int = 100
    batch_size: int = 64
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 5e-4
    sampler: str = "uniform"
    tau: float = 0.1
    seed: int = 0

    def __post_init__(self) -> None:
        require_int("SupernetSettings", "epochs", self.epochs, 1)
        require_int("SupernetSettings", "batch_size", self.batch_size, 2)
        require_int("SupernetSettings", "seed", self.seed, 0)
        if self.batch_size > self.split.n_train:
            raise ValueError(f"SupernetSettings.batch_size {self.batch_size} exceeds the {self.split.n_train} "
                             "training images")
        for name in ("lr", "tau"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not 0 < value < math.inf:
                raise ValueError(f"SupernetSettings.{name} must be a finite number > 0, got {value!r}")
        for name in ("momentum", "weight_decay"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not 0 <= value < math.inf:
                raise ValueError(f"SupernetSettings.{name} must be a finite number >= 0, got {value!r}")
        if self.sampler not in SAMPLERS:
            raise ValueError(f"SupernetSettings.sampler must be one of {', '.join(SAMPLERS)}, got {self.sampler!r}")

    @property
    def steps_per_epoch(self) -> int:
        """Training steps (sampled architectures) per epoch."""
        return self.split.n_train // self.batch_size

    @property
    def steps(self) -> int:
        """Training steps in all."""
        return self.epochs * self.steps_per_epoch


def _check_ops(ops: torch.Tensor | np.ndarray) -> torch.Tensor:
    ops = torch.as_tensor(np.asarray(ops), dtype=torch.long)
    if ops.ndim == 1:
        ops = ops[None]
    if ops.ndim != 2 or ops.shape[1] != nb201.N_EDGES or ops.shape[0] < 1:
        raise ValueError(f"ops must have shape (architectures, {nb201.N_EDGES}), got {tuple(ops.shape)}")
    if ((ops < 0) | (ops >= nb201.N_OPS)).any():
        raise ValueError(f"op codes must lie in 0..{nb201.N_OPS - 1}, got {sorted(set(ops.unique().tolist()))}")
    return ops


def _check_cells(cells) -> np.ndarray:
    cells = np.asarray(cells)
    if cells.ndim != 1 or cells.size == 0 or not np.issubdtype(cells.dtype, np.integer):
        raise ValueError(f"cells must be a non-empty 1-d array of benchmark indices, got shape {cells.shape} "
                         f"and dtype {cells.dtype}")
    if cells.min() < 0 or cells.max() >= nb201.N_ARCHS:
        raise ValueError(f"cells must be benchmark indices in 0..{nb201.N_ARCHS - 1}, got {cells.min()}..{cells.max()}")
    return cells.astype(np.int64)


def _batch_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Batch norm of ``(G, B, C, H, W)`` with each architecture's own batch statistics (no running ones)."""
    n = x.shape[1] * x.shape[3] * x.shape[4]
    mean = x.sum(dim=(1, 3, 4), keepdim=True) / n
    var = ((x * x).sum(dim=(1, 3, 4), keepdim=True) / n - mean * mean).clamp_min(0.0)
    scale = torch.rsqrt(var + BN_EPS) * weight[:, None, None]
    return x * scale + (bias[:, None, None] - mean * scale)


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.reshape(x.shape[0] * x.shape[1], *x.shape[2:])


def _conv(x: torch.Tensor, weight: torch.Tensor, stride: int = 1) -> torch.Tensor:
    """A convolution of ``(G, B, C, H, W)`` with shared weights (padding keeps the size)."""
    out = F.conv2d(_flat(x), weight, stride=stride, padding=weight.shape[-1] // 2)
    return out.reshape(*x.shape[:2], *out.shape[1:])


def _relu_conv_bn(p: dict[str, torch.Tensor], prefix: str, x: torch.Tensor, stride: int = 1) -> torch.Tensor:
    return _batch_norm(_conv(torch.relu(x), p[f"{prefix}.conv.weight"], stride), p[f"{prefix}.bn.weight"],
                       p[f"{prefix}.bn.bias"])


def _pool(x: torch.Tensor) -> torch.Tensor:
    """3x3 average pooling, stride 1, padded pixels not counted (as separable sums; faster than ``avg_pool2d``)."""
    rows = x.clone()
    rows[..., 1:, :] += x[..., :-1, :]
    rows[..., :-1, :] += x[..., 1:, :]
    box = rows.clone()
    box[..., 1:] += rows[..., :-1]
    box[..., :-1] += rows[..., 1:]
    h, w = x.shape[-2:]
    count = torch.full((h,), 3.0, dtype=x.dtype, device=x.device)
    count[0] -= 1
    count[-1] -= 1
    count_w = torch.full((w,), 3.0, dtype=x.dtype, device=x.device)
    count_w[0] -= 1
    count_w[-1] -= 1
    return box / (count[:, None] * count_w[None, :])


def _apply(p: dict[str, torch.Tensor], prefix: str, code: int, x: torch.Tensor) -> torch.Tensor:
    """Operation ``code`` (1..4) of one edge on ``(N, B, C, H, W)``."""
    if code == _SKIP:
        return x
    if code == _POOL:
        return _pool(x)
    return _relu_conv_bn(p, f"{prefix}.{_CONV_CODES[code]}", x)


def _unique_rows(key: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Sorted distinct keys and, for each, the first position holding it; plus each position's distinct row."""
    uniq, inverse = torch.unique(key, sorted=True, return_inverse=True)
    first = torch.full((uniq.numel(),), key.numel(), dtype=torch.long)
    first.scatter_reduce_(0, inverse, torch.arange(key.numel()), reduce="amin")
    return first, inverse


def _cell(p: dict[str, torch.Tensor], k: int, x: torch.Tensor, rows: torch.Tensor,
          ops: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Cell ``k`` of every architecture, each distinct computation done once.

    ``x`` holds ``U`` distinct inputs ``(U, B, C, H, W)`` and ``rows[a]`` is architecture ``a``'s
    input; the result is again distinct node values and each architecture's row. Two architectures
    share a value when they apply the same ops to the same values (every ``none`` edge counts as one
    value, zero), so the first cell, whose input is the same for all, costs a few op calls only.
    """
    nodes = [(x, rows)]
    for j in range(1, 4):
        parts = []
        for e, (to, source) in enumerate(nb201.EDGES):
            if to != j:
                continue
            values, src_rows = nodes[source]
            code = ops[:, e]
            key = code * values.shape[0] + torch.where(code == 0, 0, src_rows)   # sorted by op, then input
            first, inverse = _unique_rows(key)
            codes, inputs = code[first], src_rows[first]
            outs = []
            for c in range(nb201.N_OPS):
                sel = (codes == c).nonzero().squeeze(1)
                if sel.numel() == 0:
                    continue
                if c == 0:
                    outs.append(torch.zeros(sel.numel(), *values.shape[1:], dtype=values.dtype, device=values.device))
                else:
                    src = values if sel.numel() == values.shape[0] and torch.equal(inputs[sel], torch.arange(
                        values.shape[0])) else values.index_select(0, inputs[sel])
                    outs.append(_apply(p, f"cells.{k}.edges.{e}", c, src))
            parts.append((outs[0] if len(outs) == 1 else torch.cat(outs), inverse))
        key = torch.zeros_like(ops[:, 0])
        for out, inverse in parts:
            key = key * out.shape[0] + inverse
        first, node_rows = _unique_rows(key)
        total = None
        for out, inverse in parts:
            term = out.index_select(0, inverse[first])
            total = term if total is None else total + term
        nodes.append((total, node_rows))
    return nodes[3]


def forward(params: dict[str, torch.Tensor], spec: NetworkSpec, x: torch.Tensor,
            ops: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Logits of the supernet restricted to each architecture of ``ops``.

    Parameters
    ----------
    params
        Supernet weights, named as :func:`~nascompanion.train.network.param_shapes` names them.
    spec
        Size of the network.
    x
        Images ``(B, in_channels, input_size, input_size)``, the same for every architecture.
    ops
        Op codes ``(G, 6)`` (or ``(6,)`` for one architecture).

    Returns
    -------
    torch.Tensor
        Logits ``(G, B, n_classes)``; batch norm uses each architecture's statistics over the ``B`` images.

    Raises
    ------
    ValueError
        If ``ops`` or ``x`` has the wrong shape, or an op code is outside 0..4.

    Examples
    --------
    >>> spec = NetworkSpec(width=2)
    >>> p = init_params(spec, torch.Generator().manual_seed(0))
    >>> forward(p, spec, torch.zeros(3, 1, 8, 8), [[3] * 6, [0] * 6]).shape
    torch.Size([2, 3, 10])
    """
    ops = _check_ops(ops)
    if x.ndim != 4 or tuple(x.shape[1:]) != (spec.in_channels, spec.input_size, spec.input_size):
        raise ValueError(f"images must have shape (B, {spec.in_channels}, {spec.input_size}, {spec.input_size}), "
                         f"got {tuple(x.shape)}")
    h = _batch_norm(_conv(x[None], params["stem.conv.weight"]), params["stem.bn.weight"], params["stem.bn.bias"])
    rows = torch.zeros(ops.shape[0], dtype=torch.long)   # every architecture shares the stem's output
    k = 0
    for stage in range(spec.n_stages):
        if stage > 0:
            r = f"reductions.{stage - 1}"
            a = _relu_conv_bn(params, f"{r}.a", h, stride=2)
            pooled = 0.25 * (h[..., ::2, ::2] + h[..., 1::2, ::2] + h[..., ::2, 1::2] + h[..., 1::2, 1::2])
            down = _conv(pooled, params[f"{r}.down.conv.weight"])
            h = _relu_conv_bn(params, f"{r}.b", a) + down
        for _ in range(spec.cells_per_stage):
            h, rows = _cell(params, k, h, rows, ops)
            k += 1
    h = torch.relu(_batch_norm(h, params["head.bn.weight"], params["head.bn.bias"])).mean(dim=(3, 4))
    logits = h @ params["classifier.weight"].T + params["classifier.bias"]
    return logits.index_select(0, rows)


@dataclass
class Supernet:
    """Trained supernet weights and how they were trained.

    Attributes
    ----------
    params
        Weights by name (leaf tensors).
    settings
        The settings it was trained with.
    train_seconds
        Wall time of the training.
    sampled
        Benchmark index of the architecture of every training step, in order.
    """

    params: dict[str, torch.Tensor]
    settings: SupernetSettings
    train_seconds: float = 0.0
    sampled: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def init_supernet(settings: SupernetSettings, generator: torch.Generator) -> Supernet:
    """An untrained supernet: the stand-alone networks' initialisation drawn from ``generator``.

    Examples
    --------
    >>> net = init_supernet(SupernetSettings(network=NetworkSpec(width=2)), torch.Generator().manual_seed(0))
    >>> sorted(k for k in net.params if k.startswith("cells.0.edges.0."))  # doctest: +NORMALIZE_WHITESPACE
    ['cells.0.edges.0.nor_conv_1x1.bn.bias', 'cells.0.edges.0.nor_conv_1x1.bn.weight',
     'cells.0.edges.0.nor_conv_1x1.conv.weight', 'cells.0.edges.0.nor_conv_3x3.bn.bias',
     'cells.0.edges.0.nor_conv_3x3.bn.weight', 'cells.0.edges.0.nor_conv_3x3.conv.weight']
    """
    params = {k: v.clone().requires_grad_(True) for k, v in init_params(settings.network, generator).items()}
    return Supernet(params, settings)


def _sample_ops(settings: SupernetSettings, rng: np.random.Generator, generator: torch.Generator,
                arch_params: torch.Tensor | None) -> np.ndarray:
    if settings.sampler == "uniform":
        return rng.integers(0, nb201.N_OPS, size=nb201.N_EDGES)
    from nascompanion.related import pvll

    hard, _ = pvll.sample_hard(arch_params, settings.tau, generator)
    return hard.argmax(dim=-1).numpy()


def train_step(net: Supernet, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
               ops: np.ndarray | torch.Tensor, lr: float) -> float:
    """One SGD step on the weights architecture ``ops`` uses; returns the batch's cross-entropy.

    Gradients of the other weights stay ``None``, so SGD skips them (no momentum, no weight decay).
    """
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(forward(net.params, net.settings.network, x, ops)[0], y)
    loss.backward()
    optimizer.step()
    return float(loss.detach())


def make_optimizer(net: Supernet) -> torch.optim.SGD:
    """Nesterov SGD over every supernet weight, with the settings' momentum and weight decay."""
    s = net.settings
    return torch.optim.SGD(list(net.params.values()), lr=s.lr, momentum=s.momentum, nesterov=s.momentum > 0,
                           weight_decay=s.weight_decay)


def train_supernet(data: DigitsData, settings: SupernetSettings, generator: torch.Generator,
                   rng: np.random.Generator, arch_params: torch.Tensor | None = None) -> Supernet:
    """Train a supernet by single-path one-shot steps.

    Parameters
    ----------
    data
        The digits (only the training images are used).
    settings
        Sizes, optimiser and sampler.
    generator
        Draws the initial weights, then the Gumbel noise of the ``"gumbel"`` sampler.
    rng
        Draws the image order of every epoch and the architectures of the ``"uniform"`` sampler.
    arch_params
        Architecture parameters ``A`` of shape ``(6, 5)`` for the ``"gumbel"`` sampler
        (``None``: zeros, every op equally likely); not allowed with ``"uniform"``.

    Returns
    -------
    Supernet
        Trained weights, with the architecture of every step in ``sampled``.

    Raises
    ------
    ValueError
        If ``data`` does not match ``settings.split``, or ``arch_params`` is given to the uniform
        sampler or has the wrong shape.

    Examples
    --------
    >>> s = SupernetSettings(network=NetworkSpec(width=2), split=Split(40, 20, 20), epochs=1, batch_size=20)
    >>> net = train_supernet(load_split(s.split), s, torch.Generator().manual_seed(0), np.random.default_rng(0))
    >>> net.sampled.shape
    (2,)
    """
    if data.split != settings.split:
        raise ValueError(f"data was split by {data.split}, but the settings ask for {settings.split}")
    if settings.sampler == "uniform" and arch_params is not None:
        raise ValueError("arch_params is for the 'gumbel' sampler; the 'uniform' sampler takes none")
    if settings.sampler == "gumbel":
        arch_params = torch.zeros(nb201.N_EDGES, nb201.N_OPS, dtype=torch.float64) if arch_params is None \
            else torch.as_tensor(arch_params, dtype=torch.float64).detach()
        if arch_params.shape != (nb201.N_EDGES, nb201.N_OPS):
            raise ValueError(f"arch_params must have shape ({nb201.N_EDGES}, {nb201.N_OPS}), "
                             f"got {tuple(arch_params.shape)}")
    start = time.perf_counter()
    net = init_supernet(settings, generator)
    optimizer = make_optimizer(net)
    total, step, sampled = settings.steps, 0, []
    n, bs = settings.split.n_train, settings.batch_size
    for _ in range(settings.epochs):
        order = torch.from_numpy(rng.permutation(n))
        for i in range(settings.steps_per_epoch):
            rows = order[i * bs:(i + 1) * bs]
            ops = _sample_ops(settings, rng, generator, arch_params)
            lr = 0.5 * settings.lr * (1.0 + math.cos(math.pi * step / total))
            train_step(net, optimizer, data.x_train[rows], data.y_train[rows], ops, lr)
            sampled.append(nb201.ops_to_index(ops))
            step += 1
    net.train_seconds = time.perf_counter() - start
    net.sampled = np.array(sampled, dtype=np.int64)
    return net


def evaluate(net: Supernet, x: torch.Tensor, y: torch.Tensor, cells, chunk: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Cross-entropy and accuracy (%) of each cell with the supernet's inherited weights.

    All images go through in one batch per architecture, so batch norm uses each architecture's
    statistics over all of ``x`` (see the module's notes); ``chunk`` architectures share one pass.

    Parameters
    ----------
    net
        A (trained) supernet.
    x, y
        Images and labels, e.g. ``data.x_val`` and ``data.y_val``.
    cells
        Benchmark indices.
    chunk
        Architectures evaluated together (memory grows with it).

    Returns
    -------
    loss, accuracy
        Arrays of shape ``(len(cells),)``: mean cross-entropy (nats) and accuracy in %.

    Examples
    --------
    >>> s = SupernetSettings(network=NetworkSpec(width=2), split=Split(40, 20, 20), batch_size=20)
    >>> net = init_supernet(s, torch.Generator().manual_seed(0))
    >>> data = load_split(s.split)
    >>> loss, acc = evaluate(net, data.x_val, data.y_val, [0, 1, 15624])
    >>> loss.shape, bool((acc >= 0).all() and (acc <= 100).all())
    ((3,), True)
    """
    cells = _check_cells(cells)
    require_int("evaluate", "chunk", chunk, 1)
    ops_all = torch.as_tensor(nb201.ops_matrix()[cells], dtype=torch.long)
    losses, accs = np.empty(cells.size), np.empty(cells.size)
    with torch.no_grad():
        for lo in range(0, cells.size, chunk):
            logits = forward(net.params, net.settings.network, x, ops_all[lo:lo + chunk])
            g = logits.shape[0]
            ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.repeat(g), reduction="none").reshape(g, -1)
            losses[lo:lo + g] = ce.mean(dim=1).double().numpy()
            accs[lo:lo + g] = 100.0 * (logits.argmax(-1) == y).double().mean(dim=1).numpy()
    return losses, accs


@dataclass(frozen=True)
class ProxyTable:
    """Proxy validation losses of cells, from one trained supernet.

    Attributes
    ----------
    cells
        Benchmark indices evaluated.
    loss
        Proxy validation loss (cross-entropy, nats) of each cell.
    accuracy
        Validation accuracy (%) of each cell with inherited weights.
    settings
        The supernet's settings.
    train_seconds, eval_seconds
        Wall time of training and of evaluating ``cells``, when the table was computed
        (a table read from the cache keeps the times of its computation).
    from_cache
        Whether the table was read from the cache.
    """

    cells: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    settings: SupernetSettings
    train_seconds: float
    eval_seconds: float
    from_cache: bool = False

    def full_loss(self) -> np.ndarray:
        """The loss of every benchmark cell, index order.

        Raises
        ------
        ValueError
            If the table does not hold all cells.
        """
        if self.cells.size != nb201.N_ARCHS or not np.array_equal(self.cells, np.arange(nb201.N_ARCHS)):
            raise ValueError(f"the table holds {self.cells.size} cells, not all {nb201.N_ARCHS} in index order")
        return self.loss


def source_digest() -> str:
    """SHA-256 of this module's source: a change to how tables are computed changes every cache key."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def data_checksum(data: DigitsData) -> str:
    """SHA-256 of the training and validation images and labels."""
    h = hashlib.sha256()
    for t in (data.x_train, data.y_train, data.x_val, data.y_val):
        h.update(np.ascontiguousarray(t.cpu().numpy()).tobytes())
    return h.hexdigest()


def cache_key(settings: SupernetSettings, cells: np.ndarray, data: DigitsData) -> str:
    """Digest of every setting, the cells, this module's source and the data."""
    payload = json.dumps({"settings": asdict(settings), "cells": hashlib.sha256(cells.tobytes()).hexdigest(),
                          "source": source_digest(), "data": data_checksum(data)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def cache_path(key: str) -> Path:
    """Where the table of ``key`` is cached."""
    from nascompanion.config import cache_dir

    return cache_dir() / "supernet" / f"proxy-{key[:24]}.npz"


def _values_digest(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()


def write_table(path: Path, key: str, loss: np.ndarray, accuracy: np.ndarray, seconds: np.ndarray) -> None:
    """Store a table with its key and the digest of its values, atomically."""
    from nascompanion.data.cache import write_atomically

    buffer = io.BytesIO()
    np.savez(buffer, loss=loss, accuracy=accuracy, seconds=seconds, key=np.array(key),
             digest=np.array(_values_digest(loss, accuracy, seconds)))
    write_atomically(path, buffer.getvalue())


def read_table(path: Path, key: str, n_cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """A cached ``(loss, accuracy, seconds)``, or ``None``.

    A missing file is ``None`` silently. A file that is unreadable, holds another key, has the wrong
    shape or non-finite values, or whose values do not match their digest gives a warning and
    ``None``: it is recomputed, never used.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            loss, acc, seconds, stored_key, digest = z["loss"], z["accuracy"], z["seconds"], str(z["key"]), str(z["digest"])
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as err:
        warnings.warn(f"{path}: unreadable cached supernet table ({type(err).__name__}: {err}); recomputing it",
                      stacklevel=3)
        return None
    problem = None
    if stored_key != key:
        problem = "a key that does not match its settings, source and data"
    elif loss.shape != (n_cells,) or acc.shape != (n_cells,) or seconds.shape != (2,):
        problem = f"shapes {loss.shape}, {acc.shape}, {seconds.shape}, expected ({n_cells},), ({n_cells},), (2,)"
    elif not (np.isfinite(loss).all() and np.isfinite(acc).all() and np.isfinite(seconds).all()):
        problem = "non-finite values"
    elif _values_digest(loss, acc, seconds) != digest:
        problem = "values that do not match their digest (the file was changed)"
    if problem:
        warnings.warn(f"{path}: cached supernet table with {problem}; recomputing it", stacklevel=3)
        return None
    return loss, acc, seconds


def proxy_table(settings: SupernetSettings = SupernetSettings(), cells=None, use_cache: bool = True,
                chunk: int = 64) -> ProxyTable:
    """Train a supernet with ``settings`` (seeded by ``settings.seed``) and evaluate ``cells`` on the validation set.

    Parameters
    ----------
    settings
        The supernet; its ``seed`` seeds a ``torch.Generator`` (weights, Gumbel noise) and a
        ``numpy.random.Generator`` (image order, uniform architectures).
    cells
        Benchmark indices; ``None`` evaluates all 15,625 cells.
    use_cache
        Read and write the table under ``cache_dir() / "supernet"``, keyed by :func:`cache_key`.
    chunk
        Architectures evaluated together.

    Returns
    -------
    ProxyTable

    Examples
    --------
    >>> s = SupernetSettings(network=NetworkSpec(width=2), split=Split(40, 20, 20), epochs=1, batch_size=20)
    >>> table = proxy_table(s, cells=[5, 6], use_cache=False)
    >>> table.loss.shape, table.from_cache
    ((2,), False)
    """
    cells = np.arange(nb201.N_ARCHS) if cells is None else _check_cells(cells)
    data = load_split(settings.split)
    key = cache_key(settings, cells, data)
    path = cache_path(key)
    if use_cache:
        cached = read_table(path, key, cells.size)
        if cached is not None:
            loss, acc, seconds = cached
            return ProxyTable(cells, loss, acc, settings, float(seconds[0]), float(seconds[1]), from_cache=True)
    torch.set_num_threads(1)
    seed = np.random.SeedSequence([settings.seed, 201])
    torch_seed, numpy_seed = seed.generate_state(2, np.uint64)
    net = train_supernet(data, settings, torch.Generator().manual_seed(int(torch_seed >> 1)),
                         np.random.default_rng(int(numpy_seed)))
    start = time.perf_counter()
    loss, acc = evaluate(net, data.x_val, data.y_val, cells, chunk)
    seconds = np.array([net.train_seconds, time.perf_counter() - start])
    if use_cache:
        write_table(path, key, loss, acc, seconds)
    return ProxyTable(cells, loss, acc, settings, float(seconds[0]), float(seconds[1]))
