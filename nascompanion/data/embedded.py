"""The NAS-Bench-201 tables that ship inside the package (``nascompanion/data/nb201/``).

The mean-of-seeds CSV tables (see :mod:`nascompanion.data.tables`) are read by the
project's own CSV importer and stored as one compact ``.npz`` with a
``manifest.json`` of provenance: the public source of each file, its licence and
md5, a digest of the stored content and the sha256 of the ``.npz`` file itself.
Rebuild it with::

    nascompanion data embed --from ../shared/data/nb201

so a fresh clone, Binder or Colab has the book's data with nothing beside the
repository. Loading checks the file against the manifest's sha256, the content
against its digest, and every column's shape and range.

>>> from nascompanion.data import load_benchmark
>>> bench = load_benchmark("nb201")
>>> bench.provenance.kind, bench.validation_accuracy("cifar10-valid").shape
('nb201-tables', (15625, 1))
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from nascompanion import __version__
from nascompanion.data.benchmark import Benchmark, BenchmarkDataError, Provenance
from nascompanion.data.cache import write_atomically
from nascompanion.data.digests import compare_all, file_md5, mark_modified, published_md5s
from nascompanion.data.tables import (
    ACCURACY_KEYS,
    CIFAR10_VALID_FILE,
    GENOTYPE_DIR,
    GENOTYPE_FILES,
    SOURCE_FILES,
    TABLE_NOTES,
    TEST_FILE,
    benchmark_from_columns,
    read_tables,
)

SOURCE_NAME = "nb201"
"""Name that selects the embedded tables: ``load_benchmark("nb201")`` or ``NASCOMPANION_DATA=nb201``."""

FOLDER = Path(__file__).with_name("nb201")
TABLE_FILE = "nb201_tables.npz"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1
EMBED_COMMAND = "nascompanion data embed --from ../shared/data/nb201"

_NAS_LANDSCAPES = {
    "repository": "https://github.com/gabro8a/NAS-Landscapes",
    "licence": "MIT",
}
PUBLIC_SOURCES: dict[str, dict[str, str | None]] = {
    CIFAR10_VALID_FILE: {
        **_NAS_LANDSCAPES,
        "commit": "abd5221948d9",
        "path": "data/accuracy/cifar10_avg.csv",
        "content": "cifar10-valid, 200 epochs, mean of seeds: x-valid and ori-test accuracy (%)",
    },
    TEST_FILE: {
        "repository": "https://github.com/v-tao/nats-bench-landscape",
        "licence": "not stated in the source notes; the numbers are NATS-Bench's (MIT)",
        "commit": None,
        "path": "nats_bench.csv",
        "content": (
            "NATS-Bench get_more_info(i, dataset, hp=200, is_random=False): test accuracy (%) of cifar10 "
            "(ori-test), cifar100 and ImageNet16-120 (x-test), mean of seeds"
        ),
    },
    **{
        name: {
            **_NAS_LANDSCAPES,
            "commit": None,
            "path": f"data/genotype/{name}",
            "content": "best or worst ~1% of cells: sol, f_avg (mean of seeds), f_sng (one seed) validation accuracy (%)",
        }
        for name in GENOTYPE_FILES.values()
    },
}
"""Where each embedded file comes from, as the project's data notes record it (``None``: not recorded)."""

BENCHMARKS = (
    "NAS-Bench-201 (Dong & Yang, ICLR 2020), https://github.com/D-X-Y/NAS-Bench-201, MIT licence",
    "NATS-Bench (Dong et al., TPAMI 2021), https://github.com/D-X-Y/NATS-Bench, MIT licence",
)


def shipped_folder() -> Path:
    """The folder of the embedded tables inside the installed package."""
    return FOLDER


def content_digest(arrays: dict[str, np.ndarray]) -> str:
    """``"sha256:<hex>"`` of the arrays' names, dtypes, shapes and bytes, in name order.

    It does not depend on how the file was compressed, so it identifies the data itself.

    >>> content_digest({"a": np.arange(3)}) == content_digest({"a": np.arange(3)})
    True
    >>> content_digest({"a": np.arange(3)}) == content_digest({"a": np.arange(3.0)})
    False
    """
    digest = hashlib.sha256()
    for key in sorted(arrays):
        values = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}|{values.dtype.str}|{values.shape}\n".encode())
        digest.update(values.tobytes())
    return "sha256:" + digest.hexdigest()


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A ``.npz`` of ``arrays`` with fixed member order and timestamps, so equal data gives equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arrays[key]), allow_pickle=False)
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def file_sha256(raw: bytes) -> str:
    """``"sha256:<hex>"`` of a file's bytes.

    >>> file_sha256(b"")[:14]
    'sha256:e3b0c44'
    """
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def build_manifest(arrays: dict[str, np.ndarray], files: dict[str, Path], table: bytes,
                   modified: tuple[str, ...] = ()) -> dict:
    """The provenance record of tables read from ``files`` and stored as the ``.npz`` bytes ``table``.

    ``modified`` lists the source files whose md5 differs from the published one (used knowingly);
    a manifest records them only when there are some.
    """
    return {
        "format": FORMAT_VERSION,
        "what": "NAS-Bench-201 mean-of-seeds 200-epoch accuracies of all 15,625 cells, and one-seed "
        "values of the best and worst ~1% (top_bottom_1pct)",
        "command": EMBED_COMMAND,
        "importer": "nascompanion.data.tables.read_tables",
        "nascompanion_version": __version__,
        "benchmarks": list(BENCHMARKS),
        "sources": {
            name: {**PUBLIC_SOURCES[name], "md5": file_md5(path)[len("md5:"):]} for name, path in files.items()
        },
        "columns": sorted(arrays),
        "content": content_digest(arrays),
        "table_sha256": file_sha256(table),
    } | ({"modified": list(modified)} if modified else {})


