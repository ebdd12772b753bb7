"""The book's report layer: what the papers print, how a claim is judged, and how results are shown.

Modules: :mod:`~nascompanion.report.paper` (every number the book quotes from the papers, with
where it is printed), :mod:`~nascompanion.report.verdicts` (a criterion stated in words, then
evaluated to a verdict), :mod:`~nascompanion.report.stats` (standard errors and intervals) and
:mod:`~nascompanion.report.figures` (figure helpers and colours shared by the chapters).
"""

from nascompanion.report.verdicts import Criterion, Verdict, verdict_table

__all__ = ["Criterion", "Verdict", "verdict_table"]
