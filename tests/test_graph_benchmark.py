"""NAS-Bench-Graph as a benchmark: load_benchmark("nas-bench-graph"), its spaces, its validation and cache."""

import dataclasses

import numpy as np
import pytest

from nascompanion.data import load_benchmark, locate
from nascompanion.data.benchmark import Benchmark, BenchmarkDataError, DatasetResults, validate
from nascompanion.data import nasbench_graph
from nascompanion.data.nasbench_graph import DATASETS, load_graph_dataset
from nascompanion.spaces.graph_nas import SPACE_SIZES, graph_nas_space, graph_space
from nascompanion.spaces.table import one_hot


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NASCOMPANION_CACHE", str(cache))
        first = load_benchmark("nas-bench-graph")
        again = load_benchmark("nas-bench-graph")     # from the cache entry the first load wrote
        assert len(list(cache.glob("benchmark-nas-bench-graph-*.npz"))) == 1
    return first, again


def test_one_dataset_per_graph_dataset_named_as_the_package_names_them(bench):
    assert bench[0].datasets == DATASETS
    assert locate("nas-bench-graph").kind == "nas-bench-graph"


@pytest.mark.parametrize("dataset", ["cora", "proteins"])
def test_accuracies_are_the_files_in_percent_one_column_of_seed_means(bench, dataset):
    for b in bench:
        data = load_graph_dataset(dataset)
        assert not b.is_per_seed(dataset)
        np.testing.assert_array_equal(b.validation_accuracy(dataset)[:, 0], data.validation)
        np.testing.assert_array_equal(b.test_accuracy(dataset)[:, 0], data.test)
        assert b.accuracy(dataset, "validation").max() > 1.0


def test_each_dataset_lives_in_its_space_proteins_in_its_own(bench):
    for b in bench:
        assert {d: b.space_name(d) for d in ("cora", "arxiv", "proteins")} == {"cora": "full", "arxiv": "full",
                                                                             "proteins": "proteins"}
        assert b.size("proteins") == b.space("proteins").size == 2021
        assert b.size("cora") == b.space("cora").size == 26206
        assert b.space("cora").names[:2] == tuple(str(k) for k in load_graph_dataset("cora").keys[:2])
        assert b.arch_strings == ()


def test_nb201_benchmarks_live_in_nb201s_space():
    nb = load_benchmark("nb201")
    assert nb.space_name("cifar10") == "nb201" and nb.space("cifar10").size == nb.size("cifar10") == 15625


def test_latency_and_parameters_are_extra_columns(bench):
    data = load_graph_dataset("citeseer")
    np.testing.assert_array_equal(nasbench_graph.extra_column(bench[1], "citeseer", "latency"), data.latency)
    np.testing.assert_array_equal(nasbench_graph.extra_column(bench[1], "citeseer", "parameters"), data.parameters)
    with pytest.raises(ValueError, match="unknown column 'flops'; allowed: latency, parameters"):
        nasbench_graph.extra_column(bench[1], "citeseer", "flops")
    with pytest.raises(ValueError, match="no columns besides accuracy"):
        nasbench_graph.extra_column(load_benchmark("nb201"), "cifar10", "latency")


def test_a_graph_dataset_with_another_row_count_is_refused(bench):
    cora = bench[0].dataset("cora")
    short = dataclasses.replace(cora, validation=cora.validation[:-1], test=cora.test[:-1])
    broken = Benchmark({"cora": short}, bench[0].provenance)
    with pytest.raises(BenchmarkDataError, match=r"here: cora validation accuracy is of shape \(26205, 1\), "
                                                 r"expected \(26206, 1\)"):
        validate(broken, "here")


def test_an_nb201_dataset_with_another_row_count_is_refused_as_before():
    nb = load_benchmark("nb201")
    results = nb.dataset("cifar10")
    short = DatasetResults("cifar10", None, results.test[:-1], results.validation_metric, results.test_metric, False)
    with pytest.raises(BenchmarkDataError, match="here: cifar10 test accuracy has 15624 rows, expected 15625"):
        validate(Benchmark({"cifar10": short}, nb.provenance), "here")


def test_the_stated_space_sizes_are_the_computed_ones():
    assert {name: graph_nas_space(name).size for name in SPACE_SIZES} == SPACE_SIZES


def test_the_graph_space_table_holds_the_csr_neighbourhood():
    csr, space = graph_nas_space("proteins"), graph_space("proteins")
    np.testing.assert_array_equal(space.degrees, csr.degrees())
    for v in (0, 1, 500, 2020):
        np.testing.assert_array_equal(space.neighbours(v), csr.indices[csr.indptr[v]:csr.indptr[v + 1]])
    assert 9 <= graph_space("full").degrees.min() and graph_space("full").degree == 124


def test_the_encoding_is_one_hot_operations_then_the_input_pattern():
    full = graph_space("full")
    encoded = one_hot(full.features)
    assert encoded.shape == (26206, 4 * 9 + 9)
    assert (encoded.sum(axis=1) == 5).all()
    proteins = one_hot(graph_space("proteins").features)
    assert proteins.shape == (2021, 4 * 5 + 9)
