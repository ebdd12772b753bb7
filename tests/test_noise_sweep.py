"""The vectorised noise sweep and Table 1 against per-landscape statistics."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nascompanion.spaces.table import hamming_table
from nascompanion.landscape import landscape_stats
from nascompanion.landscape.noise import (
    PAPER_TABLE1,
    STATISTICS,
    SweepResult,
    batched_stats,
    landscape_table,
    noise_sweep,
    random_draws,
    random_search_trees,
)
from nascompanion.landscape import ls_map, search_tree_sizes
from nascompanion.report.stats import mean_interval



H = hamming_table(3, 5)  # 125 nodes, like a small NB201
BASE = np.array([sum(c) for c in itertools.product(range(5), repeat=3)], dtype=float)  # one basin, optimum 0


def test_batched_stats_equal_per_landscape_stats():
    losses = np.random.default_rng(0).integers(0, 6, size=(5, H.shape[0])).astype(float)  # many ties
    res = batched_stats(losses, H)
    for j, row in enumerate(losses):
        one = landscape_stats(row, H)
        assert res["local_minima"][j] == one.local_minima
        assert res["reached_global_pct"][j] == pytest.approx(one.reached_global_pct)
        assert res["iterations"][j] == pytest.approx(one.iterations)
        assert res["global_basin_size"][j] == one.global_basin_size


def test_each_draw_is_the_landscape_of_base_plus_x_sigma_z_with_z_shared_across_x():
    sigma, xs = 0.7, [0.0, 0.5, 2.0]
    res = noise_sweep(BASE, sigma, H, xs, draws=4, rng=np.random.default_rng(3), batch=3)
    z = np.random.default_rng(3).standard_normal((4, BASE.size))
    for i, x in enumerate(xs):
        for j in range(4):
            one = landscape_stats(BASE + x * sigma * z[j], H)
            assert res.stats["local_minima"][i, j] == one.local_minima
            assert res.stats["reached_global_pct"][i, j] == pytest.approx(one.reached_global_pct)
            assert res.stats["reached_true_best_pct"][i, j] == pytest.approx(100 * np.mean(one.ls_star == 0))


def test_zero_noise_is_the_denoised_landscape_with_no_spread():
    res = noise_sweep(BASE, 1.0, H, [0.0], draws=3, rng=np.random.default_rng(0))
    assert res.stats["local_minima"][0].tolist() == [1, 1, 1]
    assert res.stats["reached_global_pct"][0].tolist() == [100.0] * 3
    assert res.summary()["local_minima_sd"].tolist() == [0.0]


def test_more_noise_makes_more_local_minima_and_a_smaller_global_basin():
    res = noise_sweep(BASE, 1.0, H, np.linspace(0, 3, 13), draws=6, rng=np.random.default_rng(1))
    minima = res.stats["local_minima"].mean(axis=1)
    basin = res.stats["reached_true_best_pct"].mean(axis=1)
    assert minima[0] == 1 and minima[-1] > 5 * minima[0]
    assert basin[0] == 100.0 and basin[-1] < 50.0
    assert np.all(np.diff(minima) >= 0)  # common random numbers keep the mean curve monotone here


def test_x_at_interpolates_the_mean_curve():
    stats = {name: np.array([[1.0, 1.0], [3.0, 5.0], [10.0, 10.0]]) for name in STATISTICS}
    res = SweepResult(xs=np.array([0.0, 1.0, 2.0]), stats=stats, sigma=1.0)
    assert res.x_at("local_minima", 4.0) == pytest.approx(1.0)
    assert res.x_at("local_minima", 7.0) == pytest.approx(1.5)
    assert np.isnan(res.x_at("local_minima", 11.0))
    # a curve that goes down then up: the first crossing counts
    stats = {name: np.array([[10.0], [2.0], [8.0]]) for name in STATISTICS}
    res = SweepResult(xs=np.array([0.0, 1.0, 2.0]), stats=stats, sigma=1.0)
    assert res.x_at("local_minima", 6.0) == pytest.approx(0.5)


def test_same_seed_same_sweep():
    a, b = (noise_sweep(BASE, 1.0, H, [1.0, 2.0], 3, np.random.default_rng(9)) for _ in range(2))
    for name in STATISTICS:
        assert np.array_equal(a.stats[name], b.stats[name])


def test_random_draws_have_many_minima():
    res = random_draws(H.shape[0], H, 4, np.random.default_rng(0), batch=3)
    assert res["local_minima"].shape == (4,)
    # on a 12-regular graph a node is a local minimum with probability 1/13
    assert 2 < res["local_minima"].mean() < 25


@pytest.mark.parametrize(
    "kwargs, match",
    [({"xs": [-1.0]}, "xs"), ({"xs": []}, "xs"), ({"sigma": 0.0}, "sigma"), ({"draws": 0}, "draws"), ({"rng": 1}, "Generator")],
)
def test_bad_arguments_raise_clear_errors(kwargs, match):
    args = {"base": BASE, "sigma": 1.0, "neighbours": H, "xs": [1.0], "draws": 2, "rng": np.random.default_rng(0)}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        noise_sweep(**args)


def test_table1_puts_the_paper_beside_ours_with_the_difference():
    table = landscape_table(BASE, 1.0, H, draws=3, rng=np.random.default_rng(0))
    assert list(table.columns) == ["paper", "ours", "ours_sd", "difference"]
    assert table.loc[("standard", "local_minima"), "paper"] == PAPER_TABLE1["standard"]["local_minima"]
    assert np.allclose(table["difference"], table["ours"] - table["paper"])
    denoised = landscape_stats(BASE, H)
    assert table.loc[("denoised", "iterations"), "ours"] == pytest.approx(denoised.iterations)
    assert table.loc[("denoised", "local_minima"), "ours_sd"] == 0.0


def test_nb201_noise_at_x1_adds_local_minima_to_the_denoised_landscape():
    from nascompanion import objectives
    from nascompanion.data import load_benchmark
    from nascompanion.spaces import nb201

    bench = load_benchmark()
    base = objectives.losses(bench, "cifar10-valid", "denoised")
    sigma = objectives.seed_noise(bench, "cifar10-valid").sigma
    res = noise_sweep(base, sigma, nb201.neighbour_table(), [0.0, 1.0], 4, np.random.default_rng(0))
    minima = res.stats["local_minima"]
    assert (minima[0] == landscape_stats(base, nb201.neighbour_table()).local_minima).all()
    assert minima[1].mean() > minima[0].mean()


def test_table1_draws_are_the_draws_behind_its_means():
    table, per_draw = landscape_table(BASE, 1.0, H, draws=5, rng=np.random.default_rng(4), return_draws=True)
    again = landscape_table(BASE, 1.0, H, draws=5, rng=np.random.default_rng(4))
    assert table.equals(again)  # asking for the draws changes nothing else
    for version in ("standard", "random"):
        for stat in ("local_minima", "reached_global_pct", "iterations"):
            values = per_draw[version][stat]
            assert table.loc[(version, stat), "ours"] == pytest.approx(values.mean())
            assert table.loc[(version, stat), "ours_sd"] == pytest.approx(values.std(ddof=1))


def test_mean_interval_is_the_mean_with_standard_errors_either_side():
    values = np.array([1.0, 2.0, 4.0, 9.0])
    interval = mean_interval(values, z=2.0)
    half = 2.0 * values.std(ddof=1) / 2.0
    assert interval.estimate == pytest.approx(4.0)
    assert (interval.low, interval.high) == pytest.approx((4.0 - half, 4.0 + half))


def test_random_search_trees_are_those_of_the_lowest_cells_of_each_draw():
    trees = random_search_trees(H.shape[0], H, 3, 4, np.random.default_rng(2))
    rng = np.random.default_rng(2)
    for d in range(4):
        losses = rng.uniform(0.0, 1.0, size=H.shape[0])
        sizes = search_tree_sizes(ls_map(losses, H), np.argsort(losses)[:3])
        assert trees["basins"][d] == sizes["basins"] and trees["own"][d] == sizes["own"]
        assert trees["own_each"][d].tolist() == sizes["own_each"].tolist()
    with pytest.raises(ValueError, match="draws"):
        random_search_trees(H.shape[0], H, 3, 0, rng)


def test_take_resamples_the_draws_of_a_sweep():
    res = noise_sweep(BASE, 1.0, H, [0.0, 2.0], 4, np.random.default_rng(5))
    part = res.take([3, 3, 0])
    assert part.draws == 3
    for name in STATISTICS:
        assert part.stats[name].tolist() == res.stats[name][:, [3, 3, 0]].tolist()
    assert part.x_at("local_minima", 1.0) == res.x_at("local_minima", 1.0) == 0.0
