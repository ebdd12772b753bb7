"""Running the book: every chapter notebook executed by papermill, then rendered.

``notebooks/NAME.md`` (MyST markdown, jupytext) is converted to a notebook,
executed by papermill with its ``parameters`` cell overridden, and written to
``book/chapters/NAME.ipynb``; Jupyter Book then renders those without executing
them again.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Mapping

import nascompanion
from nascompanion.book import chapters as declared
from nascompanion.book.errors import shorten
from nascompanion.book.notebook import SCALES
from nascompanion.book.offline import offline_problems
from nascompanion.book.parameters import check_parameters
from nascompanion.compare import store
from nascompanion.config import CACHE_ENV, REPO_ROOT, THREADS_ENV, UnwritableFolderError, cache_dir, writable_folder
from nascompanion.config import threads as config_threads
from nascompanion.data import locate
from nascompanion.results.atomic import write_atomically

CHAPTERS: tuple[str, ...] = tuple(declared.CHAPTERS)
"""Chapter notebooks in book order (names of files in ``notebooks/``; declared in :mod:`~nascompanion.book.chapters`)."""

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
BOOK_CHAPTER_DIR = REPO_ROOT / "book" / "chapters"
HTML_DIR = REPO_ROOT / "_build" / "html"

THREAD_VARIABLES: tuple[str, ...] = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", THREADS_ENV)
"""Set to a run's thread count in its kernel's environment: NumPy's BLAS and torch (which reads
``OMP_NUM_THREADS`` when it starts) use that many threads, not one per core."""

RUN_SETTINGS_TAG = "run-settings"
"""Tag of the hidden cell the runner adds after the injected parameters: it applies the run's settings."""

RUN_SETTINGS = ("store_mode", "store_log")
"""Papermill parameters every run passes besides the chapter's own (see :func:`run_chapter`)."""


@dataclass(frozen=True)
class ChapterRun:
    """One executed chapter: where it went and how long it took."""

    name: str
    output: Path
    seconds: float


class ChapterFailed(RuntimeError):
    """A chapter's execution failed; the committed chapter was left as it was."""


def check_chapter(name: str) -> str:
    """Return ``name`` if it is a chapter, else raise a ``ValueError`` listing the chapters."""
    return declared.chapter(name).name


def _check_output(output: Path) -> Path:
    """``output`` if an executed notebook can be written there (checked before a kernel starts)."""
    try:
        is_folder = output.is_dir()
    except OSError as err:   # a name too long, a loop of links
        raise UnwritableFolderError(f"cannot use the output {shorten(str(output))} ({err.strerror}); "
                                    "choose another output path (-o)") from None
    if is_folder:
        raise IsADirectoryError(f"output {output} is a folder; give the path of a notebook file (-o)")
    writable_folder(output.parent, "choose another output path (-o)")
    return output


