"""Does the built book show its mathematics without a network?

Run after `nascompanion book --html` (or `python3 tasks.py book`):

    .venv/bin/python benchmarks/offline_math.py [_build/html]

1. Static check of every page (nascompanion.book.offline.offline_problems): MathJax comes from the
   book's own _static folder and no page loads a script from another host.
2. If Playwright with a Chromium is installed (`pip install playwright && playwright install chromium`),
   the theory chapter is opened with every network request refused, MathJax is given time to typeset,
   and the script counts typeset formulas and TeX left raw, and saves a screenshot next to the HTML.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nascompanion.book.offline import offline_problems


def browser_check(html_dir: Path) -> str:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "browser check skipped: Playwright is not installed"
    page_path = html_dir / "book" / "chapters" / "theory.html"
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch()
        except Exception as exc:  # no browser binary: say so instead of failing the static check
            return f"browser check skipped: no Chromium for Playwright ({type(exc).__name__})"
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(page_path.as_uri())
        page.wait_for_timeout(4000)
        typeset = page.locator("mjx-container").count()
        raw = page.evaluate("() => (document.body.innerText.match(/\\\\frac|\\\\epsilon|\\$\\$/g) || []).length")
        shot = html_dir.parent / "offline_theory.png"
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    verdict = "renders offline" if typeset > 0 and raw == 0 else "does NOT render offline"
    return f"theory page with the network refused: {typeset} typeset formulas, {raw} raw TeX fragments: {verdict} ({shot})"


def main() -> int:
    html_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "_build" / "html"
    problems = offline_problems(html_dir)
    pages = len(list(html_dir.rglob("*.html")))
    print(f"static check of {pages} pages in {html_dir}: " + ("no page needs the network" if not problems else f"{len(problems)} problems"))
    for line in problems:
        print("  " + line)
    print(browser_check(html_dir))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
