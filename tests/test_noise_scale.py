"""The sigma the noise objective uses on mean-only NB201 data: the class estimate over the better
half of the cells by default, the importer's best-cells estimate on request."""

from __future__ import annotations

import numpy as np
import pytest

from nascompanion import objectives
from nascompanion.compare import run as cmp
from nascompanion.data import load_benchmark, seed_noise
from nascompanion.objectives import noise_scale
from nascompanion.landscape.noise import landscape_inputs
from nascompanion.landscape.stats import ls_map
from nascompanion.spaces import nb201


@pytest.fixture(scope="module")
def bench():
    return load_benchmark(None)


def test_noise_objective_defaults_to_the_class_estimate_over_the_better_half(bench):
    default = objectives.seed_noise(bench, "cifar10-valid")
    assert default == objectives.seed_noise(bench, "cifar10-valid", "classes")
    assert default == noise_scale.class_estimate(bench, "cifar10-valid")
    accuracy = bench.accuracy("cifar10-valid", "validation")[:, 0]
    direct = seed_noise.from_classes(accuracy, nb201.isomorphism_classes(), noise_scale.seed_counts(bench),
                                     noise_scale.better_half(bench, "cifar10-valid"))
    assert default.sigma == pytest.approx(direct.sigma, rel=1e-12)
    assert "better half" in default.method


def test_best_cells_estimate_is_the_one_the_importer_stored(bench):
    stored = bench.dataset("cifar10-valid").seed_noise
    assert objectives.seed_noise(bench, "cifar10-valid", "best-cells") == stored
    assert objectives.seed_noise(bench, "cifar10-valid").sigma > 1.5 * stored.sigma


def test_every_dataset_has_its_own_class_estimate(bench):
    sigmas = {d: objectives.seed_noise(bench, d).sigma for d in bench.datasets}
    assert len(set(sigmas.values())) == len(sigmas)
    assert "borrowed" not in landscape_inputs(bench, "cifar10").note


def test_a_dataset_without_a_best_cells_table_says_which_have_one(bench):
    with pytest.raises(objectives.ObjectiveUnavailableError, match="'best-cells'.*cifar10-valid, cifar100"):
        objectives.seed_noise(bench, "cifar10", "best-cells")


def test_unknown_estimate_is_refused_with_the_choices(bench):
    with pytest.raises(ValueError, match="unknown seed-noise estimate 'median'.*auto, classes, best-cells"):
        objectives.seed_noise(bench, "cifar10-valid", "median")


def test_better_half_keeps_live_cells_below_the_median_class_error(bench):
    half = noise_scale.better_half(bench, "cifar100")
    live = nb201.has_input_output_path()
    assert not (half & ~live).any()
    error = 100 - bench.accuracy("cifar100", "test")[:, 0]
    assert error[half].max() < np.median(error[live]) + 2.0
    assert 0.4 < half.sum() / live.sum() < 0.6


def test_simulated_one_seed_minima_lie_in_the_better_half(bench):
    inputs = landscape_inputs(bench, "cifar10-valid")
    noisy = inputs.base + inputs.sigma * np.random.default_rng(7).standard_normal(inputs.base.size)
    minima = np.flatnonzero(ls_map(noisy, nb201.neighbour_table()) == np.arange(noisy.size))
    assert np.mean(noise_scale.better_half(bench, "cifar10-valid")[minima]) > 0.95


def test_sweep_gaps_name_the_points_the_sweep_has():
    finals = {("d", 0.0): {"local_search": np.array([1.0, 2.0]), "random_search": np.array([2.0, 2.5])}}
    sweep = cmp.Sweep(table=None, finals=finals)
    gaps = cmp.sweep_gaps(sweep, "d", 0.0)
    assert gaps["difference"].tolist() == [-0.75]
    with pytest.raises(KeyError, match=r"no point x=1.0 on 'd'; it has x in \[0.0\]"):
        cmp.sweep_gaps(sweep, "d", 1.0)
