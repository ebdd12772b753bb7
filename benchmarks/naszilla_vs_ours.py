"""The authors' naszilla 1.0 against nascompanion: speed and results of three NAS algorithms on NB201.

Local search, random search and regularized evolution, as the authors' code
(naszilla 1.0, White et al.) runs them and as this package implements them, run
in one process on the same NAS-Bench-201 tables: the denoised CIFAR-10
objective (means over training seeds, deterministic losses). The search loss is
``100 - x-valid accuracy`` of the ``cifar10-valid`` training; the reported loss
is ``100 - ori-test accuracy`` of the ``cifar10`` training (train + valid),
which is what naszilla's ``Nasbench201(dataset="cifar10")`` reads.

The script prints, per algorithm, the wall-clock time of the whole T-trial run
of each implementation (``time.perf_counter``; the search only: tables,
search spaces and the stand-in API are built before the clock starts, results
are read off after it stops; each side is warmed up once, untimed, on other
seeds: naszilla with two trials, ours with one full run whose "cold" time is
printed too, as it includes one-off costs of a first call, such as the
first touch of its ``(T, 15625)`` arrays' memory), their ratio naszilla / ours against the
project's target of at least 30x, and both implementations' mean ± standard
error over trials of the reported test error (%) of the best-validation
architecture after 100 and after ``--budget`` queries. It never fails on
timing or on disagreement; it exits non-zero only on errors.

Install and run (from the repository root)::

    python3 -m venv /tmp/naszilla_work/venv
    /tmp/naszilla_work/venv/bin/pip install --no-deps -r benchmarks/naszilla-requirements.txt
    .venv/bin/python benchmarks/naszilla_vs_ours.py \\
        --naszilla-path /tmp/naszilla_work/venv/lib/python3.11/site-packages \\
        | tee benchmarks/results/naszilla_vs_ours.txt

``--trials 5`` is a quick rehearsal; ``--at 20,50,100,300`` reports more
points of the curves. ``--naszilla-path`` (or the environment
variable ``NASZILLA_PATH``) names the folder that holds the ``naszilla``
package; it is appended to the END of ``sys.path``, so nothing there shadows
the project's environment. Any folder with the unpacked package works, e.g.
``pip install --no-deps --target DIR naszilla==1.0`` or the unzipped wheel.

How naszilla runs without its dependencies
------------------------------------------
naszilla is installed with ``--no-deps``: its declared dependencies
(tensorflow 1.14, torch 1.5, nas-bench-201 1.3, NAS-Bench-101/301, ...) serve
algorithms and benchmarks this script does not run. Its two modules used here
import some of them at module level, so while they are imported the script puts
tiny stub modules into ``sys.modules`` (removed again afterwards for the
non-naszilla names): ``tensorflow``, ``nasbench`` / ``nasbench.api``,
``nasbench301``, ``nas_201_api``, and naszilla's own ``naszilla.meta_neural_net``
(BANANAS' keras predictor), ``naszilla.bo.bo.probo`` (GP Bayesian
optimisation), ``naszilla.gcn.model`` and ``naszilla.gcn.train_gcn`` (torch).
Calling anything in a stub raises an error. The code that runs is naszilla's
own: ``nas_algorithms.local_search`` / ``random_search`` / ``evolution_search``
/ ``compute_best_test_losses``, ``nas_benchmarks.Nasbench201`` and
``nas_bench_201.cell_201.Cell201`` (those need numpy and scipy only).

naszilla's NB201 code asks the NAS-Bench-201 API object for exactly two things:
``query_index_by_arch(arch_string)`` and ``query_by_index(index, dataname)``,
a dict ``{seed: result}`` whose ``result.get_eval(setname)["accuracy"]`` it
averages over the seeds. With ``dataset="cifar10"`` the validation loss reads
``("cifar10-valid", "x-valid")`` and the test loss ``("cifar10", "ori-test")``.
:class:`TableNB201API` answers these calls from the project's tables: one
"seed" per architecture holding the mean over seeds, so naszilla's mean over
seeds is that mean. The ``Nasbench201`` object is made without its
``__init__`` (which would load the 2 GB ``.pth`` file) and given the attributes
``__init__`` sets, with the stand-in as ``nasbench``.

Protocol (naszilla's ``params.algo_params("simple_algos")`` on NB201)
----------------------------------------------------------------------
* local search: ``local_search(num_init=10, stop_at_minimum=False)``;
  ours ``registry.run("local_search", ..., variant="continue_at_min", k_init=10)``.
* random search: ``random_search()``; ours ``"random_search"``.
* regularized evolution: ``evolution_search(population_size=30,
  tournament_size=10, num_init=10, mutation_rate=1.0)``, which re-queries
  children it has seen; ours ``"evolution_requery"`` (population 30,
  tournament 10, 10 random starts, re-querying).

naszilla draws from Python's ``random`` and NumPy's legacy global generator;
each of its trials seeds both. Ours runs all trials in one call with one
``numpy.random.Generator``. The trials of the two implementations are
independent, so their means agree up to the standard errors only where the
algorithms really are the same; the script prints the difference in units of
its standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import platform
import random
import sys
import time
import types
from importlib import metadata

import numpy as np

TARGET = 30.0
"""The project's target: at least this many times faster than naszilla, per algorithm."""

