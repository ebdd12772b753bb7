"""Figures of the two training pipelines of the digits benchmark."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from nascompanion.report import figures

SD_BINS = np.linspace(0, 15, 61)
"""Bins of the seed-SD histogram (accuracy points)."""


def seed_sd_histogram(sd: Mapping[str, np.ndarray], width: float = 6, height: float = 3.2):
    """One step histogram per pipeline of the cells' seed-to-seed SD of validation accuracy.

    Examples
    --------
    >>> fig = seed_sd_histogram({"noisy": np.array([4.0, 5.0]), "denoised": np.array([3.0, 2.5])})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['noisy pipeline', 'denoised pipeline']
    """
    fig, (ax,) = figures.figure(ncols=1, width=width, height=height)
    for pipeline, values in sd.items():
        ax.hist(values, bins=SD_BINS, histtype="step", label=f"{pipeline} pipeline")
    ax.set_xlabel("seed-to-seed SD of validation accuracy (points)")
    ax.set_ylabel("cells")
    ax.legend()
    return fig
