"""Generate the digits benchmark: every NB201 cell x seeds x pipelines, in resumable chunks.

The work is cut into chunks (pipeline, seed, range of NB201 indices). Each
finished chunk is written atomically (to a temporary file in the same folder,
then renamed), so a run that is killed loses at most the chunks in progress,
and a rerun trains only what has no file yet. ``consolidate`` gathers the
chunks into the compact file shipped in ``nascompanion/data/digits201``.

The one command that generates the shipped benchmark (on a machine with a GPU)::

    PYTHONPATH=. python -m nascompanion.train.grid run --out .gpu/grid --device cuda --conv einsum --autocast
    PYTHONPATH=. python -m nascompanion.train.grid consolidate --out .gpu/grid \\
        --dest nascompanion/data/digits201

``sweep`` measures candidate settings (width, epochs, training images) on a
random sample of cells, to pick a discriminative one (see the chapter
"Denoising the training pipeline").
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
from typing import Callable, Iterable, Sequence

import numpy as np

from nascompanion.data.tables import md5
from nascompanion.spaces import nb201
from nascompanion.train.pipelines import BENCHMARK_SETTING, PIPELINES, Pipeline, Setting

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
    """A function that trains one chunk on ``device`` and returns its arrays (with the setting it used)."""
    import torch

    from nascompanion.train.batched import train_batched
    from nascompanion.train.digits_data import load_split

    pipelines = dict(PIPELINES if pipelines is None else pipelines)
    data = load_split(setting.split, device=device)

    def train(chunk: Chunk) -> dict[str, np.ndarray]:
        t0 = time.perf_counter()
        result = train_batched(np.arange(chunk.start, chunk.stop), chunk.seed, pipelines[chunk.pipeline],
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
            "epochs": np.int64(pipelines[chunk.pipeline].epochs),
            "width": np.int64(setting.network.width),
            "n_train": np.int64(setting.split.n_train),
        }

    return train


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
        Trains one chunk, returning its arrays (see :func:`train_chunk_fn`).
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


def consolidate(out: Path, dest: Path, setting: Setting = BENCHMARK_SETTING, command: str = "",
                extra: dict | None = None) -> dict:
    """Write the shipped ``digits201.npz`` and ``manifest.json`` in ``dest`` from the chunks in ``out``."""
    from nascompanion.train.batched import discriminativeness

    arrays = gather(out)
    dest = Path(dest)
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
        "setting": {"network": asdict(setting.network), "split": asdict(setting.split)},
        "pipelines": {name: asdict(p) for name, p in PIPELINES.items()},
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
    (dest / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n")
    return manifest


def sweep(candidates: Sequence[dict], n_archs: int, device: str, seeds: Sequence[int] = SEEDS,
          time_limit: float = 150.0, log: Callable[[str], None] = print, conv: str = "grouped",
          autocast: bool = False, pipelines: Sequence[str] = tuple(PIPELINES)) -> list[dict]:
    """Measure candidate settings on ``n_archs`` random cells (with an input-output path) x ``seeds``.

    Each candidate is a dict with ``width``, ``epochs`` and ``n_train`` (the
    validation and test parts keep their sizes). Returns one record per
    candidate and pipeline with the discriminativeness ratio, the IQR, the
    median seed SD and the mean accuracy.
    """
    from nascompanion.train.batched import discriminativeness, train_batched
    from nascompanion.train.digits_data import load_split

    rng = np.random.default_rng(2021)
    pool = np.flatnonzero(nb201.has_input_output_path())
    archs = np.sort(rng.choice(pool, n_archs, replace=False))
    records, t0 = [], time.perf_counter()
    for cand in candidates:
        setting = Setting(replace(BENCHMARK_SETTING.network, width=cand["width"]),
                          replace(BENCHMARK_SETTING.split, n_train=cand["n_train"]))
        data = load_split(setting.split, device=device)
        for name in pipelines:
            pipe = PIPELINES[name]
            if time.perf_counter() - t0 > time_limit:
                log("sweep: time limit reached")
                return records
            pipe = replace(pipe, epochs=cand["epochs"])
            t = time.perf_counter()
            acc = np.stack([train_batched(archs, s, pipe, setting.network, data, autocast=autocast,
                                          conv=conv).val_accuracy for s in seeds], 1)
            mean = acc.mean(1)
            q75, q25 = np.percentile(mean, [75, 25])
            records.append({**cand, "pipeline": name, "n_archs": int(n_archs),
                            "ratio": round(discriminativeness(acc), 3), "iqr": round(float(q75 - q25), 3),
                            "median_seed_sd": round(float(np.median(acc.std(1, ddof=1))), 3),
                            "mean_accuracy": round(float(mean.mean()), 3),
                            "seconds": round(time.perf_counter() - t, 1)})
            log(json.dumps(records[-1]))
    return records


def override(epochs: int | None = None, width: int | None = None,
             n_train: int | None = None) -> tuple[Setting, dict[str, Pipeline]]:
    """The benchmark setting and pipelines with some sizes replaced (``None`` keeps them)."""
    setting = BENCHMARK_SETTING
    if width is not None:
        setting = replace(setting, network=replace(setting.network, width=width))
    if n_train is not None:
        setting = replace(setting, split=replace(setting.split, n_train=n_train))
    pipes = {k: (p if epochs is None else replace(p, epochs=epochs)) for k, p in PIPELINES.items()}
    return setting, pipes


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``run``, ``consolidate`` or ``sweep`` (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m nascompanion.train.grid", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", help="train every chunk without a finished file (resumable)")
    run.add_argument("--out", type=Path, required=True)
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
    cons = sub.add_parser("consolidate", help="write the shipped npz and manifest from the chunks")
    cons.add_argument("--out", type=Path, required=True)
    cons.add_argument("--dest", type=Path, required=True)
    cons.add_argument("--command", default="")
    sw = sub.add_parser("sweep", help="measure candidate settings on random cells")
    sw.add_argument("--device", default="cpu")
    sw.add_argument("--n-archs", type=int, default=128)
    sw.add_argument("--candidates", default="8,8,1000", help="width,epochs,n_train;... ")
    sw.add_argument("--time-limit", type=float, default=150.0)
    sw.add_argument("--json", type=Path, default=None)
    sw.add_argument("--conv", default="grouped", choices=("grouped", "einsum"))
    sw.add_argument("--autocast", action="store_true")
    sw.add_argument("--pipelines", nargs="+", default=list(PIPELINES))
    args = parser.parse_args(argv)
    if args.verb == "run":
        chunks = plan(args.pipelines, args.seeds, args.chunk, args.start, args.stop)
        setting, pipes = override(args.epochs, args.width, args.n_train)
        train = train_chunk_fn(setting, args.device, args.autocast, pipes, args.conv, not args.nondeterministic)
        t0 = time.perf_counter()
        done = run_grid(args.out, chunks, train, args.time_limit)
        left = sum(read_chunk(args.out / c.file_name) is None for c in chunks)
        print(f"trained {len(done)} chunks in {time.perf_counter() - t0:.0f} s; {left} of {len(chunks)} left")
    elif args.verb == "consolidate":
        manifest = consolidate(args.out, args.dest, command=args.command or " ".join(sys.argv))
        print(json.dumps({k: manifest[k] for k in ("counts", "discriminativeness_iqr_over_median_seed_sd")}))
    else:
        cands = [dict(zip(("width", "epochs", "n_train"), map(int, c.split(",")))) for c in args.candidates.split(";")]
        records = sweep(cands, args.n_archs, args.device, time_limit=args.time_limit, conv=args.conv,
                        autocast=args.autocast, pipelines=args.pipelines)
        if args.json:
            args.json.write_text(json.dumps(records, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