SEARCH_DATASET, SEARCH_SET = "cifar10-valid", "x-valid"
REPORT_DATASET, REPORT_SET = "cifar10", "ori-test"

# (label, naszilla function, its settings, nascompanion registry name)
ALGORITHMS = (
    ("local search", "local_search",
     dict(num_init=10, stop_at_minimum=False, query_full_nbhd=False, mutate_encoding="adj",
          random_encoding="adj", deterministic=True, loss="val_loss"),
     "local_search"),
    ("random search", "random_search",
     dict(random_encoding="adj", deterministic=True, loss="val_loss"),
     "random_search"),
    ("regularized evolution", "evolution_search",
     dict(num_init=10, population_size=30, tournament_size=10, mutation_rate=1.0, mutate_encoding="adj",
          random_encoding="adj", regularize=True, deterministic=True, loss="val_loss"),
     "evolution_requery"),
)


# --------------------------------------------------------------------------- the stand-in NB201 API


class TableNB201API:
    """In-memory stand-in for ``nas_201_api.NASBench201API``, for the calls naszilla's NB201 code makes.

    Parameters
    ----------
    arch_strings
        The 15,625 NB201 architecture strings in benchmark-index order.
    accuracies
        ``{(dataname, setname): accuracy in % per architecture}``, e.g.
        ``("cifar10-valid", "x-valid")``. A pair not given raises ``KeyError``
        when asked for, so a wrong mapping cannot pass silently.

    Attributes
    ----------
    asked
        The ``(dataname, setname)`` pairs that were asked for.
    """

    def __init__(self, arch_strings, accuracies: dict) -> None:
        self._index = {arch: i for i, arch in enumerate(arch_strings)}
        # Python floats in lists: the look-up itself should cost next to nothing in naszilla's timing.
        self._tables = {key: [float(v) for v in np.asarray(values, dtype=float)] for key, values in accuracies.items()}
        self.asked: set = set()

    def query_index_by_arch(self, arch: str) -> int:
        """Benchmark index of an architecture string (``KeyError`` for a string not in NB201)."""
        return self._index[arch]

    def query_by_index(self, arch_index: int, dataname: str) -> dict:
        """``{seed: result}`` with one pseudo-seed holding the mean over the training seeds."""
        return {0: _MeanRun(self, arch_index, dataname)}

    def _accuracy(self, arch_index: int, dataname: str, setname: str) -> float:
        key = (dataname, setname)
        table = self._tables.get(key)
        if table is None:
            raise KeyError(f"the stand-in NB201 API has no {setname!r} accuracy of {dataname!r}; "
                           f"it has {sorted(self._tables)}")
        self.asked.add(key)
        return table[arch_index]


class _MeanRun:
    """What ``query_by_index`` returns per seed: ``get_eval(setname)`` -> ``{"accuracy": ...}``."""

    __slots__ = ("_api", "_index", "_dataname")

    def __init__(self, api: TableNB201API, index: int, dataname: str) -> None:
        self._api, self._index, self._dataname = api, index, dataname

    def get_eval(self, setname: str) -> dict:
        return {"name": setname, "accuracy": self._api._accuracy(self._index, self._dataname, setname)}


# --------------------------------------------------------------------------- importing naszilla


def _unavailable(module: str, name: str):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"{module}.{name} is a stub of benchmarks/naszilla_vs_ours.py; "
                           "the algorithms compared here never use it")
    return type(name, (), {"__init__": refuse, "__call__": refuse})


