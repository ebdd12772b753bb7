"""One contract for every benchmark importer: the CSV tables, the tables shipped in the package, official
NAS-Bench-201 files, NATS-Bench tss folders and AnalogNAS-Bench's ``data.anb``.

Each importer validates what it reads, names the file in its errors, never runs code a pickle names,
refuses tampered values (two cells swapped where a published digest is known, one value out of
range, a CSV field split in two), and, where it caches, serves an entry only while its key and its
values check, rebuilding it identically otherwise. The full-size official and NATS fixtures are the
ones the importer tests use (written once per run, see ``importer_shared``).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nats_fixture as nf  # noqa: E402
import official_fixture as fx  # noqa: E402
from analognas_fixture import synthetic_file, upstream_classes  # noqa: E402
from conftest import table_folder  # noqa: E402
from importer_shared import RunsShell, imported_once  # noqa: E402

import nascompanion.data as data  # noqa: E402
from nascompanion.config import CACHE_ENV  # noqa: E402
from nascompanion.data import analognas, cache, embedded, nats, official  # noqa: E402
from nascompanion.data.benchmark import DatasetResults, validate  # noqa: E402
from nascompanion.data.digests import ModifiedSourceError  # noqa: E402
from nascompanion.data.tables import CIFAR10_VALID_FILE, GENOTYPE_DIR, load_tables  # noqa: E402
from nascompanion.spaces import nb201  # noqa: E402


# --- the importers, as cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One importer: how to make a valid source in a folder, read it, and alter it.

    ``file`` is the file of a source whose values the tampering functions alter; ``None`` for a
    tampering the format has no place for (the test then says why it does not apply).
    """

    name: str
    make: Callable[[Path, pytest.TempPathFactory], Path]
    load: Callable[..., data.Benchmark]
    file: Callable[[Path], Path]
    out_of_range: Callable[[Path, Path], Path]
    swap: Callable[[Path], None] | None
    crafted: Callable[[Path, Path], Path] | None


def _csv_folder(folder: Path, factory) -> Path:
    if table_folder() is None:
        pytest.skip("the NAS-Bench-201 CSV tables are not reachable (../shared/data/nb201)")
    return Path(shutil.copytree(table_folder(), folder / "nb201"))


def _csv_lines(path: Path) -> list[str]:
    return path.read_bytes().decode().splitlines(keepends=True)


def _csv_out_of_range(source: Path, folder: Path) -> Path:
    path = source / CIFAR10_VALID_FILE
    lines = _csv_lines(path)
    fields = lines[101].split(",")
    fields[13] = "150.0"  # valid-accuracy of cell 100
    lines[101] = ",".join(fields)
    path.write_bytes("".join(lines).encode())
    return path


def _csv_swap(source: Path) -> None:
    path = source / CIFAR10_VALID_FILE
    lines = _csv_lines(path)
    a, b = lines[101].split(","), lines[6112].split(",")   # cell 100 and the optimum, cell 6111
    a[13], b[13] = b[13], a[13]
    lines[101], lines[6112] = ",".join(a), ",".join(b)
    path.write_bytes("".join(lines).encode())


def _embedded_folder(folder: Path, factory) -> Path:
    return Path(shutil.copytree(embedded.shipped_folder(), folder / "nb201"))


def _rewrite_embedded(source: Path, change: Callable[[dict], None]) -> Path:
    arrays, _ = embedded.read_embedded(source)
    change(arrays)
    path = source / embedded.TABLE_FILE
    path.write_bytes(embedded._npz_bytes(arrays))
    return path


def _embedded_out_of_range(source: Path, folder: Path) -> Path:
    def change(arrays):
        arrays["cifar10-valid.validation"][100] = 150.0

    return _rewrite_embedded(source, change)


def _embedded_swap(source: Path) -> None:
    def change(arrays):
        column = arrays["cifar10-valid.validation"]
        column[[100, 6111]] = column[[6111, 100]]

    _rewrite_embedded(source, change)


def _embedded_crafted(source: Path, marker: Path) -> Path:
    path = source / embedded.TABLE_FILE
    np.savez(path.with_suffix(""), **{"cifar10.test": np.array([RunsShell(marker)], dtype=object)})
    return path


def _official_file(folder: Path, factory) -> Path:
    return fx.shared_fixture(factory).path


def _official_out_of_range(source: Path, folder: Path) -> Path:
    def break_entry(entry):
        run = entry["full"]["all_results"][("cifar10-valid", entry["full"]["dataset_seed"]["cifar10-valid"][0])]
        run["eval_acc1es"]["x-valid@199"] = 150.0

    return fx.write_broken_fixture(folder / fx.FIXTURE_NAME, break_entry)


