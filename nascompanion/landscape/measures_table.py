"""The standard landscape measures (:mod:`~nascompanion.landscape.measures`) for every landscape in the book.

A :class:`Landscape` is a loss vector on a space with the words that say what it
is; the ``*_landscapes`` functions build them from loaded data (NAS-Bench-201's
tables, AnalogNAS-Bench, the digits benchmark, NAS-Bench-Graph's nine datasets)
and :func:`measures_table` measures each one. The loss is always the paper's
``100 - accuracy`` (%), accuracy averaged over the seeds the data holds.

>>> from nascompanion.spaces.table import cycle_table
>>> ring = Landscape("toy", "ring", "made up", np.array([0.0, 1.0, 2.0, 1.0]), cycle_table(4))
>>> frame = measures_table([ring], np.random.default_rng(0), walks=2, walk_length=10)
>>> int(frame.loc[("toy", "ring"), "non_strict_minima"]), float(frame.loc[("toy", "ring"), "fdc"])
(1, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from nascompanion.data import load_benchmark
from nascompanion.data.analognas import load_analognas
from nascompanion.data.digits import load_digits_benchmark
from nascompanion.data.nasbench_graph import load_graph_benchmark
from nascompanion.landscape.measures import WALK_LENGTH, WALKS, landscape_measures
from nascompanion.objectives import denoised_losses, error
from nascompanion.spaces import nb201
from nascompanion.spaces.graph_nas import SPACES, graph_nas_space

COLUMNS = ("metric", "nodes", "non_strict_minima", "strict_minima", "global_minima", "global_basin_share", "fdc",
           "fdc_rank", "autocorrelation", "correlation_length")
"""Columns of :func:`measures_table`, in order."""


@dataclass(frozen=True)
class Landscape:
    """A loss on a space: ``losses[v]`` is node ``v``'s loss under ``neighbours`` (any form
    :func:`~nascompanion.landscape.measures.as_csr` accepts)."""

    family: str
    name: str
    metric: str
    losses: np.ndarray
    neighbours: Any


def nb201_landscapes(benchmark, neighbours: Any, family: str = "NAS-Bench-201") -> list[Landscape]:
    """One landscape per dataset of an NB201-indexed benchmark: validation error where the data has it, else test.

    Parameters
    ----------
    benchmark
        A :class:`~nascompanion.data.Benchmark` (NB201's tables, the digits benchmark, AnalogNAS-Bench).
    neighbours
        NB201's neighbour table (:func:`~nascompanion.spaces.nb201.neighbour_table`).
    family
        The group the rows are shown under.
    """
    out = []
    for dataset in benchmark.datasets:
        metric = "validation" if benchmark.has_metric(dataset, "validation") else "test"
        seeds = benchmark.accuracy(dataset, metric).shape[1]
        how = (f"mean of {seeds} seeds" if seeds > 1 else "one run") if benchmark.is_per_seed(dataset) else "as stored"
        words = f"100 - {metric} accuracy ({how})"
        out.append(Landscape(family, dataset, words, denoised_losses(benchmark, dataset, metric), neighbours))
    return out


def graph_landscapes(datasets: Mapping[str, Any], spaces: Mapping[str, Any]) -> list[Landscape]:
    """One landscape per NAS-Bench-Graph dataset: ``100 - validation accuracy`` (seed means) on its space.

    Parameters
    ----------
    datasets
        ``{name: GraphDataset}`` (:func:`~nascompanion.data.nasbench_graph.load_graph_benchmark`).
    spaces
        ``{"full": GraphNasSpace, "proteins": GraphNasSpace}``
        (:func:`~nascompanion.spaces.graph_nas.graph_nas_space`).

    Raises
    ------
    ValueError
        If a dataset's keys are not its space's nodes in order.
    """
    out = []
    for name, data in datasets.items():
        space = spaces[data.space]
        if not np.array_equal(data.keys, space.keys):
            raise ValueError(f"NAS-Bench-Graph dataset {name!r} does not list the {data.space} space's nodes in order")
        out.append(Landscape("NAS-Bench-Graph", name, "100 - validation accuracy (seed means)",
                             error(data.validation), space))
    return out


def random_landscape(neighbours: Any, n: int, family: str, rng: np.random.Generator) -> Landscape:
    """Uniform random losses on a space (every order of the nodes equally likely): the reference row."""
    return Landscape(family, "random (uniform losses)", "one draw", rng.random(n), neighbours)


def measures_table(landscapes: Sequence[Landscape], rng: np.random.Generator, walks: int = WALKS,
                   walk_length: int = WALK_LENGTH) -> pd.DataFrame:
    """:func:`~nascompanion.landscape.measures.landscape_measures` of every landscape, one row each.

    Parameters
    ----------
    landscapes
        The landscapes, in the order of the rows.
    rng
        Parent of the walks' generators: landscape ``i`` walks with ``rng.spawn(len(landscapes))[i]``,
        so adding rows after a row leaves it unchanged.
    walks, walk_length
        Random walks per landscape and the losses each records.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(family, landscape)``, columns :data:`COLUMNS`.
    """
    children = rng.spawn(len(landscapes))
    rows = []
    for landscape, child in zip(landscapes, children):
        measures = landscape_measures(landscape.losses, landscape.neighbours, child, walks, walk_length).as_dict()
        rows.append({"family": landscape.family, "landscape": landscape.name, "metric": landscape.metric,
                     **{key: measures[key] for key in COLUMNS[1:]}})
    return pd.DataFrame(rows, columns=("family", "landscape") + COLUMNS).set_index(["family", "landscape"])


def book_landscapes(rng: np.random.Generator) -> list[Landscape]:
    """Every landscape in the book, loaded from the configured or shipped data, with one random row per space.

    NB201's tables (:func:`~nascompanion.data.load_benchmark`), AnalogNAS-Bench's thirteen CIFAR-10 test
    landscapes, the digits benchmark's two pipelines and NAS-Bench-Graph's nine datasets. ``rng`` draws
    the two random rows (NB201's space, NAS-Bench-Graph's nine-operation space).
    """
    table = nb201.neighbour_table()
    spaces = {name: graph_nas_space(name) for name in SPACES}
    return (nb201_landscapes(load_benchmark(), table)
            + [random_landscape(table, nb201.N_ARCHS, "NAS-Bench-201", rng)]
            + nb201_landscapes(load_analognas(), table, "AnalogNAS-Bench")
            + nb201_landscapes(load_digits_benchmark(), table, "digits")
            + graph_landscapes(load_graph_benchmark(), spaces)
            + [random_landscape(spaces["full"], spaces["full"].size, "NAS-Bench-Graph", rng)])
