"""The report layer: paper numbers with their sources, verdicts from stated criteria, intervals, figures."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from nascompanion.report import figures, paper, stats
from nascompanion.report.verdicts import matches_or_beats, verdict, words

matplotlib.use("Agg")

PAPERS = Path(__file__).resolve().parents[2] / "shared" / "paper"
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
samples = arrays(np.float64, st.integers(2, 30), elements=finite)


# --------------------------------------------------------------------------- paper numbers


def test_every_quoted_number_names_its_paper_and_place():
    bib = (Path(__file__).resolve().parents[1] / "references.bib").read_text()
    for name, q in paper.quoted().items():
        assert q.what and q.where, name
        assert f"{{{q.paper}," in bib, f"{name} cites {q.paper}, which references.bib lacks"


def test_quoted_numbers_are_read_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        paper.BUDGET.value = 100
    with pytest.raises(TypeError):
        paper.TABLE1.value["random"]["local_minima"] = 1


def test_landscape_noise_keeps_the_old_name_for_table1():
    from nascompanion.landscape.noise import PAPER_TABLE1

    assert PAPER_TABLE1 is paper.TABLE1.value
    assert PAPER_TABLE1["denoised"] == {"iterations": 5.36, "local_minima": 21, "reached_global_pct": 47.4}


def test_anasod_ratios_follow_from_its_table1():
    assert {k: round(v, 2) for k, v in paper.ANASOD_SD_RATIOS.value.items()} == {
        "CIFAR-10": 0.13, "CIFAR-100": 0.17, "ImageNet16": 0.27}


def _printed(number: float) -> str:
    return re.escape(f"{number:g}")


@pytest.mark.skipif(not PAPERS.exists(), reason="the papers' text is not beside the repository")
def test_table_numbers_appear_in_the_papers_text():
    text = {key: "".join(p.read_text() for p in PAPERS.glob(f"{prefix}_*.txt"))
            for key, prefix in [(paper.WHITE, "000"), (paper.ANASOD, "003")]}
    for version, row in paper.TABLE1.value.items():
        line = f"{version.capitalize()}\t{row['iterations']:g}\t{row['local_minima']:g}\t{row['reached_global_pct']:g}"
        assert line in text[paper.WHITE], line
    for method, values in paper.ANASOD_TABLE2.value.items():
        for v in values:
            assert re.search(rf"{v:.2f}", text[paper.ANASOD]), (method, v)
    assert "0.18, 0.1, and 0.22" in text[paper.WHITE] and "budget of 300 evaluations" in text[paper.WHITE]


# --------------------------------------------------------------------------- verdicts


@given(st.one_of(st.booleans(), st.none()))
def test_the_three_outcomes_have_three_different_words(holds):
    others = {words(x) for x in (True, False, None) if x is not holds}
    assert words(holds) not in others


def test_comparison_wording_says_with_this_data_when_unchecked():
    assert [verdict(True), verdict(False), verdict(None)] == [
        "holds", "does not hold", "cannot be checked with this data"]


def test_matches_or_beats_allows_z_standard_errors():
    results = {"ls": np.array([[3.0], [1.0]]), "rs": np.array([[1.0], [1.0]])}
    assert matches_or_beats(results, "ls", 1, z=2.0)
    assert not matches_or_beats(results, "ls", 1, z=0.5)


@given(arrays(np.float64, (5, 3), elements=finite), arrays(np.float64, (5, 3), elements=finite))
def test_the_best_algorithm_always_matches_or_beats(a, b):
    results = {"a": a, "b": b}
    best = min(results, key=lambda k: results[k][:, -1].mean())
    assert matches_or_beats(results, best, 3)


# --------------------------------------------------------------------------- statistics


def test_sem_of_one_value_is_zero():
    assert stats.sem(np.array([3.0])) == 0.0
    with pytest.raises(ValueError, match="empty"):
        stats.sem(np.array([]))


@given(samples, finite)
def test_sem_ignores_a_shift(values, shift):
    assert np.isclose(stats.sem(values + shift), stats.sem(values), rtol=1e-6, atol=1e-3)


@given(arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 5)), elements=finite))
def test_mean_sem_matches_sem_per_column(curves):
    mean, se = stats.mean_sem(curves)
    for j in range(curves.shape[1]):
        assert np.isclose(mean[j], curves[:, j].mean())
        assert np.isclose(se[j], stats.sem(curves[:, j]))


@given(samples)
def test_paired_difference_of_a_sample_with_itself_is_zero(values):
    interval = stats.paired_difference(values, values)
    assert interval == stats.Interval(0.0, 0.0, 0.0)


@given(samples, finite)
def test_paired_difference_of_a_shift_is_the_shift(values, shift):
    interval = stats.paired_difference(values + shift, values)
    assert np.isclose(interval.estimate, shift, atol=1e-6) and interval.width < 1e-3


def test_paired_difference_refuses_unequal_samples():
    with pytest.raises(ValueError, match="same shape"):
        stats.paired_difference(np.zeros(3), np.zeros(4))


@given(samples, samples)
def test_z_difference_is_antisymmetric(a, b):
    assert np.isclose(stats.z_difference(a, b), -stats.z_difference(b, a))


def test_bootstrap_is_reproducible_from_its_generator():
    values = np.random.default_rng(1).normal(size=50)
    one = stats.bootstrap_interval(values, np.random.default_rng(7))
    two = stats.bootstrap_interval(values, np.random.default_rng(7))
    assert one == two and one.contains(float(values.mean()))


@given(samples, st.floats(0.5, 0.95))
def test_bootstrap_interval_lies_within_the_sample(values, level):
    interval = stats.bootstrap_interval(values, np.random.default_rng(0), level=level, draws=200)
    assert values.min() - 1e-9 <= interval.low <= interval.high <= values.max() + 1e-9


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5])
def test_bootstrap_refuses_a_level_outside_zero_one(level):
    with pytest.raises(ValueError, match="level"):
        stats.bootstrap_interval(np.arange(3.0), np.random.default_rng(0), level=level)


@given(st.floats(-5, 5), st.floats(-5, 5), st.integers(1, 6), st.integers(1, 30))
def test_bin_average_of_a_line_is_its_value_at_the_bin_centre_shifted(slope, intercept, bins, per_bin):
    grid = np.linspace(0, 1, 11)
    edges = np.linspace(0, 1, bins + 1)
    got = stats.bin_average(slope * grid + intercept, grid, edges, per_bin)
    width = 1 / bins
    expected = intercept + slope * (edges[:-1] + width * (per_bin - 1) / (2 * per_bin))
    assert np.allclose(got, expected)


# --------------------------------------------------------------------------- figures


def test_theory_plots_reexports_the_shared_figure_helpers():
    from nascompanion.theory import plots

    assert plots.figure is figures.figure and plots.show is figures.show


def test_figure_gives_flat_axes_of_the_requested_size():
    import matplotlib.pyplot as plt

    fig, axes = figures.figure(ncols=2, nrows=3, width=2.0, height=1.0)
    assert axes.shape == (6,) and fig.get_size_inches().tolist() == [4.0, 3.0]
    plt.close(fig)


def test_show_saves_and_closes_the_figure(tmp_path):
    import matplotlib.pyplot as plt

    fig, _ = figures.figure(ncols=1)
    figures.show(fig, str(tmp_path / "f.png"))
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG") and not plt.fignum_exists(fig.number)


def test_show_sends_a_2x_png_shown_at_the_figures_size(monkeypatch):
    import base64

    import IPython.display
    import matplotlib.pyplot as plt

    from nascompanion.book.render_check import png_dpi, png_smallest_pt

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.set_title("curves", fontsize=11)
    ax.tick_params(labelsize=9)
    figures.show(fig)
    (image,) = shown
    png, size = image._repr_png_()
    png = base64.b64decode(png) if isinstance(png, str) else png
    width_px = int.from_bytes(png[16:20], "big")
    assert png_dpi(png) == pytest.approx(192, abs=0.01) and png_smallest_pt(png) == 9.0
    assert size["width"] == width_px // 2  # two picture pixels to a CSS pixel
    assert abs(size["width"] - 6 * 96) < 0.15 * 6 * 96  # shown near its drawn width, the tight box aside


def test_the_style_file_ships_with_the_package():
    import tomllib

    package_data = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    patterns = package_data["tool"]["setuptools"]["package-data"]["nascompanion.report"]
    assert figures.STYLE_PATH.is_file() and any(figures.STYLE_PATH.match(p) for p in patterns)


def test_the_book_style_is_the_style_file_and_sets_text_of_9_pt_and_up():
    import matplotlib.pyplot as plt

    with plt.rc_context():
        figures.use_book_style()
        for key, value in figures.BOOK_STYLE.items():
            assert plt.rcParams[key] == value, key
        sizes = {k: v for k, v in figures.BOOK_STYLE.items() if k.endswith(("size", "fontsize"))
                 and not k.startswith(("figure.figsize", "xtick.major", "ytick.major", "xtick.minor", "ytick.minor"))}
        assert sizes and min(sizes.values()) >= figures.SMALLEST_READABLE_PT
        assert figures.BOOK_STYLE["savefig.dpi"] == figures.PIXEL_DENSITY * figures.BOOK_STYLE["figure.dpi"]


def test_rendered_font_shrinks_with_a_figure_wider_than_the_column():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2 * figures.RENDERED_WIDTH_INCHES, 3))
    ax.set_xlabel("queries", fontsize=12)
    ax.tick_params(labelsize=10)
    assert figures.smallest_font(fig) == 10.0
    assert figures.smallest_rendered_font(fig) == pytest.approx(5.0)
    fig.set_size_inches(figures.RENDERED_WIDTH_INCHES / 2, 3)
    assert figures.smallest_rendered_font(fig) == 10.0
    plt.close(fig)


@given(arrays(np.float64, st.integers(1, 25), elements=st.floats(0, 1)), st.floats(0, 1))
def test_pair_share_counts_the_pairs_within_delta(values, delta):
    brute = np.mean(np.abs(values[:, None] - values[None, :]) <= delta)
    assert np.isclose(stats.pair_share_within(values, delta), brute)


@given(arrays(np.float64, st.integers(1, 25), elements=st.floats(0, 1)), st.floats(0, 0.5), st.floats(0, 0.5))
def test_pair_share_grows_with_delta(values, d1, d2):
    low, high = sorted([d1, d2])
    assert stats.pair_share_within(values, low) <= stats.pair_share_within(values, high)


def test_an_interval_from_one_draw_is_refused():
    with pytest.raises(ValueError, match="two draws"):
        stats.mean_interval(np.array([3.0]))


@given(st.floats(0.01, 0.99))
def test_a_wider_coverage_needs_a_larger_z(level):
    assert stats.normal_z(level) < stats.normal_z(min(level + 0.005, 0.995))
