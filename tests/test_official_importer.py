"""Tests of the importer for official NAS-Bench-201 ``.pth`` files.

The official files are 2-5 GB, so ``official_fixture`` writes files of the same
layout with ``nas_201_api``'s own classes. The full-size fixture is written once per
test run (15-40 s, depending on machine load) in pytest's temporary folder. Files are
unpickled with an allow-list; crafted files that name other globals must not run code.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from nas_201_api import NASBench201API
from nas_201_api.api_utils import ArchResults, ResultsCount

sys.path.insert(0, str(Path(__file__).resolve().parent))
import official_fixture as fx  # noqa: E402
from importer_shared import RunsShell, imported_once  # noqa: E402

from nascompanion import objectives  # noqa: E402
from conftest import needs_tables, table_folder  # noqa: E402
from nascompanion.config import CACHE_ENV  # noqa: E402
from nascompanion.data import find_source, load_benchmark, official  # noqa: E402
from nascompanion.data import restricted_pickle as rp  # noqa: E402
from nascompanion.data.benchmark import (  # noqa: E402
    DATASETS,
    OPTIMUM_TOLERANCE,
    PUBLISHED_OPTIMA,
    BenchmarkDataError,
)
from nascompanion.data.official import load_official, read_full_entry  # noqa: E402
from nascompanion.data.tables import load_tables  # noqa: E402
from nascompanion.spaces import nb201  # noqa: E402

METRIC_SETS = [
    ("cifar10-valid", "validation", "x-valid"),
    ("cifar10-valid", "test", "ori-test"),
    ("cifar10", "test", "ori-test"),
    ("cifar100", "validation", "x-valid"),
    ("cifar100", "test", "x-test"),
    ("ImageNet16-120", "validation", "x-valid"),
    ("ImageNet16-120", "test", "x-test"),
]
"""(dataset, benchmark metric, NB201 eval set) the importer must map."""




@pytest.fixture(scope="session")
def official_file(tmp_path_factory: pytest.TempPathFactory) -> fx.OfficialFixture:
    """A full-size official-format file whose seed means are NB201's (the tables that ship with the package)."""
    return fx.shared_fixture(tmp_path_factory)


