"""Contract tests every lockstep NAS algorithm must pass, plus each one's defining behaviour."""

import itertools

import numpy as np
import pytest
import torch

from nascompanion.search.bananas import BatchedEnsemble, PredictorSettings, bananas_trials, fit_ensembles, nb201_path_encoding
from nascompanion.search.bayesopt import bayesopt_trials
from nascompanion.search.evolution import evolution_trials, regularized_evolution
from nascompanion.search.random_search import random_search, random_search_trials
from nascompanion.search.trials import LockstepRecorder, TrialLosses, distinct_random
from nascompanion.spaces import TableSpace, nb201, nb201_space


def hamming_space(length: int = 4, alphabet: int = 3) -> tuple[TableSpace, np.ndarray]:
    """The Hamming graph (K_alphabet)^length, with its words as features."""
    words = np.array(list(itertools.product(range(alphabet), repeat=length)))
    index = {tuple(w): i for i, w in enumerate(words)}
    table = []
    for w in words:
        row = []
        for position in range(length):
            for letter in range(alphabet):
                if letter != w[position]:
                    v = w.copy()
                    v[position] = letter
                    row.append(index[tuple(v)])
        table.append(row)
    return TableSpace(np.array(table), name="hamming"), words


class LockstepContract:
    """Behaviour every algorithm of the comparison must have; subclasses say how to run it."""

    def run(self, space, losses, budget, rng):
        raise NotImplementedError

    def space_and_losses(self, trials=6, seed=0):
        space, words = hamming_space()
        rng = np.random.default_rng(seed)
        val = rng.random((trials, space.size))
        return space, TrialLosses(val, val + 10.0)

    def test_queries_exactly_budget_distinct_architectures(self):
        space, losses = self.space_and_losses()
        recorder = self.run(space, losses, 40, np.random.default_rng(1))
        assert recorder.count == 40
        for row in recorder.archs:
            assert len(set(row.tolist())) == 40
        assert (recorder.queried.sum(axis=1) == 40).all()

    def test_same_seed_same_queries(self):
        space, losses = self.space_and_losses()
        a = self.run(space, losses, 30, np.random.default_rng(7)).archs
        b = self.run(space, losses, 30, np.random.default_rng(7)).archs
        np.testing.assert_array_equal(a, b)

    def test_whole_space_budget_finds_the_global_minimum(self):
        space, losses = self.space_and_losses(trials=3)
        recorder = self.run(space, losses, space.size, np.random.default_rng(2))
        found = recorder.val.min(axis=1)
        np.testing.assert_array_equal(found, losses.validation.min(axis=1))

    def test_reported_test_loss_belongs_to_the_queried_architecture(self):
        space, losses = self.space_and_losses()
        recorder = self.run(space, losses, 25, np.random.default_rng(3))
        rows = np.arange(losses.trials)[:, None]
        np.testing.assert_array_equal(recorder.test, losses.test[rows, recorder.archs])
        curve = recorder.best_so_far("validation")
        assert (np.diff(curve, axis=1) <= 0).all()

    def test_budget_outside_the_space_is_refused(self):
        space, losses = self.space_and_losses()
        with pytest.raises(ValueError, match="budget must be an integer in 1..81"):
            self.run(space, losses, 82, np.random.default_rng(0))


class TestRandomSearch(LockstepContract):
    def run(self, space, losses, budget, rng):
        return random_search_trials(space, losses, budget, rng)

    def test_draws_are_uniform_over_the_space(self):
        space, losses = self.space_and_losses(trials=400)
        first = self.run(space, losses, 1, np.random.default_rng(0)).archs[:, 0]
        counts = np.bincount(first, minlength=space.size)
        assert counts.max() < 20 and (counts > 0).sum() > 60


class TestEvolution(LockstepContract):
    def run(self, space, losses, budget, rng):
        return evolution_trials(space, losses, budget, rng, population=8, tournament=3, n_init=5)

    def test_full_tournament_breeds_from_the_best_living_member(self):
        space, losses = nb201_space(), None
        rng = np.random.default_rng(0)
        val = rng.random((4, space.size))
        losses = TrialLosses(val, val)
        population = 6
        rec = evolution_trials(space, losses, 60, np.random.default_rng(1), population=population,
                               tournament=population, n_init=population)
        for t in range(4):
            for step in range(population, 60):
                alive = rec.archs[t, step - population: step]
                parent = alive[np.argmin(rec.val[t, step - population: step])]
                assert rec.archs[t, step] in space.neighbours(parent)

    def test_the_oldest_member_dies_not_the_worst(self):
        # with a population of 2 and a full tournament, the parent is the better of the two
        # newest queries: an old champion stops breeding once two younger members exist.
        space, words = hamming_space()
        val = np.arange(space.size, dtype=float)[None, :] * 1.0
        val[0, :] = np.random.default_rng(5).permutation(space.size)
        rec = evolution_trials(space, TrialLosses(val, val), 30, np.random.default_rng(2), population=2,
                               tournament=2, n_init=2)
        for step in range(2, 30):
            pair = rec.archs[0, step - 2: step]
            parent = pair[np.argmin(rec.val[0, step - 2: step])]
            assert rec.archs[0, step] in space.neighbours(parent) or not (~rec.queried[0, space.neighbours(parent)]).any()

    def test_single_run_wrapper_returns_a_history(self):
        space, _ = hamming_space()
        history = regularized_evolution(space, np.arange(81.0), 20, np.random.default_rng(0), population=5, tournament=2, n_init=3)
        assert len(history) == 20 and history.variant == "evolution"


