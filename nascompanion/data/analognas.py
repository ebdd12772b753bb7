"""Importer for AnalogNAS-Bench (PyPI ``analog-nasbench``), read without the package's own code.

AnalogNAS-Bench (Benmeziane et al. 2025, arXiv:2506.18495; code in
https://github.com/IBM/analog-nas, ``analognasbench/``) trains the 15,625
NAS-Bench-201 cells on CIFAR-10 and evaluates each under analog in-memory
computing (AIMC) conditions. The package ships one file, ``analognasbench/data.anb``:
a pickle (protocol 4) of a dict ``{op tuple: Architecture}`` whose records hold

=========================  =====================================================  ==========================
file field                 what it is                                             dataset here
=========================  =====================================================  ==========================
``baseline_accuracy``      digital (full-precision) test accuracy                 ``analog-baseline``
``ptq_accuracy``           after post-training quantisation                       ``analog-ptq``
``qat_accuracy``           after quantisation-aware training                      ``analog-qat``
``noisy_accuracy``         the digital weights on the AIMC (PCM) noise model      ``analog-noisy``
``analog_accuracy``        after hardware-aware fine-tuning on that model (HWT)   ``analog-analog``
``analog_drift_<t>``       the HWT model after conductance drift for ``t`` s      ``analog-drift-<t>``
``baseline_drift_<t>``     the digital weights on AIMC after drift for ``t`` s    ``analog-noisy-drift-<t>``
=========================  =====================================================  ==========================

with ``t`` = 60 s, 1 h, 1 day and 30 days (``60s``, ``1h``, ``1d``, ``30d``). Upstream's
README calls the ``baseline_drift_*`` fields ``noisy_drift_*``; the file calls them
``baseline_drift_*``; both name the digital weights deployed on AIMC, without HWT,
hence ``analog-noisy-drift-*`` here. Each drift field is a mean and an
uncertainty: upstream's example training script evaluates 25 drift repetitions
and stores ``f"{mean:.2f} ± {std:.2f}"`` (torch's sample SD). The file itself
says neither the count nor the kind of spread. The means are the benchmark's
values, and :func:`drift_spread` gives the SDs.

Everything is accuracy (%) on the CIFAR-10 test set (10,000 images). There is no
validation split, so every dataset has a ``test`` metric only and
:meth:`~nascompanion.data.benchmark.Benchmark.has_metric` is False for
``"validation"``. Each cell was trained once, so there are no repeat training
seeds and no seed-noise estimate. The single-evaluation kinds are marked
``per_seed=True`` (one column: the cell's one training run) and the drift means
``per_seed=False`` (a mean over drift repetitions, not one evaluation).

The op tuple follows NASLib: codes 0 ``skip_connect``, 1 ``none``, 2 ``nor_conv_3x3``,
3 ``nor_conv_1x1``, 4 ``avg_pool_3x3``, and positions the edges (1,2), (1,3), (1,4),
(2,3), (2,4), (3,4), node 1 being the input. Tuple ``(t0, ..., t5)`` is therefore the
NB201 string ``|t0~0|+|t1~0|t3~1|+|t2~0|t4~1|t5~2|`` (:func:`arch_string`). The test
suite checks this mapping on the data. With it, the baseline's Spearman rank
correlation with NB201's CIFAR-10 test means is 0.991. If NB201's own op order
were assumed it would be 0.50, and with the tuple read in string order 0.75.

The package's own loader, ``AnalogNASBench()``, ``pickle.load``\\ s the file, which
imports and calls whatever the file names. This importer never imports the package.
It finds the file through the installed distribution's metadata
(:func:`data_file`) and unpickles it with an allow-list
(:data:`ALLOW_LIST`, built with
:mod:`~nascompanion.data.restricted_pickle`: narrow stand-ins for the two plain-data
classes the file names). Reading takes under a second, so there
is no cache.

>>> from nascompanion.data.analognas import arch_string, nb201_index
>>> arch_string((0, 1, 2, 3, 4, 0))
'|skip_connect~0|+|none~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|skip_connect~2|'
>>> nb201_index((0, 1, 2, 3, 4, 0)) == nb201.arch_to_index(arch_string((0, 1, 2, 3, 4, 0)))
True
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from nascompanion.data import DataNotFoundError, restricted_pickle
from nascompanion.data.benchmark import Benchmark, BenchmarkDataError, DatasetResults, Provenance, file_bytes, unpickle_file, validate
from nascompanion.data.digests import TRUST_HINT, ModifiedSourceError, mark_modified
from nascompanion.spaces import nb201

DISTRIBUTION = "analog-nasbench"
"""The PyPI distribution."""

PACKAGE = "analognasbench"
"""The import package inside it (never imported here)."""

DATA_FILE_NAME = "data.anb"
"""The data file, inside :data:`PACKAGE`'s folder."""

