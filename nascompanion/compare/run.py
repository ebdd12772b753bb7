"""NAS algorithms head to head on NAS-Bench-201 (paper, Sec. 4 and Appendix A).

Every algorithm gets the same query budget and faces, in trial ``t``, the same
landscape (common random numbers: one noise draw per trial, shared by all
algorithms). The result of each (dataset, objective, algorithm) is the curve the
paper plots — after every query, the test loss of the architecture with the best
validation loss so far — for every trial. The curves of the quick algorithms are
cached on disk keyed by every parameter and the data's checksums; the model-based
ones (:data:`~nascompanion.compare.store.STORED`), which take minutes, run in blocks of
trials whose query histories are stored
(:mod:`nascompanion.compare.store`, shipped with the package), so a rebuild of the
book reuses them and recomputes only the curves.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Callable

import numpy as np
from tqdm import tqdm

from nascompanion.compare import store
from nascompanion.config import cache_dir
from nascompanion.objectives import TrialLosses, trial_losses
from nascompanion.search import registry
from nascompanion.search.bananas import AUTHORS_PREDICTOR, PredictorSettings
from nascompanion.spaces import nb201_space
from nascompanion.spaces.table import TableSpace

ALGORITHMS: tuple[str, ...] = ("local_search", "random_search", "evolution", "bo", "bananas", "evolution_requery",
                               "anasod_rs", "anasod_biased_rs", "anasod_ls", "anasod_bo", "local_search_restart")
"""Algorithms the comparison can run, under their registry names: the paper's five, the authors' evolution,
ANASOD's four searches (the related-approaches chapter) and the local search that restarts at every
minimum (naszilla 1.0's default). Each has its own stream, by position (a stream does not depend on
how many follow it, so adding one at the end changes no other)."""

MAIN: tuple[str, ...] = ALGORITHMS[:5]
"""The five algorithms of the paper's comparison."""

LABELS = {name: algorithm.label for name, algorithm in registry.ALGORITHMS.items()}
"""Reader's name of every registered algorithm."""

CACHE_VERSION = 2


@dataclass(frozen=True)
class Setting:
    """One cell of the comparison: which data, which objective, how many trials.

    The defaults are the authors' protocol on NAS-Bench-201 (naszilla 1.0):
    local search ``continue_at_min`` from the best of ``k_init = 10`` random
    cells, each neighbourhood scanned in a random order up to its first lower
    neighbour (``local_search_first_lower``; the paper's Algorithm 1 scans it all), BANANAS with the authors' predictor (:data:`~nascompanion.search.bananas.AUTHORS_PREDICTOR`:
    ten layers of width 20, batches of 32) trained for 150 epochs, 300 queries,
    200 trials. ``bananas_predictor="book"`` is the book's earlier, cheaper
    predictor (three layers, full batch).
    ``test_dataset`` names the training whose test error is reported (the
    authors: ``"cifar10"`` when searching ``"cifar10-valid"``); ``None`` reports
    the searched training's own test error.
    """

    dataset: str
    version: str
    x: float | None = None
    metric: str = "validation"
    trials: int = 200
    budget: int = 300
    seed: int = 0
    local_search_variant: str = "continue_at_min"
    bananas_epochs: int = 150
    test_dataset: str | None = None
    local_search_k_init: int = 10
    bananas_predictor: str = "authors"
    local_search_first_lower: bool = True

    def label(self) -> str:
        """Short description for figure titles."""
        objective = f"noise(x={self.x:g})" if self.version == "noise" else self.version
        reported = f" -> {self.test_dataset} test" if self.test_dataset else ""
        return f"{self.dataset}, {objective}, {self.metric}{reported}"


