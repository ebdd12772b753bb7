"""Running the book: every chapter notebook executed by papermill, then rendered.

``notebooks/NAME.md`` (MyST markdown, jupytext) is converted to a notebook,
executed by papermill with its ``parameters`` cell overridden, and written to
``book/chapters/NAME.ipynb``; Jupyter Book then renders those without executing
them again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from nascompanion.config import REPO_ROOT

CHAPTERS: tuple[str, ...] = (
    "search_space",
    "local_search",
    "noise_and_local_minima",
    "theory",
    "theory_meets_data",
    "nas_comparison",
    "related_approaches",
    "denoising_pipeline",
)
"""Chapter notebooks in book order (names of files in ``notebooks/``)."""

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
BOOK_CHAPTER_DIR = REPO_ROOT / "book" / "chapters"
HTML_DIR = REPO_ROOT / "_build" / "html"


@dataclass(frozen=True)
class ChapterRun:
    """One executed chapter: where it went and how long it took."""

    name: str
    output: Path
    seconds: float


def check_chapter(name: str) -> str:
    """Return ``name`` if it is a chapter, else raise a ``ValueError`` listing the chapters."""
    if name not in CHAPTERS:
        raise ValueError(f"unknown chapter {name!r}; chapters: {', '.join(CHAPTERS)}")
    return name


def parse_value(text: str) -> Any:
    """A command-line parameter value: a Python literal if it is one, else the string."""
    import ast

    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def run_chapter(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    output: Path | None = None,
    progress: bool = True,
) -> ChapterRun:
    """Execute one chapter with papermill.

    Parameters
    ----------
    name
        Chapter name (see :data:`CHAPTERS`).
    parameters
        Values that override the notebook's ``parameters`` cell, e.g.
        ``{"scale": "smoke", "seed": 1}``.
    output
        Executed notebook path; default ``book/chapters/NAME.ipynb``.
    progress
        Show papermill's cell progress bar.

    Raises
    ------
    ValueError
        If the chapter is unknown or a parameter is not in its parameters cell.
    """
    import jupytext
    import papermill

    check_chapter(name)
    source = NOTEBOOK_DIR / f"{name}.md"
    notebook = jupytext.read(source)
    declared = _declared_parameters(notebook)
    unknown = sorted(set(parameters or {}) - declared)
    if unknown:
        raise ValueError(
            f"chapter {name!r} has no parameter(s) {', '.join(unknown)}; its parameters: {', '.join(sorted(declared))}"
        )
    output = Path(output) if output else BOOK_CHAPTER_DIR / f"{name}.ipynb"
    output.parent.mkdir(parents=True, exist_ok=True)
    staged = output.with_suffix(".source.ipynb")
    jupytext.write(notebook, staged)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(staged),
            str(output),
            parameters=dict(parameters or {}),
            cwd=str(REPO_ROOT),
            kernel_name="python3",
            progress_bar=progress,
            log_output=False,
        )
    finally:
        staged.unlink(missing_ok=True)
    seconds = time.perf_counter() - start
    record_source_paths(output, name)
    return ChapterRun(name, output, seconds)


def record_source_paths(notebook_path: Path, name: str) -> None:
    """Record papermill's input and output as repository paths, not this machine's absolute paths."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    meta = notebook.metadata.get("papermill", {})
    path = Path(notebook_path).resolve()
    meta["input_path"] = f"notebooks/{name}.md"
    meta["output_path"] = str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else path.name
    nbformat.write(notebook, notebook_path)


def _declared_parameters(notebook: Any) -> set[str]:
    import ast

    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            tree = ast.parse(cell.source)
            return {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    raise ValueError("notebook has no cell tagged 'parameters'")


def run_report(runs: list[ChapterRun], scale: str) -> str:
    """A Markdown table of how each chapter ran, with versions and hardware."""
    import os
    import platform
    from importlib.metadata import PackageNotFoundError, version

    lines = [f"Scale: `{scale}`.", "", "| chapter | seconds |", "| --- | ---: |"]
    lines += [f"| {run.name} | {run.seconds:.1f} |" for run in runs]
    lines += ["", "| package | version |", "| --- | --- |"]
    import nascompanion

    lines.append(f"| nascompanion | {nascompanion.__version__} |")
    for package in ("numpy", "scipy", "sympy", "matplotlib", "pandas", "torch", "papermill", "jupyter-book"):
        try:
            lines.append(f"| {package} | {version(package)} |")
        except PackageNotFoundError:
            lines.append(f"| {package} | not installed |")
    lines += ["", f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU cores, {platform.system()}."]
    return "\n".join(lines) + "\n"


def run_all(scale: str = "paper", output_dir: Path | None = None, chapters: tuple[str, ...] = CHAPTERS) -> list[ChapterRun]:
    """Execute every chapter at ``scale``; print one line per chapter.

    Into the book (no ``output_dir``), it also writes ``book/chapters/run_report.md``.
    """
    runs = []
    for name in chapters:
        output = (Path(output_dir) / f"{name}.ipynb") if output_dir else None
        print(f"[book] executing {name} (scale={scale}) ...", flush=True)
        run = run_chapter(name, {"scale": scale}, output=output, progress=False)
        print(f"[book] {name}: {run.seconds:.1f} s -> {run.output.relative_to(REPO_ROOT) if run.output.is_relative_to(REPO_ROOT) else run.output}", flush=True)
        runs.append(run)
    if output_dir is None:
        (BOOK_CHAPTER_DIR / "run_report.md").write_text(run_report(runs, scale))
    return runs


def build_html(strict: bool = True) -> Path:
    """Render the executed chapters with Jupyter Book; return the path of ``index.html``."""
    expected = [f"{name}.ipynb" for name in CHAPTERS] + ["run_report.md"]
    missing = [name for name in expected if not (BOOK_CHAPTER_DIR / name).exists()]
    if missing:
        raise FileNotFoundError(f"chapters not executed yet: {', '.join(missing)}; run `nascompanion book` first")
    html = REPO_ROOT / "_build"
    if html.exists():
        shutil.rmtree(html)
    executable = Path(sys.executable).parent / "jupyter-book"
    command = [str(executable), "build", str(REPO_ROOT), "--path-output", str(REPO_ROOT)]
    if strict:
        command += ["-W", "-n", "--keep-going"]
    subprocess.run(command, check=True, cwd=REPO_ROOT)
    index = HTML_DIR / "index.html"
    if not index.exists():
        raise RuntimeError(f"Jupyter Book finished but {index} is missing")
    return index


def build_book(scale: str = "paper") -> Path:
    """Execute every chapter at ``scale`` and render the HTML book."""
    run_all(scale)
    return build_html()
