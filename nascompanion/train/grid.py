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

    PYTHONPATH=. python -m nascompanion.train run --setting distorted --out .gpu/grid \\
        --device cuda --conv einsum --autocast
    PYTHONPATH=. python -m nascompanion.train consolidate --out .gpu/grid \\
        --dest .gpu/digits201        # then, to replace the shipped one: --dest nascompanion/data/digits201 --replace

Every chunk records its pipeline and seed besides its cells, and ``consolidate``
checks each file against its name (a chunk copied under another pipeline's,
seed's or range's name is refused, naming the file). It writes nothing if a
chunk file is damaged or a chunk of the grid is missing (the error names them),
overwrites an existing benchmark only with ``--replace``, replaces the shipped
one only from the whole grid, and moves the new files into ``--dest`` only once
they load (:func:`~nascompanion.data.digits.load_digits_benchmark`) from a
folder beside them.

The command line lives in :mod:`nascompanion.train.cli`; ``python -m
nascompanion.train`` and ``python -m nascompanion.train.grid`` both run it.

``run`` is resumable (rerun it after a kill or a ``--time-limit`` stop).
It trains in this process by default; ``--workers N`` trains on a local
``dask.distributed`` cluster of ``N`` worker processes (one per GPU on
``--device cuda``, else ``N`` CPU processes sharing the cores), and
``--scheduler ADDRESS`` on the workers of a dask cluster that is already
running, e.g. one started on SLURM with dask-jobqueue's ``SLURMCluster`` or
with the ``dask scheduler`` and ``dask worker`` commands (see
:mod:`nascompanion.train.engine`)::

    PYTHONPATH=. python -m nascompanion.train run --setting plain --out .cpu/grid --workers 2
    dask scheduler --port 8786 &                                      # on one node
    dask worker tcp://HOST:8786 --nthreads 1 --resources GPU=1 &      # one per GPU, on every node
    PYTHONPATH=. python -m nascompanion.train run --out /shared/grid --device cuda \\
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

import json
import os
import platform
import re
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
import zipfile
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import torch

from nascompanion.data.benchmark import BenchmarkDataError
from nascompanion.data.digits import FOLDER as SHIPPED_FOLDER
from nascompanion.data.digits import MANIFEST_NOTES, load_digits_benchmark, with_checksum
from nascompanion.data.digests import file_md5
from nascompanion.data.seed_noise import discriminativeness, ratio, spread
from nascompanion.results.atomic import write_atomically
from nascompanion.spaces import nb201
from nascompanion.train.batched import steps_per_epoch, train_batched
from nascompanion.train.digits_data import Distortion, Split, load_split
from nascompanion.train.network import NetworkSpec
from nascompanion.train.pipelines import BENCHMARK_SETTING, PIPELINES, SETTINGS, Pipeline, Setting

SEEDS = (0, 1, 2)
CHUNK = 2048
RESULT_FILE = "digits201.npz"
MANIFEST_FILE = "manifest.json"
CHUNK_NAME = re.compile(r"(?P<pipeline>[a-z]+)_s(?P<seed>\d+)_(?P<start>\d{5})_(?P<stop>\d{5})\.npz")
"""The name of a chunk file: ``PIPELINE_sSEED_START_STOP.npz`` (see :attr:`Chunk.file_name`)."""


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

    @classmethod
    def from_name(cls, name: str) -> Chunk | None:
        """The chunk a file name stands for, or ``None`` if it is not a chunk file's name.

        Examples
        --------
        >>> Chunk.from_name("noisy_s1_02048_04096.npz")
        Chunk(pipeline='noisy', seed=1, start=2048, stop=4096)
        >>> Chunk.from_name("digits201.npz") is None
        True
        """
        match = CHUNK_NAME.fullmatch(name)
        if match is None:
            return None
        return cls(match["pipeline"], int(match["seed"]), int(match["start"]), int(match["stop"]))