def algorithm_config(algorithm: str, setting: Setting) -> dict:
    """The settings the comparison passes to a registered algorithm beyond its registry defaults."""
    if algorithm == "local_search":
        return {"variant": setting.local_search_variant, "k_init": setting.local_search_k_init,
                "first_lower": setting.local_search_first_lower and setting.local_search_variant == "continue_at_min"}
    if algorithm == "bananas":
        predictors = {"authors": AUTHORS_PREDICTOR, "book": PredictorSettings()}
        if setting.bananas_predictor not in predictors:
            raise ValueError(f"bananas_predictor={setting.bananas_predictor!r}; allowed: {', '.join(predictors)}")
        return {"settings": replace(predictors[setting.bananas_predictor], epochs=setting.bananas_epochs)}
    return {}


def run_algorithm(algorithm: str, losses: TrialLosses, setting: Setting, rng: np.random.Generator,
                  space: TableSpace | None = None, which: str = "test") -> np.ndarray:
    """Best-so-far ``which``-loss curves, shape ``(trials, budget)``, of one algorithm on ``losses``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; allowed: {', '.join(ALGORITHMS)}")
    result = registry.run(algorithm, space or nb201_space(), losses, setting.budget, rng,
                          **algorithm_config(algorithm, setting))
    return result.curves(which)


@lru_cache(maxsize=None)
def _code_digest(algorithm: str) -> str:
    """Digest of the code a result of ``algorithm`` depends on, so a changed algorithm's results are never
    reused: its module (for local search also its lockstep walk), the query log, result and candidate code,
    the objectives, the spaces, and the comparison's own settings, streams and runner (:func:`run_block` for
    the stored algorithms); other edits, e.g. to tables, figures or the store's file format checks, keep the
    cache and the store."""
    import inspect

    from nascompanion import objectives
    from nascompanion.search import candidates, history, lockstep_best_first, query_log
    from nascompanion.spaces import nb201, table

    module = inspect.getmodule(registry.get(algorithm).function)
    walks = {lockstep_best_first} if algorithm == "local_search" else set()   # the lockstep walk it runs
    modules = sorted({module, *walks, candidates, history, query_log, objectives, nb201, table},
                     key=lambda m: m.__name__)
    runner = [run_block] if algorithm in store.STORED else [run_algorithm, compare]  # what makes its history
    digest = hashlib.sha256()
    for part in [*modules, Setting, algorithm_config, _streams, _landscapes, *runner, _stable_int]:
        digest.update(inspect.getsource(part).encode())
    return digest.hexdigest()[:16]


def _key(setting: Setting, algorithm: str, checksums: dict) -> str:
    payload = json.dumps({"v": CACHE_VERSION, "code": _code_digest(algorithm), "setting": asdict(setting),
                          "algorithm": algorithm, "data": sorted(checksums.items())}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def _streams(setting: Setting) -> tuple[np.random.SeedSequence, dict[str, np.random.SeedSequence]]:
    """The landscape's stream and every algorithm's stream for ``setting`` (common random numbers)."""
    streams = np.random.SeedSequence([setting.seed, _stable_int(setting.dataset), _stable_int(setting.version)])
    landscape_seed, *algorithm_seeds = streams.spawn(1 + len(ALGORITHMS))
    return landscape_seed, dict(zip(ALGORITHMS, algorithm_seeds))


def _landscapes(benchmark, setting: Setting, trials: int) -> TrialLosses:
    landscape_seed, _ = _streams(setting)
    return trial_losses(benchmark, setting.dataset, setting.version, trials, np.random.default_rng(landscape_seed),
                        x=setting.x, metric=setting.metric, test_dataset=setting.test_dataset)


def store_payload(setting: Setting, algorithm: str, checksums: dict) -> dict:
    """What a stored history of ``algorithm`` under ``setting`` is keyed by (every field but the trial count)."""
    fields = {k: v for k, v in asdict(setting).items() if k != "trials"}
    return {"format": store.FORMAT, "code": _code_digest(algorithm), "setting": fields, "algorithm": algorithm,
            "data": sorted(checksums.items()), "block": store.BLOCK}


def run_block(benchmark, setting: Setting, algorithm: str, index: int, size: int,
              losses: TrialLosses | None = None) -> store.Block:
    """Run trials ``index * BLOCK`` to ``index * BLOCK + size - 1`` of ``algorithm`` with the block's own stream.

    A block's landscapes are those trials' rows of the setting's landscapes (drawn in
    trial order, so they do not depend on the trial count) and its random stream is
    derived from the algorithm's stream and ``index`` alone: the block's history is the
    same in a run of any number of trials. ``losses`` (the setting's landscapes for at
    least those trials) saves drawing them again.
    """
    first = index * store.BLOCK
    if not 0 < size <= store.BLOCK or index < 0:
        raise ValueError(f"block {index} of size {size}: need index >= 0 and 1 <= size <= {store.BLOCK}")
    losses = _landscapes(benchmark, setting, first + size) if losses is None else losses
    rows = slice(first, first + size)
    part = TrialLosses(losses.validation[rows], losses.test[rows])
    parent = _streams(setting)[1][algorithm]
    stream = np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, index))
    result = registry.run(algorithm, nb201_space(), part, setting.budget, np.random.default_rng(stream),
                          **algorithm_config(algorithm, setting))
    return store.Block(result.archs.astype(np.int16), result.counts.astype(np.int16))


def _stored_curves(benchmark, setting: Setting, algorithm: str, losses: TrialLosses, progress: bool,
                   use_store: bool = True, which: str = "test") -> np.ndarray:
    """Curves of a stored algorithm: stored blocks where their key matches, the rest computed (and stored);
    ``use_store=False`` reads and writes nothing."""
    payload = store_payload(setting, algorithm, dict(benchmark.provenance.checksums))
    sizes = store.block_sizes(setting.trials)
    found: dict[int, store.Block] = {}
    read: dict = {}   # the valid blocks of every folder read, so the one written to is not read again
    for folder in store.read_folders() if use_store else []:
        stored = read[folder] = store.read_blocks(store.path_for(folder, algorithm, payload), payload, setting.budget)
        for index, block in stored.items():
            if index < len(sizes) and block.counts.shape[0] == sizes[index]:
                found.setdefault(index, block)
    missing = [i for i in range(len(sizes)) if i not in found]
    computed = {}
    target = store.write_folder() if use_store else None
    platform = registry.get(algorithm).platform
    bar = tqdm(total=len(missing), desc=f"{LABELS[algorithm]}, {setting.label()}", unit="block",
               disable=not progress, leave=False)
    for index, block in _computed_blocks(setting, algorithm, missing, sizes, losses):
        problem = store.check_block(block, sizes[index], setting.budget)
        if problem:
            raise RuntimeError(f"{algorithm} on {setting.label()}, block {index}: its history has {problem}")
        computed[index] = replace(block, platform=platform()) if platform else block
        if target is not None:   # each block as it is done: a stopped run keeps what it finished
            store.write_blocks(store.path_for(target, algorithm, payload), payload, {**read.get(target, {}), **computed})
        bar.update()
    bar.close()
    found.update(computed)
    archs = np.concatenate([found[i].archs for i in range(len(sizes))])
    counts = np.concatenate([found[i].counts for i in range(len(sizes))])
    return store.curves(archs, counts, losses.validation, losses.test, which)


def _computed_blocks(setting: Setting, algorithm: str, missing: list[int], sizes: list[int], losses: TrialLosses):
    """Yield ``(index, block)`` for every missing block, computed in this process or, with
    ``$NASCOMPANION_WORKERS`` above 1, in that many worker processes (one torch thread each), as they finish."""
    from nascompanion.config import workers

    count = min(workers(), len(missing))
    if count <= 1:
        for index in missing:
            yield index, run_block(None, setting, algorithm, index, sizes[index], losses)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start,
                             initargs=(losses,)) as pool:
        futures = {pool.submit(_worker_block, setting, algorithm, i, sizes[i]): i for i in missing}
        for future in as_completed(futures):
            yield futures[future], future.result()


_WORKER_LOSSES: TrialLosses | None = None


def _worker_start(losses: TrialLosses) -> None:
    global _WORKER_LOSSES
    import torch

    torch.set_num_threads(1)
    _WORKER_LOSSES = losses


def _worker_block(setting: Setting, algorithm: str, index: int, size: int) -> store.Block:
    return run_block(None, setting, algorithm, index, size, _WORKER_LOSSES)


def compare(benchmark, setting: Setting, algorithms: tuple[str, ...] = MAIN, use_cache: bool = True,
            progress: bool = True, which: str = "test") -> dict[str, np.ndarray]:
    """Run every algorithm in ``algorithms`` on one setting; return ``{algorithm: curves (trials, budget)}``.

    The curves are the ``which`` loss (``"test"``, the paper's plots, or ``"validation"``, what the
    search saw) of the best-by-validation query so far.

    The landscape of trial ``t`` is drawn once from ``setting.seed`` and shared by
    all algorithms; each algorithm gets its own random stream. Cached curves of the
    quick algorithms are reused when every parameter and the data's checksums match;
    the model-based ones use stored histories block by block (see :func:`run_block` and
    :mod:`nascompanion.compare.store`). With ``$NASCOMPANION_STORE`` ``recompute`` or
    ``rewrite`` neither is read.
    """
    if which not in ("test", "validation"):
        raise ValueError(f"which={which!r} is not allowed; choose one of: 'test', 'validation'")
    unknown = [a for a in algorithms if a not in ALGORITHMS]
    if unknown:
        raise ValueError(f"unknown algorithm(s) {', '.join(unknown)}; allowed: {', '.join(ALGORITHMS)}")
    use_store = use_cache   # where stored histories are read and written is the store's mode
    use_cache = use_cache and store.mode() not in ("recompute", "rewrite")
    _, algorithm_seeds = _streams(setting)
    losses = None
    results = {}
    for algorithm in tqdm(algorithms, desc=setting.label(), disable=not progress, leave=False):
        if algorithm in store.STORED:
            losses = _landscapes(benchmark, setting, setting.trials) if losses is None else losses
            results[algorithm] = _stored_curves(benchmark, setting, algorithm, losses, progress, use_store, which)
            continue
        suffix = "" if which == "test" else f"-{which}"
        key = f"{_key(setting, algorithm, dict(benchmark.provenance.checksums))}{suffix}"
        path = cache_dir() / "comparison" / f"{algorithm}-{key}.npz"
        cached = _read_cached(path, setting, key) if use_cache else None
        if cached is not None:
            results[algorithm] = cached
            continue
        losses = _landscapes(benchmark, setting, setting.trials) if losses is None else losses
        rng = np.random.default_rng(algorithm_seeds[algorithm])
        curves = run_algorithm(algorithm, losses, setting, rng, which=which)
        if use_cache:
            _write_cached(path, curves, key)
        results[algorithm] = curves
    return results


def _digest(curves: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(curves, dtype=np.float64).tobytes()).hexdigest()


def _write_cached(path, curves: np.ndarray, key: str) -> None:
    """Store curves with their full key (algorithm, setting, code and data digests) and the digest of their
    values (written atomically)."""
    import io

    from nascompanion.data.cache import write_atomically

    buffer = io.BytesIO()
    np.savez(buffer, curves=curves, digest=np.array(_digest(curves)), key=np.array(key))
    write_atomically(path, buffer.getvalue())


def _read_cached(path, setting: Setting, key: str) -> np.ndarray | None:
    """Cached curves, or None when there are none; a file that is unreadable, holds another key than ``key``
    (e.g. another algorithm's or setting's result under this name), of the wrong shape, not finite, or whose
    values no longer match their digest is reported and recomputed, never used."""
    import warnings
    import zipfile

    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            curves, digest, stored_key = stored["curves"], str(stored["digest"]), str(stored["key"])
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as err:
        warnings.warn(f"{path}: unreadable cached result ({type(err).__name__}: {err}); recomputing it", stacklevel=3)
        return None
    problem = None
    if stored_key != key:
        problem = f"the key {stored_key!r}, not this result's {key!r}"
    elif curves.shape != (setting.trials, setting.budget):
        problem = f"shape {curves.shape}, expected {(setting.trials, setting.budget)}"
    elif not np.isfinite(curves).all():
        problem = "non-finite values"
    elif _digest(curves) != digest:
        problem = "values that do not match their digest (the file was changed)"
    if problem:
        warnings.warn(f"{path}: cached result with {problem}; recomputing it", stacklevel=3)
        return None
    return curves


def summary_table(results: dict[str, np.ndarray], at: tuple[int, ...] = (100, 150, 300)):
    """Mean ± standard error of the best-so-far test loss after ``at`` queries, one row per algorithm."""
    import pandas as pd

    from nascompanion.report.stats import sem

    rows = []
    for algorithm, curves in results.items():
        row = {"algorithm": LABELS[algorithm]}
        for q in at:
            if q <= curves.shape[1]:
                row[f"{q} queries"] = f"{curves[:, q - 1].mean():.3f} ± {sem(curves[:, q - 1]):.3f}"
        rows.append(row)
    return pd.DataFrame(rows)


def ranks_at(results: dict[str, np.ndarray], query: int) -> dict[str, int]:
    """Rank of each algorithm (1 = lowest mean test loss) after ``query`` queries."""
    means = {a: float(c[:, query - 1].mean()) for a, c in results.items()}
    order = sorted(means, key=lambda a: (means[a], a))
    return {a: order.index(a) + 1 for a in means}


def _stable_int(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def final_errors(results: dict[str, np.ndarray], budget: int, ranked: tuple[str, ...] | None = None) -> list[dict]:
    """One row per algorithm: mean and standard error of the final best-so-far test loss, and its rank
    among ``ranked`` (default: all of ``results``; NaN for the others)."""
    from nascompanion.report.stats import sem

    ranks = ranks_at({a: results[a] for a in (ranked or tuple(results))}, budget)
    return [dict(algorithm=a, mean=float(c[:, -1].mean()), sem=sem(c[:, -1]), rank=ranks.get(a, np.nan))
            for a, c in results.items()]


@dataclass(frozen=True)
class Sweep:
    """The noise sweep: a summary table, and every trial's final test loss per (dataset, x) and algorithm."""

    table: "pd.DataFrame"
    finals: dict


