"""Importer for the NATS-Bench topology search space (tss), read without the ``nats_bench`` API.

The official release ``NATS-tss-v1_0-3ffb9-simple/`` (the folder that
``nats_bench.create(path, "tss", fast_mode=True)`` reads) holds:

- ``meta.pickle.pbz2``: ``{"meta_archs": [15,625 architecture strings], "total_archs": 15625, ...}``;
- ``{index:06d}.pickle.pbz2``, one per architecture: an ``OrderedDict`` with keys
  ``"12"`` and ``"200"`` (training epochs), each the state dict of an
  ``ArchResults`` laid out as in the official NAS-Bench-201 files.

Each file is bz2-compressed and unpickled with an allow-list
(:data:`~nascompanion.data.restricted_pickle.NATS_TSS`: ``collections.OrderedDict``
and numpy scalars), one file at a time, so memory stays at a few MB beyond the
result. The values are read by the NAS-Bench-201 importer's own rule
(:func:`nascompanion.data.official.read_full_entry`) and built into a benchmark by
its :func:`~nascompanion.data.official.per_seed_results`: the same numbers give the
same :class:`~nascompanion.data.benchmark.Benchmark` from either release.
cifar10-valid: validation x-valid, test ori-test; cifar10: test ori-test (no
validation); cifar100 and ImageNet16-120: validation x-valid, test x-test.

Two fidelities, never mixed: ``epochs=200`` (the default, NB201's 200-epoch
results) and ``epochs=12`` (NATS-Bench's ``hp="12"`` runs, with other seeds),
each its own benchmark with its own provenance kind (:func:`kind`) and cache.

>>> arch_file_name(284)
'000284.pickle.pbz2'
>>> FIDELITIES, kind(200), kind(12)
((200, 12), 'nats-tss', 'nats-tss-12-epochs')
"""

from __future__ import annotations

import bz2
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
from tqdm import tqdm

from nascompanion.data import cache, restricted_pickle
from nascompanion.data.benchmark import (
    DATASETS,
    Benchmark,
    BenchmarkDataError,
    Provenance,
    file_bytes,
    first_out_of_nb201_order,
    unpickle_file,
    validate,
)
from nascompanion.data.official import Columns, empty_columns, per_seed_results, read_full_entry
from nascompanion.spaces import nb201

FOLDER_NAMES = ("NATS-tss-v1_0-3ffb9-simple",)
"""Official release folders of this layout (the one ``locate`` looks for inside a folder)."""

RELEASES = {"NATS-tss-v1_0-3ffb9-simple": "NATS-Bench topology search space v1.0 (NATS-tss-v1_0-3ffb9-simple)"}

META_FILE = "meta.pickle.pbz2"
"""The release's list of architectures; a folder holding it is read as a NATS-Bench folder."""

KIND = "nats-tss"
"""Provenance kind (and importer name) of the 200-epoch benchmark."""

EPOCHS = 200
FIDELITIES = (200, 12)
"""Training epochs with results in the release; each is read as its own benchmark."""

MAX_DECOMPRESSED_BYTES = 64 << 20
"""Largest decompressed file accepted (real files: 0.3 MB per architecture, 1.4 MB for the meta file)."""

_ARCH_FILE = re.compile(r"^(\d{6})\.pickle\.pbz2$")


def arch_file_name(index: int) -> str:
    """File name of architecture ``index``'s results: ``{index:06d}.pickle.pbz2``."""
    return f"{index:06d}.pickle.pbz2"


