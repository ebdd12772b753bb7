"""Whether the rendered book shows its mathematics without a network.

The HTML loads MathJax from the book's own ``_static`` folder (the
``sphinx-mathjax-offline`` extension); a page that loads it, or any other script,
from the web would show raw TeX to a reader offline.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            source = dict(attrs).get("src")
            if source:
                self.sources.append(source)


def _is_remote(source: str) -> bool:
    return bool(re.match(r"^(?:[a-z]+:)?//", source, flags=re.I))


def offline_problems(html_dir: str | Path) -> list[str]:
    """Every reason a page of the built book would need the network, or show raw TeX, offline.

    A page with mathematics (a ``math`` class or TeX delimiters in its text) must
    load a MathJax script that exists under ``html_dir``; no page may load a
    script from another host.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.html").write_text('<script src="https://cdn.example/tex-chtml.js"></script><span class="math">x</span>')
    >>> offline_problems(folder)  # doctest: +NORMALIZE_WHITESPACE
    ['a.html: loads a script from the network (https://cdn.example/tex-chtml.js)',
     'a.html: has mathematics but no local MathJax script']
    """
    html_dir = Path(html_dir)
    pages = sorted(html_dir.rglob("*.html"))
    if not pages:
        return [f"{html_dir}: no HTML pages (build the book first: nascompanion book --html)"]
    problems = []
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        parser = _Scripts()
        parser.feed(text)
        name = page.relative_to(html_dir).as_posix()
        local_mathjax = False
        for source in parser.sources:
            if _is_remote(source):
                problems.append(f"{name}: loads a script from the network ({source})")
                continue
            if "mathjax" in source.lower():
                target = (page.parent / source.split("?")[0]).resolve()
                if target.is_file():
                    local_mathjax = True
                else:
                    problems.append(f"{name}: its MathJax script {source} is not in the build")
        has_math = 'class="math' in text or "\\(" in text or "\\[" in text
        if has_math and not local_mathjax:
            problems.append(f"{name}: has mathematics but no local MathJax script")
    return problems
