"""The stored BO and BANANAS histories: reuse, independence of blocks, damage, modes, and the shipped store replaying."""

import json
import warnings

import numpy as np
import pytest

from nascompanion.compare import replay, store
from nascompanion.compare import run as cmp
from nascompanion.compare import searches
from nascompanion.spaces.nb201 import N_ARCHS
from nascompanion.objectives import trial_losses
from toy_benchmark import toy_benchmark
from nascompanion.search import registry
from nascompanion.spaces import nb201_space


SETTING = cmp.Setting("toy", "noise", x=1.0, trials=30, budget=25)


@pytest.fixture
def local_store(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    store.use(None)
    yield tmp_path / "histories"
    store.use(None)


def test_a_stored_history_is_reused_without_running_the_search(local_store, monkeypatch):
    bench = toy_benchmark()
    first = cmp.compare(bench, SETTING, algorithms=("bo",), progress=False)["bo"]
    assert len(list(local_store.glob("bo-*.npz"))) == 1

    def must_not_run(*args, **kwargs):
        raise AssertionError("the search ran although its history is stored")

    monkeypatch.setattr(searches, "run_block", must_not_run)
    again = cmp.compare(bench, SETTING, algorithms=("bo",), progress=False)["bo"]
    np.testing.assert_array_equal(first, again)


def test_replayed_curves_are_the_searchs_own_curves(local_store):
    bench = toy_benchmark()
    losses = cmp._landscapes(bench, SETTING, 5)
    block = cmp.run_block(bench, SETTING, "bo", 0, 5, losses)
    parent = cmp._streams(SETTING)[1]["bo"]
    stream = np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, 0))
    direct = registry.run("bo", nb201_space(), losses, SETTING.budget, np.random.default_rng(stream))
    for which in ("test", "validation"):
        np.testing.assert_array_equal(store.curves(block.archs, block.counts, losses.validation, losses.test, which),
                                      direct.curves(which))


def test_a_blocks_history_does_not_depend_on_the_trial_count(local_store):
    bench = toy_benchmark()
    few = cmp.compare(bench, SETTING, algorithms=("bo",), progress=False, use_cache=False)["bo"]
    many = cmp.compare(bench, cmp.Setting("toy", "noise", x=1.0, trials=55, budget=25), algorithms=("bo",),
                       progress=False, use_cache=False)["bo"]
    np.testing.assert_array_equal(few[: store.BLOCK], many[: store.BLOCK])
    assert not np.array_equal(few[store.BLOCK:], many[store.BLOCK: 30])  # a block of 5 is not the first 5 of 25


@pytest.mark.parametrize("version", ["noise", "random", "standard", "denoised"])
def test_a_trials_landscape_does_not_depend_on_the_trial_count(version):
    bench = toy_benchmark(per_seed=version == "standard")
    x = 1.0 if version == "noise" else None
    few = trial_losses(bench, "toy", version, 3, np.random.default_rng(4), x=x)
    many = trial_losses(bench, "toy", version, 7, np.random.default_rng(4), x=x)
    np.testing.assert_array_equal(few.validation, many.validation[:3])
    np.testing.assert_array_equal(few.test, many.test[:3])


def _damage(path, how):
    if how == "truncate":
        path.write_bytes(path.read_bytes()[:200])
        return
    if how == "garbage":
        path.write_bytes(b"not a numpy file")
        return
    with np.load(path) as stored:
        arrays = {name: stored[name].copy() for name in stored.files}
    if how == "overwrite_an_index":
        arrays["archs_0"][0, 3] = (arrays["archs_0"][0, 3] + 1) % 15625
    elif how == "repeat_an_index":
        arrays["archs_0"][0, 3] = arrays["archs_0"][0, 2]
    elif how == "wrong_shape":
        arrays["archs_0"] = arrays["archs_0"][:, :-1]
    elif how == "wrong_dtype":
        arrays["archs_0"] = arrays["archs_0"].astype(np.int64)
    elif how == "other_setting":
        payload = json.loads(str(arrays["payload"]))
        payload["setting"]["budget"] = 99
        arrays["payload"] = np.array(json.dumps(payload, sort_keys=True))
    with open(path, "wb") as handle:
        np.savez_compressed(handle, **arrays)


