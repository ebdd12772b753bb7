"""Findings: every verdict of the book as one record of a ledger.

A :class:`Rule` is a claim with the criterion that decides it, the source of the claim and when the
criterion was fixed (before the data, or after seeing what). Applied to numbers it gives a
:class:`Finding`, whose :attr:`~Finding.outcome` is one of :data:`OUTCOMES`:

- ``"holds"`` / ``"does not hold"``: the criterion decides the claim;
- ``"undecided"``: the claim rests on a random experiment and the interval over that randomness
  straddles the criterion's threshold;
- ``"cannot be checked"``: the data (or a degenerate experiment) cannot decide it; the detail says why.

A claim about a *number* of a paper is judged with a two-sided tolerance (:meth:`Rule.within`); a
claim about a *direction* with a threshold (:meth:`Rule.above`, :meth:`Rule.below`). A finding that
rests on a random experiment must carry the :class:`Span` that covers that randomness: the class
refuses one without it.

A chapter shows its findings with :func:`findings_table`, whose output carries the records themselves
(in the output's metadata, under :data:`MIME`), so the rendered table and the ledger ``book/findings.json`` (collected from the
executed chapters by :mod:`nascompanion.book.ledger`) cannot disagree.

Examples
--------
>>> r = Rule("t1-denoised-share", "Almost half of the starts reach the global minimum",
...          "NB201 paper, Table 1", "share of starts reaching the global minimum > 40 %", BEFORE)
>>> r.above(40, 70.1).outcome
'holds'
>>> r.above(40, 41.0, Span(39.0, 43.0, "90 % over 30 noise draws")).outcome
'undecided'
>>> n = Rule("t1-denoised-number", "47.4 % of starts reach the global minimum", "NB201 paper, Table 1",
...          "within 5 points of the paper's 47.4 %", BEFORE)
>>> n.within(47.4, 5, 70.1).outcome
'does not hold'
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterable, Mapping

HOLDS = "holds"
FAILS = "does not hold"
UNDECIDED = "undecided"
UNCHECKABLE = "cannot be checked"
OUTCOMES: tuple[str, ...] = (HOLDS, FAILS, UNDECIDED, UNCHECKABLE)
"""The four outcomes a finding can have."""

BEFORE = "before the data"
"""The ``fixed`` value of a criterion written down before any number it judges was computed."""

THIS_BOOK = "this book"
"""The ``source`` of a check of the book's own methods (not a claim of a paper)."""

MIME = "application/vnd.nascompanion.findings+json"
"""Key, in the metadata of a findings table's output, of the records it shows (read back by the ledger)."""


def after(what: str) -> str:
    """The ``fixed`` value of a criterion chosen after seeing ``what``.

    Examples
    --------
    >>> after("the per-cell trees")
    'after seeing the per-cell trees'
    """
    if not what.strip():
        raise ValueError("say what was seen before the criterion was fixed")
    return f"after seeing {what.strip()}"


@dataclass(frozen=True)
class Span:
    """An interval over the randomness a finding rests on, and what it covers.

    Examples
    --------
    >>> Span(0.1, 0.3, "90 % bootstrap over 12 landscapes").straddles(0.2)
    True
    """

    low: float
    high: float
    covers: str

    def __post_init__(self) -> None:
        low, high = float(self.low), float(self.high)
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise ValueError(f"an interval needs finite low <= high, got [{self.low}, {self.high}]")
        if not self.covers.strip():
            raise ValueError("say what the interval covers (its level and the randomness it resamples)")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def straddles(self, threshold: float) -> bool:
        """Whether ``threshold`` lies inside ``[low, high]``."""
        return self.low <= threshold <= self.high

    @classmethod
    def of(cls, interval: Any, covers: str) -> "Span":
        """A span from anything with ``low`` and ``high`` (e.g. :class:`~nascompanion.report.stats.Interval`)."""
        return cls(float(interval.low), float(interval.high), covers)


