"""Open every page of the built book in headless Chromium, offline, and report what a reader sees.

Run on a built book (``_build/html``; this script never builds it):

    pip install playwright          # the Python driver only: never run `playwright install`
    .venv/bin/python benchmarks/render_check.py _build/html --screenshots /tmp/render_shots \
        | tee benchmarks/results/render_check.txt

The browser is the system's Chromium (Debian's ``chromium`` package, ``/usr/bin/chromium``; another
with ``--chromium PATH``), driven through Playwright: it waits for MathJax to finish and measures
the laid-out page (box widths, which code is folded away, whether an image decoded), which a parser
of the HTML alone cannot. Every request that is not a local file is refused. Each page is opened
1400 px wide (``--width``) in a fresh profile; a screenshot of its first screen is saved as PNG under the folder
given with ``--screenshots``.

Per page it reports typeset formulas and TeX left raw, visible code lines (code cells not folded
behind a toggle), prose lines (about 12 words a line), code-box lines wider than their box, table
cells ending in "...", images that do not load, and each figure's picture against its rendered
size: ``under 2x`` counts figures shown at fewer than two picture pixels per CSS pixel, ``min fig pt``
is the size at which a figure's smallest text shows on the page (the size its PNG records, as the
book's figures do, or else the figure style's smallest text, 9 pt, scaled as the page scales it);
also figures whose alt text is empty or a file name, and boxes that push the page past the window's
right edge (both reported, not failed).
It exits 1 on raw TeX, a clipped code line, a cut table cell, a missing image, a figure under 2x
pixel density or one whose text shows under 9 pt, and 2 when it cannot
run (no pages, no Playwright, no browser). The decisions and the table live in
:mod:`nascompanion.book.render_check`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from nascompanion.book.render_check import (
    READABLE_PT, FigureSize, PageReport, clipped_lines, cut_cells, failures, meaningless_alt, png_dpi,
    png_smallest_pt, raw_tex, report_table,
)

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Flags beside ``--headless`` (Playwright adds it) and the fresh ``--user-data-dir``."""

SKIPPED_FOLDERS = {"_static", "_sources", "_downloads", "_images"}

MEASURE = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const shown = (el) => el.getClientRects().length > 0;
  const root = document.querySelector('main') || document.body;
  const text = (skip) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skip) || !shown(parent)) continue;
      parts.push(node.textContent);
    }
    return parts.join(' ');
  };
  const prose = text('pre, code, table, script, style, mjx-container, .cell_input, .headerlink, '
                     + 'nav, .bd-sidebar, .prev-next-area, .MathJax, .math, summary, button');
  const visibleText = text('pre, code, script, style, mjx-container, mjx-assistive-mml, .MathJax');
  const codeLines = [...root.querySelectorAll('.cell_input pre')].filter(shown)
    .map((pre) => pre.innerText.split('\n').filter((l) => l.trim()).length)
    .reduce((a, b) => a + b, 0);
  const probe = document.createElement('span');
  const boxes = [...root.querySelectorAll('pre')].filter(shown).map((pre) => {
    const style = getComputedStyle(pre);
    probe.style.font = style.font;
    probe.style.whiteSpace = 'pre';
    probe.style.position = 'absolute';
    probe.style.visibility = 'hidden';
    probe.textContent = 'x'.repeat(100);
    pre.appendChild(probe);
    const charPx = probe.getBoundingClientRect().width / 100;
    pre.removeChild(probe);
    const inner = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {lines: pre.innerText.split('\n'), charPx: charPx, boxPx: inner,
            overflows: pre.scrollWidth > pre.clientWidth + 1, output: !!pre.closest('.cell_output')};
  });
  const cells = [...root.querySelectorAll('td, th')].filter(shown).map((c) => c.innerText);
  const images = [];
  for (const img of document.images) {
    img.loading = 'eager';
    let ok = true;
    try { await img.decode(); } catch (e) { ok = false; }
    images.push({src: img.currentSrc || img.src, ok: ok && img.naturalWidth > 0,
                 natural: img.naturalWidth, rendered: img.getBoundingClientRect().width,
                 alt: img.getAttribute('alt') || '',
                 figure: !!img.closest('.cell_output, figure, .figure')});
  }
  const viewport = document.documentElement.clientWidth;
  const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const offPage = [...root.querySelectorAll('table, img, pre, mjx-container[display="true"]')]
    .filter((el) => shown(el) && el.getBoundingClientRect().right > viewport + 1 && !contained(el))
    .length;
  return {formulas: document.querySelectorAll('mjx-container').length, prose: prose, offPage: offPage,
          visibleText: visibleText, codeLines: codeLines, boxes: boxes, cells: cells,
          images: images};
}
"""


def pages_of(html_dir: Path) -> list[Path]:
    """Every page of the book: HTML files outside the build's asset folders, redirects left out."""
    pages = []
    for path in sorted(html_dir.rglob("*.html")):
        if SKIPPED_FOLDERS & set(path.relative_to(html_dir).parts):
            continue
        if 'http-equiv="Refresh"' in path.read_text(encoding="utf-8", errors="replace")[:500]:
            continue
        pages.append(path)
    return pages