def noise_sweep(benchmark, datasets: dict[str, str], xs, budget: int, trials: int, seed: int = 0,
                model_dataset: str = "cifar10-valid", model_xs=(), model_trials: int = 20,
                bananas_epochs: int = 150, test_datasets: dict[str, str] | None = None,
                algorithms: tuple[str, ...] = ALGORITHMS[:3]) -> Sweep:
    """Final test loss of every algorithm against the noise multiplier ``x`` (``version="noise"``).

    The quick ``algorithms`` (default: local search, random search and the book's
    evolution) run at every ``x`` on every dataset (``datasets`` maps each to the
    metric it searches; ``test_datasets`` to the training whose test error is
    reported) and are ranked among themselves; BO (``trials`` trials) and BANANAS
    (``model_trials``) join on ``model_dataset`` at the ``model_xs`` levels.

    Returns
    -------
    Sweep
        ``table`` has columns dataset, x, algorithm, mean, sem, rank.
    """
    import pandas as pd

    rows, finals = [], {}
    cheap = tuple(algorithms)
    for dataset, metric in datasets.items():
        test_dataset = (test_datasets or {}).get(dataset)
        for x in xs:
            setting = dict(dataset=dataset, version="noise", x=x, metric=metric, budget=budget, seed=seed,
                           test_dataset=test_dataset)
            results = compare(benchmark, Setting(trials=trials, **setting), algorithms=cheap, progress=False)
            if dataset == model_dataset and x in model_xs:
                results |= compare(benchmark, Setting(trials=trials, **setting), algorithms=("bo",), progress=False)
                results |= compare(benchmark, Setting(trials=model_trials, bananas_epochs=bananas_epochs, **setting),
                                   algorithms=("bananas",), progress=False)
            rows += [dict(dataset=dataset, x=x, **row) for row in final_errors(results, budget, cheap)]
            finals[(dataset, x)] = {a: c[:, -1] for a, c in results.items()}
    return Sweep(pd.DataFrame(rows), finals)


