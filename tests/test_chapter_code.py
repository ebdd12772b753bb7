"""Chapters tell the story and call the package: no analysis loop and no verdict rule is written in a chapter."""

import ast
from pathlib import Path

import nbformat
import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "book" / "chapters").glob("*.ipynb"))


def _code_cells(path: Path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        yield index, ast.parse(source)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_has_no_loop_statement(path):
    loops = [f"cell {index}, line {node.lineno}" for index, tree in _code_cells(path)
             for node in ast.walk(tree) if isinstance(node, (ast.For, ast.While, ast.AsyncFor))]
    assert not loops, f"{path.stem}: loops belong in the package: {', '.join(loops)}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_defines_no_rule_or_function(path):
    found = []
    for index, tree in _code_cells(path):
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found.append(f"cell {index}: a definition at line {node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Rule":
                found.append(f"cell {index}: Rule(...) at line {node.lineno}")
    assert not found, f"{path.stem}: rules and functions belong in nascompanion.claims: {'; '.join(found)}"
