"""Tests of the NATS-Bench tss importer (:mod:`nascompanion.data.nats`) and allow-list unpickling.

Real files: ``../shared/data/nats_tss_sample/`` beside the repository holds three real
entries (indices 0, 11, 284) and the real meta file; the tests that read them skip
where it is absent (a fresh clone). Full size: ``nats_fixture`` writes a folder of
15,625 bz2 pickles in the release's layout once per test session (about 17 s on a
busy 2-core machine; bz2 compression is most of it), around the shipped NB201 tables'
means with seeded Gaussian seed noise.
"""

from __future__ import annotations

import bz2
import codecs
import hashlib
import io
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from nas_201_api.api_utils import ArchResults

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nats_fixture as nf  # noqa: E402
from importer_shared import REFUSED, RunsShell, imported_once  # noqa: E402

from nascompanion.config import CACHE_ENV, REPO_ROOT  # noqa: E402
from nascompanion.data import cache, find_source, load_benchmark, locate, nats, official  # noqa: E402
from nascompanion.data import restricted_pickle as rp  # noqa: E402
from nascompanion.data.benchmark import DATASETS, BenchmarkDataError  # noqa: E402
from nascompanion.spaces import nb201  # noqa: E402

SAMPLE = REPO_ROOT.parent / "shared" / "data" / "nats_tss_sample"
"""Three real release files and the real meta file (see its README.md)."""

SAMPLE_INDICES = (0, 11, 284)

needs_sample = pytest.mark.skipif(
    not (SAMPLE / nats.META_FILE).is_file(),
    reason=f"the real NATS-Bench sample files are not reachable ({SAMPLE}); they sit in ../shared beside the clone",
)

METRIC_SETS = [
    ("cifar10-valid", "validation", "x-valid"),
    ("cifar10-valid", "test", "ori-test"),
    ("cifar10", "test", "ori-test"),
    ("cifar100", "validation", "x-valid"),
    ("cifar100", "test", "x-test"),
    ("ImageNet16-120", "validation", "x-valid"),
    ("ImageNet16-120", "test", "x-test"),
]
"""(dataset, benchmark metric, NATS-Bench eval set) the importer must map, as the NB201 importer does."""

TABLE_COLUMNS = [
    ("cifar10-valid", "validation"),
    ("cifar10-valid", "test"),
    ("cifar10", "test"),
    ("cifar100", "test"),
    ("ImageNet16-120", "test"),
]
"""The five columns of the mean-of-seeds tables that ship with the package."""






@pytest.fixture(scope="session")
def shipped():
    return load_benchmark("nb201")


@pytest.fixture(scope="session")
def nats_folder(tmp_path_factory: pytest.TempPathFactory, shipped) -> nf.NatsFixture:
    """A full-size release folder whose 200-epoch seed means are the shipped tables'."""
    return nf.shared_fixture(tmp_path_factory)


