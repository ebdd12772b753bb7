"""Chunk files of the digits grid made without training, for tests of consolidation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from nascompanion.spaces import nb201
from nascompanion.train import grid
from nascompanion.train.pipelines import Setting


def chunk_arrays(chunk: grid.Chunk, setting: Setting, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """What :func:`nascompanion.train.grid.train_chunk_fn` would record for ``chunk``, with random counts."""
    archs = np.arange(chunk.start, chunk.stop)
    n_val = setting.split.n_val * setting.distortion.eval_copies
    n_test = setting.split.n_test * setting.distortion.eval_copies
    return {"archs": archs, "pipeline": np.array(chunk.pipeline), "seed": np.int64(chunk.seed),
            "val_correct": rng.integers(0, n_val + 1, archs.size).astype(np.int16),
            "test_correct": rng.integers(0, n_test + 1, archs.size).astype(np.int16),
            "train_loss": np.ones(archs.size, np.float32), "n_val": np.int64(n_val), "n_test": np.int64(n_test),
            "seconds": np.float64(0.5), "epochs": np.int64(1), "steps": np.int64(4),
            "setting": np.array(json.dumps(grid.setting_record(setting), sort_keys=True))}


def write_chunks(out: Path, chunks: list[grid.Chunk], setting: Setting, seed: int = 0) -> None:
    """A finished file for each of ``chunks`` in ``out``."""
    rng = np.random.default_rng(seed)
    for chunk in chunks:
        grid.write_atomic(Path(out) / chunk.file_name, chunk_arrays(chunk, setting, rng))


def whole_grid(seeds: tuple[int, ...] = grid.SEEDS) -> list[grid.Chunk]:
    """Every cell under both pipelines and ``seeds``, one chunk per pipeline and seed."""
    return grid.plan(seeds=seeds, chunk=nb201.N_ARCHS)