def gap_slope(sweep: Sweep, dataset: str, algorithm: str = "local_search",
              others: tuple[str, ...] = ("random_search", "evolution"), z: float = 1.96):
    """How ``algorithm``'s gap to the better of ``others`` changes per unit of noise ``x`` on ``dataset``.

    At every ``x`` the better other algorithm is the one of lower mean final
    loss; the gap is taken per trial (common random numbers) and its
    least-squares slope over ``x`` is fitted per trial
    (:func:`nascompanion.report.stats.slope_interval`). A positive slope: the
    algorithm falls behind as the noise grows.
    """
    from nascompanion.report.stats import slope_interval

    xs = sorted(x for d, x in sweep.finals if d == dataset)
    gaps = []
    for x in xs:
        finals = sweep.finals[(dataset, x)]
        better = min(others, key=lambda a: float(finals[a].mean()))
        gaps.append(finals[algorithm] - finals[better])
    return slope_interval(np.array(xs), np.stack(gaps, axis=1), z=z)


def sweep_gaps(sweep: Sweep, dataset: str, x: float, algorithm: str = "local_search", z: float = 1.96) -> "pd.DataFrame":
    """``algorithm``'s final loss minus every other algorithm's at one point ``x`` of the sweep, paired by trial.

    The same table as :func:`nascompanion.report.verdicts.paired_gaps` after the
    last query, for the algorithms the sweep ran at ``(dataset, x)``.

    Raises
    ------
    KeyError
        If the sweep has no point ``(dataset, x)``; the message lists the ``x`` it has.
    """
    from nascompanion.report.verdicts import paired_gaps

    if (dataset, x) not in sweep.finals:
        have = sorted(v for d, v in sweep.finals if d == dataset)
        raise KeyError(f"the sweep has no point x={x!r} on {dataset!r}; it has x in {have}")
    finals = sweep.finals[(dataset, x)]
    return paired_gaps({a: np.asarray(f)[:, None] for a, f in finals.items()}, algorithm, 1, z=z)


