"""The related-approaches figures fit the book's column with text of 9 pt or more."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nascompanion.related import plots
from nascompanion.report import figures

SIZES = np.array([10, 20, 40, 60, 80, 100])
METHODS = ["local search", "random search", "regularized evolution", "ANASOD-RS", "ANASOD-biasedRS",
           "ANASOD-LS", "ANASOD-BO"]


def _figures(rng):
    stats = {n: SimpleNamespace(means=rng.normal(10, 2, 100), sds=rng.uniform(0.5, 1, 100), overall=3.0)
             for n in ("CIFAR-10", "CIFAR-100", "ImageNet16")}
    runs = {n: {m: np.minimum.accumulate(rng.normal(10, 1, (5, 300)), axis=1) for m in METHODS} for n in stats}
    panels = {k: {"gradient-guided": rng.uniform(0.01, 0.02, (5, 6)), "uniform": rng.uniform(0.01, 0.02, (5, 6))}
              for k in ("supernet losses, paper's settings", "supernet losses, estimator lr 0.01")}
    tau = SimpleNamespace(estimate=0.1, low=0.01, high=0.2)
    alone = {"digits-denoised": rng.uniform(80, 95, 50), "digits-noisy": rng.uniform(80, 95, 50)}
    return {"encoding_sd": lambda: plots.encoding_sd_figure(stats, top=50),
            "curves": lambda: plots.curves_figure(runs),
            "estimator": lambda: plots.estimator_panels_figure(panels, SIZES),
            "scatter": lambda: plots.supernet_scatter_figure(rng.uniform(20, 80, 50), alone,
                                                             {k: tau for k in alone})}


@pytest.mark.parametrize("name", ["encoding_sd", "curves", "estimator", "scatter"])
def test_figure_text_is_readable_at_the_column_width(name):
    figures.use_book_style()
    fig = _figures(np.random.default_rng(0))[name]()
    assert figures.smallest_rendered_font(fig) >= figures.SMALLEST_READABLE_PT
    plt.close(fig)