@pytest.mark.parametrize("how", ["truncate", "garbage", "overwrite_an_index", "repeat_an_index", "wrong_shape",
                                 "wrong_dtype", "other_setting"])
def test_a_damaged_store_entry_is_reported_and_recomputed_never_used(local_store, how):
    bench = toy_benchmark()
    first = cmp.compare(bench, SETTING, algorithms=("bo",), progress=False)["bo"]
    (path,) = local_store.glob("bo-*.npz")
    _damage(path, how)
    with pytest.warns(UserWarning, match=f"{path.name}.*recomputing"):
        again = cmp.compare(bench, SETTING, algorithms=("bo",), progress=False)["bo"]
    np.testing.assert_array_equal(again, first)
    assert store.read_blocks(path, cmp.store_payload(SETTING, "bo", {"toy.csv": "md5:0"}), SETTING.budget, N_ARCHS)


def test_recompute_mode_reads_and_writes_no_store(local_store, monkeypatch):
    bench = toy_benchmark()
    store.use("recompute")
    cmp.compare(bench, SETTING, algorithms=("bo", "random_search"), progress=False)
    assert not local_store.exists() or not any(local_store.iterdir())
    assert not (local_store.parent / "comparison").exists()


def test_an_unknown_store_mode_is_named():
    with pytest.raises(ValueError, match="store mode 'sometimes'; allowed: use, recompute, update, rewrite"):
        store.use("sometimes")
    assert store.mode() == "use"


def test_the_store_mode_is_never_read_from_the_environment(local_store, monkeypatch):
    monkeypatch.setenv(store.STORE_ENV, "recompute")
    assert store.mode() == "use"
    cmp.compare(toy_benchmark(), SETTING, algorithms=("random_search",), progress=False)
    assert (local_store.parent / "comparison").exists()


def test_a_mode_passed_as_an_argument_wins_over_the_processs(local_store):
    store.use("use")
    cmp.compare(toy_benchmark(), SETTING, algorithms=("bo", "random_search"), progress=False, store_mode="recompute")
    assert not local_store.exists() and not (local_store.parent / "comparison").exists()


def test_a_block_that_does_not_replay_is_named(local_store):
    bench = toy_benchmark()
    cmp.compare(bench, SETTING, algorithms=("bo",), progress=False)
    (path,) = local_store.glob("bo-*.npz")
    payload = cmp.store_payload(SETTING, "bo", {"toy.csv": "md5:0"})
    blocks = store.read_blocks(path, payload, SETTING.budget, N_ARCHS)
    archs = blocks[1].archs.copy()
    archs[2, [0, 1]] = archs[2, [1, 0]]   # a consistent file, with its own digest, that the search would not write
    store.write_blocks(path, payload, {**blocks, 1: store.Block(archs, blocks[1].counts)})
    (stored,) = [b for b in replay.stored_blocks(local_store) if b.index == 1]
    with pytest.raises(AssertionError, match=r"block 1 does not replay \(the whole history\); trial 27 queried other architectures"):
        replay.replay(stored, bench)


# The shipped store: present, current, and replaying exactly (a sample: the smallest block of each algorithm).

def _loaders():
    from nascompanion.data import load_benchmark
    from nascompanion.data.analognas import load_analognas

    return {"nb201": lambda: load_benchmark("nb201"), "analognas": load_analognas,
            "nas-bench-graph": lambda: load_benchmark("nas-bench-graph")}


def test_the_shipped_store_holds_current_histories_of_every_stored_algorithm():
    blocks = replay.current(replay.stored_blocks())
    assert {b.algorithm for b in blocks} == set(store.STORED), "run `nascompanion store update`"


