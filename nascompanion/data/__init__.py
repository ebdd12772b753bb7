"""Benchmark data: importers, validation and the compact cache.

>>> from nascompanion.data import load_benchmark
>>> bench = load_benchmark("nb201")       # the tables that ship with the package
>>> bench.validation_accuracy("cifar10-valid").shape
(15625, 1)
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from nascompanion.config import DATA_ENV, candidate_data_locations, data_location
from nascompanion.data import cache, embedded, nats, official
from nascompanion.data.benchmark import (
    DATASETS,
    Benchmark,
    BenchmarkDataError,
    DatasetResults,
    Provenance,
    SeedNoise,
)
from nascompanion.data.digests import ModifiedSourceError, compare_all, published_md5s
from nascompanion.data.nasbench_graph import bench_path, graph_benchmark
from nascompanion.data.tables import GENOTYPE_DIR, GENOTYPE_FILES, REQUIRED_FILES, is_table_folder, load_tables

OFFICIAL_FILES = ("NAS-Bench-201-v1_1-096897.pth", "NAS-Bench-201-v1_0-e61699.pth")
"""Official NB201 files, in order of preference."""

HOW_TO_GET_DATA = (
    f"Put the NAS-Bench-201 tables ({', '.join(REQUIRED_FILES)}), an official file "
    f"({' or '.join(OFFICIAL_FILES)}) or an extracted NATS-Bench folder (NATS-tss-v1_0-3ffb9-simple/) "
    f"in a folder and set {DATA_ENV} to it, pass source=..., "
    f"or use the tables that ship with the package ({DATA_ENV}=nb201)"
)

WHERE_TO_GET_PER_SEED_DATA = (
    "NAS-Bench-201 v1_0: NAS-Bench-201-v1_0-e61699.pth (read by this package)",
    "NAS-Bench-201 v1_1: NAS-Bench-201-v1_1-096897.pth (read by this package)",
    "NATS-Bench topology search space: NATS-tss-v1_0-3ffb9-simple/ (read by this package, the folder or one "
    "holding it: 200 epochs; the 12-epoch results with nascompanion.data.nats.cached_nats_tss(folder, epochs=12))",
    "project pages: https://github.com/D-X-Y/NAS-Bench-201 and https://github.com/D-X-Y/NATS-Bench",
)
"""The official per-seed releases, by release name, and where their download links are."""


class DataNotFoundError(FileNotFoundError):
    """No benchmark data at the given or configured location."""


DIGITS_SOURCE = "digits201"
"""Name of the benchmark that ships with the package (NB201 cells trained on digits)."""

EMBEDDED_SOURCE = embedded.SOURCE_NAME
"""Name of the NAS-Bench-201 mean-of-seeds tables that ship with the package."""

GRAPH_SOURCE = "nas-bench-graph"
"""Name of NAS-Bench-Graph's nine datasets, read from the installed ``nas-bench-graph`` package."""

NAMED_SOURCES: dict[str, str] = {
    EMBEDDED_SOURCE: "NAS-Bench-201 mean-of-seeds tables shipped with the package",
    DIGITS_SOURCE: "NB201 cells trained on handwritten digits, shipped with the package",
    GRAPH_SOURCE: "NAS-Bench-Graph's nine datasets (seed means), from the installed nas-bench-graph package",
}
"""Sources that are names, not paths."""


@dataclass(frozen=True)
class Located:
    """Which importer reads a source, the file or folder it reads, and why that one was chosen."""

    kind: str
    path: Path
    reason: str
    looked_in: tuple[Path, ...] = ()
    """Places searched beside the repository before falling back to the shipped tables."""


def _named_or_path(text: str | Path, origin: str) -> tuple[str | None, Path]:
    """A named source, or the path ``text`` names; a near-miss of a name gets a "did you mean"."""
    if isinstance(text, str) and text in NAMED_SOURCES:
        return text, Path()
    path = Path(text).expanduser()
    if not path.exists():
        if isinstance(text, str) and os.sep not in text and "/" not in text:
            close = difflib.get_close_matches(text, list(NAMED_SOURCES), n=1, cutoff=0.6)
            names = "; ".join(f"{name!r} ({what})" for name, what in NAMED_SOURCES.items())
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise DataNotFoundError(
                f"{origin} {text!r} is neither a named source nor an existing file or folder; {hint}"
                f"named sources: {names}"
            )
        raise DataNotFoundError(f"{origin} {path}: no such file or folder. {HOW_TO_GET_DATA}")
    return None, path


