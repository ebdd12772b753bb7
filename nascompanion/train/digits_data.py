"""scikit-learn's handwritten digits as a fixed train / validation / test split.

The digits (1,797 grey 8x8 images, 10 classes) ship inside scikit-learn
(``sklearn.datasets.load_digits``), so no download is needed. The split is a
fixed permutation drawn from ``Split.seed``; pixel values (0..16) are scaled to
[0, 1] and then standardised with the training images' mean and standard
deviation.

A :class:`Distortion` can make the task harder: every image is rotated,
rescaled and shifted by a fixed random amount (drawn once, from
``Distortion.seed``, not per training), optionally with pixel noise, and the
validation and test images can be given several distorted copies each. The
parts are split *before* distorting, so no digit has copies in two parts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from nascompanion.train.fields import require_int

N_IMAGES = 1797
"""Images in ``sklearn.datasets.load_digits``."""


@dataclass(frozen=True)
class Split:
    """Sizes of the fixed split and the seed of its permutation.

    Attributes
    ----------
    n_train, n_val, n_test
        Images in each part; together at most 1,797.
    seed
        Seed of the permutation that assigns images to the parts.
    """

    n_train: int = 1000
    n_val: int = 400
    n_test: int = 397
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("n_train", "n_val", "n_test"):
            require_int("Split", name, getattr(self, name), 2)
        if self.n_train + self.n_val + self.n_test > N_IMAGES:
            raise ValueError(
                f"split {self.n_train}+{self.n_val}+{self.n_test} needs more than the {N_IMAGES} digit images"
            )


@dataclass(frozen=True)
class Distortion:
    """Fixed random affine distortions of the digits (the identity by default).

    Attributes
    ----------
    rotation
        Largest rotation, in degrees (drawn uniformly in ``[-rotation, rotation]``).
    shift
        Largest translation along each axis, in pixels.
    scale
        Largest relative change of size (a factor in ``[1 - scale, 1 + scale]``).
    noise
        Standard deviation of Gaussian noise added to the pixels (on the [0, 1] scale).
    eval_copies
        Distorted copies of each validation and test image (each training image gets one).
    seed
        Seed of the distortions; the three parts draw from separate streams.
    """

    rotation: float = 0.0
    shift: float = 0.0
    scale: float = 0.0
    noise: float = 0.0
    eval_copies: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("rotation", "shift", "scale", "noise"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < math.inf:
                raise ValueError(f"Distortion.{name} must be a finite number >= 0, got {value!r}")
        if self.scale >= 1:
            raise ValueError(f"Distortion.scale must be below 1 (a size factor of 1 +- scale), got {self.scale!r}")
        require_int("Distortion", "eval_copies", self.eval_copies, 1)

    @property
    def is_identity(self) -> bool:
        """Whether the images are left as they are (one copy, no change)."""
        return self.rotation == self.shift == self.scale == self.noise == 0 and self.eval_copies == 1


def distort(images: np.ndarray, copies: int, distortion: Distortion, stream: int) -> np.ndarray:
    """``copies`` distorted versions of each image, image-major: shape ``(len(images) * copies, 1, H, W)``.

    Rotation, scale and shift are one affine map per output image, resampled
    bilinearly with zeros outside the digit; then noise is added. Drawn on the
    CPU from ``(distortion.seed, stream)``, so every device gets the same images.

    Examples
    --------
    >>> x = np.zeros((2, 1, 8, 8), dtype=np.float32)
    >>> distort(x, 3, Distortion(rotation=10.0), stream=0).shape
    (6, 1, 8, 8)
    """
    seed = int(np.random.SeedSequence([distortion.seed, stream]).generate_state(1)[0])
    g = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)).repeat_interleave(copies, 0)
    n, size = x.shape[0], x.shape[-1]
    angle = (2 * torch.rand(n, generator=g) - 1) * math.radians(distortion.rotation)
    factor = 1 + (2 * torch.rand(n, generator=g) - 1) * distortion.scale
    offset = (2 * torch.rand(n, 2, generator=g) - 1) * (2 * distortion.shift / size)
    theta = torch.empty(n, 2, 3)
    theta[:, 0, 0] = torch.cos(angle) / factor
    theta[:, 0, 1] = -torch.sin(angle) / factor
    theta[:, 1, 0] = torch.sin(angle) / factor
    theta[:, 1, 1] = torch.cos(angle) / factor
    theta[:, :, 2] = offset
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if distortion.noise:
        out = out + distortion.noise * torch.randn(out.shape, generator=g)
    return out.numpy()


def load_digit_arrays() -> tuple[np.ndarray, np.ndarray]:
    """All digit images ``(1797, 1, 8, 8)`` float32 in [0, 1] and labels ``(1797,)`` int64."""
    from sklearn.datasets import load_digits  # sklearn takes about a second to import; only the raw images need it

    bunch = load_digits()
    images = (bunch.images.astype(np.float32) / 16.0)[:, None, :, :]
    return images, bunch.target.astype(np.int64)


def split_indices(split: Split) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Image indices of the train, validation and test parts (disjoint, fixed by ``split.seed``).

    Examples
    --------
    >>> tr, va, te = split_indices(Split(n_train=10, n_val=5, n_test=5))
    >>> len(set(tr) | set(va) | set(te))
    20
    """
    order = np.random.default_rng(split.seed).permutation(N_IMAGES)
    a, b = split.n_train, split.n_train + split.n_val
    return order[:a], order[a:b], order[b : b + split.n_test]


@dataclass(frozen=True)
class DigitsData:
    """The three parts as tensors on one device (images standardised).

    Build with :func:`load_split`.
    """

    split: Split
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def device(self) -> torch.device:
        return self.x_train.device


def load_split(split: Split = Split(), device: str | torch.device = "cpu",
               distortion: Distortion = Distortion()) -> DigitsData:
    """The digits split by ``split`` (and distorted by ``distortion``), standardised with training statistics.

    Returns
    -------
    DigitsData
        On ``device``; the validation and test parts hold
        ``distortion.eval_copies`` images per digit (copies of one digit are adjacent).
    """
    images, labels = load_digit_arrays()
    parts = []
    for stream, idx in enumerate(split_indices(split)):
        copies = 1 if stream == 0 else distortion.eval_copies
        x = images[idx] if distortion.is_identity else distort(images[idx], copies, distortion, stream)
        parts.append((x, np.repeat(labels[idx], copies)))
    mean = float(parts[0][0].mean())
    std = float(parts[0][0].std())
    tensors = []
    for x, y in parts:
        tensors += [torch.from_numpy((x - mean) / std).to(device), torch.from_numpy(y).to(device)]
    return DigitsData(split, *tensors)
