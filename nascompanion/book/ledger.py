"""The findings ledger: every chapter's findings, read from its executed notebook.

Each chapter ends its verdict section with :func:`nascompanion.report.findings.findings_table`, whose
output carries the records in its metadata (key :data:`~nascompanion.report.findings.MIME`). :func:`collect` reads
those outputs back from the executed chapters, :func:`write_ledger` writes them to
``book/findings.json`` and :func:`findings_page` turns the ledger into the book's findings page. The
records are never typed: they are the chapters' own outputs.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from nascompanion.book.runner import BOOK_CHAPTER_DIR, CHAPTERS
from nascompanion.config import REPO_ROOT
from nascompanion.report.findings import (BEFORE, FAILS, HOLDS, MIME, OUTCOMES, THIS_BOOK, UNCHECKABLE, UNDECIDED, Finding,
                                          format_span, format_value)

LEDGER_FILE = REPO_ROOT / "book" / "findings.json"
"""The ledger the book build writes (committed with the executed chapters)."""

PAGE_FILE = REPO_ROOT / "book" / "findings.md"
"""The findings page rendered from the ledger."""


class LedgerError(ValueError):
    """An executed chapter carries no findings, or findings that are not valid records."""


def chapter_findings(notebook_path: Path) -> list[Finding]:
    """The findings an executed chapter displayed, in order (validated).

    Raises
    ------
    LedgerError
        If the notebook shows no findings table, or a record is not a valid finding.
    """
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            metadata = output.get("metadata", {})
            if MIME in metadata:
                payload = metadata[MIME]
                try:
                    found += [Finding.from_record(record) for record in payload["findings"]]
                except (KeyError, TypeError, ValueError) as err:
                    raise LedgerError(f"{notebook_path}: a findings record is not valid: {err}") from None
    if not found:
        raise LedgerError(f"{notebook_path}: the chapter shows no findings table (findings_table(...) output)")
    return found


def collect(chapter_dir: Path = BOOK_CHAPTER_DIR, chapters: Iterable[str] = CHAPTERS) -> list[Finding]:
    """Every chapter's findings, in book order; ids are unique across the book.

    Raises
    ------
    LedgerError
        If a chapter is missing, shows no findings, or two findings share a chapter and id.
    """
    findings = []
    for name in chapters:
        path = Path(chapter_dir) / f"{name}.ipynb"
        if not path.exists():
            raise LedgerError(f"chapter {name!r} is not executed yet ({path} is missing)")
        findings += chapter_findings(path)
    keys = [(f.chapter, f.id) for f in findings]
    repeated = sorted({f"{c}/{i}" for c, i in keys if keys.count((c, i)) > 1})
    if repeated:
        raise LedgerError(f"finding ids repeated: {', '.join(repeated)}")
    return findings


def ledger(findings: Iterable[Finding]) -> dict:
    """The ledger as JSON-ready data: counts by outcome and the records."""
    records = [f.record() for f in findings]
    counts = Counter(r["outcome"] for r in records)
    return {"outcomes": {o: counts.get(o, 0) for o in OUTCOMES}, "findings": records}


def write_ledger(path: Path = LEDGER_FILE, chapter_dir: Path = BOOK_CHAPTER_DIR) -> Path:
    """Collect the executed chapters' findings and write the ledger atomically; return its path."""
    from nascompanion.data.cache import write_atomically

    data = ledger(collect(chapter_dir))
    write_atomically(Path(path), (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())
    return Path(path)


def read_ledger(path: Path = LEDGER_FILE) -> list[Finding]:
    """The findings of a written ledger (validated)."""
    try:
        data = json.loads(Path(path).read_text())
        return [Finding.from_record(r) for r in data["findings"]]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise LedgerError(f"{path}: not a findings ledger ({err}); rebuild it with `nascompanion book`") from None


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _glance(findings: list[Finding]) -> list[str]:
    lines = ["| outcome | claim | source |", "| --- | --- | --- |"]
    for f in findings:
        lines.append(f"| **{f.outcome}** | {_cell(f.claim)} | {_cell(f.source)} |")
    return lines


def _counts(findings: list[Finding]) -> list[str]:
    lines = ["| chapter | " + " | ".join(OUTCOMES) + " |", "| --- | " + " | ".join("---:" for _ in OUTCOMES) + " |"]
    for chapter in dict.fromkeys(f.chapter for f in findings):
        counts = Counter(f.outcome for f in findings if f.chapter == chapter)
        lines.append(f"| {{doc}}`/book/chapters/{chapter}` | " + " | ".join(str(counts.get(o, 0)) for o in OUTCOMES) + " |")
    return lines


def _details(findings: list[Finding]) -> list[str]:
    lines = ["| claim | criterion | paper | measured | interval | outcome |",
             "| --- | --- | ---: | --- | --- | --- |"]
    for f in findings:
        fixed = "" if f.fixed == BEFORE else f" *(fixed {f.fixed})*"
        detail = f" — {f.detail}" if f.detail else ""
        lines.append(f"| {_cell(f.claim)} | {_cell(f.criterion)}{_cell(fixed)} | {_cell(format_value(f.paper))} "
                     f"| {_cell(format_value(f.measured) + detail)} | {_cell(format_span(f.interval))} "
                     f"| **{f.outcome}** |")
    return lines


def findings_page(findings: list[Finding]) -> str:
    """The book's findings page (MyST Markdown): counts and every claim's outcome first, then the criteria and
    numbers chapter by chapter, then the checks of the book's own methods."""
    paper = [f for f in findings if f.source != THIS_BOOK]
    own = [f for f in findings if f.source == THIS_BOOK]
    counts = Counter(f.outcome for f in paper)
    lines = ["# Findings: what holds", "",
             f"Of the paper's claims checked here, **{counts.get(HOLDS, 0)} hold**, "
             f"**{counts.get(FAILS, 0)} do not hold**, **{counts.get(UNDECIDED, 0)} are undecided** "
             f"and **{counts.get(UNCHECKABLE, 0)} cannot be checked** with the data the book has. "
             "Every verdict of the book is one record of the ledger `book/findings.json`, collected from the "
             "executed chapters. *Undecided* means that the interval over the experiment's randomness straddles "
             "the criterion's threshold; a criterion marked *fixed after seeing* was chosen after the numbers it "
             "judges, and its chapter shows the other readings it considered.", "",
             *_counts(paper), "", "## Claim by claim", ""]
    for chapter in dict.fromkeys(f.chapter for f in paper):
        lines += [f"### {{doc}}`/book/chapters/{chapter}`", "", *_glance([f for f in paper if f.chapter == chapter]), ""]
    lines += ["## Criteria and numbers", "",
              "The criterion that decided each claim, when it was fixed, the paper's number, ours and the interval "
              "over the experiment's randomness.", ""]
    for chapter in dict.fromkeys(f.chapter for f in paper):
        lines += [f"### {{doc}}`/book/chapters/{chapter}`", "", *_details([f for f in paper if f.chapter == chapter]), ""]
    if own:
        lines += ["## Checks of the book's own methods", "",
                  "These judge the book's methods, not the paper: whether its data and estimates are adequate "
                  "for the claims above.", "", *_details(own), ""]
    return "\n".join(lines)


def write_page(findings_path: Path = LEDGER_FILE, page: Path = PAGE_FILE) -> Path:
    """Write the findings page from the ledger; return its path."""
    Path(page).write_text(findings_page(read_ledger(findings_path)))
    return Path(page)
