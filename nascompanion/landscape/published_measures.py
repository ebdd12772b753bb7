"""Published fitness-landscape measures of NAS-Bench-201's space (NATS-Bench's topology space), as data.

Only numbers read in the source itself, as the source gives them. Each record says
where in the source the number is and how its definition differs from
:func:`~nascompanion.landscape.measures.landscape_measures`.

What was searched for and not found readable: Tao and Bang (2024), "Fitness
Landscape Analysis of a Cell-Based Neural Architecture Search Space" (EXPLAINS
2024, SciTePress, pp. 77-86) analyses the same space (FDC, local optima, basins,
neutral networks, autocorrelation on CIFAR-10, CIFAR-100 and ImageNet16-120), but
no number from its body could be read, so none is recorded. Traoré et al. (2021,
"Fitness Landscape Footprint") and Rodrigues et al. (2022, Information Sciences
609) study their own convolutional spaces, not NB201's.

>>> {record.measure for record in PUBLISHED} == {"fdc_spearman_range", "local_optima_sampled"}
True
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

OCHOA_VEERAPEN_2022 = ("Ochoa, G. and Veerapen, N. (2022). Neural Architecture Search: A Visual Analysis. "
                       "PPSN XVII, 603-615. doi:10.1007/978-3-031-14714-2_42")
"""The source of the records below (read in the authors' copy, assets/PPSN_2022_NAS_Landscapes.pdf of
github.com/gabro8a/NAS-Landscapes)."""

_NEIGHBOURHOOD = "Hamming distance 1 on the six edge operations (24 neighbours), as NB201's neighbour table"
_FITNESS = ("validation accuracy to maximise; f_sng: one training seed (seed 1), f_avg: mean of the three seeds; "
            "NATS-Bench topology space (the training epochs of the landscape data are not stated in Sec. 3)")
_LON = ("distinct local optima met by 1,000 iterated-local-search runs (best-improvement hill climbing, "
        "2-change perturbation, stop after 100 iterations without improvement): a sample, not an enumeration; "
        "a local optimum is strictly better than every neighbour, f(l) > f(s)")


class PublishedMeasure(NamedTuple):
    """One number (or range) from a published fitness-landscape study, as the source gives it."""

    source: str
    where: str
    space: str
    dataset: str
    metric: str
    measure: str
    value: float | tuple[float, float]
    notes: str


def _lon_nodes(dataset: str, fitness: str, panel: str, nodes: int) -> PublishedMeasure:
    return PublishedMeasure(OCHOA_VEERAPEN_2022, f"Fig. 6{panel} (caption: nodes, edges)", "NATS-Bench topology",
                            dataset, fitness, "local_optima_sampled", float(nodes), f"{_LON}; {_NEIGHBOURHOOD}")


PUBLISHED: tuple[PublishedMeasure, ...] = (
    PublishedMeasure(
        OCHOA_VEERAPEN_2022, "Sec. 3.2, text on Fig. 5", "NATS-Bench topology",
        "CIFAR-10, CIFAR-100, ImageNet16-120 (all six landscapes)", "f_sng and f_avg", "fdc_spearman_range",
        (-0.46, -0.33),
        "Spearman correlation of validation accuracy with the Hamming distance to the best cell, 'ranging from "
        "-0.33 to -0.46'; 'higher when the less noisy estimation of fitness f_avg is considered'; 'the ImageNet "
        "dataset reveals the lowest correlation coefficient' (per-panel values are only in the figure). Accuracy "
        f"is maximised, so their sign is the opposite of FDC on losses (fdc_rank here); {_FITNESS}"),
    _lon_nodes("CIFAR-10", "f_sng", "a", 19),
    _lon_nodes("CIFAR-100", "f_sng", "b", 26),
    _lon_nodes("ImageNet16-120", "f_sng", "c", 43),
    _lon_nodes("CIFAR-10", "f_avg", "d", 10),
    _lon_nodes("CIFAR-100", "f_avg", "e", 18),
    _lon_nodes("ImageNet16-120", "f_avg", "f", 28),
)
"""Every record found, in the source's order."""


NB201_NAMES = {"CIFAR-10": "cifar10-valid", "CIFAR-100": "cifar100", "ImageNet16-120": "ImageNet16-120"}
"""The source's dataset names -> this book's NB201 datasets (CIFAR-10: the ``cifar10-valid`` training, whose
validation accuracy the source's fitness is)."""


def beside_ours(measures: pd.DataFrame) -> pd.DataFrame:
    """Every published record beside the book's number for the same measure on NB201's tables.

    Parameters
    ----------
    measures
        :func:`~nascompanion.landscape.measures_table.measures_table` rows indexed by ``(family, landscape)``
        that include the NB201 datasets of :data:`NB201_NAMES` (any family).

    Returns
    -------
    pandas.DataFrame
        Columns ``dataset``, ``fitness``, ``measure``, ``published``, ``ours``, ``where``: the FDC range on the
        source's sign (accuracy; ours is ``-fdc_rank``), and the sampled strict local optima beside the book's
        exhaustive count of strict local minima.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"fdc_rank": [0.4, 0.5, 0.3], "strict_minima": [13, 24, 36]},
    ...                     index=pd.MultiIndex.from_tuples([("f", n) for n in NB201_NAMES.values()]))
    >>> beside_ours(rows)[["published", "ours"]].values.tolist()[:2]
    [['-0.46 to -0.33', '-0.50 to -0.30'], ['19', '13']]
    """
    by_name = measures.reset_index(level=0, drop=True)
    ours = by_name.loc[list(NB201_NAMES.values())]
    rows = []
    for record in PUBLISHED:
        if record.measure == "fdc_spearman_range":
            low, high = record.value
            flipped = -ours["fdc_rank"]
            rows.append([record.dataset, record.metric, "Spearman FDC (accuracy)", f"{low:.2f} to {high:.2f}",
                         f"{flipped.min():.2f} to {flipped.max():.2f}", record.where])
        else:
            count = int(ours.loc[NB201_NAMES[record.dataset], "strict_minima"])
            rows.append([record.dataset, record.metric, "strict local optima (theirs sampled, ours all)",
                         f"{record.value:.0f}", f"{count}", record.where])
    return pd.DataFrame(rows, columns=["dataset", "fitness", "measure", "published", "ours", "where"])
