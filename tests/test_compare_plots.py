"""The NAS comparison's and the digits chapter's figures fit the book's column with text of 9 pt or
more and legends outside the axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from nascompanion.compare import plots
from nascompanion.data import digits
from nascompanion.report import figures

ALGORITHMS = ("local_search", "random_search", "evolution_requery", "bo", "bananas")


def _curves(rng):
    panels = {}
    for dataset in ("cifar10-valid", "cifar100", "ImageNet16-120"):
        for objective in ("denoised", "standard (simulated)"):
            panels[f"{dataset}, {objective}"] = {
                a: np.minimum.accumulate(rng.uniform(5, 7, (4, 60)), axis=1) for a in ALGORITHMS}
    return panels


def _sweep(rng):
    rows = [dict(dataset=d, algorithm=a, x=x, mean=rng.uniform(5, 7), sem=0.1)
            for d in ("cifar10-valid", "cifar100", "ImageNet16-120") for a in ALGORITHMS[:3]
            for x in (0.0, 0.5, 1.0, 3.0)]
    return pd.DataFrame(rows)


def _digits_sweep():
    return pd.DataFrame({"median_seed_sd": [4.1, 3.1, 1.2, 1.4], "iqr": [8.3, 7.1, 6.2, 4.5],
                         "pipeline": ["noisy", "denoised", "denoised", "denoised"],
                         "distorted": [False, False, True, True]})


FIGURES = {
    "curves": lambda rng: plots.curves_figure(_curves(rng)),
    "sweep": lambda rng: plots.sweep_figure(_sweep(rng)),
    "digits_sweep": lambda rng: digits.sweep_figure(_digits_sweep(), 5),
}


@pytest.mark.parametrize("name", FIGURES)
def test_figure_text_is_readable_at_the_column_width(name):
    figures.use_book_style()
    fig = FIGURES[name](np.random.default_rng(0))
    try:
        assert figures.smallest_rendered_font(fig) >= figures.SMALLEST_READABLE_PT
        assert fig.legends and not any(ax.get_legend() for ax in fig.axes), "one legend, outside the axes"
    finally:
        plt.close(fig)
