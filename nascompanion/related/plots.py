"""Figures for the chapter "Related approaches: ANASOD and PVLL-NAS"."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from nascompanion.report.figures import curve_panels
from nascompanion.report.stats import mean_sem



def curves_figure(panels: dict[str, dict[str, np.ndarray]], start: int = 10) -> plt.Figure:
    """Best-so-far test error vs queries (mean ± s.e.), one panel per dataset, one line per method."""
    return curve_panels(panels, start=start, span=30, panel_width=4.6, ylabel="test error of best-by-search-metric (%)",
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
