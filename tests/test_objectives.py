import numpy as np
import pytest

from nascompanion.data import Benchmark, DatasetResults, Provenance, SeedNoise
from nascompanion.data import seed_noise as estimators
from nascompanion.objectives import (
    TABLE,
    VERSIONS,
    ObjectiveUnavailableError,
    SeedObjective,
    as_objective,
    as_trial_losses,
    benchmark_objective,
    losses,
    seed_noise,
    trial_losses,
)


def fake_benchmark(per_seed: bool, seeds: int = 3, rng_seed: int = 0) -> Benchmark:
    """A benchmark in memory: true accuracies plus seed noise of SD 0.5."""
    rng = np.random.default_rng(rng_seed)
    truth = rng.uniform(60, 95, size=15625)
    if per_seed:
        values = truth[:, None] + 0.5 * rng.standard_normal((15625, seeds))
        values[::7, 2] = np.nan  # some cells have two seeds only
        noise = None
    else:
        values = truth[:, None]
        noise = SeedNoise(0.5, "given", 10)
    results = {
        "toy": DatasetResults("toy", validation=values, test=values - 1.0, validation_metric="v",
                              test_metric="t", per_seed=per_seed, seed_noise=noise)
    }
    return Benchmark(results=results, provenance=Provenance("fake", (), {}))


def test_denoised_is_100_minus_mean_of_available_seeds():
    bench = fake_benchmark(per_seed=True)
    acc = bench.validation_accuracy("toy")
    expected = 100 - np.nanmean(acc, axis=1)
    np.testing.assert_allclose(losses(bench, "toy", "denoised"), expected)
    assert np.isclose(losses(bench, "toy", "denoised")[7], 100 - acc[7, :2].mean())


def test_standard_draws_one_present_seed_per_cell():
    bench = fake_benchmark(per_seed=True)
    acc = bench.validation_accuracy("toy")
    drawn = losses(bench, "toy", "standard", rng=np.random.default_rng(3))
    assert not np.isnan(drawn).any()
    matches = np.isclose(100 - acc, drawn[:, None])
    assert matches.any(axis=1).all()
    assert not matches[::7, 2].any()  # never the missing seed
    columns = np.argmax(matches, axis=1)
    assert set(np.unique(columns)) == {0, 1, 2}


def test_standard_is_refused_on_mean_only_data():
    with pytest.raises(ObjectiveUnavailableError, match="holds only means of seeds; use version='noise'"):
        losses(fake_benchmark(per_seed=False), "toy", "standard", rng=np.random.default_rng(0))


def test_noise_zero_equals_denoised_and_noise_scales_with_x():
    bench = fake_benchmark(per_seed=False)
    base = losses(bench, "toy", "denoised")
    np.testing.assert_allclose(losses(bench, "toy", "noise", rng=np.random.default_rng(1), x=0.0), base)
    deviation = losses(bench, "toy", "noise", rng=np.random.default_rng(1), x=2.0) - base
    assert abs(deviation.std() - 2.0 * 0.5) < 0.03


def test_seed_noise_from_per_seed_data_recovers_the_true_sd():
    bench = fake_benchmark(per_seed=True)
    assert abs(seed_noise(bench, "toy").sigma - 0.5) < 0.01


def test_one_seed_vs_mean_estimator_recovers_the_true_sd():
    rng = np.random.default_rng(5)
    seeds = 70 + 0.4 * rng.standard_normal((20000, 3))
    estimate = estimators.from_single_and_mean(seeds[:, 0], seeds.mean(axis=1), assumed_seeds=3)
    assert abs(estimate.sigma - 0.4) < 0.01
    assert "assuming 3 seeds" in estimate.method