def _stub_modules() -> dict[str, types.ModuleType]:
    """The modules naszilla imports at module level but local search, random search and evolution never use."""
    wanted = {
        "tensorflow": (), "nasbench": (), "nasbench.api": (), "nasbench301": (),
        "nas_201_api": ("NASBench201API",),
        "naszilla.meta_neural_net": ("MetaNeuralnet",),
        "naszilla.bo.bo.probo": ("ProBO",),
        "naszilla.gcn.model": ("NeuralPredictor",),
        "naszilla.gcn.train_gcn": ("fit", "predict"),
    }
    stubs = {}
    for name, attributes in wanted.items():
        module = types.ModuleType(name, "stub made by benchmarks/naszilla_vs_ours.py")
        for attribute in attributes:
            setattr(module, attribute, _unavailable(name, attribute))
        stubs[name] = module
    stubs["nasbench"].api = stubs["nasbench.api"]
    return stubs


@contextlib.contextmanager
def _stubbed(stubs: dict[str, types.ModuleType]):
    saved = {name: sys.modules.get(name) for name in stubs}
    sys.modules.update(stubs)
    try:
        yield
    finally:
        for name, module in saved.items():
            if name.startswith("naszilla."):
                continue  # naszilla's own unused modules stay stubs: its loaded modules refer to them
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def import_naszilla(path: str | None):
    """naszilla's ``nas_algorithms`` and ``nas_benchmarks`` modules, its version and its location."""
    if path:
        if not os.path.isdir(os.path.join(path, "naszilla")):
            raise SystemExit(f"--naszilla-path {path!r} holds no 'naszilla' package folder")
        sys.path.append(os.path.abspath(path))
    try:
        with _stubbed(_stub_modules()):
            from naszilla import nas_algorithms, nas_benchmarks
    except ModuleNotFoundError as err:
        raise SystemExit(f"cannot import naszilla ({err}); install it with\n"
                         "  python3 -m venv /tmp/naszilla_work/venv\n"
                         "  /tmp/naszilla_work/venv/bin/pip install --no-deps -r benchmarks/naszilla-requirements.txt\n"
                         "and pass --naszilla-path /tmp/naszilla_work/venv/lib/python3.11/site-packages") from None
    try:
        version = metadata.version("naszilla")
    except metadata.PackageNotFoundError:
        version = "unknown (no package metadata found)"
    return nas_algorithms, nas_benchmarks, version, os.path.dirname(os.path.dirname(nas_algorithms.__file__))


def naszilla_space(nas_benchmarks, api: TableNB201API):
    """naszilla's ``Nasbench201(dataset="cifar10")`` search space, answering from ``api``."""
    space = nas_benchmarks.Nasbench201.__new__(nas_benchmarks.Nasbench201)
    # the attributes Nasbench201.__init__ sets, with the stand-in instead of the loaded .pth file
    space.search_space, space.dataset, space.index_hash, space.nasbench = "nasbench_201", "cifar10", None, api
    return space


# --------------------------------------------------------------------------- running both sides


def run_naszilla(nas_algorithms, space, function: str, settings: dict, budget: int, seeds) -> tuple[float, list]:
    """Every trial of one naszilla algorithm; returns the wall-clock seconds and each trial's query list."""
    search = getattr(nas_algorithms, function)
    runs = []
    start = time.perf_counter()
    for seed in seeds:
        random.seed(int(seed))
        np.random.seed(int(seed))
        runs.append(search(space, total_queries=budget, verbose=0, **settings))
    return time.perf_counter() - start, runs


def naszilla_reported(nas_algorithms, runs: list, query: int) -> np.ndarray:
    """Per trial, naszilla's own read-out: test loss of the best-validation query among the first ``query``."""
    return np.array([nas_algorithms.compute_best_test_losses(data, query, query, "val_loss")[0][0][1]
                     for data in runs])


def run_ours(registry, name: str, space, losses, budget: int, rng, config: dict) -> tuple[float, object]:
    """All trials of one nascompanion algorithm in one call; returns the wall-clock seconds and the result."""
    start = time.perf_counter()
    result = registry.run(name, space, losses, budget, rng, **config)
    return time.perf_counter() - start, result


def _distinct(rows) -> float:
    return float(np.mean([len(set(row)) for row in rows]))


def _cpu_text() -> str:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return f"{os.cpu_count()} logical CPUs ({usable} usable by this process)"


def _settings_text(algorithm, config: dict) -> str:
    parameters = inspect.signature(algorithm.function).parameters
    values = {name: p.default for name, p in list(parameters.items())[4:]} | dict(algorithm.defaults) | config
    return ", ".join(f"{k}={v}" for k, v in values.items())