INSTALL_HINT = f"pip install {DISTRIBUTION}"

KIND = "analognas-bench"
"""Provenance kind of the benchmark."""

LICENCE = (
    "analog-nasbench: code under the Apache License 2.0 (IBM/analog-nas); the wheel itself declares no licence "
    "and ships no licence file, and no separate terms are stated for data.anb"
)

KNOWN_FILES: Mapping[str, str] = MappingProxyType(
    {"md5:2e4b152d8822f742e14bf2d19c8bdc11": "analog-nasbench 0.1.3 (PyPI wheel), analognasbench/data.anb"}
)
"""Releases whose ``data.anb`` has been read and checked, by md5."""

NASLIB_OPS: tuple[str, ...] = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
"""NB201 op names of NASLib's op codes 0..4, as the file's tuples use them."""

NASLIB_EDGES: tuple[tuple[int, int], ...] = ((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))
"""The edge (from-node, to-node) of each tuple position; node 1 is the input."""

STRING_ORDER: tuple[int, ...] = (0, 1, 3, 2, 4, 5)
"""Tuple positions in NB201 architecture-string order (:data:`nascompanion.spaces.nb201.EDGES`)."""

SINGLE_FIELDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "analog-baseline": ("baseline_accuracy", "digital (full-precision) model"),
        "analog-ptq": ("ptq_accuracy", "digital model after post-training quantisation"),
        "analog-qat": ("qat_accuracy", "digital model after quantisation-aware training"),
        "analog-noisy": ("noisy_accuracy", "digital weights on the AIMC (PCM) noise model, no HWT"),
        "analog-analog": ("analog_accuracy", "after hardware-aware fine-tuning (HWT) on the AIMC noise model"),
    }
)
"""``{dataset: (file field, what it is)}`` of the accuracies evaluated once per cell."""

DRIFT_TIMES: Mapping[str, int] = MappingProxyType({"60s": 60, "1h": 3600, "1d": 86400, "30d": 2592000})
"""Drift times (s) by the suffix of their dataset names."""

DRIFT_FAMILIES: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        "analog-drift": ("analog", "analog-analog", "HWT model on AIMC"),
        "analog-noisy-drift": ("baseline", "analog-noisy", "digital weights on AIMC, no HWT"),
    }
)
"""``{dataset prefix: (file field prefix, the undrifted dataset, what drifts)}``."""

DRIFT_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        f"{prefix}-{suffix}": f"{field_prefix}_drift_{seconds}"
        for prefix, (field_prefix, _, _) in DRIFT_FAMILIES.items()
        for suffix, seconds in DRIFT_TIMES.items()
    }
)
"""``{dataset: file field}`` of the drift means (their SDs: :func:`drift_spread`)."""

DATASETS: tuple[str, ...] = (*SINGLE_FIELDS, *DRIFT_FIELDS)
"""The benchmark's datasets, in order."""

RECORD_FIELDS: frozenset[str] = frozenset(
    {"architecture", *(field for field, _ in SINGLE_FIELDS.values()), *DRIFT_FIELDS.values()}
)
"""Attributes every record of the file has (release 0.1.3: 14)."""

CHANCE = 10.0
"""Chance accuracy (%) on CIFAR-10's 10 classes; collapsed cells sit exactly on it."""

# --- the allow-list: narrow stand-ins for the two classes the file names ------------------------


