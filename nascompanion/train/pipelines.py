"""The two training pipelines, ``noisy`` and ``denoised``, as frozen configs.

The paper (Sec. 4, "Discussion") recommends denoising the training pipeline:
cosine annealing, batch norm, regularisation, early stopping. ``denoised``
follows that list (batch norm is part of every convolution op, so both
pipelines have it); ``noisy`` is a plausible careless pipeline: constant
learning rate, small batches, no schedule, no regularisation.

A seed fixes everything random in a training run: the network's initial
weights (seeded by seed and architecture, see :func:`init_seed`), the order of
the training images and their augmentation (seeded by seed alone, see
:func:`data_seed`, so every architecture of one seed sees the same batches).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nascompanion.train.digits_data import Split
from nascompanion.train.network import NetworkSpec

SCHEDULES = ("constant", "cosine")


@dataclass(frozen=True)
class Pipeline:
    """How a network is trained.

    Attributes
    ----------
    name
        ``"noisy"`` or ``"denoised"`` (or a custom name).
    epochs
        Passes over the training images.
    batch_size
        Images per step; a last incomplete batch is dropped.
    lr
        Peak learning rate of SGD.
    momentum, nesterov
        SGD momentum.
    weight_decay
        L2 regularisation (on every parameter, as NB201 does).
    schedule
        ``"constant"`` or ``"cosine"`` (annealed per step to 0).
    label_smoothing
        Cross-entropy label smoothing.
    shift
        Random translation of training images by up to ``shift`` pixels (zero padded).
    noise_std
        Standard deviation of Gaussian noise added to training images (standardised units).
    """

    name: str
    epochs: int
    batch_size: int
    lr: float
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 0.0
    schedule: str = "constant"
    label_smoothing: float = 0.0
    shift: int = 0
    noise_std: float = 0.0

    def __post_init__(self) -> None:
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r}; allowed: {', '.join(SCHEDULES)}")
        if self.epochs < 1 or self.batch_size < 2 or self.lr <= 0:
            raise ValueError(f"pipeline {self.name!r}: need epochs >= 1, batch_size >= 2 and lr > 0")

    def lr_at(self, step: int, total: int) -> float:
        """Learning rate of step ``step`` (0-based) out of ``total``."""
        if self.schedule == "constant":
            return self.lr
        return 0.5 * self.lr * (1.0 + float(np.cos(np.pi * step / total)))


@dataclass(frozen=True)
class Setting:
    """Everything but the pipeline: the network's size and the data split."""

    network: NetworkSpec
    split: Split


NOISY = Pipeline(name="noisy", epochs=3, batch_size=32, lr=0.1, schedule="constant")
"""Constant learning rate 0.1, batches of 32, no schedule, no regularisation, no augmentation."""

DENOISED = Pipeline(
    name="denoised",
    epochs=3,
    batch_size=64,
    lr=0.1,
    weight_decay=5e-4,
    schedule="cosine",
    label_smoothing=0.1,
    shift=1,
)
"""Cosine annealing, batches of 64, weight decay 5e-4, label smoothing 0.1, random 1-pixel shifts."""

PIPELINES: dict[str, Pipeline] = {"noisy": NOISY, "denoised": DENOISED}

BENCHMARK_SETTING = Setting(network=NetworkSpec(width=8, cells_per_stage=1, n_stages=3), split=Split(1000, 400, 397))
"""The network and split of the shipped digits benchmark.

Width 8, one cell per stage, 1,000/400/397 images, 3 epochs: the most epochs
that let all 15,625 cells x 3 seeds x 2 pipelines train in one GPU call of
under 6 minutes (about 850 networks x epochs per second on an H100). The
measurement behind it, and what it costs in discriminativeness, is in the
chapter "Denoising the training pipeline" and in ``manifest.json``.
"""


def get_pipeline(name: str) -> Pipeline:
    """The pipeline called ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not ``"noisy"`` or ``"denoised"``.
    """
    if name not in PIPELINES:
        raise ValueError(f"unknown pipeline {name!r}; allowed: {', '.join(PIPELINES)}")
    return PIPELINES[name]


def _mix(*values: int) -> int:
    return int(np.random.SeedSequence([int(v) for v in values]).generate_state(1, np.uint64)[0] >> 1)


def init_seed(seed: int, arch: int) -> int:
    """Seed of the initial weights of architecture ``arch`` under training seed ``seed``."""
    return _mix(1, seed, arch)


def data_seed(seed: int, epoch: int) -> int:
    """Seed of the image order and augmentation of one epoch under training seed ``seed``."""
    return _mix(2, seed, epoch)
