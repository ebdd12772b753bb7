"""Where the package looks for benchmark data and keeps its caches."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "NASCOMPANION_DATA"
"""Environment variable naming a folder or file with NAS-Bench-201 data."""

CACHE_ENV = "NASCOMPANION_CACHE"
"""Environment variable naming the folder for compact caches and search results."""

REPO_ROOT = Path(__file__).resolve().parent.parent


def candidate_data_locations() -> list[Path]:
    """Places searched for data, in order: ``$NASCOMPANION_DATA``, then
    ``shared/data/nb201`` beside the repository (or the current folder)."""
    places: list[Path] = []
    env = os.environ.get(DATA_ENV)
    if env:
        places.append(Path(env).expanduser())
    for base in (REPO_ROOT, Path.cwd()):
        for parent in (base, *base.parents[:2]):
            places.append(parent.parent / "shared" / "data" / "nb201")
    unique: list[Path] = []
    for place in places:
        if place not in unique:
            unique.append(place)
    return unique


def data_location() -> Path | None:
    """The first existing data location, or ``None`` when there is none."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    for place in candidate_data_locations():
        if place.exists():
            return place
    return None


def cache_dir() -> Path:
    """Folder for caches: ``$NASCOMPANION_CACHE``, else ``.cache/`` in the repository
    when installed from a checkout, else ``~/.cache/nascompanion``."""
    env = os.environ.get(CACHE_ENV)
    if env:
        path = Path(env).expanduser()
    elif (REPO_ROOT / "pyproject.toml").exists():
        path = REPO_ROOT / ".cache"
    else:
        path = Path.home() / ".cache" / "nascompanion"
    path.mkdir(parents=True, exist_ok=True)
    return path


WORKERS_ENV = "NASCOMPANION_WORKERS"
"""Environment variable: how many processes compute missing blocks of stored histories (default 1)."""


def workers() -> int:
    """Processes that compute missing blocks of stored histories: ``$NASCOMPANION_WORKERS`` (default 1).

    Raises
    ------
    ValueError
        Unless the variable holds a positive integer.
    """
    value = os.environ.get(WORKERS_ENV) or "1"
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"${WORKERS_ENV}={value!r}; allowed: a positive integer")
    return int(value)