def is_nats_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a NATS-Bench ``meta.pickle.pbz2`` (its content is checked on import)."""
    return (Path(folder) / META_FILE).is_file()


def kind(epochs: int = EPOCHS) -> str:
    """Provenance kind of the benchmark of one fidelity: ``"nats-tss"`` for 200 epochs, else with the epochs."""
    _check_epochs(epochs)
    return KIND if epochs == EPOCHS else f"{KIND}-{epochs}-epochs"


def _check_epochs(epochs: int) -> None:
    if epochs not in FIDELITIES:
        allowed = " or ".join(map(str, FIDELITIES))
        raise ValueError(f"epochs={epochs!r}: NATS-Bench tss has results after {allowed} epochs")


@dataclass(frozen=True)
class ArchEntry:
    """One architecture's per-seed results at one fidelity, as read from its file.

    Attributes
    ----------
    index, arch
        NB201 index and architecture string (checked against the file's own).
    epochs
        Training epochs of the results (200 or 12).
    seeds
        ``{dataset: sorted training seeds}``.
    values
        ``{(dataset, "validation" | "test"): accuracy (%) of each seed, in seed order}``,
        NaN where a seed lacks the eval set; cifar10 has no ``"validation"``.
    checksum
        ``"md5:..."`` of the file.
    """

    index: int
    arch: str
    epochs: int
    seeds: Mapping[str, tuple[int, ...]]
    values: Mapping[tuple[str, str], tuple[float, ...]]
    checksum: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "seeds", MappingProxyType(dict(self.seeds)))
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def mean(self, dataset: str, metric: str) -> float:
        """Mean over seeds (NaN-skipping) of one ``(dataset, metric)``."""
        return float(np.nanmean(self.values[(dataset, metric)]))

    @property
    def missing(self) -> int:
        """Number of seed values that are NaN (a seed without that eval set)."""
        return int(sum(np.isnan(v).sum() for v in self.values.values()))


def read_pbz2(path: Path) -> tuple[Any, str]:
    """Decompress and unpickle one ``.pickle.pbz2`` file with the NATS-Bench allow-list.

    Parameters
    ----------
    path
        A release file (``meta.pickle.pbz2`` or ``{index:06d}.pickle.pbz2``).

    Returns
    -------
    tuple
        The unpickled object, and ``"md5:..."`` of the file's bytes.

    Raises
    ------
    BenchmarkDataError
        If the file is missing or empty, not a whole bz2 stream, too large once
        decompressed, not a whole pickle, or names a global outside
        :data:`~nascompanion.data.restricted_pickle.NATS_TSS` (which is then
        neither imported nor called); the message names the file.
    """
    path = Path(path)
    data, checksum = file_bytes(path, "an incomplete download or extraction? Extract it again.")
    raw = _decompress(path, data)
    data = unpickle_file(path, raw, restricted_pickle.NATS_TSS, "a NATS-Bench tss file",
                         "Not a NATS-Bench file, or an altered one: extract the release again.",
                         "its bz2 content is not a whole pickle ({error}); truncated or corrupt?")
    return data, checksum


def _decompress(path: Path, data: bytes) -> bytes:
    """All bz2 streams of ``data``, refusing more than :data:`MAX_DECOMPRESSED_BYTES`."""
    parts: list[bytes] = []
    size = 0
    while data:
        decompressor = bz2.BZ2Decompressor()
        try:
            part = decompressor.decompress(data, max_length=MAX_DECOMPRESSED_BYTES - size + 1)
        except OSError as err:
            raise BenchmarkDataError(
                f"{path}: not a bz2 file, or a corrupt one ({err}); extract the release again"
            ) from None
        size += len(part)
        parts.append(part)
        if size > MAX_DECOMPRESSED_BYTES:
            raise BenchmarkDataError(
                f"{path}: decompresses to more than {MAX_DECOMPRESSED_BYTES / 2**20:g} MiB; release files are under 2 MB"
            )
        if not decompressor.eof:
            raise BenchmarkDataError(
                f"{path}: truncated: the bz2 stream ends before its end-of-stream marker; extract the release again"
            )
        data = decompressor.unused_data
    return b"".join(parts)


def read_meta(path: Path) -> tuple[str, ...]:
    """The architecture strings of a release's ``meta.pickle.pbz2``, checked against NB201's index order.

    Raises
    ------
    BenchmarkDataError
        If the file is unreadable (see :func:`read_pbz2`), is not a meta file, does
        not list 15,625 architectures, or lists them out of NB201 index order.
    """
    return _read_meta(Path(path))[0]


def _read_meta(path: Path) -> tuple[tuple[str, ...], str]:
    meta, checksum = read_pbz2(path)
    if not isinstance(meta, dict) or "meta_archs" not in meta:
        found = ", ".join(map(repr, list(meta)[:10])) if isinstance(meta, dict) else f"a {type(meta).__name__}"
        raise BenchmarkDataError(
            f"{path}: not a NATS-Bench meta file, which is a dict with 'meta_archs'; found: {found}"
        )
    archs = meta["meta_archs"]
    if not isinstance(archs, (list, tuple)) or not all(isinstance(a, str) for a in archs):
        raise BenchmarkDataError(f"{path}: meta_archs is not a list of architecture strings")
    archs = tuple(archs)
    if len(archs) != nb201.N_ARCHS:
        raise BenchmarkDataError(
            f"{path}: meta_archs lists {len(archs)} architectures, expected {nb201.N_ARCHS} "
            "(only the topology space, tss, is read; the size space, sss, has 32768)"
        )
    total = meta.get("total_archs", len(archs))
    if total != len(archs):
        raise BenchmarkDataError(f"{path}: total_archs is {total!r} but meta_archs lists {len(archs)} architectures")
    bad = first_out_of_nb201_order(archs)
    if bad is not None:
        raise BenchmarkDataError(
            f"{path}: meta_archs[{bad}] is {archs[bad]!r} but NB201 index {bad} is {nb201.index_to_arch(bad)!r}; "
            "architectures must be in NB201 index order"
        )
    return archs, checksum


def read_entry(path: Path, epochs: int = EPOCHS, index: int | None = None) -> ArchEntry:
    """Read one architecture's results at one fidelity from its ``{index:06d}.pickle.pbz2``.

    Parameters
    ----------
    path
        The architecture's file.
    epochs
        200 or 12: which results to read (the other ones in the file are not read).
    index
        The architecture's NB201 index; by default the number in the file name.

    Returns
    -------
    ArchEntry
        Its per-seed values, by :func:`nascompanion.data.official.read_full_entry`'s rule.

    Raises
    ------
    BenchmarkDataError
        If the file is unreadable (see :func:`read_pbz2`), lacks the ``epochs``
        results, is for another architecture, or is malformed (the message names the file).
    ValueError
        For ``epochs`` other than 200 or 12.
    """
    _check_epochs(epochs)
    path = Path(path)
    if index is None:
        match = _ARCH_FILE.match(path.name)
        if match is None:
            raise BenchmarkDataError(
                f"{path}: not named like an architecture file ({{index:06d}}.pickle.pbz2); pass index="
            )
        index = int(match.group(1))
    if not 0 <= index < nb201.N_ARCHS:
        raise BenchmarkDataError(f"{path}: index {index} is not an NB201 index (0 to {nb201.N_ARCHS - 1})")
    raw, checksum = read_pbz2(path)
    return _entry(path, raw, index, nb201.arch_strings()[index], epochs, checksum)


def _entry(path: Path, raw: Any, index: int, arch: str, epochs: int, checksum: str) -> ArchEntry:
    hp = str(epochs)
    if not isinstance(raw, dict) or not isinstance(raw.get(hp), dict):
        found = ", ".join(map(repr, raw)) if isinstance(raw, dict) else f"a {type(raw).__name__}"
        raise BenchmarkDataError(
            f"{path}: architecture {index} has no {epochs}-epoch results (key {hp!r}); found: {found}"
        )
    results = raw[hp]
    if results.get("arch_index", index) != index:
        raise BenchmarkDataError(
            f"{path}: holds the results of architecture {results['arch_index']!r}, expected {index}; files must be "
            "named by their NB201 index"
        )
    try:
        values = read_full_entry(results, arch, epochs, label=repr(hp))
        seeds = {dataset: tuple(sorted(results["dataset_seed"][dataset])) for dataset in DATASETS}
    except BenchmarkDataError as err:
        raise BenchmarkDataError(f"{path}: architecture {index}: {err}") from None
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise BenchmarkDataError(
            f"{path}: architecture {index}: malformed {hp!r} results ({type(err).__name__}: {err})"
        ) from None
    return ArchEntry(index, arch, epochs, seeds, {key: tuple(v) for key, v in values.items()}, checksum)


def source_files(folder: Path) -> list[Path]:
    """The meta file and the 15,625 architecture files of a release folder, in index order.

    Raises
    ------
    BenchmarkDataError
        If the meta file or any architecture file is missing (the message says how
        many, and names the first).
    """
    folder = Path(folder)
    meta = folder / META_FILE
    if not meta.is_file():
        raise BenchmarkDataError(
            f"{meta}: file not found; a NATS-Bench tss folder ({FOLDER_NAMES[0]}/) holds {META_FILE} "
            "and one {index:06d}.pickle.pbz2 per architecture"
        )
    present = set(os.listdir(folder))
    names = [arch_file_name(index) for index in range(nb201.N_ARCHS)]
    missing = [name for name in names if name not in present]
    if missing:
        raise BenchmarkDataError(
            f"{folder}: {len(missing)} of {nb201.N_ARCHS} architecture files are missing "
            f"(first: {', '.join(missing[:3])}); an incomplete download or extraction?"
        )
    return [meta, *(folder / name for name in names)]


def load_nats_tss(folder: Path, epochs: int = EPOCHS) -> Benchmark:
    """Read a NATS-Bench tss release folder as a per-seed :class:`Benchmark` of one fidelity.

    Parameters
    ----------
    folder
        ``NATS-tss-v1_0-3ffb9-simple/`` (or a folder of the same layout).
    epochs
        200 (default) or 12. The two are separate benchmarks: read the other
        with a second call. Only the 200-epoch one is checked against NB201's
        published optima.

    Returns
    -------
    Benchmark
        Per-seed (``per_seed`` True) accuracies, shape ``(15625, max_seeds)``, seeds
        in sorted order, NaN for missing seeds; provenance kind :func:`kind`.

    Raises
    ------
    BenchmarkDataError
        If a file is missing, truncated, corrupt, names a global the format does
        not need, or holds other architectures than NB201's in index order (the
        message names the file).
    ValueError
        For ``epochs`` other than 200 or 12.
    """
    _check_epochs(epochs)
    folder = Path(folder)
    files = source_files(folder)
    _, meta_checksum = _read_meta(files[0])  # its strings are NB201's, in order, which read_entry checks against
    columns = empty_columns()
    missing = 0
    digest = hashlib.md5()
    progress = tqdm(files[1:], desc=f"Reading {folder.name} ({epochs} epochs)", unit="arch", disable=None)
    for index, path in enumerate(progress):
        entry = read_entry(path, epochs, index)  # one file at a time: its unpickled dicts go before the next
        for key, values in entry.values.items():
            columns[key].append(list(values))
        missing += entry.missing
        digest.update(f"{path.name} {entry.checksum}\n".encode())
    provenance = _provenance(folder, epochs, columns, missing, meta_checksum, "md5:" + digest.hexdigest())
    benchmark = Benchmark(results=per_seed_results(columns, epochs), provenance=provenance)
    return validate(benchmark, where=f"{folder} ({epochs} epochs)", check_optima=epochs == EPOCHS)


def cached_nats_tss(folder: Path, epochs: int = EPOCHS, use_cache: bool = True) -> Benchmark:
    """:func:`load_nats_tss` through the compact cache (:mod:`nascompanion.data.cache`).

    Each fidelity has its own cache file (keyed by :func:`kind`); the key covers
    the content of the meta file and of every architecture file, so changing any
    one rebuilds it, and an entry is validated on every read as the import is.
    The first read of the release takes minutes; later ones about a second.
    """
    _check_epochs(epochs)
    folder = Path(folder)
    files = source_files(folder)
    return cache.cached(kind(epochs), files, lambda: load_nats_tss(folder, epochs), use_cache,
                        check_optima=epochs == EPOCHS)


ARCH_CHECKSUM_KEY = f"{arch_file_name(0)} to {arch_file_name(nb201.N_ARCHS - 1)}"
"""Checksum key of the architecture files: one md5 over lines ``"<file name> md5:<hex>"`` in index order."""


def _provenance(
    folder: Path, epochs: int, columns: Columns, missing: int, meta_checksum: str, arch_checksum: str
) -> Provenance:
    counts = np.bincount([len(row) for row in columns[("cifar10-valid", "validation")]])
    spread = ", ".join(f"{n} with {k}" for k, n in enumerate(counts) if n)
    other = next(e for e in FIDELITIES if e != epochs)
    notes = [
        RELEASES.get(
            folder.name, f"NATS-Bench tss 'simple' layout; the folder name {folder.name!r} does not say which release"
        ),
        f"{epochs}-epoch results only (NATS-Bench hp='{epochs}'); the {other}-epoch results are a separate "
        f"benchmark (nascompanion.data.nats.cached_nats_tss(folder, epochs={other})), never mixed in.",
        "Per seed: column j is the cell's j-th training seed in sorted order; NaN where it has fewer seeds "
        f"(cifar10-valid cells: {spread} seeds).",
        "cifar10 is trained on train+valid and has no validation split.",
        "Read without the nats_bench API, each file unpickled with an allow-list "
        f"({restricted_pickle.NATS_TSS.describe()}).",
        f"Checksums: {META_FILE}, and one md5 over the lines '<file name> md5:<hex>' of the "
        f"{nb201.N_ARCHS} architecture files in index order.",
    ]
    if missing:
        notes.append(f"{missing} seed results lacked an eval set and are NaN.")
    return Provenance(
        kind=kind(epochs),
        sources=(str(folder),),
        checksums={META_FILE: meta_checksum, ARCH_CHECKSUM_KEY: arch_checksum},
        notes=tuple(notes),
    )
