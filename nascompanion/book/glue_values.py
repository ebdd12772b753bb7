"""Glue many values at once: a chapter glues the dict a package function returns in one call.

A chapter's prose reads its numbers through ``{glue:text}`` roles. Where the package computes a
chapter's numbers (the claims modules do), it returns them as a dict of name -> value, and the
chapter glues the whole dict with :func:`glue_values` instead of one ``glue(...)`` line per number.
"""

from __future__ import annotations

from typing import Any, Mapping

from nascompanion.book.notebook import glue


def glue_values(values: Mapping[str, Any]) -> None:
    """Glue every ``name -> value`` of ``values``, in the dict's order.

    Returns ``None`` on purpose, as :func:`~nascompanion.book.notebook.glue` does, so that a cell
    ending in it shows nothing.

    Raises
    ------
    ValueError
        If a name is not a non-empty string.

    Examples
    --------
    >>> glue_values({"n_cells": 15625, "degree": 24})   # outside a book build: records nothing
    >>> glue_values({"": 1})
    Traceback (most recent call last):
    ...
    ValueError: glue_values: every name must be a non-empty string, got ''
    """
    bad = [name for name in values if not isinstance(name, str) or not name]
    if bad:
        raise ValueError(f"glue_values: every name must be a non-empty string, got {bad[0]!r}")
    for name, value in values.items():
        glue(name, value)


def outcome_values(findings: Any, prefix: str = "v_") -> dict[str, str]:
    """``{prefix + id: outcome}`` for every finding of a findings table, for the prose's glued verdicts.

    Parameters
    ----------
    findings
        A :class:`~nascompanion.report.findings.FindingsTable` (anything with ``.findings``).
    prefix
        Put before each finding's id to make its glue name.

    Examples
    --------
    >>> from nascompanion.report.findings import Rule, findings_table
    >>> table = findings_table("theory", [Rule("a", "claim", "paper", "rule").judge(True)])
    >>> outcome_values(table)
    {'v_a': 'holds'}
    """
    return {f"{prefix}{f.id}": f.outcome for f in findings.findings}
