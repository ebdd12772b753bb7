"""scikit-learn's handwritten digits as a fixed train / validation / test split.

The digits (1,797 grey 8x8 images, 10 classes) ship inside scikit-learn
(``sklearn.datasets.load_digits``), so no download is needed. The split is a
fixed permutation drawn from ``Split.seed``; pixel values (0..16) are scaled to
[0, 1] and then standardised with the training images' mean and standard
deviation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

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
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                raise ValueError(f"Split.{name} must be an integer >= 2, got {value!r}")
        if self.n_train + self.n_val + self.n_test > N_IMAGES:
            raise ValueError(
                f"split {self.n_train}+{self.n_val}+{self.n_test} needs more than the {N_IMAGES} digit images"
            )


def load_digit_arrays() -> tuple[np.ndarray, np.ndarray]:
    """All digit images ``(1797, 1, 8, 8)`` float32 in [0, 1] and labels ``(1797,)`` int64."""
    from sklearn.datasets import load_digits

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


def load_split(split: Split = Split(), device: str | torch.device = "cpu") -> DigitsData:
    """The digits split by ``split``, standardised with training statistics, on ``device``."""
    images, labels = load_digit_arrays()
    train, val, test = split_indices(split)
    mean = float(images[train].mean())
    std = float(images[train].std())

    def part(idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.from_numpy((images[idx] - mean) / std).to(device)
        return x, torch.from_numpy(labels[idx]).to(device)

    return DigitsData(split, *part(train), *part(val), *part(test))
