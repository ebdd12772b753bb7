import pytest

from conftest import needs_data
from nascompanion import book, cli
from nascompanion.notebook import by_scale, check_choice, check_range


def test_unknown_chapter_lists_the_chapters():
    with pytest.raises(ValueError, match="unknown chapter 'intro'; chapters: search_space, local_search"):
        book.check_chapter("intro")


def test_every_chapter_has_a_notebook_with_a_parameters_cell():
    import jupytext

    for name in book.CHAPTERS:
        notebook = jupytext.read(book.NOTEBOOK_DIR / f"{name}.md")
        declared = book._declared_parameters(notebook)
        assert "scale" in declared, name


def test_unknown_parameter_is_refused_before_running(tmp_path):
    with pytest.raises(ValueError, match="has no parameter\\(s\\) budgte; its parameters: .*scale"):
        book.run_chapter("search_space", {"budgte": 3}, output=tmp_path / "x.ipynb")
    assert not (tmp_path / "x.ipynb").exists()


def test_parameter_values_are_parsed_as_literals():
    assert book.parse_value("3") == 3 and book.parse_value("0.5") == 0.5
    assert book.parse_value("None") is None and book.parse_value("cifar100") == "cifar100"


def test_notebook_parameter_checks_name_the_allowed_values():
    with pytest.raises(ValueError, match="scale='huge' is not allowed; choose one of: 'smoke', 'paper'"):
        by_scale("huge", 1, 2)
    with pytest.raises(ValueError, match=r"trials=-1 is outside \[1, None\]"):
        check_range("trials", -1, 1)
    assert check_choice("x", 2, [1, 2]) == 2


def test_cli_run_rejects_unknown_chapter(capsys):
    with pytest.raises(SystemExit):
        cli.main(["run", "nope"])
    assert "unknown chapter 'nope'" in capsys.readouterr().err


def test_data_check_reports_mean_only_data_and_refuses_standard(benchmark, capsys):
    assert cli.main(["data", "check"]) == 0
    out = capsys.readouterr().out
    assert "importer: nb201-tables" in out
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

    from nascompanion import notebook

    stored = {}
    fake = types.SimpleNamespace(glue=lambda name, value, display: stored.update({name: value}))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    notebook.glue("x", np.float64(0.25))
    notebook.glue("n", np.int64(3))
    assert type(stored["x"]) is float and type(stored["n"]) is int


@needs_data
def test_executed_chapter_records_repository_paths_only(tmp_path):
    import nbformat

    out = tmp_path / "search_space.ipynb"
    book.run_chapter("search_space", {"scale": "smoke"}, output=out, progress=False)
    meta = nbformat.read(out, as_version=4).metadata["papermill"]
    assert meta["input_path"] == "notebooks/search_space.md"
    assert meta["output_path"] == "search_space.ipynb"
    assert meta["parameters"] == {"scale": "smoke"}