@dataclass(frozen=True)
class Finding:
    """One record of the findings ledger (see the module's description).

    Raises
    ------
    ValueError
        If the outcome is not one of :data:`OUTCOMES`, the criterion or ``fixed`` is missing, or a
        finding on a random experiment has no interval (unless it cannot be checked).
    """

    id: str
    claim: str
    source: str
    criterion: str
    fixed: str
    outcome: str
    measured: float | str | None = None
    paper: float | str | None = None
    interval: Span | None = None
    random: bool = False
    detail: str = ""
    chapter: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome {self.outcome!r} is not one of: {', '.join(OUTCOMES)}")
        for name in ("id", "claim", "source", "criterion"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"finding {self.id!r}: {name} is empty")
        if not (self.fixed == BEFORE or self.fixed.startswith("after seeing ")):
            raise ValueError(f"finding {self.id!r}: fixed must be {BEFORE!r} or 'after seeing ...', got {self.fixed!r}")
        if self.random and self.interval is None and self.outcome != UNCHECKABLE:
            raise ValueError(f"finding {self.id!r} rests on a random experiment: give the interval that covers it")
        for name in ("measured", "paper"):
            value = getattr(self, name)
            if hasattr(value, "item"):
                object.__setattr__(self, name, value.item())

    def record(self) -> dict:
        """The ledger's JSON record (plain types)."""
        return asdict(self)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> "Finding":
        """The finding a :meth:`record` describes (validated again)."""
        values = dict(record)
        if values.get("interval") is not None:
            values["interval"] = Span(**values["interval"])
        return cls(**values)


