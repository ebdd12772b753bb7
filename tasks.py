#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11 installed.

    python3 tasks.py book    # create/reuse .venv, execute every chapter, render the HTML book
    python3 tasks.py test    # create/reuse .venv, run the unit tests and the notebook checks

Both create the virtual environment ``.venv`` at the repository root on first use
and reuse it afterwards (it is reinstalled when ``pyproject.toml`` changes).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".nascompanion-installed"
SMOKE_DIR = ROOT / "build" / "smoke"


def run(*command: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT, **kwargs)


def ensure_venv() -> None:
    """Create .venv and install the package with its book and test extras, once."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[book,test]")
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


def test() -> None:
    ensure_venv()
    environment = env()
    run(PYTHON, "-m", "pytest", "tests", "-q", env=environment)
    probe = subprocess.run(
        [str(PYTHON), "-c", "from nascompanion.data import find_source; find_source()"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )
    if probe.returncode != 0:
        print("SKIPPED notebook checks: no NAS-Bench-201 data found (set NASCOMPANION_DATA, "
              "or put the tables in ../shared/data/nb201); the unit tests above ran.", flush=True)
        return
    # Every chapter at smoke scale, then nbval re-executes each and compares every output.
    run(BIN / "nascompanion", "execute", "--scale", "smoke", "--output-dir", SMOKE_DIR, env=environment)
    run(
        PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", str(SMOKE_DIR),
        "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "--nbval-current-env",
        env=environment,
    )


def main() -> None:
    tasks = {"book": book, "test": test}
    if len(sys.argv) != 2 or sys.argv[1] not in tasks:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(tasks)}}}")
    try:
        tasks[sys.argv[1]]()
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode)


if __name__ == "__main__":
    main()
