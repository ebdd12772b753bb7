"""Moving stale stored blocks to the current key: only where the current code reproduces them, recording how."""

import json
from dataclasses import replace

import numpy as np
import pytest

from nascompanion.compare import rekey, replay, store
from nascompanion.compare import run as cmp
from nascompanion.spaces.nb201 import N_ARCHS
from nascompanion.search import registry
from toy_benchmark import toy_benchmark

SETTING = cmp.Setting("toy", "noise", x=1.0, trials=30, budget=25)
CHECKSUMS = {"toy.csv": "md5:0"}
OLD = "0123456789abcdef"
LOADERS = {"toy": toy_benchmark}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    store.use(None)
    return tmp_path / "histories"


def _stale_store(folder, algorithm="bo", setting=SETTING, edit=None):
    """Compute ``setting``'s blocks, then store them as if an earlier code (digest ``OLD``) had: stale now."""
    cmp.compare(toy_benchmark(), setting, algorithms=(algorithm,), progress=False)
    (path,) = folder.glob(f"{algorithm}-*.npz")
    payload = cmp.store_payload(setting, algorithm, CHECKSUMS)
    blocks = store.read_blocks(path, payload, setting.budget, N_ARCHS)
    blocks = edit(blocks) if edit else blocks
    old = {**payload, "code": OLD}
    path.unlink()
    target = store.path_for(folder, algorithm, old)
    store.write_blocks(target, old, blocks)
    return target, blocks


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.npz"))}


def test_a_block_the_current_code_reproduces_moves_to_the_current_key_with_its_proof(folder):
    old_path, blocks = _stale_store(folder)
    assert not replay.current(replay.stored_blocks(folder))
    outcomes = rekey.rekey(folder, LOADERS)
    assert [(o.status, o.proof) for o in outcomes] == [("rekeyed", "full replay")] * 2
    assert not old_path.exists()
    payload = cmp.store_payload(SETTING, "bo", CHECKSUMS)
    moved = store.read_blocks(store.path_for(folder, "bo", payload), payload, SETTING.budget, N_ARCHS)
    for index, block in blocks.items():
        np.testing.assert_array_equal(moved[index].archs, block.archs)
        np.testing.assert_array_equal(moved[index].counts, block.counts)
        assert json.loads(moved[index].rekeyed) == {"from": OLD, "proved_by": "full replay"}
    assert len(replay.current(replay.stored_blocks(folder))) == 2


def test_a_code_change_that_changes_the_history_leaves_the_block_stale_and_untouched(folder, monkeypatch):
    _stale_store(folder)
    before = _files(folder)
    changed = replace(registry.get("bo"), defaults={"batch": 5})   # a change that does alter the queries
    original = registry.get
    monkeypatch.setattr(registry, "get", lambda name: changed if name == "bo" else original(name))
    outcomes = rekey.rekey(folder, LOADERS)
    assert [o.status for o in outcomes] == ["differs", "differs"]
    assert outcomes[0].proof.startswith("query ") and outcomes[0].proof.endswith("differs")
    assert _files(folder) == before


def test_a_file_with_one_differing_block_is_kept_whole_and_only_its_proven_block_moves(folder):
    def swap(blocks):
        archs = blocks[1].archs.copy()
        archs[2, [0, 1]] = archs[2, [1, 0]]   # consistent, with its own digest, but not what the search does
        return {**blocks, 1: store.Block(archs, blocks[1].counts)}

    old_path, _ = _stale_store(folder, edit=swap)
    before = old_path.read_bytes()
    outcomes = rekey.rekey(folder, LOADERS)
    assert [(o.block.index, o.status) for o in outcomes] == [(0, "rekeyed"), (1, "differs")]
    assert outcomes[1].proof == "query 1 of trial 27 differs"
    assert old_path.read_bytes() == before
    payload = cmp.store_payload(SETTING, "bo", CHECKSUMS)
    assert set(store.read_blocks(store.path_for(folder, "bo", payload), payload, SETTING.budget, N_ARCHS)) == {0}


def test_a_dry_run_replays_and_writes_nothing(folder):
    _stale_store(folder)
    before = _files(folder)
    outcomes = rekey.rekey(folder, LOADERS, dry_run=True)
    assert [o.status for o in outcomes] == ["proven", "proven"]
    assert _files(folder) == before


def test_a_shorter_replay_is_recorded_as_what_it_proves(folder):
    _stale_store(folder)
    outcomes = rekey.rekey(folder, LOADERS, prefixes={"bo": 12})
    assert {o.proof for o in outcomes} == {"replay of the first 12 queries of every trial"}
    payload = cmp.store_payload(SETTING, "bo", CHECKSUMS)
    moved = store.read_blocks(store.path_for(folder, "bo", payload), payload, SETTING.budget, N_ARCHS)
    assert json.loads(moved[0].rekeyed)["proved_by"] == "replay of the first 12 queries of every trial"


def test_a_history_from_another_platform_is_proven_on_its_random_prefix_and_says_so(folder):
    setting = cmp.Setting("toy", "noise", x=1.0, trials=3, budget=25)

    def elsewhere(blocks):
        return {i: replace(b, platform="torch 0.0, cpu OTHER") for i, b in blocks.items()}

    _stale_store(folder, "bananas", setting, elsewhere)
    (outcome,) = rekey.rekey(folder, LOADERS)
    assert outcome.status == "rekeyed"
    assert outcome.proof.startswith(f"replay of the first {replay.random_prefix('bananas')} queries of every trial")
    assert outcome.proof.endswith("stored on torch 0.0, cpu OTHER")


