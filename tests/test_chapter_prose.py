"""No result is typed into a chapter's prose: numbers and verdict words there come from glue.

A chapter's markdown is scanned after removing what may hold numbers legitimately: glued values,
inline code, mathematics, links, references to the papers' tables, figures, sections, equations and
algorithms, and the names of benchmarks and datasets. Every number left must be on the chapter's
allow-list below, with the reason it is not a result (a definition, a setting, a threshold of a
criterion stated before the numbers); every "holds"/"does not hold" must be one of the allowed
phrases (the verb in its everyday sense, or a criterion's wording).
"""

import re

import jupytext
import pytest

from nascompanion.book.runner import CHAPTERS, NOTEBOOK_DIR

REFERENCE = (r"(?:Tables?|Sections?|Sec\.|Figures?|Fig\.|Eqs?\.|Algorithms?|Appendix|Theorem|Lemma|Chapter)"
             r"\s+[\dA-Z][\w.]*(?:\s*(?:and|-|–|,)\s*[\dA-Z][\w.]*)*")
NAME = (r"(?:NAS-?Bench-?|NASBench-|NB)\d+(?:/\d+)?(?:,\s*\d+)*(?:\s*and\s*\d+)?|CIFAR-\d+|ImageNet-?16(?:-120)?"
        r"|naszilla \d\.\d|Python \d|cifar\d+|\d+(?:st|nd|rd|th)\b|\d\.x\b|Matérn-5/2")

EVERYWHERE = {
    "0": "a bound of a probability, an interval or a scale",
    "1": "a bound of a probability or a scale, or 'one' in a definition",
    "15,625": "the number of NAS-Bench-201 cells, a fact of the space",
}

ALLOWED = {
    "anasod": {"90": "coverage of the stated intervals"},
    "denoising_pipeline": {"2": "two pipelines, a fact of the grid"},
    "graph_landscapes": {"24": "neighbours of a NAS-Bench-201 cell, a fact of the space",
                         "1,000": "the published study's number of search runs (its method)"},
    "local_search": {"300": "the paper's budget, in a heading", "24": "neighbours of a cell, a fact of the space",
                     "90": "coverage of the stated intervals"},
    "nas_comparison": {"30": "evolution's population (setting)", "10": "evolution's tournament and initial size",
                       "84": "features of the path encoding (definition)", "20": "width of BANANAS' layers",
                       "32": "the authors' batch size", "95": "coverage of the stated intervals",
                       "3": "the largest noise multiplier of the sweep (setting)",
                       "29": "the authors' largest population (their code's rule)",
                       "4": "the authors' mutation probability, 1/4 (their code's rule)"},
    "noise_and_local_minima": {"4.1": "the paper's Figure 4.1 in a heading", "200": "training epochs (setting)",
                               "40": "the former rule's threshold, quoted", "100": "the former rule's threshold, quoted",
                               "90": "coverage of the stated intervals", "95": "coverage of the stated intervals",
                               "12": "training epochs of the other fidelity", "3": "the largest noise multiplier"},
    "pvll_nas": {"100": "the scale of the normalised loss", "90": "coverage of the stated intervals"},
    "real_noise": {"60": "a drift time of the benchmark (definition)", "30": "a drift time of the benchmark",
                   "10": "chance accuracy on ten classes", "0.5": "the criterion's threshold"},
    "search_space": {"88": "the seed NB201 shuffles its index with (definition)",
                     "15": "the error band of good cells (setting)", "90": "coverage of the stated intervals",
                     "10": "the error band of the top classes (setting)"},
    "theory": {"0.05": "the criterion's tolerance", "5": "the preimage criterion's tolerance (%)",
               "2": "the paper's footnote number", "90": "coverage of the stated intervals"},
    "theory_meets_data": {"100": "the scale of the normalised loss; the bin count of the footnote-2 rule",
                          "50": "histogram bins (setting)", "2": "the paper's footnote number",
                          "90": "coverage of the stated intervals"},
}

VERDICT_PHRASES = (
    r"A claim holds in the table only if it holds on every dataset",
    r"says where it holds",
    r"the data holds only",
    r"the largest holds",
    r"cell holds the mean",
)


def prose(name: str) -> list[str]:
    notebook = jupytext.read(NOTEBOOK_DIR / f"{name}.md")
    texts = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"\{glue:[a-z]+\}`[^`]*`", " ", cell.source)
        text = re.sub(r"`[^`]*`", " ", text)
        text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
        text = re.sub(r"\$[^$]*\$", " ", text)
        text = re.sub(r"\]\([^)]*\)", "]", text)
        text = re.sub(r"https?://\S+", " ", text)
        texts.append(re.sub(NAME, " ", re.sub(REFERENCE, " ", text)))
    return texts


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_number_is_typed_into_a_chapters_prose_unless_allowed(name):
    allowed = EVERYWHERE | ALLOWED.get(name, {})
    typed = [m.group().rstrip(",") for text in prose(name)
             for m in re.finditer(r"(?<![\w.-])\d[\d,]*(?:\.\d+)?(?!\w)", text)]
    unknown = sorted({t for t in typed if t not in allowed})
    assert not unknown, f"{name}: numbers typed in prose, not glued: {unknown}; glue them or allow them with a reason"


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_verdict_is_typed_into_a_chapters_prose(name):
    for text in prose(name):
        for phrase in VERDICT_PHRASES:
            text = re.sub(phrase.replace(" +", " ").replace(" ", r"\s+"), " ", text)
        found = re.findall(r"\b(?:holds|does not hold)\b", text)
        assert not found, f"{name}: a verdict word typed in prose ({found}); glue it from report.verdicts"


def test_every_allowance_is_still_needed():
    for name, allowed in ALLOWED.items():
        typed = {m.group().rstrip(",") for text in prose(name)
                 for m in re.finditer(r"(?<![\w.-])\d[\d,]*(?:\.\d+)?(?!\w)", text)}
        assert set(allowed) <= typed, f"{name}: allow-list entries no longer typed: {sorted(set(allowed) - typed)}"
