"""The book's report layer: what the papers print, how a claim is judged, and how results are shown.

Modules: :mod:`~nascompanion.report.paper` (every number the book quotes from the papers, with
where it is printed), :mod:`~nascompanion.report.findings` (a claim, the criterion that decides it
and when it was fixed, judged to one of four outcomes: the records of the findings ledger),
:mod:`~nascompanion.report.verdicts` (verdict words and the comparison's decision helpers),
:mod:`~nascompanion.report.stats` (standard errors and intervals) and
:mod:`~nascompanion.report.figures` (figure helpers and colours shared by the chapters).
"""

from nascompanion.report.findings import Finding, Rule, Span, findings_table

__all__ = ["Finding", "Rule", "Span", "findings_table"]