class _PlainRecord:
    """Base of the stand-ins for analog-nasbench's two plain-data classes.

    Their pickles rebuild an instance with ``cls.__new__(cls)`` and fill it with
    its attribute dict (``NEWOBJ`` then ``BUILD``). The stand-ins define no
    ``__init__`` (so a pickle that calls them with arguments fails) and take, as
    state, only a dict of string keys whose values are numbers, tuples of ints
    or :class:`AnalogNASDrift` records; anything else is refused.
    """

    def __setstate__(self, state: Any) -> None:
        kind = type(self).__name__
        if not isinstance(state, dict):
            raise restricted_pickle.RefusedError(
                f"refused {kind} state of type {type(state).__name__}: only a dict is allowed"
            )
        for key, value in state.items():
            if not isinstance(key, str):
                raise restricted_pickle.RefusedError(
                    f"refused {kind} attribute name of type {type(key).__name__}: it must be a str"
                )
            if not _plain_value(value):
                raise restricted_pickle.RefusedError(
                    f"refused {kind}.{key} of type {type(value).__name__}: only numbers, tuples of ints "
                    "and drift records are allowed"
                )
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class AnalogNASDrift(_PlainRecord):
    """Stand-in for ``analognasbench.data.DriftMeasurement``: attributes ``value`` and ``uncertainty``."""


class AnalogNASArchitecture(_PlainRecord):
    """Stand-in for ``analognasbench.data.Architecture``: one cell's ``architecture`` tuple and accuracies."""


def _plain_value(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, AnalogNASDrift)):
        return True
    return isinstance(value, tuple) and all(type(item) is int for item in value)


ALLOW_LIST = restricted_pickle.AllowList(
    "analog-nasbench data.anb files",
    {
        "analognasbench.data.Architecture": AnalogNASArchitecture,
        "analognasbench.data.DriftMeasurement": AnalogNASDrift,
    },
)
"""Globals of analog-nasbench's ``data.anb`` (protocol 4): its two plain-data classes, as narrow stand-ins.

Found by trying (an empty allow-list, adding each refused global until the file
loads): release 0.1.3's file names ``analognasbench.data.Architecture`` and
``analognasbench.data.DriftMeasurement`` and nothing else; the package's own
classes are never imported. Kept here rather than in
:mod:`~nascompanion.data.restricted_pickle`, whose bytes key the benchmark cache
(:func:`nascompanion.data.cache.cache_key`): adding to it would invalidate every cached import.
"""


class AnalogNASNotInstalledError(DataNotFoundError):
    """The ``analog-nasbench`` package, and so its data file, is not installed."""


@dataclass(frozen=True)
class AnalogNASFile:
    """The contents of a ``data.anb`` file, checked and in NB201 index order.

    Attributes
    ----------
    path
        The file read.
    checksum
        ``"md5:..."`` of its bytes.
    ops
        NASLib op tuple of every row, shape ``(15625, 6)``; row ``i`` is NB201 index ``i``.
    values
        ``{file field: accuracy (%) of every row}``, shape ``(15625,)``; for a drift
        field, its mean.
    spreads
        ``{drift field: its uncertainty (SD, accuracy points) for every row}``.
    """

    path: Path
    checksum: str
    ops: np.ndarray
    values: Mapping[str, np.ndarray]
    spreads: Mapping[str, np.ndarray]

    def __post_init__(self) -> None:
        for name in ("values", "spreads"):
            arrays = {}
            for key, array in getattr(self, name).items():
                array = np.array(array, dtype=np.float64, copy=True)
                array.setflags(write=False)
                arrays[key] = array
            object.__setattr__(self, name, MappingProxyType(arrays))
        ops = np.array(self.ops, dtype=np.int8, copy=True)
        ops.setflags(write=False)
        object.__setattr__(self, "ops", ops)


def arch_string(ops: tuple[int, ...]) -> str:
    """The NB201 architecture string of a NASLib op tuple (see the module docstring).

    Parameters
    ----------
    ops
        Six op codes in 0..4, NASLib's codes and edge order.

    Raises
    ------
    ValueError
        If ``ops`` is not six op codes in 0..4.

    Examples
    --------
    >>> arch_string((2, 2, 2, 2, 2, 2))
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
    """
    if not _is_op_tuple(ops):
        raise ValueError(f"{ops!r} is not a NASLib NB201 op tuple: six ints in 0..{len(NASLIB_OPS) - 1}")
    return nb201.ops_to_arch(tuple(nb201.OPS.index(NASLIB_OPS[ops[position]]) for position in STRING_ORDER))


