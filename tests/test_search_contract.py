"""The contract every registered search algorithm keeps, checked on every entry of the registry."""

from functools import lru_cache

import numpy as np
import pytest

from nascompanion.objectives import TrialLosses
from nascompanion.related.pvll import PVLLSettings
from nascompanion.search import registry
from nascompanion.search.bananas import PredictorSettings
from nascompanion.search.history import SearchResult
from nascompanion.spaces import hamming_space, nb201_space

BUDGET = 30
TRIALS = 3

FAST = {  # small models, so that the contract runs in seconds; the algorithms are unchanged
    "bananas": {"n_init": 5, "batch": 5, "parents": 4, "per_parent": 6,
                "settings": PredictorSettings(members=2, hidden=8, layers=2, epochs=10)},
    "bo": {"n_init": 5, "batch": 5, "parents": 4, "per_parent": 6},
    "anasod_bo": {"pool": 40},
    "pvll": {"warmup": 8, "settings": PVLLSettings(hidden=8, fit_steps=10, refit_steps=2)},
}


@lru_cache(maxsize=None)
def space_for(name: str):
    """NB201 for the searches that need its cells, a small Hamming graph (81 nodes) for the rest."""
    return nb201_space() if registry.get(name).nb201_only else hamming_space(4, 3)


@lru_cache(maxsize=None)
def losses_for(size: int, seed: int = 0) -> TrialLosses:
    """Validation losses in [0, 100) per trial; test losses that differ from them, to catch a mix-up."""
    rng = np.random.default_rng(seed)
    val = rng.random((TRIALS, size)) * 100.0
    return TrialLosses(val, 200.0 + rng.random((TRIALS, size)))


@lru_cache(maxsize=None)
def run(name: str, seed: int):
    space = space_for(name)
    return registry.run(name, space, losses_for(space.size), BUDGET, np.random.default_rng(seed), **FAST.get(name, {}))


ALL = list(registry.ALGORITHMS)


DISTINCT = [n for n in ALL if registry.get(n).distinct]


@pytest.mark.parametrize("name", DISTINCT)
def test_every_query_is_a_distinct_architecture_within_the_budget(name):
    result = run(name, 0)
    assert result.archs.shape == (TRIALS, BUDGET)
    for t in range(TRIALS):
        queried = result.archs[t, : result.counts[t]]
        assert np.unique(queried).size == queried.size
        assert (result.archs[t, result.counts[t]:] == -1).all()
    assert (result.counts <= BUDGET).all()


def test_only_the_reproduction_of_the_authors_evolution_re_queries():
    assert [n for n in ALL if n not in DISTINCT] == ["evolution_requery"]
    result = run("evolution_requery", 0)
    assert any(np.unique(row).size < row.size for row in result.archs)  # 30 queries on 81 cells repeat


@pytest.mark.parametrize("name", [n for n in ALL if n != "pvll"])
def test_the_whole_budget_is_spent(name):
    assert (run(name, 0).counts == BUDGET).all()


@pytest.mark.parametrize("name", ALL)
def test_the_same_seed_gives_the_same_queries(name):
    space = space_for(name)   # a fresh run, not the cached one, against the cached one
    again = registry.run(name, space, losses_for(space.size), BUDGET, np.random.default_rng(0), **FAST.get(name, {}))
    first = run(name, 0)
    assert again is not first
    np.testing.assert_array_equal(again.archs, first.archs)
    np.testing.assert_array_equal(again.counts, first.counts)


@pytest.mark.parametrize("name", ALL)
def test_another_seed_gives_other_queries(name):
    assert not np.array_equal(run(name, 0).archs, run(name, 1).archs)


@pytest.mark.parametrize("name", ALL)
def test_each_answer_belongs_to_the_queried_architecture(name):
    result = run(name, 0)
    losses = losses_for(space_for(name).size)
    for t in range(TRIALS):
        archs = result.archs[t, : result.counts[t]]
        np.testing.assert_array_equal(result.validation[t, : archs.size], losses.validation[t, archs])
        np.testing.assert_array_equal(result.test[t, : archs.size], losses.test[t, archs])


@pytest.mark.parametrize("name", ALL)
def test_the_incumbent_changes_only_on_a_strictly_lower_validation_loss(name):
    result = run(name, 0)
    curve, test_curve = result.curves("validation"), result.curves("test")
    for t in range(TRIALS):
        q = result.counts[t]
        np.testing.assert_array_equal(curve[t, :q], np.minimum.accumulate(result.validation[t, :q]))
        # a query that is not strictly lower (rejected) leaves the reported test loss as it was
        rejected = np.flatnonzero(result.validation[t, 1:q] >= curve[t, : q - 1]) + 1
        np.testing.assert_array_equal(test_curve[t, rejected], test_curve[t, rejected - 1])
        assert (curve[t, q:] == curve[t, q - 1]).all()


