"""NAS algorithms head to head on NAS-Bench-201 (paper, Sec. 4 and Appendix A).

Every algorithm gets the same query budget and faces, in trial ``t``, the same
landscape (common random numbers: one noise draw per trial, shared by all
algorithms). The result of each (dataset, objective, algorithm) is the curve the
paper plots — after every query, the test loss of the architecture with the best
validation loss so far — for every trial. Results are cached on disk keyed by
every parameter and the data's checksums, so a rebuild of the book reuses them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np
from tqdm import tqdm

from nascompanion.config import cache_dir
from nascompanion.objectives import TrialLosses, trial_losses
from nascompanion.search import registry
from nascompanion.search.bananas import PredictorSettings
from nascompanion.spaces import nb201_space
from nascompanion.spaces.table import TableSpace

ALGORITHMS: tuple[str, ...] = ("local_search", "random_search", "evolution", "bo", "bananas")
"""Algorithms compared, under the names used in tables and figures."""

LABELS = {name: algorithm.label for name, algorithm in registry.ALGORITHMS.items()}
"""Reader's name of every registered algorithm."""

CACHE_VERSION = 1


@dataclass(frozen=True)
class Setting:
    """One cell of the comparison: which data, which objective, how many trials."""

    dataset: str
    version: str
    x: float | None = None
    metric: str = "validation"
    trials: int = 200
    budget: int = 300
    seed: int = 0
    local_search_variant: str = "continue_at_min"
    bananas_epochs: int = 200

    def label(self) -> str:
        """Short description for figure titles."""
        objective = f"noise(x={self.x:g})" if self.version == "noise" else self.version
        return f"{self.dataset}, {objective}, {self.metric}"


def algorithm_config(algorithm: str, setting: Setting) -> dict:
    """The settings the comparison passes to a registered algorithm beyond its registry defaults."""
    if algorithm == "local_search":
        return {"variant": setting.local_search_variant}
    if algorithm == "bananas":
        return {"settings": PredictorSettings(epochs=setting.bananas_epochs)}
    return {}


def run_algorithm(algorithm: str, losses: TrialLosses, setting: Setting, rng: np.random.Generator,
                  space: TableSpace | None = None) -> np.ndarray:
    """Best-so-far test-loss curves, shape ``(trials, budget)``, of one algorithm on ``losses``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; allowed: {', '.join(ALGORITHMS)}")
    result = registry.run(algorithm, space or nb201_space(), losses, setting.budget, rng,
                          **algorithm_config(algorithm, setting))
    return result.curves("test")


def _code_digest() -> str:
    """Digest of the search code, so results of changed algorithms are never reused."""
    from pathlib import Path

    folder = Path(__file__).parents[1]
    digest = hashlib.sha256()
    code = [*sorted((folder / "search").glob("*.py")), *sorted((folder / "related").glob("*.py")),
            folder / "objectives.py", Path(__file__)]
    for path in code:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(setting: Setting, algorithm: str, checksums: dict) -> str:
    payload = json.dumps({"v": CACHE_VERSION, "code": _code_digest(), "setting": asdict(setting),
                          "algorithm": algorithm, "data": sorted(checksums.items())}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def compare(benchmark, setting: Setting, algorithms: tuple[str, ...] = ALGORITHMS, use_cache: bool = True,
            progress: bool = True) -> dict[str, np.ndarray]:
    """Run every algorithm in ``algorithms`` on one setting; return ``{algorithm: curves (trials, budget)}``.

    The landscape of trial ``t`` is drawn once from ``setting.seed`` and shared by
    all algorithms; each algorithm gets its own random stream. Cached results
    are reused when every parameter and the data's checksums match.
    """
    unknown = [a for a in algorithms if a not in ALGORITHMS]
    if unknown:
        raise ValueError(f"unknown algorithm(s) {', '.join(unknown)}; allowed: {', '.join(ALGORITHMS)}")
    streams = np.random.SeedSequence([setting.seed, _stable_int(setting.dataset), _stable_int(setting.version)])
    landscape_seed, *algorithm_seeds = streams.spawn(1 + len(ALGORITHMS))
    losses = None
    results = {}
    for algorithm in tqdm(algorithms, desc=setting.label(), disable=not progress, leave=False):
        path = cache_dir() / "comparison" / f"{algorithm}-{_key(setting, algorithm, dict(benchmark.provenance.checksums))}.npy"
        if use_cache and path.exists():
            results[algorithm] = np.load(path)
            continue
        if losses is None:
            losses = trial_losses(benchmark, setting.dataset, setting.version, setting.trials,
                                  np.random.default_rng(landscape_seed), x=setting.x, metric=setting.metric)
        rng = np.random.default_rng(algorithm_seeds[ALGORITHMS.index(algorithm)])
        curves = run_algorithm(algorithm, losses, setting, rng)
        if use_cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part.npy")
            np.save(tmp, curves)
            tmp.replace(path)
        results[algorithm] = curves
    return results


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


def noise_sweep(benchmark, datasets: dict[str, str], xs, budget: int, trials: int, seed: int = 0,
                model_dataset: str = "cifar10-valid", model_xs=(), model_trials: int = 20,
                bananas_epochs: int = 200) -> "pd.DataFrame":
    """Final test loss of every algorithm against the noise multiplier ``x`` (``version="noise"``).

    Local search, random search and evolution run at every ``x`` on every dataset
    (``datasets`` maps each to the metric it searches) and are ranked among
    themselves; BO (``trials`` trials) and BANANAS (``model_trials``) join on
    ``model_dataset`` at the ``model_xs`` levels.

    Returns
    -------
    pandas.DataFrame
        Columns dataset, x, algorithm, mean, sem, rank.
    """
    import pandas as pd

    rows = []
    cheap = ALGORITHMS[:3]
    for dataset, metric in datasets.items():
        for x in xs:
            setting = dict(dataset=dataset, version="noise", x=x, metric=metric, budget=budget, seed=seed)
            results = compare(benchmark, Setting(trials=trials, **setting), algorithms=cheap, progress=False)
            if dataset == model_dataset and x in model_xs:
                results |= compare(benchmark, Setting(trials=trials, **setting), algorithms=("bo",), progress=False)
                results |= compare(benchmark, Setting(trials=model_trials, bananas_epochs=bananas_epochs, **setting),
                                   algorithms=("bananas",), progress=False)
            rows += [dict(dataset=dataset, x=x, **row) for row in final_errors(results, budget, cheap)]
    return pd.DataFrame(rows)