def nb201_index(ops: tuple[int, ...]) -> int:
    """NB201 benchmark index of a NASLib op tuple: ``nb201.arch_to_index(arch_string(ops))``, computed directly.

    Raises
    ------
    ValueError
        If ``ops`` is not six op codes in 0..4.

    Examples
    --------
    >>> nb201_index((1, 1, 1, 1, 1, 1)) == nb201.arch_to_index("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    True
    """
    if not _is_op_tuple(ops):
        raise ValueError(f"{ops!r} is not a NASLib NB201 op tuple: six ints in 0..{len(NASLIB_OPS) - 1}")
    return nb201.ops_to_index(tuple(_NB201_CODE[ops[position]] for position in STRING_ORDER))


_NB201_CODE: tuple[int, ...] = tuple(nb201.OPS.index(name) for name in NASLIB_OPS)
"""NB201's op code of each NASLib op code: (1, 0, 3, 2, 4)."""


def _is_op_tuple(ops: Any) -> bool:
    return (
        isinstance(ops, tuple)
        and len(ops) == len(NASLIB_EDGES)
        and all(type(op) is int and 0 <= op < len(NASLIB_OPS) for op in ops)
    )


def data_file() -> Path:
    """Where the installed ``analog-nasbench`` keeps its data file, found without importing it.

    Returns
    -------
    Path
        ``<site-packages>/analognasbench/data.anb``, the file the package's own loader reads.

    Raises
    ------
    AnalogNASNotInstalledError
        If the package is not installed (the message says ``pip install analog-nasbench``),
        or it is installed without its data file.

    Examples
    --------
    >>> data_file().name
    'data.anb'
    """
    candidates: list[Path] = []
    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        distribution = None
    if distribution is not None:
        for entry in distribution.files or ():
            if entry.parts == (PACKAGE, DATA_FILE_NAME):
                candidates.append(Path(str(distribution.locate_file(entry))))
    spec = importlib.util.find_spec(PACKAGE)  # a top-level package: located, not imported
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(folder) / DATA_FILE_NAME for folder in spec.submodule_search_locations]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    if distribution is None and spec is None:
        raise AnalogNASNotInstalledError(
            f"AnalogNAS-Bench is not installed: {INSTALL_HINT} (the package {DISTRIBUTION!r} ships its data file, "
            f"{PACKAGE}/{DATA_FILE_NAME}), or pass the file's path"
        )
    looked = ", ".join(str(c) for c in candidates) or "nowhere: its file list names no data file"
    raise AnalogNASNotInstalledError(
        f"{DISTRIBUTION} is installed but its data file {PACKAGE}/{DATA_FILE_NAME} is missing (looked in: {looked}); "
        f"reinstall it: pip install --force-reinstall {DISTRIBUTION}"
    )


def installed_version() -> str | None:
    """Version of the installed ``analog-nasbench`` (from its metadata), or ``None`` if it is not installed.

    The package's own ``__version__`` (``'0.1.0'`` in release 0.1.3) is not used.
    """
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


def read_data_file(path: Path | str | None = None) -> AnalogNASFile:
    """Unpickle a ``data.anb`` with the allow-list and check that it holds every NB201 cell once.

    Parameters
    ----------
    path
        The file; by default the installed package's (:func:`data_file`).

    Returns
    -------
    AnalogNASFile
        Its values in NB201 index order.

    Raises
    ------
    AnalogNASNotInstalledError
        If ``path`` is None and the package is not installed.
    BenchmarkDataError
        If the file is missing, empty, truncated or corrupt, names a global outside
        the :data:`ALLOW_LIST` (which is then
        neither imported nor called), or does not hold each of the 15,625 cells
        exactly once with the fields of :data:`RECORD_FIELDS`; the message names the file.
    """
    path = data_file() if path is None else Path(path)
    raw, checksum = file_bytes(path, f"reinstall: pip install --force-reinstall {DISTRIBUTION}")
    data = unpickle_file(
        path, raw, ALLOW_LIST, "an AnalogNAS-Bench data file",
        f"Not an AnalogNAS-Bench file, or an altered one: pip install --force-reinstall {DISTRIBUTION}",
        f"not a whole pickle ({{error}}); truncated or corrupt? Reinstall: pip install --force-reinstall {DISTRIBUTION}")
    return _check(path, checksum, data)


