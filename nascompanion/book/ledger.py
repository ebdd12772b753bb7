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

from nascompanion.book.runner import BOOK_CHAPTER_DIR, CHAPTERS, NOTEBOOK_DIR
from nascompanion.config import REPO_ROOT
from nascompanion.results.atomic import write_atomically
from nascompanion.report.findings import (BEFORE, FAILS, HOLDS, MIME, OUTCOMES, THIS_BOOK, UNCHECKABLE, UNDECIDED, Finding,
                                          format_span, format_value)

LEDGER_FILE = REPO_ROOT / "book" / "findings.json"
"""The ledger the book build writes (committed with the executed chapters)."""

PAGE_FILE = REPO_ROOT / "book" / "findings.md"
"""The findings page rendered from the ledger: every criterion and number."""

GLANCE_FILE = REPO_ROOT / "book" / "findings_glance.md"
"""Every claim's outcome, the fragment the landing page includes."""

CSV_FILE = REPO_ROOT / "book" / "findings.csv"
"""The ledger as CSV, downloadable from the book."""


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


def _ours(f: Finding) -> str:
    ours = format_value(f.measured)
    return f"{ours} [{format_value(f.interval.low)}, {format_value(f.interval.high)}]" if f.interval else ours


def _glance(findings: list[Finding]) -> list[str]:
    lines = ["| outcome | claim | paper | ours | source |", "| --- | --- | ---: | ---: | --- |"]
    for f in findings:
        lines.append(f"| **{f.outcome}** | {_cell(f.claim)} | {_cell(format_value(f.paper))} | {_cell(_ours(f))} "
                     f"| {_cell(f.source)} |")
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


def _split(findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    return [f for f in findings if f.source != THIS_BOOK], [f for f in findings if f.source == THIS_BOOK]


def chapter_link(chapter: str, notebooks: Path = NOTEBOOK_DIR) -> str:
    """A MyST link to ``chapter`` that names it by its title (the first ``# `` heading of its source in
    ``notebooks``), so that a page's contents list, which is built before links are resolved, shows the title
    and not the path; the bare link where the source is missing.

    Examples
    --------
    >>> chapter_link("no_such_chapter")
    '{doc}`/book/chapters/no_such_chapter`'
    """
    source = Path(notebooks) / f"{chapter}.md"
    if source.is_file():
        for line in source.read_text().splitlines():
            if line.startswith("# "):
                title = line[2:].strip().replace("`", "'").replace("<", "\\<")
                return f"{{doc}}`{title} </book/chapters/{chapter}>`"
    return f"{{doc}}`/book/chapters/{chapter}`"


def findings_glance(findings: list[Finding]) -> str:
    """Every claim's outcome in one place (a MyST fragment the landing page includes): the counts, a table of
    counts per chapter, then each chapter's claims with the paper's number and ours, then the book's own checks.

    Examples
    --------
    >>> from nascompanion.report.findings import Rule, findings_table
    >>> fs = findings_table("theory", [Rule("a", "E[minima] = n/(s+1)", "paper, Lemma 5.3", "within 1 %").judge(True, 625)])
    >>> "**1 hold**" in findings_glance(fs.findings)
    True
    """
    paper, own = _split(findings)
    counts = Counter(f.outcome for f in paper)
    lines = [f"Of the paper's claims checked here, **{counts.get(HOLDS, 0)} hold**, "
             f"**{counts.get(FAILS, 0)} do not hold**, **{counts.get(UNDECIDED, 0)} are undecided** "
             f"and **{counts.get(UNCHECKABLE, 0)} cannot be checked** with the data the book has. "
             "*Undecided*: the interval over the experiment's randomness (in brackets) straddles the criterion's "
             "threshold. The criteria, when each was fixed and what each interval covers are on the "
             "{doc}`findings page </book/findings>`; all of it as a table: {download}`findings.csv`.", "",
             *_counts(paper), ""]
    for chapter in dict.fromkeys(f.chapter for f in paper):
        lines += [f"**{chapter_link(chapter)}**", "", *_glance([f for f in paper if f.chapter == chapter]), ""]
    if own:
        lines += ["**Checks of the book's own methods** (is its data adequate, which estimate it uses):", "",
                  *_glance(own), ""]
    return "\n".join(lines)


def findings_page(findings: list[Finding]) -> str:
    """The book's findings page (MyST Markdown): how a finding is decided, then every criterion with when it was
    fixed, the paper's number, ours and the interval, chapter by chapter, then the checks of the book's own methods."""
    paper, own = _split(findings)
    lines = ["# Findings: criteria and numbers", "",
             "Every verdict of the book is one record of the ledger `book/findings.json` (also as "
             "{download}`findings.csv`), collected from the executed chapters, never typed. Each states the claim, "
             "where the paper makes it, the criterion that decides it and when that criterion was fixed: *before the "
             "data*, or *after seeing* what it names, in which case the chapter shows the other readings it "
             "considered. A claim about a number of the paper is judged with a two-sided tolerance, apart from the "
             "claim's direction. A finding on a random experiment rests on an interval over the randomness that "
             "varies; when the interval straddles the threshold the outcome is *undecided*. The outcomes at a glance "
             "are on the {doc}`first page </book/intro>`.", ""]
    for chapter in dict.fromkeys(f.chapter for f in paper):
        lines += [f"## {chapter_link(chapter)}", "", *_details([f for f in paper if f.chapter == chapter]), ""]
    if own:
        lines += ["## Checks of the book's own methods", "",
                  "These judge the book's methods, not the paper: whether its data and estimates are adequate "
                  "for the claims above.", "", *_details(own), ""]
    return "\n".join(lines)


CSV_COLUMNS: tuple[str, ...] = ("chapter", "id", "claim", "source", "criterion", "fixed", "paper", "measured",
                                "interval_low", "interval_high", "interval_covers", "outcome", "detail")
"""Columns of the ledger as CSV (one row per finding)."""


def findings_csv(findings: list[Finding]) -> str:
    """The ledger as CSV text, one row per finding (columns :data:`CSV_COLUMNS`).

    Examples
    --------
    >>> from nascompanion.report.findings import Rule, findings_table
    >>> fs = findings_table("theory", [Rule("a", "claim, with a comma", "paper", "rule").judge(False, 3)])
    >>> findings_csv(fs.findings).splitlines()[1]
    'theory,a,"claim, with a comma",paper,rule,before the data,,3,,,,does not hold,'
    """
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in findings:
        span = f.interval
        writer.writerow([f.chapter, f.id, f.claim, f.source, f.criterion, f.fixed,
                         "" if f.paper is None else f.paper, "" if f.measured is None else f.measured,
                         "" if span is None else span.low, "" if span is None else span.high,
                         "" if span is None else span.covers, f.outcome, f.detail])
    return out.getvalue()


def write_page(findings_path: Path = LEDGER_FILE, folder: Path = PAGE_FILE.parent) -> Path:
    """Write the pages made from the ledger into ``folder``: the findings page (:data:`PAGE_FILE`'s name), the
    landing page's fragment (:data:`GLANCE_FILE`'s) and the CSV (:data:`CSV_FILE`'s). Returns the findings page."""
    findings = read_ledger(findings_path)
    folder = Path(folder)
    for name, text in ((PAGE_FILE.name, findings_page(findings)), (GLANCE_FILE.name, findings_glance(findings)),
                       (CSV_FILE.name, findings_csv(findings))):
        (folder / name).write_text(text)
    return folder / PAGE_FILE.name
