"""Generate the digits benchmark: every NB201 cell x seeds x pipelines, in resumable chunks.

The work is cut into chunks (pipeline, seed, range of NB201 indices). Each
finished chunk is written atomically (to a temporary file in the same folder,
then renamed), so a run that is killed loses at most the chunks in progress,
and a rerun trains only what has no file yet. ``consolidate`` gathers the
chunks into the compact file shipped in ``nascompanion/data/digits201``.

Each run trains one named setting (:data:`~nascompanion.train.pipelines.SETTINGS`):
``plain`` is the setting of the benchmark shipped now, ``distorted`` (the default) the
most discriminative one measured by ``sweep`` so far. Every chunk records its setting, and a
folder holding chunks of another setting is refused; ``consolidate`` reads the
setting from the chunks and records it in the manifest. On a machine with a GPU::

    PYTHONPATH=. python -m nascompanion.train.grid run --setting distorted --out .gpu/grid \\
        --device cuda --conv einsum --autocast
    PYTHONPATH=. python -m nascompanion.train.grid consolidate --out .gpu/grid \\
        --dest .gpu/digits201        # then, to replace the shipped one: --dest nascompanion/data/digits201 --replace

``consolidate`` writes nothing if a chunk file is damaged or a chunk of the grid is missing
(the error names them), and overwrites an existing benchmark only with ``--replace``.

``run`` is resumable (rerun it after a kill or a ``--time-limit`` stop).
It trains in this process by default; ``--workers N`` trains on a local
``dask.distributed`` cluster of ``N`` worker processes (one per GPU on
``--device cuda``, else ``N`` CPU processes sharing the cores), and
``--scheduler ADDRESS`` on the workers of a dask cluster that is already
running, e.g. one started on SLURM with dask-jobqueue's ``SLURMCluster`` or
with the ``dask scheduler`` and ``dask worker`` commands (see
:mod:`nascompanion.train.engine`)::

    PYTHONPATH=. python -m nascompanion.train.grid run --setting plain --out .cpu/grid --workers 2
    dask scheduler --port 8786 &                                      # on one node
    dask worker tcp://HOST:8786 --nthreads 1 --resources GPU=1 &      # one per GPU, on every node
    PYTHONPATH=. python -m nascompanion.train.grid run --out /shared/grid --device cuda \\
        --scheduler tcp://HOST:8786

Each worker writes its chunk files itself, so ``--out`` must be a folder the
workers see at the same path; rerunning the same command after any failure
resumes from the files there. On a cluster ``--time-limit`` stops submitting
chunks, and the chunks already running finish.

``sweep`` measures candidate settings (width, epochs, training images,
distortion) on a random sample of cells, to pick a discriminative one (see the
chapter "Denoising the training pipeline").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
import zipfile
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from nascompanion.data.tables import md5
from nascompanion.spaces import nb201
from nascompanion.train.digits_data import Distortion, Split
from nascompanion.train.network import NetworkSpec
from nascompanion.train.pipelines import BENCHMARK_SETTING, DEFAULT_SETTING, PIPELINES, SETTINGS, Pipeline, Setting

SEEDS = (0, 1, 2)
CHUNK = 2048
RESULT_FILE = "digits201.npz"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class Chunk:
    """One unit of work: ``archs`` ``start..stop-1`` under one pipeline and seed."""

    pipeline: str
    seed: int
    start: int
    stop: int

    @property
    def file_name(self) -> str:
        return f"{self.pipeline}_s{self.seed}_{self.start:05d}_{self.stop:05d}.npz"


def plan(pipelines: Sequence[str] = tuple(PIPELINES), seeds: Sequence[int] = SEEDS, chunk: int = CHUNK,
         start: int = 0, stop: int = nb201.N_ARCHS) -> list[Chunk]:
    """All chunks, seed-major (every cell of seed 0 in both pipelines first), so a partial run is usable."""
    if chunk < 1 or not 0 <= start < stop <= nb201.N_ARCHS:
        raise ValueError(f"need chunk >= 1 and 0 <= start < stop <= {nb201.N_ARCHS}; got {chunk}, {start}, {stop}")
    for name in pipelines:
        if name not in PIPELINES:
            raise ValueError(f"unknown pipeline {name!r}; allowed: {', '.join(PIPELINES)}")
    return [Chunk(p, int(s), a, min(a + chunk, stop)) for s in seeds for p in pipelines for a in range(start, stop, chunk)]


def write_atomic(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as an ``.npz`` at ``path`` so that ``path`` is either absent or complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_chunk(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays of a finished chunk file, or ``None`` if it is absent or unreadable (then it is redone)."""
    try:
        with np.load(path) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        return None
    need = {"archs", "val_correct", "test_correct", "n_val", "n_test", "seconds"}
    return arrays if need <= arrays.keys() else None


