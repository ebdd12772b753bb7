"""The setting sweep of the digits benchmark: each candidate's discriminativeness with its interval, which
row is the setting ``distorted``, and the paired comparisons that chose its epochs and width.

A candidate is a row of the manifest's setting sweep (a network, a split, a distortion, a pipeline)
with the accuracies of its sample of cells (``accuracy``: cells x seeds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.data import seed_noise
from nascompanion.train.pipelines import Setting


def sweep_frame(rows: list[dict]) -> pd.DataFrame:
    """The manifest's setting sweep as a frame, with ``distorted`` (any rotation) and ``seeds`` (from its source).

    Examples
    --------
    >>> sweep_frame([{"rotation": 10, "source": "grid of 3 seeds"}])[["distorted", "seeds"]].values.tolist()
    [[True, 3]]
    """
    sweep = pd.DataFrame(rows)
    sweep["distorted"] = sweep["rotation"] > 0
    sweep["seeds"] = sweep["source"].str.extract(r"(\d+) seeds", expand=False).astype(int)
    return sweep


def candidates(sweep: pd.DataFrame, rng: np.random.Generator, draws: int, level: float
               ) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """The distorted candidates of the denoised pipeline, each with the bootstrap interval of its ratio
    (``low``, ``high``; candidates in turn from ``rng``), and their accuracies by row label.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sweep = pd.DataFrame({"distorted": [True, False], "pipeline": ["denoised"] * 2,
    ...                       "accuracy": [rng.normal(50, 10, (20, 3)).tolist()] * 2})
    >>> cands, accs = candidates(sweep, np.random.default_rng(1), 200, 0.9)
    >>> list(cands.index), bool(cands.loc[0, "low"] < cands.loc[0, "high"])
    ([0], True)
    """
    cands = sweep[sweep["distorted"] & (sweep["pipeline"] == "denoised")].copy()
    accs = {i: np.asarray(a, dtype=float) for i, a in cands["accuracy"].items()}
    intervals = [seed_noise.discriminativeness_interval(accs[i], rng, draws=draws, level=level) for i in cands.index]
    cands["low"], cands["high"] = zip(*intervals)
    return cands, accs


def matches(cands: pd.DataFrame, setting: Setting) -> pd.Series:
    """Which candidates were trained as ``setting`` (network width, epochs, split and distortion)."""
    d, s = setting.distortion, setting.split
    return ((cands["width"] == setting.network.width) & (cands["epochs"] == setting.epochs)
            & (cands["n_train"] == s.n_train) & (cands["rotation"] == d.rotation)
            & (cands["shift"] == d.shift) & (cands["scale"] == d.scale) & (cands["noise"] == d.noise)
            & (cands["n_val"] == s.n_val * d.eval_copies))


def largest_sample(cands: pd.DataFrame) -> pd.Series:
    """The candidate marked ``is_setting`` with the most cells."""
    return cands[cands["is_setting"]].sort_values("n_archs").iloc[-1]


def other_epochs(cands: pd.DataFrame, chosen: pd.Series) -> pd.Series:
    """The candidate on the same cells, noise and width as ``chosen`` but trained for other epochs.

    Raises
    ------
    ValueError
        If that candidate was not trained on the same cells.
    """
    paired = cands[(cands["n_archs"] == chosen["n_archs"]) & (cands["noise"] == chosen["noise"])
                   & (cands["width"] == chosen["width"]) & (cands["epochs"] != chosen["epochs"])].iloc[0]
    if paired["archs"] != chosen["archs"]:
        raise ValueError("the candidate with other epochs was trained on other cells: no paired comparison")
    return paired


def width_pair(cands: pd.DataFrame, chosen: pd.Series) -> tuple[pd.Series, pd.Series]:
    """On a smaller sample with ``chosen``'s epochs and noise: the candidate of its width and a wider one.

    Raises
    ------
    ValueError
        If the two were not trained on the same cells.
    """
    small = cands[(cands["n_archs"] < chosen["n_archs"]) & (cands["epochs"] == chosen["epochs"])
                  & (cands["noise"] == chosen["noise"])]
    narrow = small[small["width"] == chosen["width"]].iloc[0]
    wide = small[small["width"] > chosen["width"]].iloc[0]
    if narrow["archs"] != wide["archs"]:
        raise ValueError("the narrow and the wide candidate were trained on other cells: no paired comparison")
    return narrow, wide
