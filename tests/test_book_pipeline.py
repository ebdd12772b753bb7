from pathlib import Path

import pytest

from nascompanion.book import cli
from nascompanion.book import runner as book
from nascompanion.book.parameters import check_parameters, parse
from nascompanion.book.notebook import by_scale, check_choice, check_range


def test_unknown_chapter_lists_the_chapters():
    with pytest.raises(ValueError, match="unknown chapter 'intro'; chapters: search_space, local_search"):
        book.check_chapter("intro")


def test_unknown_parameter_is_refused_before_running(tmp_path):
    with pytest.raises(ValueError, match="has no parameter\\(s\\) budgte; its parameters: .*scale"):
        book.run_chapter("search_space", {"budgte": 3}, output=tmp_path / "x.ipynb")
    assert not (tmp_path / "x.ipynb").exists()


def test_parameter_values_are_read_as_the_type_the_chapter_declares():
    assert parse("real_noise", "seed", "3") == 3 and parse("real_noise", "level", "0.5") == 0.5
    assert parse("search_space", "dataset", "cifar100") == "cifar100"
    assert parse("search_space", "data", "2024") == "2024" and parse("search_space", "data", "[1,2]") == "[1,2]"


def test_notebook_parameter_checks_name_the_allowed_values():
    with pytest.raises(ValueError, match="scale='huge' is not allowed; choose one of: 'smoke', 'paper'"):
        by_scale("huge", 1, 2)
    with pytest.raises(ValueError, match=r"trials=-1 is outside \[1, None\]"):
        check_range("trials", -1, 1)
    assert check_choice("x", 2, [1, 2]) == 2


def test_cli_run_rejects_unknown_chapter(capsys):
    assert cli.main(["run", "nope"]) == 2
    assert "unknown chapter 'nope'" in capsys.readouterr().err


def test_data_check_reports_mean_only_data_and_refuses_standard(capsys):
    assert cli.main(["data", "check", "--source", "nb201"]) == 0
    out = capsys.readouterr().out
    assert "importer: nb201-embedded" in out
    assert "why:      given as source 'nb201'" in out
    assert "one column: a mean of seeds" in out
    assert "objective versions: denoised, random, noise(x)" in out
    assert "standard" not in out.split("cifar10-valid:")[1].split("cifar10:")[0]


def test_data_check_without_data_says_where_it_looked(tmp_path, capsys):
    assert cli.main(["data", "check", "--source", str(tmp_path / "missing")]) == 1
    assert "NASCOMPANION_DATA" in capsys.readouterr().out


def test_glue_stores_numpy_scalars_as_python_numbers(monkeypatch):
    import sys
    import types

    import numpy as np

    from nascompanion.book import notebook

    stored = {}
    fake = types.SimpleNamespace(glue=lambda name, value, display: stored.update({name: value}))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    notebook.glue("x", np.float64(0.25))
    notebook.glue("n", np.int64(3))
    assert type(stored["x"]) is float and type(stored["n"]) is int


def test_executed_chapter_records_repository_paths_only(tmp_path):
    import nbformat

    out = tmp_path / "search_space.ipynb"
    book.run_chapter("search_space", {"scale": "smoke"}, output=out, progress=False)
    executed = nbformat.read(out, as_version=4)
    meta = executed.metadata["papermill"]
    assert meta["input_path"] == "notebooks/search_space.md"
    assert meta["output_path"] == "search_space.ipynb"
    assert meta["parameters"] == {"scale": "smoke", "store_mode": "use", "store_log": None}
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "remove-cell" in injected[0].metadata["tags"]  # hidden in the rendered book


def _previous_chapter(path):
    path.write_text('{"previous": "chapter"}')
    return path.read_bytes()


def test_failing_run_leaves_the_previous_chapter_and_names_the_failed_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "cache"))
    corrupt = tmp_path / "tables"
    corrupt.mkdir()
    for name in ("nb201_cifar10-valid_mean200.csv", "nb201_test_mean200.csv"):
        (corrupt / name).write_text("a,b\n1,2\n")  # found by the pre-check, refused by the importer in the kernel
    out = tmp_path / "search_space.ipynb"
    before = _previous_chapter(out)
    refused = r"failed in cell \d+: (\w+Error): .*was left as it was; the notebook as far as it ran is"
    with pytest.raises(book.ChapterFailed, match=refused) as err:
        book.run_chapter("search_space", {"scale": "smoke", "data": str(corrupt)}, output=out, progress=False)
    assert out.read_bytes() == before
    failed = Path(str(err.value).rsplit(" is ", 1)[1])
    import re

    assert failed.is_file() and re.search(refused, str(err.value))[1] in failed.read_text()