def found_optimum(results: dict[str, np.ndarray], optimum: float, at: tuple[int, ...]) -> "pd.DataFrame":
    """Share of trials whose reported loss has reached ``optimum`` after each of ``at`` queries, and the
    median number of queries until it did (NaN if half the trials never did), per algorithm.

    Where the search metric is the reported one (a race to the optimum), this
    still tells algorithms apart after they all end at the optimum.
    """
    import pandas as pd

    rows = []
    for algorithm, curves in results.items():
        hit = curves <= optimum + 1e-9
        first = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, np.inf)
        row = {"algorithm": LABELS[algorithm]}
        row |= {f"found by {q}": float(hit[:, q - 1].mean()) for q in at if q <= curves.shape[1]}
        median = float(np.median(first))
        row["median queries to find it"] = median if np.isfinite(median) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def protocol_table(benchmark, datasets: dict[str, str], test_datasets: dict[str, str] | None = None) -> "pd.DataFrame":
    """What the comparison searches and reports on each dataset, as the data defines it.

    Parameters
    ----------
    datasets
        Dataset -> the metric searched (``"validation"`` or ``"test"``).
    test_datasets
        Dataset -> the training whose test error is reported, where it is another one.
    """
    import pandas as pd

    rows = []
    for dataset, metric in datasets.items():
        searched = benchmark.dataset(dataset)
        reported_name = (test_datasets or {}).get(dataset, dataset)
        reported = benchmark.dataset(reported_name)
        rows.append({
            "dataset": dataset,
            "searched": f"{dataset}: {searched.validation_metric if metric == 'validation' else searched.test_metric}",
            "reported": f"{reported_name}: {reported.test_metric}",
            "values are": "one training seed each" if searched.per_seed else "means over seeds",
            "stand-in": "" if metric == "validation" else "the search sees the reported test error (no validation "
                                                          "accuracy in this data): a race to the optimum",
        })
    return pd.DataFrame(rows).set_index("dataset")


