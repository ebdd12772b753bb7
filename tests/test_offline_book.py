"""The rendered book must show its mathematics without a network, and no heading carries raw TeX."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from nascompanion.book.offline import offline_problems
from nascompanion.book.runner import NOTEBOOK_DIR, REPO_ROOT

MATH_PAGE = '<script src="{src}"></script><p><span class="math notranslate">\\(x\\)</span></p>'


def test_a_page_with_local_mathjax_needs_no_network(tmp_path):
    (tmp_path / "_static" / "mathjax").mkdir(parents=True)
    (tmp_path / "_static" / "mathjax" / "tex-chtml.js").write_text("// MathJax")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.html").write_text(MATH_PAGE.format(src="../_static/mathjax/tex-chtml.js"))
    assert offline_problems(tmp_path) == []


def test_a_page_loading_mathjax_from_a_cdn_is_reported(tmp_path):
    (tmp_path / "page.html").write_text(MATH_PAGE.format(src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"))
    problems = offline_problems(tmp_path)
    assert any("loads a script from the network" in p for p in problems)
    assert any("no local MathJax script" in p for p in problems)


def test_a_local_mathjax_script_missing_from_the_build_is_reported(tmp_path):
    (tmp_path / "page.html").write_text(MATH_PAGE.format(src="_static/mathjax/tex-chtml.js"))
    assert offline_problems(tmp_path) == ["page.html: its MathJax script _static/mathjax/tex-chtml.js is not in the build",
                                          "page.html: has mathematics but no local MathJax script"]


def test_an_empty_build_folder_is_reported(tmp_path):
    assert "no HTML pages" in offline_problems(tmp_path)[0]


def test_the_book_configuration_bundles_mathjax():
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    assert "sphinx-mathjax-offline" in config["sphinx"]["extra_extensions"]


def test_no_heading_of_a_chapter_or_page_holds_raw_tex():
    sources = sorted(NOTEBOOK_DIR.glob("*.md")) + sorted((REPO_ROOT / "book").glob("*.md"))
    headings = [(path.name, line) for path in sources
                for line in re.sub(r"^```.*?^```", "", Path(path).read_text(), flags=re.S | re.M).splitlines()
                if re.match(r"#{1,6} ", line)]   # outside fenced blocks, where "# " starts a comment
    assert headings
    assert [h for h in headings if "$" in h[1] or "\\" in h[1]] == []
