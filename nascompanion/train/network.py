"""The NAS-Bench-201 macro network, and one initialisation both trainers share.

The network (NB201's ``TinyNetwork``, scaled down): a stem (3x3 convolution,
batch norm), ``n_stages`` stages of ``cells_per_stage`` cells, a residual
reduction block between stages (halving the size and doubling the width), a
final batch norm and ReLU, global average pooling and a linear classifier.

:func:`init_params` draws every parameter from one ``torch.Generator`` in a
fixed order that does not depend on the architecture (both convolutions of
every edge are drawn, used or not). So a network's initial weights depend
only on its generator's seed, and the batched trainer, which stacks the
parameters of many networks, starts each one exactly where
:class:`Network` would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from nascompanion.spaces import nb201
from nascompanion.train.cell import BN_EPS, BN_MOMENTUM, CONV_KERNELS, Cell, ReLUConvBN
from nascompanion.train.fields import require_int


@dataclass(frozen=True)
class NetworkSpec:
    """Size of the macro network.

    Attributes
    ----------
    width
        Channels of the first stage (doubled at every reduction).
    cells_per_stage
        Cells in each stage (NB201 uses 5 on CIFAR).
    n_stages
        Stages (NB201 uses 3); ``n_stages - 1`` reduction blocks.
    in_channels
        Image channels (1 for the digits).
    n_classes
        Classes (10 for the digits).
    input_size
        Height and width of the (square) input images.
    """

    width: int = 8
    cells_per_stage: int = 1
    n_stages: int = 3
    in_channels: int = 1
    n_classes: int = 10
    input_size: int = 8

    def __post_init__(self) -> None:
        for name in ("width", "cells_per_stage", "n_stages", "in_channels", "n_classes", "input_size"):
            require_int("NetworkSpec", name, getattr(self, name), 1)
        if self.input_size % 2 ** (self.n_stages - 1):
            raise ValueError(
                f"input_size {self.input_size} cannot be halved {self.n_stages - 1} times for {self.n_stages} stages"
            )

    def stage_width(self, stage: int) -> int:
        """Channels of stage ``stage`` (0-based)."""
        return self.width * 2**stage

    @property
    def n_cells(self) -> int:
        """Cells in the whole network."""
        return self.cells_per_stage * self.n_stages


def param_shapes(spec: NetworkSpec) -> list[tuple[str, tuple[int, ...], str]]:
    """Every parameter of the network, in drawing order: ``(name, shape, kind)``.

    Edge parameters are listed for both convolutions of every edge, named
    ``cells.{k}.edges.{e}.{op}.conv.weight`` and ``...bn.weight`` / ``...bn.bias``.
    ``kind`` is ``"conv"``, ``"linear"``, ``"ones"`` or ``"zeros"``.
    """
    shapes: list[tuple[str, tuple[int, ...], str]] = []

    def conv_bn(prefix: str, c_in: int, c_out: int, kernel: int) -> None:
        shapes.append((f"{prefix}.conv.weight", (c_out, c_in, kernel, kernel), "conv"))
        shapes.append((f"{prefix}.bn.weight", (c_out,), "ones"))
        shapes.append((f"{prefix}.bn.bias", (c_out,), "zeros"))

    conv_bn("stem", spec.in_channels, spec.width, 3)
    k = 0
    for stage in range(spec.n_stages):
        c = spec.stage_width(stage)
        if stage > 0:
            r = stage - 1
            conv_bn(f"reductions.{r}.a", c // 2, c, 3)
            conv_bn(f"reductions.{r}.b", c, c, 3)
            shapes.append((f"reductions.{r}.down.conv.weight", (c, c // 2, 1, 1), "conv"))
        for _ in range(spec.cells_per_stage):
            for e in range(nb201.N_EDGES):
                for op, kernel in CONV_KERNELS.items():
                    conv_bn(f"cells.{k}.edges.{e}.{op}", c, c, kernel)
            k += 1
    c = spec.stage_width(spec.n_stages - 1)
    shapes.append(("head.bn.weight", (c,), "ones"))
    shapes.append(("head.bn.bias", (c,), "zeros"))
    shapes.append(("classifier.weight", (spec.n_classes, c), "linear"))
    shapes.append(("classifier.bias", (spec.n_classes,), "zeros"))
    return shapes


def n_random(spec: NetworkSpec) -> int:
    """Number of random numbers one network's initialisation draws."""
    return sum(math.prod(shape) for _, shape, kind in param_shapes(spec) if kind in ("conv", "linear"))


