"""What a plain Jupyter reader sees in an executed chapter: its figures, findings table and result box.

A chapter read in plain Jupyter or Colab has none of the book's extras (no ``myst_nb``), so
nothing glued shows there; every figure must be its own cell's output, captioned through the
cell's ``mystnb.figure`` metadata, and the findings must be outputs too. These helpers count
what an executed notebook (an ``nbformat`` node or plain dicts) shows.

Run as a script, it executes committed chapters top to bottom as such a reader would (outputs
cleared, the scale set in the parameters cell, in a kernel of the running Python) and prints what
each shows::

    python -m nascompanion.book.jupyter_check book/chapters/*.ipynb --scale smoke
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Mapping

from nascompanion.book.render_check import CSS_PX_PER_INCH, FigureSize, png_dpi, png_smallest_pt
from nascompanion.report.figures import RENDERED_WIDTH_INCHES

FIGURE_MIME = "image/png"
"""The output type of a figure shown in a cell."""

FINDINGS_MIME = "application/vnd.nascompanion.findings+json"
"""Output metadata key of a chapter's findings table (see :mod:`nascompanion.report.findings`)."""

BLOCK_BOOK_EXTRAS = 'raise ModuleNotFoundError("No module named \'myst_nb\'", name="myst_nb")\n'
"""Source of a ``myst_nb.py`` that, put first on a kernel's ``PYTHONPATH``, makes ``import myst_nb``
fail as it does where the book extras are not installed."""


