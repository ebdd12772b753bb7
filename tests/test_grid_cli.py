"""The grid's command line: arguments checked up front, chunks checked against their names, nothing lost."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from grid_chunks import whole_grid, write_chunks
from nascompanion.data.digits import MANIFEST_FILE, RESULT_FILE, shipped_path
from nascompanion.spaces import nb201
from nascompanion.train import cli, engine, grid
from nascompanion.train.digits_data import Split
from nascompanion.train.network import NetworkSpec
from nascompanion.train.pipelines import SETTINGS

SMALL = replace(SETTINGS["plain"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
ROOT = Path(__file__).resolve().parents[1]


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.mark.parametrize("argv, message", [
    (["--n-train", "0"], "argument --n-train: must be an integer >= 2, got 0"),
    (["--n-train", "1500"], "--n-train 1500: allowed 2..1000 in setting plain"),
    (["--epochs", "0"], "argument --epochs: must be an integer >= 1, got 0"),
    (["--width", "0"], "argument --width: must be an integer >= 1, got 0"),
    (["--pipelines", "bogus"], "argument --pipelines: invalid choice: 'bogus' (choose from 'noisy', 'denoised')"),
    (["--chunk", "0"], "argument --chunk: must be an integer in 1..15625, got 0"),
    (["--start", "100", "--stop", "50"], "--stop 50 must be greater than --start 100"),
    (["--stop", "15626"], "argument --stop: must be an integer in 1..15625, got 15626"),
    (["--seeds", "-1"], "argument --seeds: must be an integer >= 0, got -1"),
    (["--time-limit", "0"], "argument --time-limit: must be a number of seconds > 0, got '0'"),
    (["--device", "cuda"], "--device cuda: no GPU is visible here"),
    (["--device", "tpu"], "--device 'tpu': allowed are cpu, cuda and cuda:N"),
])
def test_bad_run_arguments_are_one_line_naming_the_option_and_what_is_allowed(tmp_path, capsys, no_gpu, argv,
                                                                              message):
    out = tmp_path / "chunks"
    assert cli.main(["run", "--setting", "plain", "--out", str(out), *argv]) == 2
    assert message in _one_line_error(capsys)
    assert not out.exists()


@pytest.mark.parametrize("verb, option", [("run", "--out"), ("consolidate", "--dest"), ("sweep", "--json")])
def test_a_destination_that_cannot_be_written_is_refused_naming_the_option(tmp_path, capsys, verb, option):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    target = blocker / {"run": "chunks", "consolidate": "dest", "sweep": "sweep.json"}[verb]
    argv = {"run": ["run", "--out", str(target)],
            "consolidate": ["consolidate", "--out", str(tmp_path), "--dest", str(target)],
            "sweep": ["sweep", "--json", str(target)]}[verb]
    assert cli.main(argv) == 2
    assert f"{option} {target}: {blocker} is a file, not a folder" in _one_line_error(capsys)


def test_debug_shows_the_stack_instead_of_one_line(tmp_path, no_gpu):
    with pytest.raises(cli.UsageError, match="no GPU is visible"):
        cli.main(["run", "--out", str(tmp_path), "--device", "cuda", "--debug"])


@pytest.mark.parametrize("module", ["nascompanion.train", "nascompanion.train.grid"])
def test_both_spellings_of_the_command_exit_non_zero_with_one_line(tmp_path, module):
    done = subprocess.run([sys.executable, "-m", module, "run", "--out", str(tmp_path / "x"), "--epochs", "0"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == ["python -m nascompanion.train run: error: argument --epochs: must be an "
                                        "integer >= 1, got 0 (see python -m nascompanion.train run --help)"]


def _copy_chunk(out: Path, source: str, target: str) -> None:
    shutil.copy(out / source, out / target)


@pytest.mark.parametrize("source, target, message", [
    ("noisy_s0_00000_15625.npz", "denoised_s0_00000_15625.npz", "holds a chunk of pipeline 'noisy', not 'denoised'"),
    ("noisy_s0_00000_15625.npz", "noisy_s1_00000_15625.npz", "holds a chunk of seed 0, not 1"),
    ("noisy_s0_00000_08000.npz", "noisy_s0_08000_15625.npz", "holds cells 0..7999, not 8000..15624"),
])
def test_a_chunk_under_another_chunks_name_is_refused_naming_the_file(tmp_path, capsys, source, target, message):
    out, dest = tmp_path / "chunks", tmp_path / "dest"
    plan = whole_grid((0, 1)) if "08000" not in source else grid.plan(seeds=(0, 1), chunk=8000)
    write_chunks(out, plan, SMALL)
    _copy_chunk(out, source, target)
    argv = ["consolidate", "--out", str(out), "--dest", str(dest), "--seeds", "0", "1",
            "--chunk", "8000" if "08000" in source else str(nb201.N_ARCHS)]
    assert cli.main(argv) == 2
    err = _one_line_error(capsys)
    assert f"{out / target}: {message}" in err
    assert not dest.exists()


def test_consolidate_into_its_own_chunk_folder_says_so(tmp_path, capsys):
    write_chunks(tmp_path, whole_grid((0, 1)), SMALL)
    assert cli.main(["consolidate", "--out", str(tmp_path), "--dest", str(tmp_path), "--seeds", "0", "1"]) == 2
    err = _one_line_error(capsys)
    assert "is the chunk folder (--out); write the benchmark to another folder" in err and "damaged" not in err
    assert not (tmp_path / RESULT_FILE).exists()


@pytest.mark.parametrize("name", [RESULT_FILE, "bogus_s0_00000_15625.npz"])
def test_a_file_in_the_chunk_folder_that_is_no_chunk_is_named(tmp_path, name):
    write_chunks(tmp_path, whole_grid((0, 1)), SMALL)
    shutil.copy(tmp_path / "noisy_s0_00000_15625.npz", tmp_path / name)
    with pytest.raises(ValueError, match=f"{name}: not a chunk file .*move it out of"):
        grid.consolidate(tmp_path, tmp_path / "dest", chunks=whole_grid((0, 1)))


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch):
    """A copy of the shipped benchmark that consolidate takes for the shipped one."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    for name in (RESULT_FILE, MANIFEST_FILE):
        shutil.copy(shipped_path().with_name(name), folder / name)
    monkeypatch.setattr(grid, "SHIPPED_FOLDER", folder)
    return folder


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_replace_from_a_partial_plan_leaves_the_shipped_benchmark_alone(tmp_path, capsys, shipped_copy):
    before = _contents(shipped_copy)
    write_chunks(tmp_path / "chunks", grid.plan(stop=64), SMALL)
    argv = ["consolidate", "--out", str(tmp_path / "chunks"), "--dest", str(shipped_copy), "--stop", "64", "--replace"]
    assert cli.main(argv) == 2
    assert "the shipped benchmark is replaced only from the whole grid" in _one_line_error(capsys)
    assert _contents(shipped_copy) == before