def plan(pipelines: Sequence[str] = tuple(PIPELINES), seeds: Sequence[int] = SEEDS, chunk: int = CHUNK,
         start: int = 0, stop: int = nb201.N_ARCHS) -> list[Chunk]:
    """All chunks, seed-major (every cell of seed 0 in both pipelines first), so a partial run is usable."""
    if chunk < 1 or not 0 <= start < stop <= nb201.N_ARCHS:
        raise ValueError(f"need chunk >= 1 and 0 <= start < stop <= {nb201.N_ARCHS}; got {chunk}, {start}, {stop}")
    pipelines = [pipelines] if isinstance(pipelines, str) else list(pipelines)
    for name in pipelines:
        if name not in PIPELINES:
            raise ValueError(f"unknown pipeline {name!r}; allowed: {', '.join(PIPELINES)}")
    if any(isinstance(s, bool) or int(s) != s or s < 0 for s in seeds) or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct integers >= 0, got {list(seeds)}")
    return [Chunk(p, int(s), a, min(a + chunk, stop)) for s in seeds for p in pipelines for a in range(start, stop, chunk)]


def write_atomic(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as an ``.npz`` at ``path`` so that ``path`` is either absent or complete (through a
    ``.tmp-`` file beside it, which :func:`_finished_chunks` skips, flushed to the disk before the rename)."""
    write_atomically(Path(path), lambda handle: np.savez(handle, **arrays), prefix=".tmp-", suffix=".npz", sync=True)


def read_chunk(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays of a finished chunk file, or ``None`` if it is absent or unreadable (then it is redone)."""
    try:
        with np.load(path, allow_pickle=False) as z:
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
            "pipeline": np.array(chunk.pipeline),
            "seed": np.int64(chunk.seed),
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

    The arrays must hold the cells ``chunk.start..chunk.stop-1`` in order, and
    a recorded ``pipeline`` and ``seed`` must be the chunk's; a recorded ``steps`` (the optimiser steps of every network, which
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
    for field, want in (("pipeline", chunk.pipeline), ("seed", chunk.seed)):
        if field in arrays and np.asarray(arrays[field]).tolist() != want:
            raise ValueError(f"chunk {chunk.file_name}: its result records {field} "
                             f"{np.asarray(arrays[field]).tolist()!r}, not {want!r}; not stored")
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




def check_chunk_file(path: Path, arrays: dict[str, np.ndarray]) -> Chunk:
    """The chunk a finished file holds, once its recorded pipeline, seed and cells are found to be its name's.

    Raises
    ------
    ValueError
        Naming the file, if its name is not a chunk file's, it records no
        pipeline or seed, or what it records is not what its name says.

    Examples
    --------
    >>> arrays = {"archs": np.arange(4, 6), "pipeline": np.array("noisy"), "seed": np.int64(0),
    ...           "val_correct": np.zeros(2, np.int16), "test_correct": np.zeros(2, np.int16)}
    >>> check_chunk_file(Path("noisy_s0_00004_00006.npz"), arrays)
    Chunk(pipeline='noisy', seed=0, start=4, stop=6)
    >>> check_chunk_file(Path("denoised_s0_00004_00006.npz"), arrays)
    Traceback (most recent call last):
    ...
    ValueError: denoised_s0_00004_00006.npz: holds a chunk of pipeline 'noisy', not 'denoised' as its name says; move it out of the chunk folder
    """
    chunk = Chunk.from_name(path.name)
    if chunk is None or chunk.pipeline not in PIPELINES:
        raise ValueError(f"{path}: not a chunk file (named PIPELINE_sSEED_START_STOP.npz, pipeline one of "
                         f"{', '.join(PIPELINES)}); move it out of the chunk folder")
    missing = [field for field in ("pipeline", "seed") if field not in arrays]
    if missing:
        raise ValueError(f"{path}: records no {' or '.join(missing)} (written before chunks recorded them), "
                         "so it cannot be checked against its name; train it again")
    recorded = {"pipeline": str(arrays["pipeline"]), "seed": int(arrays["seed"])}
    for field, want in (("pipeline", chunk.pipeline), ("seed", chunk.seed)):
        if recorded[field] != want:
            raise ValueError(f"{path}: holds a chunk of {field} {recorded[field]!r}, not {want!r} as its name says; "
                             "move it out of the chunk folder")
    archs = np.asarray(arrays["archs"])
    if not np.array_equal(archs, np.arange(chunk.start, chunk.stop)):
        cells = f"{archs.min()}..{archs.max()}" if archs.size else "no cells"
        raise ValueError(f"{path}: holds cells {cells}, not {chunk.start}..{chunk.stop - 1} as its name says; "
                         "move it out of the chunk folder")
    if any(np.shape(arrays[f"{metric}_correct"]) != archs.shape for metric in ("val", "test")):
        raise ValueError(f"{path}: holds {archs.size} cells but not one count per cell; train it again")
    return chunk


def gather(out: Path, pipelines: Sequence[str] = tuple(PIPELINES), seeds: Sequence[int] = SEEDS) -> dict[str, np.ndarray]:
    """All finished chunks in ``out`` as ``(15625, n_seeds)`` arrays of correct counts, ``-1`` where missing.

    Each file is checked against its name first (:func:`check_chunk_file`).

    Raises
    ------
    ValueError
        Naming a chunk file that is not what its name says, or if the chunks
        count their correct images out of different numbers of images.
    """
    arrays: dict[str, np.ndarray] = {"seeds": np.asarray(seeds, dtype=np.int64)}
    for name in pipelines:
        for metric in ("val", "test"):
            arrays[f"{name}_{metric}_correct"] = np.full((nb201.N_ARCHS, len(seeds)), -1, dtype=np.int16)
    totals: set[tuple[int, int]] = set()
    seconds = 0.0
    for path in sorted(Path(out).glob("*.npz")):
        named = Chunk.from_name(path.name)
        chunk = None if named is None or named.pipeline not in pipelines or named.seed not in seeds else read_chunk(path)
        if chunk is None:
            continue
        check_chunk_file(path, chunk)
        for metric in ("val", "test"):
            arrays[f"{named.pipeline}_{metric}_correct"][chunk["archs"], list(seeds).index(named.seed)] = \
                chunk[f"{metric}_correct"]
        totals.add((int(chunk["n_val"]), int(chunk["n_test"])))
        seconds += float(chunk["seconds"])
    if len(totals) > 1:
        raise ValueError(f"{out}: its chunks count correct images out of different totals (validation, test) "
                         f"{sorted(totals)}; a benchmark is consolidated from one setting")
    arrays["n_val"], arrays["n_test"] = (np.int64(n) for n in (totals.pop() if totals else (0, 0)))
    arrays["train_seconds"] = np.float64(seconds)
    return arrays


def _versions() -> dict[str, str]:
    import sklearn   # here, not at the top: heavy, and read only to write a manifest

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "cuda": str(torch.version.cuda),
    }


