"""Local dask workers, of the store's blocks and of the training grid, start with their thread counts and
without dask's memory-trim setting (which slowed the predictor's training 1.7 times), even where an earlier
cluster of the same process left that setting in its environment (dask's nanny writes it there)."""

from __future__ import annotations

import os

import pytest

from nascompanion.compare import dispatch
from nascompanion.config import local_worker_settings
from nascompanion.train import engine

distributed = pytest.importorskip("distributed")

NAMES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MALLOC_TRIM_THRESHOLD_")


def _environment() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in NAMES}


def _wanted(threads: str) -> dict[str, str | None]:
    return {**{name: threads for name in NAMES[:3]}, "MALLOC_TRIM_THRESHOLD_": None}


def test_the_training_grids_workers_start_with_their_threads_and_no_trim_setting(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")   # as an earlier dask cluster of this process leaves it
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    with engine.local_cluster(2, threads=1) as (client, options):
        seen = client.run(_environment)
    assert options.threads == 1 and len(seen) == 2
    assert all(environment == _wanted("1") for environment in seen.values())
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "65536" and os.environ["OMP_NUM_THREADS"] == "7"   # as it was


def test_the_stores_workers_start_with_one_thread_and_no_trim_setting(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    with dispatch.cluster(workers=2) as address, distributed.Client(address) as client:
        seen = client.run(_environment)
    assert len(seen) == 2 and all(environment == _wanted("1") for environment in seen.values())


def test_a_worker_setting_of_no_thread_is_refused():
    with pytest.raises(ValueError, match="threads must be an integer >= 1, got 0"):
        local_worker_settings(0)
