"""Speed of the NAS comparison: lockstep trials vs plain per-trial Python loops.

Run: ``python benchmarks/nas_speed.py`` (needs the NB201 tables).
Prints, for 200 trials x 300 queries on cifar10-valid (denoised): the lockstep
implementations, straightforward per-query Python implementations of the same
algorithms on the same in-memory data, and their ratio; then BANANAS' ensemble
trained as one batched model vs its members one at a time; and the authors' predictor
(ten layers of width 20, batches of 32, 150 epochs) fitted for all 200 trials at once, its
floating-point rate against this machine's measured single-thread matmul rate, and the share of its
work the dense first layer spends on the path encoding's zeros.
"""

from __future__ import annotations

import random
import time

import numpy as np
import torch

from nascompanion.compare.run import Setting, run_algorithm
from nascompanion.data import load_benchmark
from nascompanion.search.bananas import AUTHORS_PREDICTOR, PredictorSettings, fit_ensembles, nb201_path_encoding
from nascompanion.objectives import trial_losses
from nascompanion.spaces import nb201

TRIALS, BUDGET = 200, 300


def plain_random_search(val, test, rnd: random.Random) -> list[float]:
    seen, best, curve = set(), (float("inf"), 0.0), []
    while len(curve) < BUDGET:
        arch = rnd.randrange(len(val))
        if arch in seen:
            continue
        seen.add(arch)
        if val[arch] < best[0]:
            best = (val[arch], test[arch])
        curve.append(best[1])
    return curve


def plain_evolution(val, test, neighbours, rnd: random.Random) -> list[float]:
    population, seen, best, curve = [], set(), (float("inf"), 0.0), []

    def query(arch):
        nonlocal best
        seen.add(arch)
        if val[arch] < best[0]:
            best = (val[arch], test[arch])
        curve.append(best[1])
        population.append((arch, val[arch]))
        if len(population) > 30:
            population.pop(0)

    while len(curve) < 10:
        arch = rnd.randrange(len(val))
        if arch not in seen:
            query(arch)
    while len(curve) < BUDGET:
        parent = min(rnd.sample(population, min(10, len(population))), key=lambda p: p[1])[0]
        options = [a for a in neighbours[parent] if a not in seen]
        child = rnd.choice(options) if options else next(a for a in range(len(val)) if a not in seen)
        query(child)
    return curve


def plain_local_search(val, test, neighbours, rnd: random.Random) -> list[float]:
    seen, expanded, best, curve = {}, set(), (float("inf"), 0.0), []

    def query(arch):
        nonlocal best
        if arch in seen or len(curve) >= BUDGET:
            return
        seen[arch] = val[arch]
        if val[arch] < best[0]:
            best = (val[arch], test[arch])
        curve.append(best[1])

    v = rnd.randrange(len(val))
    query(v)
    while len(curve) < BUDGET:
        expanded.add(v)
        for u in neighbours[v]:
            query(u)
        open_ = [a for a in seen if a not in expanded]
        v = min(open_, key=lambda a: seen[a])
    return curve


def timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    torch.set_num_threads(1)
    bench = load_benchmark()
    losses = trial_losses(bench, "cifar10-valid", "denoised", TRIALS, np.random.default_rng(0))
    val, test = losses.validation[0].tolist(), losses.test[0].tolist()
    neighbours = nb201.neighbour_table().tolist()
    setting = Setting("cifar10-valid", "denoised", trials=TRIALS, budget=BUDGET)
    plain = {
        "random_search": lambda: [plain_random_search(val, test, random.Random(t)) for t in range(TRIALS)],
        "evolution": lambda: [plain_evolution(val, test, neighbours, random.Random(t)) for t in range(TRIALS)],
        "local_search": lambda: [plain_local_search(val, test, neighbours, random.Random(t)) for t in range(TRIALS)],
    }
    print(f"{TRIALS} trials x {BUDGET} queries, cifar10-valid denoised, one CPU thread")
    print(f"{'algorithm':15s} {'ours (s)':>9s} {'plain loop (s)':>15s} {'ratio':>7s}")
    for name, baseline in plain.items():
        ours = timed(lambda: run_algorithm(name, losses, setting, np.random.default_rng(1)))
        base = timed(baseline, repeat=1)
        print(f"{name:15s} {ours:9.3f} {base:15.3f} {base / ours:6.1f}x")

    encoding = torch.as_tensor(nb201_path_encoding().astype(np.float32))
    g = torch.Generator().manual_seed(0)
    x = encoding[torch.randint(15625, (1, 150), generator=g)]
    y = torch.randn(1, 150, generator=g)
    settings = PredictorSettings()
    one_by_one_settings = PredictorSettings(members=1)
    batched = timed(lambda: fit_ensembles(x, y, settings, torch.Generator().manual_seed(1)), repeat=2)
    separate = timed(lambda: [fit_ensembles(x, y, one_by_one_settings, torch.Generator().manual_seed(m))
                              for m in range(settings.members)], repeat=2)
    print(f"\nBANANAS ensemble ({settings.members} predictors, 150 points, {settings.epochs} epochs):")
    print(f"  one batched model {batched:.3f} s, one at a time {separate:.3f} s, ratio {separate / batched:.1f}x")
    compare_many = encoding[torch.randint(15625, (TRIALS, 150), generator=g)]
    ys = torch.randn(TRIALS, 150, generator=g)
    all_trials = timed(lambda: fit_ensembles(compare_many, ys, settings, torch.Generator().manual_seed(2)), repeat=1)
    print(f"  all {TRIALS} trials' ensembles as one model: {all_trials:.2f} s "
          f"(one trial's ensemble one at a time, x{TRIALS}: {separate * TRIALS:.1f} s, ratio {separate * TRIALS / all_trials:.1f}x)")

    authors_flop_rate(encoding, g)


def training_flops(settings: PredictorSettings, inputs: int, points: int, models: int) -> float:
    """Floating-point operations of one fit: forward and backward (about three forward passes) of every
    layer's multiply-adds, for every point, epoch and model."""
    sizes = [inputs] + [settings.hidden] * settings.layers + [1]
    macs = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return 2.0 * 3.0 * macs * points * settings.epochs * models


def matmul_rate(n: int = 1024, repeat: int = 5) -> float:
    """Achieved FLOP/s of an n x n float32 matrix product on one thread: the practical peak used here."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    start = time.perf_counter()
    for _ in range(repeat):
        a @ b
    return 2.0 * n**3 * repeat / (time.perf_counter() - start)


def authors_flop_rate(encoding: torch.Tensor, g: torch.Generator, points: int = 150) -> None:
    settings = AUTHORS_PREDICTOR
    x = encoding[torch.randint(15625, (TRIALS, points), generator=g)]
    y = torch.randn(TRIALS, points, generator=g)
    seconds = timed(lambda: fit_ensembles(x, y, settings, torch.Generator().manual_seed(3)), repeat=1)
    flops = training_flops(settings, encoding.shape[1], points, TRIALS * settings.members)
    peak = matmul_rate()
    nonzero = float((encoding != 0).sum(dim=1).max())
    sizes = [encoding.shape[1]] + [settings.hidden] * settings.layers + [1]
    macs = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    wasted = (encoding.shape[1] - nonzero) * settings.hidden / macs
    print(f"\nBANANAS, the authors' predictor ({settings.layers} layers of {settings.hidden}, batches of "
          f"{settings.batch_size}, {settings.epochs} epochs), {TRIALS} trials x {settings.members} members, "
          f"{points} points each, one model:")
    print(f"  {seconds:.2f} s for {flops / 1e9:.1f} GFLOP: {flops / seconds / 1e9:.2f} GFLOP/s; a {1024}x{1024} "
          f"matmul on one thread reaches {peak / 1e9:.1f} GFLOP/s, so the fit runs at {100 * flops / seconds / peak:.1f} % of it")
    print(f"  the encoding has at most {nonzero:.0f} non-zero features of {encoding.shape[1]}: the dense first layer "
          f"spends {100 * wasted:.0f} % of the forward work on zeros")


if __name__ == "__main__":
    main()
