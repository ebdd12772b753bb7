"""The results layer: one code digest, one atomic writer, one store mode passed as an argument, and the
comparison run on a space other than NAS-Bench-201's."""

import hashlib
import importlib
import sys
import warnings

import numpy as np
import pytest

from nascompanion.compare import run as cmp
from nascompanion.compare import searches, store
from nascompanion.data import Benchmark, DatasetResults, Provenance, SeedNoise
from nascompanion.data import cache as data_cache
from nascompanion.results import atomic, keys
from nascompanion.results import store as results
from nascompanion.spaces.table import hamming_space


def test_the_code_digest_of_files_is_the_sha256_of_their_bytes_as_the_data_cache_and_the_supernet_had_it():
    from pathlib import Path

    from nascompanion.train import supernet

    folder = Path(data_cache.__file__).parent
    old = hashlib.sha256()
    for name in data_cache.IMPORTER_MODULES:
        old.update((folder / name).read_bytes())
    assert data_cache._importer_fingerprint() == old.hexdigest()[:16]   # the data cache keeps its keys
    assert keys.code_digest([supernet.__file__]) == supernet.source_digest()   # the proxy tables' formula


def test_a_package_is_digested_with_every_file_under_it(tmp_path, monkeypatch):
    package = tmp_path / "pkg_for_digest"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "inner.py").write_text("x = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("pkg_for_digest")
    try:
        before = keys.code_digest([module])
        (package / "inner.py").write_text("x = 2\n")
        assert keys.code_digest([module]) != before
    finally:
        sys.modules.pop("pkg_for_digest", None)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "entry.npz"
    atomic.write_atomically(target, b"old")

    def half_then_fail(handle):
        handle.write(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        atomic.write_atomically(target, half_then_fail)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["entry.npz"]


@pytest.mark.parametrize("mode, reads, target", [("use", ["shipped", "local"], "local"), ("recompute", [], None),
                                                 ("update", ["shipped"], "shipped"), ("rewrite", [], "shipped")])
def test_each_store_mode_reads_and_writes_its_folders(tmp_path, mode, reads, target):
    folders = {"shipped": tmp_path / "shipped", "local": tmp_path / "local"}
    chosen = results.Mode(mode)
    assert chosen.folders(folders["shipped"], folders["local"]) == [folders[name] for name in reads]
    assert chosen.target(folders["shipped"], folders["local"]) == (folders[target] if target else None)


def test_a_store_log_names_every_file_used_only_for_its_own_mode(tmp_path):
    log = tmp_path / "log"
    results.Mode("use", log).touch(tmp_path / "a.npz")
    results.Mode("use").touch(tmp_path / "b.npz")
    assert log.read_text() == "a.npz\n"


def test_an_unreadable_entry_is_reported_naming_the_file(tmp_path):
    bad = tmp_path / "entry.npz"
    bad.write_bytes(b"not a numpy file")
    with pytest.warns(UserWarning, match="entry.npz: unreadable cached thing .*recomputing it"):
        assert results.read_arrays(bad, "cached thing") is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert results.read_arrays(tmp_path / "absent.npz", "cached thing") is None


def _small_benchmark(n: int) -> Benchmark:
    values = np.random.default_rng(0).uniform(60, 95, size=(n, 1))
    results_ = {"toy": DatasetResults("toy", values, values - 1.0, "v", "t", False, SeedNoise(0.5, "given", 1))}
    return Benchmark(results=results_, provenance=Provenance("fake", (), {"small.csv": "md5:1"}))


def test_the_comparison_runs_on_a_space_other_than_nb201s(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    space = hamming_space(3, 4)   # 64 architectures
    bench = _small_benchmark(space.size)
    setting = cmp.Setting("toy", "noise", x=1.0, trials=3, budget=12)
    curves = cmp.compare(bench, setting, algorithms=("random_search", "bo", "local_search"), progress=False,
                         space=space)
    assert all(c.shape == (3, 12) for c in curves.values())
    (path,) = (tmp_path / "histories").glob("bo-*.npz")
    payload = searches.store_payload(setting, "bo", {"small.csv": "md5:1"}, space)
    assert payload["space"] == space.name and "space" not in searches.store_payload(setting, "bo", {})
    blocks = store.read_blocks(path, payload, setting.budget, space.size)
    assert blocks[0].archs.max() < space.size
    again = cmp.compare(bench, setting, algorithms=("random_search", "bo", "local_search"), progress=False,
                        space=space)
    for name in curves:
        np.testing.assert_array_equal(curves[name], again[name])
    with pytest.raises(ValueError, match="stored histories on space 'hamming\\(3,4\\)'; allowed: nb201"):
        searches.stored_space(payload)


def test_every_shipped_history_gets_a_payload_under_the_code_installed_now_that_differs_only_in_its_digest():
    """What a rekey needs: the new code builds, from each stored setting record, the same payload but the code."""
    from nascompanion.compare import rekey, replay

    first_blocks = {b.path: b for b in reversed(replay.stored_blocks())}
    assert first_blocks
    for block in first_blocks.values():
        payload = rekey.current_payload(block, dict(block.payload["data"]))   # raises if anything else differs
        assert payload["code"] == searches.code_digest(block.algorithm)
