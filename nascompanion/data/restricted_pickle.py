"""Unpickling limited to an allow-list of globals.

A pickle names the callables that rebuild its objects (``GLOBAL`` and
``STACK_GLOBAL`` opcodes) and the unpickler imports and calls them, so a crafted
file can run any function, e.g. ``os.system``. The benchmark formats this package
reads need only a handful of harmless callables. :class:`RestrictedUnpickler`
(a :class:`pickle.Unpickler`, so it keeps the C unpickler's speed) resolves a
global only if it is on an :class:`AllowList` and refuses anything else with a
:class:`RefusedGlobalError` naming the global, before it is imported or called.

Resolving goes through the allow-list alone: the module a pickle names is never
imported. Where a callable could do more than the format needs, the allow-list
holds a narrower stand-in: :func:`numeric_scalar` (numpy scalars of numeric
dtypes only) and :func:`latin1_bytes` (``_codecs.encode`` to latin-1 only, which
is how pickle protocol 2 stores bytes).

torch's own allow-list (``torch.load(..., weights_only=True)``) runs a
pure-Python unpickler, about 40 times slower than this one on NB201's files
(measured on a 1,500-cell fixture: 2.7 s against 0.07 s), which for the 2-5 GB
official files would turn minutes into hours; :data:`NB201_OFFICIAL` is therefore
handed to ``torch.load`` as its ``pickle_module`` (see :func:`pickle_module`).

>>> import collections, os, pickle
>>> dict(loads(pickle.dumps(collections.OrderedDict(a=1)), NATS_TSS))
{'a': 1}
>>> class Shell:
...     def __reduce__(self):
...         return (os.system, ("echo this never runs",))
>>> loads(pickle.dumps(Shell()), NATS_TSS)
Traceback (most recent call last):
    ...
nascompanion.data.restricted_pickle.RefusedGlobalError: refused to unpickle ...system: not on the allow-list ...
"""

from __future__ import annotations

import collections
import io
import pickle
import types
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Mapping

import numpy as np

try:  # numpy >= 2
    from numpy._core.multiarray import scalar as _numpy_scalar
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import scalar as _numpy_scalar

NUMERIC_KINDS = "biufc"
"""numpy dtype kinds :func:`numeric_scalar` rebuilds: bool, signed and unsigned int, float, complex."""


class RefusedError(pickle.UnpicklingError):
    """A pickle asked for something its format's allow-list does not allow; it was not done."""


class RefusedGlobalError(RefusedError):
    """A pickle named a global that is not on the allow-list; nothing of it was imported or called.

    Attributes
    ----------
    module, name
        The refused global, as the pickle names it.
    allowed
        The allow-list that refused it.
    """

    def __init__(self, module: str, name: str, allowed: AllowList) -> None:
        self.module, self.name, self.allowed = module, name, allowed
        super().__init__(
            f"refused to unpickle {self.qualified}: not on the allow-list of {allowed.format} "
            f"(allowed: {allowed.describe()})"
        )

    @property
    def qualified(self) -> str:
        """The refused global as ``module.name``."""
        return f"{self.module}.{self.name}"


UNREADABLE_ERRORS: tuple[type[BaseException], ...] = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    KeyError,
    UnicodeDecodeError,
    OverflowError,
    MemoryError,
)
"""What unpickling raises on bytes that are not a whole pickle (a :class:`RefusedError` is one too)."""


def numeric_scalar(dtype: np.dtype, data: bytes | None = None) -> np.generic:
    """Rebuild a pickled numpy scalar, for numeric dtypes only.

    Stand-in for ``numpy.core.multiarray.scalar``, which pickles of numpy scalars
    (e.g. ``np.float64``) name; an object or structured dtype is refused.

    >>> float(numeric_scalar(np.dtype("f8"), np.float64(2.5).tobytes()))
    2.5

    Raises
    ------
    RefusedError
        If ``dtype`` is not a numeric numpy dtype or ``data`` not bytes.
    """
    if not isinstance(dtype, np.dtype) or dtype.kind not in NUMERIC_KINDS or dtype.hasobject:
        raise RefusedError(
            f"refused numpy scalar of dtype {dtype!r}: only numeric dtypes (kinds {NUMERIC_KINDS!r}) are allowed"
        )
    if not isinstance(data, bytes):
        raise RefusedError(f"refused numpy scalar data of type {type(data).__name__}: it must be bytes")
    return _numpy_scalar(dtype, data)


def latin1_bytes(text: str, encoding: str = "latin1") -> bytes:
    """Stand-in for ``_codecs.encode``, limited to what pickle protocol 2 uses it for.

    Protocol 2 has no bytes opcode, so it pickles ``b"..."`` as
    ``_codecs.encode("...", "latin1")``; any other codec is refused.

    >>> latin1_bytes("\\x00\\xf0?")
    b'\\x00\\xf0?'

    Raises
    ------
    RefusedError
        For an encoding other than latin-1 or a ``text`` that is not a string.
    """
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise RefusedError(
            f"refused _codecs.encode({type(text).__name__}, {encoding!r}): only encoding str to 'latin1' is allowed"
        )
    return text.encode("latin1")