def _hardware() -> str:
    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} ({platform.machine()}, {os.cpu_count()} CPU cores)"
    return f"CPU only ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"


def setting_record(setting: Setting) -> dict:
    """``setting`` as plain JSON-ready values (its name too, if it is one of :data:`SETTINGS`)."""
    names = [name for name, known in SETTINGS.items() if known == setting]
    return {"name": names[0] if names else None, "network": asdict(setting.network), "split": asdict(setting.split),
            "distortion": asdict(setting.distortion), "epochs": setting.epochs}


def _chunk_named(path: Path) -> bool:
    named = None if path.name.startswith(".tmp-") else Chunk.from_name(path.name)
    return named is not None and named.pipeline in PIPELINES


def damaged_chunks(out: Path) -> list[Path]:
    """Files in ``out`` named as chunks that cannot be read as finished chunks (unreadable, truncated, missing arrays)."""
    return [path for path in sorted(Path(out).glob("*.npz")) if _chunk_named(path) and read_chunk(path) is None]


def stray_files(out: Path) -> list[Path]:
    """``.npz`` files in ``out`` whose names are not chunk file names (e.g. a benchmark written there)."""
    return [path for path in sorted(Path(out).glob("*.npz"))
            if not path.name.startswith(".tmp-") and not _chunk_named(path)]


