"""Writers of files in the layout of analog-nasbench's ``data.anb`` (a protocol-4 pickle of
``{op tuple: Architecture}``), made with stand-in classes named as upstream's; the real package is
never imported. No test lives here.
"""

from __future__ import annotations

import itertools
import pickle
import sys
import types
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from nascompanion.data import analognas

ALL_TUPLES = list(itertools.product(range(5), repeat=6))
"""Every NASLib op tuple: the 15,625 NB201 cells."""


@contextmanager
def upstream_classes() -> Iterator[tuple[type, type]]:
    """Plain classes named as upstream's ``analognasbench.data.Architecture`` and ``DriftMeasurement``,
    importable (by pickle, to write them) only inside the block; the real package is never imported."""
    package, module = types.ModuleType("analognasbench"), types.ModuleType("analognasbench.data")
    package.data = module
    classes = []
    for name in ("Architecture", "DriftMeasurement"):
        cls = type(name, (), {"__module__": module.__name__})
        setattr(module, name, cls)
        classes.append(cls)
    saved = {name: sys.modules.get(name) for name in (package.__name__, module.__name__)}
    sys.modules.update({package.__name__: package, module.__name__: module})
    try:
        yield classes[0], classes[1]
    finally:
        for name, previous in saved.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous


def synthetic_fields(baseline: float) -> dict[str, object]:
    """One cell's record attributes, around ``baseline``; drift values as ``(mean, sd)`` pairs."""
    fields: dict[str, object] = {"architecture": None}
    for offset, (field, _) in enumerate(analognas.SINGLE_FIELDS.values()):
        fields[field] = max(baseline - offset, 0.0)
    for offset, field in enumerate(analognas.DRIFT_FIELDS.values()):
        fields[field] = (round(max(baseline - 2 * offset, 0.0), 2), 0.5)
    return fields


def write_anb(path: Path, cells: dict[tuple[int, ...], dict[str, object]]) -> Path:
    """Pickle ``{op tuple: Architecture}`` as ``data.anb`` does (protocol 4, NEWOBJ + BUILD)."""
    with upstream_classes() as (architecture, drift):
        data = {}
        for key, fields in cells.items():
            record = architecture()
            for name, value in fields.items():
                if isinstance(value, tuple) and name != "architecture":
                    measurement = drift()
                    measurement.value, measurement.uncertainty = value
                    value = measurement
                setattr(record, name, key if name == "architecture" and value is None else value)
            data[key] = record
        path.write_bytes(pickle.dumps(data, protocol=4))
    return path


def synthetic_file(path: Path, baseline: np.ndarray) -> Path:
    """A whole ``data.anb`` whose cell ``i`` has baseline accuracy ``baseline[i]`` (NB201 index order)."""
    cells = {ops: synthetic_fields(float(baseline[analognas.nb201_index(ops)])) for ops in ALL_TUPLES}
    return write_anb(path, cells)