@pytest.fixture(scope="session")
def cache_folder(official_file: fx.OfficialFixture, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache folder the fixture was imported through (shared with the importer contract)."""
    return imported_once("official-cache", tmp_path_factory, official_file.path)[1]


@pytest.fixture(scope="session")
def imported(official_file: fx.OfficialFixture, tmp_path_factory: pytest.TempPathFactory):
    """The fixture imported once through the public ``load_benchmark`` (a cache miss)."""
    return imported_once("official-cache", tmp_path_factory, official_file.path)[0]


def _assert_raises_naming(path: Path, *phrases: str) -> BenchmarkDataError:
    with pytest.raises(BenchmarkDataError) as caught:
        load_official(path)
    message = str(caught.value)
    assert str(path) in message
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"
    assert gc.isenabled(), "the importer must switch the garbage collector back on"
    return caught.value


# ---------------------------------------------------------------- reading values


@pytest.mark.parametrize(("dataset", "metric", "eval_set"), METRIC_SETS)
def test_per_seed_values_round_trip_from_official_format(imported, official_file, dataset, metric, eval_set):
    values = imported.accuracy(dataset, metric)
    assert imported.is_per_seed(dataset)
    assert values.shape == (nb201.N_ARCHS, len(fx.SEEDS))
    np.testing.assert_array_equal(values, official_file.full[(dataset, eval_set)])


def test_seed_columns_follow_sorted_seeds_with_nan_for_missing(imported, official_file):
    for dataset in DATASETS:
        counts = np.array([len(s) for s in official_file.seeds[dataset]])
        np.testing.assert_array_equal(imported.seed_counts(dataset, "test"), counts)
    assert {len(s) for s in official_file.seeds["cifar10"]} == {1, 2, 3}


def test_importer_reads_200_epoch_not_12_epoch_results(imported, official_file):
    values = imported.validation_accuracy("cifar10-valid")
    full = official_file.full[("cifar10-valid", "x-valid")]
    less = official_file.less[("cifar10-valid", "x-valid")]
    present = ~np.isnan(full)
    assert not np.any(np.isclose(full[present], less[present])), "fixture must tell the two apart"
    np.testing.assert_array_equal(values, full)
    assert "200 epochs" in imported.metric_name("cifar10-valid", "validation")


def test_cifar10_has_test_but_no_validation_metric(imported):
    assert not imported.has_metric("cifar10", "validation")
    with pytest.raises(ValueError, match="validation accuracy of 'cifar10'"):
        imported.validation_accuracy("cifar10")
    assert "ori-test" in imported.metric_name("cifar10", "test")
    assert "x-test" in imported.metric_name("cifar100", "test")
    assert "x-valid" in imported.metric_name("ImageNet16-120", "validation")


def test_provenance_names_file_checksum_version_and_epochs(imported, official_file):
    provenance = imported.provenance
    assert provenance.kind == "nb201-official"
    assert provenance.sources == (str(official_file.path),)
    digest = hashlib.md5(official_file.path.read_bytes()).hexdigest()
    assert provenance.checksums == {fx.FIXTURE_NAME: f"md5:{digest}"}
    notes = " ".join(provenance.notes)
    assert "v1.1" in notes and "200-epoch" in notes and "Per seed" in notes


def test_seed_noise_is_estimated_from_seeds_where_there_is_a_validation_split(imported):
    for dataset in ("cifar10-valid", "cifar100", "ImageNet16-120"):
        noise = imported.dataset(dataset).seed_noise
        assert noise is not None and 0 < noise.sigma < 1 and noise.n > 1000
    assert imported.dataset("cifar10").seed_noise is None


def test_standard_objective_draws_one_seed_per_cell_from_official_import(imported):
    values = imported.validation_accuracy("cifar10-valid")
    losses = objectives.losses(imported, "cifar10-valid", "standard", rng=np.random.default_rng(0))
    assert np.all(np.any(np.isclose(100.0 - losses[:, None], values), axis=1))
    denoised = objectives.losses(imported, "cifar10-valid", "denoised")
    several = imported.seed_counts("cifar10-valid") > 1
    assert np.mean(losses[several] != denoised[several]) > 0.99


# ---------------------------------------------------------------- agreement with nas_201_api


@pytest.fixture(scope="module")
def small_official_dict(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, fx.OfficialFixture]:
    """A 40-cell official-format dict, written with ``torch.save`` and read back."""
    path = tmp_path_factory.mktemp("small") / "small.pth"
    info = fx.write_small_fixture(path, n_archs=40, rng=np.random.default_rng(7))
    return official.read_official_file(path), info  # nas_201_api's classes' files pass the allow-list


def test_reader_agrees_with_nas_201_api_get_metrics(small_official_dict):
    data, _ = small_official_dict
    for index, arch in enumerate(data["meta_archs"]):
        ours = read_full_entry(data["arch2infos"][index]["full"], arch)
        results = ArchResults.create_from_state_dict(data["arch2infos"][index]["full"])
        for dataset, metric, eval_set in METRIC_SETS:
            seeds = results.get_dataset_seeds(dataset)
            theirs = [results.get_metrics(dataset, eval_set, is_random=seed)["accuracy"] for seed in seeds]
            assert ours[(dataset, metric)] == theirs
            mean = results.get_metrics(dataset, eval_set, is_random=False)["accuracy"]
            assert np.mean(ours[(dataset, metric)]) == pytest.approx(mean, abs=1e-12)


def test_reader_agrees_with_nas_201_api_on_hp_200_and_differs_from_its_12_epoch_default(small_official_dict):
    data, _ = small_official_dict
    api = NASBench201API(data, verbose=False)
    for index in range(len(data["meta_archs"])):
        ours = read_full_entry(data["arch2infos"][index]["full"], data["meta_archs"][index])
        seeds = api.arch2infos_dict[index]["200"].get_dataset_seeds("cifar10-valid")
        for column, seed in enumerate(seeds):
            info200 = api.get_more_info(index, "cifar10-valid", hp="200", is_random=seed)
            info12 = api.get_more_info(index, "cifar10-valid", is_random=seed)  # nas_201_api's default: hp='12'
            assert ours[("cifar10-valid", "validation")][column] == info200["valid-accuracy"]
            assert ours[("cifar10-valid", "test")][column] == info200["test-accuracy"]
            assert info12["valid-accuracy"] != info200["valid-accuracy"]


def test_reader_takes_the_last_of_200_epochs_when_every_epoch_is_stored():
    arch = nb201.arch_strings()[0]
    results = ArchResults(0, arch)
    for dataset, sets in fx.EVAL_SETS.items():
        for seed in (999, 777):  # added out of order; columns follow sorted seeds
            run = ResultsCount(dataset, None, None, None, 0.5, 50.0, None, seed, 200, None)
            keys = [f"{name}@{epoch}" for name in sets for epoch in range(200)]
            accs = {key: seed / 20 if key.endswith("@199") else 1.0 for key in keys}  # an accuracy in [0, 100]
            run.update_eval(accs, dict.fromkeys(keys, 1.0), dict.fromkeys(keys, 0.5))
            results.update(dataset, seed, run)
    ours = read_full_entry(results.state_dict(), arch)
    assert ours[("cifar100", "validation")] == [777 / 20, 999 / 20]
    assert ours[("cifar100", "validation")] == [
        results.get_metrics("cifar100", "x-valid", is_random=seed)["accuracy"] for seed in (777, 999)
    ]


# ---------------------------------------------------------------- public API and cache


def test_load_benchmark_imports_official_file_and_second_load_comes_from_cache(
    imported, official_file, cache_folder, monkeypatch
):
    monkeypatch.setenv(CACHE_ENV, str(cache_folder))
    assert list(cache_folder.glob("benchmark-nb201-official-*.npz")), "first load must write the cache"

    def no_import(path):
        raise AssertionError(f"{path} was imported again instead of read from the cache")

    monkeypatch.setattr(official, "load_official", no_import)
    for source in (official_file.path, official_file.path.parent):  # the file, or a folder holding it
        again = load_benchmark(source)
        assert again.provenance == imported.provenance
        for dataset, metric, _ in METRIC_SETS:
            assert again.is_per_seed(dataset)
            np.testing.assert_array_equal(again.accuracy(dataset, metric), imported.accuracy(dataset, metric))
            assert again.metric_name(dataset, metric) == imported.metric_name(dataset, metric)


def test_folder_with_an_official_file_is_read_by_the_official_importer(tmp_path):
    path = tmp_path / fx.FIXTURE_NAME
    path.write_bytes(b"")
    assert find_source(tmp_path) == ("nb201-official", path)


def test_zip_format_files_are_memory_mapped(tmp_path, monkeypatch):
    path = tmp_path / "zip.pth"
    fx.save({"something": 1}, path, zipfile=True)
    calls = []
    real_load = torch.load

    def recording_load(*args, **kwargs):
        calls.append(kwargs)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", recording_load)
    _assert_raises_naming(path, "missing key(s)")
    assert calls[0]["mmap"] is True
    assert calls[0]["pickle_module"] is official.PICKLE_MODULE and calls[0]["weights_only"] is False


# ---------------------------------------------------------------- shared data


@pytest.mark.data
@needs_tables
def test_published_optima_pass_validation_with_shared_table_means(imported, official_file):
    tables = load_tables(table_folder())
    for (dataset, metric), published in PUBLISHED_OPTIMA.items():
        means = np.nanmean(imported.accuracy(dataset, metric), axis=1)
        np.testing.assert_allclose(means, tables.accuracy(dataset, metric)[:, 0], rtol=0, atol=1e-9)
        assert abs(means.max() - published) <= OPTIMUM_TOLERANCE


@pytest.mark.data
@needs_tables
def test_mean_only_never_passes_as_per_seed(imported, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    for use_cache in (False, True, True):  # import, then write and read the cache
        tables = load_benchmark(table_folder(), use_cache=use_cache)
        assert tables.provenance.kind == "nb201-tables"
        for dataset in tables.datasets:
            assert not tables.is_per_seed(dataset)
            assert tables.test_accuracy(dataset).shape == (nb201.N_ARCHS, 1)
            assert "seed per column" not in tables.metric_name(dataset, "test")
    for dataset in imported.datasets:
        assert imported.is_per_seed(dataset)
        assert "one training seed per column" in imported.metric_name(dataset, "test")


# ---------------------------------------------------------------- errors (no shared data needed)


def test_missing_file_raises_error_naming_file(tmp_path):
    _assert_raises_naming(tmp_path / fx.FIXTURE_NAME, "file not found")


def test_non_torch_file_raises_clear_error(tmp_path):
    path = tmp_path / fx.FIXTURE_NAME
    path.write_text("arch_str,valid-accuracy\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10.0\n")
    _assert_raises_naming(path, "cannot be read as a torch file", "truncated or corrupt?")


@pytest.mark.parametrize("zip_format", [False, True], ids=["legacy-format", "zip-format"])
@pytest.mark.parametrize("keep", [0.0, 0.5, 0.99])
def test_truncated_file_raises_error_naming_file(tmp_path, zip_format, keep):
    path = tmp_path / fx.FIXTURE_NAME
    fx.write_broken_fixture(path, lambda entry: None, zipfile=zip_format)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    _assert_raises_naming(path, "truncated or corrupt?")


def test_file_holding_something_other_than_a_dict_rejected(tmp_path):
    path = tmp_path / fx.FIXTURE_NAME
    fx.save(list(nb201.arch_strings()), path)
    _assert_raises_naming(path, "holds a list", "not the dict")


def test_missing_keys_named_in_error(tmp_path):
    path = tmp_path / fx.FIXTURE_NAME
    fx.save({"meta_archs": list(nb201.arch_strings()), "arch2infos_v2": {}}, path)
    _assert_raises_naming(path, "missing key(s) arch2infos, evaluated_indexes", "found: 'meta_archs', 'arch2infos_v2'")


def test_wrong_architecture_count_rejected(tmp_path):
    path = tmp_path / fx.FIXTURE_NAME
    fx.write_small_fixture(path, n_archs=10)
    _assert_raises_naming(path, "10 architectures, expected 15625")


def test_results_for_too_few_architectures_rejected(tmp_path):
    path = tmp_path / fx.FIXTURE_NAME
    data, _ = fx.build_official_dict(None, np.random.default_rng(0), n_archs=3)
    data["meta_archs"] = list(nb201.arch_strings())
    fx.save(data, path)
    _assert_raises_naming(path, "arch2infos holds results for 3 architectures")


def test_results_not_keyed_by_architecture_index_rejected(tmp_path):
    data, _ = fx.build_official_dict(None, np.random.default_rng(0), n_archs=1)
    entry = data["arch2infos"][0]
    data["meta_archs"] = list(nb201.arch_strings())
    data["arch2infos"] = dict.fromkeys(map(str, range(nb201.N_ARCHS)), entry)
    path = tmp_path / fx.FIXTURE_NAME
    fx.save(data, path)
    _assert_raises_naming(path, "arch2infos has no entry for architecture 0", "'0', '1'")


def test_architectures_out_of_nb201_order_rejected(tmp_path):
    def swap(archs: list) -> None:
        archs[3], archs[4] = archs[4], archs[3]

    path = fx.write_broken_fixture(tmp_path / fx.FIXTURE_NAME, lambda entry: None, swap)
    _assert_raises_naming(path, "meta_archs[3]", "NB201 index order")


@pytest.mark.parametrize("zip_format", [False, True], ids=["legacy-format", "zip-format"])
def test_entry_without_200_epoch_results_rejected(tmp_path, zip_format):
    path = tmp_path / fx.FIXTURE_NAME
    fx.write_broken_fixture(path, lambda entry: entry.pop("full"), zipfile=zip_format)
    _assert_raises_naming(path, "architecture 0 has no 200-epoch ('full') results", "found: 'less'")


def test_entry_missing_a_dataset_rejected(tmp_path):
    def drop_imagenet(entry: dict) -> None:
        full = entry["full"]
        seeds = full["dataset_seed"].pop("ImageNet16-120")
        for seed in seeds:
            del full["all_results"][("ImageNet16-120", seed)]

    path = fx.write_broken_fixture(tmp_path / fx.FIXTURE_NAME, drop_imagenet)
    _assert_raises_naming(path, "architecture 0", "no 200-epoch results for dataset(s) ImageNet16-120")


def test_12_epoch_results_filed_as_full_rejected(tmp_path):
    def twelve_epochs(entry: dict) -> None:
        for run in entry["full"]["all_results"].values():
            run["epochs"] = 12

    path = fx.write_broken_fixture(tmp_path / fx.FIXTURE_NAME, twelve_epochs)
    _assert_raises_naming(path, "architecture 0", "12 epochs", "expected 200")


def test_entry_for_another_architecture_rejected(tmp_path):
    def other_arch(entry: dict) -> None:
        entry["full"]["arch_str"] = nb201.arch_strings()[1]

    path = fx.write_broken_fixture(tmp_path / fx.FIXTURE_NAME, other_arch)
    _assert_raises_naming(path, "architecture 0", "results are for", "meta_archs says")


def test_malformed_entry_rejected(tmp_path):
    def no_results(entry: dict) -> None:
        del entry["full"]["all_results"]

    path = fx.write_broken_fixture(tmp_path / fx.FIXTURE_NAME, no_results)
    _assert_raises_naming(path, "architecture 0: malformed 'full' results", "all_results")


# ---------------------------------------------------------------- allow-list unpickling




def _write_crafted(path: Path, marker: Path, layout: str) -> None:
    if layout == "raw-pickle":
        path.write_bytes(pickle.dumps(RunsShell(marker), protocol=4))
    else:
        crafted = {"meta_archs": RunsShell(marker), "arch2infos": {}, "evaluated_indexes": set()}
        fx.save(crafted, path, zipfile=layout == "zip-format")


@pytest.mark.parametrize("layout", ["legacy-format", "zip-format", "raw-pickle"])
def test_crafted_pth_cannot_run_code(tmp_path, monkeypatch, layout):
    path, marker = tmp_path / fx.FIXTURE_NAME, tmp_path / "code-ran"
    _write_crafted(path, marker, layout)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    for load in (load_benchmark, load_official):  # load_benchmark is what `nascompanion data check` runs
        with pytest.raises(BenchmarkDataError) as caught:
            load(path)
        message = str(caught.value)
        assert str(path) in message
        assert f"refused to unpickle {os.system.__module__}.system" in message
        assert "allowed: __builtin__.set, _codecs.encode, builtins.set, collections.OrderedDict" in message
        assert not marker.exists(), "the crafted pickle ran its command"
    assert gc.isenabled()


@pytest.mark.parametrize(
    "numpy_module", ["numpy._core.multiarray", "numpy.core.multiarray"], ids=["written-by-numpy-2", "written-by-numpy-1"]
)
def test_numpy_scalars_in_an_official_file_are_allowed(tmp_path, numpy_module):
    """NB201's results hold numpy scalars (e.g. ``params``); files written with numpy 1 name ``numpy.core``."""
    values = [np.float64(0.5), np.float32(1.25), np.int64(3), np.bool_(True)]
    path = tmp_path / "numpy.pth"
    fx.save({"params": values, "hp": {"12", "200"}}, path)  # legacy format, protocol 2, as the official files
    data = path.read_bytes()
    assert data.count(b"numpy._core.multiarray\n") > 0
    path.write_bytes(data.replace(b"numpy._core.multiarray\n", f"{numpy_module}\n".encode()))
    back = official.read_official_file(path)
    assert back == {"params": values, "hp": {"12", "200"}}
    assert [type(v) for v in back["params"]] == [type(v) for v in values]


def test_numpy_scalar_of_object_dtype_in_an_official_file_is_refused(tmp_path):
    class ObjectScalar:
        def __reduce__(self):
            return (rp._numpy_scalar, (np.dtype(object), "anything"))

    path = tmp_path / fx.FIXTURE_NAME
    fx.save({"meta_archs": ObjectScalar()}, path)
    _assert_raises_naming(path, "refused numpy scalar of dtype dtype('O')", "does not need that")


def test_forced_torch_weights_only_load_gets_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / fx.FIXTURE_NAME
    fx.save({"meta_archs": []}, path)
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    _assert_raises_naming(path, "TORCH_FORCE_WEIGHTS_ONLY_LOAD='1'", "unset it")
