"""The digits benchmark importer and the shipped benchmark."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nascompanion.data.benchmark import BenchmarkDataError
from nascompanion.data.digits import DATASETS, load_digits_benchmark, shipped_path, with_checksum
from nascompanion.spaces import nb201
from nascompanion.train.batched import discriminativeness
from nascompanion.train.grid import write_atomic

N = nb201.N_ARCHS


def _arrays(rng: np.random.Generator) -> dict[str, np.ndarray]:
    arrays = {"seeds": np.arange(3), "n_val": np.int64(400), "n_test": np.int64(397)}
    for p in ("noisy", "denoised"):
        for m, n in (("val", 400), ("test", 397)):
            arrays[f"{p}_{m}_correct"] = rng.integers(0, n + 1, size=(N, 3)).astype(np.int16)
    return arrays


def _write(path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as consolidate does: with the checksum of their values inside."""
    write_atomic(path, with_checksum(arrays))


def test_a_generated_file_loads_per_seed_with_missing_seeds_as_nan(tmp_path):
    arrays = _arrays(np.random.default_rng(0))
    arrays["denoised_val_correct"][5, 2] = -1
    _write(tmp_path / "digits201.npz", arrays)
    bench = load_digits_benchmark(tmp_path / "digits201.npz")
    assert set(bench.datasets) == set(DATASETS)
    val = bench.validation_accuracy("digits-denoised")
    assert val.shape == (N, 3) and bench.is_per_seed("digits-denoised")
    assert np.isnan(val[5, 2]) and val[0, 0] == pytest.approx(100 * arrays["denoised_val_correct"][0, 0] / 400)


def test_truncated_file_is_rejected_naming_the_file(tmp_path):
    path = tmp_path / "digits201.npz"
    _write(path, _arrays(np.random.default_rng(1)))
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(BenchmarkDataError, match="digits201.npz.*(corrupt|truncated)"):
        load_digits_benchmark(path)


def test_file_missing_arrays_is_rejected(tmp_path):
    arrays = _arrays(np.random.default_rng(2))
    del arrays["noisy_test_correct"]
    _write(tmp_path / "x.npz", arrays)
    with pytest.raises(BenchmarkDataError, match="noisy_test_correct"):
        load_digits_benchmark(tmp_path / "x.npz")


def test_checksum_mismatch_with_manifest_is_rejected(tmp_path):
    _write(tmp_path / "digits201.npz", _arrays(np.random.default_rng(3)))
    (tmp_path / "manifest.json").write_text(json.dumps({"checksums": {"digits201.npz": "md5:0"}}))
    with pytest.raises(BenchmarkDataError, match="checksum"):
        load_digits_benchmark(tmp_path / "digits201.npz")


needs_shipped = pytest.mark.skipif(not shipped_path().is_file(),
                                   reason="the digits benchmark has not been generated yet (python -m nascompanion.train.grid)")


@needs_shipped
def test_shipped_benchmark_loads_with_three_seeds_per_cell():
    bench = load_digits_benchmark()
    for name in DATASETS:
        assert bench.is_per_seed(name)
        for metric in ("validation", "test"):
            values = bench.accuracy(name, metric)
            assert values.shape == (N, 3) and not np.isnan(values).any()
    no_path = ~nb201.has_input_output_path()
    assert np.nanmean(bench.validation_accuracy("digits-denoised")[no_path]) < 15  # chance is 10%


@needs_shipped
def test_shipped_manifest_reports_the_discriminativeness_of_the_data():
    manifest = json.loads(shipped_path().with_name("manifest.json").read_text())
    bench = load_digits_benchmark()
    keep = nb201.has_input_output_path()
    for p in ("noisy", "denoised"):
        ratio = discriminativeness(bench.validation_accuracy(f"digits-{p}"), keep)
        assert ratio == pytest.approx(manifest["discriminativeness_iqr_over_median_seed_sd"][p], abs=1e-3)


def test_load_benchmark_reads_the_shipped_digits_benchmark_by_name():
    from nascompanion.data import load_benchmark
    from nascompanion.data.digits import shipped_path

    if not shipped_path().exists():
        pytest.skip("the digits201 benchmark has not been generated")
    bench = load_benchmark("digits201")
    assert set(bench.datasets) == {"digits-noisy", "digits-denoised"}
    assert bench.is_per_seed("digits-denoised")
    assert bench.validation_accuracy("digits-denoised").shape == (15625, 3)


@needs_shipped
def test_shipped_manifest_names_the_setting_it_was_trained_in():
    from nascompanion.train.grid import setting_record
    from nascompanion.train.pipelines import BENCHMARK_SETTING, SETTINGS

    manifest = json.loads(shipped_path().with_name("manifest.json").read_text())
    assert manifest["setting"] == setting_record(SETTINGS[manifest["setting"]["name"]])
    assert SETTINGS[manifest["setting"]["name"]] == BENCHMARK_SETTING


