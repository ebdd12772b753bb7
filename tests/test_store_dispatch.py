"""The comparison's missing blocks computed on a dask cluster: each worker stores its own blocks, a worker killed
mid-block costs only that block, a rerun computes only what is missing, and the store ends as a serial run's."""

from __future__ import annotations

import os
import re
import signal
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

from nascompanion.compare import dispatch, runner, searches, store
from nascompanion.compare.contenders import Setting
from nascompanion.compare.experiment import landscapes
from nascompanion.data import Benchmark, DatasetResults, Provenance, SeedNoise
from nascompanion.results.store import Mode
from nascompanion.spaces.table import hamming_space

distributed = pytest.importorskip("distributed")

SPACE = hamming_space(3, 4)   # 64 architectures
SETTING = Setting("toy", "noise", x=1.0, trials=60, budget=12)   # blocks of 25, 25 and 10 trials
KILLED = 1
"""The block whose first try kills its worker."""


def _benchmark() -> Benchmark:
    values = np.random.default_rng(0).uniform(60, 95, size=(SPACE.size, 1))
    results = {"toy": DatasetResults("toy", values, values - 1.0, "v", "t", False, SeedNoise(0.5, "given", 1))}
    return Benchmark(results=results, provenance=Provenance("fake", (), {"small.csv": "md5:1"}))


@dataclass(frozen=True)
class KillOnce:
    """Computes a block as the comparison does, leaving a marker file per try; the first try of block ``kill``
    computes it, then kills its own process before the block is stored."""

    markers: str
    kill: int | None = None

    def __call__(self, benchmark, setting, algorithm, index, size, losses, space) -> store.Block:
        folder = Path(self.markers)
        first = not any(folder.glob(f"start-{index}-*"))
        (folder / f"start-{index}-{uuid.uuid4().hex}").write_text(f"{os.getpid()} {torch.get_num_threads()}")
        block = searches.run_block(benchmark, setting, algorithm, index, size, losses, space)
        if index == self.kill and first:
            (folder / "killed").write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return block


def _tries(markers: Path) -> list[int]:
    return [len(list(markers.glob(f"start-{i}-*"))) for i in range(len(store.block_sizes(SETTING.trials)))]


def _update(bench: Benchmark, folder: Path, monkeypatch, compute) -> np.ndarray:
    """The store update of BO on the setting, with ``folder`` as the local store."""
    monkeypatch.setenv("NASCOMPANION_CACHE", str(folder))
    losses = landscapes(bench, SETTING, SETTING.trials)
    return runner.stored_curves(bench, SETTING, "bo", losses, False, Mode("use"), space=SPACE, compute=compute)


def _arrays(folder: Path) -> dict[str, np.ndarray]:
    (path,) = (folder / "histories").glob("bo-*.npz")
    with np.load(path, allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}


def test_blocks_on_two_workers_one_killed_mid_block_end_as_a_serial_runs_store(tmp_path, monkeypatch):
    bench = _benchmark()
    serial = _update(bench, tmp_path / "serial", monkeypatch, searches.run_block)
    markers = tmp_path / "markers"
    markers.mkdir()
    with dispatch.cluster(workers=2) as address:
        assert os.environ[dispatch.SCHEDULER_ENV] == address
        curves = _update(bench, tmp_path / "cluster", monkeypatch, KillOnce(str(markers), kill=KILLED))
        assert (markers / "killed").exists() and _tries(markers) == [1, 2, 1]
        assert {p.read_text().split()[1] for p in markers.glob("start-*")} == {"1"}   # one torch thread each
        want = _arrays(tmp_path / "serial")
        assert sorted(want) == sorted(_arrays(tmp_path / "cluster"))
        for name, array in _arrays(tmp_path / "cluster").items():
            assert np.array_equal(array, want[name]), name
        np.testing.assert_array_equal(curves, serial)

        path = next((tmp_path / "cluster" / "histories").glob("bo-*.npz"))
        payload = searches.store_payload(SETTING, "bo", {"small.csv": "md5:1"}, SPACE)
        blocks = store.read_blocks(path, payload, SETTING.budget, SPACE.size, mode=Mode())
        store.write_blocks(path, payload, {i: b for i, b in blocks.items() if i != 2}, mode=Mode())
        again = _update(bench, tmp_path / "cluster", monkeypatch, KillOnce(str(markers)))
        assert _tries(markers) == [1, 2, 2]   # only the missing block
        for name, array in _arrays(tmp_path / "cluster").items():
            assert np.array_equal(array, want[name]), name
        np.testing.assert_array_equal(again, serial)

        lines: list[str] = []   # progress: blocks done of all, time elapsed and expected
        job = dispatch.Job(SETTING, "bo", payload, str(tmp_path / "fresh"), True, SPACE.size)
        losses = landscapes(bench, SETTING, SETTING.trials)
        work = dispatch.Work(job, [0, 2], [25, 25, 10], losses, SPACE)
        done = list(dispatch.on_cluster(address, [work], log=lines.append))
        assert sorted(i for _, i, _ in done) == [0, 2] and len(lines) == 3
        assert re.fullmatch(r"\[blocks\] .*: block [02] on .+, 2 of 2 done, \d+ s elapsed, about 0 s to go", lines[-1])
    assert dispatch.SCHEDULER_ENV not in os.environ


