import numpy as np
import pytest

from nascompanion.compare.run import Setting, compare, ranks_at, summary_table
from nascompanion.data import Benchmark, DatasetResults, Provenance, SeedNoise
from nascompanion.objectives import trial_losses
from toy_benchmark import toy_benchmark


def test_standard_trials_draw_one_seed_and_report_that_seeds_test_loss():
    bench = toy_benchmark(per_seed=True)
    losses = trial_losses(bench, "toy", "standard", 4, np.random.default_rng(1))
    acc = bench.validation_accuracy("toy")
    match = np.isclose(100 - acc[None, :, :], losses.validation[:, :, None])
    assert match.any(axis=2).all()
    np.testing.assert_allclose(losses.test, losses.validation + 1.0)
    assert not np.array_equal(losses.validation[0], losses.validation[1])


def test_denoised_trials_all_see_the_mean():
    bench = toy_benchmark(per_seed=False)
    losses = trial_losses(bench, "toy", "denoised", 3, np.random.default_rng(0))
    assert (losses.validation == losses.validation[0]).all()


def test_comparison_is_cached_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    setting = Setting("toy", "noise", x=1.0, trials=3, budget=20)
    first = compare(bench, setting, algorithms=("random_search", "evolution"), progress=False)
    files = sorted(p.name for p in (tmp_path / "comparison").iterdir())
    assert len(files) == 2
    again = compare(bench, setting, algorithms=("random_search", "evolution"), progress=False)
    for name in first:
        np.testing.assert_array_equal(first[name], again[name])
    other = compare(bench, Setting("toy", "noise", x=1.0, trials=3, budget=20, seed=1),
                    algorithms=("random_search",), progress=False)
    assert not np.array_equal(other["random_search"], first["random_search"])