@pytest.fixture(scope="session")
def nats_cache(nats_folder: nf.NatsFixture, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache folder the fixture was imported through (shared with the importer contract)."""
    return imported_once("nats-cache", tmp_path_factory, nats_folder.folder)[1]


@pytest.fixture(scope="session")
def imported(nats_folder: nf.NatsFixture, tmp_path_factory: pytest.TempPathFactory):
    """The fixture's 200-epoch results through the public ``load_benchmark`` (a cache miss)."""
    return imported_once("nats-cache", tmp_path_factory, nats_folder.folder)[0]


@pytest.fixture(scope="session")
def imported_12(nats_folder: nf.NatsFixture, nats_cache: Path):
    """The fixture's 12-epoch results, through the cache (a miss)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(nats_cache))
        return nats.cached_nats_tss(nats_folder.folder, epochs=12)


def _copy(nats_folder: nf.NatsFixture, tmp_path: Path) -> Path:
    return nf.linked_copy(nats_folder.folder, tmp_path / nf.FOLDER_NAME)


def _raises_naming(path: Path, *phrases: str, folder: Path | None = None, epochs: int = 200) -> str:
    with pytest.raises(BenchmarkDataError) as caught:
        nats.load_nats_tss(folder if folder is not None else path.parent, epochs=epochs)
    message = str(caught.value)
    assert str(path) in message
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"
    return message


# ---------------------------------------------------------------- real files


@needs_sample
def test_real_entries_seed_means_equal_shipped_table_rows(shipped):
    for index in SAMPLE_INDICES:
        entry = nats.read_entry(SAMPLE / nats.arch_file_name(index))
        assert (entry.index, entry.arch, entry.epochs) == (index, nb201.arch_strings()[index], 200)
        assert entry.seeds == dict.fromkeys(DATASETS, (777, 888, 999)) and entry.missing == 0
        for dataset, metric in TABLE_COLUMNS:
            assert entry.mean(dataset, metric) == pytest.approx(shipped.accuracy(dataset, metric)[index, 0], abs=1e-6)
    readme_value = nats.read_entry(SAMPLE / "000284.pickle.pbz2").mean("cifar10-valid", "validation")
    assert round(readme_value, 4) == 86.0467  # the cross-check in the sample's README


@needs_sample
def test_real_meta_lists_nb201_architectures_in_index_order():
    assert nats.read_meta(SAMPLE / nats.META_FILE) == nb201.arch_strings()


@needs_sample
def test_real_files_name_only_ordereddict_and_numpy_scalar_globals():
    named: set[str] = set()
    allowed_class = rp.unpickler_class(rp.NATS_TSS)

    class Recording(allowed_class):
        def find_class(self, module, name):
            named.add(f"{module}.{name}")
            return super().find_class(module, name)

    for path in sorted(SAMPLE.glob("*.pickle.pbz2")):
        Recording(io.BytesIO(nats._decompress(path, path.read_bytes()))).load()
    assert named == {"collections.OrderedDict", "numpy.core.multiarray.scalar", "numpy.dtype"}
    assert named <= set(rp.NATS_TSS.names())


@needs_sample
@pytest.mark.parametrize("epochs", nats.FIDELITIES)
def test_real_entries_agree_with_nas_201_api_get_metrics(epochs):
    for index in SAMPLE_INDICES:
        path = SAMPLE / nats.arch_file_name(index)
        ours = nats.read_entry(path, epochs=epochs)
        raw, _ = nats.read_pbz2(path)
        results = ArchResults.create_from_state_dict(raw[str(epochs)])
        for dataset, metric, eval_set in METRIC_SETS:
            seeds = results.get_dataset_seeds(dataset)
            assert tuple(seeds) == ours.seeds[dataset]
            theirs = [results.get_metrics(dataset, eval_set, is_random=seed)["accuracy"] for seed in seeds]
            assert list(ours.values[(dataset, metric)]) == theirs


@needs_sample
def test_real_12_epoch_results_are_read_apart_from_200():
    for index in SAMPLE_INDICES:
        path = SAMPLE / nats.arch_file_name(index)
        twelve, full = nats.read_entry(path, epochs=12), nats.read_entry(path)
        assert twelve.epochs == 12
        assert twelve.seeds == nf.TWELVE_EPOCH_SEEDS  # the fixture's are the real ones
        for key, values in twelve.values.items():
            assert not set(values) & set(full.values[key]), f"{key} shares a value between 12 and 200 epochs"


@needs_sample
def test_sample_folder_is_located_as_nats_and_its_import_names_the_missing_files():
    assert locate(SAMPLE).kind == "nats-tss" and locate(SAMPLE).path == SAMPLE
    with pytest.raises(BenchmarkDataError) as caught:
        load_benchmark(SAMPLE, use_cache=False)
    message = str(caught.value)
    assert str(SAMPLE) in message and "15622 of 15625" in message and "000001.pickle.pbz2" in message


# ---------------------------------------------------------------- reading a full-size folder


@pytest.mark.parametrize(("dataset", "metric", "eval_set"), METRIC_SETS)
def test_per_seed_values_round_trip_from_nats_folder(imported, nats_folder, dataset, metric, eval_set):
    values = imported.accuracy(dataset, metric)
    assert imported.is_per_seed(dataset)
    assert values.shape == (nb201.N_ARCHS, len(nf.SEEDS))
    np.testing.assert_array_equal(values, nats_folder.values[200][(dataset, eval_set)])


def test_seed_columns_follow_sorted_seeds_with_nan_for_missing(imported, nats_folder):
    for dataset in DATASETS:
        counts = np.array([len(s) for s in nats_folder.seeds[200][dataset]])
        np.testing.assert_array_equal(imported.seed_counts(dataset, "test"), counts)
    assert {len(s) for s in nats_folder.seeds[200]["cifar10"]} == {1, 2, 3}


def test_seed_means_of_folder_import_equal_shipped_tables(imported, shipped):
    for dataset, metric in TABLE_COLUMNS:
        means = np.nanmean(imported.accuracy(dataset, metric), axis=1)
        np.testing.assert_allclose(means, shipped.accuracy(dataset, metric)[:, 0], rtol=0, atol=1e-9)


def test_official_importer_gives_the_same_benchmark_for_the_same_numbers(imported, nats_folder, tmp_path):
    """The fixture's numbers written as an official NB201 file (same state dicts) import to the same results."""
    arch2infos = {}
    for index in range(nb201.N_ARCHS):
        seeds = {dataset: nats_folder.seeds[200][dataset][index] for dataset in DATASETS}
        accs = {
            dataset: np.stack([nats_folder.values[200][(dataset, s)][index] for s in sets], axis=-1).tolist()
            for dataset, sets in nf.EVAL_SETS.items()
        }
        arch2infos[index] = {"full": nf.results_dict(index, 200, seeds, accs)}
    path = tmp_path / "NAS-Bench-201-v1_1-096897.pth"
    data = {"meta_archs": list(nb201.arch_strings()), "arch2infos": arch2infos, "evaluated_indexes": set(arch2infos)}
    torch.save(data, path, _use_new_zipfile_serialization=False)  # as the official files: legacy format, protocol 2
    del data, arch2infos
    from_official = official.load_official(path)
    assert from_official.datasets == imported.datasets
    for dataset in DATASETS:
        ours, theirs = imported.dataset(dataset), from_official.dataset(dataset)
        for metric in ("validation", "test"):
            np.testing.assert_array_equal(getattr(ours, metric), getattr(theirs, metric))
        assert (ours.validation_metric, ours.test_metric) == (theirs.validation_metric, theirs.test_metric)
        assert ours.per_seed and theirs.per_seed and ours.seed_noise == theirs.seed_noise


def test_12_epoch_results_are_a_separate_benchmark(imported_12, imported, nats_folder):
    assert imported_12.provenance.kind == "nats-tss-12-epochs" != imported.provenance.kind
    for dataset, metric, eval_set in METRIC_SETS:
        twelve, truth = imported_12.accuracy(dataset, metric), nats_folder.values[12][(dataset, eval_set)]
        width = len(nf.TWELVE_EPOCH_SEEDS[dataset])  # as many columns as the most seeds of a cell
        assert twelve.shape == (nb201.N_ARCHS, width) and np.isnan(truth[:, width:]).all()
        np.testing.assert_array_equal(twelve, truth[:, :width])
        full = imported.accuracy(dataset, metric)
        assert not (twelve[:, :, None] == full[:, None, :]).any(), "a cell shares a value between 12 and 200 epochs"
        assert "12 epochs" in imported_12.metric_name(dataset, metric)
        assert "200 epochs" in imported.metric_name(dataset, metric)
    assert set(imported_12.seed_counts("cifar10-valid")) == {2}
    assert set(imported_12.seed_counts("cifar100")) == {1}
    assert imported_12.dataset("cifar10-valid").seed_noise is not None
    assert imported_12.dataset("cifar100").seed_noise is None  # one seed per cell: no estimate
    assert any("12-epoch results only" in note for note in imported_12.provenance.notes)


def test_unknown_fidelity_is_refused(nats_folder):
    for call in (
        lambda: nats.load_nats_tss(nats_folder.folder, epochs=100),
        lambda: nats.cached_nats_tss(nats_folder.folder, epochs=100),
        lambda: nats.read_entry(nats_folder.folder / "000000.pickle.pbz2", epochs=100),
    ):
        with pytest.raises(ValueError, match="after 200 or 12 epochs"):
            call()


def test_provenance_names_folder_release_checksums_and_epochs(imported, nats_folder):
    provenance = imported.provenance
    assert provenance.kind == "nats-tss"
    assert provenance.sources == (str(nats_folder.folder),)
    meta = nats_folder.folder / nats.META_FILE
    lines = "".join(
        f"{name} md5:{hashlib.md5((nats_folder.folder / name).read_bytes()).hexdigest()}\n"
        for name in map(nats.arch_file_name, range(nb201.N_ARCHS))
    )
    assert provenance.checksums == {
        nats.META_FILE: f"md5:{hashlib.md5(meta.read_bytes()).hexdigest()}",
        nats.ARCH_CHECKSUM_KEY: f"md5:{hashlib.md5(lines.encode()).hexdigest()}",
    }
    notes = " ".join(provenance.notes)
    assert "v1.0" in notes and "200-epoch results only" in notes and "Per seed" in notes and "allow-list" in notes


def test_progress_bar_counts_every_architecture_file(nats_folder, monkeypatch):
    shown = []

    def recording_tqdm(iterable, **options):
        shown.append(options)
        for item in iterable:
            shown.append(item)
            yield item

    first = nats.read_entry(nats_folder.folder / "000000.pickle.pbz2", epochs=12)
    monkeypatch.setattr(nats, "tqdm", recording_tqdm)
    monkeypatch.setattr(nats, "read_entry", lambda path, epochs, index: first)  # every cell alike: quick
    nats.load_nats_tss(nats_folder.folder, epochs=12)
    options, files = shown[0], shown[1:]
    assert nf.FOLDER_NAME in options["desc"] and options["unit"] == "arch"
    assert files == [nats_folder.folder / nats.arch_file_name(i) for i in range(nb201.N_ARCHS)]


# ---------------------------------------------------------------- public API and cache


def test_load_benchmark_reads_nats_folder_and_second_load_comes_from_cache(
    imported, nats_folder, nats_cache, monkeypatch
):
    monkeypatch.setenv(CACHE_ENV, str(nats_cache))
    assert len(list(nats_cache.glob("benchmark-nats-tss-????????????????????????.npz"))) == 1

    def no_import(folder, epochs=200):
        raise AssertionError(f"{folder} was imported again instead of read from the cache")

    monkeypatch.setattr(nats, "load_nats_tss", no_import)
    folder = nats_folder.folder
    for source in (folder, folder.parent, folder / nats.META_FILE):  # the folder, one holding it, its meta file
        assert find_source(source) == ("nats-tss", folder)
        again = load_benchmark(source)
        assert again.provenance == imported.provenance
        for dataset, metric, _ in METRIC_SETS:
            assert again.is_per_seed(dataset)
            np.testing.assert_array_equal(again.accuracy(dataset, metric), imported.accuracy(dataset, metric))
            assert again.metric_name(dataset, metric) == imported.metric_name(dataset, metric)


def test_12_and_200_epoch_caches_are_kept_apart(imported, imported_12, nats_folder, nats_cache, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(nats_cache))
    assert len(list(nats_cache.glob("benchmark-nats-tss-12-epochs-*.npz"))) == 1
    monkeypatch.setattr(nats, "load_nats_tss", lambda folder, epochs=200: pytest.fail("cache miss"))
    for epochs, expected in ((12, imported_12), (200, imported)):
        again = nats.cached_nats_tss(nats_folder.folder, epochs=epochs)
        assert again.provenance == expected.provenance
        for dataset, metric, _ in METRIC_SETS:
            np.testing.assert_array_equal(again.accuracy(dataset, metric), expected.accuracy(dataset, metric))


def test_cache_key_changes_when_one_architecture_file_is_replaced(nats_folder, tmp_path):
    folder = _copy(nats_folder, tmp_path)
    before = cache.cache_key("nats-tss", nats.source_files(folder))
    entry = nf.read_pbz2(folder / "007000.pickle.pbz2")
    entry["200"]["clear_net_done"] = False
    nf.write_pbz2(folder / "007000.pickle.pbz2", entry)
    assert cache.cache_key("nats-tss", nats.source_files(folder)) != before
    assert cache.cache_key("nats-tss", nats.source_files(nats_folder.folder)) != before  # the copy is its own


def test_locate_prefers_official_file_then_nats_folder_then_tables(tmp_path):
    (tmp_path / nf.FOLDER_NAME).mkdir()
    (tmp_path / nf.FOLDER_NAME / nats.META_FILE).write_bytes(b"")
    for name in ("nb201_cifar10-valid_mean200.csv", "nb201_test_mean200.csv"):
        (tmp_path / name).write_text("")
    assert find_source(tmp_path) == ("nats-tss", tmp_path / nf.FOLDER_NAME)
    (tmp_path / "NAS-Bench-201-v1_1-096897.pth").write_bytes(b"")
    assert find_source(tmp_path) == ("nb201-official", tmp_path / "NAS-Bench-201-v1_1-096897.pth")


# ---------------------------------------------------------------- errors


def test_missing_meta_file_is_named(tmp_path):
    (tmp_path / "000000.pickle.pbz2").write_bytes(b"")
    _raises_naming(tmp_path / nats.META_FILE, "file not found", "one {index:06d}.pickle.pbz2 per architecture")


def test_missing_architecture_files_are_named_before_any_is_read(nats_folder, tmp_path, monkeypatch):
    folder = _copy(nats_folder, tmp_path)
    (folder / "000007.pickle.pbz2").unlink()
    (folder / "015624.pickle.pbz2").unlink()
    monkeypatch.setattr(nats, "read_pbz2", lambda path: pytest.fail(f"read {path} before checking the folder"))
    _raises_naming(folder, "2 of 15625 architecture files are missing", "000007.pickle.pbz2, 015624.pickle.pbz2",
                   folder=folder)


@pytest.mark.parametrize(
    ("damage", "phrase"),
    [
        (lambda data: b"not bz2 at all" * 10, "not a bz2 file, or a corrupt one"),
        (lambda data: data[: len(data) // 2], "truncated"),
        (lambda data: b"", "empty file"),
        (lambda data: bz2.compress(bz2.decompress(data)[:-50]), "not a whole pickle"),
    ],
    ids=["not-bz2", "truncated-bz2", "empty", "truncated-pickle"],
)
def test_damaged_architecture_file_is_named(nats_folder, tmp_path, damage, phrase):
    folder = _copy(nats_folder, tmp_path)
    path = folder / "000000.pickle.pbz2"
    nf.replace_bytes(path, damage(path.read_bytes()))
    _raises_naming(path, phrase)


def test_damaged_last_file_is_named_after_reading_all_others(nats_folder, tmp_path):
    folder = _copy(nats_folder, tmp_path)
    path = folder / "015624.pickle.pbz2"
    nf.replace_bytes(path, path.read_bytes()[:-20])
    _raises_naming(path, "truncated")


@pytest.mark.parametrize("name", ["000000.pickle.pbz2", nats.META_FILE])
def test_crafted_nats_file_cannot_run_code(nats_folder, tmp_path, monkeypatch, name):
    folder = _copy(nats_folder, tmp_path / "data")
    marker = tmp_path / "code-ran"
    nf.write_pbz2(folder / name, RunsShell(marker))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(BenchmarkDataError) as caught:
        load_benchmark(folder)  # what `nascompanion data check --source <folder>` does
    message = str(caught.value)
    assert str(folder / name) in message
    assert f"refused to unpickle {REFUSED}" in message
    assert "allowed: collections.OrderedDict" in message and "numpy.dtype" in message
    assert not marker.exists(), "the crafted pickle ran its command"
    with pytest.raises(BenchmarkDataError, match="refused to unpickle"):
        nats.read_pbz2(folder / name)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("archs", "phrases"),
    [
        (lambda a: a[:3] + [a[4], a[3]] + a[5:], ["meta_archs[3]", "NB201 index order"]),
        (lambda a: a[:100], ["lists 100 architectures, expected 15625"]),
        (lambda a: (a * 3)[:32768], ["lists 32768 architectures", "sss"]),
    ],
    ids=["out-of-order", "truncated-list", "size-space"],
)
def test_meta_that_does_not_list_nb201_in_index_order_is_refused(nats_folder, tmp_path, archs, phrases):
    folder = _copy(nats_folder, tmp_path)
    path = nf.write_meta(folder, archs(list(nb201.arch_strings())))
    _raises_naming(path, *phrases)


def test_meta_that_is_not_a_dict_is_refused(nats_folder, tmp_path):
    folder = _copy(nats_folder, tmp_path)
    nf.write_pbz2(folder / nats.META_FILE, list(nb201.arch_strings()))
    _raises_naming(folder / nats.META_FILE, "not a NATS-Bench meta file", "found: a list")


@pytest.mark.parametrize(
    ("alter", "phrases"),
    [
        (lambda results: results.update(arch_index=6), ["holds the results of architecture 6, expected 5"]),
        (lambda results: results.update(arch_str=nb201.arch_strings()[6]), ["architecture 5", "results are for"]),
        (lambda results: [run.update(epochs=12) for run in results["all_results"].values()],
         ["architecture 5", "12 epochs in the '200' results", "expected 200"]),
        (lambda results: results["dataset_seed"].pop("ImageNet16-120"),
         ["no 200-epoch results for dataset(s) ImageNet16-120"]),
        (lambda results: results.pop("all_results"), ["malformed '200' results", "all_results"]),
    ],
    ids=["other-index", "other-arch-string", "12-epochs-filed-as-200", "missing-dataset", "malformed"],
)
def test_entry_that_does_not_match_its_architecture_is_refused(nats_folder, tmp_path, alter, phrases):
    folder = _copy(nats_folder, tmp_path)
    path = folder / "000005.pickle.pbz2"
    entry = nf.read_pbz2(path)
    alter(entry["200"])
    nf.write_pbz2(path, entry)
    _raises_naming(path, *phrases)


def test_entry_without_the_requested_fidelity_is_refused(nats_folder, tmp_path):
    folder = _copy(nats_folder, tmp_path)
    path = folder / "000000.pickle.pbz2"
    entry = nf.read_pbz2(path)
    del entry["200"]
    nf.write_pbz2(path, entry)
    _raises_naming(path, "architecture 0 has no 200-epoch results (key '200')", "found: '12'")
    assert nats.read_entry(path, epochs=12).epochs == 12  # the other fidelity is still read


def test_decompressed_size_is_capped(nats_folder, monkeypatch):
    monkeypatch.setattr(nats, "MAX_DECOMPRESSED_BYTES", 1000)
    path = nats_folder.folder / "000000.pickle.pbz2"
    with pytest.raises(BenchmarkDataError, match="decompresses to more than"):
        nats.read_pbz2(path)


def test_entry_file_name_gives_its_index_unless_told(nats_folder, tmp_path):
    renamed = tmp_path / "cell.pickle.pbz2"
    renamed.write_bytes((nats_folder.folder / "000011.pickle.pbz2").read_bytes())
    with pytest.raises(BenchmarkDataError, match="pass index="):
        nats.read_entry(renamed)
    assert nats.read_entry(renamed, index=11).arch == nb201.arch_strings()[11]
    with pytest.raises(BenchmarkDataError, match="holds the results of architecture 11, expected 12"):
        nats.read_entry(renamed, index=12)


# ---------------------------------------------------------------- the allow-list itself


def test_numpy_scalar_of_object_dtype_is_refused():
    class ObjectScalar:
        def __reduce__(self):
            return (rp._numpy_scalar, (np.dtype(object), ["anything"]))

    with pytest.raises(rp.RefusedError, match="only numeric dtypes"):
        rp.loads(pickle.dumps(ObjectScalar(), protocol=4), rp.NATS_TSS)


def test_numeric_numpy_scalars_round_trip_through_the_allow_list():
    values = [np.float64(1.5), np.float32(-2.25), np.int64(7), np.uint8(200), np.bool_(True), np.complex128(1 + 2j)]
    for protocol in (2, 4):
        back = rp.loads(pickle.dumps(values, protocol=protocol), rp.NB201_OFFICIAL)
        assert back == values and [type(v) for v in back] == [type(v) for v in values]


def test_codecs_encode_is_allowed_only_to_latin1():
    class Rot13:
        def __reduce__(self):
            return (codecs.encode, ("text", "rot13"))

    with pytest.raises(rp.RefusedError, match="only encoding str to 'latin1'"):
        rp.loads(pickle.dumps(Rot13(), protocol=2), rp.NB201_OFFICIAL)
    assert rp.loads(pickle.dumps(b"\x00\xff", protocol=2), rp.NB201_OFFICIAL) == b"\x00\xff"


def test_refused_global_module_is_never_imported():
    assert "this" not in sys.modules, "precondition: nothing imported the module 'this' yet"
    with pytest.raises(rp.RefusedGlobalError) as caught:
        rp.loads(b"cthis\ns\n.", rp.NATS_TSS)  # GLOBAL this.s: importing 'this' would print the Zen of Python
    assert caught.value.qualified == "this.s"
    assert "this" not in sys.modules
