"""The shipped supernet proxy tables: reuse, damage, store modes, and the shipped table replaying."""

import numpy as np
import pytest

from nascompanion.compare import store
from nascompanion.train import NetworkSpec, Split, proxy_store, supernet

TINY = supernet.SupernetSettings(network=NetworkSpec(width=2), split=Split(40, 20, 20), epochs=1, batch_size=20)
CELLS = np.array([5, 6, 15624])


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """An empty shipped folder and an empty cache; store mode ``use``."""
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "cache"))
    store.use(None)
    folder = tmp_path / "proxy_tables"
    folder.mkdir()
    monkeypatch.setattr(proxy_store, "shipped_dir", lambda: folder)
    yield folder
    store.use(None)


def _no_training(monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the supernet was trained although its table ships")

    monkeypatch.setattr(supernet, "proxy_table", must_not_run)


def test_update_mode_writes_a_table_that_is_not_shipped_yet(shipped, monkeypatch):
    store.use("update")
    table = proxy_store.proxy_table(TINY, CELLS)
    (path,) = shipped.glob("*.npz")
    assert proxy_store.shipped_platform(path) == proxy_store._platform()
    assert not table.from_cache


def test_a_shipped_table_is_used_without_training_the_supernet(shipped, monkeypatch):
    store.use("update")
    first = proxy_store.proxy_table(TINY, CELLS)
    store.use("use")
    _no_training(monkeypatch)
    again = proxy_store.proxy_table(TINY, CELLS)
    assert again.from_cache
    assert np.array_equal(again.loss, first.loss) and np.array_equal(again.accuracy, first.accuracy)
    assert (again.train_seconds, again.eval_seconds) == (first.train_seconds, first.eval_seconds)


def test_a_damaged_shipped_table_is_reported_and_recomputed_never_used(shipped, monkeypatch):
    store.use("update")
    first = proxy_store.proxy_table(TINY, CELLS)
    (path,) = shipped.glob("*.npz")
    path.write_bytes(path.read_bytes()[:200])
    store.use("use")
    with pytest.warns(UserWarning, match="unreadable cached supernet table"):
        again = proxy_store.proxy_table(TINY, CELLS)
    assert np.array_equal(again.loss, first.loss)


def test_recompute_mode_reads_no_shipped_table_and_no_cache(shipped, monkeypatch):
    store.use("update")
    proxy_store.proxy_table(TINY, CELLS)
    store.use("recompute")
    calls = []
    real = supernet.proxy_table

    def spy(*args, **kwargs):
        calls.append(kwargs.get("use_cache"))
        return real(*args, **kwargs)

    monkeypatch.setattr(supernet, "proxy_table", spy)
    table = proxy_store.proxy_table(TINY, CELLS)
    assert calls == [False] and not table.from_cache
    assert len(list(shipped.glob("*.npz"))) == 1


def test_a_shipped_table_from_another_platform_is_checked_but_not_replayed(shipped, monkeypatch):
    store.use("update")
    proxy_store.proxy_table(TINY)
    (path,) = shipped.glob("*.npz")
    monkeypatch.setattr(proxy_store, "_platform", lambda: "torch 0.0, cpu NONE")
    _no_training(monkeypatch)
    assert proxy_store.replay_sample(path, TINY, np.random.default_rng(0), size=4).startswith("not replayed")


def test_a_shipped_table_that_does_not_replay_is_named(shipped, monkeypatch):
    store.use("update")
    table = proxy_store.proxy_table(TINY)
    (path,) = shipped.glob("*.npz")
    changed = supernet.ProxyTable(table.cells, table.loss + 1.0, table.accuracy, TINY, 1.0, 1.0)
    proxy_store.write_shipped(changed, proxy_store._key(TINY, table.cells))
    with pytest.raises(AssertionError, match=rf"{path.name} does not replay exactly: 4 of 4 sampled cells differ"):
        proxy_store.replay_sample(path, TINY, np.random.default_rng(0), size=4)


def test_the_shipped_supernet_table_replays():
    """The book's table: present, current, and a sample of its cells evaluated again matches it."""
    cells = np.arange(supernet.nb201.N_ARCHS)
    path = proxy_store.shipped_path(proxy_store._key(proxy_store.BOOK_SUPERNET, cells))
    assert path.exists(), "run `nascompanion store update`"
    checked = proxy_store.replay_sample(path, proxy_store.BOOK_SUPERNET, np.random.default_rng(0))
    assert checked.startswith("64 sampled cells") or checked.startswith("not replayed")


def test_the_ranking_tables_of_the_other_supernet_seeds_ship():
    """pvll_nas judges the supernet ranking over seeds 0-4; seeds 1-4 evaluate its 300 ranking cells."""
    from dataclasses import replace

    from nascompanion.related import supernet_rank

    cells = supernet_rank.path_cells(300, np.random.default_rng([0, 201]))
    for seed in range(1, 5):
        settings = replace(proxy_store.BOOK_SUPERNET, seed=seed)
        path = proxy_store.shipped_path(proxy_store._key(settings, cells))
        assert path.exists(), f"seed {seed}: run `nascompanion store update --chapters pvll_nas`"
        assert supernet.read_table(path, proxy_store._key(settings, cells), cells.size) is not None


def test_a_mode_passed_as_an_argument_is_used_instead_of_the_processs(shipped, monkeypatch):
    store.use("use")
    proxy_store.proxy_table(TINY, CELLS, mode="update")
    assert len(list(shipped.glob("*.npz"))) == 1
    _no_training(monkeypatch)
    assert proxy_store.proxy_table(TINY, CELLS, mode=store.Mode("use")).from_cache