def test_all_algorithms_face_the_same_landscape_per_trial(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    setting = Setting("toy", "noise", x=2.0, trials=2, budget=15625)
    results = compare(bench, setting, algorithms=("random_search",), progress=False, use_cache=False)
    # with the whole space queried, the incumbent is the trial's noisy optimum: same for any algorithm
    ls = compare(bench, setting, algorithms=("evolution",), progress=False, use_cache=False)
    np.testing.assert_array_equal(results["random_search"][:, -1], ls["evolution"][:, -1])


def test_unknown_algorithm_is_named():
    with pytest.raises(ValueError, match="unknown algorithm\\(s\\) hillclimb; allowed: local_search"):
        compare(toy_benchmark(False), Setting("toy", "denoised", trials=1, budget=5), algorithms=("hillclimb",))


def test_summary_and_ranks():
    results = {"random_search": np.array([[3.0, 2.0], [3.0, 1.0]]), "evolution": np.array([[1.0, 1.0], [1.0, 1.0]])}
    table = summary_table(results, at=(1, 2))
    assert table.loc[0, "2 queries"] == "1.500 ± 0.500"
    assert ranks_at(results, 2) == {"evolution": 1, "random_search": 2}


@pytest.mark.parametrize("damage", ["truncate", "overwrite_a_number", "wrong_shape", "garbage"])
def test_a_damaged_cached_result_is_recomputed_not_used(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    setting = Setting("toy", "noise", x=1.0, trials=3, budget=20)
    first = compare(bench, setting, algorithms=("random_search",), progress=False)["random_search"]
    (path,) = (tmp_path / "comparison").iterdir()
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "garbage":
        path.write_bytes(b"not a numpy file")
    else:
        with np.load(path) as stored:
            curves, digest, key = stored["curves"].copy(), stored["digest"], stored["key"]
        if damage == "overwrite_a_number":
            curves[0, -1] = -5.403
        else:
            curves = curves[:2]
        np.savez(path.with_suffix(""), curves=curves, digest=digest, key=key)
    with pytest.warns(UserWarning, match="recomputing"):
        again = compare(bench, setting, algorithms=("random_search",), progress=False)["random_search"]
    np.testing.assert_array_equal(again, first)


def test_a_test_dataset_reports_another_trainings_test_error():
    rng = np.random.default_rng(0)
    searched, other = rng.uniform(60, 95, size=15625), rng.uniform(60, 95, size=15625)
    results = {"toy": DatasetResults("toy", searched[:, None], searched[:, None] - 1.0, "v", "t", False, SeedNoise(0.5, "given", 1)),
               "toy-full": DatasetResults("toy-full", None, other[:, None], None, "t", False, None)}
    bench = Benchmark(results=results, provenance=Provenance("fake", (), {"toy.csv": "md5:0"}))
    losses = trial_losses(bench, "toy", "noise", 2, np.random.default_rng(1), x=1.0, test_dataset="toy-full")
    np.testing.assert_allclose(losses.test[0], 100 - other)
    assert not np.allclose(losses.validation[0], 100 - searched)  # the search still sees its own noisy error


def test_a_result_is_keyed_by_the_code_of_its_own_algorithm_only():
    from nascompanion.compare.run import _code_digest

    assert _code_digest("evolution") == _code_digest("evolution_requery")  # one function, one module
    assert _code_digest("evolution") != _code_digest("bananas")


def test_adding_an_algorithm_at_the_end_changes_no_other_stream():
    from nascompanion.compare.run import ALGORITHMS, _streams

    _, streams = _streams(Setting("toy", "denoised"))
    parent = np.random.SeedSequence([0, 1, 2])
    first = parent.spawn(1 + len(ALGORITHMS))
    again = np.random.SeedSequence([0, 1, 2]).spawn(1 + len(ALGORITHMS) + 5)
    assert [s.spawn_key for s in first] == [s.spawn_key for s in again[: len(first)]]
    assert list(streams)[-1] == "local_search_restart"


def test_rerun_spread_uses_independent_reruns_and_a_chi_square_interval(tmp_path, monkeypatch):
    from nascompanion.compare.run import rerun_spread

    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    setting = Setting("toy", "denoised", trials=6, budget=25)
    spread = rerun_spread(bench, setting, "random_search", reruns=4)
    assert spread["means"].shape == spread["sems"].shape == (4,)
    assert len(set(spread["means"].round(9))) == 4                # other seeds, other searches
    assert spread["low"] < spread["ratio"] < spread["high"]
    np.testing.assert_allclose(spread["ratio"], spread["means"].std(ddof=1) / spread["sems"].mean())
    with pytest.raises(ValueError, match="reruns >= 3"):
        rerun_spread(bench, setting, reruns=2)


def test_the_decisive_gap_is_the_one_whose_interval_starts_highest():
    import pandas as pd

    from nascompanion.compare.run import decisive_gap

    gaps = pd.DataFrame({"other": ["rs", "re", "bo"], "difference": [-1.0, 0.02, 0.05],
                         "low": [-1.1, -0.01, -0.02], "high": [-0.9, 0.05, 0.12]})
    row = decisive_gap(gaps)
    assert row["other"] == "re" and row["holds"]
    gaps.loc[1, "low"] = 0.01
    assert not decisive_gap(gaps)["holds"]


def test_protocol_variants_pair_the_restarting_local_search_and_the_other_evolution(tmp_path, monkeypatch):
    from nascompanion.compare.run import protocol_variants

    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    base = dict(dataset="toy", version="denoised", metric="validation", budget=20, seed=0)
    main = compare(bench, Setting(trials=3, **base), algorithms=("local_search", "random_search", "evolution_requery"),
                   progress=False)
    main["bananas"] = main["random_search"]   # the BANANAS row only needs curves of the right shape here
    monkeypatch.setattr("nascompanion.compare.variants.compare", lambda b, s, algorithms, progress: {
        a: np.full((s.trials, s.budget), 50.0) for a in algorithms})
    table = protocol_variants(bench, base, main, 3, 3)
    assert table["choice"].iloc[0].startswith("local search restarts")
    evolution = table[table["choice"].str.startswith("evolution with one mutation")]
    assert evolution["algorithm"].tolist() == ["regularized evolution, the authors' rule"]
    with pytest.raises(ValueError, match="evolution='evo'"):
        protocol_variants(bench, base, main, 3, 3, evolution="evo")


def test_two_cached_results_swapped_are_each_recomputed_not_used(tmp_path, monkeypatch):
    """Two entries of the same shape swapped (one algorithm's result under the other's name) pass every
    shape and value check; the key each carries inside tells them apart."""
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    bench = toy_benchmark(per_seed=False)
    setting = Setting("toy", "noise", x=1.0, trials=3, budget=20)
    algorithms = ("random_search", "evolution")
    first = compare(bench, setting, algorithms=algorithms, progress=False)
    assert not np.array_equal(first["random_search"], first["evolution"])
    a, b = sorted((tmp_path / "comparison").iterdir())
    content_a, content_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(content_b)
    b.write_bytes(content_a)
    with pytest.warns(UserWarning, match="the key") as caught:
        again = compare(bench, setting, algorithms=algorithms, progress=False)
    assert len([w for w in caught if "the key" in str(w.message)]) == 2
    for name in algorithms:
        np.testing.assert_array_equal(again[name], first[name])
