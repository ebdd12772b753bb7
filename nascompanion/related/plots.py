"""Figures for the chapter "Related approaches: ANASOD and PVLL-NAS"."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from nascompanion.report.figures import curve_panels
from nascompanion.report.stats import mean_sem



def curves_figure(panels: dict[str, dict[str, np.ndarray]], start: int = 10) -> plt.Figure:
    """Test error of the returned cell (best by the searched error so far) vs queries (mean ± s.e.), one panel per dataset."""
    return curve_panels(panels, start=start, span=30, panel_width=4.6,
                        ylabel="test error of the returned cell, searched training (%)",
                        legend_title="method (trials)", legend_size=7)


def encoding_sd_figure(stats: dict, top: int = 100) -> plt.Figure:
    """The paper's Figure 2: the ``top`` best sampled encodings, mean ± 1 SD, beside the overall spread."""
    fig, axes = plt.subplots(1, len(stats), figsize=(4.0 * len(stats), 3.2), squeeze=False, constrained_layout=True)
    for ax, (title, s) in zip(axes[0], stats.items()):
        order = np.argsort(s.means, kind="stable")[:top]
        x = np.arange(order.size)
        ax.fill_between(x, s.means[order] - s.sds[order], s.means[order] + s.sds[order], color="gray", alpha=0.5,
                        label="± 1 SD within encoding")
        ax.plot(x, s.means[order], color="black", lw=1, label="encoding mean")
        centre = float(np.mean(s.means))
        ax.axhspan(centre - s.overall, centre + s.overall, color="tab:red", alpha=0.12, label="± 1 SD over all cells")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(f"encodings, best {order.size} by mean")
        ax.set_ylabel("error (%)")
    axes[0, 0].legend(fontsize=7)
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
    ax.legend(fontsize=8, title="sampler (repeats)", title_fontsize=8)
    return fig


def supernet_scatter_figure(inherited: np.ndarray, standalone: dict[str, np.ndarray],
                            taus: dict | None = None) -> plt.Figure:
    """Inherited (supernet) against stand-alone validation accuracy of the same cells, one panel per pipeline.

    Parameters
    ----------
    inherited
        Supernet accuracy (%) of the cells, shape ``(n,)``.
    standalone
        Panel title -> stand-alone accuracy (%) of the same cells.
    taus
        Panel title -> :class:`~nascompanion.report.stats.Interval` of Kendall's tau, written in the panel.
    """
    fig, axes = plt.subplots(1, len(standalone), figsize=(4.0 * len(standalone), 3.4), squeeze=False,
                             constrained_layout=True)
    for ax, (title, values) in zip(axes[0], standalone.items()):
        ax.scatter(values, inherited, s=6, alpha=0.5, color="tab:blue", lw=0)
        ax.set_xlabel(f"stand-alone validation accuracy, {title} (%)")
        ax.set_ylabel("supernet accuracy, inherited weights (%)")
        if taus and title in taus:
            t = taus[title]
            ax.set_title(f"Kendall tau {t.estimate:.2f} [{t.low:.2f}, {t.high:.2f}]", fontsize=9)
    return fig


def estimator_panels_figure(panels: dict[str, dict[str, np.ndarray]], samples: np.ndarray) -> plt.Figure:
    """PVLL-NAS Figure 3a side by side: one panel per source of labels (mean ± 1 s.e. over repeats)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels), 3.4), squeeze=False, constrained_layout=True)
    for ax, (title, curves) in zip(axes[0], panels.items()):
        for label, values in curves.items():
            mean, sem = mean_sem(values)
            line, = ax.plot(samples, mean, marker="o", ms=3, label=f"{label} ({values.shape[0]})")
            ax.fill_between(samples, mean - sem, mean + sem, color=line.get_color(), alpha=0.2)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("labelled architectures")
        ax.set_yscale("log")
    axes[0, 0].set_ylabel("estimator test MSE (normalised loss)")
    axes[0, 0].legend(fontsize=8, title="sampler (repeats)", title_fontsize=8)
    return fig
