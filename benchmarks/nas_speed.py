"""Speed of the NAS comparison: lockstep trials vs plain per-trial Python loops.

Run: ``python benchmarks/nas_speed.py`` (needs the NB201 tables).
Prints, for 200 trials x 300 queries on cifar10-valid (denoised): the lockstep
implementations, straightforward per-query Python implementations of the same
algorithms on the same in-memory data, and their ratio; then BANANAS' ensemble
trained as one batched model vs its members one at a time; and one fit of the authors' predictor
(ten layers of width 20, batches of 32, 150 epochs) as a comparison block runs it, by the package's
hand-written sparse step and by the dense autograd training it replaced, with each one's floating-point
rate against this machine's measured single-thread matmul rate and the speed-up.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

import numpy as np
import torch

from nascompanion.compare.run import Setting, run_algorithm
from nascompanion.data import load_benchmark
from nascompanion.search.bananas import nb201_path_encoding
from nascompanion.search.predictor import AUTHORS_PREDICTOR, PredictorSettings, SparseEncoding, fit_ensembles
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

    encoding = nb201_path_encoding()
    sparse = SparseEncoding.of(encoding)
    g = torch.Generator().manual_seed(0)
    archs = torch.randint(15625, (1, 150), generator=g)
    y = torch.randn(1, 150, generator=g)
    settings = PredictorSettings()
    one_by_one_settings = PredictorSettings(members=1)
    batched = timed(lambda: fit_ensembles(sparse, archs, y, settings, torch.Generator().manual_seed(1)), repeat=2)
    separate = timed(lambda: [fit_ensembles(sparse, archs, y, one_by_one_settings, torch.Generator().manual_seed(m))
                              for m in range(settings.members)], repeat=2)
    print(f"\nBANANAS ensemble ({settings.members} predictors, 150 points, {settings.epochs} epochs):")
    print(f"  one batched model {batched:.3f} s, one at a time {separate:.3f} s, ratio {separate / batched:.1f}x")
    authors_predictor(encoding, sparse, g)


def dense_autograd_fit(x: torch.Tensor, y: torch.Tensor, settings: PredictorSettings, generator: torch.Generator):
    """The predictor's training as the package did it before its hand-written step, kept here as the baseline:
    dense inputs ``x`` ``(T, m, width)``, point-major activations, autograd, one fused Adam over every layer's
    tensors (same networks, initialisation, loss, optimiser and mini-batches)."""
    sizes = [x.shape[2]] + [settings.hidden] * settings.layers + [1]
    models = x.shape[0] * settings.members
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        weights.append(((torch.rand(models, fan_in, fan_out, generator=generator) * 2 - 1) * bound).requires_grad_())
        biases.append(((torch.rand(models, 1, fan_out, generator=generator) * 2 - 1) * bound).requires_grad_())

    def forward(inputs):
        for i, (w, b) in enumerate(zip(weights, biases)):
            inputs = torch.baddbmm(b, inputs, w)
            inputs = torch.relu(inputs) if i < len(weights) - 1 else inputs
        return inputs[..., 0]

    xs, ys = x.repeat_interleave(settings.members, dim=0), y.repeat_interleave(settings.members, dim=0)
    optimiser = torch.optim.Adam(weights + biases, lr=settings.learning_rate, fused=True)
    rows, points = torch.arange(models)[:, None], ys.shape[1]
    torch.set_flush_denormal(True)
    for _ in range(settings.epochs):
        order = torch.argsort(torch.rand(models, points, generator=generator), dim=1)
        for start in range(0, points, settings.batch_size):
            batch = order[:, start:start + settings.batch_size]
            optimiser.zero_grad()
            (forward(xs[rows, batch]) - ys[rows, batch]).abs().mean(dim=1).sum().backward()
            optimiser.step()
    torch.set_flush_denormal(False)
    with torch.no_grad():
        return forward(xs)


def training_flops(settings: PredictorSettings, inputs: int, points: int, models: int) -> float:
    """Floating-point operations of one fit of the dense networks: forward and backward (about three forward
    passes) of every layer's multiply-adds, for every point, epoch and model."""
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


def authors_predictor(encoding: np.ndarray, sparse: SparseEncoding, g: torch.Generator, points: int = 150) -> None:
    """One fit of the authors' predictor as a comparison block runs it (25 trials x 5 networks), by the package
    and by the dense autograd baseline, on the same points; rates against one thread's matmul rate."""
    settings, trials = AUTHORS_PREDICTOR, 25
    archs = torch.randint(15625, (trials, points), generator=g)
    y = torch.randn(trials, points, generator=g)
    dense = torch.as_tensor(encoding.astype(np.float32))[archs]
    ours = timed(lambda: fit_ensembles(sparse, archs, y, settings, torch.Generator().manual_seed(3)), repeat=3)
    before = timed(lambda: dense_autograd_fit(dense, y, settings, torch.Generator().manual_seed(3)), repeat=3)
    models = trials * settings.members
    flops = training_flops(settings, encoding.shape[1], points, models)
    nonzero = int((encoding != 0).sum(axis=1).max())
    useful = flops - 2.0 * 2.0 * (encoding.shape[1] - nonzero) * settings.hidden * points * settings.epochs * models
    peak = matmul_rate()
    print(f"\nBANANAS, the authors' predictor ({settings.layers} layers of {settings.hidden}, batches of "
          f"{settings.batch_size}, {settings.epochs} epochs), one fit of a comparison block: {trials} trials x "
          f"{settings.members} networks, {points} points each")
    print(f"  a {1024}x{1024} matmul on one thread: {peak / 1e9:.1f} GFLOP/s")
    for name, seconds in (("dense autograd (before)", before), ("sparse hand-written step", ours)):
        print(f"  {name:25s} {seconds:6.2f} s: {flops / seconds / 1e9:5.1f} GFLOP/s of the dense networks' work "
              f"({100 * flops / seconds / peak:4.1f} % of the matmul rate), {useful / seconds / 1e9:5.1f} GFLOP/s "
              f"without the input layer's zeros ({100 * useful / seconds / peak:4.1f} %)")
    print(f"  speed-up {before / ours:.2f}x")
    print("  the two fits' predictions (targets of standard deviation 1; same draws, sums in another order, and "
          "the mean absolute error's sign gradient turns rounding differences into different steps):")
    for epochs in (1, settings.epochs):
        short = replace(settings, epochs=epochs)
        a = fit_ensembles(sparse, archs, y, short, torch.Generator().manual_seed(3)).predict(
            archs.repeat_interleave(settings.members, dim=0))
        gap = (a - dense_autograd_fit(dense, y, short, torch.Generator().manual_seed(3))).abs()
        print(f"    after {epochs:3d} epoch(s): median difference {gap.median():.1g}, largest {gap.max():.2g}")


if __name__ == "__main__":
    main()
