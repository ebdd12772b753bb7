"""The data layer stands below the layers that compute on it, and loads without the heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "nascompanion" / "data"
ABOVE_DATA = ("book", "claims", "compare", "landscape", "related", "search", "theory", "train")
"""Layers that read benchmarks; a data module importing one of them would run back up."""


def _package_imports(path: Path) -> set[str]:
    """Every ``nascompanion`` module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nascompanion"):
            found |= {f"{node.module}.{alias.name}" if node.module == "nascompanion" else node.module
                      for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("nascompanion")}
    return found


@pytest.mark.parametrize("path", sorted(DATA.glob("*.py")), ids=lambda p: p.name)
def test_no_data_module_imports_a_layer_above_it(path):
    upward = sorted(m for m in _package_imports(path) if m.split(".")[1] in ABOVE_DATA)
    assert not upward, f"{path.name} imports {upward}"


def test_the_import_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from nascompanion.landscape.noise import batched_stats\n")
    assert _package_imports(module) == {"nascompanion.landscape.noise"}


LOADED = """
import sys
import nascompanion.data, nascompanion.data.analognas, nascompanion.data.digits
above = {f"nascompanion.{layer}" for layer in sys.argv[1:]}
print(*sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "matplotlib") or ".".join(m.split(".")[:2]) in above))
"""
"""Prints the heavy libraries and the layers above data that importing the data layer has loaded."""


def test_importing_the_data_layer_loads_neither_torch_nor_matplotlib_nor_a_layer_above():
    loaded = subprocess.run([sys.executable, "-c", LOADED, *ABOVE_DATA], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == []
