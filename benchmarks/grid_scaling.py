"""Chunks per minute of the digits grid with 1 worker (in this process) and with 2 worker processes.

Both runs train the same plan from scratch, into two temporary folders, one
after the other, through :func:`nascompanion.train.engine.run`: ``--workers 1``
trains in this process with torch's own thread count, ``--workers 2`` on a
local ``dask.distributed`` cluster of two processes with ``cores // 2`` torch
threads each. A run's wall time includes starting its cluster, so the rate is
what ``grid run --workers N`` delivers. The script prints both rates and their
ratio; it asserts nothing about timing.

    nice -n 10 .venv/bin/python benchmarks/grid_scaling.py                 # plain, 1 epoch, 8 chunks of 8 cells
    nice -n 10 .venv/bin/python benchmarks/grid_scaling.py --workers 1 2 4 --stop 64
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from nascompanion.train import engine, grid
from nascompanion.train.pipelines import PIPELINES, SETTINGS


def measure(workers: int, chunks: list[grid.Chunk], spec: engine.TrainerSpec, out: Path) -> dict:
    """Train ``chunks`` into the empty folder ``out`` with ``workers`` workers; their rate in chunks per minute."""
    t = time.perf_counter()
    done = engine.run(out, chunks, spec, workers=workers, log=lambda line: None)
    seconds = time.perf_counter() - t
    if len(done) != len(chunks):
        raise RuntimeError(f"{workers} worker(s) trained {len(done)} of {len(chunks)} chunks")
    return {"workers": workers, "chunks": len(chunks), "seconds": round(seconds, 1),
            "chunks_per_minute": round(60.0 * len(chunks) / seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", default="plain", choices=tuple(SETTINGS))
    parser.add_argument("--epochs", type=int, default=1, help="override both pipelines' epochs")
    parser.add_argument("--chunk", type=int, default=8, help="cells per chunk")
    parser.add_argument("--stop", type=int, default=32, help="train cells 0..stop-1")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--pipelines", nargs="+", default=list(PIPELINES))
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    args = parser.parse_args()
    setting = grid.override(SETTINGS[args.setting], epochs=args.epochs)
    chunks = grid.plan(args.pipelines, args.seeds, args.chunk, 0, args.stop)
    spec = engine.TrainerSpec(setting)
    rows = []
    with tempfile.TemporaryDirectory(prefix="grid-scaling-") as folder:
        for n in args.workers:
            rows.append(measure(n, chunks, spec, Path(folder) / f"workers{n}"))
            print(json.dumps(rows[-1]), flush=True)
    print(json.dumps({"setting": args.setting, "epochs": args.epochs, "chunk": args.chunk, "stop": args.stop,
                      "seeds": args.seeds, "pipelines": args.pipelines, "cores": engine.cpu_cores(),
                      "chunks_per_minute": {r["workers"]: r["chunks_per_minute"] for r in rows},
                      "ratio_last_to_first": round(rows[-1]["chunks_per_minute"] / rows[0]["chunks_per_minute"], 2)}))


if __name__ == "__main__":
    main()
