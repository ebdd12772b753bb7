"""Each chapter as a plain Jupyter or Colab reader runs it: at smoke scale, in a kernel where
``import myst_nb`` fails (so nothing is glued), every captioned figure is its own cell's output and
the findings table and result box still show."""

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
    assert jupyter_check.shows_findings(notebook), f"{chapter}: the findings table is not shown"
    assert jupyter_check.shows_result_box(notebook), f"{chapter}: the result box is not shown"