def unflatten(spec: NetworkSpec, normals: torch.Tensor) -> dict[str, torch.Tensor]:
    """Parameters from standard normals ``(..., n_random(spec))``, each of shape ``(..., *shape)``.

    Convolutions: He normal (``std = sqrt(2 / fan_in)``); linear weights:
    normal with ``std = 1/sqrt(fan_in)``; batch-norm scale 1 and shift 0;
    biases 0. The leading axes of ``normals`` (e.g. one per network) are kept.
    """
    lead = normals.shape[:-1]
    params: dict[str, torch.Tensor] = {}
    offset = 0
    for name, shape, kind in param_shapes(spec):
        if kind in ("conv", "linear"):
            size = math.prod(shape)
            gain = 2.0 if kind == "conv" else 1.0
            block = normals[..., offset : offset + size].reshape(*lead, *shape)
            params[name] = block * math.sqrt(gain / math.prod(shape[1:]))
            offset += size
        elif kind == "ones":
            params[name] = torch.ones(*lead, *shape, dtype=normals.dtype, device=normals.device)
        else:
            params[name] = torch.zeros(*lead, *shape, dtype=normals.dtype, device=normals.device)
    return params


def init_params(spec: NetworkSpec, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Initial parameters of one network: :func:`unflatten` of ``n_random(spec)`` normals from ``generator``.

    The normals are drawn in one call on the generator's device, in
    :func:`param_shapes` order, so a network's weights depend only on the
    generator's seed and device type (CPU and CUDA generators differ).

    Examples
    --------
    >>> spec = NetworkSpec(width=2)
    >>> a = init_params(spec, torch.Generator().manual_seed(1))
    >>> b = init_params(spec, torch.Generator().manual_seed(1))
    >>> all(torch.equal(a[k], b[k]) for k in a)
    True
    """
    return unflatten(spec, torch.randn(n_random(spec), generator=generator, device=generator.device))


class Stem(nn.Module):
    """3x3 convolution and batch norm (no ReLU before it)."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out, eps=BN_EPS, momentum=BN_MOMENTUM)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(x))


class Down(nn.Module):
    """Shortcut of a reduction block: 2x2 average pooling, then a 1x1 convolution."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(nn.functional.avg_pool2d(x, 2, 2))


class ReductionBlock(nn.Module):
    """NB201's residual reduction block: ``b(a(x)) + down(x)``, ``a`` with stride 2."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.a = ReLUConvBN(c_in, c_out, 3, stride=2)
        self.b = ReLUConvBN(c_out, c_out, 3)
        self.down = Down(c_in, c_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.b(self.a(x)) + self.down(x)


class Head(nn.Module):
    """Batch norm and ReLU (NB201's ``lastact``)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn(x))


class Network(nn.Module):
    """The NB201 macro network around one cell.

    Parameters
    ----------
    ops
        The cell's six op codes (every cell of the network is the same cell).
    spec
        Sizes.
    params
        Initial parameters from :func:`init_params`; ``None`` keeps torch's
        default initialisation.

    Examples
    --------
    >>> spec = NetworkSpec(width=4)
    >>> net = Network((3, 3, 3, 3, 3, 3), spec, init_params(spec, torch.Generator().manual_seed(0)))
    >>> net(torch.zeros(2, 1, 8, 8)).shape
    torch.Size([2, 10])
    """

    def __init__(self, ops: tuple[int, ...], spec: NetworkSpec, params: dict[str, torch.Tensor] | None = None):
        super().__init__()
        self.ops = tuple(int(o) for o in ops)
        self.spec = spec
        self.stem = Stem(spec.in_channels, spec.width)
        self.cells = nn.ModuleList()
        self.reductions = nn.ModuleList()
        for stage in range(spec.n_stages):
            c = spec.stage_width(stage)
            if stage > 0:
                self.reductions.append(ReductionBlock(c // 2, c))
            for _ in range(spec.cells_per_stage):
                self.cells.append(Cell(self.ops, c))
        self.head = Head(spec.stage_width(spec.n_stages - 1))
        self.classifier = nn.Linear(spec.stage_width(spec.n_stages - 1), spec.n_classes)
        if params is not None:
            self.load_params(params)

    def load_params(self, params: dict[str, torch.Tensor]) -> None:
        """Copy parameters named as in :func:`param_shapes` into this network (unused ops skipped)."""
        own = dict(self.named_parameters())
        for name, value in params.items():
            parts = name.split(".")
            if parts[0] == "cells":
                edge = int(parts[3])
                if nb201.OPS[self.ops[edge]] != parts[4]:
                    continue
                name = ".".join(parts[:4] + parts[5:])
            if name not in own:
                raise ValueError(f"parameter {name!r} does not belong to this network")
            with torch.no_grad():
                own[name].copy_(value)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        k = 0
        for stage in range(self.spec.n_stages):
            if stage > 0:
                x = self.reductions[stage - 1](x)
            for _ in range(self.spec.cells_per_stage):
                x = self.cells[k](x)
                k += 1
        x = self.head(x).mean(dim=(2, 3))
        return self.classifier(x)