TrainFn = Callable[[Chunk], dict[str, np.ndarray]]


def train_chunk_fn(setting: Setting, device: str = "cpu", autocast: bool = False,
                   pipelines: dict[str, Pipeline] | None = None, conv: str = "grouped",
                   cudnn_deterministic: bool = True) -> TrainFn:
    """A function that trains one chunk on ``device`` and returns its arrays (with the setting it used).

    ``pipelines`` defaults to ``setting.pipelines()``.
    """
    import torch

    from nascompanion.train.batched import steps_per_epoch, train_batched
    from nascompanion.train.digits_data import load_split

    pipelines = dict(setting.pipelines() if pipelines is None else pipelines)
    data = load_split(setting.split, device=device, distortion=setting.distortion)
    images = int(data.x_train.shape[0])
    untrained = {name: p.batch_size for name, p in pipelines.items() if images < p.batch_size}
    if untrained:
        raise ValueError(f"{images} training images are fewer than the batch size of pipeline(s) "
                         f"{', '.join(f'{n} ({b})' for n, b in untrained.items())}: every network would train no step; "
                         "raise --n-train or lower the batch size")

    def train(chunk: Chunk) -> dict[str, np.ndarray]:
        t0 = time.perf_counter()
        pipeline = pipelines[chunk.pipeline]
        result = train_batched(np.arange(chunk.start, chunk.stop), chunk.seed, pipeline,
                               setting.network, data, autocast=autocast, conv=conv,
                               cudnn_deterministic=cudnn_deterministic)
        if torch.device(device).type == "cuda":
            torch.cuda.synchronize()
        return {
            "archs": result.archs,
            "val_correct": result.val_correct.astype(np.int16),
            "test_correct": result.test_correct.astype(np.int16),
            "train_loss": result.train_loss.astype(np.float32),
            "n_val": np.int64(result.n_val),
            "n_test": np.int64(result.n_test),
            "seconds": np.float64(time.perf_counter() - t0),
            "epochs": np.int64(pipeline.epochs),
            "steps": np.int64(pipeline.epochs * steps_per_epoch(data, pipeline)),
            "width": np.int64(setting.network.width),
            "n_train": np.int64(setting.split.n_train),
            "setting": np.array(json.dumps(setting_record(setting), sort_keys=True)),
        }

    return train


def check_trained(chunk: Chunk, arrays: dict[str, np.ndarray]) -> None:
    """Refuse the result of ``chunk`` unless it shows that its networks were trained.

    The arrays must hold the cells ``chunk.start..chunk.stop-1`` in order; a
    recorded ``steps`` (the optimiser steps of every network, which
    :func:`train_chunk_fn` records) must be at least 1, and a recorded
    ``train_loss`` must hold one value per cell. A network whose loss diverged
    (``nan``) did train, so its chunk is kept: that is an outcome of its pipeline.

    Raises
    ------
    ValueError
        Naming the chunk and what its result lacks.

    Examples
    --------
    >>> chunk = Chunk("noisy", 0, 0, 2)
    >>> check_trained(chunk, {"archs": np.arange(2), "steps": np.int64(3), "train_loss": np.ones(2)})
    >>> check_trained(chunk, {"archs": np.arange(2), "steps": np.int64(0), "train_loss": np.zeros(2)})
    Traceback (most recent call last):
    ...
    ValueError: chunk noisy_s0_00000_00002.npz: trained no step (0 steps per network); not stored
    """
    archs = np.asarray(arrays.get("archs", ()))
    if not np.array_equal(archs, np.arange(chunk.start, chunk.stop)):
        raise ValueError(f"chunk {chunk.file_name}: its result holds cells {archs.tolist()[:8]}, "
                         f"not {chunk.start}..{chunk.stop - 1}; not stored")
    if "steps" in arrays and int(arrays["steps"]) < 1:
        raise ValueError(f"chunk {chunk.file_name}: trained no step ({int(arrays['steps'])} steps per network); "
                         "not stored")
    if "train_loss" in arrays and np.shape(arrays["train_loss"]) != archs.shape:
        raise ValueError(f"chunk {chunk.file_name}: {np.size(arrays['train_loss'])} training losses for "
                         f"{archs.size} cells; not stored")