def locate(source: str | Path | None = None) -> Located:
    """Find the data to read, in order: ``source``, ``$NASCOMPANION_DATA``, a data folder
    beside the repository, then the tables that ship with the package.

    A folder is read, in this order of preference, as: the official NB201 file it
    holds; a NATS-Bench tss release (it holds ``meta.pickle.pbz2``, or the folder
    ``NATS-tss-v1_0-3ffb9-simple/`` that does); the NB201 CSV tables it holds.

    Raises
    ------
    DataNotFoundError
        If a given or configured source does not exist (a misspelled source name gets a
        "did you mean"); nothing given is ever replaced by a guess.
    BenchmarkDataError
        If the file or folder holds no NAS-Bench-201 data this package reads.
    """
    if source is not None:
        name, path = _named_or_path(source, "source")
        reason = f"given as source {str(source)!r}"
    elif os.environ.get(DATA_ENV):
        name, path = _named_or_path(os.environ[DATA_ENV], DATA_ENV)
        reason = f"{DATA_ENV} is set to {os.environ[DATA_ENV]!r}"
    else:
        found = data_location()
        if found is None:
            name, path = EMBEDDED_SOURCE, Path()
            reason = f"{DATA_ENV} is not set and no data folder was found beside the repository"
        else:
            name, path = None, found
            reason = f"{DATA_ENV} is not set; found a data folder beside the repository"
    if name is not None:
        looked = tuple(candidate_data_locations()) if source is None and not os.environ.get(DATA_ENV) else ()
        return _named_location(name, reason, looked)
    if path.is_file():
        if path.suffix == ".pth":
            return Located("nb201-official", path, reason)
        if path.suffix == ".npz":
            return Located("digits201", path, reason)
        if path.name == nats.META_FILE:
            return Located(nats.KIND, path.parent, reason)
        raise BenchmarkDataError(
            f"{path}: not a benchmark source; give an official NB201 .pth file, a digits201 .npz file, "
            f"a named source ({', '.join(NAMED_SOURCES)}), a NATS-Bench tss folder ({nats.FOLDER_NAMES[0]}/, "
            f"extracted), or a folder with {', '.join(REQUIRED_FILES)}"
        )
    for official in OFFICIAL_FILES:
        if (path / official).is_file():
            return Located("nb201-official", path / official, reason)
    for folder in (path, *(path / name for name in nats.FOLDER_NAMES)):
        if nats.is_nats_folder(folder):
            return Located(nats.KIND, folder, reason)
    if is_table_folder(path):
        return Located("nb201-tables", path, reason)
    raise DataNotFoundError(f"{path}: holds no NAS-Bench-201 data. {HOW_TO_GET_DATA}")


def _named_location(name: str, reason: str, looked: tuple[Path, ...]) -> Located:
    """Where a named source (one of :data:`NAMED_SOURCES`) is read from."""
    if name == DIGITS_SOURCE:
        from nascompanion.data.digits import shipped_path   # here: it loads pandas; importing the data layer does not

        return Located("digits201", shipped_path(), reason)
    if name == GRAPH_SOURCE:
        return Located(GRAPH_SOURCE, bench_path("cora").parent, reason)
    return Located("nb201-embedded", embedded.shipped_folder() / embedded.TABLE_FILE, reason, looked)


def find_source(source: str | Path | None = None) -> tuple[str, Path]:
    """Which importer reads ``source``, and the file or folder it reads (see :func:`locate`).

    Returns
    -------
    tuple
        ``("nb201-official", file)``, ``("nats-tss", folder)``, ``("nb201-tables", folder)``,
        ``("nb201-embedded", file)``, ``("digits201", file)`` or ``("nas-bench-graph", folder)``.

    >>> find_source("nb201")[0]
    'nb201-embedded'
    """
    located = locate(source)
    return located.kind, located.path


