"""Shared fixtures: the benchmark (the configured data, else the tables that ship with the
package), the CSV table folder where one is reachable, and the hypothesis profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from nascompanion.data import DataNotFoundError, find_source, load_benchmark

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

NO_TABLES_REASON = (
    "the NAS-Bench-201 CSV tables are not reachable: put them in ../shared/data/nb201 beside the "
    "repository, or set NASCOMPANION_DATA to a folder with them"
)


def table_folder() -> Path | None:
    """The folder of CSV tables the package would read by default, or ``None`` when it would
    fall back to the tables that ship with the package (as in a fresh clone)."""
    try:
        kind, path = find_source()
    except (DataNotFoundError, ValueError):
        return None
    return path if kind == "nb201-tables" else None


needs_tables = pytest.mark.skipif(table_folder() is None, reason=NO_TABLES_REASON)
"""For tests of the CSV importer itself, which need the CSV files."""


@pytest.fixture(scope="session")
def benchmark():
    """The NAS-Bench-201 benchmark the book would read (always present: the shipped tables at least)."""
    return load_benchmark()
