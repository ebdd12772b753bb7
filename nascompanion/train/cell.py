"""The NAS-Bench-201 cell and its five operations, as plain torch modules.

A cell is a DAG on four nodes: node 0 is the cell's input, and node ``j``
(``j = 1, 2, 3``) is the sum over ``i < j`` of ``op_{j<-i}(node i)``; the
cell's output is node 3. Each of the six edges (in
:data:`nascompanion.spaces.nb201.EDGES` order) carries one of the five
operations of :data:`nascompanion.spaces.nb201.OPS`:

- ``none``: the zero tensor (the edge is absent);
- ``skip_connect``: the identity;
- ``nor_conv_1x1`` and ``nor_conv_3x3``: ReLU, convolution (no bias, padding
  keeping the size), batch norm, as in NAS-Bench-201's ``ReLUConvBN``;
- ``avg_pool_3x3``: 3x3 average pooling, stride 1, padding 1, padded pixels
  not counted (NB201's ``POOLING`` with ``count_include_pad=False``).

The batched trainer (:mod:`nascompanion.train.batched`) computes the same
function for many cells at once; these modules are its reference.
"""

from __future__ import annotations

import torch
from torch import nn

from nascompanion.spaces import nb201

CONV_KERNELS: dict[str, int] = {"nor_conv_1x1": 1, "nor_conv_3x3": 3}
"""Kernel size of each convolution op."""

BN_MOMENTUM = 0.1
BN_EPS = 1e-5


class Zero(nn.Module):
    """The ``none`` op: a zero tensor of the input's shape."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(x)


class ReLUConvBN(nn.Module):
    """ReLU, convolution without bias, batch norm (NB201's ``ReLUConvBN``).

    Parameters
    ----------
    c_in, c_out
        Input and output channels.
    kernel
        Kernel size; padding is ``kernel // 2``.
    stride
        Convolution stride.
    """

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, eps=BN_EPS, momentum=BN_MOMENTUM)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(torch.relu(x)))


def make_op(name: str, channels: int) -> nn.Module:
    """The module of one NB201 operation on ``channels`` channels.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`nascompanion.spaces.nb201.OPS`.

    Examples
    --------
    >>> type(make_op("avg_pool_3x3", 4)).__name__
    'AvgPool2d'
    """
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name in CONV_KERNELS:
        return ReLUConvBN(channels, channels, CONV_KERNELS[name])
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(f"unknown operation {name!r}; allowed: {', '.join(nb201.OPS)}")


class Cell(nn.Module):
    """One NB201 cell with fixed operations.

    Parameters
    ----------
    ops
        Six op codes (0..4, :data:`nascompanion.spaces.nb201.OPS` order), one
        per edge in :data:`nascompanion.spaces.nb201.EDGES` order.
    channels
        Channels of every node (a cell keeps the size of its input).

    Examples
    --------
    >>> cell = Cell((1, 0, 0, 0, 1, 0), channels=2)   # input -> 1 -> 3 by skips
    >>> x = torch.randn(1, 2, 3, 3)
    >>> bool(torch.equal(cell(x), x))
    True
    """

    def __init__(self, ops: tuple[int, ...], channels: int) -> None:
        super().__init__()
        ops = tuple(int(o) for o in ops)
        if len(ops) != nb201.N_EDGES or not all(0 <= o < nb201.N_OPS for o in ops):
            raise ValueError(f"a cell needs {nb201.N_EDGES} op codes in 0..{nb201.N_OPS - 1}, got {list(ops)}")
        self.ops = ops
        self.edges = nn.ModuleList(make_op(nb201.OPS[o], channels) for o in ops)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for j in range(1, 4):
            total = None
            for e, (to, source) in enumerate(nb201.EDGES):
                if to != j or self.ops[e] == 0:
                    continue
                out = self.edges[e](nodes[source])
                total = out if total is None else total + out
            nodes.append(torch.zeros_like(x) if total is None else total)
        return nodes[3]
