"""Chapter parameters declared as data: the declaration agrees with every chapter's ``parameters`` cell, is
checked before a kernel starts, reads ``data`` as a path or a named source, and hands the kernel its store
mode as a papermill parameter and its thread count in its environment."""

import ast
import inspect
import os

import jupytext
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nascompanion.book import chapters, cli, notebook, parameters
from nascompanion.book import runner as book
from nascompanion.data.tables import REQUIRED_FILES


def _parameters_cell(name: str) -> dict:
    """``{name: default}`` of the chapter's ``parameters`` cell, in order (literals only, nothing run)."""
    cells = jupytext.read(book.NOTEBOOK_DIR / f"{name}.md").cells
    [cell] = [c for c in cells if "parameters" in c.metadata.get("tags", [])][:1]
    return {target.id: ast.literal_eval(node.value)
            for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)
            for target in node.targets}


@pytest.mark.parametrize("name", book.CHAPTERS)
def test_the_declaration_agrees_with_the_chapters_parameters_cell(name):
    declared = {p.name: p.default for p in chapters.CHAPTERS[name].parameters}
    assert list(declared.items()) == list(_parameters_cell(name).items())


def test_every_notebook_is_declared_and_the_store_chapters_are_those_that_use_it():
    assert sorted(book.CHAPTERS) == sorted(path.stem for path in book.NOTEBOOK_DIR.glob("*.md"))
    assert book.STORE_CHAPTERS == ("real_noise", "nas_comparison", "anasod", "pvll_nas", "graph_landscapes")


def test_no_notebook_source_is_evaluated_to_check_parameters():
    source = inspect.getsource(parameters)
    assert "eval(" not in source and "importlib" not in source and "import ast" not in source


@pytest.mark.parametrize(
    ("chapter", "values", "message"),
    [
        ("theory", {"seed": 1.0}, "seed=1.0 must be of type int"),
        ("theory", {"seed": True}, "seed=True must be of type int"),
        ("theory", {"seed": 2**32}, r"seed=4294967296 is outside \[0, 4294967295\]"),
        ("real_noise", {"level": "high"}, "level='high' must be of type float"),
        ("real_noise", {"level": 0.3}, r"level=0.3 is outside \[0.5, 0.99\]"),
        ("search_space", {"dataset": "mnist"}, "dataset='mnist' is not allowed; choose one of: 'cifar10-valid'"),
        ("search_space", {"scale": 1}, "scale=1 must be of type str"),
        ("search_space", {"data": 2024}, "data=2024 must be a path or a named source"),
        ("search_space", {"data": ""}, "data='' must be a path or a named source"),
        ("denoising_pipeline", {"data": "nb201"}, "has no parameter\\(s\\) data; its parameters: scale, seed"),
    ],
)
def test_a_value_the_declaration_refuses_is_refused_in_one_line(chapter, values, message):
    with pytest.raises(ValueError, match=message) as refused:
        parameters.check_parameters(chapter, values)
    assert "\n" not in str(refused.value)


def test_a_float_parameter_takes_an_integer_as_a_float():
    with pytest.raises(ValueError, match=r"level=1.0 is outside"):
        parameters.check_parameters("real_noise", {"level": 1})
    assert parameters.parse("real_noise", "level", "0.95") == 0.95


@pytest.mark.parametrize("folder", ["2024", "[1,2]", "None", "0.5"])
def test_data_takes_any_folder_name_even_one_that_reads_as_a_number_or_a_list(folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / folder).mkdir()
    for name in REQUIRED_FILES:
        (tmp_path / folder / name).write_text("a,b\n1,2\n")
    value = parameters.parse("search_space", "data", folder)
    assert value == folder
    # absolute, because the kernel runs in the repository, not where the command was given
    assert parameters.check_parameters("search_space", {"data": value}) == {"data": str(tmp_path / folder)}


def test_the_command_hands_the_runner_data_as_the_folder_name_given(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "2024").mkdir()
    for name in REQUIRED_FILES:
        (tmp_path / "2024" / name).write_text("a,b\n1,2\n")
    seen = {}

    def run_chapter(name, values, output=None, threads=None):
        seen.update(values)
        return book.ChapterRun(name, tmp_path / "x.ipynb", 0.0)

    monkeypatch.setattr(book, "run_chapter", run_chapter)
    assert cli.main(["run", "search_space", "-p", "data", "2024", "-p", "seed", "3"]) == 0
    assert seen == {"data": "2024", "seed": 3}


@settings(derandomize=True, max_examples=50)
@given(st.text(min_size=1))
def test_a_data_value_is_read_as_the_text_given(text):
    assert parameters.parse("theory", "data", text) == text


def test_a_named_source_stays_a_name():
    assert parameters.check_parameters("theory", {"data": "digits201"}) == {"data": "digits201"}


def test_the_run_settings_cell_follows_the_parameters_cell(tmp_path):
    import nbformat

    staged = nbformat.read(book._staged("theory", tmp_path), as_version=4)
    tags = [cell.metadata.get("tags", []) for cell in staged.cells]
    index = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert tags[index + 1] == ["remove-cell", book.RUN_SETTINGS_TAG]
    assert "apply_run_settings(store_mode=store_mode, store_log=store_log)" in staged.cells[index + 1].source


