"""A chapter's parameters, checked before a kernel starts.

Every chapter opens with a ``parameters`` cell (names and defaults) and, in the
next code cell, checks them with :func:`nascompanion.book.notebook.check_choice` and
:func:`nascompanion.book.notebook.check_range`. This module reads both cells without
running them, so a bad value fails at once with the same one-line message the
chapter itself would give, and no papermill traceback.

>>> import jupytext
>>> from nascompanion.book.runner import NOTEBOOK_DIR
>>> notebook = jupytext.read(NOTEBOOK_DIR / "search_space.md")
>>> sorted(declared_parameters(notebook))
['data', 'dataset', 'scale', 'seed']
>>> check_parameters("search_space", notebook, {"dataset": "cifar1000"})
Traceback (most recent call last):
...
ValueError: parameter dataset='cifar1000' is not allowed; choose one of: 'cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120'
"""

from __future__ import annotations

import ast
import importlib
from typing import Any, Mapping

from nascompanion.book.notebook import check_choice, check_range

_CHECKS = {"check_choice": check_choice, "check_range": check_range}


def _parameters_cell_index(notebook: Any) -> int:
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return i
    raise ValueError("notebook has no cell tagged 'parameters'")


def declared_parameters(notebook: Any) -> dict[str, Any]:
    """``{name: default}`` of the notebook's ``parameters`` cell (defaults are literals)."""
    tree = ast.parse(notebook.cells[_parameters_cell_index(notebook)].source)
    return {
        target.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _imported_names(tree: ast.Module) -> dict[str, tuple[str, str]]:
    return {
        alias.asname or alias.name: (node.module, alias.name)
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


_ARITHMETIC = (ast.Expression, ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop)


def _value(node: ast.expr, imported: Mapping[str, tuple[str, str]]) -> Any:
    """A literal, arithmetic on literals (``2**32 - 1``), or a name the cell imports (``DATASETS``)."""
    if isinstance(node, ast.Name) and node.id in imported:
        module, attribute = imported[node.id]
        return getattr(importlib.import_module(module), attribute)
    expression = ast.Expression(node)
    if all(isinstance(n, _ARITHMETIC) for n in ast.walk(expression)):
        return eval(compile(expression, "<parameters>", "eval"), {"__builtins__": {}})
    return ast.literal_eval(node)


def _checks(notebook: Any) -> list[tuple[str, str, list[ast.expr], dict[str, tuple[str, str]]]]:
    """``(check, parameter, argument nodes, imports)`` of each check call in the first code cell after
    ``parameters`` that makes one; the imports of the cells up to it resolve the allowed values."""
    imported: dict[str, tuple[str, str]] = {}
    for cell in notebook.cells[_parameters_cell_index(notebook) + 1 :]:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        imported |= _imported_names(tree)
        found = [
            (node.func.id, node.args[1].id, node.args[2:], imported)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _CHECKS
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[1], ast.Name)
        ]
        if found:
            return found
    return []


def check_parameters(chapter: str, notebook: Any, parameters: Mapping[str, Any]) -> None:
    """Refuse unknown names, values of another type than the default, and values the chapter's checks reject.

    Raises
    ------
    ValueError
        One line naming the parameter and what is allowed.
    """
    declared = declared_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ValueError(
            f"chapter {chapter!r} has no parameter(s) {', '.join(unknown)}; its parameters: {', '.join(sorted(declared))}"
        )
    for name, value in parameters.items():
        default = declared[name]
        numeric = isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool)
        if default is not None and value is not None and type(value) is not type(default) and not numeric:
            raise ValueError(
                f"parameter {name}={value!r} must be of type {type(default).__name__}, like its default {default!r}"
            )
    values = {**declared, **parameters}
    for check, name, arguments, imported in _checks(notebook):
        if name in values:
            _CHECKS[check](name, values[name], *(_value(a, imported) for a in arguments))
    if values.get("data") is not None:
        from nascompanion.data import locate

        try:
            locate(values["data"])
        except (FileNotFoundError, ValueError) as err:
            raise ValueError(f"parameter data={values['data']!r}: {err}") from None
