"""NAS-Bench-Graph importer: reads the nine shipped files through the allow-list, checks them, and
refuses crafted, damaged or altered files and unknown dataset names with one line naming the file."""

from __future__ import annotations

import importlib.util
import os
import pickle

import numpy as np
import pytest

from nascompanion.data import restricted_pickle
from nascompanion.data.benchmark import BenchmarkDataError
from nascompanion.data.nasbench_graph import (
    DATASETS,
    NAS_BENCH_GRAPH,
    bench_path,
    load_graph_dataset,
    read_bench,
)
from nascompanion.spaces.graph_nas import graph_nas_space

INSTALL = "nas-bench-graph is not installed; install it with: .venv/bin/pip install nas-bench-graph==1.4.0 --no-deps"


@pytest.fixture(autouse=True)
def package_installed():
    """Every test here needs the package's files; without it they fail saying how to install it."""
    try:
        found = importlib.util.find_spec("nas_bench_graph") is not None
    except ImportError:
        found = False
    if not found:
        pytest.fail(INSTALL, pytrace=False)


def raw_entries(dataset: str = "proteins") -> dict:
    """The decoded entries of a shipped file (through the allow-list), to alter in tests."""
    return restricted_pickle.loads(bench_path(dataset).read_bytes(), NAS_BENCH_GRAPH)


def write(tmp_path, data) -> os.PathLike:
    path = tmp_path / "proteins.bench"
    path.write_bytes(pickle.dumps(data))
    return path


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_dataset_reads_one_row_per_distinct_architecture(dataset):
    data = load_graph_dataset(dataset)
    space = graph_nas_space("proteins" if dataset == "proteins" else "full")
    np.testing.assert_array_equal(data.keys, space.keys)
    for column in (data.validation, data.test, data.latency, data.parameters):
        assert column.shape == (space.size,) and np.isfinite(column).all()
    assert (data.validation > 1).all() and (data.validation <= 100).all()
    assert (data.test > 1).all() and (data.test <= 100).all()
    assert (data.latency > 0).all() and (data.parameters > 0).all()


@pytest.mark.parametrize("dataset", DATASETS)
def test_accuracies_match_the_file_in_percent_and_rounding_merges_only_float_noise(dataset):
    entries = raw_entries(dataset)
    data = load_graph_dataset(dataset)
    key = int(data.keys[len(data.keys) // 2])
    assert data.validation[len(data.keys) // 2] == pytest.approx(100 * entries[key]["valid_perf"], abs=1e-9)
    assert data.test[len(data.keys) // 2] == pytest.approx(100 * entries[key]["perf"], abs=1e-9)
    for column in (data.validation, data.test):
        assert len(np.unique(np.round(column, 6))) == len(np.unique(column))


def test_a_crafted_pickle_is_refused_before_anything_runs(tmp_path):
    class Shell:
        def __reduce__(self):
            return (os.system, ("echo never",))

    path = write(tmp_path, {1111: Shell()})
    with pytest.raises(BenchmarkDataError, match=rf"^{tmp_path}.*proteins\.bench: refused to unpickle .*system"):
        read_bench(path, "proteins")


def test_a_damaged_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "proteins.bench"
    path.write_bytes(bench_path("proteins").read_bytes()[:5000])
    with pytest.raises(BenchmarkDataError, match=rf"^{path}: not a readable NAS-Bench-Graph \.bench file"):
        read_bench(path, "proteins")


def test_a_missing_file_is_refused_naming_it(tmp_path):
    with pytest.raises(BenchmarkDataError, match="nothing.bench: file not found"):
        read_bench(tmp_path / "nothing.bench", "proteins")


def test_a_missing_architecture_is_refused(tmp_path):
    entries = raw_entries()
    entries.pop(min(entries))
    with pytest.raises(BenchmarkDataError, match=r"proteins\.bench: holds 2020 architectures, the proteins space has 2021"):
        read_bench(write(tmp_path, entries), "proteins")


def test_an_architecture_outside_the_space_is_refused(tmp_path):
    entries = raw_entries()
    entries[10000] = entries[min(entries)]  # gat is not one of proteins' operations
    with pytest.raises(BenchmarkDataError, match=r"not in the space \[10000\]"):
        read_bench(write(tmp_path, entries), "proteins")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("valid_perf", 1.5, r"valid_perf of architecture 1111 is 1.5, outside \[0, 1\]"),
        ("perf", -0.1, r"perf of architecture 1111 is -0.1, outside \[0, 1\]"),
        ("latency", 0.0, "latency of architecture 1111 is 0.0, not positive"),
        ("para", -2.0, "para of architecture 1111 is -2.0, not positive"),
        ("valid_perf", float("nan"), "field 'valid_perf' is nan, not a finite number"),
        ("perf", "0.8", "field 'perf' is str, not a number"),
        ("para", True, "field 'para' is bool, not a number"),
    ],
)
def test_a_value_out_of_range_or_not_a_number_is_refused(tmp_path, field, value, message):
    entries = raw_entries()
    entries[1111] = {**entries[1111], field: value}
    with pytest.raises(BenchmarkDataError, match=rf"proteins\.bench: .*{message}"):
        read_bench(write(tmp_path, entries), "proteins")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "holds a list, not a dict of architectures"),
        ({"1111": {}}, "key '1111' is not an integer architecture key"),
        ({1111: {"perf": 0.5}}, "entry 1111 holds \\['perf'\\], not the fields"),
    ],
)
def test_a_file_of_another_shape_is_refused(tmp_path, data, message):
    with pytest.raises(BenchmarkDataError, match=message):
        read_bench(write(tmp_path, data), "proteins")


def test_unknown_dataset_is_refused_listing_the_allowed_ones():
    with pytest.raises(ValueError, match="unknown NAS-Bench-Graph dataset 'Cora'; allowed: cora, citeseer, pubmed, cs, "
                                         "physics, photo, computers, arxiv, proteins"):
        load_graph_dataset("Cora")