def missing_chunks(out: Path, chunks: Iterable[Chunk]) -> list[Chunk]:
    """The chunks of a plan that have no finished file in ``out``."""
    return [chunk for chunk in chunks if read_chunk(Path(out) / chunk.file_name) is None]


def covers_grid(chunks: Iterable[Chunk]) -> bool:
    """Whether ``chunks`` train every cell under every pipeline and seed of the full grid (:func:`plan`).

    Examples
    --------
    >>> covers_grid(plan()), covers_grid(plan(stop=64))
    (True, False)
    """
    trained = np.zeros((len(PIPELINES), len(SEEDS), nb201.N_ARCHS), dtype=bool)
    for chunk in chunks:
        if chunk.pipeline in PIPELINES and chunk.seed in SEEDS:
            trained[list(PIPELINES).index(chunk.pipeline), SEEDS.index(chunk.seed), chunk.start:chunk.stop] = True
    return bool(trained.all())


def check_chunk_folder(out: Path, dest: Path, chunks: Sequence[Chunk]) -> dict:
    """The setting of the chunks in ``out``, once ``out`` is found fit to consolidate ``chunks`` into ``dest``.

    Raises
    ------
    ValueError
        If ``dest`` is ``out``, ``out`` holds a file that is not a chunk or a
        damaged chunk, chunks of two settings, or misses a chunk of the plan.
    """
    if Path(dest).resolve() == Path(out).resolve():
        raise ValueError(f"--dest {dest} is the chunk folder (--out); write the benchmark to another folder")
    if not Path(out).is_dir():
        raise ValueError(f"{out}: no such folder of chunk files (run `grid run --out {out}` first)")
    stray = stray_files(out)
    if stray:
        raise ValueError(f"{stray[0]}: not a chunk file (chunks are named PIPELINE_sSEED_START_STOP.npz); "
                         f"move it out of {out}")
    damaged = damaged_chunks(out)
    if damaged:
        raise ValueError(f"{len(damaged)} damaged chunk file(s) in {out}: {', '.join(p.name for p in damaged[:5])}"
                         f"{' ...' if len(damaged) > 5 else ''}; delete them and rerun `grid run` to train them again")
    record = folder_setting(out)
    missing = missing_chunks(out, chunks)
    if missing:
        raise ValueError(f"{len(missing)} chunk(s) of the grid have no finished file in {out}, e.g. "
                         f"{', '.join(c.file_name for c in missing[:5])}; finish them with `grid run --out {out}`")
    return record


def _check_destination(dest: Path, chunks: Sequence[Chunk], overwrite: bool) -> None:
    existing = [dest / name for name in (RESULT_FILE, MANIFEST_FILE) if (dest / name).exists()]
    if existing and not overwrite:
        raise ValueError(f"{existing[0]} exists; write to a new --dest folder, or pass --replace to overwrite it")
    if dest.resolve() == SHIPPED_FOLDER.resolve() and not covers_grid(chunks):
        raise ValueError(f"{dest}: the shipped benchmark is replaced only from the whole grid (every cell, seeds "
                         f"{', '.join(map(str, SEEDS))}, pipelines {', '.join(PIPELINES)}); this plan of "
                         f"{len(chunks)} chunk(s) is not; write it to another --dest folder")


def _ratio(arrays: dict[str, np.ndarray], name: str, keep: np.ndarray) -> float | None:
    """The pipeline's discriminativeness, or ``None`` where it is undefined (see :data:`MANIFEST_NOTES`)."""
    val = arrays[f"{name}_val_correct"].astype(float)
    acc = np.where(val >= 0, 100.0 * val / max(int(arrays["n_val"]), 1), np.nan)
    try:
        value = discriminativeness(acc, keep)
    except ValueError:
        return None
    return round(float(value), 3) if np.isfinite(value) else None


def _previous_manifest(dest: Path) -> dict:
    """What an earlier manifest in ``dest`` recorded, or ``{}`` if there is none that reads as JSON."""
    try:
        previous = json.loads((dest / MANIFEST_FILE).read_text(), parse_constant=float)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return previous if isinstance(previous, dict) else {}


