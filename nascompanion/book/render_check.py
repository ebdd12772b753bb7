"""What a reader sees of the built book in a browser: the pure half of ``benchmarks/render_check.py``.

The browser script opens every page, measures it (text, code boxes, tables, images) and hands
the raw measurements to these functions, which decide what is wrong and write the report. They
need no browser, so they are tested on their own.

A page *fails* on raw TeX left in its text, a clipped code line (a code box narrower than one of
its lines), a table cell cut with "..." or an image that does not load, and on a figure shown at
less than twice the screen's pixel density or with text under 9 pt. A figure's text is measured
where its PNG says how large it was drawn (the book's figures record their smallest font, see
:func:`nascompanion.report.figures.figure_png`); otherwise it is taken to be the style's smallest
text, 9 pt, and the check says how much the page shrinks or enlarges it.

Examples
--------
>>> page = PageReport(page="book/intro.html", formulas=3, raw_tex=[], code_lines=4,
...                   prose_words=240, clipped=0, cut_cells=[], missing_images=[],
...                   figures=[FigureSize(natural_px=1920, dpi=192.0, rendered_px=960.0)])
>>> page.prose_lines, page.smallest_figure_pt
(20.0, 9.0)
>>> failures(page)
[]
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

from PIL import Image

from nascompanion.book.readability import WORDS_PER_LINE

CSS_PX_PER_INCH = 96.0
"""CSS pixels in an inch: a figure of ``w`` inches shows at ``96 w`` pixels when not scaled."""

STYLE_SMALLEST_PT = 9.0
"""The smallest text the book's figure style draws (tick labels and legends), in points."""

READABLE_PT = 9.0
"""The smallest figure text a reader should meet on the page, in points."""

SHARP_DENSITY = 2.0
"""The fewest picture pixels a figure may show per CSS pixel (a 2x picture stays sharp on dense screens)."""

SMALLEST_FONT_KEY = "Smallest font (pt)"
"""PNG text field in which a figure records its smallest font at its drawn size (as the book's figures do)."""

_TEX = re.compile(
    r"\\(?:frac|dfrac|sum|prod|int|mathrm|mathbf|mathcal|mathbb|operatorname|text|left|right|"
    r"begin|end|epsilon|varepsilon|alpha|beta|gamma|delta|lambda|mu|sigma|theta|infty|cdot|"
    r"times|leq|geq|le|ge|neq|approx|sqrt|hat|bar|tilde|binom|log|exp|ldots|dots|in)(?![a-zA-Z])"
    r"|\\[()\[\]]|\$\$|\$[^$\s][^$]*[\\^_{][^$]*\$"
)

_CUT = re.compile(r"(?:\.\.\.|…)$")

_FILE_NAME = re.compile(r"^\S*\.(?:png|jpe?g|svg|gif|webp)$", flags=re.I)


def raw_tex(text: str) -> list[str]:
    """The TeX fragments left untypeset in a page's rendered text (code excluded by the caller).

    A typeset formula leaves no backslash commands, ``\\(``/``\\[`` delimiters or ``$...$`` spans
    with TeX inside in the text a reader sees.

    Parameters
    ----------
    text : str
        The page's visible text outside code boxes and typeset formulas.

    Returns
    -------
    list of str
        Each fragment found, in order (empty when every formula is typeset).

    Examples
    --------
    >>> raw_tex("The loss is $\\\\frac{1}{n}$ and costs $5, not $6.")
    ['$\\\\frac{1}{n}$']
    >>> raw_tex("Typeset: ε-local minima in (K₅)⁶; a price of $5.")
    []
    >>> raw_tex("inline \\\\(x^2\\\\) left raw")
    ['\\\\(', '\\\\)']
    """
    return [match.group(0) for match in _TEX.finditer(text)]


def cut_cells(cells: list[str]) -> list[str]:
    """The table cells whose text ends in an ellipsis ("..." or "…"): content cut off for width.

    Examples
    --------
    >>> cut_cells(["5.75 [5.71, 5.79]", "Local search finds the g...", "…", "holds"])
    ['Local search finds the g...', '…']
    """
    return [cell for cell in cells if _CUT.search(cell.strip())]


def meaningless_alt(alt: str) -> bool:
    """Whether a figure's alt text tells a reader nothing: empty, or a file name (as Sphinx writes by default).

    Examples
    --------
    >>> meaningless_alt("../../_images/53f34c4529888c02d99842bf.png"), meaningless_alt("")
    (True, True)
    >>> meaningless_alt("Mean test error against queries for three algorithms")
    False
    """
    return not alt.strip() or bool(_FILE_NAME.match(alt.strip()))