class TestBayesOpt(LockstepContract):
    def run(self, space, losses, budget, rng):
        return bayesopt_trials(space, losses, budget, rng, hamming_space()[1], n_init=5, batch=5, parents=4, per_parent=6)

    def test_beats_random_search_on_a_smooth_landscape(self):
        space = nb201_space()
        target = nb201.ops_matrix()[1234]
        val = (nb201.ops_matrix() != target).sum(axis=1).astype(float)
        losses = TrialLosses(np.broadcast_to(val, (8, space.size)), val)
        bo = bayesopt_trials(space, losses, 60, np.random.default_rng(0), nb201.ops_matrix(), batch=5)
        rs = random_search_trials(space, losses, 60, np.random.default_rng(0))
        assert bo.val.min(axis=1).mean() < rs.val.min(axis=1).mean() - 1.0


class TestBananas(LockstepContract):
    settings = PredictorSettings(members=3, hidden=8, layers=2, epochs=20)

    def run(self, space, losses, budget, rng):
        _, words = hamming_space()
        encoding = np.concatenate([np.eye(3)[words[:, j]] for j in range(words.shape[1])], axis=1)
        return bananas_trials(space, losses, budget, rng, encoding, n_init=5, batch=5, parents=4, per_parent=6,
                              settings=self.settings)


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


def test_batched_ensemble_trains_each_member_as_if_alone():
    torch.manual_seed(0)
    settings = PredictorSettings(members=3, hidden=6, layers=2, epochs=15)
    g = torch.Generator().manual_seed(3)
    x = torch.rand(2, 12, 5, generator=g)
    y = torch.rand(2, 12, generator=g)
    joint = fit_ensembles(x, y, settings, torch.Generator().manual_seed(11))
    init = BatchedEnsemble(6, 5, settings, torch.Generator().manual_seed(11))
    for model in range(6):
        alone = BatchedEnsemble(1, 5, settings, torch.Generator().manual_seed(0))
        with torch.no_grad():
            for dst, src in zip(list(alone.weights) + list(alone.biases), list(init.weights) + list(init.biases)):
                dst.copy_(src[model: model + 1])
        optimiser = torch.optim.Adam(alone.parameters(), lr=settings.learning_rate)
        xs, ys = x[model // 3: model // 3 + 1], y[model // 3: model // 3 + 1]
        for _ in range(settings.epochs):
            optimiser.zero_grad()
            (alone(xs) - ys).abs().mean(dim=1).sum().backward()
            optimiser.step()
        with torch.no_grad():
            np.testing.assert_allclose(alone(xs).numpy()[0], joint(x.repeat_interleave(3, 0))[model].numpy(), atol=1e-5)


def test_distinct_random_never_returns_a_queried_architecture():
    rng = np.random.default_rng(0)
    queried = rng.random((50, 30)) < 0.7
    queried[:, :5] = False
    picks = distinct_random(rng, queried, 5)
    rows = np.arange(50)[:, None]
    assert not queried[rows, picks].any()
    assert all(len(set(r)) == 5 for r in picks.tolist())


def test_recorder_refuses_a_repeat_query():
    losses = TrialLosses(np.zeros((1, 4)), np.zeros(4))
    rec = LockstepRecorder(losses, 3)
    rec.record(np.array([2]))
    with pytest.raises(ValueError, match="queried twice"):
        rec.record(np.array([2]))


def test_single_run_random_search_refuses_noisy_objectives():
    from nascompanion.search.local_search import SeedObjective

    space, _ = hamming_space()
    with pytest.raises(ValueError, match="lockstep algorithms need losses fixed per trial"):
        random_search(space, SeedObjective(np.ones((81, 2)), np.ones((81, 2))), 5, np.random.default_rng(0))