def test_random_is_uniform_on_unit_interval_and_seeded():
    bench = fake_benchmark(per_seed=False)
    a = losses(bench, "toy", "random", rng=np.random.default_rng(9))
    b = losses(bench, "toy", "random", rng=np.random.default_rng(9))
    assert np.array_equal(a, b) and a.min() >= 0 and a.max() <= 1 and abs(a.mean() - 0.5) < 0.01


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(version="noisy"), "unknown objective version 'noisy'; allowed: denoised, standard, random, noise"),
        (dict(version="noise", rng=np.random.default_rng(0)), "needs a noise multiplier x >= 0"),
        (dict(version="noise", rng=np.random.default_rng(0), x=-1.0), "needs a noise multiplier x >= 0"),
        (dict(version="random"), "pass rng=np.random.default_rng"),
        (dict(version="denoised", x=1.0), "x is the noise multiplier"),
        (dict(version="denoised", metric="train"), "unknown metric 'train'; allowed: validation, test"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        losses(fake_benchmark(per_seed=False), "toy", **kwargs)


def test_test_metric_is_a_separate_objective():
    bench = fake_benchmark(per_seed=False)
    diff = losses(bench, "toy", "denoised", metric="test") - losses(bench, "toy", "denoised")
    np.testing.assert_allclose(diff, 1.0)


# --------------------------------------------------------------------------- one table of versions


def _draw_kwargs(version):
    return dict(x=1.5) if version == "noise" else {}


@pytest.mark.parametrize("version", VERSIONS)
def test_one_landscape_is_the_first_trial_drawn_from_the_same_stream(version):
    bench = fake_benchmark(per_seed=True)
    one = losses(bench, "toy", version, rng=np.random.default_rng(11), **_draw_kwargs(version))
    trials = trial_losses(bench, "toy", version, 3, np.random.default_rng(11), **_draw_kwargs(version))
    np.testing.assert_array_equal(one, trials.validation[0])
    assert one.flags.writeable


@pytest.mark.parametrize("version", ["denoised", "random", "noise"])
def test_a_fixed_objective_is_the_single_trial_of_its_version(version):
    bench = fake_benchmark(per_seed=False)
    objective = benchmark_objective(bench, "toy", version, rng=np.random.default_rng(2), **_draw_kwargs(version))
    trial = trial_losses(bench, "toy", version, 1, np.random.default_rng(2), **_draw_kwargs(version))
    archs = np.arange(0, 15625, 9)
    val, test = objective.query(archs, np.random.default_rng(0))
    np.testing.assert_array_equal(val, trial.validation[0, archs])
    np.testing.assert_array_equal(test, trial.test[0, archs])


def test_standard_is_drawn_per_query_and_every_other_version_per_trial():
    assert [v for v in VERSIONS if TABLE[v].per_query is not None] == ["standard"]
    assert isinstance(benchmark_objective(fake_benchmark(per_seed=True), "toy", "standard"), SeedObjective)
    assert list(TABLE) == list(VERSIONS)


@pytest.mark.parametrize("version", ["denoised", "standard", "random"])
def test_a_noise_multiplier_is_refused_by_every_entry_point_outside_noise(version):
    bench = fake_benchmark(per_seed=True)
    message = f"x is the noise multiplier of version 'noise'; it makes no sense with '{version}'"
    for call in (lambda: trial_losses(bench, "toy", version, 2, np.random.default_rng(0), x=1.0),
                 lambda: losses(bench, "toy", version, rng=np.random.default_rng(0), x=1.0),
                 lambda: benchmark_objective(bench, "toy", version, rng=np.random.default_rng(0), x=1.0)):
        with pytest.raises(ValueError, match=f"^{message}$"):
            call()


def test_a_random_version_without_a_stream_is_refused_by_trial_losses_too():
    with pytest.raises(ValueError, match="^objective version 'noise' is random: pass rng=np.random.default_rng"):
        trial_losses(fake_benchmark(per_seed=False), "toy", "noise", 2, None, x=1.0)


def test_standard_with_another_reported_dataset_reports_its_mean_test_loss():
    bench = fake_benchmark(per_seed=True)
    other = trial_losses(bench, "toy", "standard", 2, np.random.default_rng(4), test_dataset="toy")
    own = trial_losses(bench, "toy", "standard", 2, np.random.default_rng(4))
    np.testing.assert_array_equal(other.validation, own.validation)
    np.testing.assert_array_equal(other.test[1], 100 - np.nanmean(bench.accuracy("toy", "test"), axis=1))
    assert not np.array_equal(own.test[1], other.test[1])


@pytest.mark.parametrize("form", ["array", "pair"])
def test_both_coercers_read_arrays_and_pairs_alike(form):
    val, test = np.array([3.0, 1.0, 2.0]), np.array([30.0, 10.0, 20.0])
    given = val if form == "array" else (val, test)
    expected_test = val if form == "array" else test
    objective, trials = as_objective(given), as_trial_losses(given)
    archs = np.array([2, 0])
    got = objective.query(archs, np.random.default_rng(0))
    np.testing.assert_array_equal(got[0], trials.validation[0, archs])
    np.testing.assert_array_equal(got[1], expected_test[archs])
    np.testing.assert_array_equal(trials.test[0], expected_test)
