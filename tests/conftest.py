"""Shared fixtures: the real benchmark (skipped without data) and tiny in-memory ones."""

from __future__ import annotations

import pytest

from nascompanion.data import DataNotFoundError, find_source, load_benchmark

NO_DATA_REASON = (
    "NAS-Bench-201 data not found: put the shared tables in ../shared/data/nb201 beside the "
    "repository, or set NASCOMPANION_DATA to a folder with them or to an official .pth file"
)


def have_data() -> bool:
    try:
        find_source()
    except (DataNotFoundError, ValueError):
        return False
    return True


needs_data = pytest.mark.skipif(not have_data(), reason=NO_DATA_REASON)


@pytest.fixture(scope="session")
def benchmark():
    """The benchmark at the configured location (tests using it skip without data)."""
    if not have_data():
        pytest.skip(NO_DATA_REASON)
    return load_benchmark()
