"""Each lockstep NAS algorithm's defining behaviour (the shared contract is in test_search_contract.py)."""

import numpy as np
import pytest

from nascompanion.objectives import SeedObjective, TrialLosses
from nascompanion.search.bananas import nb201_path_encoding
from nascompanion.search.bayesopt import bayesian_optimization
from nascompanion.search.candidates import distinct_random
from nascompanion.search.evolution import regularized_evolution
from nascompanion.search.query_log import QueryLog
from nascompanion.search.random_search import random_search
from nascompanion.spaces import hamming_space, nb201, nb201_space


def small_space_and_losses(trials=6, seed=0):
    space = hamming_space(4, 3)
    val = np.random.default_rng(seed).random((trials, space.size))
    return space, TrialLosses(val, val + 10.0)


def test_random_search_draws_are_uniform_over_the_space():
        space, losses = small_space_and_losses(trials=400)
        first = random_search(space, losses, 1, np.random.default_rng(0)).archs[:, 0]
        counts = np.bincount(first, minlength=space.size)
        assert counts.max() < 20 and (counts > 0).sum() > 60


class TestEvolution:
    def test_full_tournament_breeds_from_the_best_living_member(self):
        space, losses = nb201_space(), None
        rng = np.random.default_rng(0)
        val = rng.random((4, space.size))
        losses = TrialLosses(val, val)
        population = 6
        rec = regularized_evolution(space, losses, 60, np.random.default_rng(1), population=population,
                                    tournament=population, n_init=population)
        for t in range(4):
            for step in range(population, 60):
                alive = rec.archs[t, step - population: step]
                parent = alive[np.argmin(rec.validation[t, step - population: step])]
                assert rec.archs[t, step] in space.neighbours(parent)

    def test_the_oldest_member_dies_not_the_worst(self):
        # with a population of 2 and a full tournament, the parent is the better of the two
        # newest queries: an old champion stops breeding once two younger members exist.
        space = hamming_space(4, 3)
        val = np.arange(space.size, dtype=float)[None, :] * 1.0
        val[0, :] = np.random.default_rng(5).permutation(space.size)
        rec = regularized_evolution(space, TrialLosses(val, val), 30, np.random.default_rng(2), population=2,
                               tournament=2, n_init=2)
        for step in range(2, 30):
            pair = rec.archs[0, step - 2: step]
            parent = pair[np.argmin(rec.validation[0, step - 2: step])]
            open_ = ~np.isin(space.neighbours(parent), rec.archs[0, :step])
            assert rec.archs[0, step] in space.neighbours(parent) or not open_.any()

    def test_an_array_of_losses_is_one_trial(self):
        space = hamming_space(4, 3)
        result = regularized_evolution(space, np.arange(81.0), 20, np.random.default_rng(0), population=5,
                                       tournament=2, n_init=3)
        assert result.trials == 1 and result.histories[0].variant == "evolution"


def test_bayesian_optimization_beats_random_search_on_a_smooth_landscape():
        space = nb201_space()
        target = nb201.ops_matrix()[1234]
        val = (nb201.ops_matrix() != target).sum(axis=1).astype(float)
        losses = TrialLosses(np.broadcast_to(val, (8, space.size)), val)
        bo = bayesian_optimization(space, losses, 60, np.random.default_rng(0), batch=5)
        rs = random_search(space, losses, 60, np.random.default_rng(0))
        assert bo.validation.min(axis=1).mean() < rs.validation.min(axis=1).mean() - 1.0


def test_path_encoding_of_nb201_cells():
    enc = nb201_path_encoding()
    assert enc.shape == (15625, 84)
    dead = ~nb201.has_input_output_path()
    assert not enc[dead].any() and enc[~dead].any(axis=1).all()
    only_skip_out = nb201.arch_to_index("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
    assert np.flatnonzero(enc[only_skip_out]).tolist() == [0]
    chain = nb201.arch_to_index("|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|nor_conv_1x1~2|")
    # one path 0->1->2->3 with ops (conv3, pool, conv1) = codes (3, 4, 2) -> 20 + (2*16 + 3*4 + 1)
    assert np.flatnonzero(enc[chain]).tolist() == [20 + 2 * 16 + 3 * 4 + 1]


def test_distinct_random_never_returns_a_queried_architecture():
    rng = np.random.default_rng(0)
    queried = rng.random((50, 30)) < 0.7
    queried[:, :5] = False
    picks = distinct_random(rng, queried, 5)
    rows = np.arange(50)[:, None]
    assert not queried[rows, picks].any()
    assert all(len(set(r)) == 5 for r in picks.tolist())


def test_query_log_refuses_a_repeat_in_lockstep():
    log = QueryLog(TrialLosses(np.zeros((1, 4)), np.zeros(4)), 3)
    log.record(np.array([2]))
    with pytest.raises(ValueError, match="queried twice"):
        log.record(np.array([2]))


def test_query_log_asks_each_architecture_once_and_stops_at_the_budget():
    log = QueryLog(TrialLosses(np.array([[5.0, 4.0, 3.0, 2.0]]), np.zeros(4)), 3)
    assert log.ask(np.array([1, 1, 0])) == 2
    assert log.ask(np.array([0, 3, 2])) == 1
    assert log.archs[0].tolist() == [1, 0, 3] and log.done(0) and log.best(0) == 3


def test_lockstep_algorithms_refuse_objectives_drawn_per_query():
    space = hamming_space(4, 3)
    with pytest.raises(ValueError, match="SeedObjective"):
        random_search(space, SeedObjective(np.ones((81, 2)), np.ones((81, 2))), 5, np.random.default_rng(0))


