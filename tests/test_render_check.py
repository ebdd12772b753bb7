"""The render check of the built book: its decisions without a browser, and one synthetic page in one."""

from __future__ import annotations

import importlib.util
import math
import struct
import zlib
from pathlib import Path

import pytest

from nascompanion.book.render_check import (
    FigureSize, PageReport, clipped_lines, cut_cells, failures, meaningless_alt, png_dpi, png_smallest_pt,
    raw_tex, report_table,
)

ROOT = Path(__file__).resolve().parents[1]


def _png(width: int, height: int, dpi: float | None, smallest_pt: float | None = None) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    phys = chunk(b"pHYs", struct.pack(">IIB", round(dpi / 0.0254), round(dpi / 0.0254), 1)) if dpi else b""
    text = chunk(b"tEXt", b"Smallest font (pt)\x00" + f"{smallest_pt}".encode()) if smallest_pt else b""
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + header + phys + text + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _page(**changes) -> PageReport:
    values = dict(page="book/chapters/x.html", formulas=5, raw_tex=[], code_lines=10, prose_words=480,
                  clipped=0, cut_cells=[], missing_images=[])
    values.update(changes)
    return PageReport(**values)


@pytest.mark.parametrize("text, found", [
    (r"the loss $\frac{1}{n}$ here", [r"$\frac{1}{n}$"]),
    (r"\begin{equation} x \end{equation}", [r"\begin", r"\end"]),
    (r"a display $$x^2$$", ["$$", "$$"]),
    (r"inline \(x\) raw", [r"\(", r"\)"]),
    (r"$b_k$ untypeset", ["$b_k$"]),
    ("Typeset maths leaves Unicode: ε, (K₅)⁶, ∏ b_j", []),
    ("Prices of $5 and $6 are not TeX", []),
    (r"a path C:\new\folder", []),
])
def test_raw_tex_finds_untypeset_tex_only(text, found):
    assert raw_tex(text) == found


def test_cut_cells_are_those_ending_in_an_ellipsis():
    cells = ["x-valid accuracy (%), 200 epochs, mean over th...", "5.75 [5.71, 5.79]", "holds …",
             "...and so on", "1...2"]
    assert cut_cells(cells) == ["x-valid accuracy (%), 200 epochs, mean over th...", "holds …"]


def test_an_alt_text_must_describe_the_picture():
    assert meaningless_alt("../../_images/0406ed7d20c888a1.png")
    assert meaningless_alt("  ")
    assert not meaningless_alt("Histogram of the seed-to-seed spread of validation error")


def test_a_line_is_clipped_only_when_wider_than_its_box():
    assert clipped_lines(["a" * 88], char_px=8.0, box_px=704.0) == 0
    assert clipped_lines(["a" * 89], char_px=8.0, box_px=704.0) == 1
    assert clipped_lines(["a" * 88 + "    "], char_px=8.0, box_px=704.0) == 0  # trailing blanks show nothing


def test_png_dpi_reads_the_resolution_a_figure_was_saved_at():
    assert png_dpi(_png(4, 3, 144.0)) == pytest.approx(144.0, abs=0.01)
    assert math.isnan(png_dpi(_png(4, 3, None)))
    assert math.isnan(png_dpi(b"GIF89a"))


def test_png_smallest_pt_reads_the_font_a_figure_recorded():
    assert png_smallest_pt(_png(4, 3, 192.0, smallest_pt=8.5)) == 8.5
    assert math.isnan(png_smallest_pt(_png(4, 3, 192.0)))
    assert math.isnan(png_smallest_pt(b"GIF89a"))


def test_the_book_figures_png_records_its_resolution_and_smallest_font():
    import matplotlib.pyplot as plt

    from nascompanion.report import figures

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.set_xlabel("queries", fontsize=12)
    ax.tick_params(labelsize=10)
    ax.legend(handles=ax.plot([0, 1], label="local search"), fontsize=9.5)
    png = figures.figure_png(fig)
    plt.close(fig)
    assert png_dpi(png) == pytest.approx(figures.PNG_DPI, abs=0.05)
    assert png_smallest_pt(png) == pytest.approx(9.5)


def test_density_is_picture_pixels_per_css_pixel():
    assert FigureSize(natural_px=1560, dpi=192.0, rendered_px=780.0).density == 2.0
    assert FigureSize(natural_px=990, dpi=100.0, rendered_px=780.0).blurred
    assert not FigureSize(natural_px=1561, dpi=192.0, rendered_px=780.0).blurred
    folded = FigureSize(natural_px=1560, dpi=192.0, rendered_px=0.0)  # in a closed toggle: nothing to measure
    assert math.isnan(folded.density) and math.isnan(folded.scale) and not folded.blurred and not folded.small_text


def test_a_recorded_font_is_measured_instead_of_the_styles_smallest():
    at_size = dict(natural_px=1536, dpi=192.0, rendered_px=768.0)  # 8 in shown at 8 in
    assert FigureSize(**at_size).smallest_pt == pytest.approx(9.0)
    assert FigureSize(**at_size, drawn_pt=7.0).smallest_pt == pytest.approx(7.0)
    assert FigureSize(**at_size, drawn_pt=7.0).small_text and not FigureSize(**at_size).small_text
    shrunk = FigureSize(natural_px=2496, dpi=192.0, rendered_px=780.0, drawn_pt=10.0)  # 13 in shown at 8.1 in
    assert shrunk.smallest_pt == pytest.approx(10.0 * 780 / (13 * 96)) and shrunk.small_text


