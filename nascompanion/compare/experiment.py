"""The experiment of the comparison: which data, which objective, how many trials and queries, which seed.

Every algorithm gets the same query budget and faces, in trial ``t``, the same
landscape (common random numbers: one noise draw per trial, shared by all
algorithms); each algorithm has a random stream of its own (:func:`streams`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from nascompanion.objectives import TrialLosses, trial_losses

ALGORITHMS: tuple[str, ...] = ("local_search", "random_search", "evolution", "bo", "bananas", "evolution_requery",
                               "anasod_rs", "anasod_biased_rs", "anasod_ls", "anasod_bo", "local_search_restart")
"""Algorithms the comparison can run, under their registry names: the paper's five, the authors' evolution,
ANASOD's four searches (the related-approaches chapter) and the local search that restarts at every
minimum (naszilla 1.0's default). Each has its own stream, by position (a stream does not depend on
how many follow it, so adding one at the end changes no other)."""

MAIN: tuple[str, ...] = ALGORITHMS[:5]
"""The five algorithms of the paper's comparison."""


@dataclass(frozen=True)
class Experiment:
    """The experiment: which ``dataset``, which objective (``version`` and, for ``"noise"``, its multiplier
    ``x``), the ``metric`` searched, how many ``trials`` of ``budget`` queries, the ``seed``, and
    ``test_dataset``, the training whose test error is reported (the authors: ``"cifar10"`` when searching
    ``"cifar10-valid"``; ``None``: the searched training's own).

    Defaults are the authors' protocol on NAS-Bench-201 (naszilla 1.0): 300 queries, 200 trials.

    Examples
    --------
    >>> Experiment("cifar10-valid", "noise", x=0.5, test_dataset="cifar10").label()
    'cifar10-valid, noise(x=0.5), validation -> cifar10 test'
    """

    dataset: str
    version: str
    x: float | None = None
    metric: str = "validation"
    trials: int = 200
    budget: int = 300
    seed: int = 0
    test_dataset: str | None = None

    def label(self) -> str:
        """Short description for figure titles."""
        objective = f"noise(x={self.x:g})" if self.version == "noise" else self.version
        reported = f" -> {self.test_dataset} test" if self.test_dataset else ""
        return f"{self.dataset}, {objective}, {self.metric}{reported}"


def stable_int(text: str) -> int:
    """A number of ``text`` that is the same in every process and on every machine.

    Examples
    --------
    >>> stable_int("nb201") == stable_int("nb201")
    True
    """
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def streams(setting: Experiment) -> tuple[np.random.SeedSequence, dict[str, np.random.SeedSequence]]:
    """The landscape's stream and every algorithm's stream for ``setting`` (common random numbers)."""
    root = np.random.SeedSequence([setting.seed, stable_int(setting.dataset), stable_int(setting.version)])
    landscape_seed, *algorithm_seeds = root.spawn(1 + len(ALGORITHMS))
    return landscape_seed, dict(zip(ALGORITHMS, algorithm_seeds))


def block_stream(setting: Experiment, algorithm: str, index: int) -> np.random.SeedSequence:
    """The stream of block ``index`` of ``algorithm``'s trials: derived from the algorithm's stream and
    ``index`` alone, so a block's history does not depend on how many trials are run."""
    parent = streams(setting)[1][algorithm]
    return np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, index))


def landscapes(benchmark, setting: Experiment, trials: int) -> TrialLosses:
    """The first ``trials`` trials' loss tables of ``setting`` (drawn in trial order from its landscape stream)."""
    landscape_seed, _ = streams(setting)
    return trial_losses(benchmark, setting.dataset, setting.version, trials, np.random.default_rng(landscape_seed),
                        x=setting.x, metric=setting.metric, test_dataset=setting.test_dataset)