def test_a_history_from_another_platform_whose_random_prefix_differs_stays_stale(folder):
    setting = cmp.Setting("toy", "noise", x=1.0, trials=3, budget=25)

    def elsewhere(blocks):
        archs = blocks[0].archs.copy()
        archs[0, [0, 1]] = archs[0, [1, 0]]
        return {0: store.Block(archs, blocks[0].counts, "torch 0.0, cpu OTHER")}

    _stale_store(folder, "bananas", setting, elsewhere)
    before = _files(folder)
    (outcome,) = rekey.rekey(folder, LOADERS)
    assert outcome.status == "differs"
    assert _files(folder) == before


def test_a_rekey_killed_while_writing_loses_no_block_and_a_rerun_finishes_it(folder, monkeypatch):
    import os

    old_path, _ = _stale_store(folder)
    before = _files(folder)
    real_replace = os.replace

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        rekey.rekey(folder, LOADERS)
    assert _files(folder) == before and not list(folder.glob(".*"))
    monkeypatch.setattr(os, "replace", real_replace)
    assert [o.status for o in rekey.rekey(folder, LOADERS)] == ["rekeyed", "rekeyed"]
    assert len(replay.current(replay.stored_blocks(folder))) == 2


def test_a_block_without_its_benchmark_here_is_skipped(folder):
    _stale_store(folder)
    before = _files(folder)

    def other_data():
        bench = toy_benchmark()
        return replace(bench, provenance=replace(bench.provenance, checksums={"toy.csv": "md5:1"}))

    outcomes = rekey.rekey(folder, {"other": other_data})
    assert {o.status for o in outcomes} == {"skipped"}
    assert _files(folder) == before


def test_a_shorter_replay_is_refused_for_a_search_whose_trials_share_one_stream_in_turn(folder):
    _stale_store(folder)
    with pytest.raises(ValueError, match="prefixes for anasod_bo: a shorter replay proves only the blocks of bo, "
                                         "bananas"):
        rekey.rekey(folder, LOADERS, prefixes={"anasod_bo": 5})


@pytest.mark.parametrize("bad", ["bo=0", "bo=x", "nothing=3", "bo", "anasod_bo=10"])
def test_the_command_refuses_a_malformed_prefix(bad, capsys):
    with pytest.raises(SystemExit):
        rekey.main(["--prefix", bad])
    assert "--prefix" in capsys.readouterr().err


def test_a_rerun_after_a_stop_does_not_replay_the_blocks_already_moved(folder, monkeypatch):
    _stale_store(folder)
    first = rekey.rekey(folder, LOADERS, dry_run=True)
    payload = cmp.store_payload(SETTING, "bo", CHECKSUMS)
    stored = store.read_blocks(store.path_for(folder, "bo", {**payload, "code": OLD}), {**payload, "code": OLD}, 25, N_ARCHS)
    record = json.dumps({"from": OLD, "proved_by": first[0].proof})
    store.write_blocks(store.path_for(folder, "bo", payload), payload, {0: replace(stored[0], rekeyed=record)})
    calls = []
    real = rekey.prove
    monkeypatch.setattr(rekey, "prove", lambda block, *a, **k: calls.append(block.index) or real(block, *a, **k))
    assert [o.status for o in rekey.rekey(folder, LOADERS)] == ["rekeyed", "rekeyed"]
    assert calls == [1]
    assert len(replay.current(replay.stored_blocks(folder))) == 2


def test_only_the_chosen_algorithms_are_rekeyed(folder):
    _stale_store(folder)
    assert rekey.rekey(folder, LOADERS, algorithms=("bananas",)) == []
    assert not replay.current(replay.stored_blocks(folder))


def test_a_limited_rekey_proves_only_the_first_stale_blocks_and_keeps_the_rest(folder):
    _stale_store(folder)
    outcomes = rekey.rekey(folder, loaders=LOADERS, limit=1)
    assert [(o.block.index, o.status) for o in outcomes] == [(0, "rekeyed")]
    assert [b.index for b in replay.current(replay.stored_blocks(folder))] == [0]
    assert [b.index for b in rekey.stale_blocks(folder)] == [0, 1]   # the old file stays until all are proven
    outcomes = rekey.rekey(folder, loaders=LOADERS, limit=1)   # the next run goes on with the next block
    assert [(o.block.index, o.status) for o in outcomes] == [(1, "rekeyed")]
    assert not rekey.stale_blocks(folder) and len(replay.current(replay.stored_blocks(folder))) == 2


def test_the_command_lists_stale_blocks_without_replaying_them(folder, monkeypatch, capsys):
    _stale_store(folder)
    monkeypatch.setattr(rekey, "prove", lambda *a, **k: (_ for _ in ()).throw(AssertionError("replayed")))
    assert rekey.main(["--folder", str(folder), "--list"]) == 0
    out = capsys.readouterr().out
    assert out.count(": stale") == 2 and out.endswith("2 stale blocks\n")