def protocol_variants(benchmark, base: dict, main: dict[str, np.ndarray], trials: int, model_trials: int,
                      bananas_book_epochs: int = 200, evolution: str = "evolution_requery") -> "pd.DataFrame":
    """What each alternative to a choice of the main setting changes, on one setting of the comparison.

    Parameters
    ----------
    base
        The main setting's fields except ``trials`` (dataset, version, x, metric, budget, seed,
        test_dataset, bananas_epochs); ``main`` holds its curves per algorithm.
    trials, model_trials
        Trials of the quick algorithms and of BANANAS.
    bananas_book_epochs
        Training epochs of the book's earlier BANANAS predictor (the variant).
    evolution
        The main setting's evolution (``"evolution_requery"``, the authors' code, or ``"evolution"``);
        the other one is its variant.

    Returns
    -------
    pandas.DataFrame
        One row per (choice, algorithm): the final mean test error under the
        main setting and under the variant, and the paired difference
        (variant - main, trials are paired by their landscape) with its 95 % interval.

    Raises
    ------
    ValueError
        If ``evolution`` is not one of the two evolutions.
    """
    import pandas as pd

    from nascompanion.report.stats import paired_difference

    evolutions = {"evolution_requery": ("evolution", "evolution with one mutation per child and distinct queries "
                                                     "(the book's rule), not the authors' code"),
                  "evolution": ("evolution_requery", "evolution by the authors' rule (multi-edge mutation, "
                                                     "tournament with replacement, re-queried duplicates)")}
    if evolution not in evolutions:
        raise ValueError(f"evolution={evolution!r}; allowed: {', '.join(evolutions)}")
    other_evolution, evolution_choice = evolutions[evolution]
    cheap = ("local_search", "random_search", evolution)
    variants = [  # (choice, change of the setting, algorithms of the main setting, trials, algorithm run instead)
        ("local search restarts from the best of 10 fresh random cells at each local minimum (naszilla 1.0's "
         "default, stop_at_minimum=True), not continue_at_min", {}, ("local_search",), trials, "local_search_restart"),
        ("local search from the best of 1 random cell, not 10", {"local_search_k_init": 1}, ("local_search",), trials,
         None),
        ("local search scans every neighbour (the paper's Algorithm 1), not up to the first lower one",
         {"local_search_first_lower": False}, ("local_search",), trials, None),
        ("report the searched model's own test error", {"test_dataset": None}, cheap, trials, None),
        (evolution_choice, {}, (evolution,), trials, other_evolution),
        (f"BANANAS with the book's earlier predictor (3 layers, full batch, {bananas_book_epochs} epochs)",
         {"bananas_predictor": "book", "bananas_epochs": bananas_book_epochs}, ("bananas",), model_trials, None),
    ]
    rows = []
    for choice, change, algorithms, n, instead in variants:
        run_these = (instead,) if instead else algorithms
        other = compare(benchmark, Setting(trials=n, **{**base, **change}), algorithms=run_these, progress=False)
        if instead:
            other = {algorithms[0]: other[instead]}
        for algorithm in algorithms:
            a, b = main[algorithm][:, -1], other[algorithm][:, -1]
            k = min(a.size, b.size)
            gap = paired_difference(b[:k], a[:k], z=1.96)
            rows.append({"choice": choice, "algorithm": LABELS[algorithm], "main setting": float(a.mean()),
                         "variant": float(b.mean()), "difference": gap.estimate, "95% low": gap.low,
                         "95% high": gap.high})
    return pd.DataFrame(rows)


