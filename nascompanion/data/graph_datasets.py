"""NAS-Bench-Graph's datasets by name, and the search space each was run in.

The benchmark table (:mod:`~nascompanion.data.benchmark`) and the importer
(:mod:`~nascompanion.data.nasbench_graph`) both need these facts; they live here so neither
imports the other for them.

>>> space_of("cora"), space_of("proteins")
('full', 'proteins')
"""

from __future__ import annotations

DATASETS: tuple[str, ...] = ("cora", "citeseer", "pubmed", "cs", "physics", "photo", "computers", "arxiv",
                             "proteins")
"""The nine datasets, named as the package names them."""


def check_dataset(dataset: str) -> None:
    """A ``ValueError`` naming the nine datasets unless ``dataset`` is one of them."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown NAS-Bench-Graph dataset {dataset!r}; allowed: {', '.join(DATASETS)}")


def space_of(dataset: str) -> str:
    """The space a dataset was run in: ``"proteins"`` (five operations) for proteins, ``"full"`` otherwise."""
    check_dataset(dataset)
    return "proteins" if dataset == "proteins" else "full"
