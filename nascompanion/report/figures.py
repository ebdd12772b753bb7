"""Figure helpers and colours the chapters share, and the book's one figure style.

The style is the file ``book.mplstyle`` beside this module (:data:`STYLE_PATH`); :func:`show`
displays a figure as a PNG of twice the screen's resolution shown at the figure's own size, so
text set at 9 pt shows at 9 pt wherever the figure fits the text column.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.text import Text

from nascompanion.report.stats import mean_sem

ALGORITHM_COLOURS: Mapping[str, str] = {
    "local_search": "tab:red", "local search": "tab:red",
    "random_search": "tab:gray", "random search": "tab:gray",
    "evolution": "tab:green", "regularized evolution": "tab:green",
    "bo": "tab:blue", "ANASOD-BO": "tab:blue",
    "bananas": "tab:orange", "ANASOD-LS": "tab:orange",
    "ANASOD-RS": "tab:olive", "ANASOD-biasedRS": "tab:purple",
}
"""One colour per search algorithm, under its code name and its label."""

SIMULATION_COLOUR = "k"
"""Measured or simulated curves, against which theory is drawn."""

BAND_COLOUR = "0.8"
"""Error bands around a simulated curve."""

LINE_STYLES: tuple = ("--", ":", "-.", (0, (5, 1)), (0, (1, 3)))
"""Line styles for the competing predictions of one panel, in order."""


STYLE_PATH = Path(__file__).with_name("book.mplstyle")
"""The book's one figure style, a matplotlib style file shipped with the package."""

BOOK_STYLE: Mapping[str, object] = MappingProxyType(
    dict(matplotlib.rc_params_from_file(str(STYLE_PATH), use_default_template=False)))
"""The settings of :data:`STYLE_PATH`: figures drawn at their shown size, text of 9-11 pt, saved at 192 dpi."""

SCREEN_DPI = 96.0
"""CSS pixels in an inch: a figure of ``w`` inches is shown ``96 w`` pixels wide."""

PIXEL_DENSITY = 2
"""Picture pixels per CSS pixel of a shown figure: twice the screen's resolution, sharp on dense screens."""

PNG_DPI = PIXEL_DENSITY * SCREEN_DPI
"""Resolution of a figure's picture (192 dpi)."""

SMALLEST_FONT_KEY = "Smallest font (pt)"
"""Text field of a figure's PNG that records its smallest font at the figure's size, for the render check."""

RENDERED_WIDTH_INCHES = 780 / 96
"""Width of the book's text column (about 780 px at 96 px an inch): a wider figure is shrunk to it."""

SMALLEST_READABLE_PT = 9.0
"""The smallest text a reader should meet in a figure, in points at its rendered size."""


def use_book_style() -> None:
    """Apply the book's style file to every figure made afterwards (a chapter calls it once, in a hidden cell).

    In a Jupyter kernel, figures displayed without :func:`show` are also sent as 2x pictures.

    Examples
    --------
    >>> use_book_style()
    >>> plt.rcParams["legend.fontsize"], plt.rcParams["savefig.dpi"]
    (9.0, 192.0)
    """
    plt.style.use(STYLE_PATH)
    _sharp_inline_figures()


def _sharp_inline_figures() -> None:
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        set_matplotlib_formats("retina")


def smallest_font(fig: plt.Figure) -> float:
    """The smallest font size of ``fig``'s visible text, in points at the figure's own size (``inf`` without text).

    The figure is laid out first, so that tick labels, which are written only then, count.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("t", fontsize=12)
    >>> ax.tick_params(labelsize=8)
    >>> smallest_font(fig)
    8.0
    >>> plt.close(fig)
    """
    fig.draw_without_rendering()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return float(min(sizes)) if sizes else float("inf")


def smallest_rendered_font(fig: plt.Figure, column_inches: float = RENDERED_WIDTH_INCHES) -> float:
    """The smallest font size of ``fig``'s visible text, in points, once the figure is shrunk to the book's column.

    A figure wider than the column is scaled down by ``column / width``; text must stay at or above
    :data:`SMALLEST_READABLE_PT` after that.

    Examples
    --------
    >>> fig, ax = plt.subplots(figsize=(16.25, 4))
    >>> _ = ax.set_title("t", fontsize=12)
    >>> _ = ax.set_xticks([])
    >>> _ = ax.set_yticks([])
    >>> smallest_rendered_font(fig)
    6.0
    >>> plt.close(fig)
    """
    return smallest_font(fig) * min(1.0, float(column_inches / fig.get_size_inches()[0]))


