"""The package's layers, and the one rule between them: no module imports a module of a higher layer,
at the top or inside a function (a module may import its own layer and any layer below it).

Files are parsed, not imported, so the check is fast and sees every import inside a function; the one
fresh interpreter checks that importing the data layer loads neither torch nor matplotlib.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nascompanion"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("config", "report", "spaces"),
    ("data",),
    ("objectives",),
    ("results",),
    ("search",),
    ("compare",),
    ("landscape",),
    ("related", "theory"),
    ("claims", "train"),
    ("book",),
)
"""The parts of the package (its subpackages and top-level modules), from the bottom layer up.
The package's own ``__init__`` (only its version) stands below them all."""

LEVEL: dict[str | None, int] = {None: -1, **{part: i for i, parts in enumerate(LAYERS) for part in parts}}
"""Each part's layer; ``None`` is the package's ``__init__``."""

EXCEPTIONS: dict[tuple[str, str], str] = {
    ("nascompanion.data.cache", "results"):
        "the benchmark cache is written with the results layer's one atomic writer, keyed store and code "
        "digest, like every other cached thing; nascompanion.results imports nothing else of the package",
}
"""(importing module, part of a higher layer it imports): why that arrow runs up. Each one exists today."""


def module_name(path: Path) -> str:
    """The dotted name of the module in ``path`` (a package's ``__init__.py`` is the package)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module a ``from ... import`` names, relative ones resolved against ``importer``."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")[: len(importer.split(".")) + is_package - node.level]
    return ".".join(base + ([node.module] if node.module else []))


def package_imports(path: Path) -> set[tuple[str, bool]]:
    """Every ``nascompanion`` module ``path`` imports, with whether it is imported inside a function.

    ``from nascompanion.a import b`` imports ``nascompanion.a.b`` (a submodule or a name; only the part,
    ``a``, decides the layer).
    """
    importer = module_name(path)
    found: set[tuple[str, bool]] = set()

    def visit(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.ImportFrom):
                module = _absolute(child, importer, path.name == "__init__.py")
                found.update((f"{module}.{alias.name}", nested) for alias in child.names)
            elif isinstance(child, ast.Import):
                found.update((alias.name, nested) for alias in child.names)
            visit(child, nested)

    visit(ast.parse(path.read_text(), filename=str(path)), False)
    return {(name, nested) for name, nested in found if name.split(".")[0] == "nascompanion"}


def part_of(module: str) -> str | None:
    """The part of the package ``module`` belongs to; ``None`` for the package's ``__init__`` and its names."""
    name = module.split(".")[1] if "." in module else ""
    is_part = name and ((PACKAGE / name / "__init__.py").is_file() or (PACKAGE / f"{name}.py").is_file())
    return name if is_part else None


def upward_imports(path: Path) -> list[str]:
    """The imports in ``path`` of a module of a higher layer than its own, as ``'module (where)'``."""
    level = LEVEL[part_of(module_name(path))]
    return sorted(f"{name} ({'inside a function' if nested else 'at the top'})"
                  for name, nested in package_imports(path) if LEVEL[part_of(name)] > level)


def _arrows(part: str) -> dict[tuple[str, str], list[str]]:
    """Upward imports of the modules of ``part``: (module, part it imports) -> the imports."""
    files = sorted((PACKAGE / part).rglob("*.py")) if (PACKAGE / part).is_dir() else [PACKAGE / f"{part}.py"]
    arrows: dict[tuple[str, str], list[str]] = {}
    for path in files:
        for found in upward_imports(path):
            arrows.setdefault((module_name(path), part_of(found.split()[0])), []).append(found)
    return arrows


def test_every_part_of_the_package_has_a_layer():
    parts = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    parts |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert parts == set(LEVEL) - {None}


def test_the_package_init_imports_nothing_of_the_package():
    assert package_imports(PACKAGE / "__init__.py") == set()


@pytest.mark.parametrize("part", [part for parts in LAYERS for part in parts])
def test_no_module_imports_a_higher_layer(part):
    unexplained = {arrow: found for arrow, found in _arrows(part).items() if arrow not in EXCEPTIONS}
    assert not unexplained, "\n".join(f"{module} imports {', '.join(found)}"
                                      for (module, _), found in sorted(unexplained.items()))


@pytest.mark.parametrize("arrow", sorted(EXCEPTIONS), ids="->".join)
def test_each_listed_exception_still_runs_up(arrow):
    module, _ = arrow
    assert arrow in _arrows(module.split(".")[1]), f"{arrow} no longer exists: remove it from EXCEPTIONS"


def test_the_check_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    folder = tmp_path / "nascompanion" / "data"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (tmp_path / "nascompanion" / "landscape").mkdir()
    (tmp_path / "nascompanion" / "landscape" / "__init__.py").write_text("")
    module = folder / "m.py"
    module.write_text("from . import cache\n\ndef f():\n    from ..landscape.noise import batched_stats\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "nascompanion")
    assert package_imports(module) == {("nascompanion.data.cache", False),
                                       ("nascompanion.landscape.noise.batched_stats", True)}
    assert upward_imports(module) == ["nascompanion.landscape.noise.batched_stats (inside a function)"]


LOADED = """
import importlib, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.py")):
    importlib.import_module("nascompanion.data" + ("" if path.stem == "__init__" else "." + path.stem))
print(*sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "matplotlib")))
"""
"""Imports every module of the data layer and prints the modules of torch and matplotlib then loaded."""


def test_importing_the_data_layer_loads_neither_torch_nor_matplotlib():
    loaded = subprocess.run([sys.executable, "-c", LOADED, str(PACKAGE / "data")], capture_output=True, text=True,
                            check=True)
    assert loaded.stdout.split() == []
