"""Every search space the package can rebuild from its name alone (the :attr:`TableSpace.name` it carries), so a
stored result that names its space can be checked and replayed in it."""

from __future__ import annotations

from typing import Callable

from nascompanion.spaces.graph_nas import graph_space
from nascompanion.spaces.table import TableSpace, nb201_space

BUILDERS: dict[str, Callable[[], TableSpace]] = {
    "nb201": nb201_space,
    "nas-bench-graph-full": lambda: graph_space("full"),
    "nas-bench-graph-proteins": lambda: graph_space("proteins"),
}
"""How each named space is built, by its name."""


def space_named(name: str) -> TableSpace:
    """The space called ``name`` (one of :data:`BUILDERS`).

    Raises
    ------
    ValueError
        If no space has that name.

    Examples
    --------
    >>> space_named("nas-bench-graph-proteins").size
    2021
    >>> space_named("graph")
    Traceback (most recent call last):
    ...
    ValueError: space 'graph'; allowed: nb201, nas-bench-graph-full, nas-bench-graph-proteins
    """
    if name not in BUILDERS:
        raise ValueError(f"space {name!r}; allowed: {', '.join(BUILDERS)}")
    return BUILDERS[name]()