def load_benchmark(source: str | Path | None = None, use_cache: bool = True, trust_modified: bool = False) -> Benchmark:
    """Load NAS-Bench-201 data as a validated :class:`Benchmark`.

    Parameters
    ----------
    source
        An official ``NAS-Bench-201-v1_*.pth`` file, a folder holding one, a
        NATS-Bench tss release folder (``NATS-tss-v1_0-3ffb9-simple/``, its
        200-epoch results; see :mod:`nascompanion.data.nats` for the 12-epoch
        ones) or a folder holding it, a
        folder with the mean-of-seeds CSV tables, ``"nb201"`` (those tables as
        they ship with the package) or ``"digits201"`` (the per-seed benchmark
        of NB201 cells trained on digits that ships with the package, datasets
        ``digits-noisy`` and ``digits-denoised``) or ``"nas-bench-graph"``
        (NAS-Bench-Graph's nine datasets from the installed package, named as it names
        them, seed means of validation and test accuracy; each dataset's space is
        ``benchmark.space(dataset)``, proteins its own; see
        :mod:`nascompanion.data.nasbench_graph`). ``None`` uses
        ``$NASCOMPANION_DATA``, else ``shared/data/nb201`` beside the repository,
        else the shipped tables (see :func:`locate`).
    use_cache
        Read and write the compact ``.npz`` cache (the first import of an
        official file or a NATS-Bench folder takes minutes; later loads about a
        second or less). Entries are keyed by the content of the source files and
        checked on every read (see :mod:`nascompanion.data.cache`).
    trust_modified
        Use CSV tables whose md5 differs from the published one recorded in the
        package's manifest, instead of refusing them; the benchmark's provenance
        (``modified``, a note) and every metric description then say so.

    Raises
    ------
    TypeError
        If ``source`` is not ``None``, a ``str`` or a path, or a flag is not a bool.
    DataNotFoundError
        If there is no data at ``source`` (the message says where it looked).
    BenchmarkDataError
        If the data is truncated, corrupt, out of range or not NAS-Bench-201.
    ModifiedSourceError
        If a source file differs from its published md5 and ``trust_modified`` is False.
    """
    _check_arguments(source, use_cache=use_cache, trust_modified=trust_modified)
    kind, path = find_source(source)
    if kind in ("nb201-embedded", "digits201", GRAPH_SOURCE):
        return _load_named(kind, path, use_cache)
    if kind == "nb201-official":
        return cache.cached(kind, [path], lambda: official.load_official(path), use_cache)
    if kind == nats.KIND:
        return nats.cached_nats_tss(path, use_cache=use_cache)
    files = table_files(path)
    digests = cache.source_digests(files)
    try:
        modified = compare_all({f: digests[f.resolve()] for f in files}, published_md5s(), trust_modified)
    except ModifiedSourceError:
        load_tables(path)  # raises: a damaged file's own error (file and line) first, else this digest's
        raise
    return cache.cached(kind, files, lambda: load_tables(path, trust_modified), use_cache,
                        options={"modified": list(modified)}, digests=digests)


def _load_named(kind: str, path: Path, use_cache: bool) -> Benchmark:
    """A benchmark that ships with the package or with an installed one."""
    if kind == "nb201-embedded":
        return embedded.load_embedded(path.parent)
    if kind == "digits201":
        from nascompanion.data.digits import load_digits_benchmark   # here: it loads pandas, as above

        return load_digits_benchmark(path)
    return graph_benchmark(use_cache=use_cache)


def table_files(folder: Path) -> list[Path]:
    """The CSV files a tables benchmark in ``folder`` is read from: the two tables and the seed-noise tables."""
    folder = Path(folder)
    return [folder / name for name in REQUIRED_FILES] + [
        folder / GENOTYPE_DIR / name for name in GENOTYPE_FILES.values() if (folder / GENOTYPE_DIR / name).is_file()
    ]


def _check_arguments(source: object, **flags: object) -> None:
    if source is not None and not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            f"source={source!r} ({type(source).__name__}): allowed: None, a named source "
            f"({', '.join(NAMED_SOURCES)}), or a file or folder path (str or pathlib.Path)"
        )
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise TypeError(f"{name}={value!r}; allowed: True or False")


__all__ = [
    "DATASETS",
    "Benchmark",
    "BenchmarkDataError",
    "DataNotFoundError",
    "DatasetResults",
    "GRAPH_SOURCE",
    "Located",
    "ModifiedSourceError",
    "Provenance",
    "SeedNoise",
    "WHERE_TO_GET_PER_SEED_DATA",
    "find_source",
    "load_benchmark",
    "locate",
]
