"""Train many NB201 networks at once, and one at a time (the reference).

The batched network keeps the parameters of ``B`` networks stacked along a
leading axis and runs them side by side: activations have shape
``(images, B, channels, height, width)`` (stored as ``(images, B * channels,
height, width)``), every convolution is a grouped convolution with one group
per network, and batch norm has ``B * channels`` channels, so each network
keeps its own statistics. On each edge of the cell, the networks are
partitioned by the op they use there; each op runs only on its own networks
(gathered along the network axis), and the parts are put back in order. The
stem, reduction blocks and head are common to all architectures and run on all
``B`` at once.

The loss of a step is the sum over networks of each network's mean loss, so
the gradient of each network's parameters is that of its own loss; with SGD
(element-wise), training ``B`` networks together gives each the same result as
training it alone with the same seed, up to floating-point rounding. The test
suite checks this against :class:`nascompanion.train.network.Network`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from nascompanion.data.seed_noise import (  # noqa: F401  (the statistics that judge a pipeline, kept importable here)
    discriminativeness,
    discriminativeness_difference_interval,
    discriminativeness_interval,
    ratio,
    spread,
)
from nascompanion.spaces import nb201
from nascompanion.train.cell import BN_EPS, BN_MOMENTUM, CONV_KERNELS
from nascompanion.train.digits_data import DigitsData
from nascompanion.train.network import Network, NetworkSpec, init_params, n_random, param_shapes, unflatten
from nascompanion.train.pipelines import Pipeline, data_seed, init_seed

CONV_IMPLS = ("grouped", "einsum")
"""Ways :class:`BatchedNetworks` can compute its per-network convolutions."""

EVAL_CHUNK = 256
"""Images per evaluation pass (bounds memory with thousands of networks)."""


@dataclass(frozen=True)
class TrainResult:
    """Outcome of training some networks.

    Attributes
    ----------
    archs
        NB201 indices of the networks, shape ``(B,)``.
    val_correct, test_correct
        Correctly classified validation and test images, shape ``(B,)``.
    n_val, n_test
        Sizes of the validation and test parts.
    train_loss
        Mean training loss of the last epoch, shape ``(B,)``.
    """

    archs: np.ndarray
    val_correct: np.ndarray
    test_correct: np.ndarray
    n_val: int
    n_test: int
    train_loss: np.ndarray

    @property
    def val_accuracy(self) -> np.ndarray:
        """Validation accuracy in %."""
        return 100.0 * self.val_correct / self.n_val

    @property
    def test_accuracy(self) -> np.ndarray:
        """Test accuracy in %."""
        return 100.0 * self.test_correct / self.n_test


def deterministic(device: torch.device | str) -> None:
    """Ask cuDNN for deterministic algorithms (no autotuning) when ``device`` is a GPU.

    The remaining scatter in this module (the backward of ``index_select``)
    writes every element at most once per call, so its atomics cannot reorder
    sums: with a fixed seed, a run repeats bit for bit on the same GPU.
    """
    if torch.device(device).type == "cuda":
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False


# --------------------------------------------------------------------------- data order


def epoch_batches(data: DigitsData, pipeline: Pipeline, seed: int, epoch: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """The training batches of one epoch: shuffled, shifted and noised from ``(seed, epoch)`` alone.

    Randomness is drawn on the CPU from a ``torch.Generator`` and moved to the
    data's device, so the batches are the same on every device.
    """
    g = torch.Generator().manual_seed(data_seed(seed, epoch))
    n = data.x_train.shape[0]
    order = torch.randperm(n, generator=g)
    size = data.x_train.shape[-1]
    s = pipeline.shift
    offsets = torch.randint(0, 2 * s + 1, (n, 2), generator=g) if s else None
    noise = torch.randn(data.x_train.shape, generator=g) * pipeline.noise_std if pipeline.noise_std else None
    device = data.device
    order = order.to(device)
    x_all = data.x_train
    if s:
        padded = F.pad(x_all, (s, s, s, s))
        ar = torch.arange(size, device=device)
        offsets = offsets.to(device)
        rows = (offsets[:, 0, None] + ar)[:, :, None]
        cols = (offsets[:, 1, None] + ar)[:, None, :]
        x_all = padded[torch.arange(n, device=device)[:, None, None], 0, rows, cols][:, None]
    if noise is not None:
        x_all = x_all + noise.to(device)
    for start in range(0, n - pipeline.batch_size + 1, pipeline.batch_size):
        idx = order[start : start + pipeline.batch_size]
        yield x_all[idx], data.y_train[idx]


def steps_per_epoch(data: DigitsData, pipeline: Pipeline) -> int:
    """Training steps in one epoch (incomplete last batch dropped)."""
    return data.x_train.shape[0] // pipeline.batch_size


# --------------------------------------------------------------------------- batched network


class BatchedNetworks(torch.nn.Module):
    """``B`` NB201 networks (one cell each, see :class:`~nascompanion.train.network.Network`) in one module.

    Parameters
    ----------
    archs
        NB201 indices of the ``B`` cells.
    spec
        Network size, shared by all.
    params
        Stacked initial parameters, ``{name: (B, *shape)}``, e.g. from
        :func:`initial_params`.
    conv
        ``"grouped"``: one grouped convolution per op (cuDNN on a GPU);
        ``"einsum"``: unfold the images and multiply by each network's weights
        in one batched matrix product. Same function, different speed.
    """

    def __init__(self, archs: Sequence[int], spec: NetworkSpec, params: dict[str, torch.Tensor],
                 conv: str = "grouped"):
        super().__init__()
        if conv not in CONV_IMPLS:
            raise ValueError(f"unknown convolution implementation {conv!r}; allowed: {', '.join(CONV_IMPLS)}")
        self.conv = conv
        if len(archs) == 0 or any(v.shape[0] != len(archs) for v in params.values()):
            raise ValueError(f"need parameters stacked for {len(archs)} architectures")
        self.spec = spec
        self.n = len(archs)
        self.archs = np.asarray(archs, dtype=np.int64)
        self.names = [name for name, _, _ in param_shapes(spec)]
        self.weights = torch.nn.ParameterList(
            torch.nn.Parameter(params[name].clone()) for name in self.names
        )
        self._index = {name: i for i, name in enumerate(self.names)}
        device = self.weights[0].device
        for name in self.names:
            if name.endswith("bn.weight"):
                c = params[name].shape[1]
                key = name[: -len(".weight")].replace(".", "_")
                self.register_buffer(f"{key}_mean", torch.zeros(self.n, c, device=device))
                self.register_buffer(f"{key}_var", torch.ones(self.n, c, device=device))
        ops = nb201.ops_matrix()[self.archs]
        self._groups: list[list[tuple[str, torch.Tensor | None]]] = []
        self._inverse: list[torch.Tensor | None] = []
        for e in range(nb201.N_EDGES):
            groups, order = [], []
            for code, op in enumerate(nb201.OPS):
                members = np.flatnonzero(ops[:, e] == code)
                if members.size == 0:
                    continue
                order.append(members)
                groups.append((op, None if members.size == self.n else torch.as_tensor(members, device=device)))
            self._groups.append(groups)
            perm = np.concatenate(order)
            self._inverse.append(None if len(groups) == 1 else torch.as_tensor(np.argsort(perm), device=device))

    def _apply(self, fn, recurse=True):  # keep the index tensors on the module's device
        super()._apply(fn, recurse)
        device = self.weights[0].device
        self._groups = [[(op, None if idx is None else idx.to(device)) for op, idx in g] for g in self._groups]
        self._inverse = [None if inv is None else inv.to(device) for inv in self._inverse]
        return self

    def param(self, name: str) -> torch.Tensor:
        """The stacked parameter ``name``, shape ``(B, *shape)``."""
        return self.weights[self._index[name]]

    def _buffers_of(self, prefix: str) -> tuple[torch.Tensor, torch.Tensor]:
        key = f"{prefix}.bn".replace(".", "_")
        return getattr(self, f"{key}_mean"), getattr(self, f"{key}_var")

    def _conv_bn(self, x: torch.Tensor, prefix: str, idx: torch.Tensor | None, stride: int = 1,
                 relu: bool = True, bn: bool = True) -> torch.Tensor:
        """(ReLU,) grouped convolution (, batch norm) of ``x`` ``(N, k, C, H, W)`` for networks ``idx``."""
        n, k, c, h, w = x.shape
        weight = self.param(f"{prefix}.conv.weight")
        if idx is not None:
            weight = weight.index_select(0, idx)
        c_out, kernel = weight.shape[1], weight.shape[-1]
        flat = x.reshape(n, k * c, h, w)
        if relu:
            flat = torch.relu(flat)
        if self.conv == "grouped":
            y = F.conv2d(flat, weight.reshape(k * c_out, c, kernel, kernel), stride=stride, padding=kernel // 2,
                         groups=k)
        elif kernel == 1 and stride == 1:
            y = torch.einsum("nkcl,koc->nkol", flat.view(n, k, c, h * w), weight.view(k, c_out, c))
            y = y.reshape(n, k * c_out, h, w)
        else:
            cols = F.unfold(flat, kernel, padding=kernel // 2, stride=stride)
            h_out, w_out = (h + 2 * (kernel // 2) - kernel) // stride + 1, (w + 2 * (kernel // 2) - kernel) // stride + 1
            y = torch.einsum("nkil,koi->nkol", cols.view(n, k, c * kernel * kernel, h_out * w_out),
                             weight.reshape(k, c_out, c * kernel * kernel))
            y = y.reshape(n, k * c_out, h_out, w_out)
        if bn:
            y = self._bn(y, prefix, idx)
        return y.reshape(n, k, c_out, y.shape[-2], y.shape[-1])

    def _bn(self, y: torch.Tensor, prefix: str, idx: torch.Tensor | None) -> torch.Tensor:
        gamma, beta = self.param(f"{prefix}.bn.weight"), self.param(f"{prefix}.bn.bias")
        mean, var = self._buffers_of(prefix)
        if idx is None:
            return F.batch_norm(y, mean.view(-1), var.view(-1), gamma.reshape(-1), beta.reshape(-1),
                                self.training, BN_MOMENTUM, BN_EPS)
        sub_mean, sub_var = mean.index_select(0, idx).reshape(-1), var.index_select(0, idx).reshape(-1)
        out = F.batch_norm(y, sub_mean, sub_var, gamma.index_select(0, idx).reshape(-1),
                           beta.index_select(0, idx).reshape(-1), self.training, BN_MOMENTUM, BN_EPS)
        if self.training:
            with torch.no_grad():
                mean.index_copy_(0, idx, sub_mean.view(len(idx), -1))
                var.index_copy_(0, idx, sub_var.view(len(idx), -1))
        return out

    def _edge(self, x: torch.Tensor, k: int, e: int) -> torch.Tensor | None:
        groups = self._groups[e]
        if len(groups) == 1 and groups[0][0] == "none":
            return None
        parts = []
        for op, idx in groups:
            sub = x if idx is None else x.index_select(1, idx)
            if op == "none":
                parts.append(torch.zeros_like(sub))
            elif op == "skip_connect":
                parts.append(sub)
            elif op in CONV_KERNELS:
                parts.append(self._conv_bn(sub, f"cells.{k}.edges.{e}.{op}", idx))
            else:
                n, m, c, h, w = sub.shape
                pooled = F.avg_pool2d(sub.reshape(n, m * c, h, w), 3, 1, 1, count_include_pad=False)
                parts.append(pooled.view(n, m, c, h, w))
        if len(parts) == 1:
            return parts[0]
        return torch.cat(parts, dim=1).index_select(1, self._inverse[e])

    def _cell(self, x: torch.Tensor, k: int) -> torch.Tensor:
        nodes = [x]
        for j in range(1, 4):
            total = None
            for e, (to, source) in enumerate(nb201.EDGES):
                if to != j:
                    continue
                out = self._edge(nodes[source], k, e)
                if out is not None:
                    total = out if total is None else total + out
            nodes.append(torch.zeros_like(x) if total is None else total)
        return nodes[3]

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Logits of every network, shape ``(N, B, n_classes)``, for images ``(N, C_in, H, W)``."""
        spec = self.spec
        n = images.shape[0]
        weight = self.param("stem.conv.weight")
        y = F.conv2d(images, weight.reshape(-1, *weight.shape[2:]), padding=1)
        x = self._bn(y, "stem", None).view(n, self.n, spec.width, *y.shape[-2:])
        k = 0
        for stage in range(spec.n_stages):
            if stage > 0:
                r = f"reductions.{stage - 1}"
                a = self._conv_bn(x, f"{r}.a", None, stride=2)
                b = self._conv_bn(a, f"{r}.b", None)
                m, c, h, w = x.shape[1:]
                pooled = F.avg_pool2d(x.reshape(n, m * c, h, w), 2, 2).view(n, m, c, h // 2, w // 2)
                x = b + self._conv_bn(pooled, f"{r}.down", None, relu=False, bn=False)
            for _ in range(spec.cells_per_stage):
                x = self._cell(x, k)
                k += 1
        m, c, h, w = x.shape[1:]
        x = torch.relu(self._bn(x.reshape(n, m * c, h, w), "head", None)).view(n, m, c, h, w).mean(dim=(3, 4))
        return torch.einsum("nbc,bkc->nbk", x, self.param("classifier.weight")) + self.param("classifier.bias")


# --------------------------------------------------------------------------- training


def _generator(seed: int, arch: int, device: torch.device) -> torch.Generator:
    return torch.Generator(device=device).manual_seed(init_seed(seed, int(arch)))


def initial_params(archs: Sequence[int], spec: NetworkSpec, seed: int,
                   device: torch.device | str = "cpu") -> dict[str, torch.Tensor]:
    """Stacked initial parameters ``{name: (B, *shape)}`` on ``device``.

    Network ``i`` gets exactly what :func:`~nascompanion.train.network.init_params`
    gives it alone: one generator per network on ``device``, seeded by
    :func:`~nascompanion.train.pipelines.init_seed` of ``(seed, archs[i])``.
    """
    device = torch.device(device)
    normals = torch.empty(len(archs), n_random(spec), device=device)
    for i, a in enumerate(archs):
        torch.randn(normals.shape[1], generator=_generator(seed, a, device), out=normals[i])
    return unflatten(spec, normals)


def _sgd(params, pipeline: Pipeline) -> torch.optim.SGD:
    return torch.optim.SGD(params, lr=pipeline.lr, momentum=pipeline.momentum, nesterov=pipeline.nesterov,
                           weight_decay=pipeline.weight_decay)


def _check_archs(archs: Sequence[int]) -> np.ndarray:
    archs = np.asarray(archs, dtype=np.int64).reshape(-1)
    if archs.size == 0 or archs.min() < 0 or archs.max() >= nb201.N_ARCHS:
        raise ValueError(f"architectures must be NB201 indices in 0..{nb201.N_ARCHS - 1}, got {archs.tolist()[:8]}")
    return archs


def train_batched(archs: Sequence[int], seed: int, pipeline: Pipeline, spec: NetworkSpec, data: DigitsData,
                  autocast: bool = False, conv: str = "grouped", cudnn_deterministic: bool = True) -> TrainResult:
    """Train the networks of ``archs`` (NB201 indices) together under one seed and pipeline.

    Parameters
    ----------
    archs
        NB201 benchmark indices (repeats allowed).
    seed
        Training seed: fixes initial weights (with the architecture), image
        order and augmentation.
    pipeline
        How to train.
    spec
        Network size.
    data
        The split, on the device to train on.
    autocast
        Run forward and backward in bfloat16 autocast on a GPU (faster, no
        longer comparable bit for bit with :func:`train_single`).
    conv
        Convolution implementation, see :class:`BatchedNetworks`.
    cudnn_deterministic
        Ask cuDNN for deterministic algorithms on a GPU (see :func:`deterministic`).

    Returns
    -------
    TrainResult
        Correct validation and test images of every network, in ``archs`` order.
    """
    archs = _check_archs(archs)
    device = data.device
    if cudnn_deterministic:
        deterministic(device)
    elif device.type == "cuda":
        torch.backends.cudnn.deterministic = False
    net = BatchedNetworks(archs, spec, initial_params(archs, spec, seed, device), conv=conv)
    use_amp = autocast and device.type == "cuda"
    last_loss = _train_epochs(net, data, pipeline, seed, use_amp)
    val = _count_correct(net, data.x_val, data.y_val, use_amp)
    test = _count_correct(net, data.x_test, data.y_test, use_amp)
    return TrainResult(archs, val, test, len(data.y_val), len(data.y_test), last_loss.cpu().numpy())


def _train_epochs(net: BatchedNetworks, data: DigitsData, pipeline: Pipeline, seed: int, use_amp: bool) -> torch.Tensor:
    """SGD on every network for ``pipeline.epochs`` epochs; each network's mean loss over the last epoch."""
    opt = _sgd(net.parameters(), pipeline)
    total = pipeline.epochs * steps_per_epoch(data, pipeline)
    step = 0
    for epoch in range(pipeline.epochs):
        net.train()
        loss_sum = torch.zeros(net.n, device=data.device)
        batches = 0
        for x, y in epoch_batches(data, pipeline, seed, epoch):
            for group in opt.param_groups:
                group["lr"] = pipeline.lr_at(step, total)
            per = _per_network_loss(net, x, y, pipeline, use_amp)
            opt.zero_grad(set_to_none=True)
            per.sum().backward()
            opt.step()
            loss_sum += per.detach()
            batches += 1
            step += 1
    return loss_sum / max(batches, 1)


def _per_network_loss(net: BatchedNetworks, x: torch.Tensor, y: torch.Tensor, pipeline: Pipeline,
                      use_amp: bool) -> torch.Tensor:
    """Each network's mean cross-entropy on the batch ``(x, y)``, shape ``(B,)`` (float32 even under autocast)."""
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=use_amp):
        logits = net(x)
    logits = logits.float()
    n, b, c = logits.shape
    return F.cross_entropy(logits.reshape(n * b, c), y.repeat_interleave(b), reduction="none",
                           label_smoothing=pipeline.label_smoothing).view(n, b).mean(0)