@dataclass(frozen=True)
class AllowList:
    """The globals a pickle format may name, and what each resolves to.

    Attributes
    ----------
    format
        The format, in words, for error messages (e.g. "NATS-Bench tss ``.pickle.pbz2`` files").
    globals
        ``{"module.name": object}``; a pickle's ``module``/``name`` pair resolves to
        the object under ``"module.name"``. List every spelling the files use
        (``numpy.core`` of numpy 1 and ``numpy._core`` of numpy 2, ``__builtin__``
        of protocol-2 pickles and ``builtins``).
    """

    format: str
    globals: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "globals", types.MappingProxyType(dict(self.globals)))

    def names(self) -> tuple[str, ...]:
        """The allowed ``module.name`` strings, sorted."""
        return tuple(sorted(self.globals))

    def describe(self) -> str:
        """The allowed globals as one comma-separated string."""
        return ", ".join(self.names())


class RestrictedUnpickler(pickle.Unpickler):
    """A :class:`pickle.Unpickler` whose globals come from :attr:`allowed` only.

    Subclasses set ``allowed``; :func:`unpickler_class` makes one for an
    :class:`AllowList`. A class attribute, not an argument, so that code which
    builds unpicklers itself (``torch.load``'s ``pickle_module``) can use it.
    """

    allowed: AllowList = AllowList("no format")

    def find_class(self, module: str, name: str) -> Any:  # noqa: D102 - pickle.Unpickler's hook
        try:
            return self.allowed.globals[f"{module}.{name}"]
        except KeyError:
            raise RefusedGlobalError(module, name, self.allowed) from None


def unpickler_class(allowed: AllowList) -> type[RestrictedUnpickler]:
    """A :class:`RestrictedUnpickler` subclass bound to ``allowed``."""
    return type("RestrictedUnpickler", (RestrictedUnpickler,), {"allowed": allowed, "__module__": __name__})


def load(file: BinaryIO, allowed: AllowList, **options: Any) -> Any:
    """Unpickle one object from ``file``, resolving globals through ``allowed`` only.

    Parameters
    ----------
    file
        A binary file object (anything :class:`pickle.Unpickler` reads).
    allowed
        The globals the format may name.
    options
        Passed to :class:`pickle.Unpickler` (``encoding``, ``errors``, ``fix_imports``).

    Raises
    ------
    RefusedGlobalError
        If the pickle names a global not on ``allowed``.
    RefusedError
        If an allowed stand-in refuses its arguments (e.g. a numpy scalar of object dtype).
    pickle.UnpicklingError, EOFError, ValueError, ...
        What :class:`pickle.Unpickler` raises on a truncated or corrupt pickle.
    """
    return unpickler_class(allowed)(file, **options).load()


def loads(data: bytes, allowed: AllowList, **options: Any) -> Any:
    """Unpickle one object from ``data``; see :func:`load`."""
    return load(io.BytesIO(data), allowed, **options)


def pickle_module(allowed: AllowList) -> types.ModuleType:
    """A stand-in for the :mod:`pickle` module whose unpicklers use ``allowed``.

    For ``torch.load(path, pickle_module=..., weights_only=False)``: torch then
    unpickles with ``pickle_module.Unpickler`` (subclassed only to map storage
    classes) and ``pickle_module.load``, so every other global goes through the
    allow-list.
    """
    module = types.ModuleType(f"{__name__}.restricted", f"pickle restricted to {allowed.format}")
    module.Unpickler = unpickler_class(allowed)
    module.load = lambda file, **options: load(file, allowed, **options)
    module.loads = lambda data, **options: loads(data, allowed, **options)
    module.UnpicklingError = pickle.UnpicklingError
    return module


_NUMPY_SCALARS: dict[str, Callable[..., Any]] = {
    "numpy.core.multiarray.scalar": numeric_scalar,  # pickles written with numpy 1.x
    "numpy._core.multiarray.scalar": numeric_scalar,  # pickles written with numpy 2.x
    "numpy.dtype": np.dtype,
}
"""What a pickled numpy scalar names: the scalar rebuilder, and ``numpy.dtype`` for its dtype."""

NATS_TSS = AllowList(
    "NATS-Bench tss .pickle.pbz2 files",
    {"collections.OrderedDict": collections.OrderedDict, **_NUMPY_SCALARS},
)
"""Globals of ``NATS-tss-v1_0-3ffb9-simple/*.pickle.pbz2``: ``OrderedDict`` and numpy scalars (protocol 4)."""

NB201_OFFICIAL = AllowList(
    "official NAS-Bench-201 .pth files",
    {
        "collections.OrderedDict": collections.OrderedDict,
        "__builtin__.set": set,  # protocol 2 (torch.save's default) pickles a set as set(list)
        "builtins.set": set,
        "_codecs.encode": latin1_bytes,  # protocol 2's spelling of bytes, e.g. a numpy scalar's data
        **_NUMPY_SCALARS,
    },
)
"""Globals of ``NAS-Bench-201-v1_*.pth``: ``OrderedDict``, ``set``, numpy scalars and protocol 2's bytes.

The files hold no tensors (NB201 releases its trained weights separately), so no
torch class is allowed; torch itself maps storage class names before the allow-list.
"""
