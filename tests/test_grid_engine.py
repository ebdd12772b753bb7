"""The digits grid on dask.distributed: same chunks as a serial run, and nothing lost or trained twice."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from nascompanion.train import cli, engine, grid
from nascompanion.train.digits_data import Split
from nascompanion.train.network import NetworkSpec
from nascompanion.train.pipelines import SETTINGS

distributed = pytest.importorskip("distributed")

TINY = replace(SETTINGS["plain"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
WAIT = 120.0
"""Seconds a test waits for something that takes a few at most (never a timing assertion)."""


def _cluster():
    return distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})


@pytest.fixture(scope="module")
def client():
    cluster = _cluster()
    try:
        with distributed.Client(cluster) as client:
            client.wait_for_workers(2)
            yield client
    finally:
        cluster.close()


@dataclass(frozen=True)
class MarkedTrainer:
    """Fake trainings (no torch) that leave a marker file when each try starts and when it ends.

    The first try of the chunk named ``hold`` writes its process id to
    ``markers/hold`` and waits there to be killed.
    """

    markers: str
    hold: str | None = None
    steps: int = 3

    def __call__(self) -> grid.TrainFn:
        folder = Path(self.markers)

        def train(chunk: grid.Chunk) -> dict[str, np.ndarray]:
            first = not any(folder.glob(f"start-{chunk.file_name}-*"))
            (folder / f"start-{chunk.file_name}-{uuid.uuid4().hex}").write_text(str(os.getpid()))
            if chunk.file_name == self.hold and first:
                temporary = folder / f".hold-{os.getpid()}"
                temporary.write_text(str(os.getpid()))
                os.replace(temporary, folder / "hold")
                time.sleep(WAIT)
            archs = np.arange(chunk.start, chunk.stop)
            (folder / f"end-{chunk.file_name}-{uuid.uuid4().hex}").write_text(str(os.getpid()))
            return {"archs": archs, "pipeline": np.array(chunk.pipeline), "seed": np.int64(chunk.seed),
                    "val_correct": (archs % 7 + chunk.seed).astype(np.int16),
                    "test_correct": (archs % 5).astype(np.int16), "train_loss": np.ones(archs.size, np.float32),
                    "n_val": np.int64(16), "n_test": np.int64(16), "seconds": np.float64(0.0),
                    "steps": np.int64(self.steps)}

        return train


def _count(folder: Path, kind: str, chunk: grid.Chunk) -> int:
    return len(list(folder.glob(f"{kind}-{chunk.file_name}-*")))


def _quiet(line: str) -> None:
    pass


def test_two_worker_processes_write_the_same_chunks_as_a_serial_run(tmp_path):
    import torch

    chunks = grid.plan(["noisy", "denoised"], [0], chunk=3, start=0, stop=9)
    lines: list[str] = []
    done = engine.run(tmp_path / "cluster", chunks, engine.TrainerSpec(TINY), workers=2, log=lines.append)
    assert sorted(done, key=chunks.index) == chunks and len(lines) == len(chunks)
    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, engine.cpu_cores() // 2))  # as each of the two workers trains
    try:
        grid.run_grid(tmp_path / "serial", chunks, grid.train_chunk_fn(TINY), log=_quiet)
    finally:
        torch.set_num_threads(threads)
    for chunk in chunks:
        got, want = grid.read_chunk(tmp_path / "cluster" / chunk.file_name), grid.read_chunk(
            tmp_path / "serial" / chunk.file_name)
        assert got.keys() == want.keys()
        for name in set(want) - {"seconds"}:
            assert np.array_equal(got[name], want[name]), (chunk.file_name, name)


def test_a_worker_killed_mid_chunk_costs_only_that_chunk(client, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    chunks = grid.plan(["noisy"], [0, 1], chunk=4, start=0, stop=8)
    factory = MarkedTrainer(str(markers), hold=chunks[0].file_name)
    outcome: dict = {}

    def submit() -> None:
        try:
            outcome["done"] = engine.run_chunks(client, tmp_path / "out", chunks, factory, log=_quiet)
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = err

    runner = threading.Thread(target=submit)
    runner.start()
    try:
        deadline = time.monotonic() + WAIT
        while not (markers / "hold").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(int((markers / "hold").read_text()), signal.SIGKILL)
    finally:
        runner.join(WAIT)
    assert not runner.is_alive() and "error" not in outcome, outcome.get("error")
    assert sorted(outcome["done"], key=chunks.index) == chunks
    assert [_count(markers, "start", c) for c in chunks] == [2, 1, 1, 1]
    assert [_count(markers, "end", c) for c in chunks] == [1, 1, 1, 1]
    arrays = grid.gather(tmp_path / "out", pipelines=["noisy"], seeds=[0, 1])
    assert np.array_equal(arrays["noisy_val_correct"][:8], np.stack([np.arange(8) % 7, np.arange(8) % 7 + 1], 1))


class Stop(Exception):
    """Raised from the progress log to stop a run, as a scheduler that dies would."""


def test_a_stopped_scheduler_resumes_from_the_chunks_on_disk(client, tmp_path):
    out, first, second = tmp_path / "out", tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    chunks = grid.plan(["noisy", "denoised"], [0], chunk=2, start=0, stop=6)

    def stop_after_one(line: str) -> None:
        raise Stop(line)

    cluster = _cluster()
    try:
        with distributed.Client(cluster) as stopping:
            stopping.wait_for_workers(2)
            with pytest.raises(Stop):
                engine.run_chunks(stopping, out, chunks, MarkedTrainer(str(first)), log=stop_after_one)
    finally:
        cluster.close()
    finished = {c for c in chunks if grid.read_chunk(out / c.file_name) is not None}
    assert finished and len(finished) < len(chunks)
    done = engine.run_chunks(client, out, chunks, MarkedTrainer(str(second)), log=_quiet)
    assert set(done) == set(chunks) - finished
    assert all(_count(second, "start", c) == 0 for c in finished)
    assert all(_count(second, "start", c) == 1 for c in set(chunks) - finished)
    assert grid.missing_chunks(out, chunks) == []


def test_a_training_set_smaller_than_the_batch_is_refused_on_the_worker(client, tmp_path):
    small = replace(TINY, split=Split(10, 16, 16))
    chunks = grid.plan(["noisy"], [0], chunk=2, start=0, stop=4)
    with pytest.raises(ValueError, match=r"noisy_s0_0000[02]_0000[24]\.npz.*10 training images are fewer than the batch"):
        engine.run_chunks(client, tmp_path, chunks, engine.TrainerSpec(small), log=_quiet)
    assert list(tmp_path.iterdir()) == []


def test_a_chunk_that_trained_no_step_is_refused_naming_it(client, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    chunks = grid.plan(["denoised"], [2], chunk=3, start=3, stop=6)
    untrained = MarkedTrainer(str(markers), steps=0)
    with pytest.raises(ValueError, match=r"chunk denoised_s2_00003_00006\.npz: trained no step"):
        engine.run_chunks(client, tmp_path / "out", chunks, untrained, log=_quiet)
    with pytest.raises(ValueError, match=r"chunk denoised_s2_00003_00006\.npz: trained no step"):
        grid.run_grid(tmp_path / "serial", chunks, untrained(), log=_quiet)
    assert not list((tmp_path / "out").glob("*.npz")) and not list((tmp_path / "serial").glob("*.npz"))
    assert _count(markers, "start", chunks[0]) == 2  # once on the cluster (a refusal is not retried), once here


def test_a_running_cluster_is_used_through_its_scheduler_address(client, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    chunks = grid.plan(["noisy"], [0], chunk=5, start=0, stop=10)
    done = engine.run(tmp_path / "out", chunks, MarkedTrainer(str(markers)), scheduler=client.scheduler.address,
                      log=_quiet)
    assert sorted(done, key=chunks.index) == chunks
    assert engine.run(tmp_path / "out", chunks, MarkedTrainer(str(markers)), scheduler=client.scheduler.address,
                      log=_quiet) == []
    assert [_count(markers, "start", c) for c in chunks] == [1, 1]


def test_time_limit_submits_no_chunk_once_it_has_passed(client, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    chunks = grid.plan(["noisy"], [0], chunk=5, start=0, stop=10)
    lines: list[str] = []
    assert engine.run_chunks(client, tmp_path, chunks, MarkedTrainer(str(markers)), time_limit=0.0,
                             log=lines.append) == []
    assert not list(markers.iterdir()) and lines[0].startswith("time limit")


def test_a_task_finding_a_finished_file_trains_nothing(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    chunk = grid.Chunk("noisy", 0, 0, 2)
    factory = MarkedTrainer(str(markers))
    assert engine.train_and_write(str(tmp_path), chunk, factory)["trained"]
    assert not engine.train_and_write(str(tmp_path), chunk, factory)["trained"]
    assert _count(markers, "start", chunk) == 1


def test_a_scheduler_that_does_not_answer_is_named(tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(ConnectionError, match=r"scheduler 'tcp://127.0.0.1:1': cannot connect"):
            engine.run(tmp_path, grid.plan(["noisy"], [0], 4, 0, 4), MarkedTrainer(str(tmp_path)),
                       scheduler="tcp://127.0.0.1:1")


@pytest.mark.parametrize("workers, scheduler, message", [
    (0, None, "workers must be an integer >= 1, got 0"),
    (2, "tcp://127.0.0.1:8786", "give workers .2. or scheduler .*not both"),
])
def test_bad_workers_or_both_ways_are_refused(tmp_path, workers, scheduler, message):
    with pytest.raises(ValueError, match=message):
        engine.run(tmp_path, grid.plan(["noisy"], [0], 4, 0, 4), engine.TrainerSpec(TINY), workers, scheduler)


def _visible_gpus() -> str | None:
    return os.environ.get("CUDA_VISIBLE_DEVICES")


def test_gpu_workers_each_see_their_own_gpu_and_offer_it_as_a_resource(monkeypatch):
    monkeypatch.setattr(engine, "visible_gpus", lambda: ["3", "5"])  # as if two GPUs were visible
    with engine.local_cluster(2, "cuda") as (client, options):
        seen = client.run(_visible_gpus)
        resources = [w["resources"] for w in client.scheduler_info()["workers"].values()]
    assert sorted(seen.values()) == ["3", "5"]
    assert resources == [{"GPU": 1}, {"GPU": 1}]
    assert options == engine.WorkerOptions("cuda", None, {"GPU": 1})


def test_more_gpu_workers_than_gpus_are_refused_before_a_cluster_starts():
    with pytest.raises(ValueError, match=r"\d+ worker\(s\) on device 'cuda' need \d+ GPU\(s\), one each"):
        with engine.local_cluster(len(engine.visible_gpus()) + 1, "cuda"):
            pass


@pytest.mark.parametrize("argv, message", [
    (["--workers", "0"], "argument --workers: must be an integer >= 1, got 0"),
    (["--workers", "two"], "argument --workers: must be an integer >= 1, got 'two'"),
    (["--threads", "0"], "argument --threads: must be an integer >= 1, got 0"),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], "argument --scheduler: not allowed with argument --workers"),
])
def test_run_command_line_refuses_bad_workers(tmp_path, capsys, argv, message):
    assert cli.main(["run", "--out", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
