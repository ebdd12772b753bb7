"""Chapters hold the story and call the package: cells that define nothing, and what a reader sees of the code is
short, unclipped, one statement a line, and outweighed by the prose."""

import ast

import jupytext
import pytest

from nascompanion.book.runner import CHAPTERS, NOTEBOOK_DIR

from nascompanion.book.readability import LONGEST_LINE, measure

PROSE_PER_CODE = 2.0
"""Rendered lines of prose a chapter has at least for each visible line of code."""


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
def test_no_visible_code_line_is_clipped(name):
    long = measure(jupytext.read(NOTEBOOK_DIR / f"{name}.md")).long_lines
    assert not long, f"{name}: {len(long)} visible code lines over {LONGEST_LINE} characters, e.g. {long[0]!r}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_visible_code_has_one_statement_a_line(name):
    joined = measure(jupytext.read(NOTEBOOK_DIR / f"{name}.md")).joined
    assert joined == 0, f"{name}: {joined} visible lines join statements with ';'"


@pytest.mark.parametrize("name", CHAPTERS)
def test_prose_outweighs_visible_code(name):
    m = measure(jupytext.read(NOTEBOOK_DIR / f"{name}.md"))
    assert m.prose_per_code >= PROSE_PER_CODE, (
        f"{name}: {m.prose_lines:.0f} lines of prose for {m.code_lines} visible lines of code "
        f"({m.prose_per_code:.2f} per line, at least {PROSE_PER_CODE}); hide plumbing with remove-input")


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_opens_with_its_result_box_before_any_code(name):
    notebook = jupytext.read(NOTEBOOK_DIR / f"{name}.md")
    first_code = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    opening = "\n".join(cell.source for cell in notebook.cells[:first_code] if cell.cell_type == "markdown")
    assert "{admonition} What this chapter finds" in opening and "{glue:md} results" in opening, \
        f"{name}: open with the result box (glued from findings.result_box()) before any code"
    assert 'glue("results", findings.result_box())' in "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