def test_adding_a_block_keeps_the_blocks_other_writers_stored(tmp_path):
    payload = {"a": 1}
    path = tmp_path / "bo-x.npz"
    one = store.Block(np.array([[1, 0]], dtype=np.int16), np.array([2], dtype=np.int16))
    two = store.Block(np.array([[2, -1]], dtype=np.int16), np.array([1], dtype=np.int16))
    store.write_blocks(path, payload, {0: one}, mode=Mode())
    store.add_blocks(path, payload, {1: two}, 2, 3, Mode())
    blocks = store.read_blocks(path, payload, 2, 3, mode=Mode())
    assert sorted(blocks) == [0, 1] and np.array_equal(blocks[1].archs, two.archs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bo-x.npz"]   # no lock or temporary file left


def test_workers_and_a_scheduler_together_are_refused():
    with pytest.raises(ValueError, match="give workers \\(2\\) or scheduler \\('tcp://h:1'\\), not both"):
        with dispatch.cluster(workers=2, address="tcp://h:1"):
            pass


def test_store_update_takes_workers_or_a_scheduler_not_both():
    from nascompanion.book.arguments import UsageError, build_parser

    parser = build_parser()
    assert parser.parse_args(["store", "update", "--workers", "2"]).workers == 2
    assert parser.parse_args(["store", "update", "--scheduler", "tcp://h:1"]).scheduler == "tcp://h:1"
    with pytest.raises(UsageError, match="argument --scheduler: not allowed with argument --workers"):
        parser.parse_args(["store", "update", "--workers", "2", "--scheduler", "tcp://h:1"])


def test_a_block_its_worker_cannot_write_is_returned_for_the_submitting_process_to_write(tmp_path):
    bench = _benchmark()
    (tmp_path / "a-file").write_text("")
    payload = searches.store_payload(SETTING, "bo", {"small.csv": "md5:1"}, SPACE)
    losses = landscapes(bench, SETTING, SETTING.trials)
    unreachable = dispatch.Job(SETTING, "bo", payload, str(tmp_path / "a-file" / "store"), True, SPACE.size)
    block, written, _ = dispatch.store_block(unreachable, 2, 10, losses, SPACE)
    assert not written and block.archs.shape == (10, SETTING.budget)
    reachable = dispatch.Job(SETTING, "bo", payload, str(tmp_path / "store"), True, SPACE.size)
    reachable.add(2, block)
    again, written, _ = dispatch.store_block(reachable, 2, 10, losses, SPACE, compute=None)   # stored: not computed
    assert written and np.array_equal(again.archs, block.archs) and np.array_equal(again.counts, block.counts)


def test_comparing_several_settings_computes_their_missing_blocks_together_and_gives_each_settings_curves(
        tmp_path, monkeypatch):
    bench = _benchmark()
    settings = [SETTING, Setting("toy", "noise", x=2.0, trials=30, budget=12)]
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "alone"))
    alone = [runner.compare(bench, s, algorithms=("bo", "random_search"), space=SPACE, progress=False)
             for s in settings]
    submitted: list[list[tuple[str, list[int]]]] = []

    def serial_cluster(address, works, compute=searches.run_block, log=None):   # what a cluster computes, here
        submitted.append([(w.job.setting.label(), w.missing) for w in works])
        for number, work in enumerate(works):
            for index in work.missing:
                yield number, index, dispatch.store_block(work.job, index, work.sizes[index], work.losses,
                                                          work.space, compute)[0]

    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "together"))
    monkeypatch.setenv(dispatch.SCHEDULER_ENV, "tcp://nowhere:1")
    monkeypatch.setattr(dispatch, "on_cluster", serial_cluster)
    together = runner.compare_all([runner.Comparison(bench, s, SPACE) for s in settings],
                                  algorithms=("bo", "random_search"), progress=False)
    assert submitted == [[(SETTING.label(), [0, 1, 2]), (settings[1].label(), [0, 1])]]   # one submission
    for one, both in zip(alone, together):
        assert list(both) == ["bo", "random_search"]
        for algorithm in one:
            np.testing.assert_array_equal(both[algorithm], one[algorithm])
    again = runner.compare_all([runner.Comparison(bench, s, SPACE) for s in settings], algorithms=("bo",),
                               progress=False)
    assert len(submitted) == 1 and np.array_equal(again[1]["bo"], alone[1]["bo"])   # stored: nothing to compute


