"""Lower layers import no higher one: data does not import the objectives, and the search registry
imports no analysis of related approaches (their searches live in ``nascompanion.search``).

Each check imports in a fresh interpreter, so modules other tests loaded do not hide an import.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_layers(*modules: str) -> set[str]:
    code = (f"import sys, {', '.join(modules)}\n"
            "print(' '.join(sorted({m.split('.')[1] for m in sys.modules if m.startswith('nascompanion.')})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", ["nascompanion.data", "nascompanion.data.summary",
                                    "nascompanion.data.seed_noise", "nascompanion.data.seed_counts"])
def test_the_data_layer_loads_no_objective(module):
    assert "objectives" not in _loaded_layers(module)


def test_the_objectives_and_the_search_registry_load_nothing_above_search():
    layers = _loaded_layers("nascompanion.objectives", "nascompanion.objectives.tables", "nascompanion.search.registry")
    assert layers <= {"config", "data", "objectives", "report", "results", "search", "spaces"}, layers
