"""Importer for the embedded digits benchmark (``nascompanion/data/digits201``).

Every NB201 cell was trained on scikit-learn's handwritten digits under two
pipelines (``noisy`` and ``denoised``, see :mod:`nascompanion.train.pipelines`)
with three seeds each, by ``python -m nascompanion.train`` (the command,
versions, hardware, wall time and the file's md5 are in ``manifest.json``). The file
stores correct validation and test images per cell and seed (``-1`` where a
training is missing) and a digest of those values (:func:`values_digest`), so an
edited file is refused with or without its manifest; this module turns them into accuracies in % behind the
same :class:`~nascompanion.data.benchmark.Benchmark` interface as NB201, with
datasets ``digits-denoised`` and ``digits-noisy``, one column per seed.

:func:`spread_draws` (a paired bootstrap over cells of each pipeline's seed noise
and discriminativeness) carries intervals of the chapter ``denoising_pipeline``;
its Table 1 statistics of one-seed landscapes come from
:func:`nascompanion.landscape.noise.one_seed_draws`.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from nascompanion.data.benchmark import Benchmark, BenchmarkDataError, DatasetResults, Provenance, validate
from nascompanion.data.digests import file_md5
from nascompanion.spaces import nb201

FOLDER = Path(__file__).with_name("digits201")
RESULT_FILE = "digits201.npz"
MANIFEST_FILE = "manifest.json"
PIPELINES = ("denoised", "noisy")
DATASETS = tuple(f"digits-{p}" for p in PIPELINES)
"""Dataset names of the digits benchmark."""

CHECKSUM_ARRAY = "values_sha256"
"""The array of a ``digits201.npz`` file that holds the digest of all its other arrays (:func:`values_digest`)."""

MANIFEST_NOTES: Mapping[str, str] = {
    "undefined_values": ("null stands for a value that is undefined, e.g. a discriminativeness ratio where the "
                         "median seed-to-seed SD is 0 or fewer than two seeds were trained"),
    "values_checksum": (f"{RESULT_FILE} carries {CHECKSUM_ARRAY}, the sha256 of its other arrays "
                        "(names, dtypes, shapes, values); every load checks it"),
}
"""What every ``manifest.json`` says about its ``null`` values and the checksum inside the data file."""

REGENERATE = "regenerate it with `python -m nascompanion.train run ...` and `... consolidate`"


def shipped_path() -> Path:
    """Where the benchmark that ships with the package lies."""
    return FOLDER / RESULT_FILE


def values_digest(arrays: Mapping[str, np.ndarray]) -> str:
    """``"sha256:<hex>"`` of every array but :data:`CHECKSUM_ARRAY`: names, dtypes, shapes and values, by name.

    The digest depends on the values only, not on how the file was written, so it
    travels inside the file (see :func:`with_checksum`) and survives rewriting.

    Examples
    --------
    >>> arrays = {"n_val": np.int64(400), "seeds": np.arange(3)}
    >>> values_digest(arrays) == values_digest(dict(reversed(arrays.items())))
    True
    >>> values_digest(arrays) == values_digest({**arrays, "n_val": np.int64(401)})
    False
    """
    digest = hashlib.sha256()
    for name in sorted(set(arrays) - {CHECKSUM_ARRAY}):
        value = np.ascontiguousarray(arrays[name])
        digest.update(json.dumps([name, value.dtype.str, list(value.shape)]).encode())
        digest.update(value.tobytes())
    return "sha256:" + digest.hexdigest()


def with_checksum(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``arrays`` with :data:`CHECKSUM_ARRAY` holding their :func:`values_digest`, as the loader requires.

    Examples
    --------
    >>> stamped = with_checksum({"seeds": np.arange(3)})
    >>> str(stamped[CHECKSUM_ARRAY]) == values_digest(stamped)
    True
    """
    arrays = {name: np.asarray(value) for name, value in arrays.items() if name != CHECKSUM_ARRAY}
    return {**arrays, CHECKSUM_ARRAY: np.array(values_digest(arrays))}