def figure_size(img: dict) -> FigureSize:
    """A figure picture measured in the page (``img``: its source, natural and rendered widths), with the
    resolution and smallest font its PNG records when it is a local file."""
    url = urlparse(img["src"])
    path = Path(unquote(url.path))
    head = path.read_bytes()[:65536] if url.scheme == "file" and path.is_file() else b""
    return FigureSize(natural_px=img["natural"], dpi=png_dpi(head), rendered_px=img["rendered"],
                      drawn_pt=png_smallest_pt(head))


def measure_page(page, path: Path, html_dir: Path, shots: Path | None) -> PageReport:
    """Open ``path`` in ``page`` (a Playwright page) and turn what it measures into a :class:`PageReport`."""
    name = path.relative_to(html_dir).as_posix()
    page.goto(path.as_uri(), wait_until="load")
    raw = page.evaluate(MEASURE)
    screenshot = ""
    if shots is not None:
        target = shots / (name.replace("/", "__").removesuffix(".html") + ".png")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(target), full_page=False)
        screenshot = str(target)
    clipped = {False: 0, True: 0}
    for box in raw["boxes"]:
        if box["overflows"]:
            clipped[box["output"]] += clipped_lines(box["lines"], box["charPx"], box["boxPx"])
    figures = [figure_size(img) for img in raw["images"]
               if img["ok"] and img["figure"] and img["src"].lower().endswith(".png")]
    return PageReport(page=name, formulas=raw["formulas"], raw_tex=raw_tex(raw["visibleText"]),
                      code_lines=raw["codeLines"], prose_words=len(raw["prose"].split()),
                      clipped=clipped[False], clipped_output=clipped[True], cut_cells=cut_cells(raw["cells"]),
                      missing_images=[img["src"] for img in raw["images"] if not img["ok"]],
                      figures=figures, off_page=raw["offPage"],
                      bad_alt=[img["src"] for img in raw["images"] if img["figure"] and meaningless_alt(img["alt"])],
                      screenshot=screenshot)


def check(html_dir: Path, shots: Path | None, chromium: str, width: int = 1400,
          height: int = 900) -> tuple[list[PageReport], list[str]]:
    """Measure every page of ``html_dir``; return the reports and every request the pages tried off the machine."""
    from playwright.sync_api import sync_playwright

    refused: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    reports = []
    with sync_playwright() as driver, tempfile.TemporaryDirectory() as profile:
        context = driver.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": width, "height": height}, service_workers="block")
        context.route("**/*", route)
        page = context.new_page()
        for path in pages_of(html_dir):
            reports.append(measure_page(page, path, html_dir, shots))
        context.close()
    return reports, refused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", type=Path,
                        default=Path(__file__).resolve().parents[1] / "_build" / "html")
    parser.add_argument("--screenshots", type=Path, help="folder for a PNG of each page's first screen")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium executable")
    parser.add_argument("--width", type=int, default=1400, help="window width in CSS pixels (412: a phone)")
    args = parser.parse_args(argv)
    args.html_dir = args.html_dir.resolve()
    if not args.html_dir.is_dir() or not pages_of(args.html_dir):
        print(f"no pages in {args.html_dir}: build the book first", file=sys.stderr)
        return 2
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("Playwright is not installed: pip install playwright (the driver only)", file=sys.stderr)
        return 2
    if not Path(args.chromium).exists():
        print(f"no Chromium at {args.chromium}: apt-get install chromium", file=sys.stderr)
        return 2
    if args.screenshots is not None:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    reports, refused = check(args.html_dir, args.screenshots, args.chromium, width=args.width)
    print(f"{len(reports)} pages of {args.html_dir.name}/ in headless Chromium, {args.width} px wide, "
          f"network refused ({len(refused)} request(s) refused)")
    print(report_table(reports))
    reasons = [reason for report in reports for reason in failures(report)]
    small = [(r.page, f.smallest_pt) for r in reports for f in r.figures if f.small_text]
    print(f"\nfigures whose smallest text shows under {READABLE_PT:.0f} pt: {len(small)}")
    for name in dict.fromkeys(page for page, _ in small):
        sizes = ", ".join(f"{pt:.1f}" for page, pt in small if page == name)
        print(f"  {name}: {sizes} pt")
    blurred = [(r.page, f.density) for r in reports for f in r.figures if f.blurred]
    print(f"figures shown at under 2 picture pixels per CSS pixel: {len(blurred)}")
    for name in dict.fromkeys(page for page, _ in blurred):
        print(f"  {name}: " + ", ".join(f"{d:.2f}x" for page, d in blurred if page == name))
    for url in sorted(set(refused)):
        print(f"refused: {url}")
    print("\n" + ("\n".join(reasons) if reasons else "no raw TeX, clipped code line, cut table cell, missing image, "
                                                      "blurred figure or figure text under 9 pt"))
    return 1 if reasons else 0


if __name__ == "__main__":
    sys.exit(main())
