import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import needs_tables, table_folder
from nascompanion.data import BenchmarkDataError, DataNotFoundError, load_benchmark
from nascompanion.data.tables import CIFAR10_VALID_FILE, TEST_FILE, load_tables


def shared_folder() -> Path:
    return table_folder()


def test_tables_give_mean_only_results_in_nb201_order(benchmark):
    assert benchmark.provenance.kind == "nb201-tables"
    assert benchmark.datasets == ("cifar10-valid", "cifar10", "cifar100", "ImageNet16-120")
    for dataset in benchmark.datasets:
        assert not benchmark.is_per_seed(dataset)
    assert benchmark.validation_accuracy("cifar10-valid").shape == (15625, 1)
    assert int(np.argmax(benchmark.validation_accuracy("cifar10-valid")[:, 0])) == 6111


def test_missing_validation_metric_is_refused_with_what_exists(benchmark):
    with pytest.raises(ValueError, match="available for 'cifar100': test"):
        benchmark.validation_accuracy("cifar100")


def test_unknown_dataset_lists_the_datasets(benchmark):
    with pytest.raises(ValueError, match="unknown dataset 'cifar1000'.*cifar10-valid, cifar10, cifar100"):
        benchmark.test_accuracy("cifar1000")


def test_provenance_records_checksums(benchmark):
    assert benchmark.provenance.checksums[CIFAR10_VALID_FILE] == "md5:7d9cf5bb8e443dfcf413deddf7c3b01e"
    assert benchmark.provenance.checksums[TEST_FILE] == "md5:644073c0daad5b1069becff769cfafa6"


def copy_tables(tmp_path: Path) -> Path:
    folder = tmp_path / "nb201"
    folder.mkdir()
    for name in (CIFAR10_VALID_FILE, TEST_FILE):
        shutil.copy(shared_folder() / name, folder / name)
    return folder


@needs_tables
def test_truncated_table_is_rejected_naming_the_file(tmp_path):
    folder = copy_tables(tmp_path)
    lines = (folder / TEST_FILE).read_text().splitlines(keepends=True)
    (folder / TEST_FILE).write_text("".join(lines[:5000]))
    with pytest.raises(BenchmarkDataError, match=f"{TEST_FILE}: 4999 rows, expected 15625"):
        load_tables(folder)


@needs_tables
def test_non_numeric_value_is_rejected_with_its_line(tmp_path):
    folder = copy_tables(tmp_path)
    text = (folder / CIFAR10_VALID_FILE).read_text().splitlines(keepends=True)
    fields = text[3].split(",")
    fields[13] = "n/a"
    text[3] = ",".join(fields)
    (folder / CIFAR10_VALID_FILE).write_text("".join(text))
    with pytest.raises(BenchmarkDataError, match="line 4: column valid-accuracy holds 'n/a'"):
        load_tables(folder)


@needs_tables
def test_shuffled_rows_are_rejected(tmp_path):
    folder = copy_tables(tmp_path)
    lines = (folder / TEST_FILE).read_text().splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    (folder / TEST_FILE).write_text("".join(lines))
    with pytest.raises(BenchmarkDataError, match="row 0 holds .* must be in NB201 index order"):
        load_tables(folder)


@needs_tables
def test_out_of_range_accuracy_is_rejected(tmp_path):
    folder = copy_tables(tmp_path)
    lines = (folder / TEST_FILE).read_text().splitlines(keepends=True)
    lines[1] = "185.0" + lines[1][lines[1].index(","):]
    (folder / TEST_FILE).write_text("".join(lines))
    with pytest.raises(BenchmarkDataError,
                       match=rf"{TEST_FILE}, line 2: column CIFAR10TestAccuracy200Epochs holds '185.0'; .*\[0, 100\]"):
        load_tables(folder)


def test_wrong_format_names_missing_columns(tmp_path):
    (tmp_path / CIFAR10_VALID_FILE).write_text("a,b\n1,2\n")
    (tmp_path / TEST_FILE).write_text("a,b\n1,2\n")
    with pytest.raises(BenchmarkDataError, match="missing column\\(s\\) arch_str, valid-accuracy"):
        load_tables(tmp_path)


def test_binary_garbage_is_rejected(tmp_path):
    (tmp_path / CIFAR10_VALID_FILE).write_bytes(bytes(range(256)) * 10)
    (tmp_path / TEST_FILE).write_bytes(b"\xff\xfe" * 100)
    with pytest.raises(BenchmarkDataError, match=CIFAR10_VALID_FILE):
        load_tables(tmp_path)


def test_missing_folder_says_how_to_get_data(tmp_path):
    with pytest.raises(DataNotFoundError, match="NASCOMPANION_DATA"):
        load_benchmark(tmp_path / "nowhere")


def test_folder_without_data_is_named(tmp_path):
    with pytest.raises(DataNotFoundError, match="holds no NAS-Bench-201 data"):
        load_benchmark(tmp_path)


def test_unknown_file_type_is_refused(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text("{}")
    with pytest.raises(BenchmarkDataError, match="not a benchmark source"):
        load_benchmark(path)


@needs_tables
def test_second_load_comes_from_cache_and_is_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "cache"))
    first = load_benchmark(shared_folder())
    cached = list((tmp_path / "cache").glob("*.npz"))
    assert len(cached) == 1
    second = load_benchmark(shared_folder())
    assert second.provenance == first.provenance
    for dataset in first.datasets:
        np.testing.assert_array_equal(second.test_accuracy(dataset), first.test_accuracy(dataset))
    assert second.dataset("cifar100").seed_noise == first.dataset("cifar100").seed_noise


@needs_tables
def test_damaged_cache_is_rebuilt_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "cache"))
    load_benchmark(shared_folder())
    (cache_file,) = (tmp_path / "cache").glob("*.npz")
    cache_file.write_bytes(b"not a zip")
    with pytest.warns(UserWarning, match="rebuilding benchmark cache .*: ValueError"):
        again = load_benchmark(shared_folder())
    assert again.validation_accuracy("cifar10-valid").shape == (15625, 1)
