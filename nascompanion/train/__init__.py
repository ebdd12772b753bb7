"""Real training of NB201 cells: the cell and network in torch, a batched trainer and the digits grid.

The paper (Sec. 4) recommends denoising the training pipeline; this package
tests that with real trainings on scikit-learn's digits, and generates the
embedded benchmark read by :func:`nascompanion.data.digits.load_digits_benchmark`.
"""

from nascompanion.train.batched import (
    BatchedNetworks,
    TrainResult,
    discriminativeness,
    discriminativeness_interval,
    initial_params,
    train_batched,
    train_single,
)
from nascompanion.train.cell import Cell, make_op
from nascompanion.train.digits_data import DigitsData, Distortion, Split, distort, load_split
from nascompanion.train.network import Network, NetworkSpec, init_params
from nascompanion.train.pipelines import (
    BENCHMARK_SETTING,
    DENOISED,
    DISTORTED,
    NOISY,
    PIPELINES,
    PLAIN,
    SETTINGS,
    Pipeline,
    Setting,
    get_pipeline,
)

__all__ = [
    "BENCHMARK_SETTING",
    "DENOISED",
    "DISTORTED",
    "NOISY",
    "PIPELINES",
    "PLAIN",
    "SETTINGS",
    "BatchedNetworks",
    "Cell",
    "DigitsData",
    "Distortion",
    "Network",
    "NetworkSpec",
    "Pipeline",
    "Setting",
    "Split",
    "TrainResult",
    "discriminativeness",
    "discriminativeness_interval",
    "distort",
    "get_pipeline",
    "init_params",
    "initial_params",
    "load_split",
    "make_op",
    "train_batched",
    "train_single",
]