def _official_crafted(source: Path, marker: Path) -> Path:
    path = marker.parent / "crafted" / fx.FIXTURE_NAME
    fx.save({"meta_archs": RunsShell(marker), "arch2infos": {}, "evaluated_indexes": set()}, path)
    return path


def _nats_folder(folder: Path, factory) -> Path:
    return nf.shared_fixture(factory).folder


def _nats_copy_with(source: Path, folder: Path, change: Callable[[dict], None]) -> Path:
    copy = nf.linked_copy(source, folder / nf.FOLDER_NAME)
    path = copy / nats.arch_file_name(0)
    entry = nf.read_pbz2(path)
    change(entry)
    nf.write_pbz2(path, entry)
    return path


def _nats_out_of_range(source: Path, folder: Path) -> Path:
    def change(entry):
        run = entry["200"]["all_results"][("cifar10-valid", entry["200"]["dataset_seed"]["cifar10-valid"][0])]
        run["eval_acc1es"]["x-valid@199"] = 150.0

    return _nats_copy_with(source, folder, change)


def _nats_crafted(source: Path, marker: Path) -> Path:
    copy = nf.linked_copy(source, marker.parent / "crafted" / nf.FOLDER_NAME)
    path = copy / nats.arch_file_name(0)
    nf.write_pbz2(path, RunsShell(marker))
    return path


def _anb_file(folder: Path, factory) -> Path:
    baseline = data.load_benchmark("nb201").test_accuracy("cifar10")[:, 0]
    return synthetic_file(folder / "data.anb", baseline)


def _anb_rewrite(path: Path, change: Callable[[dict], None]) -> None:
    with upstream_classes():
        cells = pickle.loads(path.read_bytes())  # the test's own file: plain pickle is fine here
        change(cells)
        path.write_bytes(pickle.dumps(cells, protocol=4))


def _anb_out_of_range(source: Path, folder: Path) -> Path:
    def change(cells):
        next(iter(cells.values())).baseline_accuracy = 150.0

    _anb_rewrite(source, change)
    return source


def _anb_swap(source: Path) -> None:
    def change(cells):
        first, second = list(cells.values())[:2]
        first.baseline_accuracy, second.baseline_accuracy = second.baseline_accuracy, first.baseline_accuracy

    _anb_rewrite(source, change)


def _anb_crafted(source: Path, marker: Path) -> Path:
    source.write_bytes(pickle.dumps({(0, 0, 0, 0, 0, 0): RunsShell(marker)}, protocol=4))
    return source


CASES = {
    "csv-tables": Case("csv-tables", _csv_folder, lambda p, **kw: load_tables(p, **kw),
                       lambda p: p / CIFAR10_VALID_FILE, _csv_out_of_range, _csv_swap, None),
    "embedded": Case("embedded", _embedded_folder, lambda p, **kw: embedded.load_embedded(p),
                     lambda p: p / embedded.TABLE_FILE, _embedded_out_of_range, _embedded_swap, _embedded_crafted),
    "official": Case("official", _official_file, lambda p, **kw: official.load_official(p),
                     lambda p: p, _official_out_of_range, None, _official_crafted),
    "nats": Case("nats", _nats_folder, lambda p, **kw: nats.load_nats_tss(p),
                 lambda p: p / nats.arch_file_name(0), _nats_out_of_range, None, _nats_crafted),
    "analognas": Case("analognas", _anb_file, lambda p, **kw: analognas.load_analognas(p, trust_modified=True),
                      lambda p: p, _anb_out_of_range, _anb_swap, _anb_crafted),
}
"""Every importer. The official and NATS formats have no published md5 the package knows, so two
swapped cells are beyond what they can check (their ``swap`` is ``None``)."""

NO_DIGEST = "no published md5 of this format is known to the package, so two swapped cells cannot be told apart"


@pytest.fixture(params=list(CASES))
def case(request) -> Case:
    return CASES[request.param]


@pytest.fixture
def source(case, tmp_path, tmp_path_factory) -> Path:
    return case.make(tmp_path, tmp_path_factory)


# --- the contract -------------------------------------------------------------------------------------


