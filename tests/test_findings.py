"""The findings ledger: how a finding is decided, what a record must carry, and that the ledger is the chapters'."""

import json

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nascompanion.book import ledger
from nascompanion.report.findings import (BEFORE, MIME, OUTCOMES, THIS_BOOK, UNCHECKABLE, Finding, Rule, Span, after,
                                          findings_table, format_value)

RULE = Rule("r", "a claim", "NB201 paper, Table 1", "the rule")
finite = st.floats(-1e3, 1e3, allow_nan=False)


@given(finite, finite, finite)
def test_an_interval_that_straddles_the_threshold_is_undecided(threshold, a, b):
    low, high = sorted((a, b))
    span = Span(low, high, "90 % over draws")
    outcome = RULE.above(threshold, (low + high) / 2, span).outcome
    if low <= threshold <= high:
        assert outcome == "undecided"
    else:
        assert outcome == ("holds" if low > threshold else "does not hold")


@given(finite, finite, finite)
def test_above_and_below_agree_on_an_interval_clear_of_the_threshold(threshold, a, b):
    low, high = sorted((a, b))
    span = Span(low, high, "95 % over trials")
    up, down = RULE.above(threshold, low, span).outcome, RULE.below(threshold, low, span).outcome
    if span.straddles(threshold):
        assert up == down == "undecided"
    else:
        assert {up, down} == {"holds", "does not hold"}


eighths = st.integers(-8000, 8000).map(lambda k: k / 8)
"""Numbers whose sums and differences are exact in floating point (a tiny offset would vanish in rounding)."""


@given(eighths, eighths.map(abs), eighths)
def test_a_number_within_the_tolerance_holds_on_either_side(paper, tolerance, offset):
    above = RULE.within(paper, tolerance, paper + abs(offset)).outcome
    below = RULE.within(paper, tolerance, paper - abs(offset)).outcome
    assert above == below == ("holds" if abs(offset) <= tolerance else "does not hold")


def test_a_finding_on_a_random_experiment_needs_its_interval():
    with pytest.raises(ValueError, match="random experiment"):
        RULE.finding("holds", 0.5, random=True)
    assert RULE.finding(UNCHECKABLE, random=True, detail="degenerate").outcome == UNCHECKABLE


@pytest.mark.parametrize("fixed", ["", "later", "after seeing"])
def test_a_criterion_says_when_it_was_fixed(fixed):
    with pytest.raises(ValueError, match="fixed"):
        Rule("r", "claim", "paper", "rule", fixed).judge(True)


def test_after_names_what_was_seen():
    assert Rule("r", "c", "p", "rule", after("the trees")).judge(True).fixed == "after seeing the trees"
    with pytest.raises(ValueError):
        after(" ")


def test_unknown_outcomes_and_empty_criteria_are_refused():
    with pytest.raises(ValueError, match="outcome"):
        RULE.finding("mostly holds")
    with pytest.raises(ValueError, match="criterion"):
        Rule("r", "claim", "paper", " ").judge(True)


def test_an_interval_is_ordered_finite_and_says_what_it_covers():
    for low, high, covers in [(1.0, 0.0, "x"), (0.0, float("nan"), "x"), (0.0, 1.0, "")]:
        with pytest.raises(ValueError):
            Span(low, high, covers)


def test_a_record_round_trips_through_json():
    f = RULE.above(0.5, 0.6, Span(0.55, 0.7, "90 % bootstrap over 12 landscapes"), paper=0.5)
    assert Finding.from_record(json.loads(json.dumps(f.record()))) == f


def test_a_table_refuses_repeated_ids_and_names_its_chapter():
    with pytest.raises(ValueError, match="unique"):
        findings_table("theory", [RULE.judge(True), RULE.judge(False)])
    assert {f.chapter for f in findings_table("theory", [RULE.judge(True)]).findings} == {"theory"}


def test_a_table_shows_every_claim_whole():
    claim = "a claim " * 30
    table = findings_table("theory", [Rule("long", claim, "paper", "rule " * 20).judge(True)])
    assert claim.strip() in table._repr_html_()


def test_numbers_print_as_a_reader_expects():
    assert [format_value(v) for v in (21.0, -0.0, 0.000123, 1234.5)] == ["21", "0", "0.000123", "1,234"]


def notebook_with(tmp_path, name, bundles):
    nb = nbformat.v4.new_notebook()
    for data, metadata in bundles:
        cell = nbformat.v4.new_code_cell("findings")
        cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
        nb.cells.append(cell)
    nbformat.write(nb, tmp_path / f"{name}.ipynb")


def test_the_ledger_reads_the_records_a_chapter_displayed(tmp_path):
    table = findings_table("theory", [RULE.judge(True, 3), Rule("u", "c", THIS_BOOK, "r").unchecked("no data")])
    notebook_with(tmp_path, "theory", [table._repr_mimebundle_()])
    found = ledger.collect(tmp_path, chapters=["theory"])
    assert found == table.findings
    assert ledger.ledger(found)["outcomes"] == {o: int(o in ("holds", "cannot be checked")) for o in OUTCOMES}


