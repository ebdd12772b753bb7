"""Chapters hold the story and call the package: short code cells that define nothing."""

import ast

import jupytext
import pytest

from nascompanion.book.runner import CHAPTERS, NOTEBOOK_DIR

LONGEST_CELL = 12
"""Non-blank lines a chapter's code cell may have ("about ten")."""


def code_cells(name: str):
    notebook = jupytext.read(NOTEBOOK_DIR / f"{name}.md")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", []):
            yield index, cell.source


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_chapter_cell_defines_a_function_or_a_class(name):
    for index, source in code_cells(name):
        tree = ast.parse(source)
        defined = [type(node).__name__ for node in ast.walk(tree)
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))]
        assert not defined, f"{name}, cell {index}: defines {', '.join(defined)}; put the logic in the package"


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_cell_is_short(name):
    for index, source in code_cells(name):
        lines = [line for line in source.splitlines() if line.strip()]
        assert len(lines) <= LONGEST_CELL, f"{name}, cell {index}: {len(lines)} lines (at most {LONGEST_CELL})"


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_opens_with_its_result_box_before_any_code(name):
    notebook = jupytext.read(NOTEBOOK_DIR / f"{name}.md")
    first_code = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    opening = "\n".join(cell.source for cell in notebook.cells[:first_code] if cell.cell_type == "markdown")
    assert "{admonition} What this chapter finds" in opening and "{glue:md} results" in opening, \
        f"{name}: open with the result box (glued from findings.result_box()) before any code"
    assert 'glue("results", findings.result_box())' in "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