def _staged(name: str, folder: Path) -> Path:
    """The chapter's notebook, with the hidden run-settings cell after its ``parameters`` cell, written to
    ``folder`` for papermill (which puts the injected parameters between the two)."""
    import jupytext
    import nbformat

    notebook = jupytext.read(NOTEBOOK_DIR / f"{name}.md")
    index = next(i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", []))
    settings = nbformat.v4.new_code_cell(
        "from nascompanion.book.notebook import apply_run_settings\n"
        "apply_run_settings(store_mode=store_mode, store_log=store_log)",
        metadata={"tags": ["remove-cell", RUN_SETTINGS_TAG]},
    )
    notebook.cells.insert(index + 1, settings)
    staged = folder / f"{name}-{os.getpid()}.source.ipynb"
    jupytext.write(notebook, staged)
    return staged


def kernel_environment(threads: int) -> dict[str, str]:
    """The variables a run's kernel gets on top of this process's environment: ``threads`` for every
    numeric library (:data:`THREAD_VARIABLES`).

    Examples
    --------
    >>> kernel_environment(2)["OMP_NUM_THREADS"]
    '2'
    """
    return {variable: str(threads) for variable in THREAD_VARIABLES}


def threaded_kernel_manager(threads: int, sockets: Path | None = None) -> type:
    """A kernel manager class whose kernel starts with :func:`kernel_environment` (this process's environment
    stays as it is); papermill's client makes the manager, so it also shuts the kernel down.

    With ``sockets`` (a folder of this run's own), the kernel talks over socket files there instead of TCP
    ports: runs started side by side then never race for the same port, which kills a kernel at start.
    """
    from jupyter_client.manager import AsyncKernelManager

    class _Kernel(AsyncKernelManager):
        async def start_kernel(self, **kw: Any) -> None:
            if sockets is not None:
                self.transport, self.ip = "ipc", str(Path(sockets) / "kernel")
            kw["env"] = {**kw.get("env", os.environ), **kernel_environment(threads)}
            await super().start_kernel(**kw)

    return _Kernel


class _KnownRunSettings(logging.Filter):
    """Papermill warns of parameters missing from the ``parameters`` cell; the run settings are meant to be."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.getMessage() == f"Passed unknown parameter: {name}" for name in RUN_SETTINGS)


def _execute(name: str, staged: Path, working: Path, output: Path, parameters: dict, threads: int,
             progress: bool) -> None:
    """Run ``staged`` into ``working`` with papermill; a failing cell becomes :class:`ChapterFailed`, a stop
    (an interrupt, SIGTERM) is reported with where the notebook is, and ``output`` is not touched."""
    import papermill

    quiet = _KnownRunSettings()
    logging.getLogger("papermill").addFilter(quiet)
    sockets = Path(tempfile.mkdtemp(prefix="nascompanion-kernel-"))   # short: a socket path has ~100 characters
    try:
        papermill.execute_notebook(str(staged), str(working), parameters=parameters, cwd=str(REPO_ROOT),
                                   kernel_name="python3", progress_bar=progress, log_output=False,
                                   kernel_manager_class=threaded_kernel_manager(threads, sockets))
    except papermill.PapermillExecutionError as err:
        raise ChapterFailed(f"chapter {name!r} failed in cell {err.exec_count}: {err.ename}: {err.evalue}; "
                            f"{output} was left as it was; the notebook as far as it ran is {working}") from None
    except KeyboardInterrupt:   # the command tells it in one line
        raise KeyboardInterrupt(f"chapter {name!r} stopped; {output} was left as it was; "
                                f"the notebook as far as it ran is {working}") from None
    except BaseException:
        print(f"[book] {name} stopped; {output} was left as it was; the notebook as far as it ran is {working}",
              file=sys.stderr, flush=True)
        raise
    finally:
        logging.getLogger("papermill").removeFilter(quiet)
        shutil.rmtree(sockets, ignore_errors=True)


def run_chapter(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    output: Path | None = None,
    progress: bool = True,
    threads: int | None = None,
    store_mode: str | None = None,
    store_log: Path | None = None,
) -> ChapterRun:
    """Execute one chapter with papermill, replacing ``output`` only if execution succeeds: the notebook runs
    into a working file under the cache folder (``runs/``), moved into place only when finished, so a failed
    or killed run leaves the previous chapter untouched and the working file shows how far it got.

    Parameters
    ----------
    name
        Chapter name (see :data:`CHAPTERS`).
    parameters
        Values that override the notebook's ``parameters`` cell, e.g. ``{"scale": "smoke", "seed": 1}``;
        checked against the chapter's declaration before a kernel starts
        (:func:`nascompanion.book.parameters.check_parameters`).
    output
        Executed notebook path; default ``book/chapters/NAME.ipynb``.
    progress
        Show papermill's cell progress bar.
    threads
        Threads of the kernel's numeric libraries (default :func:`nascompanion.config.threads`: 1).
    store_mode, store_log
        Papermill parameters: where the kernel reads and writes stored histories (one of
        :data:`nascompanion.compare.store.MODES`; default this process's mode) and a file listing each one used.

    Raises
    ------
    ValueError
        If the chapter is unknown or a parameter is not one its declaration allows.
    OSError
        If ``output`` or the cache folder cannot be written (checked before a kernel starts).
    ChapterFailed
        If a cell raised; the message names the cell, the error and the working file.
    """
    checked = _differing(name, check_parameters(name, parameters or {}))
    settings = {"store_mode": _store_mode(store_mode or store.mode()), "store_log": str(store_log) if store_log else None}
    output = _check_output(Path(output) if output else BOOK_CHAPTER_DIR / f"{name}.ipynb")
    count = config_threads(threads)
    runs = writable_folder(cache_dir() / "runs", f"choose another cache folder with the environment variable {CACHE_ENV}")
    working = runs / f"{name}-{os.getpid()}.ipynb"
    staged = _staged(name, runs)
    start = time.perf_counter()
    try:
        _execute(name, staged, working, output, {**checked, **settings}, count, progress)
    finally:
        staged.unlink(missing_ok=True)
    seconds = time.perf_counter() - start
    record_source_paths(working, name, output)
    write_atomically(output, working.read_bytes())
    working.unlink()
    return ChapterRun(name, output, seconds)


def _differing(name: str, checked: dict[str, Any]) -> dict[str, Any]:
    """The checked values that differ from the chapter's declared defaults: only those are injected, so a
    notebook run at its defaults keeps its own ``parameters`` cell in charge when a reader opens it and edits it.

    Examples
    --------
    >>> _differing("theory", {"scale": "paper", "seed": 3})
    {'seed': 3}
    """
    defaults = {p.name: p.default for p in declared.chapter(name).parameters}
    return {key: value for key, value in checked.items() if key not in defaults or value != defaults[key]}


def _store_mode(mode: str) -> str:
    if mode not in store.MODES:
        raise ValueError(f"store mode {mode!r}; allowed: {', '.join(store.MODES)}")
    return mode


def record_source_paths(notebook_path: Path, name: str, output: Path) -> None:
    """Record papermill's input and ``output`` as repository paths, not this machine's absolute paths, and
    hide the cell papermill injects with a run's parameters from the rendered book (tag ``remove-cell``)."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", []) if "injected-parameters" in cell.metadata.get("tags", []) else None
        if tags is not None and "remove-cell" not in tags:
            tags.append("remove-cell")
    meta = notebook.metadata.get("papermill", {})
    path = Path(output).resolve()
    meta["input_path"] = f"notebooks/{name}.md"
    meta["output_path"] = str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else path.name
    nbformat.write(notebook, notebook_path)


TIMES_FILE = BOOK_CHAPTER_DIR / "run_times.json"
"""Seconds each chapter took at each scale, as the last build at that scale measured them."""


def _machine() -> str:
    return f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU cores, {platform.system()}"


def record_times(runs: list[ChapterRun], scale: str, path: Path = TIMES_FILE) -> dict:
    """Store this build's seconds per chapter for ``scale`` (chapters not run keep theirs); return all of them."""
    try:
        times = json.loads(path.read_text())
        seconds = dict(times.get(scale, {}).get("seconds", {}))
    except (OSError, ValueError, TypeError, AttributeError):  # no file yet, or not this file's layout: start it anew
        times, seconds = {}, {}
    located = locate()
    seconds.update({run.name: round(run.seconds, 1) for run in runs})
    times[scale] = {"seconds": seconds, "machine": _machine(), "data": f"{located.kind} ({located.reason})"}
    write_atomically(path, (json.dumps(times, indent=2, sort_keys=True) + "\n").encode())
    return times


def run_report(times: Mapping[str, Any]) -> str:
    """A Markdown table of the seconds each chapter took at each scale, with versions and hardware.

    Parameters
    ----------
    times
        The contents of :data:`TIMES_FILE`: per scale, the seconds of each chapter, the machine
        and the data the build read, as :func:`record_times` writes them.

    Returns
    -------
    str
        Markdown: the table of seconds, one line per scale naming its machine and data, and the
        versions of the packages. The data is named as the chapters name it (the ``kind`` of the
        benchmark's provenance), so the shipped copy of the NAS-Bench-201 tables, which the
        locator calls ``nb201-embedded``, reads ``nb201-tables`` here too, with where it was read from.

    Examples
    --------
    >>> times = {"smoke": {"seconds": {"theory": 2.04}, "machine": "a laptop",
    ...                    "data": "nb201-embedded (NASCOMPANION_DATA is set to 'nb201')"}}
    >>> report = run_report(times)
    >>> "| theory | 2.0 |" in report
    True
    >>> print(report.splitlines()[len(CHAPTERS) + 3])
    - `smoke`: a laptop; data: nb201-tables (the copy shipped in the package; NASCOMPANION_DATA is set to 'nb201').
    """
    scales = [key for scale in SCALES for key in (scale, f"{scale}-recompute") if key in times]
    lines = ["| chapter | " + " | ".join(f"`{scale}` (s)" for scale in scales) + " |",
             "| --- | " + " | ".join("---:" for _ in scales) + " |"]
    for name in CHAPTERS:
        cells = [times[scale]["seconds"].get(name) for scale in scales]
        lines.append(f"| {name} | " + " | ".join("not run" if c is None else f"{c:.1f}" for c in cells) + " |")
    lines.append("")
    # the name the chapters print (the benchmark's provenance) for each name of the locator that differs
    same_as_chapters = {"nb201-embedded": ("nb201-tables", "the copy shipped in the package"),
                        "nb201-tables": ("nb201-tables", "read from their CSV files")}
    for scale in scales:
        data = times[scale]["data"]
        kind, _, reason = data.partition(" (")
        if kind in same_as_chapters and reason.endswith(")"):
            name, where = same_as_chapters[kind]
            data = f"{name} ({where}; {reason[:-1]})"
        lines.append(f"- `{scale}`: {times[scale]['machine']}; data: {data}.")
    lines += ["", "| package | version |", "| --- | --- |", f"| nascompanion | {nascompanion.__version__} |"]
    for package in ("numpy", "scipy", "sympy", "matplotlib", "pandas", "torch", "papermill", "jupyter-book"):
        try:
            lines.append(f"| {package} | {version(package)} |")
        except PackageNotFoundError:
            lines.append(f"| {package} | not installed |")
    lines += ["", f"{_machine()}."]
    return "\n".join(lines) + "\n"


STORE_CHAPTERS: tuple[str, ...] = tuple(c.name for c in declared.CHAPTERS.values() if c.uses_store)
"""Chapters whose model-based searches come from the stored histories (:mod:`nascompanion.compare.store`),
and whose supernet comes from the shipped proxy table (:mod:`nascompanion.train.proxy_store`)."""


def _shown(path: Path) -> Path:
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


def run_all(scale: str = "paper", output_dir: Path | None = None, chapters: tuple[str, ...] = CHAPTERS,
            recompute: bool = False, threads: int | None = None) -> list[ChapterRun]:
    """Execute every chapter at ``scale``, one after another with ``threads`` each; print one line per chapter.

    Each chapter's seconds go to :data:`TIMES_FILE` (under ``"SCALE-recompute"`` with
    ``recompute``, which ignores the stored histories and every cached result: the store mode
    ``recompute`` is each kernel's parameter, with a log naming the run, so a kernel computes a setting asked
    for twice once). A chapter that fails stops the run
    (:class:`ChapterFailed`); the chapters already in place stay as they were.
    """
    runs = []
    with tempfile.TemporaryDirectory() as scratch:   # under recompute the log names the run (nothing is stored)
        log = Path(scratch) / "recompute.txt" if recompute else None
        for name in chapters:
            output = (Path(output_dir) / f"{name}.ipynb") if output_dir else None
            print(f"[book] executing {name} (scale={scale}{', recompute' if recompute else ''}) ...", flush=True)
            run = run_chapter(name, {"scale": scale}, output=output, progress=False, threads=threads,
                              store_mode="recompute" if recompute else None, store_log=log)
            print(f"[book] {name}: {run.seconds:.1f} s -> {_shown(run.output)}", flush=True)
            runs.append(run)
    record_times(runs, f"{scale}-recompute" if recompute else scale)
    return runs


def _remove_unused(used: set[str]) -> None:
    """Remove the stored histories and proxy tables that no store chapter read or wrote."""
    from nascompanion.train import proxy_store   # here: it loads torch, which no other function of the runner needs

    for path in [*store.shipped_dir().glob("*.npz"), *proxy_store.shipped_dir().glob("*.npz")]:
        if path.name not in used:
            print(f"[store] removing {path.name} (no chapter uses it)", flush=True)
            path.unlink()


def update_store(chapters: tuple[str, ...] = STORE_CHAPTERS, recompute: bool = False,
                 threads: int | None = None, workers: int | None = None, scheduler: str | None = None) -> list[Path]:
    """Run ``chapters`` at paper scale with the shipped store read and written; then remove the stored files
    none of them used. ``recompute`` computes every entry again (reading no cache either) and records the
    chapters' seconds as ``"paper-recompute"`` in :data:`TIMES_FILE`. Returns the files of the store.

    The missing blocks of stored histories are computed on a local dask cluster of ``workers`` processes, or
    on the running one whose scheduler is at ``scheduler`` (:func:`nascompanion.compare.dispatch.cluster`);
    neither: in each chapter's kernel, as ``$NASCOMPANION_WORKERS`` says.

    The executed chapters replace those in ``book/chapters`` as :func:`run_chapter` does.
    """
    from nascompanion.compare import dispatch   # here: it loads torch (through the searches), as proxy_store does
    from nascompanion.train import proxy_store   # here: it loads torch, which no other function of the runner needs

    for name in chapters:
        check_chapter(name)
    folder = store.shipped_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, dispatch.cluster(workers, scheduler):   # the kernels inherit it
        touched = Path(scratch) / "touched.txt"
        touched.touch()
        runs = []
        for name in chapters:
            print(f"[store] executing {name} (scale=paper) ...", flush=True)
            runs.append(run_chapter(name, {"scale": "paper"}, progress=False, threads=threads,
                                    store_mode="rewrite" if recompute else "update", store_log=touched))
            print(f"[store] {name}: {runs[-1].seconds:.1f} s", flush=True)
        used = set(touched.read_text().split())
    if recompute:  # nothing was read from the store or a cache: these are the seconds of a full recompute
        record_times(runs, "paper-recompute")
    if set(chapters) == set(STORE_CHAPTERS):  # only a full update knows what no chapter uses
        _remove_unused(used)
    tables = proxy_store.shipped_dir()
    for path in sorted(tables.glob("*.npz")):
        print(f"[store] supernet table {path.name}, {path.stat().st_size / 1e6:.2f} MB in {tables}", flush=True)
    files = sorted(folder.glob("*.npz"))
    print(f"[store] {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.2f} MB in {folder}", flush=True)
    return files


def build_html(strict: bool = True) -> Path:
    """Render the executed chapters with Jupyter Book; return the path of ``index.html``.

    The status page's table (``book/chapters/run_report.md``) is written first, from the
    seconds in :data:`TIMES_FILE`. A strict build also fails if a page would need the
    network to show its mathematics (:func:`nascompanion.book.offline.offline_problems`).
    """
    expected = [f"{name}.ipynb" for name in CHAPTERS] + [TIMES_FILE.name]
    missing = [name for name in expected if not (BOOK_CHAPTER_DIR / name).exists()]
    if missing:
        raise FileNotFoundError(f"chapters not executed yet: {', '.join(missing)}; run `nascompanion book` first")
    (BOOK_CHAPTER_DIR / "run_report.md").write_text(run_report(json.loads(TIMES_FILE.read_text())))
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
    if strict:
        problems = offline_problems(HTML_DIR)
        if problems:
            raise RuntimeError("the book would need the network to show its pages:\n  " + "\n  ".join(problems))
    return index