def _mean_se(values: np.ndarray, sem) -> str:
    return f"{values.mean():6.3f} ± {sem(values):.3f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200, help="trials per algorithm and implementation (200)")
    parser.add_argument("--budget", type=int, default=300, help="queries per trial (300)")
    parser.add_argument("--seed", type=int, default=0, help="seed of both implementations' random streams")
    parser.add_argument("--at", default="100,300",
                        help="comma-separated query counts to report (100,300; those above --budget are dropped)")
    parser.add_argument("--naszilla-path", default=os.environ.get("NASZILLA_PATH"),
                        help="folder holding the 'naszilla' package (default: $NASZILLA_PATH, else importable)")
    args = parser.parse_args(argv)
    if args.trials < 1 or args.budget < 1:
        parser.error("--trials and --budget must be positive")

    # the project first, so nothing naszilla brings can stand in for one of its modules
    import nascompanion
    from nascompanion.compare.run import Setting, algorithm_config
    from nascompanion.data import load_benchmark
    from nascompanion.objectives import trial_losses
    from nascompanion.report.stats import sem
    from nascompanion.search import registry
    from nascompanion.spaces import nb201_space

    nas_algorithms, nas_benchmarks, naszilla_version, naszilla_home = import_naszilla(args.naszilla_path)

    bench = load_benchmark(None)
    setting = Setting(dataset=SEARCH_DATASET, version="denoised", metric="validation", trials=args.trials,
                      budget=args.budget, seed=args.seed, test_dataset=REPORT_DATASET)
    losses = trial_losses(bench, setting.dataset, setting.version, setting.trials, np.random.default_rng(setting.seed),
                          metric=setting.metric, test_dataset=setting.test_dataset)
    space = nb201_space()

    def mean_accuracy(dataset: str, metric: str) -> np.ndarray:
        return np.nanmean(bench.accuracy(dataset, metric), axis=1)

    api = TableNB201API(bench.arch_strings, {
        (SEARCH_DATASET, SEARCH_SET): mean_accuracy(SEARCH_DATASET, "validation"),
        (SEARCH_DATASET, "ori-test"): mean_accuracy(SEARCH_DATASET, "test"),
        (REPORT_DATASET, REPORT_SET): mean_accuracy(REPORT_DATASET, "test"),
    })
    theirs = naszilla_space(nas_benchmarks, api)
    # the two read the same numbers: naszilla's losses are 100 - the stand-in's accuracies
    check = np.random.default_rng(1).integers(len(bench.arch_strings), size=50)
    for i in check:
        spec = {"string": bench.arch_strings[i]}
        got = theirs.query_arch(spec)
        if abs(got["val_loss"] - losses.validation[0, i]) > 1e-6 or abs(got["test_loss"] - losses.test[0, i]) > 1e-3:
            raise RuntimeError(f"naszilla and nascompanion read different losses for architecture {i}: "
                               f"{got['val_loss']}, {got['test_loss']} vs {losses.validation[0, i]}, {losses.test[0, i]}")

    try:
        at = tuple(sorted({int(q) for q in args.at.split(",") if q.strip()}))
    except ValueError:
        parser.error(f"--at takes comma-separated integers, got {args.at!r}")
    at = tuple(q for q in at if 1 <= q <= args.budget) or (args.budget,)
    checksums = ", ".join(f"{k} {v}" for k, v in sorted(bench.provenance.checksums.items()))
    print("naszilla (the authors' code) vs nascompanion: local search, random search, regularized evolution")
    print(f"measured: wall-clock time (time.perf_counter) of the whole {args.trials}-trial run of each implementation,")
    print("          search only (tables, spaces and the stand-in API built before; results read off after);")
    print(f"          test error (%) of the best-validation architecture after {' and '.join(map(str, at))} queries,")
    print("          mean ± standard error over trials")
    print(f"data:     NAS-Bench-201 ({bench.provenance.kind}), denoised CIFAR-10 (means over training seeds):")
    print(f"          search loss 100 - {SEARCH_DATASET} {SEARCH_SET} accuracy, reported loss 100 - {REPORT_DATASET} "
          f"{REPORT_SET} accuracy (train+valid model)")
    print(f"          {checksums}")
    print(f"protocol: {args.trials} trials x {args.budget} queries, seed {args.seed}; target: nascompanion at least "
          f"{TARGET:g}x faster per algorithm")
    print(f"versions: naszilla {naszilla_version} ({naszilla_home}), nascompanion "
          f"{getattr(nascompanion, '__version__', metadata.version('nascompanion'))}, numpy {np.__version__}, "
          f"Python {platform.python_version()}")
    print(f"machine:  {platform.platform()}, {platform.processor() or platform.machine()}, {_cpu_text()}")
    print("naszilla runs without its dependencies: tensorflow, nasbench, nasbench301, nas_201_api and its unused")
    print("          predictor modules are stubbed; its NB201 API is an in-memory stand-in (see the docstring)")
    print("settings:")
    for label, function, settings, name in ALGORITHMS:
        config = algorithm_config(name, setting)
        print(f"  {label}: naszilla {function}({', '.join(f'{k}={v!r}' for k, v in settings.items())})")
        print(f"  {' ' * len(label)}  nascompanion registry {name!r}: {_settings_text(registry.get(name), config)}")
    print()

    streams = np.random.SeedSequence([args.seed, 20210701])
    rows = []
    for a, (label, function, settings, name) in enumerate(ALGORITHMS):
        config = algorithm_config(name, setting)
        ours_seed, theirs_seed, warm_seed = streams.spawn(3 * len(ALGORITHMS))[3 * a: 3 * a + 3]
        # untimed warm-ups on seeds not used below: naszilla two trials (it has no large arrays); ours one
        # full run, whose time is printed as "cold" (one-off costs of a first call, e.g. first-touched memory)
        print(f"running {label}: naszilla ...", end="", flush=True)
        run_naszilla(nas_algorithms, theirs, function, settings, args.budget, warm_seed.generate_state(2))
        t_theirs, runs = run_naszilla(nas_algorithms, theirs, function, settings, args.budget,
                                      theirs_seed.generate_state(args.trials))
        print(f" {t_theirs:.2f} s; nascompanion ...", end="", flush=True)
        t_cold, _ = run_ours(registry, name, space, losses, args.budget, np.random.default_rng(warm_seed), config)
        t_ours, result = run_ours(registry, name, space, losses, args.budget, np.random.default_rng(ours_seed), config)
        print(f" {t_ours:.3f} s (cold first run {t_cold:.3f} s)", flush=True)
        curves = result.curves("test")
        rows.append(dict(
            label=label, t_theirs=t_theirs, t_ours=t_ours, t_cold=t_cold,
            theirs={q: naszilla_reported(nas_algorithms, runs, q) for q in at},
            ours={q: curves[:, q - 1] for q in at},
            distinct_theirs=_distinct([[d["spec"]["string"] for d in data[: args.budget]] for data in runs]),
            distinct_ours=_distinct([row[row >= 0].tolist() for row in result.archs]),
        ))

    print()
    print(f"naszilla asked the NB201 API for: {', '.join(f'{d} {s}' for d, s in sorted(api.asked))}")
    print()
    head = (f"{'algorithm':<22} {'implementation':<13} {'time (s)':>9} {'ms/trial':>9}  "
            + "  ".join(f"{'test error @' + str(q):>16}" for q in at) + f"  {'distinct archs':>14}")
    print(head)
    print("-" * len(head))
    for row in rows:
        for who, seconds, values, distinct in (("naszilla", row["t_theirs"], row["theirs"], row["distinct_theirs"]),
                                               ("nascompanion", row["t_ours"], row["ours"], row["distinct_ours"])):
            label = row["label"] if who == "naszilla" else ""
            print(f"{label:<22} {who:<13} {seconds:9.3f} {1e3 * seconds / args.trials:9.3f}  "
                  + "  ".join(f"{_mean_se(values[q], sem):>16}" for q in at) + f"  {distinct:14.1f}")
        ratio = row["t_theirs"] / row["t_ours"] if row["t_ours"] > 0 else float("inf")
        verdict = "meets" if ratio >= TARGET else "MISSES"
        gaps = []
        for q in at:
            a, b = row["theirs"][q], row["ours"][q]
            diff = float(a.mean() - b.mean())
            se = float(np.hypot(sem(a), sem(b)))
            z = diff / se if se > 0 else (0.0 if diff == 0 else float("inf"))
            gaps.append(f"@{q} {diff:+.3f} ({z:+.1f} SE{', DIFFERENT' if abs(z) > 3 else ''})")
        cold = row["t_theirs"] / row["t_cold"] if row["t_cold"] > 0 else float("inf")
        print(f"{'':<22} ratio naszilla/ours {ratio:8.1f}x: {verdict} the {TARGET:g}x target "
              f"(against ours' cold first run: {cold:.1f}x)")
        print(f"{'':<22} naszilla - ours: {'; '.join(gaps)}")
    print()
    print("summary:")
    for row in rows:
        ratio = row["t_theirs"] / row["t_ours"] if row["t_ours"] > 0 else float("inf")
        print(f"  {row['label']:<22} {ratio:8.1f}x faster  ({'meets' if ratio >= TARGET else 'MISSES'} "
              f"the {TARGET:g}x target)")
    print("  (timings are never asserted; |difference| > 3 SE is marked DIFFERENT, see benchmarks/README.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