def _check(path: Path, checksum: str, data: Any) -> AnalogNASFile:
    if not isinstance(data, dict):
        raise BenchmarkDataError(
            f"{path}: holds a {type(data).__name__}, not the dict {{op tuple: record}} of an AnalogNAS-Bench file"
        )
    n = nb201.N_ARCHS
    ops = np.zeros((n, len(NASLIB_EDGES)), dtype=np.int8)
    values = {field: np.full(n, np.nan) for field, _ in SINGLE_FIELDS.values()}
    values.update({field: np.full(n, np.nan) for field in DRIFT_FIELDS.values()})
    spreads = {field: np.full(n, np.nan) for field in DRIFT_FIELDS.values()}
    seen = np.zeros(n, dtype=np.int64)
    for key, record in data.items():
        if not _is_op_tuple(key):
            raise BenchmarkDataError(
                f"{path}: key {key!r} is not a NASLib op tuple (six ints in 0..{len(NASLIB_OPS) - 1})"
            )
        if not isinstance(record, AnalogNASArchitecture):
            raise BenchmarkDataError(f"{path}: cell {key}: holds a {type(record).__name__}, not an Architecture record")
        fields = vars(record)
        if set(fields) != RECORD_FIELDS:
            missing = sorted(RECORD_FIELDS - set(fields))
            extra = sorted(set(fields) - RECORD_FIELDS)
            raise BenchmarkDataError(
                f"{path}: cell {key}: record fields differ from release 0.1.3's "
                f"(missing: {', '.join(missing) or 'none'}; unexpected: {', '.join(extra) or 'none'})"
            )
        own = fields["architecture"]
        if own != key:
            raise BenchmarkDataError(f"{path}: the record under key {key} says its architecture is {own!r}")
        index = nb201_index(key)
        seen[index] += 1
        if seen[index] > 1:  # a dict's keys are unique and the mapping is one-to-one; kept for other layouts
            raise BenchmarkDataError(f"{path}: NB201 cell {index} ({nb201.arch_strings()[index]}) appears twice")
        ops[index] = key
        for field, _ in SINGLE_FIELDS.values():
            values[field][index] = _number(path, key, field, fields[field])
        for field in DRIFT_FIELDS.values():
            drift = fields[field]
            if not isinstance(drift, AnalogNASDrift) or set(vars(drift)) != {"value", "uncertainty"}:
                raise BenchmarkDataError(
                    f"{path}: cell {key}: {field} is {drift!r}, not a drift record with value and uncertainty"
                )
            values[field][index] = _number(path, key, f"{field}.value", drift.value)
            spreads[field][index] = _number(path, key, f"{field}.uncertainty", drift.uncertainty)
    absent = np.flatnonzero(seen == 0)
    if absent.size:
        first = int(absent[0])
        raise BenchmarkDataError(
            f"{path}: holds {int(seen.sum())} of the {n} NB201 cells; {absent.size} missing "
            f"(first: NB201 index {first}, {nb201.arch_strings()[first]})"
        )
    return AnalogNASFile(path, checksum, ops, values, spreads)


