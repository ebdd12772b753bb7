"""What a reader sees of a chapter's code: visible lines, their length, statements per line, prose beside them.

A code cell is *visible* unless its tags hide its source (``remove-cell``, ``remove-input``,
``hide-input``, ``hide-cell``: the last two fold it behind a toggle). Prose is counted in lines of
about twelve words, the width of a line of the rendered book.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [nbformat.v4.new_markdown_cell(" ".join(["word"] * 48)),
...             nbformat.v4.new_code_cell("x = 1; y = 2"),
...             nbformat.v4.new_code_cell("import numpy", metadata={"tags": ["remove-input"]})]
>>> m = measure(nb)
>>> m.prose_lines, m.code_lines, m.joined, m.prose_per_code
(4.0, 1, 1, 4.0)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

HIDING_TAGS: frozenset[str] = frozenset({"remove-cell", "remove-input", "hide-input", "hide-cell"})
"""Cell tags that keep a code cell's source off the rendered page (or fold it behind a toggle)."""

WORDS_PER_LINE = 12
"""Words in a rendered line of prose."""

LONGEST_LINE = 88
"""Characters a visible code line may have before the code box clips it."""


@dataclass(frozen=True)
class Readability:
    """Counts of one chapter's visible code and prose."""

    code_lines: int
    prose_lines: float
    long_lines: list[str] = field(default_factory=list)
    joined: int = 0

    @property
    def prose_per_code(self) -> float:
        """Rendered lines of prose per visible line of code (``inf`` with no visible code)."""
        return float("inf") if self.code_lines == 0 else self.prose_lines / self.code_lines


def visible(cell) -> bool:
    """Whether a code cell's source shows on the rendered page."""
    return cell.cell_type == "code" and not HIDING_TAGS & set(cell.metadata.get("tags", []))


def joined_statements(source: str) -> int:
    """How many lines of ``source`` hold more than one statement (``a = 1; b = 2``).

    Examples
    --------
    >>> joined_statements("a = 1; b = 2\\nc = [1,\\n     2]\\nif a: b = 3")
    2
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return 0
    starts: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            starts[node.lineno] = starts.get(node.lineno, 0) + 1
    return sum(1 for count in starts.values() if count > 1)


def measure(notebook) -> Readability:
    """The :class:`Readability` of a notebook (``nbformat`` or ``jupytext`` object)."""
    code = [cell.source for cell in notebook.cells if visible(cell)]
    lines = [line for source in code for line in source.splitlines() if line.strip()]
    words = sum(len(cell.source.split()) for cell in notebook.cells if cell.cell_type == "markdown")
    return Readability(code_lines=len(lines), prose_lines=words / WORDS_PER_LINE,
                       long_lines=[line for line in lines if len(line) > LONGEST_LINE],
                       joined=sum(joined_statements(source) for source in code))