def test_figure_scale_is_rendered_width_over_drawn_width():
    drawn_at_size = FigureSize(natural_px=1440, dpi=144.0, rendered_px=960.0)  # 10 in shown at 10 in
    shrunk = FigureSize(natural_px=1391, dpi=100.0, rendered_px=780.0)  # 13.9 in shown at 8.1 in
    assert drawn_at_size.scale == pytest.approx(1.0)
    assert drawn_at_size.smallest_pt == pytest.approx(9.0)
    assert shrunk.smallest_pt == pytest.approx(9.0 * 780 / (13.91 * 96))
    assert math.isnan(FigureSize(natural_px=100, dpi=float("nan"), rendered_px=50.0).scale)


def test_page_counts_small_figures_and_the_smallest_rendered_text():
    page = _page(figures=[FigureSize(1440, 144.0, 960.0), FigureSize(1391, 100.0, 780.0),
                          FigureSize(100, float("nan"), 50.0)])
    assert page.small_figures == 1
    assert page.smallest_figure_pt == pytest.approx(FigureSize(1391, 100.0, 780.0).smallest_pt)
    assert math.isnan(_page().smallest_figure_pt)


def test_prose_is_counted_in_lines_of_twelve_words():
    assert _page().prose_lines == 40
    assert _page().prose_per_code == 4
    assert math.isinf(_page(code_lines=0).prose_per_code)


def test_a_clean_page_passes_and_each_defect_fails_it():
    sharp = FigureSize(natural_px=1500, dpi=192.0, rendered_px=750.0, drawn_pt=9.0)
    assert failures(_page(figures=[sharp])) == []
    for change in [dict(raw_tex=["$$"]), dict(clipped=1), dict(clipped_output=1), dict(cut_cells=["ab..."]),
                   dict(missing_images=["../_images/a.png"]),
                   dict(figures=[sharp, FigureSize(natural_px=1440, dpi=192.0, rendered_px=750.0, drawn_pt=9.0)]),
                   dict(figures=[sharp, FigureSize(natural_px=1500, dpi=192.0, rendered_px=750.0, drawn_pt=8.0)])]:
        reasons = failures(_page(**change))
        assert len(reasons) == 1 and reasons[0].startswith("book/chapters/x.html: ")


def test_report_table_has_a_row_a_page_and_totals():
    pages = [_page(), _page(page="book/intro.html", code_lines=0, prose_words=120, clipped=2,
                            figures=[FigureSize(1391, 100.0, 780.0)])]
    lines = report_table(pages).splitlines()
    assert lines[0].split()[:3] == ["page", "formulas", "raw"]
    assert [line.split()[0] for line in lines[1:]] == ["book/chapters/x.html", "book/intro.html", "total"]
    total = lines[-1].split()
    assert total[1:8] == ["10", "0", "10", "50", "5.0", "2", "0"]
    assert total[-3] == "5.3" and total[-5:-3] == ["1", "1"]  # the small figure is also under 2x
    assert lines[2].split()[5] == "-"  # no visible code: no ratio


BROWSER = Path("/usr/bin/chromium")


@pytest.mark.skipif(importlib.util.find_spec("playwright") is None or not BROWSER.exists(),
                    reason="needs the playwright package and /usr/bin/chromium")
def test_the_browser_check_finds_each_defect_on_a_synthetic_page(tmp_path, capsys):
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "_images").mkdir()
    (html / "_images" / "fig.png").write_bytes(_png(1391, 300, 100.0))
    (html / "_images" / "sharp.png").write_bytes(_png(1400, 600, 192.0, smallest_pt=9.0))  # as figures.show sends it
    (html / "book" / "page.html").write_text(
        "<html><body><main>"
        "<p>" + "word " * 116 + r"and $\frac{1}{2}$ left raw.</p>"
        '<div class="cell_input"><pre style="width:300px;overflow:auto;font:13px monospace;padding:0">'
        "short = 1\n" + "x" * 200 + "\n</pre></div>"
        '<details class="hide above-input"><summary>Show code</summary><div class="cell_input">'
        "<pre>folded = 1\nbehind = 'a toggle'</pre></div></details>"
        '<div class="cell_output"><img src="../_images/fig.png" style="width:780px"></div>'
        '<div class="cell_output"><img src="../_images/sharp.png" width="700" alt="Error against queries"></div>'
        '<img src="../_images/missing.png">'
        "<table><tr><td>Local search finds the g...</td><td>5.75 [5.71, 5.79]</td></tr></table>"
        '<table style="width:3000px"><tr><td>a table wider than the window</td></tr></table>'
        '<img src="https://example.org/remote.png">'
        "</main></body></html>", encoding="utf-8")
    (html / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/page.html" />')
    spec = importlib.util.spec_from_file_location("render_check_script", ROOT / "benchmarks" / "render_check.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shots = tmp_path / "shots"

    code = script.main([str(html), "--screenshots", str(shots)])

    out = capsys.readouterr().out
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith("book/page.html")).split()
    # formulas, raw TeX, code lines, prose lines, prose/code, clipped, clipped out, cut cells, missing img, figures
    assert row[1:11] == ["0", "1", "2", "10", "5.0", "1", "0", "1", "2", "2"]
    assert row[11:13] == ["1", "1"]  # the 100-dpi figure shrunk to the column: text under 9 pt, under 2x
    assert row[-2:] == ["1", "1"]  # the figure has no alt text; the wide table leaves the page
    assert float(row[-3]) == pytest.approx(9.0 * 780 / (13.91 * 96), abs=0.05)
    assert "figure(s) under 2x pixel density, e.g. 1.78x" in out and "figure(s) with text under 9 pt" in out
    assert "1 page" in out.splitlines()[0] and "1 request(s) refused" in out
    assert (shots / "book__page.png").read_bytes().startswith(b"\x89PNG")