def shared_legend(fig: plt.Figure, axes, title: str | None = None, ncols: int = 3,
                  fontsize: float | None = None) -> None:
    """One legend for all ``axes``, centred below them, each label once (at most ``ncols`` entries a row).

    Examples
    --------
    >>> fig, axes = plt.subplots(1, 2, layout="constrained")
    >>> for ax in axes:
    ...     _ = ax.plot([0, 1], label="local search")
    >>> shared_legend(fig, axes, title="algorithm")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['local search']
    >>> plt.close(fig)
    """
    handles: dict[str, object] = {}
    for ax in np.ravel(axes):
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    fig.legend(list(handles.values()), list(handles), loc="outside lower center", ncols=min(ncols, len(handles)),
               title=title, fontsize=fontsize, title_fontsize=fontsize)


def figure(ncols: int = 2, nrows: int = 1, width: float = 5.0, height: float = 4.0) -> tuple[plt.Figure, np.ndarray]:
    """A new figure with ``nrows x ncols`` axes of ``width x height`` inches each.

    Returns
    -------
    fig, axes
        The figure and its axes as a flat array, row by row.

    Examples
    --------
    >>> fig, axes = figure(ncols=3)
    >>> axes.shape, fig.get_size_inches().tolist()
    ((3,), [15.0, 4.0])
    >>> plt.close(fig)
    """
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    return fig, axes.ravel()


def figure_png(fig: plt.Figure) -> bytes:
    """``fig`` as a PNG at :data:`PNG_DPI`, cropped to its content, its smallest font recorded under
    :data:`SMALLEST_FONT_KEY`.

    Examples
    --------
    >>> from nascompanion.book.render_check import png_dpi, png_smallest_pt
    >>> fig, ax = plt.subplots(figsize=(4, 3))
    >>> _ = ax.set_xlabel("queries", fontsize=11)
    >>> png = figure_png(fig)
    >>> round(png_dpi(png)), png_smallest_pt(png) <= 11.0
    (192, True)
    >>> plt.close(fig)
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight",
                metadata={SMALLEST_FONT_KEY: f"{smallest_font(fig):.2f}"})
    return buffer.getvalue()


def show(fig: plt.Figure, path: str | Path | None = None) -> None:
    """Display ``fig`` once as a 2x PNG shown at the figure's size (in any Jupyter front end, under
    the Agg backend too), optionally save that PNG to ``path``, and close the figure."""
    from IPython.display import Image, display

    png = figure_png(fig)
    if path is not None:
        Path(path).write_bytes(png)
    display(Image(data=png, format="png", retina=True))
    plt.close(fig)


def curve_panels(panels: Mapping[str, Mapping[str, np.ndarray]], labels: Mapping[str, str] | None = None,
                 ncols: int | None = None, start: int = 10, span: int = 40, panel_width: float = 5.2,
                 ylabel: str = "test error of best-by-validation (%)", legend_title: str = "algorithm (trials)",
                 legend_size: float = 9) -> plt.Figure:
    """Best-so-far curves, mean ± 1 standard error over trials, one panel per setting, one line per search.

    Parameters
    ----------
    panels
        Panel title -> {search name -> curves of shape ``(trials, queries)``}.
    labels
        Reader's name of each search (default: the name itself); colours follow
        :data:`ALGORITHM_COLOURS`.
    ncols
        Panels per row (default: all in one row).
    start, span
        Curves are drawn from query ``start``; the y-axis runs from the lowest
        final mean (less 3 s.e.) to the highest mean ``span`` queries after ``start``.
    """
    ncols = ncols or len(panels)
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_width * ncols, 3.4 * nrows), squeeze=False,
                             constrained_layout=True)
    for ax, (title, results) in zip(axes.ravel(), panels.items()):
        lows, highs = [], []
        for name, curves in results.items():
            mean, sem = mean_sem(curves)
            q = np.arange(1, mean.size + 1)
            colour = ALGORITHM_COLOURS.get(name)
            label = labels[name] if labels else name
            ax.plot(q[start:], mean[start:], color=colour, label=f"{label} ({curves.shape[0]})")
            ax.fill_between(q[start:], (mean - sem)[start:], (mean + sem)[start:], color=colour, alpha=0.2)
            lows.append(mean[-1] - 3 * sem[-1])
            highs.append(mean[min(start + span, mean.size - 1)])
        ax.set_ylim(min(lows), max(highs))
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("queries")
        ax.set_ylabel(ylabel)
    for ax in axes.ravel()[len(panels):]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=legend_size, title=legend_title, title_fontsize=legend_size)
    return fig
