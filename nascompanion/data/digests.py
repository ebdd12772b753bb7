"""What is known of a source file (its published md5), and the check that what is read is it.

The package records the md5 of every CSV table it was built from in the shipped
``nb201/manifest.json``. An importer that reads a file of that name compares the
file's md5 with the recorded one: a file that differs (an edited cell, a swapped
row, another release under the same name) is refused, unless the caller says it
uses it knowingly (``trust_modified=True``; on the command line
``--trust-modified``). A benchmark built from such a file says so in its
provenance (:attr:`~nascompanion.data.benchmark.Provenance.modified`, a note) and
in the description of every metric, so every table made from it carries the word.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = path.write_text("a,b\\n")
>>> file_md5(path)
'md5:f69f5b72bc79a92dc70c63c9aa142e36'
>>> compare(path, file_md5(path), file_md5(path), trust_modified=False) is None
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Mapping

from nascompanion.data.benchmark import Benchmark, BenchmarkDataError, DatasetResults

MANIFEST = Path(__file__).with_name("nb201") / "manifest.json"
"""The shipped manifest whose ``sources`` record the published md5 of each CSV table."""

TRUST_HINT = "pass trust_modified=True (command line: --trust-modified) to use it knowingly"
"""How to proceed with a modified file; the provenance then records it."""

MODIFIED_WORDS = "from a MODIFIED source (md5 differs from the published one)"
"""Appended to every metric description of a benchmark built from a modified file."""


class ModifiedSourceError(BenchmarkDataError):
    """A source file's md5 differs from the one the package records for a file of its name."""


def file_md5(path: Path) -> str:
    """``"md5:<hex>"`` of a file, read in blocks."""
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "md5:" + digest.hexdigest()


def published_md5s(manifest: Path = MANIFEST) -> dict[str, str]:
    """``{file name: "md5:<hex>"}`` of the CSV tables the shipped manifest names.

    >>> published_md5s()["nb201_test_mean200.csv"]
    'md5:644073c0daad5b1069becff769cfafa6'
    """
    try:
        sources = json.loads(Path(manifest).read_text())["sources"]
        return {name: f"md5:{entry['md5']}" for name, entry in sources.items()}
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise BenchmarkDataError(f"{manifest}: cannot read the published md5s ({type(err).__name__}: {err})") from None


def compare(path: Path, got: str, known: str | None, trust_modified: bool) -> str | None:
    """Compare a file's digest with the known one.

    Parameters
    ----------
    path
        The file (named in the error).
    got, known
        Its ``"md5:<hex>"`` and the recorded one (``None``: nothing is recorded for it).
    trust_modified
        Use a file that differs, and say so, instead of refusing it.

    Returns
    -------
    str or None
        ``None`` if the digests agree or nothing is known; for a modified file used
        knowingly, the line its provenance records.

    Raises
    ------
    ModifiedSourceError
        If the digests differ and ``trust_modified`` is False (the message names the
        file, both digests and how to proceed).
    """
    if known is None or got == known:
        return None
    if not trust_modified:
        raise ModifiedSourceError(
            f"{path}: {got} differs from the published {known} recorded for {Path(path).name}; it was edited "
            f"or is another file: restore the original, or {TRUST_HINT}"
        )
    return f"{Path(path).name}: {got}, published {known} (used knowingly with trust_modified)"


def compare_all(digests: Mapping[Path, str], known: Mapping[str, str], trust_modified: bool) -> tuple[str, ...]:
    """:func:`compare` each ``{path: digest}`` with ``known[path.name]``; the lines of the modified ones."""
    lines = (compare(path, got, known.get(Path(path).name), trust_modified) for path, got in digests.items())
    return tuple(line for line in lines if line is not None)


def mark_modified(benchmark: Benchmark, modified: tuple[str, ...]) -> Benchmark:
    """``benchmark`` with ``modified`` in its provenance, a note, and every metric description marked.

    Returns ``benchmark`` itself when ``modified`` is empty.
    """
    if not modified:
        return benchmark
    provenance = dataclasses.replace(
        benchmark.provenance,
        modified=tuple(benchmark.provenance.modified) + tuple(modified),
        notes=tuple(benchmark.provenance.notes)
        + (f"Built from {len(modified)} MODIFIED source file(s), used knowingly: {'; '.join(modified)}.",),
    )
    results = {name: _marked(results) for name, results in benchmark.results.items()}
    return dataclasses.replace(benchmark, results=results, provenance=provenance)


def _marked(results: DatasetResults) -> DatasetResults:
    words = {}
    for metric in ("validation", "test"):
        text = getattr(results, f"{metric}_metric")
        if getattr(results, metric) is not None and MODIFIED_WORDS not in text:
            words[f"{metric}_metric"] = f"{text}; {MODIFIED_WORDS}"
    return dataclasses.replace(results, **words)
