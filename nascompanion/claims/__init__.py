"""The paper's claims and the book's own checks, each with the rule that judges it.

One module per chapter holds that chapter's :class:`~nascompanion.report.findings.Rule`
objects (claim, source, criterion, and when the criterion was fixed) and the functions
that turn the chapter's results into :class:`~nascompanion.report.findings.Finding`
records. A reviewer reads every criterion of the book here, in one place, and the
chapters only call these functions and show what they return.
"""