@dataclass(frozen=True)
class Rule:
    """A claim, where it comes from, the criterion that decides it and when that was fixed.

    Parameters
    ----------
    id
        Short identifier, unique within the chapter (``"t1-denoised-share"``).
    claim
        The claim, in words.
    source
        Paper and table/figure/section, or :data:`THIS_BOOK`.
    criterion
        The rule that decides it, in words.
    fixed
        :data:`BEFORE`, or :func:`after` naming what was seen.
    """

    id: str
    claim: str
    source: str
    criterion: str
    fixed: str = field(default=BEFORE)

    def finding(self, outcome: str, measured: Any = None, paper: Any = None, interval: Span | None = None,
                random: bool = False, detail: str = "") -> Finding:
        """The :class:`Finding` with this rule's claim and the given outcome."""
        return Finding(self.id, self.claim, self.source, self.criterion, self.fixed, outcome,
                       _plain(measured), _plain(paper), interval, random, detail)

    def judge(self, holds: bool | None, measured: Any = None, paper: Any = None, detail: str = "") -> Finding:
        """A deterministic outcome: ``True`` holds, ``False`` does not, ``None`` cannot be checked.

        Examples
        --------
        >>> Rule("a", "claim", "paper", "rule").judge(False, 3).outcome
        'does not hold'
        """
        outcome = UNCHECKABLE if holds is None else (HOLDS if bool(holds) else FAILS)
        return self.finding(outcome, measured, paper, detail=detail)

    def above(self, threshold: float, measured: float, interval: Span | None = None, paper: Any = None,
              detail: str = "") -> Finding:
        """Holds when the measurement (all of ``interval``, if given) lies above ``threshold``.

        With an interval: above when ``low > threshold``, not when ``high < threshold``, undecided
        when the interval straddles it.

        Examples
        --------
        >>> r = Rule("a", "claim", "paper", "rank correlation > 0.5")
        >>> [r.above(0.5, 0.6, Span(lo, hi, "90 % bootstrap")).outcome for lo, hi in [(0.55, 0.7), (0.3, 0.7), (0.1, 0.4)]]
        ['holds', 'undecided', 'does not hold']
        """
        return self._side(threshold, measured, interval, paper, detail, upper=True)

    def below(self, threshold: float, measured: float, interval: Span | None = None, paper: Any = None,
              detail: str = "") -> Finding:
        """Holds when the measurement (all of ``interval``, if given) lies below ``threshold``.

        Examples
        --------
        >>> Rule("a", "claim", "paper", "slope < 0").below(0, -1.0, Span(-2.0, 0.5, "95 % over trials")).outcome
        'undecided'
        """
        return self._side(threshold, measured, interval, paper, detail, upper=False)

    def _side(self, threshold, measured, interval, paper, detail, upper: bool) -> Finding:
        if interval is None:
            value = float(measured)
            if not math.isfinite(value):
                return self.finding(UNCHECKABLE, measured, paper, detail=detail or "the measurement is not a number")
            holds = value > threshold if upper else value < threshold
            return self.finding(HOLDS if holds else FAILS, measured, paper, detail=detail)
        if interval.straddles(threshold):
            outcome = UNDECIDED
        else:
            outcome = HOLDS if (interval.low > threshold) == upper else FAILS
        return self.finding(outcome, measured, paper, interval, random=True, detail=detail)

    def within(self, paper: float, tolerance: float, measured: float, interval: Span | None = None,
               detail: str = "") -> Finding:
        """A number of the paper: holds when the measurement lies within ``tolerance`` of ``paper``.

        With an interval: holds when the whole interval lies within the band, does not hold when it
        lies wholly outside, undecided otherwise.

        Examples
        --------
        >>> r = Rule("a", "21 local minima", "paper", "within 5 of 21")
        >>> r.within(21, 5, 13).outcome, r.within(21, 5, 24).outcome
        ('does not hold', 'holds')
        >>> r.within(21, 5, 24, Span(22.0, 27.0, "90 % over draws")).outcome
        'undecided'
        """
        low, high = paper - tolerance, paper + tolerance
        if interval is None:
            holds = low <= float(measured) <= high
            return self.finding(HOLDS if holds else FAILS, measured, paper, detail=detail)
        if low <= interval.low and interval.high <= high:
            outcome = HOLDS
        elif interval.high < low or interval.low > high:
            outcome = FAILS
        else:
            outcome = UNDECIDED
        return self.finding(outcome, measured, paper, interval, random=True, detail=detail)

    def unchecked(self, reason: str, paper: Any = None, measured: Any = None) -> Finding:
        """"cannot be checked", with the reason (say which data would decide it).

        Examples
        --------
        >>> Rule("a", "claim", "paper", "rule").unchecked("needs NB301 data").outcome
        'cannot be checked'
        """
        if not reason.strip():
            raise ValueError("say why the claim cannot be checked")
        return self.finding(UNCHECKABLE, measured, paper, detail=reason)


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def format_value(value: Any) -> str:
    """A number as a reader wants it: integers with thousands separators, others to three figures.

    Examples
    --------
    >>> [format_value(v) for v in (21.0, 15625, 70.08, 0.0571, -0.0, None, "13 / 70.1 %")]
    ['21', '15,625', '70.1', '0.0571', '0', '', '13 / 70.1 %']
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    value = float(value)
    if not math.isfinite(value):
        return "n/a"
    if value == int(value) and abs(value) < 1e9:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def format_span(span: Span | None) -> str:
    """``[low, high]`` followed by what it covers, or ``""``.

    Examples
    --------
    >>> format_span(Span(0.41, 0.72, "90 % bootstrap over landscapes"))
    '[0.41, 0.72] (90 % bootstrap over landscapes)'
    """
    if span is None:
        return ""
    return f"[{format_value(span.low)}, {format_value(span.high)}] ({span.covers})"


class FindingsTable:
    """A chapter's findings as a table (HTML for the book, Markdown and plain text elsewhere).

    Its display output carries the records in its metadata, under :data:`MIME`, which the ledger reads.
    """

    columns = ("claim", "source", "criterion", "paper", "measured", "interval", "outcome")

    def __init__(self, chapter: str, findings: Iterable[Finding]) -> None:
        self.chapter = chapter
        self.findings = [replace(f, chapter=chapter) for f in findings]
        ids = [f.id for f in self.findings]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"{chapter}: finding ids must be unique, repeated: {', '.join(duplicated)}")

    def rows(self) -> list[dict[str, str]]:
        """One dict of display strings per finding."""
        rows = []
        for f in self.findings:
            fixed = "" if f.fixed == BEFORE else f" (fixed {f.fixed})"
            detail = f" — {f.detail}" if f.detail else ""
            rows.append({"claim": f.claim, "source": f.source, "criterion": f.criterion + fixed,
                         "paper": format_value(f.paper), "measured": format_value(f.measured) + detail,
                         "interval": format_span(f.interval), "outcome": f.outcome})
        return rows

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{c}</th>" for c in self.columns)
        body = []
        for row in self.rows():
            cells = "".join(
                f"<td style='text-align:left;vertical-align:top'>"
                f"{'<b>' + html.escape(row[c]) + '</b>' if c == 'outcome' else html.escape(row[c])}</td>"
                for c in self.columns)
            body.append(f"<tr>{cells}</tr>")
        return (f"<table class='findings'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def __repr__(self) -> str:
        return "\n".join(f"[{row['outcome']}] {row['claim']} ({row['criterion']}): {row['measured']}"
                         for row in self.rows())

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        data = {"text/plain": repr(self), "text/html": self._repr_html_()}
        return data, {MIME: {"chapter": self.chapter, "findings": [f.record() for f in self.findings]}}

    def result_box(self) -> "ResultBox":
        """The chapter's outcomes in a few lines (Markdown), for the result box that opens the chapter: the
        paper's claims grouped by outcome, then the checks of the book's own methods.

        Examples
        --------
        >>> t = findings_table("theory", [Rule("a", "claim A", "paper", "r").judge(True),
        ...                               Rule("b", "claim B", THIS_BOOK, "r").judge(False)])
        >>> print(t.result_box()._repr_markdown_())
        - **holds**: claim A.
        - *Checks of the book's own methods*: claim B (**does not hold**).
        """
        lines = []
        for outcome in OUTCOMES:
            claims = [f.claim for f in self.findings if f.outcome == outcome and f.source != THIS_BOOK]
            if claims:
                lines.append(f"- **{outcome}**: " + "; ".join(merged_claims(claims)) + ".")
        own = [f"{f.claim} (**{f.outcome}**)" for f in self.findings if f.source == THIS_BOOK]
        if own:
            lines.append("- *Checks of the book's own methods*: " + "; ".join(own) + ".")
        return ResultBox("\n".join(lines))

    def outcome(self, finding_id: str) -> str:
        """The outcome of the finding ``finding_id`` (for glued prose)."""
        for f in self.findings:
            if f.id == finding_id:
                return f.outcome
        raise KeyError(f"{self.chapter}: no finding {finding_id!r}; ids: {', '.join(f.id for f in self.findings)}")


def merged_claims(claims: Iterable[str]) -> list[str]:
    """The claims, those that differ only in a last word that is a plain name (a dataset: letters, digits,
    ``-``, ``_``, ``.``) said once with those names listed, in the order each first appears.

    Examples
    --------
    >>> merged_claims(["A wins on cora", "B holds", "A wins on cs", "C (x: a)", "C (x: b)"])
    ['A wins on cora, cs', 'B holds', 'C (x: a)', 'C (x: b)']
    """
    entries: list[tuple[str, list[str]]] = []
    by_stem: dict[str, list[str]] = {}
    for claim in claims:
        stem, _, last = claim.rpartition(" ")
        if stem and re.fullmatch(r"[\w.-]+", last):
            if stem not in by_stem:
                by_stem[stem] = []
                entries.append((stem, by_stem[stem]))
            by_stem[stem].append(last)
        else:
            entries.append((claim, []))
    return [f"{text} {', '.join(names)}" if names else text for text, names in entries]


class ResultBox:
    """Markdown text shown as Markdown in a notebook and glued into the chapter's opening box."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def findings_table(chapter: str, findings: Iterable[Finding]) -> FindingsTable:
    """The table a chapter ends its verdict section with; its output feeds the ledger.

    Examples
    --------
    >>> t = findings_table("theory", [Rule("a", "claim", "paper", "rule").judge(True, 1.5)])
    >>> t.outcome("a"), t.findings[0].chapter
    ('holds', 'theory')
    >>> data, metadata = t._repr_mimebundle_()
    >>> sorted(data), list(metadata)
    (['text/html', 'text/plain'], ['application/vnd.nascompanion.findings+json'])
    """
    return FindingsTable(chapter, findings)