def _code_cells(notebook: Mapping[str, Any]) -> list[tuple[int, Mapping[str, Any]]]:
    return [(i, c) for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"]


def _outputs_with(cell: Mapping[str, Any], mime: str) -> int:
    return sum(mime in out.get("data", {}) for out in cell.get("outputs", []))


def is_figure_cell(cell: Mapping[str, Any]) -> bool:
    """Whether ``cell`` is captioned as a figure (``mystnb.figure`` metadata).

    Examples
    --------
    >>> is_figure_cell({"metadata": {"mystnb": {"figure": {"name": "fig-a"}}}})
    True
    >>> is_figure_cell({"metadata": {"tags": ["remove-input"]}})
    False
    """
    return "figure" in cell.get("metadata", {}).get("mystnb", {})


def figure_counts(notebook: Mapping[str, Any]) -> dict[int, int]:
    """The number of figure outputs (``image/png``) of each figure cell, by cell index.

    Examples
    --------
    >>> png = {"output_type": "display_data", "data": {"image/png": "", "text/plain": ""}}
    >>> nb = {"cells": [
    ...     {"cell_type": "markdown", "metadata": {}, "source": "text"},
    ...     {"cell_type": "code", "metadata": {"mystnb": {"figure": {}}}, "outputs": [png]},
    ...     {"cell_type": "code", "metadata": {"mystnb": {"figure": {}}}, "outputs": []},
    ...     {"cell_type": "code", "metadata": {}, "outputs": [png]}]}
    >>> figure_counts(nb)
    {1: 1, 2: 0}
    """
    return {i: _outputs_with(c, FIGURE_MIME) for i, c in _code_cells(notebook) if is_figure_cell(c)}


def figure_problems(notebook: Mapping[str, Any]) -> list[str]:
    """Why a plain Jupyter reader would not see exactly the captioned figures; empty if they would.

    Each figure cell must show exactly one ``image/png`` output, and no other cell may show one
    (such a figure would have no caption).

    Examples
    --------
    >>> png = {"output_type": "display_data", "data": {"image/png": "", "text/plain": ""}}
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "metadata": {"mystnb": {"figure": {}}}, "outputs": [png]},
    ...     {"cell_type": "code", "metadata": {"mystnb": {"figure": {}}}, "outputs": [png, png]},
    ...     {"cell_type": "code", "metadata": {}, "outputs": [png]}]}
    >>> for problem in figure_problems(nb):
    ...     print(problem)
    cell 1: figure cell shows 2 images, not 1
    cell 2: shows 1 image without figure metadata
    """
    problems = []
    for i, cell in _code_cells(notebook):
        n = _outputs_with(cell, FIGURE_MIME)
        if is_figure_cell(cell) and n != 1:
            problems.append(f"cell {i}: figure cell shows {n} images, not 1")
        elif not is_figure_cell(cell) and n:
            problems.append(f"cell {i}: shows {n} image{'s' * (n != 1)} without figure metadata")
    return problems


def shows_findings(notebook: Mapping[str, Any]) -> bool:
    """Whether a cell shows the chapter's findings table (HTML output carrying the findings metadata).

    Examples
    --------
    >>> out = {"output_type": "execute_result", "data": {"text/html": "<table/>"},
    ...        "metadata": {FINDINGS_MIME: {"chapter": "theory", "findings": []}}}
    >>> shows_findings({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [out]}]})
    True
    >>> shows_findings({"cells": []})
    False
    """
    return any(FINDINGS_MIME in out.get("metadata", {}) and "text/html" in out.get("data", {})
               for _, cell in _code_cells(notebook) for out in cell.get("outputs", []))


def findings_claims(notebook: Mapping[str, Any]) -> list[str]:
    """The claims of the chapter's findings table, read from the metadata of its output.

    Examples
    --------
    >>> out = {"output_type": "execute_result", "data": {"text/html": "<table/>"},
    ...        "metadata": {FINDINGS_MIME: {"findings": [{"claim": "A"}, {"claim": "B"}]}}}
    >>> findings_claims({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [out]}]})
    ['A', 'B']
    """
    return [f["claim"] for _, cell in _code_cells(notebook) for out in cell.get("outputs", [])
            for f in out.get("metadata", {}).get(FINDINGS_MIME, {}).get("findings", [])]


def shows_result_box(notebook: Mapping[str, Any]) -> bool:
    """Whether a cell shows the result box as an output a reader sees: Markdown naming every claim
    of the findings table (a value only recorded for the book's glue, under a prefixed MIME type,
    does not count).

    Examples
    --------
    >>> table = {"output_type": "execute_result", "data": {"text/html": "<table/>"},
    ...          "metadata": {FINDINGS_MIME: {"findings": [{"claim": "claim A"}]}}}
    >>> box = {"output_type": "display_data", "data": {"text/markdown": "- **holds**: claim A."}}
    >>> glued = {"output_type": "display_data",
    ...          "data": {"application/papermill.record/text/markdown": "- **holds**: claim A."}}
    >>> def notebook(*outputs):
    ...     return {"cells": [{"cell_type": "code", "metadata": {}, "outputs": list(outputs)}]}
    >>> shows_result_box(notebook(box, table)), shows_result_box(notebook(glued, table))
    (True, False)
    >>> two = {"output_type": "execute_result", "data": {"text/html": "<table/>"},
    ...        "metadata": {FINDINGS_MIME: {"findings": [{"claim": "A on a"}, {"claim": "A on b"}]}}}
    >>> shows_result_box(notebook({"output_type": "display_data", "data": {"text/markdown": "- A on a, b."}}, two))
    True
    """
    claims = findings_claims(notebook)
    for _, cell in _code_cells(notebook):
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown")
            text = "".join(text) if isinstance(text, list) else text
            if text and claims and all(_names(text, claim) for claim in claims):
                return True
    return False


def _names(text: str, claim: str) -> bool:
    """Whether ``text`` names ``claim``: whole, or as the box lists one claim on several datasets (its words
    but the last once, then each last word)."""
    stem, _, last = claim.rpartition(" ")
    return claim in text or bool(stem) and stem in text and last in text


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big") if png.startswith(b"\x89PNG\r\n\x1a\n") else 0


def figure_sizes(notebook: Mapping[str, Any], column_px: float | None = None) -> dict[int, list]:
    """Each figure a cell shows, as the book's column would show it, by cell index.

    A figure is shown at the width its output's metadata gives (its picture's width without one),
    shrunk to ``column_px`` CSS pixels when wider (default: the book's column,
    :data:`~nascompanion.report.figures.RENDERED_WIDTH_INCHES`); its resolution and smallest font are read from
    its PNG. The result's :class:`~nascompanion.book.render_check.FigureSize` values say whether
    the figure is sharp (``blurred``) and legible (``small_text``).

    Examples
    --------
    >>> import base64, io, matplotlib.pyplot as plt
    >>> from nascompanion.report.figures import figure_png
    >>> fig, ax = plt.subplots(figsize=(6, 3))
    >>> png = figure_png(fig)
    >>> plt.close(fig)
    >>> out = {"output_type": "display_data", "data": {"image/png": base64.b64encode(png).decode()},
    ...        "metadata": {"image/png": {"width": _png_width(png) // 2}}}
    >>> (size,) = figure_sizes({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [out]}]})[0]
    >>> size.blurred, size.small_text
    (False, False)
    >>> out["metadata"] = {}
    >>> figure_sizes({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [out]}]})[0][0].blurred
    True
    """
    column_px = RENDERED_WIDTH_INCHES * CSS_PX_PER_INCH if column_px is None else column_px
    sizes: dict[int, list] = {}
    for i, cell in _code_cells(notebook):
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get(FIGURE_MIME)
            if data is None:
                continue
            png = base64.b64decode("".join(data) if isinstance(data, list) else data)
            natural = _png_width(png)
            shown = float(out.get("metadata", {}).get(FIGURE_MIME, {}).get("width", natural))
            sizes.setdefault(i, []).append(FigureSize(natural_px=natural, dpi=png_dpi(png),
                                                      rendered_px=min(shown, column_px),
                                                      drawn_pt=png_smallest_pt(png)))
    return sizes


PARAMETER_TAGS = ("parameters", "injected-parameters")
"""Tags of the cells that set a chapter's parameters: the chapter's own, and the one papermill adds
after it when the book is executed with parameters (which a reader's edit must also reach)."""

_SCALE = re.compile(r'(?m)^(scale\s*=\s*)(["\'])[^"\']*\2')


def as_reader(notebook: Mapping[str, Any], scale: str) -> dict:
    """A copy of ``notebook`` as a reader starts it: no outputs, ``scale`` set in every parameters cell.

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": 'scale = "paper"  # or smoke',
    ...      "outputs": [], "execution_count": 1},
    ...     {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": 'scale = "paper"\\n',
    ...      "outputs": [], "execution_count": 2},
    ...     {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [{"output_type": "stream"}],
    ...      "execution_count": 3}]}
    >>> [(c["source"], c["outputs"], c["execution_count"]) for c in as_reader(nb, "smoke")["cells"]]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('scale = "smoke"  # or smoke', [], None), ('scale = "smoke"\\n', [], None), ('x = 1', [], None)]
    """
    started = copy.deepcopy(dict(notebook))
    for cell in started["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        if set(cell.get("metadata", {}).get("tags", [])) & set(PARAMETER_TAGS):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = _SCALE.sub(lambda m: f"{m.group(1)}{json.dumps(scale)}", source)
    return started


def shows(notebook: Mapping[str, Any]) -> dict[str, Any]:
    """What an executed notebook shows a plain Jupyter reader: figures (any image output), their
    sharpness and smallest text at the book's column, the findings table and the result box.

    Examples
    --------
    >>> shows({"cells": []})  # doctest: +NORMALIZE_WHITESPACE
    {'figures': 0, 'under 2x': 0, 'min fig pt': None, 'findings table': False, 'result box': False,
     'figure problems': 0}
    """
    sizes = [size for found in figure_sizes(notebook).values() for size in found]
    images = sum(1 for _, cell in _code_cells(notebook) for out in cell.get("outputs", [])
                 if any(key.startswith("image/") for key in out.get("data", {})))
    smallest = [size.smallest_pt for size in sizes if size.smallest_pt == size.smallest_pt]
    return {"figures": images, "under 2x": sum(size.blurred for size in sizes),
            "min fig pt": round(min(smallest), 1) if smallest else None,
            "findings table": shows_findings(notebook), "result box": shows_result_box(notebook),
            "figure problems": len(figure_problems(notebook))}


def run_as_reader(path: Path, scale: str = "smoke", timeout: int = 1800) -> dict[str, Any]:
    """Execute the chapter at ``path`` as :func:`as_reader` starts it, in its own folder, with
    ``nbclient`` and the ``python3`` kernel; return whether it ran (if not, the failing cell's index and
    error), its seconds and what it :func:`shows`."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.from_dict(as_reader(nbformat.read(path, as_version=4), scale))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).resolve().parent)}})
    start, error = time.perf_counter(), ""
    try:
        client.execute()
    except CellExecutionError as err:
        failing = next((i for i, cell in _code_cells(notebook)
                        if any(out.get("output_type") == "error" for out in cell.get("outputs", []))), None)
        error = f"cell {failing}: {err.ename}: {err.evalue}"
    return {"chapter": Path(path).stem, "runs": not error, "seconds": round(time.perf_counter() - start, 1),
            **shows(notebook), "error": error}


def main(argv: list[str] | None = None) -> int:
    """Run each chapter named as a reader would and print one JSON line per chapter; exit 1 if one fails."""
    parser = argparse.ArgumentParser(description="Run executed chapters top to bottom as a plain Jupyter reader.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--scale", default="smoke", choices=("smoke", "paper"))
    args = parser.parse_args(argv)
    failed = False
    for path in args.notebooks:
        row = run_as_reader(path, args.scale)
        failed |= not row["runs"]
        print(json.dumps(row), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