@pytest.mark.parametrize("argv, reason", [
    (["--pipelines", "noisy"], "missing array.s. denoised_val_correct"),
    (["--stop", "64"], "missing for 15561 architectures"),
])
def test_replace_writes_nothing_that_its_loader_would_refuse(tmp_path, capsys, argv, reason):
    dest = tmp_path / "dest"
    write_chunks(tmp_path / "old", whole_grid((0, 1)), SMALL)
    grid.consolidate(tmp_path / "old", dest, chunks=whole_grid((0, 1)))
    before = _contents(dest)
    chunks = grid.plan(["noisy"] if "noisy" in argv else ["noisy", "denoised"], stop=64 if "64" in argv else nb201.N_ARCHS)
    write_chunks(tmp_path / "chunks", chunks, SMALL)
    assert cli.main(["consolidate", "--out", str(tmp_path / "chunks"), "--dest", str(dest), *argv, "--replace"]) == 2
    err = _one_line_error(capsys)
    assert "the consolidated benchmark would not load" in err and f"nothing written to {dest}" in err
    assert re.search(reason, err)
    assert _contents(dest) == before  # no staging folder left behind either


def test_an_undefined_ratio_is_written_as_null_and_the_manifest_is_strict_json(tmp_path):
    plan = whole_grid((0, 1))
    for seed in (0, 1):  # the same counts for both seeds: no seed-to-seed spread, the ratio is undefined
        write_chunks(tmp_path / "chunks", [c for c in plan if c.seed == seed], SMALL, seed=0)
    manifest = grid.consolidate(tmp_path / "chunks", tmp_path / "dest", chunks=plan)
    assert manifest["discriminativeness_iqr_over_median_seed_sd"] == {"noisy": None, "denoised": None}
    text = (tmp_path / "dest" / MANIFEST_FILE).read_text()
    assert "Infinity" not in text and json.loads(text)["undefined_values"].startswith("null stands for")


def test_a_chunk_result_recording_another_pipeline_or_seed_is_not_stored():
    chunk = grid.Chunk("denoised", 1, 0, 2)
    arrays = {"archs": np.arange(2), "pipeline": np.array("noisy"), "seed": np.int64(1)}
    with pytest.raises(ValueError, match="records pipeline 'noisy', not 'denoised'; not stored"):
        grid.check_trained(chunk, arrays)
    with pytest.raises(ValueError, match="records seed 0, not 1; not stored"):
        grid.check_trained(chunk, {**arrays, "pipeline": np.array("denoised"), "seed": np.int64(0)})


def test_a_worker_limits_torch_and_the_numeric_pools_to_its_threads():
    from threadpoolctl import threadpool_info, threadpool_limits

    before = torch.get_num_threads()
    with threadpool_limits(limits=None):  # restores the pools afterwards
        engine.limit_threads(1)
        assert torch.get_num_threads() == 1
        assert {pool["num_threads"] for pool in threadpool_info()} == {1}
    torch.set_num_threads(before)
    with pytest.raises(ValueError, match="threads must be an integer >= 1, got 0"):
        engine.limit_threads(0)


def _imports(module: str) -> set[str]:
    tree = ast.parse((ROOT / "nascompanion" / "train" / f"{module}.py").read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    names |= {f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
              for alias in node.names}
    return names


def test_grid_and_engine_do_not_import_each_other_nor_the_command_line():
    assert not {"nascompanion.train.engine", "nascompanion.train.cli"} & _imports("grid")
    assert "nascompanion.train.cli" not in _imports("engine")


@pytest.mark.parametrize("module", ["grid", "engine", "cli"])
def test_no_function_of_the_grid_modules_is_over_sixty_lines(module):
    tree = ast.parse((ROOT / "nascompanion" / "train" / f"{module}.py").read_text())
    long = {node.name: node.end_lineno - node.lineno + 1 for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60}
    assert long == {}