def test_a_chapter_without_findings_fails_the_ledger(tmp_path):
    notebook_with(tmp_path, "theory", [({"text/plain": "no table"}, {})])
    with pytest.raises(ledger.LedgerError, match="no findings"):
        ledger.collect(tmp_path, chapters=["theory"])
    with pytest.raises(ledger.LedgerError, match="not executed"):
        ledger.collect(tmp_path, chapters=["search_space"])


def test_a_tampered_record_fails_the_ledger(tmp_path):
    bundle = findings_table("theory", [RULE.judge(True)])._repr_mimebundle_()
    bundle[1][MIME]["findings"][0]["outcome"] = "mostly"
    notebook_with(tmp_path, "theory", [bundle])
    with pytest.raises(ledger.LedgerError, match="not valid"):
        ledger.collect(tmp_path, chapters=["theory"])


def test_the_landing_fragment_counts_the_papers_claims_apart_from_the_books_checks():
    findings = findings_table("theory", [RULE.judge(True), Rule("own", "adequate", THIS_BOOK, "r").judge(False)]).findings
    glance = ledger.findings_glance(findings)
    assert "**1 hold**" in glance and "**0 do not hold**" in glance
    papers, own = glance.split("own methods")
    assert "a claim" in papers and "adequate" not in papers and "adequate" in own
    assert "own methods" in ledger.findings_page(findings)


def test_the_csv_has_one_row_per_finding_with_its_interval():
    import csv
    import io

    span = Span(0.1, 0.3, "90 % bootstrap, with a comma")
    findings = findings_table("theory", [RULE.above(0, 0.2, span), Rule("u", "c", THIS_BOOK, "r").unchecked("no data")]).findings
    rows = list(csv.DictReader(io.StringIO(ledger.findings_csv(findings))))
    assert [r["id"] for r in rows] == ["r", "u"]
    assert (rows[0]["interval_low"], rows[0]["interval_covers"], rows[1]["interval_low"]) == ("0.1", span.covers, "")


# ---------------------------------------------------------------- the committed ledger and the executed chapters


def test_the_committed_ledger_is_the_executed_chapters_findings():
    committed = ledger.read_ledger()
    assert [f.record() for f in committed] == [f.record() for f in ledger.collect()], \
        "book/findings.json disagrees with the executed chapters: rebuild with `nascompanion book`"


def test_every_committed_finding_states_its_criterion_when_it_was_fixed_and_its_interval():
    for f in ledger.read_ledger():
        assert f.criterion.strip() and (f.fixed == BEFORE or f.fixed.startswith("after seeing "))
        if f.random and f.outcome != UNCHECKABLE:
            assert f.interval is not None and f.interval.covers
        if f.outcome == UNCHECKABLE:
            assert f.detail, f"{f.chapter}/{f.id}: say why it cannot be checked"


def test_the_committed_pages_are_the_ledgers():
    findings = ledger.read_ledger()
    for path, made in ((ledger.PAGE_FILE, ledger.findings_page), (ledger.GLANCE_FILE, ledger.findings_glance),
                       (ledger.CSV_FILE, ledger.findings_csv)):
        assert path.read_text() == made(findings), f"{path.name} is not made from book/findings.json: rebuild the book"


def test_every_chapter_has_findings_in_the_committed_ledger():
    from nascompanion.book.runner import CHAPTERS

    assert {f.chapter for f in ledger.read_ledger()} == set(CHAPTERS)


def test_the_result_box_lists_the_datasets_of_one_claim_once_and_never_merges_other_endings():
    from nascompanion.report.findings import merged_claims

    claims = ["LS wins on NB201 cifar10", "LS wins on NB201 cifar100", "Standard (sigma: classes)",
              "Standard (sigma: best-cells)", "LS wins on NB201 cifar10"]
    assert merged_claims(claims) == ["LS wins on NB201 cifar10, cifar100, cifar10", "Standard (sigma: classes)",
                                     "Standard (sigma: best-cells)"]


def test_the_findings_page_heads_each_chapter_with_its_title_so_its_contents_list_shows_titles(tmp_path):
    (tmp_path / "theory.md").write_text("---\njupytext: {}\n---\n\n# Does `a` follow from <b>?\n\nText.\n")
    link = ledger.chapter_link("theory", notebooks=tmp_path)
    assert link == "{doc}`Does 'a' follow from \\<b>? </book/chapters/theory>`"
    page = ledger.findings_page(ledger.read_ledger())
    headings = [line for line in page.splitlines() if line.startswith("## {doc}")]
    assert headings and all(line.endswith(">`") and " </book/chapters/" in line for line in headings)