def test_importer_gives_a_validated_benchmark_with_checksums(case, source, tmp_path_factory):
    if case.name in ("official", "nats"):   # the full-size import the importer tests make too, made once
        bench = imported_once(f"{case.name}-cache", tmp_path_factory, source)[0]
    else:
        bench = case.load(source)
    validate(bench, where=case.name, check_optima=False)
    for name in bench.datasets:
        for metric in ("validation", "test"):
            if bench.has_metric(name, metric):
                values = bench.accuracy(name, metric)
                assert values.shape[0] == nb201.N_ARCHS
                present = values[~np.isnan(values)]
                assert present.size and present.min() >= 0 and present.max() <= 100
    assert bench.provenance.checksums and all(v.startswith("md5:") for v in bench.provenance.checksums.values())


def test_importer_names_a_truncated_file(case, source, tmp_path):
    path = case.file(source)
    if case.name in ("official", "nats"):   # the shared fixture is never altered: a truncated copy
        target = tmp_path / "cut" / path.name
        if case.name == "nats":
            folder = nf.linked_copy(source, tmp_path / "cut" / nf.FOLDER_NAME)
            target = folder / path.name
            nf.replace_bytes(target, path.read_bytes()[: path.stat().st_size // 2])
            source = folder
        else:
            target.parent.mkdir(parents=True)
            target.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
            source = target
        path = target
    else:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(data.BenchmarkDataError) as caught:
        case.load(source)
    assert str(path) in str(caught.value) or str(path.parent) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_importer_never_runs_code_a_pickle_names(case, source, tmp_path):
    if case.crafted is None:
        pytest.skip("a CSV table is text: nothing in it is unpickled")
    marker = tmp_path / "code-ran"
    crafted = case.crafted(source, marker)
    target = crafted.parent if case.name == "nats" else crafted
    target = source if case.name == "embedded" else target
    with pytest.raises(data.BenchmarkDataError) as caught:
        case.load(target)
    assert not marker.exists(), "the crafted pickle ran its command"
    assert str(crafted) in str(caught.value) or str(crafted.parent) in str(caught.value)


def test_importer_refuses_a_value_out_of_range_naming_the_file(case, source, tmp_path):
    path = case.out_of_range(source, tmp_path)
    target = path.parent if case.name == "nats" else (source if case.name in ("csv-tables", "embedded") else path)
    with pytest.raises(data.BenchmarkDataError) as caught:
        case.load(target)
    message = str(caught.value)
    assert str(path) in message or (case.name == "nats" and str(path.parent) in message)
    assert "150" in message or "differs" in message


def test_importer_refuses_two_swapped_cells_where_a_digest_is_known(case, source):
    if case.swap is None:
        pytest.skip(NO_DIGEST)
    case.swap(source)
    if case.name == "analognas":
        with pytest.raises(ModifiedSourceError, match=r"md5:[0-9a-f]{32} is not the md5 of a data.anb"):
            analognas.load_analognas(source)
        return
    with pytest.raises(data.BenchmarkDataError, match=r"(md5|sha256):[0-9a-f]+ differs from the"):
        case.load(source)


def test_shipped_tables_with_a_value_out_of_range_are_refused_even_with_a_forged_manifest(tmp_path):
    folder = _embedded_folder(tmp_path, None)
    table = _embedded_out_of_range(folder, tmp_path)
    manifest = json.loads((folder / embedded.MANIFEST_FILE).read_text())
    with np.load(table, allow_pickle=False) as store:
        arrays = {key: store[key] for key in store.files}
    manifest["table_sha256"] = embedded.file_sha256(table.read_bytes())
    manifest["content"] = embedded.content_digest(arrays)
    (folder / embedded.MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(data.BenchmarkDataError, match=r"column cifar10-valid.validation holds 150.0 at row 100; "
                                                      r"allowed: a finite accuracy in \[0, 100\]"):
        embedded.load_embedded(folder)


def test_csv_table_with_two_swapped_cells_is_used_only_knowingly_and_says_so(tmp_path, tmp_path_factory):
    folder = _csv_folder(tmp_path, tmp_path_factory)
    original = load_tables(folder).validation_accuracy("cifar10-valid")[[100, 6111], 0]
    _csv_swap(folder)
    with pytest.raises(ModifiedSourceError, match=rf"{CIFAR10_VALID_FILE}: md5:[0-9a-f]{{32}} differs from the "
                                                  r"published md5:7d9cf5bb8e443dfcf413deddf7c3b01e .*trust_modified=True"):
        data.load_benchmark(folder, use_cache=False)
    bench = data.load_benchmark(folder, use_cache=False, trust_modified=True)
    np.testing.assert_array_equal(bench.validation_accuracy("cifar10-valid")[[6111, 100], 0], original)
    assert len(bench.provenance.modified) == 1 and CIFAR10_VALID_FILE in bench.provenance.modified[0]
    assert "MODIFIED" in bench.provenance.notes[-1]
    assert all("MODIFIED" in bench.metric_name(d, "test") for d in bench.datasets)


@pytest.mark.parametrize("name", [CIFAR10_VALID_FILE, "nb201_test_mean200.csv", "genotype_cifar10_best.csv"])
def test_csv_row_with_a_field_split_in_two_is_refused_with_file_and_line(name, tmp_path, tmp_path_factory):
    folder = _csv_folder(tmp_path, tmp_path_factory)
    path = folder / name if not name.startswith("genotype") else folder / GENOTYPE_DIR / name
    lines = _csv_lines(path)
    fields = lines[100].split(",")
    fields[-2] = fields[-2][:1] + "," + fields[-2][1:]   # e.g. "10" -> "1,0"
    lines[100] = ",".join(fields)
    path.write_bytes("".join(lines).encode())
    with pytest.raises(data.BenchmarkDataError, match=rf"{path}, line 101: \d+ fields, but the header has \d+"):
        load_tables(folder, trust_modified=True)
    with pytest.raises(data.BenchmarkDataError, match=rf"{path}, line 101"):
        embedded.embed(folder, tmp_path / "out", trust_modified=True)
    assert not (tmp_path / "out").exists()


def test_seed_noise_table_with_an_f_sng_of_250_is_refused(tmp_path, tmp_path_factory):
    folder = _csv_folder(tmp_path, tmp_path_factory)
    path = folder / GENOTYPE_DIR / "genotype_cifar10_best.csv"
    lines = _csv_lines(path)
    sol, f_avg, _ = lines[5].rstrip("\n").split(",")
    lines[5] = f"{sol},{f_avg},250\n"
    path.write_bytes("".join(lines).encode())
    with pytest.raises(data.BenchmarkDataError, match=rf"{path}, line 6: column f_sng holds '250'; .*\[0, 100\]"):
        load_tables(folder, trust_modified=True)


def test_empty_seed_noise_table_is_named(tmp_path, tmp_path_factory):
    folder = _csv_folder(tmp_path, tmp_path_factory)
    path = folder / GENOTYPE_DIR / "genotype_cifar100_best.csv"
    path.write_text('"sol","f_avg","f_sng"\n')
    with pytest.raises(data.BenchmarkDataError, match=rf"{path}: no rows"):
        load_tables(folder, trust_modified=True)
    path.write_text("")
    with pytest.raises(data.BenchmarkDataError, match=rf"{path}: empty file"):
        load_tables(folder, trust_modified=True)


def test_load_benchmark_of_a_number_is_a_one_line_error_naming_it():
    with pytest.raises(TypeError, match=r"^source=123 \(int\): allowed: None, a named source \(nb201, digits201, nas-bench-graph\)"):
        data.load_benchmark(123)
    with pytest.raises(TypeError, match=r"^trust_modified='yes'; allowed: True or False$"):
        data.load_benchmark("nb201", trust_modified="yes")


# --- caches -------------------------------------------------------------------------------------------


CACHED = {
    "csv-tables": ("nb201-tables", data, "load_tables"),
    "official": ("nb201-official", official, "load_official"),
    "nats": ("nats-tss", nats, "load_nats_tss"),
}
"""Cached importers: their cache kind, and the module and name of the function a miss calls."""


class Rebuilt(Exception):
    """Raised by a stand-in importer: the cache did not serve the entry."""


def _refuse_rebuild(*args, **kwargs):
    raise Rebuilt()


@pytest.fixture(params=list(CACHED))
def cached_source(request, tmp_path, tmp_path_factory, monkeypatch) -> tuple[str, Path, data.Benchmark, Path]:
    """A cached importer's source, its first import and its one cache entry, in a cache folder of the test's own."""
    name = request.param
    source = CASES[name].make(tmp_path, tmp_path_factory)
    folder = tmp_path / "cache"
    if name == "csv-tables":
        monkeypatch.setenv(CACHE_ENV, str(folder))
        first = data.load_benchmark(source)
    else:
        first, shared = imported_once(f"{name}-cache", tmp_path_factory, source)
        shutil.copytree(shared, folder)
        monkeypatch.setenv(CACHE_ENV, str(folder))
    (entry,) = folder.glob(f"benchmark-{CACHED[name][0]}-" + "?" * 24 + ".npz")
    return name, source, first, entry


def _same(a: data.Benchmark, b: data.Benchmark) -> None:
    assert a.provenance == b.provenance and a.datasets == b.datasets
    for name in a.datasets:
        assert a.dataset(name).seed_noise == b.dataset(name).seed_noise
        for metric in ("validation", "test"):
            if a.has_metric(name, metric):
                np.testing.assert_array_equal(a.accuracy(name, metric), b.accuracy(name, metric))


def test_cache_serves_its_entry_without_reading_the_source(cached_source, monkeypatch):
    name, source, first, entry = cached_source
    monkeypatch.setattr(CACHED[name][1], CACHED[name][2], _refuse_rebuild)
    _same(data.load_benchmark(source), first)
    meta = json.loads(str(np.load(entry, allow_pickle=False)["meta"]))
    assert meta["key"]["kind"] == CACHED[name][0] and meta["key"]["sources"].startswith("sha256:")


def _rewrite_entry(entry: Path, change: Callable[[np.ndarray], None]) -> None:
    meta = json.loads(str(np.load(entry, allow_pickle=False)["meta"]))
    bench = cache.load(entry)
    results = {}
    for name, results_of in bench.results.items():
        validation = None if results_of.validation is None else results_of.validation.copy()
        test = results_of.test.copy()
        change(test)
        results[name] = DatasetResults(name, validation, test, results_of.validation_metric,
                                       results_of.test_metric, results_of.per_seed, results_of.seed_noise)
    cache.save(data.Benchmark(results=results, provenance=bench.provenance), entry, meta["key"])


@pytest.mark.parametrize("bad", [150.0, np.nan])
def test_cache_entry_with_values_a_fresh_import_refuses_is_rebuilt(cached_source, monkeypatch, bad):
    name, source, first, entry = cached_source

    def spoil(values):
        values[100, :] = bad

    _rewrite_entry(entry, spoil)
    monkeypatch.setattr(CACHED[name][1], CACHED[name][2], _refuse_rebuild)
    with pytest.warns(UserWarning, match=rf"rebuilding benchmark cache {entry}: BenchmarkDataError"):
        with pytest.raises(Rebuilt):
            data.load_benchmark(source)


def test_cache_entry_under_another_entrys_name_is_rebuilt(cached_source, monkeypatch, tmp_path):
    name, source, first, entry = cached_source
    foreign = tmp_path / "foreign.npz"
    shutil.copyfile(entry, foreign)
    meta = json.loads(str(np.load(foreign, allow_pickle=False)["meta"]))
    meta["key"]["sources"] = "sha256:" + "0" * 64   # an entry of other data, values still in range
    cache.save(cache.load(foreign), entry, meta["key"])
    monkeypatch.setattr(CACHED[name][1], CACHED[name][2], _refuse_rebuild)
    with pytest.warns(UserWarning, match=rf"rebuilding benchmark cache {entry}: ValueError: the key inside"):
        with pytest.raises(Rebuilt):
            data.load_benchmark(source)


def test_a_removed_cache_entry_is_rebuilt_identically(cached_source):
    name, source, first, entry = cached_source
    entry.unlink()
    _same(data.load_benchmark(source), first)
    assert entry.is_file()


def test_csv_edit_with_size_and_time_restored_is_not_served_from_the_cache(tmp_path, tmp_path_factory, monkeypatch):
    folder = _csv_folder(tmp_path, tmp_path_factory)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    first = data.load_benchmark(folder)
    path = folder / CIFAR10_VALID_FILE
    stat = path.stat()
    _csv_swap(folder)   # same size: two fields of equal length swapped
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    with pytest.raises(ModifiedSourceError):
        data.load_benchmark(folder)
    edited = data.load_benchmark(folder, trust_modified=True)
    assert edited.provenance.checksums[CIFAR10_VALID_FILE] != first.provenance.checksums[CIFAR10_VALID_FILE]
    np.testing.assert_array_equal(edited.validation_accuracy("cifar10-valid")[[100, 6111], 0],
                                  first.validation_accuracy("cifar10-valid")[[6111, 100], 0])


def test_a_damaged_csv_table_gets_its_own_error_before_the_digest_one(tmp_path, tmp_path_factory):
    folder = _csv_folder(tmp_path, tmp_path_factory)
    path = folder / "nb201_test_mean200.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(data.BenchmarkDataError, match=rf"{path}: not the expected table, missing column"):
        data.load_benchmark(folder, use_cache=False)
