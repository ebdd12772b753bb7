"""How fast can the store's BANANAS blocks be computed on this machine's cores with torch's kernels?

Run: ``python benchmarks/predictor_floor.py [--cores N] [--trials T]`` (one thread per process, as the store's
workers run; ``--trials`` sets how many trials' networks one step trains: a block's 25 by default, fewer to see
whether a step whose parameters and optimiser state fit in a core's cache runs faster per network).

A BANANAS block spends almost all of its time in Adam steps of its predictor ensemble (every trial's five
networks of ten layers, trained as one batched model). This script times, on one thread:

* one whole training step of a 25-trial block's 125 networks (or ``--trials``' networks) on a mini-batch of
  32 (the package's hand-written forward and backward, then the fused Adam update);
* the same step's batched matrix products alone, on the same shapes (forward: nine hidden layers and the
  output; backward: ten weight gradients and nine back-propagated errors), which no rearrangement of the
  step's other work can remove;
* the step's Adam update alone (every parameter, its gradient and both moments read and written each step,
  as the recipe's optimiser does);
* the same products in bfloat16, which CPUs with AVX-512 BF16 or AMX units compute faster, at a precision the
  authors' float32 recipe does not have;

then counts the Adam steps of every BANANAS block with the authors' predictor in the shipped store (each fit
trains ``epochs`` epochs of ``ceil(points / 32)`` mini-batches, a fit every ten queries) and projects the minutes
of all of them on ``--cores`` cores (scaled by each block's networks): by the whole step, by the products alone,
by the products and the Adam update together, and by the products in bfloat16. The third figure is a floor for a
CPU implementation of the recipe built on torch's kernels: a step cannot do less than its products and its
update, however the rest of it is fused.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import torch

from nascompanion.compare import replay
from nascompanion.search.bananas import nb201_path_encoding
from nascompanion.search.predictor import AUTHORS_PREDICTOR, Ensemble, SparseEncoding

BATCH, REPEATS = 32, 200


def timed(fn, repeats: int = REPEATS) -> float:
    """Median seconds of ``fn()`` over ``repeats`` runs, after a warm-up."""
    for _ in range(20):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def step_seconds(generator: torch.Generator, trials: int) -> tuple[float, float, float, float]:
    """Seconds of one training step of ``trials`` trials' ensembles, of its Adam update alone, and of its batched
    products alone in float32 and in bfloat16."""
    settings = AUTHORS_PREDICTOR
    models = trials * settings.members
    encoding = SparseEncoding.of(nb201_path_encoding())
    model = Ensemble(models, encoding, settings, generator)
    archs = torch.randint(0, encoding.indices.shape[0], (models, BATCH), generator=generator)
    targets = torch.randn(models, BATCH, generator=generator)
    rows, values = model.inputs(archs)
    model.parameters.grad = model.gradient
    optimiser = torch.optim.Adam([model.parameters], lr=settings.learning_rate, fused=True)

    def step() -> None:
        model.backward(rows, values, targets)
        optimiser.step()

    model.backward(rows, values, targets)
    return (timed(step), timed(optimiser.step), products_seconds(model, generator, torch.float32),
            products_seconds(model, generator, torch.bfloat16))


def products_seconds(model: Ensemble, generator: torch.Generator, dtype: torch.dtype) -> float:
    """Seconds of one step's batched products alone, on the same shapes, in ``dtype``."""
    settings, models = AUTHORS_PREDICTOR, model.models
    hidden = settings.hidden

    def rand(*shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=generator).to(dtype)

    activation, delta, out_delta = rand(models, hidden, BATCH), rand(models, hidden, BATCH), rand(models, 1, BATCH)
    square, last = model.weights[1].to(dtype), model.weights[-1].to(dtype)
    bias, last_bias = model.biases[1].to(dtype), model.biases[-1].to(dtype)
    buffers = (torch.empty(models, hidden, BATCH, dtype=dtype), torch.empty(models, hidden, hidden, dtype=dtype),
               torch.empty(models, 1, BATCH, dtype=dtype), torch.empty(models, 1, hidden, dtype=dtype))

    def products() -> None:
        forward, gradient, out, out_gradient = buffers
        for _ in range(settings.layers - 1):                       # forward, hidden layers
            torch.baddbmm(bias, square, activation, out=forward)
        torch.baddbmm(last_bias, last, activation, out=out)   # forward, output
        torch.bmm(out_delta, activation.transpose(1, 2), out=out_gradient)
        torch.bmm(last.transpose(1, 2), out_delta, out=forward)
        for _ in range(settings.layers - 1):                       # backward: weight gradient, then the error below
            torch.bmm(delta, activation.transpose(1, 2), out=gradient)
        for _ in range(settings.layers - 1):
            torch.bmm(square.transpose(1, 2), delta, out=forward)

    return timed(products)


def stored_steps() -> tuple[list[tuple[int, int]], int]:
    """``(networks, Adam steps)`` of every BANANAS block in the shipped store with the authors' predictor, and
    how many blocks use another (the book's own small predictor, three layers trained on the full batch)."""
    found, other = [], 0
    for block in replay.stored_blocks():
        if block.algorithm != "bananas":
            continue
        setting = block.payload["setting"]
        if setting["bananas_predictor"] != "authors":
            other += 1
            continue
        epochs, budget = setting["bananas_epochs"], setting["budget"]
        steps = sum(epochs * math.ceil(points / BATCH) for points in range(10, budget, 10))
        found.append((block.size * AUTHORS_PREDICTOR.members, steps))
    return found, other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2, help="cores the blocks are spread over (default 2)")
    parser.add_argument("--trials", type=int, default=25,
                        help="trials whose networks one step trains (default 25, a stored block's)")
    arguments = parser.parse_args()
    cores = arguments.cores
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    step, adam, products, bf16 = step_seconds(torch.Generator().manual_seed(0), arguments.trials)
    networks = arguments.trials * AUTHORS_PREDICTOR.members
    print(f"one step of {networks} networks, mini-batch {BATCH}, one thread: {1e3 * step:.2f} ms; "
          f"its batched products alone {1e3 * products:.2f} ms ({100 * products / step:.0f} %); "
          f"its Adam update alone {1e3 * adam:.2f} ms ({100 * adam / step:.0f} %); "
          f"the same products in bfloat16 {1e3 * bf16:.2f} ms ({products / bf16:.2f}x the float32 rate)")
    blocks, other = stored_steps()
    weighted = sum(n / networks * s for n, s in blocks)   # steps, counted in steps of this many networks
    print(f"the store's BANANAS blocks with the authors' predictor: {len(blocks)}, {sum(s for _, s in blocks):,} "
          f"Adam steps ({weighted:,.0f} in steps of {networks} networks); {other} more with the book's small one")
    for label, seconds in (("whole steps", step), ("products alone", products),
                           ("products and Adam update alone (floor)", products + adam),
                           ("products alone in bfloat16 (not the recipe's float32)", bf16)):
        minutes = weighted * seconds / 60
        print(f"  {label}: {minutes:.0f} min on one core, {minutes / cores:.0f} min on {cores} cores")


if __name__ == "__main__":
    main()
