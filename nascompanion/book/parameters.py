"""A chapter run's parameters, checked against the chapter's declaration before a kernel starts.

:mod:`nascompanion.book.chapters` declares each chapter's parameters as data; this
module reads command-line text by the declared type (:func:`parse`) and refuses a
value the chapter would refuse, in one line naming the parameter and what is
allowed (:func:`check_parameters`). No notebook source is read or run.

>>> check_parameters("search_space", {"dataset": "cifar1000"})
Traceback (most recent call last):
...
ValueError: parameter dataset='cifar1000' is not allowed; choose one of: 'cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120'
>>> parse("search_space", "seed", "7"), parse("search_space", "data", "2024")
(7, '2024')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from nascompanion.book.chapters import Parameter, chapter
from nascompanion.book.errors import shorten
from nascompanion.book.notebook import check_choice, check_range
from nascompanion.data import NAMED_SOURCES, locate

_NUMBERS = {"int": int, "float": float}


def parse(chapter_name: str, name: str, text: str) -> Any:
    """The value of command-line ``text`` for parameter ``name`` of the chapter, read as its declared type.

    A ``source`` (the ``data`` parameter) stays the text it is, so a folder called ``2024`` or ``[1,2]`` is a
    folder; numbers must be written as numbers.

    Raises
    ------
    ValueError
        If the chapter or parameter is unknown, or ``text`` is not a number where one is declared.

    Examples
    --------
    >>> parse("real_noise", "level", "0.95")
    0.95
    >>> parse("theory", "seed", "one")
    Traceback (most recent call last):
    ...
    ValueError: parameter seed='one' must be of type int, like its default 0
    """
    parameter = chapter(chapter_name).parameter(name)
    if parameter.kind not in _NUMBERS:
        return text
    try:
        return _NUMBERS[parameter.kind](text)
    except ValueError:
        raise _wrong_type(parameter, text) from None


def _wrong_type(parameter: Parameter, value: Any) -> ValueError:
    return ValueError(
        f"parameter {parameter.name}={value!r} must be of type {parameter.kind}, like its default {parameter.default!r}"
    )


def _check_type(parameter: Parameter, value: Any) -> Any:
    """``value`` if it has the declared type (an int where a float is declared becomes a float)."""
    if parameter.kind == "source":
        if value is None or isinstance(value, Path) or (isinstance(value, str) and value):
            return value
        raise ValueError(f"parameter {parameter.name}={value!r} must be a path or a named source (a non-empty string)")
    numeric = parameter.kind in _NUMBERS and isinstance(value, (int, float)) and not isinstance(value, bool)
    if parameter.kind == "int" and numeric and not isinstance(value, int):
        raise _wrong_type(parameter, value)
    if numeric:
        return float(value) if parameter.kind == "float" else value
    if parameter.kind == "str" and isinstance(value, str):
        return value
    raise _wrong_type(parameter, value)


def _check_source(parameter: Parameter, value: str | Path | None) -> str | None:
    """A source that exists: a named source as named, a path as an absolute path (the kernel runs in the
    repository, so a path relative to where the command was given must not be read from there)."""
    if value is None:
        return None
    try:
        locate(value)
    except (OSError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.filename is not None else err
        raise ValueError(f"parameter {parameter.name}={shorten(str(value), 80)!r}: {reason}") from None
    if isinstance(value, str) and value in NAMED_SOURCES:
        return value
    return str(Path(value).expanduser().absolute())


def check_parameters(chapter_name: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The run's parameters, checked: unknown names, values of another type than declared, values outside the
    declared choices or range, and a ``data`` source that cannot be found are refused.

    Returns
    -------
    dict
        The values to hand the kernel: a path given as ``data`` made absolute, an int given for a float made a
        float; parameters not given are left out (the notebook's defaults apply).

    Raises
    ------
    ValueError
        One line naming the parameter and what is allowed.

    Examples
    --------
    >>> check_parameters("theory", {"seed": 3, "scale": "smoke"})
    {'seed': 3, 'scale': 'smoke'}
    >>> check_parameters("theory", {"budgte": 3})
    Traceback (most recent call last):
    ...
    ValueError: chapter 'theory' has no parameter(s) budgte; its parameters: data, scale, seed
    """
    declared = {p.name: p for p in chapter(chapter_name).parameters}
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ValueError(f"chapter {chapter_name!r} has no parameter(s) {', '.join(map(str, unknown))}; "
                         f"its parameters: {', '.join(sorted(declared))}")
    checked = {}
    for name, value in parameters.items():
        parameter = declared[name]
        value = _check_type(parameter, value)
        if parameter.choices:
            check_choice(name, value, parameter.choices)
        elif parameter.kind in _NUMBERS:
            check_range(name, value, parameter.low, parameter.high)
        checked[name] = _check_source(parameter, value) if parameter.kind == "source" else value
    return checked