@pytest.mark.parametrize("name", ALL)
def test_each_trial_has_a_history_with_its_queries(name):
    result = run(name, 0)
    assert result.trials == TRIALS
    for t, history in enumerate(result.histories):
        np.testing.assert_array_equal(history.archs, result.archs[t, : result.counts[t]])
        assert history.budget == BUDGET


@pytest.mark.parametrize("name", ALL)
def test_an_unknown_setting_is_refused_with_the_settings_it_takes(name):
    space = space_for(name)
    with pytest.raises(ValueError, match="has no setting"):
        registry.run(name, space, losses_for(space.size), BUDGET, np.random.default_rng(0), colour="red")


@pytest.mark.parametrize("name", ALL)
def test_losses_of_another_space_are_refused(name):
    space = space_for(name)
    with pytest.raises(ValueError):
        registry.run(name, space, losses_for(space.size + 1), BUDGET, np.random.default_rng(0), **FAST.get(name, {}))


def test_a_misspelled_algorithm_gets_a_did_you_mean():
    with pytest.raises(ValueError, match="did you mean 'evolution'"):
        registry.get("evolutoin")


@pytest.mark.parametrize("name", ALL)
def test_every_algorithm_is_called_with_space_losses_budget_rng_and_returns_a_search_result(name):
    import inspect

    signature = inspect.signature(registry.get(name).function)
    assert tuple(signature.parameters)[:4] == ("space", "losses", "budget", "rng")
    assert all(p.default is not inspect.Parameter.empty for p in list(signature.parameters.values())[4:])
    assert isinstance(run(name, 0), SearchResult)


# --------------------------------------------------------------------------- a variable-degree space


@lru_cache(maxsize=None)
def ragged_space():
    """The Hamming graph (K_3)^4 without the cells whose digits sum to 0, 3, 4 or 8: 44 cells, 1 to 7
    neighbours each; its features are the remaining cells' digits."""
    from nascompanion.spaces import TableSpace

    full = hamming_space(4, 3)
    keep = ~np.isin(full.features.sum(axis=1), [0, 3, 4, 8])
    index = np.cumsum(keep) - 1
    rows = full.table[keep]
    real = keep[rows]
    indices = index[rows[real]]
    indptr = np.concatenate([[0], np.cumsum(real.sum(axis=1))])
    return TableSpace.from_csr(indptr, indices, name="ragged hamming(4,3)", features=full.features[keep])


RAGGED = [n for n in ALL if not registry.get(n).nb201_only]


@lru_cache(maxsize=None)
def ragged_run(name: str, seed: int):
    space = ragged_space()
    return registry.run(name, space, losses_for(space.size), BUDGET, np.random.default_rng(seed),
                        **FAST.get(name, {}))


def test_the_ragged_space_has_variable_degree():
    degrees = ragged_space().degrees
    assert ragged_space().size == 44 and (degrees.min(), degrees.max()) == (1, 7)


@pytest.mark.parametrize("name", RAGGED)
def test_on_a_variable_degree_space_every_search_spends_its_budget_on_answers_of_its_queries(name):
    result = ragged_run(name, 0)
    losses = losses_for(ragged_space().size)
    assert (result.counts == BUDGET).all()
    for t in range(TRIALS):
        archs = result.archs[t]
        assert ((archs >= 0) & (archs < ragged_space().size)).all()
        if registry.get(name).distinct:
            assert np.unique(archs).size == BUDGET
        np.testing.assert_array_equal(result.validation[t], losses.validation[t, archs])


@pytest.mark.parametrize("name", RAGGED)
def test_on_a_variable_degree_space_the_same_seed_gives_the_same_queries_and_another_seed_others(name):
    again = registry.run(name, ragged_space(), losses_for(ragged_space().size), BUDGET, np.random.default_rng(0),
                         **FAST.get(name, {}))
    np.testing.assert_array_equal(again.archs, ragged_run(name, 0).archs)
    assert not np.array_equal(ragged_run(name, 0).archs, ragged_run(name, 1).archs)


def test_on_a_variable_degree_space_local_search_moves_only_along_real_edges():
    space = ragged_space()
    result = registry.run("local_search", space, losses_for(space.size), BUDGET, np.random.default_rng(0),
                          first_lower=False, k_init=1)
    edges = set(zip(*(a.tolist() for a in space.pairs())))
    for history in result.histories:
        parents = history.parent[history.parent >= 0]
        children = history.archs[history.parent >= 0]
        assert all((int(p), int(c)) in edges for p, c in zip(parents, children))
