"""Figures for the chapters on ANASOD (``anasod``) and PVLL-NAS (``pvll_nas``).

Every figure fits the book's text column (about 8.1 inches) at its rendered size, legend included,
so that its text keeps the sizes of :data:`nascompanion.report.figures.BOOK_STYLE` (9 pt and up)
once rendered; legends stand outside the axes they describe.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from nascompanion.report.figures import curve_panels, shared_legend
from nascompanion.report.stats import mean_sem

LEGEND_PT = 9
"""Font size of every legend and its title."""


def curves_figure(panels: dict[str, dict[str, np.ndarray]], start: int = 10, panel_width: float = 3.9) -> plt.Figure:
    """Test error of the returned cell (best by the searched error so far) vs queries (mean ± s.e.), one panel per dataset.

    Two panels a row; with an odd number of panels the legend fills the empty one, else it stands below.
    """
    fig = curve_panels(panels, ncols=2, start=start, span=30, panel_width=panel_width,
                       ylabel="test error, returned cell (%)", legend_title="method (trials)", legend_size=LEGEND_PT)
    axes = fig.axes
    legend = axes[0].get_legend()
    handles, labels = axes[0].get_legend_handles_labels()
    legend.remove()
    if len(panels) < len(axes):
        axes[len(panels)].legend(handles, labels, loc="center", fontsize=LEGEND_PT, title="method (trials)",
                                 title_fontsize=LEGEND_PT)
    else:
        shared_legend(fig, axes, "method (trials)", fontsize=LEGEND_PT)
    return fig


def encoding_sd_figure(stats: dict, top: int = 100, panel_width: float = 2.6, height: float = 3.2) -> plt.Figure:
    """The paper's Figure 2: the ``top`` best sampled encodings, mean ± 1 SD, beside the overall spread.

    One panel per entry of ``stats`` (objects with ``means``, ``sds`` of the sampled encodings and
    ``overall``, the SD over all sampled cells); the legend stands below the panels.
    """
    fig, axes = plt.subplots(1, len(stats), figsize=(panel_width * len(stats), height), squeeze=False,
                             constrained_layout=True)
    for ax, (title, s) in zip(axes[0], stats.items()):
        order = np.argsort(s.means, kind="stable")[:top]
        x = np.arange(order.size)
        ax.fill_between(x, s.means[order] - s.sds[order], s.means[order] + s.sds[order], color="gray", alpha=0.5,
                        label="± 1 SD within encoding")
        ax.plot(x, s.means[order], color="black", lw=1, label="encoding mean")
        centre = float(np.mean(s.means))
        ax.axhspan(centre - s.overall, centre + s.overall, color="tab:red", alpha=0.12, label="± 1 SD over all cells")
        ax.set_title(title)
        ax.set_xlabel(f"best {order.size} encodings")
    axes[0, 0].set_ylabel("error (%)")
    shared_legend(fig, axes, title=None, fontsize=LEGEND_PT)
    return fig


def estimator_figure(curves: dict[str, np.ndarray], samples: np.ndarray) -> plt.Figure:
    """PVLL-NAS Figure 3a: held-out error of the loss estimator vs the number of labelled samples."""
    fig, ax = plt.subplots(figsize=(4.8, 3.4), constrained_layout=True)
    for label, values in curves.items():
        mean, sem = mean_sem(values)
        line, = ax.plot(samples, mean, marker="o", ms=3, label=f"{label} ({values.shape[0]})")
        ax.fill_between(samples, mean - sem, mean + sem, color=line.get_color(), alpha=0.2)
    ax.set_xlabel("labelled architectures")
    ax.set_ylabel("estimator test MSE (normalised loss)")
    ax.set_yscale("log")
    ax.legend(fontsize=LEGEND_PT, title="sampler (repeats)", title_fontsize=LEGEND_PT)
    return fig


def supernet_scatter_figure(inherited: np.ndarray, standalone: dict[str, np.ndarray],
                            taus: dict | None = None, panel_width: float = 3.9, height: float = 3.6) -> plt.Figure:
    """Inherited (supernet) against stand-alone validation accuracy of the same cells, one panel per pipeline.

    Parameters
    ----------
    inherited
        Supernet accuracy (%) of the cells, shape ``(n,)``.
    standalone
        Panel title -> stand-alone accuracy (%) of the same cells.
    taus
        Panel title -> :class:`~nascompanion.report.stats.Interval` of Kendall's tau, written in the panel.
    panel_width, height
        Size of one panel in inches (two panels fit the book's column at the default).
    """
    fig, axes = plt.subplots(1, len(standalone), figsize=(panel_width * len(standalone), height), squeeze=False,
                             constrained_layout=True)
    for ax, (title, values) in zip(axes[0], standalone.items()):
        ax.scatter(values, inherited, s=6, alpha=0.5, color="tab:blue", lw=0)
        ax.set_xlabel(f"stand-alone accuracy, {title} (%)")
        if taus and title in taus:
            t = taus[title]
            ax.set_title(f"{title}\nKendall tau {t.estimate:.2f} [{t.low:.2f}, {t.high:.2f}]")
    axes[0, 0].set_ylabel("supernet accuracy (%)")
    return fig


def estimator_panels_figure(panels: dict[str, dict[str, np.ndarray]], samples: np.ndarray,
                            panel_width: float = 3.9, height: float = 3.6) -> plt.Figure:
    """PVLL-NAS Figure 3a side by side: one panel per setting (mean ± 1 s.e. over repeats), the legend below."""
    fig, axes = plt.subplots(1, len(panels), figsize=(panel_width * len(panels), height), squeeze=False,
                             constrained_layout=True, sharey=True)
    for ax, (title, curves) in zip(axes[0], panels.items()):
        for label, values in curves.items():
            mean, sem = mean_sem(values)
            line, = ax.plot(samples, mean, marker="o", ms=3, label=f"{label} ({values.shape[0]})")
            ax.fill_between(samples, mean - sem, mean + sem, color=line.get_color(), alpha=0.2)
        ax.set_title(title)
        ax.set_xlabel("labelled cells")
        ax.set_yscale("log")
    axes[0, 0].set_ylabel("held-out MSE (normalised loss)")
    shared_legend(fig, axes, title="sampler (repeats)", fontsize=LEGEND_PT)
    return fig
