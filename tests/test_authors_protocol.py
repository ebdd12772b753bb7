"""The authors' local search (continue_at_min scanning up to the first lower neighbour) and the
authors' evolution mutation (each edge changes with probability 1/4), as naszilla 1.0 runs them."""

from __future__ import annotations

import numpy as np
import pytest

from nascompanion.objectives import ArrayObjective, FunctionObjective, TrialLosses
from nascompanion.search import local_search, registry
from nascompanion.search.evolution import _authors_mutants
from nascompanion.spaces.table import TableSpace, cycle_space, hamming_space, nb201_space

STAR = np.array([[1, 2, 3, 4, 5, 6, 7, 8]] + [[0] * 8] * 8)
STAR_LOSS = np.array([5.0, 6, 7, 8, 9, 10, 11, 12, 1.0])


class _StartAtCentre(TableSpace):
    def sample(self, rng):
        return 0


def test_first_lower_scan_stops_at_the_first_lower_neighbour_and_moves_there():
    lengths = set()
    for seed in range(20):
        h = local_search(_StartAtCentre(STAR), STAR_LOSS, budget=9, rng=np.random.default_rng(seed),
                         variant="continue_at_min", first_lower=True)
        scan = h.archs[h.iteration == 1]
        assert scan[-1] == 8 and (STAR_LOSS[scan[:-1]] >= STAR_LOSS[0]).all()
        assert h.best_arch == 8
        if scan.size < 8:   # budget left after the scan: the walk moves on to the lower neighbour
            assert h.run_path(0).tolist()[:2] == [0, 8]
        lengths.add(scan.size)
    assert len(lengths) > 3   # a random order: the lower leaf comes early or late


def test_without_first_lower_the_whole_neighbourhood_is_queried():
    h = local_search(_StartAtCentre(STAR), STAR_LOSS, budget=9, rng=np.random.default_rng(0),
                     variant="continue_at_min", first_lower=False)
    assert sorted(h.archs[h.iteration == 1].tolist()) == list(range(1, 9))


@pytest.mark.parametrize("seed", range(5))
def test_first_lower_gives_the_same_search_on_a_table_and_on_a_function(seed):
    space = hamming_space(4, 4)
    values = np.random.default_rng(seed).random(space.size)
    tests = values[::-1].copy()
    a = local_search(space, ArrayObjective(values, tests), 60, np.random.default_rng(seed + 10),
                     variant="continue_at_min", k_init=3, first_lower=True)
    b = local_search(space, FunctionObjective(lambda v: (values[v], tests[v])), 60, np.random.default_rng(seed + 10),
                     variant="continue_at_min", k_init=3, first_lower=True)
    assert a.archs.tolist() == b.archs.tolist()


def test_first_lower_is_refused_outside_continue_at_min():
    with pytest.raises(ValueError, match="first_lower applies to variant 'continue_at_min' only"):
        local_search(cycle_space(6), np.arange(6.0), 4, np.random.default_rng(0), variant="full", first_lower=True)


def test_the_authors_mutation_changes_each_edge_with_probability_one_quarter():
    space = nb201_space()
    parents = np.full(40_000, 1234)
    children = _authors_mutants(space, parents, np.random.default_rng(0))
    changed = (space.features[children] != space.features[parents]).sum(axis=1)
    shares = np.bincount(changed, minlength=7) / changed.size
    binomial = np.array([0.75**6, 6 * 0.25 * 0.75**5, 15 * 0.25**2 * 0.75**4])
    assert np.allclose(shares[:3], binomial, atol=0.01)
    one = children[changed == 1]
    assert np.isin(one, space.neighbours(1234)).all()


def test_the_authors_mutation_needs_a_space_with_edge_features():
    with pytest.raises(ValueError, match="one categorical feature per edge"):
        _authors_mutants(cycle_space(6), np.array([0, 1]), np.random.default_rng(0))


def test_the_authors_evolution_requeries_clones_within_the_budget():
    space = nb201_space()
    losses = TrialLosses(np.tile(np.random.default_rng(1).random(space.size), (4, 1)), np.zeros(space.size))
    result = registry.run("evolution_requery", space, losses, 120, np.random.default_rng(2))
    assert (result.counts == 120).all()
    distinct = [np.unique(result.histories[t].archs).size for t in range(4)]
    assert all(d < 120 for d in distinct)   # clones and revisits cost queries
