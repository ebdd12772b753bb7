"""Supernet proxy tables shipped with the package.

Training the book's supernet and evaluating all 15,625 cells with it takes minutes on a CPU, so the
paper-scale table ships in ``nascompanion/train/proxy_tables/``, named by
:func:`~nascompanion.train.supernet.cache_key` (every setting, the cells, the source of
:mod:`~nascompanion.train.supernet` and the data's checksum). :func:`proxy_table` follows the store
mode it is given (:class:`nascompanion.results.store.Mode`; default the process's, chosen with
:func:`nascompanion.results.store.use`):

``use``
    the shipped table when its key matches, else the local cache, else computed (and cached);
``update``
    as ``use``, and a table not shipped yet is computed and written to the shipped folder;
``rewrite``
    computed again, reading nothing, and written to the shipped folder;
``recompute``
    computed again, reading and writing nothing.

A shipped table passes the checks of :func:`~nascompanion.train.supernet.read_table` (key, shapes,
finite values, the digest of its values) or is reported and not used. Each records the platform it was
computed on (:func:`~nascompanion.search.registry.torch_platform`): the supernet trains with torch's
float32 kernels, so :func:`replay_sample` expects exact agreement on that platform only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nascompanion.results.store import Mode, resolve, write_arrays
from nascompanion.search.registry import torch_platform
from nascompanion.train import supernet

FOLDER_NAME = "proxy_tables"

BOOK_SUPERNET = supernet.SupernetSettings(epochs=100)
"""The supernet of the book's paper scale (``pvll_nas``), whose table ships."""


def shipped_dir() -> Path:
    """The folder of shipped proxy tables (committed in the repository)."""
    return Path(__file__).resolve().parent / FOLDER_NAME


def shipped_path(key: str) -> Path:
    """Where the shipped table of ``key`` lies."""
    return shipped_dir() / f"proxy-{key[:24]}.npz"


def _platform() -> str:
    return torch_platform()


def write_shipped(table: supernet.ProxyTable, key: str) -> Path:
    """Write ``table`` to the shipped folder under ``key`` (the fields
    :func:`~nascompanion.train.supernet.read_table` checks, and the platform), compressed and atomically."""
    seconds = np.array([table.train_seconds, table.eval_seconds])
    path = shipped_path(key)
    write_arrays(path, {"loss": table.loss, "accuracy": table.accuracy, "seconds": seconds, "key": np.array(key),
                        "digest": np.array(supernet._values_digest(table.loss, table.accuracy, seconds)),
                        "platform": np.array(_platform())})
    return path


def shipped_platform(path: Path) -> str:
    """The platform a shipped table was computed on (``""`` if it names none)."""
    with np.load(path, allow_pickle=False) as z:
        return str(z["platform"]) if "platform" in z.files else ""


def proxy_table(settings: supernet.SupernetSettings, cells: np.ndarray | None = None,
                chunk: int = 64, mode: str | Mode | None = None) -> supernet.ProxyTable:
    """:func:`~nascompanion.train.supernet.proxy_table`, read from or written to the shipped tables as
    the store ``mode`` says (default: the process's; see the module docstring).

    Examples
    --------
    >>> from nascompanion.train import NetworkSpec, Split
    >>> s = supernet.SupernetSettings(network=NetworkSpec(width=2), split=Split(40, 20, 20), epochs=1, batch_size=20)
    >>> proxy_table(s, cells=[5, 6]).loss.shape
    (2,)
    """
    mode = resolve(mode)
    if not mode.reads:
        table = supernet.proxy_table(settings, cells, use_cache=False, chunk=chunk)
        if mode.name == "rewrite":
            mode.touch(write_shipped(table, _key(settings, table.cells)))
        return table
    checked = np.arange(supernet.nb201.N_ARCHS) if cells is None else supernet._check_cells(cells)
    key = _key(settings, checked)
    path = shipped_path(key)
    found = supernet.read_table(path, key, checked.size)
    if found is not None:
        mode.touch(path)
        loss, accuracy, seconds = found
        return supernet.ProxyTable(checked, loss, accuracy, settings, float(seconds[0]), float(seconds[1]),
                                   from_cache=True)
    table = supernet.proxy_table(settings, checked, use_cache=True, chunk=chunk)
    if mode.name == "update":
        mode.touch(write_shipped(table, key))
    return table


def _key(settings: supernet.SupernetSettings, cells: np.ndarray) -> str:
    return supernet.cache_key(settings, cells, supernet.load_split(settings.split))


def replay_sample(path: Path, settings: supernet.SupernetSettings, rng: np.random.Generator,
                  size: int = 64) -> str:
    """Train the supernet of the shipped table at ``path`` again and evaluate ``size`` of its cells, drawn
    with ``rng``; compare them with the table.

    Returns what was checked. The values must be equal on the platform the table was computed on;
    elsewhere torch's float32 kernels round differently and a hundred epochs of training carry the
    difference on, so only the file's own checks are made and the returned text says so.

    Raises
    ------
    AssertionError
        If the table does not hold every cell, or the recomputed values differ, naming the file.
    """
    cells = np.arange(supernet.nb201.N_ARCHS)
    key = _key(settings, cells)
    if shipped_path(key).name != Path(path).name:
        raise AssertionError(f"{Path(path).name} is not the shipped table of these settings "
                             f"(expected {shipped_path(key).name})")
    found = supernet.read_table(path, key, cells.size)
    if found is None:
        raise AssertionError(f"{Path(path).name}: the shipped table does not pass its checks")
    stored_on, here = shipped_platform(path), _platform()
    if stored_on != here:
        return f"not replayed: stored on {stored_on or 'an unnamed platform'}, this is {here} (file checks only)"
    sample = np.sort(rng.choice(cells.size, size=size, replace=False))
    again = supernet.proxy_table(settings, sample, use_cache=False)
    if not (np.array_equal(again.loss, found[0][sample]) and np.array_equal(again.accuracy, found[1][sample])):
        differs = sample[(again.loss != found[0][sample]) | (again.accuracy != found[1][sample])]
        raise AssertionError(f"{Path(path).name} does not replay exactly: {differs.size} of {size} sampled cells "
                             f"differ, the first is cell {int(differs[0])}")
    return f"{size} sampled cells, exactly"
