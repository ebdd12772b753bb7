"""What a plain Jupyter reader sees in an executed chapter: its figures, findings table and result box.

A chapter read in plain Jupyter or Colab has none of the book's extras (no ``myst_nb``), so
nothing glued shows there; every figure must be its own cell's output, captioned through the
cell's ``mystnb.figure`` metadata, and the findings must be outputs too. These helpers count
what an executed notebook (an ``nbformat`` node or plain dicts) shows.
"""

from __future__ import annotations

from typing import Any, Mapping

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
    """
    claims = findings_claims(notebook)
    for _, cell in _code_cells(notebook):
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown")
            text = "".join(text) if isinstance(text, list) else text
            if text and claims and all(claim in text for claim in claims):
                return True
    return False


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
    import base64

    from nascompanion.book.render_check import CSS_PX_PER_INCH, FigureSize, png_dpi, png_smallest_pt
    from nascompanion.report.figures import RENDERED_WIDTH_INCHES

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