def embed(folder: Path, dest: Path = FOLDER, trust_modified: bool = False) -> Path:
    """Read the CSV tables in ``folder`` with the project's importer and write the embedded copy to ``dest``.

    Both files are written atomically; a failed read or check leaves ``dest`` as it was.

    Parameters
    ----------
    folder
        The CSV tables, with ``top_bottom_1pct/``.
    dest
        Where to write (default: the package's own copy).
    trust_modified
        Embed files whose md5 differs from the published one (the manifest then lists
        them under ``modified``) instead of refusing them.

    Returns
    -------
    Path
        The written ``.npz``.

    Raises
    ------
    BenchmarkDataError
        If the tables are missing, corrupt, out of range (a row with a field split in two
        included), or lack a ``top_bottom_1pct`` table.
    ModifiedSourceError
        If a file's md5 differs from the published one and ``trust_modified`` is False.
    """
    folder, dest = Path(folder), Path(dest)
    arrays, files = read_tables(folder)
    absent = [name for name in GENOTYPE_FILES.values() if name not in files]
    if absent:
        raise BenchmarkDataError(f"{folder / GENOTYPE_DIR}: missing {', '.join(absent)}; the embedded copy needs all six")
    modified = compare_all({path: file_md5(path) for path in files.values()}, published_md5s(), trust_modified)
    if modified and dest.resolve() == FOLDER.resolve():
        raise BenchmarkDataError(
            f"{dest}: refused to embed modified sources over the package's own tables, whose manifest is where the "
            "published md5s are recorded; write them to another folder (dest=...)"
        )
    table = _npz_bytes(arrays)
    manifest = build_manifest(arrays, files, table, modified)
    benchmark_from_columns(arrays, _provenance(manifest), where=str(folder))  # validated before writing
    dest.mkdir(parents=True, exist_ok=True)
    write_atomically(dest / TABLE_FILE, table)
    write_atomically(dest / MANIFEST_FILE, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return dest / TABLE_FILE


def _provenance(manifest: dict) -> Provenance:
    sources = manifest["sources"]
    described = []
    for name in SOURCE_FILES:
        where = sources[name]
        commit = f"@{where['commit']}" if where["commit"] else ""
        described.append(f"{name}: {where['repository']}{commit} {where['path']} (embedded)")
    return Provenance(
        kind="nb201-tables",
        sources=tuple(described),
        checksums={name: f"md5:{sources[name]['md5']}" for name in SOURCE_FILES},
        notes=TABLE_NOTES
        + (f"Embedded in the package from the CSV tables by `{manifest['command']}` (provenance in {MANIFEST_FILE}).",),
    )


def _modified(manifest: dict) -> tuple[str, ...]:
    return tuple(str(line) for line in manifest.get("modified", ()))


def read_embedded(folder: Path = FOLDER) -> tuple[dict[str, np.ndarray], dict]:
    """The embedded arrays and manifest, checked against the manifest's sha256 of the file and content digest.

    Raises
    ------
    BenchmarkDataError
        If a file is missing or unreadable, the manifest records no sha256 of the table file,
        or the file or its content differs from the manifest.
    """
    folder = Path(folder)
    table, manifest_path = folder / TABLE_FILE, folder / MANIFEST_FILE
    for path in (table, manifest_path):
        if not path.is_file():
            raise BenchmarkDataError(f"{path}: file not found; rebuild it with `{EMBED_COMMAND}`")
    try:
        manifest = json.loads(manifest_path.read_text())
        raw = table.read_bytes()
        with np.load(io.BytesIO(raw), allow_pickle=False) as store:
            arrays = {key: store[key] for key in store.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, RecursionError) as err:
        raise BenchmarkDataError(f"{folder}: corrupt embedded tables ({type(err).__name__}: {err})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise BenchmarkDataError(f"{manifest_path}: not an embedded-tables manifest of format {FORMAT_VERSION}")
    recorded = manifest.get("table_sha256")
    if not isinstance(recorded, str):
        raise BenchmarkDataError(f"{manifest_path}: records no table_sha256 of {TABLE_FILE}; rebuild both with `{EMBED_COMMAND}`")
    if file_sha256(raw) != recorded:
        raise BenchmarkDataError(
            f"{table}: {file_sha256(raw)} differs from the {recorded} recorded in {MANIFEST_FILE}; the file was "
            f"altered: restore it (git checkout) or rebuild both with `{EMBED_COMMAND}`"
        )
    missing = [key for key in ACCURACY_KEYS if key not in arrays]
    if missing or content_digest(arrays) != manifest.get("content"):
        raise BenchmarkDataError(
            f"{table}: content does not match {MANIFEST_FILE} "
            f"({'missing ' + ', '.join(missing) if missing else 'digest differs'}); rebuild it with `{EMBED_COMMAND}`"
        )
    return arrays, manifest


def load_embedded(folder: Path = FOLDER) -> Benchmark:
    """The embedded NAS-Bench-201 tables as a validated, mean-only :class:`Benchmark`."""
    arrays, manifest = read_embedded(folder)
    benchmark = benchmark_from_columns(arrays, _provenance(manifest), where=str(Path(folder) / TABLE_FILE))
    return mark_modified(benchmark, _modified(manifest))