@torch.no_grad()
def _count_correct(net: BatchedNetworks, x: torch.Tensor, y: torch.Tensor, use_amp: bool) -> np.ndarray:
    net.eval()
    correct = torch.zeros(net.n, dtype=torch.int64, device=x.device)
    chunk = max(1, min(EVAL_CHUNK, int(EVAL_CHUNK * 512 // max(net.n, 1)) or 1))
    for start in range(0, x.shape[0], chunk):
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=use_amp):
            logits = net(x[start : start + chunk])
        correct += (logits.float().argmax(-1) == y[start : start + chunk, None]).sum(0)
    return correct.cpu().numpy()


def train_single(arch: int, seed: int, pipeline: Pipeline, spec: NetworkSpec, data: DigitsData) -> TrainResult:
    """Train one network alone (plain :class:`~nascompanion.train.network.Network`), same seeds as batched."""
    archs = _check_archs([arch])
    device = data.device
    deterministic(device)
    params = init_params(spec, _generator(seed, int(archs[0]), device))
    net = Network(nb201.index_to_ops(int(archs[0])), spec, params).to(device)
    opt = _sgd(net.parameters(), pipeline)
    total = pipeline.epochs * steps_per_epoch(data, pipeline)
    step, loss_sum, batches = 0, 0.0, 0
    for epoch in range(pipeline.epochs):
        net.train()
        loss_sum, batches = torch.zeros((), device=device), 0
        for x, y in epoch_batches(data, pipeline, seed, epoch):
            for group in opt.param_groups:
                group["lr"] = pipeline.lr_at(step, total)
            loss = F.cross_entropy(net(x), y, label_smoothing=pipeline.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.detach()
            batches += 1
            step += 1
    net.eval()
    with torch.no_grad():
        val = int((net(data.x_val).argmax(-1) == data.y_val).sum())
        test = int((net(data.x_test).argmax(-1) == data.y_test).sum())
    return TrainResult(archs, np.array([val]), np.array([test]), len(data.y_val), len(data.y_test),
                       np.array([float(loss_sum) / max(batches, 1)]))

