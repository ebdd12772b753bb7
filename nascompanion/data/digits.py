"""Importer for the embedded digits benchmark (``nascompanion/data/digits201``).

Every NB201 cell was trained on scikit-learn's handwritten digits under two
pipelines (``noisy`` and ``denoised``, see :mod:`nascompanion.train.pipelines`)
with three seeds each, by ``python -m nascompanion.train.grid`` (the command,
versions, hardware, wall time and checksum are in ``manifest.json``). The file
stores correct validation and test images per cell and seed (``-1`` where a
training is missing); this module turns them into accuracies in % behind the
same :class:`~nascompanion.data.benchmark.Benchmark` interface as NB201, with
datasets ``digits-denoised`` and ``digits-noisy``, one column per seed.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from nascompanion.data.benchmark import Benchmark, BenchmarkDataError, DatasetResults, Provenance, validate
from nascompanion.data.tables import md5
from nascompanion.spaces import nb201

FOLDER = Path(__file__).with_name("digits201")
RESULT_FILE = "digits201.npz"
MANIFEST_FILE = "manifest.json"
PIPELINES = ("denoised", "noisy")
DATASETS = tuple(f"digits-{p}" for p in PIPELINES)
"""Dataset names of the digits benchmark."""


def shipped_path() -> Path:
    """Where the benchmark that ships with the package lies."""
    return FOLDER / RESULT_FILE


def _read(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        raise BenchmarkDataError(
            f"{path}: file not found; generate it with `python -m nascompanion.train.grid run ...` "
            "and `... consolidate` (see nascompanion/train/grid.py)"
        )
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as err:
        raise BenchmarkDataError(f"{path}: corrupt or truncated benchmark file ({type(err).__name__}: {err})") from None
    need = ["n_val", "n_test", "seeds"] + [f"{p}_{m}_correct" for p in PIPELINES for m in ("val", "test")]
    missing = [k for k in need if k not in arrays]
    if missing:
        raise BenchmarkDataError(f"{path}: not a digits benchmark file, missing array(s) {', '.join(missing)}")
    return arrays


def _accuracy(path: Path, counts: np.ndarray, total: int, label: str, n_seeds: int) -> np.ndarray:
    if counts.shape != (nb201.N_ARCHS, n_seeds):
        raise BenchmarkDataError(f"{path}: {label} has shape {counts.shape}, expected ({nb201.N_ARCHS}, {n_seeds})")
    if total < 1 or counts.max(initial=-1) > total or counts.min(initial=0) < -1:
        raise BenchmarkDataError(f"{path}: {label} holds counts outside -1..{total}")
    return np.where(counts < 0, np.nan, 100.0 * counts.astype(np.float64) / total)


def load_digits_benchmark(path: str | Path | None = None) -> Benchmark:
    """Load the digits benchmark as a validated :class:`Benchmark`.

    Parameters
    ----------
    path
        A ``digits201.npz`` file; ``None`` reads the one shipped in the package.

    Returns
    -------
    Benchmark
        Datasets ``digits-denoised`` and ``digits-noisy``, each with validation
        and test accuracy (%) of shape ``(15625, 3)`` (one column per seed,
        ``per_seed=True``), rows in NB201 index order.

    Raises
    ------
    BenchmarkDataError
        If the file is missing, truncated, corrupt, does not match the
        checksum in the ``manifest.json`` beside it, or misses cells.

    Examples
    --------
    >>> bench = load_digits_benchmark()
    >>> bench.validation_accuracy("digits-denoised").shape
    (15625, 3)
    """
    path = shipped_path() if path is None else Path(path).expanduser()
    arrays = _read(path)
    checksum = md5(path)
    manifest_path = path.with_name(MANIFEST_FILE)
    manifest = {}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        expected = manifest.get("checksums", {}).get(path.name)
        if expected is not None and expected != checksum:
            raise BenchmarkDataError(f"{path}: checksum {checksum} does not match {expected} in {manifest_path}")
    n_val, n_test = int(arrays["n_val"]), int(arrays["n_test"])
    n_seeds = int(arrays["seeds"].shape[0])
    setting = manifest.get("setting", {})
    net = setting.get("network", {})
    what = (f"NB201 network (width {net.get('width', '?')}, {net.get('cells_per_stage', '?')} cell(s) per stage) "
            "on sklearn digits")
    results = {}
    for pipeline in PIPELINES:
        epochs = manifest.get("pipelines", {}).get(pipeline, {}).get("epochs", "?")
        results[f"digits-{pipeline}"] = DatasetResults(
            name=f"digits-{pipeline}",
            validation=_accuracy(path, arrays[f"{pipeline}_val_correct"], n_val, f"{pipeline} validation", n_seeds),
            test=_accuracy(path, arrays[f"{pipeline}_test_correct"], n_test, f"{pipeline} test", n_seeds),
            validation_metric=f"{what}, {pipeline} pipeline, {epochs} epochs: accuracy on {n_val} validation images, one seed per column",
            test_metric=f"{what}, {pipeline} pipeline, {epochs} epochs: accuracy on {n_test} test images, one seed per column",
            per_seed=True,
        )
    notes = (f"trained by {manifest.get('command') or 'nascompanion.train.grid'} on {manifest.get('hardware', 'unknown hardware')}",)
    sources = (str(path),) + ((str(manifest_path),) if manifest else ())
    provenance = Provenance(kind="digits201-generated", sources=sources, checksums={path.name: checksum}, notes=notes)
    return validate(Benchmark(results=results, provenance=provenance), str(path), check_optima=False)
