"""List the package's functions longer than a limit (lines from ``def`` to the last line, docstring included).

    .venv/bin/python benchmarks/long_functions.py            # over 60 lines
    .venv/bin/python benchmarks/long_functions.py --limit 40
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "nascompanion"


def long_functions(limit: int) -> list[tuple[str, str, int]]:
    """``(file, function, lines)`` of every function of the package over ``limit`` lines, longest first."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > limit:
                    found.append((path.relative_to(PACKAGE.parent).as_posix(), node.name, lines))
    return sorted(found, key=lambda item: -item[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60)
    limit = parser.parse_args().limit
    found = long_functions(limit)
    for file, name, lines in found:
        print(f"{lines:4d}  {file}:{name}")
    print(f"{len(found)} functions over {limit} lines")


if __name__ == "__main__":
    main()