def _read(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        raise BenchmarkDataError(f"{path}: file not found; {REGENERATE}")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as err:
        raise BenchmarkDataError(f"{path}: corrupt or truncated benchmark file ({type(err).__name__}: {err})") from None
    need = ["n_val", "n_test", "seeds"] + [f"{p}_{m}_correct" for p in PIPELINES for m in ("val", "test")]
    missing = [k for k in need if k not in arrays]
    if missing:
        raise BenchmarkDataError(f"{path}: not a digits benchmark file, missing array(s) {', '.join(missing)}")
    if CHECKSUM_ARRAY not in arrays or arrays[CHECKSUM_ARRAY].shape != ():
        raise BenchmarkDataError(f"{path}: carries no checksum of its values (array {CHECKSUM_ARRAY}); {REGENERATE}")
    recorded, computed = str(arrays[CHECKSUM_ARRAY]), values_digest(arrays)
    if recorded != computed:
        raise BenchmarkDataError(f"{path}: its values do not match the checksum it carries ({recorded[:19]}... "
                                 f"recorded, {computed[:19]}... computed): edited or damaged; restore the file or "
                                 f"{REGENERATE}")
    return arrays


def _count(path: Path, arrays: Mapping[str, np.ndarray], name: str) -> int:
    value = arrays[name]
    if value.shape != () or value.dtype.kind not in "iu" or int(value) < 1:
        raise BenchmarkDataError(f"{path}: {name} must be one integer >= 1, got {value.tolist()!r}")
    return int(value)


def _sizes(path: Path, arrays: Mapping[str, np.ndarray]) -> tuple[int, int, int]:
    """``n_val``, ``n_test`` and the number of seeds, each checked, and a recorded training time checked."""
    seeds = arrays["seeds"]
    if seeds.ndim != 1 or seeds.size < 1 or seeds.dtype.kind not in "iu" or seeds.min() < 0 \
            or np.unique(seeds).size != seeds.size:
        raise BenchmarkDataError(f"{path}: seeds must be distinct integers >= 0, at least one, "
                                 f"got {seeds.tolist()!r}")
    seconds = arrays.get("train_seconds")
    if seconds is not None and (seconds.shape != () or seconds.dtype.kind not in "iuf"
                                or not 0 <= float(seconds) < np.inf):
        raise BenchmarkDataError(f"{path}: train_seconds must be one finite number >= 0, got {seconds.tolist()!r}")
    return _count(path, arrays, "n_val"), _count(path, arrays, "n_test"), int(seeds.size)


def _accuracy(path: Path, counts: np.ndarray, total: int, label: str, n_seeds: int) -> np.ndarray:
    if counts.shape != (nb201.N_ARCHS, n_seeds):
        raise BenchmarkDataError(f"{path}: {label} has shape {counts.shape}, expected ({nb201.N_ARCHS}, {n_seeds})")
    if counts.dtype.kind not in "iu":
        raise BenchmarkDataError(f"{path}: {label} holds {counts.dtype} values; expected integer counts -1..{total}")
    if counts.max(initial=-1) > total or counts.min(initial=0) < -1:
        raise BenchmarkDataError(f"{path}: {label} holds counts outside -1..{total} "
                                 f"(min {counts.min()}, max {counts.max()})")
    return np.where(counts < 0, np.nan, 100.0 * counts.astype(np.float64) / total)


def _strict_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def read_manifest(path: Path, checksum: str) -> dict:
    """The ``manifest.json`` beside a benchmark file, checked against the file's ``checksum`` (``{}`` if absent).

    Raises
    ------
    BenchmarkDataError
        Naming the manifest if it is not valid JSON (``NaN`` and ``Infinity``
        included), names no checksum of the file, or names another one.
    """
    manifest_path = path.with_name(MANIFEST_FILE)
    if not manifest_path.exists():
        return {}
    try:
        manifest = json.loads(manifest_path.read_text(), parse_constant=_strict_constant)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)
        raise BenchmarkDataError(f"{manifest_path}: not a readable JSON manifest ({reason})") from None
    checksums = manifest.get("checksums") if isinstance(manifest, dict) else None
    expected = checksums.get(path.name) if isinstance(checksums, dict) else None
    if expected is None:
        raise BenchmarkDataError(f"{manifest_path}: names no checksum of {path.name}; restore the manifest "
                                 f"written with the file, or delete it (the file carries its own checksum)")
    if expected != checksum:
        raise BenchmarkDataError(f"{path}: checksum {checksum} does not match {expected} in {manifest_path}")
    return manifest


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
        and test accuracy (%) of shape ``(15625, n_seeds)`` (one column per seed,
        ``per_seed=True``), rows in NB201 index order.

    Raises
    ------
    BenchmarkDataError
        If the file is missing, truncated, corrupt, carries no checksum of its
        values or one they do not match (:func:`values_digest`), holds counts
        out of range, misses cells, or a ``manifest.json`` beside it does not
        vouch for it (:func:`read_manifest`).

    Examples
    --------
    >>> bench = load_digits_benchmark()
    >>> bench.validation_accuracy("digits-denoised").shape
    (15625, 3)
    """
    path = shipped_path() if path is None else Path(path).expanduser()
    arrays = _read(path)
    checksum = file_md5(path)
    manifest = read_manifest(path, checksum)
    n_val, n_test, n_seeds = _sizes(path, arrays)
    net = manifest.get("setting", {}).get("network", {})
    what = (f"NB201 network (width {net.get('width', '?')}, {net.get('cells_per_stage', '?')} cell(s) per stage) "
            "on sklearn digits")
    results = {}
    for pipeline in PIPELINES:
        about = f"{what}, {pipeline} pipeline, {manifest.get('pipelines', {}).get(pipeline, {}).get('epochs', '?')} epochs"
        results[f"digits-{pipeline}"] = DatasetResults(
            name=f"digits-{pipeline}",
            validation=_accuracy(path, arrays[f"{pipeline}_val_correct"], n_val, f"{pipeline} validation", n_seeds),
            test=_accuracy(path, arrays[f"{pipeline}_test_correct"], n_test, f"{pipeline} test", n_seeds),
            validation_metric=f"{about}: accuracy on {n_val} validation images, one seed per column",
            test_metric=f"{about}: accuracy on {n_test} test images, one seed per column",
            per_seed=True,
        )
    notes = (f"trained by {manifest.get('command') or 'nascompanion.train'} on {manifest.get('hardware', 'unknown hardware')}",)
    sources = (str(path),) + ((str(path.with_name(MANIFEST_FILE)),) if manifest else ())
    provenance = Provenance(kind="digits201-generated", sources=sources, checksums={path.name: checksum}, notes=notes)
    return validate(Benchmark(results=results, provenance=provenance), str(path), check_optima=False)


def spread_draws(accuracy: Mapping[str, np.ndarray], rng: np.random.Generator, draws: int = 1000) -> pd.DataFrame:
    """Paired bootstrap over cells of each pipeline's IQR, median seed SD and discriminativeness ratio.

    Every resample draws cells with replacement, the same cells for every
    pipeline (each cell keeps its seeds), and computes what
    :func:`nascompanion.data.seed_noise.spread` computes: the interquartile range
    of the cells' mean accuracy, the median of their seed-to-seed SDs (``ddof=1``)
    and the ratio of the two. Differences between pipelines taken draw by draw
    are paired, so what the cells have in common cancels out of them. The rows
    are drawn as in :func:`nascompanion.data.seed_noise.discriminativeness_difference_interval`,
    so on data without missing seeds the same ``rng`` gives the same ratios.

    Parameters
    ----------
    accuracy
        Per-seed accuracy by pipeline, each of shape ``(n_cells, n_seeds >= 2)``,
        rows paired (the same cells in the same order); NaN = missing seed.
        Cells with fewer than two seeds in any pipeline are left out of all.
    rng
        Source of the resamples.
    draws
        Bootstrap resamples, at least 2.

    Returns
    -------
    pandas.DataFrame
        One row per resample; columns ``(pipeline, statistic)`` with statistic
        ``"iqr"``, ``"median_seed_sd"`` and ``"ratio"`` (``inf`` where the median SD is 0).

    Raises
    ------
    ValueError
        If no pipeline is given, the shapes differ or are not per-seed, fewer
        than two cells are left, or ``draws < 2``.

    Examples
    --------
    >>> acc = {"a": np.array([[90.0, 92.0], [80.0, 82.0], [70.0, 73.0]]),
    ...        "b": np.array([[91.0, 91.5], [81.0, 81.0], [71.0, 72.0]])}
    >>> boot = spread_draws(acc, np.random.default_rng(0), draws=4)
    >>> boot.shape, list(boot.columns.get_level_values(1)[:3])
    ((4, 6), ['iqr', 'median_seed_sd', 'ratio'])
    """
    if not accuracy or draws < 2:
        raise ValueError(f"need at least one pipeline and draws >= 2, got {len(accuracy)} and {draws!r}")
    arrays = _paired_cells(accuracy)
    n = next(iter(arrays.values())).shape[0]
    rows = rng.integers(0, n, size=(draws, n))
    columns = {}
    for name, a in arrays.items():
        iqr, median_sd, ratio = _resampled_spread(a, rows)
        columns |= {(name, "iqr"): iqr, (name, "median_seed_sd"): median_sd, (name, "ratio"): ratio}
    return pd.DataFrame(columns)


def _paired_cells(accuracy: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each pipeline's per-seed accuracy on the cells with at least two seeds in every pipeline."""
    arrays = {name: np.asarray(values, dtype=float) for name, values in accuracy.items()}
    shapes = {a.shape for a in arrays.values()}
    shape = next(iter(shapes))
    if len(shapes) != 1 or len(shape) != 2 or shape[1] < 2:
        raise ValueError(f"need per-seed accuracy of one shape (n_cells, n_seeds >= 2) for every pipeline, got {shapes}")
    enough = np.all([np.sum(~np.isnan(a), axis=1) >= 2 for a in arrays.values()], axis=0)
    if int(enough.sum()) < 2:
        raise ValueError("need at least two cells with two or more seeds in every pipeline")
    return {name: a[enough] for name, a in arrays.items()}