def _number(path: Path, key: tuple[int, ...], field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BenchmarkDataError(f"{path}: cell {key}: {field} is {value!r}, not a finite number")
    return float(value)


def known_release(content: AnalogNASFile, trust_modified: bool) -> tuple[str, ...]:
    """Check that the file read is a release this importer has checked (:data:`KNOWN_FILES`, by md5).

    Returns
    -------
    tuple of str
        Empty for a known release; for another file used knowingly, the line its provenance records.

    Raises
    ------
    ModifiedSourceError
        If the md5 is not a known release's and ``trust_modified`` is False (the message names the
        file, its md5, the known ones and how to proceed).
    """
    if content.checksum in KNOWN_FILES:
        return ()
    known = "; ".join(f"{digest} ({what})" for digest, what in KNOWN_FILES.items())
    if not trust_modified:
        raise ModifiedSourceError(
            f"{content.path}: {content.checksum} is not the md5 of a data.anb this importer has checked "
            f"(known: {known}); an altered file or another release: reinstall "
            f"(pip install --force-reinstall {DISTRIBUTION}), or {TRUST_HINT}"
        )
    return (f"{content.path.name}: {content.checksum}, known {known} (used knowingly with trust_modified)",)


def load_analognas(path: Path | str | None = None, trust_modified: bool = False) -> Benchmark:
    """Read AnalogNAS-Bench as a validated :class:`~nascompanion.data.benchmark.Benchmark`.

    Parameters
    ----------
    path
        A ``data.anb`` file; by default the installed package's (:func:`data_file`).
    trust_modified
        Read a file whose md5 is not a known release's (:func:`known_release`), and mark
        the benchmark as built from it, instead of refusing it.

    Returns
    -------
    Benchmark
        One dataset per accuracy kind (:data:`DATASETS`), rows in NB201 index order,
        CIFAR-10 test accuracy (%) as the ``test`` metric, shape ``(15625, 1)``, and no
        ``validation`` metric. ``analog-baseline``, ``-ptq``, ``-qat``, ``-noisy`` and
        ``-analog`` are ``per_seed=True`` (the cell's one training run). The eight
        drift datasets are ``per_seed=False``: means over drift repetitions, whose SDs
        :func:`drift_spread` gives. It is validated without NB201's published optima,
        which do not apply.

    Raises
    ------
    AnalogNASNotInstalledError
        If ``path`` is None and ``analog-nasbench`` is not installed.
    BenchmarkDataError
        If the file is unreadable, crafted or incomplete (see :func:`read_data_file`),
        or a value lies outside [0, 100].
    ModifiedSourceError
        If the file is not a known release and ``trust_modified`` is False.

    Examples
    --------
    >>> bench = load_analognas()
    >>> bench.test_accuracy("analog-drift-1d").shape
    (15625, 1)
    """
    content = read_data_file(path)
    benchmark = Benchmark(results=_one_run_results(content) | _drift_results(content), provenance=_provenance(content))
    validate(benchmark, where=str(content.path), check_optima=False)
    return mark_modified(benchmark, known_release(content, trust_modified))


def _one_run_results(content: AnalogNASFile) -> dict[str, DatasetResults]:
    """The datasets of one training run per cell (:data:`SINGLE_FIELDS`), ``per_seed=True``."""
    return {name: DatasetResults(
        name,
        validation=None,
        test=content.values[field],
        validation_metric="",
        test_metric=f"CIFAR-10 test accuracy (%), {words} (file field {field}); one training run per cell, "
        "no validation split",
        per_seed=True,
    ) for name, (field, words) in SINGLE_FIELDS.items()}


def _drift_results(content: AnalogNASFile) -> dict[str, DatasetResults]:
    """The datasets of means over drift repetitions (:data:`DRIFT_FIELDS`), ``per_seed=False``."""
    results = {}
    for name, field in DRIFT_FIELDS.items():
        prefix, suffix = name.rsplit("-", 1)
        _, _, what = DRIFT_FAMILIES[prefix]
        results[name] = DatasetResults(
            name,
            validation=None,
            test=content.values[field],
            validation_metric="",
            test_metric=f"CIFAR-10 test accuracy (%), {what}, after {DRIFT_TIMES[suffix]} s of conductance drift "
            f"(file field {field}), mean over drift repetitions (SD: drift_spread); no validation split",
            per_seed=False,
        )
    return results


def drift_spread(path: Path | str | None = None, trust_modified: bool = False) -> dict[str, np.ndarray]:
    """The SD of every drift mean, by dataset name.

    Parameters
    ----------
    path
        A ``data.anb`` file; by default the installed package's.
    trust_modified
        As in :func:`load_analognas`.

    Returns
    -------
    dict
        ``{drift dataset (e.g. "analog-drift-1d"): SD (accuracy points) of every cell}``, shape
        ``(15625,)``, rows in NB201 index order, as :func:`load_analognas`'s rows. The file
        stores it rounded to 0.01. It is 0 exactly where a cell's drift mean sits at chance
        (10 % +- 0.1), i.e. where all repetitions gave the same accuracy.

    Raises
    ------
    AnalogNASNotInstalledError, BenchmarkDataError
        As :func:`load_analognas`.

    Examples
    --------
    >>> sorted(drift_spread())[:2]
    ['analog-drift-1d', 'analog-drift-1h']
    """
    content = read_data_file(path)
    known_release(content, trust_modified)
    spreads = {name: content.spreads[field].copy() for name, field in DRIFT_FIELDS.items()}
    negative = [name for name, values in spreads.items() if (values < 0).any()]
    if negative:
        raise BenchmarkDataError(f"{content.path}: {negative[0]} has a negative SD; an SD is >= 0")
    return spreads


def _provenance(content: AnalogNASFile) -> Provenance:
    release = KNOWN_FILES.get(content.checksum)
    installed = installed_version()
    try:
        is_installed_file = content.path.resolve() == data_file().resolve()
    except AnalogNASNotInstalledError:
        is_installed_file = False
    if release is None:
        release = f"not a release whose data.anb this importer has checked (checksum {content.checksum})"
    if is_installed_file:
        release += f"; read from the installed {DISTRIBUTION} {installed}"
    values = content.values
    ties = ", ".join(
        f"{name} {int(np.sum(values[field] == CHANCE))}"
        for name, field in [*((n, f) for n, (f, _) in SINGLE_FIELDS.items()), *DRIFT_FIELDS.items()]
    )
    above = []
    for name, field in DRIFT_FIELDS.items():
        prefix = name.rsplit("-", 1)[0]
        undrifted = SINGLE_FIELDS[DRIFT_FAMILIES[prefix][1]][0]
        excess = values[field] - values[undrifted]
        above.append(f"{name} {int(np.sum(excess > 0))} (max +{float(excess.max()):.2f})")
    notes = (
        f"AnalogNAS-Bench, {release}. {LICENCE}.",
        "NB201 cells trained on CIFAR-10; every value is CIFAR-10 test accuracy (%). There is no validation "
        "split, and each cell was trained once (no repeat training seeds, so no seed-noise estimate).",
        "Op tuples read by NASLib's convention (codes 0 skip_connect, 1 none, 2 nor_conv_3x3, 3 nor_conv_1x1, "
        "4 avg_pool_3x3; edges (1,2),(1,3),(1,4),(2,3),(2,4),(3,4)), mapped to NB201 indices.",
        "Drift datasets: means over drift repetitions (25 in upstream's example script; the file does not say), "
        "their SDs from nascompanion.data.analognas.drift_spread. analog-noisy-drift-* are the file's "
        "baseline_drift_* fields (upstream's README: noisy_drift_*).",
        f"Cells exactly at chance (10.0 %): {ties}.",
        "Drift means above the same model's undrifted accuracy (analog-drift-* vs analog-analog, "
        f"analog-noisy-drift-* vs analog-noisy): {'; '.join(above)}.",
        "Upstream's example training script evaluates on the test set with the training augmentation (random "
        "crop and flip), and uses the test set for PTQ calibration and QAT's learning-rate schedule; whether the "
        "released file was made by it is not stated.",
        f"Read without importing {PACKAGE}, unpickled with an allow-list "
        f"({ALLOW_LIST.describe()}, as narrow stand-ins). NB201's published optima do not "
        "apply and are not checked.",
    )
    return Provenance(
        kind=KIND,
        sources=(str(content.path),),
        checksums={content.path.name: content.checksum},
        notes=notes,
    )


__all__ = [
    "ALLOW_LIST",
    "DATASETS",
    "DRIFT_FIELDS",
    "SINGLE_FIELDS",
    "AnalogNASArchitecture",
    "AnalogNASDrift",
    "AnalogNASFile",
    "AnalogNASNotInstalledError",
    "ModifiedSourceError",
    "arch_string",
    "data_file",
    "drift_spread",
    "installed_version",
    "known_release",
    "load_analognas",
    "nb201_index",
    "read_data_file",
]