def chunk_setting(arrays: dict[str, np.ndarray]) -> dict | None:
    """The setting a chunk was trained in (``None`` for chunks written before chunks recorded it)."""
    return json.loads(str(arrays["setting"])) if "setting" in arrays else None


def _finished_chunks(out: Path) -> Iterator[tuple[Path, dict[str, np.ndarray]]]:
    """Every readable, finished chunk file in ``out`` with its arrays, in name order."""
    for path in sorted(Path(out).glob("*.npz")):
        arrays = None if path.name.startswith(".tmp-") else read_chunk(path)
        if arrays is not None:  # an unreadable file will be trained again
            yield path, arrays


def _recorded_setting(path: Path, arrays: dict[str, np.ndarray]) -> dict:
    got = chunk_setting(arrays)
    if got is None:
        raise ValueError(f"{path}: records no setting (written before chunks recorded theirs); "
                         "use another --out folder")
    return got


def check_settings(out: Path, setting: Setting) -> None:
    """Refuse to mix settings: every finished chunk in ``out`` must have been trained in ``setting``.

    Raises
    ------
    ValueError
        Naming the first chunk file trained in another setting, or recording none.
    """
    want = json.loads(json.dumps(setting_record(setting)))
    for path, arrays in _finished_chunks(out):
        got = _recorded_setting(path, arrays)
        if got != want:
            raise ValueError(f"{path}: trained in setting {got.get('name') or got}, not {want['name'] or want}; "
                             "use another --out folder for another setting")


def folder_setting(out: Path) -> dict:
    """The setting (as :func:`setting_record` wrote it) that every finished chunk in ``out`` was trained in.

    Raises
    ------
    ValueError
        If ``out`` holds no finished chunk, a chunk records no setting, or two
        chunks record different settings (both files are named).
    """
    first: tuple[Path, dict] | None = None
    for path, arrays in _finished_chunks(out):
        got = _recorded_setting(path, arrays)
        if first is None:
            first = (path, got)
        elif got != first[1]:
            raise ValueError(f"{path} and {first[0].name} were trained in different settings "
                             f"({got.get('name') or got} and {first[1].get('name') or first[1]}); "
                             "a benchmark is consolidated from one setting")
    if first is None:
        raise ValueError(f"{out}: no finished chunk files to consolidate (run `grid run --out {out}` first)")
    return first[1]


def setting_from_record(record: dict) -> Setting:
    """The :class:`Setting` that :func:`setting_record` turned into ``record``."""
    return Setting(NetworkSpec(**record["network"]), Split(**record["split"]), Distortion(**record["distortion"]),
                   record["epochs"])