def clipped_lines(lines: list[str], char_px: float, box_px: float) -> int:
    """How many lines of a code box are wider than the box shows (the reader must scroll to see them).

    Parameters
    ----------
    lines : list of str
        The box's lines, as shown (tabs already expanded).
    char_px : float
        Width of one character of the box's monospace font, in CSS pixels.
    box_px : float
        Width the box gives its text (its inner width less padding), in CSS pixels.

    Returns
    -------
    int
        The number of lines whose width exceeds ``box_px`` by more than half a pixel.

    Examples
    --------
    >>> clipped_lines(["x" * 88, "y" * 89, ""], char_px=8.0, box_px=704.0)
    1
    """
    return sum(1 for line in lines if len(line.rstrip()) * char_px > box_px + 0.5)


@dataclass(frozen=True)
class FigureSize:
    """A figure's picture against the space the page gives it.

    ``natural_px`` is the PNG's width in pixels, ``dpi`` the resolution it was saved at (from its
    ``pHYs`` chunk; ``nan`` when the file does not say), ``rendered_px`` its width on the page in
    CSS pixels, ``drawn_pt`` its smallest font at the size it was drawn (from the PNG's
    :data:`SMALLEST_FONT_KEY` field; ``nan`` when the file does not say).
    """

    natural_px: int
    dpi: float
    rendered_px: float
    drawn_pt: float = float("nan")

    @property
    def scale(self) -> float:
        """Rendered size over the size it was drawn at: text of ``p`` points shows at ``p * scale``.

        ``nan`` when the resolution is unknown or the figure takes no room on the page (folded away).

        Examples
        --------
        >>> round(FigureSize(natural_px=990, dpi=100.0, rendered_px=780.0).scale, 3)
        0.821
        """
        if not self.dpi or math.isnan(self.dpi) or not self.natural_px or self.rendered_px <= 0:
            return float("nan")
        return self.rendered_px / (self.natural_px / self.dpi * CSS_PX_PER_INCH)

    @property
    def density(self) -> float:
        """Picture pixels per CSS pixel on the page (``nan`` when the figure takes no room).

        Examples
        --------
        >>> FigureSize(natural_px=1560, dpi=192.0, rendered_px=780.0).density
        2.0
        """
        return self.natural_px / self.rendered_px if self.rendered_px > 0 else float("nan")

    @property
    def measured(self) -> bool:
        """Whether the figure's PNG recorded its smallest font (else the style's smallest text is assumed)."""
        return not math.isnan(self.drawn_pt)

    @property
    def smallest_pt(self) -> float:
        """The rendered size of the figure's smallest text: ``drawn_pt`` x :attr:`scale`, or, where the
        PNG does not record it, the style's smallest text (:data:`STYLE_SMALLEST_PT`) x :attr:`scale`.

        Examples
        --------
        >>> FigureSize(natural_px=1560, dpi=192.0, rendered_px=780.0, drawn_pt=8.0).smallest_pt
        8.0
        >>> FigureSize(natural_px=1560, dpi=192.0, rendered_px=390.0).smallest_pt
        4.5
        """
        return (self.drawn_pt if self.measured else STYLE_SMALLEST_PT) * self.scale

    @property
    def blurred(self) -> bool:
        """Whether the figure shows fewer than :data:`SHARP_DENSITY` picture pixels per CSS pixel."""
        return self.density < SHARP_DENSITY - 0.01

    @property
    def small_text(self) -> bool:
        """Whether the figure's smallest text shows under :data:`READABLE_PT`."""
        return self.smallest_pt < READABLE_PT - 0.05