@pytest.mark.parametrize("algorithm", store.STORED)
def test_a_shipped_block_replays_exactly(algorithm):
    # NB201's blocks: BANANAS' were stored on another platform, so their first queries are compared (seconds)
    blocks = [b for b in replay.current(replay.stored_blocks())
              if b.algorithm == algorithm and "space" not in b.payload]
    loaders = _loaders()
    smallest = min(b.size * b.payload["setting"]["budget"] for b in blocks)
    candidates = [b for b in blocks if b.size * b.payload["setting"]["budget"] == smallest]
    block = candidates[np.random.default_rng(0).integers(len(candidates))]
    bench = replay.benchmark_for(block.payload, loaders)
    assert bench is not None, f"no benchmark here has the checksums {block.path.name} was stored for"
    replay.replay(block, bench)


def test_a_shipped_block_on_nas_bench_graph_replays_exactly():
    blocks = [b for b in replay.current(replay.stored_blocks()) if b.algorithm == "bo" and "space" in b.payload]
    assert blocks, "run `nascompanion store update --chapters graph_landscapes`"
    block = blocks[np.random.default_rng(0).integers(len(blocks))]
    assert replay.replay(block, _loaders()["nas-bench-graph"]()) == "the whole history"


def test_rewrite_mode_writes_the_shipped_store_without_reading_it(local_store, monkeypatch, tmp_path):
    shipped = tmp_path / "shipped"
    monkeypatch.setattr(store, "shipped_dir", lambda: shipped)
    store.use("rewrite")
    bench = toy_benchmark()
    first = cmp.compare(bench, SETTING, algorithms=("bo",), progress=False)["bo"]
    (path,) = shipped.glob("bo-*.npz")
    _damage(path, "overwrite_an_index")   # a rewrite never reads it: no warning, and the file is written anew
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = cmp.compare(bench, SETTING, algorithms=("bo",), progress=False)["bo"]
    np.testing.assert_array_equal(first, again)
    store.use("update")
    monkeypatch.setattr(searches, "run_block", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran")))
    np.testing.assert_array_equal(cmp.compare(bench, SETTING, algorithms=("bo",), progress=False)["bo"], first)


@pytest.mark.parametrize("algorithm", ["bo", "random_search"])
def test_validation_curves_come_from_the_same_queries_as_test_curves(local_store, algorithm):
    bench = toy_benchmark()
    test = cmp.compare(bench, SETTING, algorithms=(algorithm,), progress=False)[algorithm]
    val = cmp.compare(bench, SETTING, algorithms=(algorithm,), progress=False, which="validation")[algorithm]
    losses = cmp._landscapes(bench, SETTING, SETTING.trials)
    assert not np.array_equal(test, val)
    assert (np.diff(val, axis=1) <= 0).all()   # the incumbent's searched loss never rises
    for t in range(SETTING.trials):             # and the two curves describe the same incumbent
        cell = np.isclose(losses.validation[t], val[t, -1]) & np.isclose(losses.test[t], test[t, -1])
        assert cell.any()


def test_a_history_stored_on_another_platform_replays_its_random_prefix_only(local_store, monkeypatch):
    from dataclasses import replace

    bench = toy_benchmark()
    setting = cmp.Setting("toy", "noise", x=1.0, trials=3, budget=25)
    cmp.compare(bench, setting, algorithms=("bananas",), progress=False)
    (stored,) = replay.stored_blocks(local_store)
    here = registry.get("bananas").platform()
    assert store.read_blocks(stored.path, stored.payload, 25, N_ARCHS)[0].platform == here
    assert replay.replay(stored, bench) == "the whole history"
    elsewhere = replace(registry.get("bananas"), platform=lambda: "torch 0.0, cpu OTHER")
    original = registry.get
    monkeypatch.setattr(registry, "get", lambda name: elsewhere if name == "bananas" else original(name))
    assert replay.replay(stored, bench).startswith("the first 10 queries")


def test_blocks_computed_in_worker_processes_are_the_blocks_computed_in_process(local_store, monkeypatch, tmp_path):
    bench = toy_benchmark()
    setting = cmp.Setting("toy", "noise", x=1.0, trials=30, budget=25)
    alone = cmp.compare(bench, setting, algorithms=("bo",), progress=False)["bo"]
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "other"))
    monkeypatch.setenv("NASCOMPANION_WORKERS", "2")
    np.testing.assert_array_equal(cmp.compare(bench, setting, algorithms=("bo",), progress=False)["bo"], alone)