def test_killed_run_leaves_the_previous_chapter(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "search_space.ipynb"
    before = _previous_chapter(out)
    runs = tmp_path / "cache" / "runs"
    environment = {**os.environ, "NASCOMPANION_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "nascompanion.book.cli", "run", "search_space", "-p", "scale", "smoke", "-o", str(out)]
    process = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not list(runs.glob("search_space-*[0-9].ipynb")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # papermill writes the working notebook when execution starts
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode != 0, "the run ended before it could be stopped"
    assert out.read_bytes() == before
    assert "was left as it was; the notebook as far as it ran is" in stderr


def test_bad_parameter_fails_in_one_line_before_a_kernel_starts(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "cache"))
    assert cli.main(["run", "search_space", "-p", "dataset", "cifar1000", "-o", str(tmp_path / "x.ipynb")]) == 2
    [error] = capsys.readouterr().err.strip().splitlines()
    assert error == ("nascompanion run: error: parameter dataset='cifar1000' is not allowed; choose one of: "
                     "'cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120'")
    assert not (tmp_path / "cache" / "runs").exists()


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"seed": -1}, r"seed=-1 is outside \[0, 4294967295\]"),
        ({"seed": "one"}, "seed='one' must be of type int, like its default 0"),
        ({"scale": "huge"}, "scale='huge' is not allowed; choose one of: 'smoke', 'paper'"),
        ({"data": "digit201"}, "data='digit201'.*did you mean 'digits201'"),
    ],
)
def test_parameter_checks_declared_for_the_chapter_refuse_bad_values(parameters, message):
    with pytest.raises(ValueError, match=message):
        check_parameters("theory", parameters)
    assert check_parameters("theory", {"seed": 3, "scale": "smoke"}) == {"seed": 3, "scale": "smoke"}


def test_status_report_shows_both_scales_from_the_times_file(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_DATA", "nb201")
    path = tmp_path / "run_times.json"
    book.record_times([book.ChapterRun("theory", tmp_path, 2.04)], "smoke", path)
    times = book.record_times([book.ChapterRun("theory", tmp_path, 20.0)], "paper", path)
    report = book.run_report(times)
    assert "| chapter | `smoke` (s) | `paper` (s) |" in report
    assert "| theory | 2.0 | 20.0 |" in report and "| search_space | not run | not run |" in report
    # named as the chapters name it (search_space prints the benchmark's provenance), not as the locator does
    assert "data: nb201-tables (the copy shipped in the package; NASCOMPANION_DATA is set to 'nb201')" in report
    assert "nb201-embedded" not in report
    times = book.record_times([book.ChapterRun("search_space", tmp_path, 4.0)], "paper", path)
    assert times["paper"]["seconds"] == {"theory": 20.0, "search_space": 4.0}


def test_status_report_shows_the_recompute_path_beside_the_stored_one(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_DATA", "nb201")
    path = tmp_path / "run_times.json"
    book.record_times([book.ChapterRun("nas_comparison", tmp_path, 95.0)], "paper", path)
    times = book.record_times([book.ChapterRun("nas_comparison", tmp_path, 1500.0)], "paper-recompute", path)
    report = book.run_report(times)
    assert "| chapter | `paper` (s) | `paper-recompute` (s) |" in report
    assert "| nas_comparison | 95.0 | 1500.0 |" in report


def test_a_recomputing_build_hands_each_kernel_the_store_mode_and_leaves_its_own_alone(monkeypatch):
    from nascompanion.compare import store

    monkeypatch.delenv(store.STORE_ENV, raising=False)
    seen = []
    logs = []
    monkeypatch.setattr(book, "run_chapter", lambda name, parameters, output=None, progress=True, threads=None,
                        store_mode=None, store_log=None: logs.append(store_log) or seen.append((store_mode, store.mode()))
                        or book.ChapterRun(name, Path("x"), 0.0))
    monkeypatch.setattr(book, "record_times", lambda runs, scale: seen.append(scale))
    book.run_all("smoke", chapters=("theory", "search_space"), recompute=True)
    assert seen == [("recompute", "use")] * 2 + ["smoke-recompute"] and store.mode() == "use"
    assert logs[0] is not None and logs == [logs[0]] * 2   # one log names the run, for every kernel


def test_nbval_runs_its_kernel_with_the_thread_variables_a_chapter_kernel_gets():
    import importlib.util

    from nascompanion.book.runner import THREAD_VARIABLES

    spec = importlib.util.spec_from_file_location("tasks", Path(__file__).resolve().parents[1] / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.KERNEL_THREAD_VARIABLES == THREAD_VARIABLES
