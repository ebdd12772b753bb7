"""Each chapter as a plain Jupyter or Colab reader runs it: at smoke scale, in a kernel where
``import myst_nb`` fails (so nothing is glued), every captioned figure is its own cell's output, sharp
(two picture pixels to a CSS pixel) with text of 9 pt or more at the book's column, and the findings
table and result box still show."""

from __future__ import annotations

import os

import jupytext
import nbformat
import papermill
import pytest

from nascompanion.book import jupyter_check, runner
from nascompanion.config import REPO_ROOT


def pytest_generate_tests(metafunc):
    # The chapter list is read when the tests are collected, so chapters added or split later are covered.
    if "chapter" in metafunc.fixturenames:
        metafunc.parametrize("chapter", runner.CHAPTERS)


@pytest.fixture(scope="session")
def book_cache(tmp_path_factory):
    """One cache folder outside the repository for all chapters: what one computes, another may reuse,
    in any order."""
    return tmp_path_factory.mktemp("cache")


def test_chapter_shows_its_figures_without_the_book_extras(chapter, book_cache, tmp_path, monkeypatch):
    blocker = tmp_path / "no_book_extras"
    blocker.mkdir()
    (blocker / "myst_nb.py").write_text(jupyter_check.BLOCK_BOOK_EXTRAS)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(blocker), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("NASCOMPANION_DATA", "nb201")
    monkeypatch.setenv("NASCOMPANION_CACHE", str(book_cache))
    source, executed = tmp_path / f"{chapter}.ipynb", tmp_path / f"{chapter}.executed.ipynb"
    jupytext.write(jupytext.read(runner.NOTEBOOK_DIR / f"{chapter}.md"), source)
    papermill.execute_notebook(str(source), str(executed), parameters={"scale": "smoke"}, cwd=str(REPO_ROOT),
                               kernel_name="python3", progress_bar=False, log_output=False)
    notebook = nbformat.read(executed, as_version=4)

    blocked = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
               if any(key.startswith("application/papermill.record/") for key in out.get("data", {}))]
    assert not blocked, f"{chapter}: values were glued, so the kernel had the book extras"
    assert jupyter_check.figure_counts(notebook), f"{chapter}: no cell is captioned as a figure"
    assert jupyter_check.figure_problems(notebook) == []
    for cell, sizes in jupyter_check.figure_sizes(notebook).items():
        for size in sizes:
            assert not size.blurred, f"{chapter} cell {cell}: {size.density:.2f} picture pixels per CSS pixel, not 2"
            assert not size.small_text, f"{chapter} cell {cell}: text of {size.smallest_pt:.1f} pt at the column"
    assert jupyter_check.shows_findings(notebook), f"{chapter}: the findings table is not shown"
    assert jupyter_check.shows_result_box(notebook), f"{chapter}: the result box is not shown"


def _figure_notebook(fig, monkeypatch) -> dict:
    """A one-cell notebook holding what :func:`figures.show` sends a Jupyter front end for ``fig``."""
    import IPython.display

    from nascompanion.report import figures

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    figures.show(fig)
    data, metadata = shown[0]._repr_png_()
    out = {"output_type": "display_data", "data": {"image/png": data}, "metadata": {"image/png": metadata}}
    return {"cells": [{"cell_type": "code", "metadata": {"mystnb": {"figure": {}}}, "outputs": [out]}]}


def test_a_figure_that_fits_the_column_shows_sharp_at_its_drawn_text_size(monkeypatch):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.tick_params(labelsize=9)
    (size,) = jupyter_check.figure_sizes(_figure_notebook(fig, monkeypatch))[0]
    assert size.density == pytest.approx(2.0, abs=0.01) and not size.blurred
    assert size.smallest_pt == pytest.approx(9.0, abs=0.05) and not size.small_text


def test_a_figure_wider_than_the_column_is_shrunk_and_its_small_text_found(monkeypatch):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(13, 3))
    ax.tick_params(labelsize=9)
    (size,) = jupyter_check.figure_sizes(_figure_notebook(fig, monkeypatch))[0]
    assert not size.blurred and size.small_text
    assert size.natural_px / 2 > 780  # still wider than the column after the tight crop
    assert size.smallest_pt == pytest.approx(9.0 * 780 / (size.natural_px / 2), rel=1e-3)


def _code(source: str, **metadata):
    return nbformat.v4.new_code_cell(source, metadata=metadata)


def test_a_reader_run_sets_the_scale_past_papermills_cell_and_counts_what_shows(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        _code('scale = "paper"   # "smoke" or "paper"', tags=["parameters"]),
        _code('# Parameters\nscale = "paper"\n', tags=["injected-parameters"]),
        _code('assert scale == "smoke", scale'),
        _code("import matplotlib.pyplot as plt\nfrom nascompanion.report import figures\nfigures.use_book_style()\n"
              "fig, ax = plt.subplots(figsize=(5, 3))\nax.plot([0, 1], label='local search')\nax.legend()\n"
              "figures.show(fig)", mystnb={"figure": {"name": "fig-a"}})])
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)

    row = jupyter_check.run_as_reader(path, "smoke", timeout=120)

    assert row["runs"] and row["error"] == ""
    assert (row["figures"], row["under 2x"], row["figure problems"]) == (1, 0, 0)
    assert row["min fig pt"] == 9.0
    assert not row["findings table"] and not row["result box"]


def test_a_reader_run_reports_the_error_that_stops_a_chapter(tmp_path):
    path = tmp_path / "broken.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[_code("raise ValueError('no data folder')")]), path)

    row = jupyter_check.run_as_reader(path, "smoke", timeout=120)

    assert not row["runs"] and row["error"] == "cell 0: ValueError: no data folder"