def rerun_spread(benchmark, setting: Setting, algorithm: str = "local_search", reruns: int = 12,
                 level: float = 0.90) -> dict:
    """Do the paired intervals' standard errors describe how much a whole rerun moves?

    ``algorithm`` runs ``reruns`` times on ``setting`` with seeds ``setting.seed + 1``,
    ``setting.seed + 2``, ... (independent landscapes where the objective is random,
    independent searches always). Each rerun gives a mean final test loss over its
    trials and that mean's standard error. If the standard error describes the
    randomness, the standard deviation of the rerun means is about the mean standard
    error: their ratio is about 1.

    Parameters
    ----------
    level
        Coverage of the ratio's interval: a chi-square interval for a standard deviation
        from ``reruns - 1`` degrees of freedom (the rerun means are close to normal at
        hundreds of trials each), divided by the mean standard error.

    Returns
    -------
    dict
        ``means`` and ``sems`` (one per rerun), ``sd`` (of the means), ``mean_sem``, ``ratio``
        (``sd / mean_sem``), ``low`` and ``high`` (the ratio's interval), ``reruns``, ``trials``.

    Raises
    ------
    ValueError
        For fewer than 3 reruns or a level outside (0, 1).

    Examples
    --------
    >>> from scipy import stats
    >>> round(float(np.sqrt(11 / stats.chi2.ppf(0.95, 11))), 3)   # lower factor of the SD at 12 reruns
    0.748
    """
    from scipy import stats

    from nascompanion.report.stats import sem

    if reruns < 3 or not 0 < level < 1:
        raise ValueError(f"need reruns >= 3 and 0 < level < 1, got reruns={reruns!r}, level={level!r}")
    finals = [compare(benchmark, replace(setting, seed=setting.seed + 1 + i), algorithms=(algorithm,),
                      progress=False)[algorithm][:, -1] for i in range(reruns)]
    means = np.array([f.mean() for f in finals])
    sems = np.array([sem(f) for f in finals])
    sd, mean_sem = float(means.std(ddof=1)), float(sems.mean())
    df, tail = reruns - 1, (1 - level) / 2
    low = sd * np.sqrt(df / stats.chi2.ppf(1 - tail, df)) / mean_sem
    high = sd * np.sqrt(df / stats.chi2.ppf(tail, df)) / mean_sem
    return dict(means=means, sems=sems, sd=sd, mean_sem=mean_sem, ratio=sd / mean_sem, low=float(low),
                high=float(high), reruns=reruns, trials=setting.trials)


def decisive_gap(gaps: "pd.DataFrame") -> dict:
    """The row of :func:`~nascompanion.report.verdicts.paired_gaps` that decides "no other algorithm is
    measurably better": the other algorithm whose interval's lower end is highest.

    Returns
    -------
    dict
        ``other``, ``difference``, ``low``, ``high``, and ``holds`` (that lower end is 0 or below).

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"other": ["a", "b"], "difference": [-1.0, 0.1], "low": [-1.2, 0.05], "high": [-0.8, 0.15]})
    >>> row = decisive_gap(g); row["other"], row["holds"]
    ('b', False)
    """
    row = gaps.loc[gaps["low"].idxmax()]
    return dict(other=str(row["other"]), difference=float(row["difference"]), low=float(row["low"]),
                high=float(row["high"]), holds=bool(row["low"] <= 0))