def _manifest(arrays: dict[str, np.ndarray], record: dict, command: str, extra: dict | None, dest: Path) -> dict:
    names = [name for name in PIPELINES if f"{name}_val_correct" in arrays]
    present = {name: arrays[f"{name}_val_correct"] >= 0 for name in names}
    keep = nb201.has_input_output_path()
    manifest = {
        "what": "NB201 cells trained on scikit-learn's digits: correct validation/test images per seed",
        "command": command,
        "versions": _versions(),
        "hardware": _hardware(),
        "train_seconds_total": round(float(arrays["train_seconds"]), 1),
        "setting": record,
        "pipelines": {name: asdict(p) for name, p in setting_from_record(record).pipelines().items()},
        "seeds": [int(s) for s in arrays["seeds"]],
        "counts": {name: {"cells_with_a_seed": int(p.any(1).sum()), "trainings": int(p.sum())}
                   for name, p in present.items()},
        "discriminativeness_iqr_over_median_seed_sd": {name: _ratio(arrays, name, keep) for name in names},
        "checksums": {},
        **MANIFEST_NOTES,
    }
    manifest.update(extra or {})
    previous = _previous_manifest(dest)  # keep what earlier steps recorded (e.g. the setting sweep)
    manifest.update({key: previous[key] for key in ("setting_sweep", "gpu_calls")
                     if key in previous and key not in manifest})
    return manifest


def _publish(dest: Path, arrays: dict[str, np.ndarray], manifest: dict) -> None:
    """Write the benchmark beside ``dest``'s files, load it from there, and only then move it into ``dest``."""
    created = not dest.exists()
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-consolidate-", dir=dest))
    try:
        write_atomic(staging / RESULT_FILE, arrays)
        manifest["checksums"] = {RESULT_FILE: file_md5(staging / RESULT_FILE)}
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, allow_nan=False) + "\n")
        try:
            load_digits_benchmark(staging / RESULT_FILE)
        except BenchmarkDataError as err:
            reason = str(err).replace(f"{staging / RESULT_FILE}: ", "")
            raise ValueError(f"the consolidated benchmark would not load ({reason}); nothing written to {dest}") from None
        os.replace(staging / RESULT_FILE, dest / RESULT_FILE)
        os.replace(staging / MANIFEST_FILE, dest / MANIFEST_FILE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not any(dest.iterdir()):
            dest.rmdir()


def consolidate(out: Path, dest: Path, command: str = "", extra: dict | None = None,
                chunks: Iterable[Chunk] | None = None, overwrite: bool = False) -> dict:
    """Write the shipped ``digits201.npz`` and ``manifest.json`` in ``dest`` from the chunks in ``out``.

    The manifest records the setting the chunks were trained in (see
    :func:`folder_setting`). The benchmark holds the pipelines and seeds of the
    plan ``chunks`` (default: the whole grid, :func:`plan`). Nothing is written
    unless every chunk of the plan has a finished file, every chunk file is
    what its name says (:func:`check_chunk_file`) and the result loads with
    :func:`~nascompanion.data.digits.load_digits_benchmark`; files already in
    ``dest`` are replaced only with ``overwrite=True``, and the shipped
    benchmark only from the whole grid.

    Returns
    -------
    dict
        The manifest written.

    Raises
    ------
    ValueError
        Naming the file or chunk at fault, the existing file in ``dest``, or
        why the result would not load.
    """
    out, dest = Path(out), Path(dest)
    chunks = plan() if chunks is None else list(chunks)
    record = check_chunk_folder(out, dest, chunks)
    _check_destination(dest, chunks, overwrite)
    pipelines = tuple(dict.fromkeys(chunk.pipeline for chunk in chunks))
    arrays = with_checksum(gather(out, pipelines, tuple(sorted({chunk.seed for chunk in chunks}))))
    manifest = _manifest(arrays, record, command, extra, dest)
    _publish(dest, arrays, manifest)
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


if __name__ == "__main__":  # the command line is nascompanion.train.cli's; this keeps the older spelling working
    import runpy

    runpy.run_module("nascompanion.train", run_name="__main__", alter_sys=True)