def test_the_run_settings_set_the_kernels_store_mode(monkeypatch, tmp_path):
    from nascompanion.compare import store

    monkeypatch.delenv(store.STORE_ENV, raising=False)
    monkeypatch.delenv(store.TOUCHED_ENV, raising=False)
    try:
        notebook.apply_run_settings(store_mode="recompute", store_log=str(tmp_path / "log"))
        store.touch(tmp_path / "a.npz")
        assert store.mode() == "recompute" and (tmp_path / "log").read_text() == "a.npz\n"
        notebook.apply_run_settings(store_mode="use", store_log=None)
        store.touch(tmp_path / "b.npz")
        assert store.mode() == "use" and (tmp_path / "log").read_text() == "a.npz\n"
        assert store.STORE_ENV not in os.environ and store.TOUCHED_ENV not in os.environ   # never through the environment
    finally:
        store.use(None)


def test_a_kernel_starts_with_the_threads_it_was_given_and_this_process_keeps_its_own(monkeypatch):
    import shutil
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    for variable in book.THREAD_VARIABLES:
        monkeypatch.setenv(variable, "2")   # what the kernel would inherit
    before = dict(os.environ)
    sockets = tempfile.mkdtemp()
    cell = nbformat.v4.new_code_cell(
        "import os, torch\nprint(os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'], "
        "os.environ['NASCOMPANION_THREADS'], torch.get_num_threads())\n"
        f"print(sorted(os.listdir({sockets!r})))")
    try:
        executed = NotebookClient(nbformat.v4.new_notebook(cells=[cell]), kernel_name="python3",
                                  kernel_manager_class=book.threaded_kernel_manager(1, sockets)).execute()
    finally:
        shutil.rmtree(sockets)
    threads, files = executed.cells[0].outputs[0]["text"].splitlines()
    assert threads.split() == ["1", "1", "1", "1"]
    assert dict(os.environ) == before
    # it talks over socket files of its own, so runs side by side never race for a TCP port
    assert files == str([f"kernel-{i}" for i in range(1, 6)])


def test_a_store_chapters_kernel_reports_the_stored_files_it_used_to_the_log_it_was_handed(tmp_path, monkeypatch):
    from nascompanion.compare import store

    monkeypatch.delenv(store.TOUCHED_ENV, raising=False)
    log = tmp_path / "used.txt"
    log.touch()
    book.run_chapter("real_noise", {"scale": "smoke"}, output=tmp_path / "real_noise.ipynb", progress=False,
                     store_mode="use", store_log=log)
    used = log.read_text().split()
    assert used and all(any((folder / name).is_file() for folder in store.read_folders()) for name in used)
    assert store.TOUCHED_ENV not in os.environ   # handed to the kernel, not set here


def _notebook_checks(name: str) -> list[str]:
    """The ``check_choice``/``check_range`` statements of the chapter's notebook, as written there."""
    cells = jupytext.read(book.NOTEBOOK_DIR / f"{name}.md").cells
    return [statement.strip() for cell in cells if cell.cell_type == "code"
            for line in cell.source.splitlines() for statement in line.split(";")
            if statement.strip().startswith(("check_choice(", "check_range("))]


def _probes(parameter: chapters.Parameter) -> list:
    """Values on both sides of what the declaration allows, and far beyond it both ways."""
    if parameter.choices:
        return [*parameter.choices, "not-a-choice"]
    if parameter.kind in ("int", "float"):
        edges = [v for v in (parameter.low, parameter.high) if v is not None]
        step = 1 if parameter.kind == "int" else 0.01
        far = [2**40, -(2**40)] if parameter.kind == "int" else [1e12, -1e12]   # beyond an edge either side lacks
        return [parameter.default, *edges, *(e - step for e in edges), *(e + step for e in edges), *far]
    return []


@pytest.mark.parametrize("name", book.CHAPTERS)
def test_the_declared_choices_and_ranges_are_those_the_chapter_itself_checks(name):
    from nascompanion.book.notebook import SCALES, check_choice, check_range
    from nascompanion.data import DATASETS

    checks = _notebook_checks(name)
    checked = {p.name for p in chapters.CHAPTERS[name].parameters if p.choices or p.kind in ("int", "float")}
    assert {s.split('"')[1] for s in checks} == checked
    for parameter in chapters.CHAPTERS[name].parameters:
        for probe in _probes(parameter):
            namespace = {"check_choice": check_choice, "check_range": check_range, "SCALES": SCALES,
                         "DATASETS": DATASETS, parameter.name: probe}
            mine = [s for s in checks if s.split('"')[1] == parameter.name]
            try:
                for statement in mine:
                    exec(statement, namespace)   # the chapter's own check, as its kernel runs it
                chapter_allows = True
            except ValueError:
                chapter_allows = False
            try:
                parameters.check_parameters(name, {parameter.name: probe})
                declaration_allows = True
            except ValueError:
                declaration_allows = False
            assert chapter_allows == declaration_allows, (parameter.name, probe)