def _resampled_spread(accuracy: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IQR of the cells' mean accuracy, median seed SD and their ratio, for each resample of cells ``rows[d]``."""
    draws = rows.shape[0]
    chunks = [slice(start, start + 100) for start in range(0, draws, 100)]  # bounds the memory of a resample block
    means, sds = np.nanmean(accuracy, axis=1), np.nanstd(accuracy, axis=1, ddof=1)
    iqr = np.concatenate([np.subtract(*np.percentile(means[rows[c]], [75, 25], axis=1)) for c in chunks])
    median_sd = np.concatenate([np.median(sds[rows[c]], axis=1) for c in chunks])
    ratio = np.divide(iqr, median_sd, out=np.full(draws, np.inf), where=median_sd != 0)
    return iqr, median_sd, ratio


SWEEP_COLUMNS: Mapping[str, str] = {
    "n_archs": "cells", "seeds": "seeds", "width": "width", "epochs": "epochs", "n_train": "training images",
    "rotation": "rotation (degrees)", "shift": "shift (pixels)", "scale": "rescaling", "noise": "pixel noise",
    "n_val": "validation images", "pipeline": "pipeline", "mean_accuracy": "mean accuracy (%)",
    "iqr": "IQR (points)", "median_seed_sd": "median seed SD (points)", "ratio": "ratio IQR / seed SD",
}
"""Columns of the manifest's setting sweep a reader sees, with their headers in words (``seeds`` is
read from each row's description)."""

CANDIDATE_COLUMNS: Mapping[str, str] = {
    "n_archs": "cells", "width": "width", "epochs": "epochs", "noise": "pixel noise",
    "mean_accuracy": "mean accuracy (%)", "iqr": "IQR (points)", "median_seed_sd": "median seed SD (points)",
    "ratio": "ratio IQR / seed SD", "seconds": "training time (s)", "is_setting": "the setting distorted",
}
"""Columns of the distorted candidates a reader sees, with their headers in words."""


def sweep_figure(sweep: pd.DataFrame, target: float, width: float = 6.0, height: float = 4.2):
    """The setting sweep as a scatter: each candidate's median seed SD against its cells' IQR.

    Parameters
    ----------
    sweep
        The manifest's ``setting_sweep`` as a frame, with a boolean column ``distorted``.
    target
        The ratio IQR / median seed SD a benchmark should exceed, drawn as a dashed line.
    width, height
        Size in inches; the legend stands below the axes.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> rows = pd.DataFrame({"median_seed_sd": [4.0, 1.2], "iqr": [8.0, 6.5], "pipeline": ["noisy", "denoised"],
    ...                      "distorted": [False, True]})
    >>> fig = sweep_figure(rows, 5)
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['plain digits, noisy', 'distorted digits, denoised', 'IQR = 5 x seed SD']
    """
    import matplotlib.pyplot as plt  # heavy; the data layer loads without it

    fig, ax = plt.subplots(figsize=(width, height), constrained_layout=True)
    for (distorted, pipeline), part in sweep.groupby(["distorted", "pipeline"], sort=False):
        ax.scatter(part["median_seed_sd"], part["iqr"], marker="o" if pipeline == "denoised" else "x",
                   color="C1" if distorted else "C0",
                   label=f"{'distorted' if distorted else 'plain'} digits, {pipeline}")
    sds = np.linspace(0, sweep["median_seed_sd"].max() * 1.05, 2)
    ax.plot(sds, target * sds, "k--", lw=1, label=f"IQR = {target} x seed SD")
    ax.set_xlabel("median seed-to-seed SD (points)")
    ax.set_ylabel("IQR of mean validation\naccuracy (points)")
    fig.legend(loc="outside lower center", ncols=2)
    return fig
