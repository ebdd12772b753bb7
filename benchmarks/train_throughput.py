"""Training throughput of the batched trainer vs training the same networks one at a time.

Throughput is networks x epochs per second. The batched trainer trains ``B``
random NB201 cells at once (stacked parameters, grouped convolutions); the
baseline trains a sample of the same cells one after another with the plain
:class:`nascompanion.train.network.Network`. Both use one named setting
(``--setting``, default the shipped benchmark's) and the ``denoised`` pipeline.

    PYTHONPATH=. python benchmarks/train_throughput.py --device cpu --batched 64 --single 4
    PYTHONPATH=. python benchmarks/train_throughput.py --device cuda --batched 2048 --single 12 --conv einsum --autocast
    PYTHONPATH=. python benchmarks/train_throughput.py --setting distorted   # cost of the distorted setting

Target (the issue): at least 20x on the GPU.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from nascompanion.train.batched import train_batched, train_single
from nascompanion.train.digits_data import load_split
from nascompanion.train.pipelines import BENCHMARK_SETTING, PIPELINES, SETTINGS


def _sync(device: str) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def measure(device: str, n_batched: int, n_single: int, epochs: int, autocast: bool = False,
            conv: str = "grouped", setting_name: str | None = None) -> dict:
    """Networks x epochs per second, batched and one at a time, on ``device``, in one named setting."""
    setting = BENCHMARK_SETTING if setting_name is None else SETTINGS[setting_name]
    pipeline = replace(PIPELINES["denoised"], epochs=epochs)
    data = load_split(setting.split, device=device, distortion=setting.distortion)
    archs = np.random.default_rng(0).choice(15625, n_batched, replace=False)
    train_batched(archs[:8], 0, replace(pipeline, epochs=1), setting.network, data, autocast=autocast,
                  conv=conv)  # warm-up
    train_single(int(archs[0]), 0, replace(pipeline, epochs=1), setting.network, data)
    _sync(device)
    t = time.perf_counter()
    train_batched(archs, 0, pipeline, setting.network, data, autocast=autocast, conv=conv)
    _sync(device)
    batched = n_batched * epochs / (time.perf_counter() - t)
    t = time.perf_counter()
    for a in archs[:n_single]:
        train_single(int(a), 0, pipeline, setting.network, data)
    _sync(device)
    single = n_single * epochs / (time.perf_counter() - t)
    return {"device": torch.cuda.get_device_name(0) if torch.device(device).type == "cuda" else "cpu",
            "setting": setting_name or "shipped", "n_batched": n_batched, "n_single": n_single, "epochs": epochs, "autocast": autocast, "conv": conv,
            "batched_net_epochs_per_s": round(batched, 2), "single_net_epochs_per_s": round(single, 2),
            "ratio": round(batched / single, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batched", type=int, default=64, help="networks trained at once")
    parser.add_argument("--single", type=int, default=4, help="networks trained one at a time")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--autocast", action="store_true", help="bfloat16 autocast (GPU)")
    parser.add_argument("--conv", default="grouped", choices=("grouped", "einsum"))
    parser.add_argument("--setting", default=None, choices=tuple(SETTINGS), help="default: the shipped benchmark's")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    row = measure(args.device, args.batched, args.single, args.epochs, args.autocast, args.conv, args.setting)
    print(f"{row['device']}, setting {row['setting']}: batched {row['batched_net_epochs_per_s']} vs one at a time "
          f"{row['single_net_epochs_per_s']} networks x epochs / s -> {row['ratio']}x")
    if args.json:
        args.json.write_text(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