@needs_shipped
def test_sweep_records_with_per_cell_accuracy_reproduce_their_ratio():
    manifest = json.loads(shipped_path().with_name("manifest.json").read_text())
    with_cells = [r for r in manifest["setting_sweep"] if "accuracy" in r]
    for r in with_cells:
        acc = np.asarray(r["accuracy"])
        assert acc.shape == (r["n_archs"], 3) and len(set(r["archs"])) == r["n_archs"]
        assert nb201.has_input_output_path()[r["archs"]].all()
        assert discriminativeness(acc) == pytest.approx(r["ratio"], abs=1e-3)


@needs_shipped
def test_the_distorted_setting_is_the_best_candidate_on_the_largest_sample():
    from nascompanion.train.pipelines import SETTINGS

    manifest = json.loads(shipped_path().with_name("manifest.json").read_text())
    rows = [r for r in manifest["setting_sweep"] if r["pipeline"] == "denoised" and r["rotation"] > 0]
    most = max(r["n_archs"] for r in rows)  # settings are chosen on the largest sample; smaller ones are leads
    best = max((r for r in rows if r["n_archs"] == most), key=lambda r: r["ratio"])
    d = SETTINGS["distorted"]
    assert (best["width"], best["epochs"], best["n_train"]) == (d.network.width, d.epochs, d.split.n_train)
    assert (best["rotation"], best["shift"], best["scale"], best["noise"]) == (
        d.distortion.rotation, d.distortion.shift, d.distortion.scale, d.distortion.noise)
    assert best["n_val"] == d.split.n_val * d.distortion.eval_copies


def test_spread_draws_are_the_paired_bootstrap_of_seed_noise():
    from nascompanion.data import seed_noise
    from nascompanion.data.digits import spread_draws

    rng = np.random.default_rng(4)
    a = 80 + 5 * rng.standard_normal((60, 1)) + rng.standard_normal((60, 3))
    b = 70 + 3 * rng.standard_normal((60, 1)) + 2 * rng.standard_normal((60, 3))
    boot = spread_draws({"a": a, "b": b}, np.random.default_rng(9), draws=50)
    rows = np.random.default_rng(9).integers(0, 60, size=(50, 60))
    for draw in (0, 49):
        iqr, sd = seed_noise.spread(b[rows[draw]])
        assert boot.loc[draw, ("b", "iqr")] == pytest.approx(iqr) and boot.loc[draw, ("b", "median_seed_sd")] == pytest.approx(sd)
    low, high = seed_noise.discriminativeness_difference_interval(a, b, np.random.default_rng(9), draws=50)
    gain = boot["b", "ratio"] - boot["a", "ratio"]
    assert (low, high) == pytest.approx(tuple(np.quantile(gain, [0.05, 0.95])))


def test_spread_draws_leave_out_cells_missing_a_seed_in_any_pipeline_and_reject_bad_shapes():
    from nascompanion.data.digits import spread_draws

    a = np.array([[90.0, 92.0], [80.0, 82.0], [70.0, 73.0], [60.0, np.nan]])
    b = a[:, ::-1] + 1.0
    boot = spread_draws({"a": a, "b": b}, np.random.default_rng(0), draws=20)
    assert boot["a", "median_seed_sd"].max() <= 3.0 / np.sqrt(2) + 1e-12   # the one-seed cell never enters
    with pytest.raises(ValueError, match="one shape"):
        spread_draws({"a": a, "b": b[:3]}, np.random.default_rng(0))
    with pytest.raises(ValueError, match="draws"):
        spread_draws({"a": a}, np.random.default_rng(0), draws=1)


def test_one_seed_draws_are_table1_statistics_of_independent_one_seed_landscapes(tmp_path):
    from nascompanion.landscape.noise import one_seed_draws
    from nascompanion.landscape import landscape_stats
    from nascompanion.objectives import trial_losses

    _write(tmp_path / "digits201.npz", _arrays(np.random.default_rng(5)))
    bench = load_digits_benchmark(tmp_path / "digits201.npz")
    table = one_seed_draws(bench, "digits-noisy", 3, np.random.default_rng(2), batch=2)
    losses = trial_losses(bench, "digits-noisy", "standard", 3, np.random.default_rng(2)).validation
    for draw in range(3):
        stats = landscape_stats(losses[draw], nb201.neighbour_table())
        assert table.loc[draw].to_dict() == pytest.approx({k: stats[k] for k in table.columns})
    assert table["local_minima"].nunique() > 1   # the draws differ
    with pytest.raises(ValueError, match="draws"):
        one_seed_draws(bench, "digits-noisy", 0, np.random.default_rng(2))