def _counting(computed: list[int]):
    """A block computation as the comparison's, appending each block's index to ``computed``."""
    def counting(benchmark, setting, algorithm, index, size, losses, space):
        computed.append(index)
        return searches.run_block(benchmark, setting, algorithm, index, size, losses, space)
    return counting


def test_a_rewriting_run_reads_back_only_the_blocks_it_wrote_itself_and_keeps_them(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "shipped_dir", lambda: tmp_path / "shipped")
    bench = _benchmark()
    computed: list[int] = []
    counting = _counting(computed)
    losses = landscapes(bench, SETTING, SETTING.trials)
    runner.stored_curves(bench, SETTING, "bo", losses, False, Mode("update"), space=SPACE, compute=counting)
    assert computed == [0, 1, 2]   # an earlier run's file
    log = tmp_path / "touched.txt"
    log.touch()
    rewrite = Mode("rewrite", log)
    first = runner.stored_curves(bench, SETTING, "bo", losses, False, rewrite, space=SPACE, compute=counting)
    assert computed == [0, 1, 2] * 2   # the earlier run's blocks are not read
    again = runner.stored_curves(bench, SETTING, "bo", losses, False, rewrite, space=SPACE, compute=counting)
    assert computed == [0, 1, 2] * 2 and np.array_equal(again, first)   # this run's are
    fewer = Setting("toy", "noise", x=1.0, trials=30, budget=12)   # blocks of 25 and 5: the first is this run's
    runner.stored_curves(bench, fewer, "bo", landscapes(bench, fewer, 30), False, rewrite, space=SPACE,
                         compute=counting)
    assert computed == [0, 1, 2] * 2 + [1]
    payload = searches.store_payload(SETTING, "bo", {"small.csv": "md5:1"}, SPACE)
    kept = store.read_blocks(store.path_for(tmp_path / "shipped", "bo", payload), payload, 12, SPACE.size)
    assert {i: b.counts.shape[0] for i, b in kept.items()} == {0: 25, 1: 5, 2: 10}   # none of this run's lost


def test_a_recomputing_run_computes_a_setting_asked_for_twice_once_and_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "shipped_dir", lambda: tmp_path / "shipped")
    monkeypatch.setattr(runner, "_THIS_RUN", {})
    bench = _benchmark()
    computed: list[int] = []
    counting = _counting(computed)
    losses = landscapes(bench, SETTING, SETTING.trials)
    run = Mode("recompute", tmp_path / "run.txt")
    first = runner.stored_curves(bench, SETTING, "bo", losses, False, run, space=SPACE, compute=counting)
    again = runner.stored_curves(bench, SETTING, "bo", losses, False, run, space=SPACE, compute=counting)
    assert computed == [0, 1, 2] and np.array_equal(again, first)   # the run's own blocks, from memory
    other = runner.stored_curves(bench, SETTING, "bo", losses, False, Mode("recompute", tmp_path / "other.txt"),
                                 space=SPACE, compute=counting)
    unnamed = runner.stored_curves(bench, SETTING, "bo", losses, False, Mode("recompute"), space=SPACE,
                                   compute=counting)
    assert computed == [0, 1, 2] * 3 and np.array_equal(other, first) and np.array_equal(unnamed, first)
    assert not (tmp_path / "shipped").exists() and not (tmp_path / "run.txt").exists()
