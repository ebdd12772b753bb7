#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11 installed.

    python3 tasks.py book    # create/reuse .venv, execute every chapter, render the HTML book
    python3 tasks.py recompute  # the same from nothing stored: compute the store again on a local dask
                             # cluster of one process per core, then the book from it (hours on two cores)
    python3 tasks.py test    # create/reuse .venv, run the unit tests and doctests, then every
                             # chapter at smoke scale on the shipped tables, checked by nbval
    python3 tasks.py render  # render the committed chapters and check every page in headless
                             # Chromium (needs the system's chromium; CI installs it)

Both create the virtual environment ``.venv`` at the repository root on first use and
reuse it afterwards (it is reinstalled when ``pyproject.toml`` or ``constraints.txt``
changes); ``constraints.txt`` pins the versions that reproduce the book.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".nascompanion-installed"
SMOKE_DIR = ROOT / "build" / "smoke"
NBVAL_REPORT = ROOT / "build" / "nbval.xml"
KERNEL_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                           "NUMEXPR_NUM_THREADS", "NASCOMPANION_THREADS")
"""The variables :data:`nascompanion.book.runner.THREAD_VARIABLES` sets in a chapter's kernel (a test holds them equal)."""
SHIPPED_DATA = "nb201"
"""``NASCOMPANION_DATA`` value that makes the chapters read the tables shipped in the package,
as a fresh clone, Binder or Colab does, even where a data folder lies beside the repository."""


def run(*command: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT, **kwargs)


def ensure_venv() -> None:
    """Create .venv and install the package with its book and test extras, once."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in ("pyproject.toml", "constraints.txt"))).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[book,test]")
    run(PYTHON, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3", "--display-name", "Python 3")
    STAMP.write_text(wanted)


def env() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    environment.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return environment


def book() -> None:
    ensure_venv()
    run(BIN / "nascompanion", "book", "--scale", "paper", env=env())


def recompute() -> None:
    """Compute every stored history again, reusing none (``store update --recompute``, on a local dask cluster of
    one worker per core), then execute the book from that store; print the whole run's minutes."""
    ensure_venv()
    started = time.monotonic()
    workers = str(os.cpu_count() or 1)
    run(BIN / "nascompanion", "store", "update", "--recompute", "--workers", workers, env=env())
    run(BIN / "nascompanion", "book", "--scale", "paper", env=env())
    print(f"recompute: store and book in {(time.monotonic() - started) / 60:.1f} min", flush=True)


def test() -> None:
    ensure_venv()
    environment = env()
    # the unit tests and doctests on two worker processes (pytest-xdist), each test deterministic on its own
    run(PYTHON, "-m", "pytest", "tests", "nascompanion", "--doctest-modules", "-q", "-p", "no:cacheprovider",
        "--hypothesis-profile", "ci", "-n", "2", env={**environment, "PYTHONHASHSEED": "0"})
    # Every chapter at smoke scale on the shipped tables, then nbval re-executes each and compares every output.
    # nbval's kernel gets the threads the runner gives a chapter's kernel (one by default), so a re-execution
    # adds floating-point sums in the same order as the execution it is compared with
    chapters = {**environment, "NASCOMPANION_DATA": SHIPPED_DATA, **{name: "1" for name in KERNEL_THREAD_VARIABLES}}
    shutil.rmtree(SMOKE_DIR, ignore_errors=True)
    run(BIN / "nascompanion", "execute", "--scale", "smoke", "--output-dir", SMOKE_DIR, env=chapters)
    run(
        PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", str(SMOKE_DIR),
        "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "--nbval-current-env",
        "--junitxml", str(NBVAL_REPORT), env=chapters,
    )
    check_every_chapter_checked(NBVAL_REPORT)


def check_every_chapter_checked(report: Path) -> None:
    """Fail unless nbval checked cells of every chapter: a test run that executed no notebook is no pass."""
    chapters = sorted(path.stem for path in (ROOT / "notebooks").glob("*.md"))
    cases = ElementTree.parse(report).getroot().iter("testcase")
    checked = {name: 0 for name in chapters}
    for case in cases:
        if case.find("failure") is None and case.find("error") is None and case.find("skipped") is None:
            stem = case.get("classname", "").removesuffix(".ipynb").rsplit(".", 1)[-1]  # build.smoke.NAME.ipynb
            if stem in checked:
                checked[stem] += 1
    unchecked = [name for name, count in checked.items() if count == 0]
    if unchecked:
        sys.exit(f"nbval checked no cell of: {', '.join(unchecked)} (see {report})")
    print(f"nbval checked {sum(checked.values())} cells in all {len(chapters)} chapters", flush=True)


RENDER_REPORT = ROOT / "build" / "render_check.txt"
RENDER_SHOTS = ROOT / "build" / "render_shots"


def render() -> None:
    """Render the committed chapters (no execution) and check every page as a reader's browser shows it:
    fails on raw TeX, a clipped code line, a cut table cell or a missing image."""
    ensure_venv()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("render: no chromium on PATH; install Debian's package (apt-get install -y chromium)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[render]")
    run(BIN / "nascompanion", "book", "--no-execute", env=env())
    RENDER_REPORT.parent.mkdir(parents=True, exist_ok=True)
    with RENDER_REPORT.open("w") as report:
        result = subprocess.run([str(PYTHON), "benchmarks/render_check.py", str(ROOT / "_build" / "html"),
                                 "--screenshots", str(RENDER_SHOTS), "--chromium", chromium],
                                cwd=ROOT, env=env(), stdout=report)
    print(RENDER_REPORT.read_text(), flush=True)
    if result.returncode:
        sys.exit(f"render: the check failed (exit {result.returncode}); report in {RENDER_REPORT}")


def main() -> None:
    tasks = {"book": book, "recompute": recompute, "test": test, "render": render}
    if len(sys.argv) != 2 or sys.argv[1] not in tasks:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(tasks)}}}")
    try:
        tasks[sys.argv[1]]()
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode)


if __name__ == "__main__":
    main()
