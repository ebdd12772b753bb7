"""Benchmark data: importers, validation and the compact cache.

>>> from nascompanion.data import load_benchmark   # doctest: +SKIP
>>> bench = load_benchmark()                        # doctest: +SKIP
>>> bench.validation_accuracy("cifar10-valid").shape  # doctest: +SKIP
(15625, 1)
"""

from __future__ import annotations

from pathlib import Path

from nascompanion.config import DATA_ENV, candidate_data_locations, data_location
from nascompanion.data import cache
from nascompanion.data.benchmark import (
    DATASETS,
    Benchmark,
    BenchmarkDataError,
    DatasetResults,
    Provenance,
    SeedNoise,
)
from nascompanion.data.tables import REQUIRED_FILES, is_table_folder, load_tables

OFFICIAL_FILES = ("NAS-Bench-201-v1_1-096897.pth", "NAS-Bench-201-v1_0-e61699.pth")
"""Official NB201 files, in order of preference."""

HOW_TO_GET_DATA = (
    f"Put the NAS-Bench-201 tables ({', '.join(REQUIRED_FILES)}) or an official file "
    f"({' or '.join(OFFICIAL_FILES)}) in a folder and set {DATA_ENV} to it, or pass source=..."
)


class DataNotFoundError(FileNotFoundError):
    """No benchmark data at the given or configured location."""


DIGITS_SOURCE = "digits201"
"""Name of the benchmark that ships with the package (NB201 cells trained on digits)."""


def _resolve(source: str | Path | None) -> Path:
    if source == DIGITS_SOURCE:
        from nascompanion.data.digits import shipped_path

        return shipped_path()
    if source is None:
        found = data_location()
        if found is None:
            looked = "\n  ".join(str(p) for p in candidate_data_locations())
            raise DataNotFoundError(f"no NAS-Bench-201 data found; looked in:\n  {looked}\n{HOW_TO_GET_DATA}")
        source = found
    path = Path(source).expanduser()
    if not path.exists():
        raise DataNotFoundError(f"{path}: no such file or folder. {HOW_TO_GET_DATA}")
    return path


def find_source(source: str | Path | None = None) -> tuple[str, Path]:
    """Which importer reads ``source``, and the file or folder it reads.

    Returns
    -------
    tuple
        ``("nb201-official", file)``, ``("nb201-tables", folder)`` or
        ``("digits201", file)``.
    """
    path = _resolve(source)
    if path.is_file():
        if path.suffix == ".pth":
            return "nb201-official", path
        if path.suffix == ".npz":
            return "digits201", path
        raise BenchmarkDataError(
            f"{path}: not a benchmark source; give an official NB201 .pth file, a digits201 .npz file, "
            f"'{DIGITS_SOURCE}', or a folder with {', '.join(REQUIRED_FILES)}"
        )
    for name in OFFICIAL_FILES:
        if (path / name).is_file():
            return "nb201-official", path / name
    if is_table_folder(path):
        return "nb201-tables", path
    raise DataNotFoundError(f"{path}: holds no NAS-Bench-201 data. {HOW_TO_GET_DATA}")


def load_benchmark(source: str | Path | None = None, use_cache: bool = True) -> Benchmark:
    """Load NAS-Bench-201 data as a validated :class:`Benchmark`.

    Parameters
    ----------
    source
        An official ``NAS-Bench-201-v1_*.pth`` file, a folder holding one, a
        folder with the mean-of-seeds CSV tables, or ``"digits201"`` (the
        per-seed benchmark of NB201 cells trained on digits that ships with
        the package, datasets ``digits-noisy`` and ``digits-denoised``). ``None`` uses
        ``$NASCOMPANION_DATA`` or ``shared/data/nb201`` beside the repository.
    use_cache
        Read and write the compact ``.npz`` cache (the first import of an
        official file takes minutes; later loads well under a second).

    Raises
    ------
    DataNotFoundError
        If there is no data at ``source`` (the message says where it looked).
    BenchmarkDataError
        If the data is truncated, corrupt or not NAS-Bench-201.
    """
    kind, path = find_source(source)
    if kind == "digits201":
        from nascompanion.data.digits import load_digits_benchmark

        return load_digits_benchmark(path)
    if kind == "nb201-official":
        from nascompanion.data.official import load_official

        return cache.cached(kind, [path], lambda: load_official(path), use_cache)
    files = [path / name for name in REQUIRED_FILES]
    genotypes = path / "top_bottom_1pct"
    if genotypes.is_dir():
        files += sorted(genotypes.glob("*.csv"))
    return cache.cached(kind, files, lambda: load_tables(path), use_cache)


__all__ = [
    "DATASETS",
    "Benchmark",
    "BenchmarkDataError",
    "DataNotFoundError",
    "DatasetResults",
    "Provenance",
    "SeedNoise",
    "find_source",
    "load_benchmark",
]
