"""Every expected failure of the ``nascompanion`` command is one line on stderr naming the input, with a
non-zero exit status; ``--debug`` shows the stack instead. No case here starts a kernel."""

import os
import subprocess
import sys

import numpy as np
import pytest

from nascompanion.book import cli

ROOT = os.geteuid() == 0   # permissions do not bind root


def _one_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.out + captured.err
    return lines[0]


@pytest.fixture
def places(tmp_path, monkeypatch):
    """A scratch folder with a file, a folder, a symlink loop and a cache of its own."""
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("NASCOMPANION_DATA", raising=False)
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "named", "allowed"),
    [
        (["run", "theory", "-p", "seed", "-5"], "seed=-5", r"[0, 4294967295]"),
        (["run", "theory", "-p", "seed", "one"], "seed='one'", "type int"),
        (["run", "theory", "-p", "seeds", "1"], "seeds", "its parameters: data, scale, seed"),
        (["run", "real_noise", "-p", "level", "2"], "level=2.0", "[0.5, 0.99]"),
        (["run", "theory", "-p", "data", "a" * 5000], "data='aaaa", "File name too long"),
        (["run", "nope"], "'nope'", "chapters: search_space"),
        (["store", "check", "--per-algorithm", "-1"], "--per-algorithm: -1", "a positive count, or all"),
        (["store", "check", "--per-algorithm", "0"], "--per-algorithm: 0", "a positive count, or all"),
        (["run", "theory", "--threads", "0"], "--threads: 0", "a positive integer"),
        (["execute", "--threads", "two", "--output-dir", "x"], "--threads: two", "a positive integer"),
    ],
)
def test_a_bad_value_is_one_line_naming_it_and_what_is_allowed(argv, named, allowed, places, capsys):
    assert cli.main(argv) == 2
    line = _one_line(capsys)
    assert named in line and allowed in line
    assert not (places / "cache" / "runs").exists()   # refused before a kernel started


def test_a_bad_thread_count_in_the_environment_is_named(places, monkeypatch, capsys):
    monkeypatch.setenv("NASCOMPANION_THREADS", "lots")
    assert cli.main(["run", "theory", "-o", str(places / "x.ipynb")]) == 1
    assert "threads='lots'" in _one_line(capsys)


@pytest.mark.parametrize(
    ("argv", "named", "reason"),
    [
        (["store", "check", "--folder", "{tmp}/nowhere"], "{tmp}/nowhere", "not a folder"),
        (["store", "check", "--folder", "{tmp}/a-file"], "{tmp}/a-file", "not a folder"),
        (["store", "check", "--folder", "{tmp}/loop"], "{tmp}/loop", "not a folder"),
        (["data", "check", "--source", "a" * 5000], "a" * 100, "File name too long"),
        (["data", "embed", "--from", "{tmp}/nowhere"], "{tmp}/nowhere", "missing nb201_cifar10-valid_mean200.csv"),
        (["run", "theory", "-o", "{tmp}/a-folder"], "{tmp}/a-folder is a folder", "-o"),
        (["run", "theory", "-o", "{tmp}/a-file/x.ipynb"], "{tmp}/a-file", "choose another output path (-o)"),
        (["run", "theory", "-o", "{tmp}/loop/x.ipynb"], "{tmp}/loop", "choose another output path (-o)"),
        (["run", "theory", "-o", "{tmp}/" + "n" * 300 + "/x.ipynb"], "File name too long", "(-o)"),
        (["execute", "--output-dir", "{tmp}/a-file/out"], "{tmp}/a-file/out", "choose another with --output-dir"),
    ],
)
def test_a_file_or_folder_that_cannot_be_used_is_one_line_naming_it(argv, named, reason, places, capsys):
    argv = [word.format(tmp=places) for word in argv]
    assert cli.main(argv) == 1
    line = _one_line(capsys)
    assert named.format(tmp=places)[:100] in line and reason in line
    assert line.startswith(f"nascompanion {argv[0]}")


def test_a_cache_folder_that_cannot_be_made_names_it_and_the_variable_that_moves_it(places, monkeypatch, capsys):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(places / "a-file" / "cache"))
    assert cli.main(["run", "theory", "-p", "scale", "smoke", "-o", str(places / "x.ipynb")]) == 1
    line = _one_line(capsys)
    assert f"cannot use the folder {places / 'a-file' / 'cache'} (Not a directory)" in line
    assert "choose another cache folder with the environment variable NASCOMPANION_CACHE" in line


@pytest.mark.skipif(ROOT, reason="root writes into read-only folders")
@pytest.mark.parametrize("which", ["output", "cache"])
def test_a_read_only_folder_names_it_and_how_to_choose_another(which, places, monkeypatch, capsys):
    locked = places / "locked"
    locked.mkdir(mode=0o555)
    output = locked / "x.ipynb" if which == "output" else places / "x.ipynb"
    if which == "cache":
        monkeypatch.setenv("NASCOMPANION_CACHE", str(locked))
    assert cli.main(["run", "theory", "-p", "scale", "smoke", "-o", str(output)]) == 1
    line = _one_line(capsys)
    assert f"cannot write to the folder {locked} (permission denied)" in line
    assert ("(-o)" if which == "output" else "NASCOMPANION_CACHE") in line


def _store_file(folder, payload: str) -> None:
    folder.mkdir()
    np.savez(folder / "block.npz", payload=np.array(payload), counts_0=np.zeros(3, dtype=np.int16))


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("{not json", "JSONDecodeError: Expecting property name"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply to read"),
    ],
)
def test_unreadable_json_is_one_line_naming_the_input(payload, reason, places, capsys):
    _store_file(places / "store", payload)
    assert cli.main(["store", "check", "--folder", str(places / "store")]) == 1
    line = _one_line(capsys)
    assert f"store check --folder {places / 'store'}" in line and reason in line


def test_debug_shows_the_stack_instead(places):
    _store_file(places / "store", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(RecursionError):
        cli.main(["--debug", "store", "check", "--folder", str(places / "store")])
    with pytest.raises(IsADirectoryError):
        cli.main(["run", "theory", "-o", str(places / "a-folder"), "--debug"])


def test_an_interrupt_is_one_line_naming_the_command(places, monkeypatch, capsys):
    def interrupted(source, trust_modified=False):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "data_check", interrupted)
    assert cli.main(["data", "check", "--source", "nb201"]) == 130
    assert _one_line(capsys) == "nascompanion data check --source nb201: stopped by an interrupt"


def test_output_closed_early_is_one_line_not_a_broken_pipe_stack(places):
    command = [sys.executable, "-m", "nascompanion.book.cli", "data", "check", "--source", "nb201"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()   # like `| head` that has read all it wants
    stderr = process.stderr.read()
    assert process.wait(timeout=300) == 141
    assert stderr.strip().splitlines() == [
        "nascompanion data check --source nb201: output closed before the end (broken pipe)"]


def test_an_interrupted_chapter_is_one_line_saying_what_was_kept(places, monkeypatch, capsys):
    import papermill

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupted)
    output = places / "theory.ipynb"
    assert cli.main(["run", "theory", "-p", "scale", "smoke", "-o", str(output)]) == 130
    line = _one_line(capsys)
    assert line.startswith(f"nascompanion run theory -p scale smoke -o {output}: stopped by an interrupt: ")
    assert f"chapter 'theory' stopped; {output} was left as it was" in line and not output.exists()