def run_grid(out: Path, chunks: Iterable[Chunk], train: TrainFn, time_limit: float | None = None,
             log: Callable[[str], None] = print) -> list[Chunk]:
    """Train every chunk that has no finished file in ``out``; return the chunks trained now.

    Parameters
    ----------
    out
        Folder of chunk files.
    chunks
        The plan (see :func:`plan`).
    train
        Trains one chunk, returning its arrays (see :func:`train_chunk_fn`);
        a result that shows no training is refused (see :func:`check_trained`).
    time_limit
        Seconds; no new chunk is started once the next one (estimated from the
        slowest so far) would end past it. The run can be resumed later.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    slowest = 0.0
    done: list[Chunk] = []
    for chunk in chunks:
        path = out / chunk.file_name
        if read_chunk(path) is not None:
            continue
        elapsed = time.perf_counter() - t0
        if time_limit is not None and elapsed + slowest > time_limit:
            log(f"time limit: stopping after {elapsed:.0f} s; rerun the same command to resume")
            break
        t = time.perf_counter()
        arrays = train(chunk)
        check_trained(chunk, arrays)
        write_atomic(path, arrays)
        slowest = max(slowest, time.perf_counter() - t)
        done.append(chunk)
        log(f"{chunk.file_name}: {time.perf_counter() - t:.1f} s")
    return done




def gather(out: Path, pipelines: Sequence[str] = tuple(PIPELINES), seeds: Sequence[int] = SEEDS) -> dict[str, np.ndarray]:
    """All finished chunks in ``out`` as ``(15625, n_seeds)`` arrays of correct counts, ``-1`` where missing."""
    arrays: dict[str, np.ndarray] = {"seeds": np.asarray(seeds, dtype=np.int64)}
    n_val = n_test = None
    seconds = 0.0
    for name in pipelines:
        for metric in ("val", "test"):
            arrays[f"{name}_{metric}_correct"] = np.full((nb201.N_ARCHS, len(seeds)), -1, dtype=np.int16)
    for path in sorted(Path(out).glob("*.npz")):
        if path.name.startswith(".tmp-"):
            continue
        chunk = read_chunk(path)
        name, seed = path.name.split("_s")[0], int(path.name.split("_s")[1].split("_")[0])
        if chunk is None or name not in pipelines or seed not in seeds:
            continue
        column = list(seeds).index(seed)
        for metric in ("val", "test"):
            arrays[f"{name}_{metric}_correct"][chunk["archs"], column] = chunk[f"{metric}_correct"]
        n_val, n_test = int(chunk["n_val"]), int(chunk["n_test"])
        seconds += float(chunk["seconds"])
    arrays["n_val"] = np.int64(n_val or 0)
    arrays["n_test"] = np.int64(n_test or 0)
    arrays["train_seconds"] = np.float64(seconds)
    return arrays


def _versions() -> dict[str, str]:
    import sklearn
    import torch

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "cuda": str(torch.version.cuda),
    }


def _hardware() -> str:
    import torch

    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} ({platform.machine()}, {os.cpu_count()} CPU cores)"
    return f"CPU only ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"


def setting_record(setting: Setting) -> dict:
    """``setting`` as plain JSON-ready values (its name too, if it is one of :data:`SETTINGS`)."""
    names = [name for name, known in SETTINGS.items() if known == setting]
    return {"name": names[0] if names else None, "network": asdict(setting.network), "split": asdict(setting.split),
            "distortion": asdict(setting.distortion), "epochs": setting.epochs}


def damaged_chunks(out: Path) -> list[Path]:
    """Chunk files in ``out`` that cannot be read as finished chunks (unreadable, truncated, missing arrays)."""
    return [path for path in sorted(Path(out).glob("*.npz"))
            if not path.name.startswith(".tmp-") and read_chunk(path) is None]


def missing_chunks(out: Path, chunks: Iterable[Chunk]) -> list[Chunk]:
    """The chunks of a plan that have no finished file in ``out``."""
    return [chunk for chunk in chunks if read_chunk(Path(out) / chunk.file_name) is None]


def consolidate(out: Path, dest: Path, command: str = "", extra: dict | None = None,
                chunks: Iterable[Chunk] | None = None, overwrite: bool = False) -> dict:
    """Write the shipped ``digits201.npz`` and ``manifest.json`` in ``dest`` from the chunks in ``out``.

    The manifest records the setting the chunks were trained in (see :func:`folder_setting`).
    Nothing is written unless every chunk of the plan ``chunks`` (default: the
    whole grid, :func:`plan`) has a finished file and no chunk file is damaged;
    files already in ``dest`` are replaced only with ``overwrite=True``.

    Raises
    ------
    ValueError
        Naming the damaged or missing chunk files, or the existing file in ``dest``.
    """
    from nascompanion.train.batched import discriminativeness

    damaged = damaged_chunks(out)
    if damaged:
        raise ValueError(f"{len(damaged)} damaged chunk file(s) in {out}: {', '.join(p.name for p in damaged[:5])}"
                         f"{' ...' if len(damaged) > 5 else ''}; delete them and rerun `grid run` to train them again")
    record = folder_setting(out)
    setting = setting_from_record(record)
    missing = missing_chunks(out, plan() if chunks is None else chunks)
    if missing:
        raise ValueError(f"{len(missing)} chunk(s) of the grid have no finished file in {out}, e.g. "
                         f"{', '.join(c.file_name for c in missing[:5])}; finish them with `grid run --out {out}`")
    dest = Path(dest)
    existing = [dest / name for name in (RESULT_FILE, MANIFEST_FILE) if (dest / name).exists()]
    if existing and not overwrite:
        raise ValueError(f"{existing[0]} exists; write to a new --dest folder, or pass --replace to overwrite it")
    arrays = gather(out)
    dest.mkdir(parents=True, exist_ok=True)
    write_atomic(dest / RESULT_FILE, arrays)
    keep = nb201.has_input_output_path()
    counts, ratios = {}, {}
    for name in PIPELINES:
        val = arrays[f"{name}_val_correct"].astype(float)
        present = val >= 0
        counts[name] = {"cells_with_a_seed": int(present.any(1).sum()), "trainings": int(present.sum())}
        acc = np.where(present, 100.0 * val / max(int(arrays["n_val"]), 1), np.nan)
        try:
            ratios[name] = round(discriminativeness(acc, keep), 3)
        except ValueError:
            ratios[name] = None
    manifest = {
        "what": "NB201 cells trained on scikit-learn's digits: correct validation/test images per seed",
        "command": command,
        "versions": _versions(),
        "hardware": _hardware(),
        "train_seconds_total": round(float(arrays["train_seconds"]), 1),
        "setting": record,
        "pipelines": {name: asdict(p) for name, p in setting.pipelines().items()},
        "seeds": [int(s) for s in arrays["seeds"]],
        "counts": counts,
        "discriminativeness_iqr_over_median_seed_sd": ratios,
        "checksums": {RESULT_FILE: md5(dest / RESULT_FILE)},
    }
    if extra:
        manifest.update(extra)
    old = dest / MANIFEST_FILE
    if old.is_file():  # keep what earlier steps recorded (e.g. the setting sweep)
        previous = json.loads(old.read_text())
        for key in ("setting_sweep", "gpu_calls"):
            if key in previous and key not in manifest:
                manifest[key] = previous[key]
    temporary = dest / f".tmp-{MANIFEST_FILE}"
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n")
    os.replace(temporary, dest / MANIFEST_FILE)
    return manifest


def sweep(candidates: Sequence[Setting], n_archs: int, device: str, seeds: Sequence[int] = SEEDS,
          time_limit: float = 150.0, log: Callable[[str], None] = print, conv: str = "grouped",
          autocast: bool = False, pipelines: Sequence[str] = tuple(PIPELINES), sample_seed: int = 2021,
          on_record: Callable[[dict], None] | None = None) -> list[dict]:
    """Measure candidate settings on ``n_archs`` random cells (with an input-output path) x ``seeds``.

    Every candidate trains the same cells (drawn from ``sample_seed``).
    Returns one record per candidate and pipeline: the setting's sizes and
    distortion, the discriminativeness ratio, the IQR, the median seed SD, the
    mean accuracy, the seconds it took, and the cells and their per-seed
    validation accuracy (so the ratio's uncertainty can be bootstrapped). Stops (returning what it has) once
    ``time_limit`` seconds have passed. ``on_record`` is called with each
    record as soon as it is measured.
    """
    from nascompanion.train.batched import ratio, spread, train_batched
    from nascompanion.train.digits_data import load_split

    rng = np.random.default_rng(sample_seed)
    pool = np.flatnonzero(nb201.has_input_output_path())
    archs = np.sort(rng.choice(pool, n_archs, replace=False))
    records, t0 = [], time.perf_counter()
    for setting in candidates:
        data = load_split(setting.split, device=device, distortion=setting.distortion)
        pipes = setting.pipelines()
        for name in pipelines:
            if time.perf_counter() - t0 > time_limit:
                log("sweep: time limit reached")
                return records
            pipe = pipes[name]
            t = time.perf_counter()
            acc = np.stack([train_batched(archs, s, pipe, setting.network, data, autocast=autocast,
                                          conv=conv).val_accuracy for s in seeds], 1)
            iqr, sd = spread(acc)
            d = setting.distortion
            records.append({"width": setting.network.width, "epochs": pipe.epochs, "n_train": setting.split.n_train,
                            "rotation": d.rotation, "shift": d.shift, "scale": d.scale, "noise": d.noise,
                            "n_val": int(len(data.y_val)), "pipeline": name, "n_archs": int(n_archs),
                            "ratio": round(ratio(iqr, sd), 3), "iqr": round(iqr, 3),
                            "median_seed_sd": round(sd, 3), "mean_accuracy": round(float(acc.mean()), 3),
                            "seconds": round(time.perf_counter() - t, 1),
                            "archs": archs.tolist(), "accuracy": np.round(acc, 4).tolist()})
            log(json.dumps({k: v for k, v in records[-1].items() if k not in ("archs", "accuracy")}))
            if on_record is not None:
                on_record(records[-1])
    return records


CANDIDATE_FIELDS = ("width", "epochs", "n_train", "rotation", "shift", "scale", "noise", "eval_copies")
"""Fields of a ``sweep --candidates`` entry, in order; the first three are required."""


def parse_candidate(text: str, base: Setting = BENCHMARK_SETTING) -> Setting:
    """A setting from ``"width,epochs,n_train[,rotation,shift,scale,noise,eval_copies]"`` (rest from ``base``).

    Examples
    --------
    >>> parse_candidate("16,8,1000,30,1,0.15,0.2,4").distortion.rotation
    30.0
    """
    parts = [p.strip() for p in text.split(",")]
    if not 3 <= len(parts) <= len(CANDIDATE_FIELDS):
        raise ValueError(f"candidate {text!r}: give {', '.join(CANDIDATE_FIELDS[:3])} and optionally "
                         f"{', '.join(CANDIDATE_FIELDS[3:])}, separated by commas")
    try:
        values = dict(zip(CANDIDATE_FIELDS, parts))
        ints = {k: int(values[k]) for k in ("width", "epochs", "n_train", "eval_copies") if k in values}
        floats = {k: float(values[k]) for k in ("rotation", "shift", "scale", "noise") if k in values}
    except ValueError:
        raise ValueError(f"candidate {text!r}: not numbers in the order {', '.join(CANDIDATE_FIELDS)}") from None
    distortion = replace(base.distortion, **floats,
                         **({"eval_copies": ints["eval_copies"]} if "eval_copies" in ints else {}))
    return Setting(replace(base.network, width=ints["width"]), replace(base.split, n_train=ints["n_train"]),
                   distortion, ints["epochs"])


def override(setting: Setting, epochs: int | None = None, width: int | None = None,
             n_train: int | None = None) -> Setting:
    """``setting`` with some sizes replaced (``None`` keeps them)."""
    if width is not None:
        setting = replace(setting, network=replace(setting.network, width=width))
    if n_train is not None:
        setting = replace(setting, split=replace(setting.split, n_train=n_train))
    if epochs is not None:
        setting = replace(setting, epochs=epochs)
    return setting


def _at_least_one(text: str) -> int:
    """``--workers`` and ``--threads``: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``run``, ``consolidate`` or ``sweep`` (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m nascompanion.train.grid", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", help="train every chunk without a finished file (resumable)")
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--setting", default=DEFAULT_SETTING, choices=tuple(SETTINGS),
                     help=f"network, split, distortion and epochs (default {DEFAULT_SETTING})")
    run.add_argument("--device", default="cpu")
    run.add_argument("--pipelines", nargs="+", default=list(PIPELINES))
    run.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    run.add_argument("--chunk", type=int, default=CHUNK)
    run.add_argument("--start", type=int, default=0)
    run.add_argument("--stop", type=int, default=nb201.N_ARCHS)
    run.add_argument("--time-limit", type=float, default=None)
    run.add_argument("--autocast", action="store_true", help="bfloat16 autocast on the GPU")
    run.add_argument("--conv", default="grouped", choices=("grouped", "einsum"))
    run.add_argument("--nondeterministic", action="store_true", help="let cuDNN pick non-deterministic algorithms")
    run.add_argument("--epochs", type=int, default=None, help="override both pipelines' epochs")
    run.add_argument("--width", type=int, default=None, help="override the network width")
    run.add_argument("--n-train", type=int, default=None, help="override the training images")
    run.add_argument("--threads", type=_at_least_one, default=None, metavar="T",
                     help="torch threads per worker process (default: cores // N with --workers N; "
                          "dask's own workers start with 1, so give it with --scheduler on CPUs)")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_at_least_one, default=None, metavar="N",
                       help="train on a local dask cluster of N worker processes (one per GPU on cuda); "
                            "default: in this process")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="train on the workers of a running dask cluster (e.g. tcp://host:8786); "
                            "they must see --out at the same path")
    cons = sub.add_parser("consolidate", help="write the shipped npz and manifest from the chunks")
    cons.add_argument("--out", type=Path, required=True)
    cons.add_argument("--dest", type=Path, required=True)
    cons.add_argument("--setting", default=None, choices=tuple(SETTINGS),
                      help="check that the chunks were trained in this setting (they record it; default: any one)")
    cons.add_argument("--command", default="")
    cons.add_argument("--replace", action="store_true", help="overwrite the files already in --dest")
    cons.add_argument("--pipelines", nargs="+", default=list(PIPELINES), help="the grid that must be complete")
    cons.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    cons.add_argument("--chunk", type=int, default=CHUNK)
    cons.add_argument("--start", type=int, default=0)
    cons.add_argument("--stop", type=int, default=nb201.N_ARCHS)
    sw = sub.add_parser("sweep", help="measure candidate settings on random cells")
    sw.add_argument("--device", default="cpu")
    sw.add_argument("--n-archs", type=int, default=128)
    sw.add_argument("--candidates", default="8,8,1000",
                    help=f"{','.join(CANDIDATE_FIELDS)} (the last five optional); candidates separated by ';'")
    sw.add_argument("--time-limit", type=float, default=150.0)
    sw.add_argument("--json", type=Path, default=None)
    sw.add_argument("--conv", default="grouped", choices=("grouped", "einsum"))
    sw.add_argument("--autocast", action="store_true")
    sw.add_argument("--pipelines", nargs="+", default=list(PIPELINES))
    args = parser.parse_args(argv)
    if args.verb == "run":
        chunks = plan(args.pipelines, args.seeds, args.chunk, args.start, args.stop)
        setting = override(SETTINGS[args.setting], args.epochs, args.width, args.n_train)
        if args.out.is_dir():
            try:
                check_settings(args.out, setting)
            except ValueError as err:
                parser.exit(2, f"{parser.prog} run: error: {err}\n")
        from nascompanion.train import engine

        spec = engine.TrainerSpec(setting, args.device, args.autocast, args.conv, not args.nondeterministic,
                                  args.threads)
        t0 = time.perf_counter()
        try:
            done = engine.run(args.out, chunks, spec, args.workers, args.scheduler, args.time_limit)
        except (ValueError, ConnectionError) as err:
            parser.exit(2, f"{parser.prog} run: error: {err}\n")
        left = sum(read_chunk(args.out / c.file_name) is None for c in chunks)
        print(f"trained {len(done)} chunks in {time.perf_counter() - t0:.0f} s; {left} of {len(chunks)} left")
    elif args.verb == "consolidate":
        try:
            if args.setting is not None:
                check_settings(args.out, SETTINGS[args.setting])
            chunks = plan(args.pipelines, args.seeds, args.chunk, args.start, args.stop)
            manifest = consolidate(args.out, args.dest, command=args.command or " ".join(sys.argv),
                                   chunks=chunks, overwrite=args.replace)
        except ValueError as err:
            parser.exit(2, f"{parser.prog} consolidate: error: {err}\n")
        print(json.dumps({k: manifest[k] for k in ("counts", "discriminativeness_iqr_over_median_seed_sd")}))
    else:
        try:
            cands = [parse_candidate(c) for c in args.candidates.split(";")]
        except ValueError as err:
            parser.error(str(err))
        done: list[dict] = []

        def keep(record: dict) -> None:  # write after every record, so a stopped sweep keeps what it measured
            done.append(record)
            if args.json:
                args.json.write_text(json.dumps(done, indent=1) + "\n")

        sweep(cands, args.n_archs, args.device, time_limit=args.time_limit, conv=args.conv,
              autocast=args.autocast, pipelines=args.pipelines, on_record=keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
