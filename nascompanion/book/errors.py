"""Expected failures of the ``nascompanion`` command, each told in one line.

A failure the user can act on (a missing or unreadable file, a folder that cannot
be written, data that is not what it claims, a chapter that failed) becomes one
line naming the command, its input and what went wrong; anything else keeps its
stack, as does every failure under ``--debug``.

>>> one_line(FileNotFoundError(2, "No such file or directory", "/data/x.csv"))
'/data/x.csv: No such file or directory'
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import zipfile

from nascompanion.config import CACHE_ENV, DATA_ENV, UnwritableFolderError, cache_dir

EXPECTED: tuple[type[BaseException], ...] = (
    ValueError,              # bad values and data: JSON, CSV, benchmark checks, parameters, ledger
    OSError,                 # missing, unreadable, unwritable files; folders; loops; names too long
    RecursionError,          # JSON nested deeper than Python's stack
    RuntimeError,            # a chapter that failed; a book that would need the network
    EOFError,                # a truncated pickle or npz
    pickle.UnpicklingError,  # a pickle that is damaged or names code it may not load
    zipfile.BadZipFile,      # an npz that is not a zip archive
    subprocess.SubprocessError,
)
"""Failures that end the command with one line (exit status 1) instead of a stack."""

_LIMIT = 120


def shorten(text: str, limit: int = _LIMIT) -> str:
    """``text``, or its start and end around an ellipsis when longer than ``limit`` characters.

    >>> shorten("a" * 100, 12)
    'aaaaaaa…aaaa'
    """
    if len(text) <= limit:
        return text
    tail = limit // 3
    return text[: limit - tail - 1] + "…" + text[-tail:]


def _in_cache(filename: str) -> bool:
    try:
        cache = os.environ.get(CACHE_ENV)
        return os.path.abspath(filename).startswith(os.path.abspath(cache) if cache else str(cache_dir()))
    except OSError:   # the cache folder itself is what fails
        return False


def one_line(err: BaseException) -> str:
    """What went wrong, in one line: a file error names the file (shortened if very long) and, for a file
    in the cache folder, how to choose another; a recursion error says the input is nested too deeply.

    Examples
    --------
    >>> one_line(RecursionError("maximum recursion depth exceeded while decoding a JSON array"))
    'nested too deeply to read (maximum recursion depth exceeded while decoding a JSON array)'
    >>> one_line(ValueError("two\\nlines"))
    'two lines'
    """
    if isinstance(err, OSError) and not isinstance(err, UnwritableFolderError) and err.filename is not None:
        text = f"{shorten(os.fsdecode(err.filename))}: {err.strerror or err}"
        if isinstance(err, PermissionError) and _in_cache(os.fsdecode(err.filename)):
            text += f"; choose another cache folder with the environment variable {CACHE_ENV}"
    elif isinstance(err, RecursionError):
        text = f"nested too deeply to read ({err})"
    else:
        text = str(err) or type(err).__name__
        if type(err).__module__ not in ("builtins", "nascompanion.config") and "Error" in type(err).__name__:
            text = f"{type(err).__name__}: {text}"
    return " ".join(shorten(part, 4 * _LIMIT) for part in text.split())


def command_line(argv: list[str]) -> str:
    """The command as given (long words shortened), with ``$NASCOMPANION_DATA`` when it is set, so the line
    names the input even when it came from the environment.

    >>> command_line(["data", "check", "--source", "2024"])
    'nascompanion data check --source 2024'
    """
    words = " ".join(shorten(word, 200) for word in argv if word != "--debug")
    data = os.environ.get(DATA_ENV)
    return f"nascompanion {words}" + (f" (with ${DATA_ENV}={shorten(data, 60)})" if data else "")


def silence_stdout() -> None:
    """Point standard output at the null device, so nothing more is written to a closed pipe at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # standard output is not a file (captured in tests)
        pass
