"""The seed-noise estimators from the whole space: isomorphism classes, seed counts read from the
digits of the means, and the one-seed-vs-mean estimate with per-cell seed counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nascompanion.data import seed_noise


def simulated_classes(sigma: float, classes: int, rng: np.random.Generator):
    """Means of 1-3 seeds of cells in classes of 2-4 cells, each class with its own expected accuracy."""
    sizes = rng.integers(2, 5, size=classes)
    labels = np.repeat(np.arange(classes), sizes)
    seeds = rng.integers(1, 4, size=labels.size)
    centre = rng.uniform(60.0, 92.0, size=classes)[labels]
    return centre + sigma * rng.standard_normal(labels.size) / np.sqrt(seeds), labels, seeds


@settings(max_examples=25)
@given(sigma=st.floats(0.05, 3.0), generator_seed=st.integers(0, 2**32 - 1))
def test_class_estimate_recovers_the_true_sigma_within_its_interval(sigma, generator_seed):
    mean, labels, seeds = simulated_classes(sigma, 600, np.random.default_rng(generator_seed))
    estimate = seed_noise.from_classes(mean, labels, seeds)
    low, high = seed_noise.from_classes_interval(mean, labels, np.random.default_rng(0), seeds, draws=4000,
                                                 level=0.999)
    assert low <= estimate.sigma <= high
    assert low <= sigma <= high
    assert abs(estimate.sigma / sigma - 1) < 0.12


def test_class_estimate_without_the_seed_counts_is_biased_as_the_divisor_says():
    mean, labels, _ = simulated_classes(0.5, 2000, np.random.default_rng(3))
    labels3 = labels
    mean3 = np.random.default_rng(4).uniform(60, 92, size=labels.max() + 1)[labels3] + 0.5 / np.sqrt(3) * \
        np.random.default_rng(5).standard_normal(labels3.size)
    assert seed_noise.from_classes(mean3, labels3, 3).sigma == pytest.approx(0.5, rel=0.05)
    assert seed_noise.from_classes(mean3, labels3, 1).sigma == pytest.approx(0.5 / np.sqrt(3), rel=0.05)


def test_class_estimate_ignores_singleton_classes_and_respects_keep():
    mean = np.array([90.0, 92.0, 50.0, 70.0, 71.0])
    labels = np.array([0, 0, 1, 2, 2])
    both = seed_noise.from_classes(mean, labels, 1)
    assert both.n == 2 and both.sigma == pytest.approx(np.sqrt((2.0 + 0.5) / 2))
    only_first = seed_noise.from_classes(mean, labels, 1, keep=np.array([1, 1, 1, 0, 1], dtype=bool))
    assert only_first.n == 1 and only_first.sigma == pytest.approx(np.sqrt(2.0))
    with pytest.raises(ValueError, match="no class has two"):
        seed_noise.from_classes(mean[:3], np.array([0, 1, 2]), 1)
    with pytest.raises(ValueError, match="one mean and one label"):
        seed_noise.from_classes(mean, labels[:3], 1)


@settings(max_examples=50)
@given(seeds=st.lists(st.integers(1, 3), min_size=1, max_size=30), generator_seed=st.integers(0, 2**32 - 1))
def test_seed_count_from_resolution_divides_the_true_count(seeds, generator_seed):
    rng = np.random.default_rng(generator_seed)
    columns = []
    for images in (25_000, 10_000, 3_000):
        correct = [rng.integers(images // 2, images, size=m) for m in seeds]
        columns.append((np.array([100.0 * c.mean() / images for c in correct]), images))
    found = seed_noise.seed_counts_from_resolution(columns)
    assert ((np.array(seeds) % found) == 0).all()


def test_seed_count_from_resolution_rejects_columns_that_disagree():
    half = (np.array([91.05]), 1000)         # a mean of two seeds on 1000 images
    third = (np.array([91.0 + 0.1 / 3]), 1000)  # a mean of three
    with pytest.raises(ValueError, match="not a mean of up to 3 seeds"):
        seed_noise.seed_counts_from_resolution([half, third])


def test_per_cell_counts_match_the_assumed_count_when_all_equal():
    rng = np.random.default_rng(7)
    mean = rng.uniform(88, 92, size=50)
    single = mean + rng.normal(0, 0.2, size=50)
    assumed = seed_noise.from_single_and_mean(single, mean, 3)
    counted = seed_noise.from_single_and_mean_counts(single, mean, np.full(50, 3))
    assert counted.sigma == pytest.approx(assumed.sigma)
    low, high = seed_noise.single_and_mean_interval(single, mean, np.random.default_rng(0), 3, draws=200)
    assert low <= assumed.sigma <= high
    again = seed_noise.single_and_mean_interval(single, mean, np.random.default_rng(0), np.full(50, 3), draws=200)
    assert again == pytest.approx((low, high))


def test_intervals_check_their_arguments():
    mean, labels, seeds = simulated_classes(0.3, 20, np.random.default_rng(1))
    with pytest.raises(ValueError, match="level"):
        seed_noise.from_classes_interval(mean, labels, np.random.default_rng(0), seeds, level=1.0)
    with pytest.raises(ValueError, match="at least 1"):
        seed_noise.from_classes(mean, labels, 0)


@pytest.mark.parametrize("bad", [250.0, -0.5, np.nan, np.inf])
def test_every_estimator_refuses_an_accuracy_outside_0_to_100(bad):
    mean = np.array([90.0, 91.0, 89.5, 90.5])
    single = mean + np.array([0.2, -0.1, 0.3, -0.2])
    single[2] = bad
    message = rf"single holds {bad!r} at position 2; allowed: accuracies \(%\) in \[0, 100\]$"
    with pytest.raises(ValueError, match=message):
        seed_noise.from_single_and_mean(single, mean, 3)
    with pytest.raises(ValueError, match=message):
        seed_noise.from_single_and_mean_counts(single, mean, np.full(4, 3))
    if not np.isnan(bad):   # NaN marks a missing seed or cell there
        with pytest.raises(ValueError, match=r"values holds .* at position \(1, 0\)"):
            seed_noise.from_seeds(np.array([[90.0, 91.0], [bad, 90.0]]))
        with pytest.raises(ValueError, match="mean holds"):
            seed_noise.from_classes(np.array([90.0, bad, 91.0]), np.array([0, 0, 1]), 1)


def test_an_f_sng_of_250_no_longer_inflates_sigma():
    mean = np.full(5, 90.0)
    single = np.array([90.2, 89.8, 90.1, 89.9, 90.0])
    assert seed_noise.from_single_and_mean(single, mean, 3).sigma == pytest.approx(0.1936, abs=1e-4)
    single[0] = 250.0
    with pytest.raises(ValueError, match="single holds 250.0 at position 0"):
        seed_noise.from_single_and_mean(single, mean, 3)