def _png_info(data: bytes) -> dict:
    """The metadata Pillow reads from a PNG's chunks before its image data (empty for another file or a damaged
    one)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return dict(image.info) if image.format == "PNG" else {}
    except (OSError, ValueError, SyntaxError):   # Pillow's UnidentifiedImageError is an OSError
        return {}


def png_smallest_pt(data: bytes) -> float:
    """The smallest font a figure's PNG records in its :data:`SMALLEST_FONT_KEY` text field (``nan`` if none).

    Examples
    --------
    >>> from PIL import PngImagePlugin
    >>> text = PngImagePlugin.PngInfo(); text.add_text(SMALLEST_FONT_KEY, "9.50")
    >>> png = io.BytesIO(); Image.new("L", (2, 2)).save(png, "PNG", pnginfo=text)
    >>> png_smallest_pt(png.getvalue()), png_smallest_pt(b"not a png")
    (9.5, nan)
    """
    try:
        return float(_png_info(data).get(SMALLEST_FONT_KEY, "nan"))
    except ValueError:
        return float("nan")


def png_dpi(data: bytes) -> float:
    """The resolution a PNG was saved at, in dots per inch, from its ``pHYs`` chunk (``nan`` if none).

    Examples
    --------
    >>> png = io.BytesIO(); Image.new("L", (2, 2)).save(png, "PNG", dpi=(144, 144))
    >>> round(png_dpi(png.getvalue()), 1), png_dpi(b"not a png")
    (144.0, nan)
    """
    dpi = _png_info(data).get("dpi")
    return float(dpi[0]) if dpi else float("nan")


@dataclass(frozen=True)
class PageReport:
    """What one page shows a reader, measured in the browser.

    ``formulas`` counts typeset formulas, ``raw_tex`` the TeX left raw, ``code_lines`` the non-blank
    lines of code cells a reader sees without opening a toggle, ``prose_words`` the words of text
    outside code, tables and formulas, ``clipped`` the lines of code boxes (code cells, literal
    blocks) wider than their box, ``clipped_output`` the same in the boxes of cell outputs,
    ``off_page`` the tables, pictures and code boxes that reach past the window's right edge
    (the whole page then scrolls sideways), ``bad_alt`` the figures whose alt text is empty or a
    file name,
    ``cut_cells`` the table cells ending in an ellipsis, ``missing_images`` the images that did not
    load, ``figures`` the size of each figure picture.
    """

    page: str
    formulas: int
    raw_tex: list[str]
    code_lines: int
    prose_words: int
    clipped: int
    cut_cells: list[str]
    missing_images: list[str]
    figures: list[FigureSize] = field(default_factory=list)
    clipped_output: int = 0
    off_page: int = 0
    bad_alt: list[str] = field(default_factory=list)
    screenshot: str = ""

    @property
    def prose_lines(self) -> float:
        """Words of prose in lines of :data:`WORDS_PER_LINE`."""
        return self.prose_words / WORDS_PER_LINE

    @property
    def prose_per_code(self) -> float:
        """Rendered lines of prose per visible line of code (``inf`` with no visible code)."""
        return float("inf") if self.code_lines == 0 else self.prose_lines / self.code_lines

    @property
    def smallest_figure_pt(self) -> float:
        """The smallest rendered size of the style's smallest text over the page's figures (``nan`` if none)."""
        sizes = [f.smallest_pt for f in self.figures if not math.isnan(f.smallest_pt)]
        return min(sizes) if sizes else float("nan")

    @property
    def small_figures(self) -> int:
        """Figures whose smallest text shows under :data:`READABLE_PT`."""
        return sum(1 for f in self.figures if f.small_text)

    @property
    def blurred_figures(self) -> int:
        """Figures shown at under :data:`SHARP_DENSITY` picture pixels per CSS pixel."""
        return sum(1 for f in self.figures if f.blurred)


def failures(page: PageReport) -> list[str]:
    """Why a page fails the check: raw TeX, clipped code or output lines, cut table cells, missing
    images, figures under 2x pixel density or with text under 9 pt.

    Examples
    --------
    >>> failures(PageReport(page="a.html", formulas=0, raw_tex=["\\\\frac"], code_lines=0, prose_words=0,
    ...                     clipped=2, cut_cells=["Local sea..."], missing_images=["x.png"]))
    ... # doctest: +NORMALIZE_WHITESPACE
    ['a.html: 1 raw TeX fragment(s), e.g. \\\\frac', 'a.html: 2 clipped code line(s)',
     "a.html: 1 cut table cell(s), e.g. 'Local sea...'", 'a.html: 1 missing image(s), e.g. x.png']
    >>> failures(PageReport(page="b.html", formulas=0, raw_tex=[], code_lines=0, prose_words=0, clipped=0,
    ...                     cut_cells=[], missing_images=[],
    ...                     figures=[FigureSize(natural_px=1300, dpi=144.0, rendered_px=780.0, drawn_pt=9.0)]))
    ... # doctest: +NORMALIZE_WHITESPACE
    ['b.html: 1 figure(s) under 2x pixel density, e.g. 1.67x',
     'b.html: 1 figure(s) with text under 9 pt, e.g. 8.1 pt']
    """
    reasons = []
    if page.raw_tex:
        reasons.append(f"{page.page}: {len(page.raw_tex)} raw TeX fragment(s), e.g. {page.raw_tex[0]}")
    if page.clipped:
        reasons.append(f"{page.page}: {page.clipped} clipped code line(s)")
    if page.clipped_output:
        reasons.append(f"{page.page}: {page.clipped_output} clipped output line(s)")
    if page.cut_cells:
        reasons.append(f"{page.page}: {len(page.cut_cells)} cut table cell(s), e.g. {page.cut_cells[0]!r}")
    if page.missing_images:
        reasons.append(f"{page.page}: {len(page.missing_images)} missing image(s), e.g. {page.missing_images[0]}")
    blurred = [f.density for f in page.figures if f.blurred]
    if blurred:
        reasons.append(f"{page.page}: {len(blurred)} figure(s) under {SHARP_DENSITY:.0f}x pixel density, "
                       f"e.g. {min(blurred):.2f}x")
    small = [f.smallest_pt for f in page.figures if f.small_text]
    if small:
        reasons.append(f"{page.page}: {len(small)} figure(s) with text under {READABLE_PT:.0f} pt, "
                       f"e.g. {min(small):.1f} pt")
    return reasons


_COLUMNS = ("page", "formulas", "raw TeX", "code lines", "prose lines", "prose/code", "clipped",
            "clipped out", "cut cells", "missing img", "figures", "small figs", "under 2x", "min fig pt", "no alt",
            "off page")


def _row(page: PageReport) -> tuple[str, ...]:
    ratio = "-" if math.isinf(page.prose_per_code) else f"{page.prose_per_code:.1f}"
    smallest = "-" if math.isnan(page.smallest_figure_pt) else f"{page.smallest_figure_pt:.1f}"
    return (page.page, str(page.formulas), str(len(page.raw_tex)), str(page.code_lines),
            f"{page.prose_lines:.0f}", ratio, str(page.clipped), str(page.clipped_output), str(len(page.cut_cells)),
            str(len(page.missing_images)), str(len(page.figures)), str(page.small_figures),
            str(page.blurred_figures), smallest,
            str(len(page.bad_alt)), str(page.off_page))


def report_table(pages: list[PageReport]) -> str:
    """The per-page table of the check, in fixed-width columns, with a line of totals.

    ``prose/code`` is ``-`` on a page without visible code, ``min fig pt`` ``-`` on a page
    without figures. ``no alt`` and ``off page`` are reported, not failed.

    Examples
    --------
    >>> page = PageReport(page="book/intro.html", formulas=2, raw_tex=[], code_lines=0, prose_words=120,
    ...                   clipped=0, cut_cells=[], missing_images=[])
    >>> print(report_table([page]))  # doctest: +NORMALIZE_WHITESPACE
    page             formulas  raw TeX  code lines  prose lines  prose/code  clipped  clipped out  cut cells  missing img  figures  small figs  under 2x  min fig pt  no alt  off page
    book/intro.html         2        0           0           10           -        0            0          0            0        0           0         0           -       0         0
    total                   2        0           0           10           -        0            0          0            0        0           0         0           -       0         0
    """
    rows = [_row(page) for page in pages]
    code = sum(p.code_lines for p in pages)
    prose = sum(p.prose_lines for p in pages)
    smallest = [p.smallest_figure_pt for p in pages if not math.isnan(p.smallest_figure_pt)]
    rows.append(("total", str(sum(p.formulas for p in pages)), str(sum(len(p.raw_tex) for p in pages)),
                 str(code), f"{prose:.0f}", "-" if code == 0 else f"{prose / code:.1f}",
                 str(sum(p.clipped for p in pages)), str(sum(p.clipped_output for p in pages)),
                 str(sum(len(p.cut_cells) for p in pages)),
                 str(sum(len(p.missing_images) for p in pages)), str(sum(len(p.figures) for p in pages)),
                 str(sum(p.small_figures for p in pages)), str(sum(p.blurred_figures for p in pages)),
                 f"{min(smallest):.1f}" if smallest else "-",
                 str(sum(len(p.bad_alt) for p in pages)), str(sum(p.off_page for p in pages))))
    widths = [max(len(col), *(len(row[i]) for row in rows)) for i, col in enumerate(_COLUMNS)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(_COLUMNS)] + [line(row) for row in rows])
