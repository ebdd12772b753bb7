"""Local search (Algorithm 1 and its variants) on hand-made toy spaces and on NB201."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from nascompanion.landscape import landscape_stats
from nascompanion.search import (
    VARIANTS,
    ArrayObjective,
    FunctionObjective,
    History,
    SeedObjective,
    best_so_far,
    curve_at,
    local_search,
)
from nascompanion.spaces.table import TableSpace, hamming_space, nb201_space


# A 6-cycle 0-1-2-3-4-5-0. Losses worked out by hand:
#   LS(0)=5, LS(1)=1 (min), LS(2)=3, LS(3)=3 (min), LS(4)=5, LS(5)=5 (global min).
CYCLE = np.array([[1, 5], [0, 2], [1, 3], [2, 4], [3, 5], [4, 0]])
CYCLE_LOSS = np.array([5.0, 3.0, 4.0, 1.0, 2.0, 0.0])


@dataclass(frozen=True, eq=False)
class ScriptedSpace(TableSpace):
    """A TableSpace whose random draws follow a script (then fall back to the generator)."""

    script: list = field(default_factory=list)

    def sample(self, rng: np.random.Generator) -> int:
        return int(self.script.pop(0)) if self.script else super().sample(rng)


def cycle_space(starts=()) -> ScriptedSpace:
    return ScriptedSpace(CYCLE, name="C6", script=list(starts))


@pytest.fixture(scope="module")
def nb201():
    return nb201_space()


@pytest.fixture(scope="module")
def nb201_losses():
    from nascompanion import objectives
    from nascompanion.data import load_benchmark

    bench = load_benchmark()
    val = objectives.losses(bench, "cifar10-valid", "denoised")
    test = 100.0 - bench.test_accuracy("cifar10-valid")[:, 0]
    return val, test


def random_objective(n: int, seed: int) -> ArrayObjective:
    rng = np.random.default_rng(seed)
    return ArrayObjective(rng.random(n), rng.random(n))


# --------------------------------------------------------------------------- hand-worked traces


def test_full_follows_algorithm_1_on_the_cycle_by_hand():
    h = local_search(cycle_space([0]), CYCLE_LOSS, budget=4, rng=np.random.default_rng(0))
    # start 0; N(0) = {1, 5}: move to 5; N(5) = {4, 0}: 4 is new, nothing beats 0.0 -> minimum.
    assert h.archs.tolist() == [0, 1, 5, 4]
    assert h.iteration.tolist() == [0, 1, 1, 2]
    assert h.parent.tolist() == [-1, 0, 0, 5]
    assert h.run_path(0).tolist() == [0, 5]


def test_full_restarts_from_a_new_random_architecture_after_a_local_minimum():
    h = local_search(cycle_space([0, 2]), CYCLE_LOSS, budget=6, rng=np.random.default_rng(0))
    # run 0 as above; run 1 starts at 2 (new), N(2) = {1 known, 3 new}: move to 3; N(3) = {2, 4} known.
    assert h.archs.tolist() == [0, 1, 5, 4, 2, 3]
    assert h.run.tolist() == [0, 0, 0, 0, 1, 1]
    assert h.run_path(1).tolist() == [2, 3]


def test_rejected_move_leaves_the_incumbent_where_it_is():
    # From 1 (loss 3) the neighbours 0 (5) and 2 (4) are worse: the search stays at 1 and stops there.
    h = local_search(cycle_space([1, 1]), CYCLE_LOSS, budget=3, rng=np.random.default_rng(0))
    assert h.run_path(0).tolist() == [1]
    assert h.best_arch == 1


def test_continue_at_min_is_best_first_by_hand():
    h = local_search(cycle_space([0]), CYCLE_LOSS, budget=6, rng=np.random.default_rng(0), variant="continue_at_min")
    # expand 0 -> {1, 5}, move to 5; expand 5 -> {4}, no open neighbour beats 0: continue at the best
    # unexpanded queried architecture, 4 (loss 2); expand 4 -> {3}, 3 beats 2: move; expand 3 -> {2}: all queried.
    assert h.archs.tolist() == [0, 1, 5, 4, 3, 2]
    assert h.run_path(0).tolist() == [0, 5, 4, 3]
    assert h.restarts == 0


def test_query_until_lower_stops_scanning_at_the_first_lower_neighbour():
    # A star: centre 0 (loss 5) with 8 leaves; only leaf 8 is lower than the centre.
    star = np.array([[1, 2, 3, 4, 5, 6, 7, 8]] + [[0] * 8] * 8)
    loss = np.array([5.0, 6, 7, 8, 9, 10, 11, 12, 1.0])
    for seed in range(20):
        space = ScriptedSpace(star, script=[0])
        h = local_search(space, loss, budget=9, rng=np.random.default_rng(seed), variant="query_until_lower")
        step = h.archs[(h.run == 0) & (h.iteration == 1)]
        assert step[-1] == 8, "the scan must end at the lower neighbour"
        assert (loss[step[:-1]] >= loss[0]).all()
        assert h.run_path(0).tolist()[:2] == [0, 8]


def test_query_until_lower_draws_neighbours_in_random_order():
    star = np.array([[1, 2, 3, 4, 5, 6, 7, 8]] + [[0] * 8] * 8)
    loss = np.array([5.0, 6, 7, 8, 9, 10, 11, 12, 1.0])
    lengths = set()
    for seed in range(30):
        h = local_search(ScriptedSpace(star, script=[0]), loss, 9, np.random.default_rng(seed), "query_until_lower")
        lengths.add(int(np.sum((h.run == 0) & (h.iteration == 1))))
    assert len(lengths) > 3  # sometimes the lower leaf comes early, sometimes late


def test_k_init_starts_at_the_best_of_k_random_draws():
    h = local_search(cycle_space([1, 4, 2]), CYCLE_LOSS, budget=5, rng=np.random.default_rng(0), k_init=3)
    assert h.archs[:3].tolist() == [1, 4, 2]
    assert h.run_path(0)[0] == 4  # loss 2 is the best of 3, 2, 4


def test_ties_go_to_the_first_neighbour_in_table_order():
    # path 1 - 0 - 2 with equal losses at 1 and 2
    for row, expected in (([1, 2], 1), ([2, 1], 2)):
        table = np.array([row, [0, 0], [0, 0]])
        h = local_search(ScriptedSpace(table, script=[0]), np.array([2.0, 1.0, 1.0]), 3, np.random.default_rng(0))
        assert h.run_path(0).tolist() == [0, expected]


def test_an_equal_neighbour_is_not_an_improvement():
    table = np.array([[1, 1], [0, 0]])
    h = local_search(ScriptedSpace(table, script=[0, 1]), np.array([1.0, 1.0]), 2, np.random.default_rng(0))
    assert h.run_path(0).tolist() == [0]


# --------------------------------------------------------------------------- a contract every variant meets


class LocalSearchContract:
    """Behaviour every local-search variant must have; subclasses set ``variant``."""

    variant = "full"

    def run(self, space, objective, budget, seed=0, **kw) -> History:
        return local_search(space, objective, budget, np.random.default_rng(seed), variant=self.variant, **kw)

    def test_budget_counts_distinct_architectures_and_is_never_exceeded(self):
        space = TableSpace(CYCLE)
        for budget in (1, 2, 3, 5, 6, 50):
            for seed in range(5):
                h = self.run(space, CYCLE_LOSS, budget, seed)
                assert len(h) == min(budget, 6)
                assert len(set(h.archs.tolist())) == len(h)

    def test_same_seed_gives_the_same_history(self, nb201):
        obj = random_objective(nb201.size, 1)
        a, b, c = (self.run(nb201, obj, 150, s) for s in (3, 3, 4))
        assert np.array_equal(a.archs, b.archs) and np.array_equal(a.validation, b.validation)
        assert not np.array_equal(a.archs, c.archs)

    def test_queries_are_neighbours_of_their_parent(self, nb201):
        h = self.run(nb201, random_objective(nb201.size, 2), 300, 5)
        for arch, parent in zip(h.archs, h.parent):
            assert parent == -1 or arch in nb201.neighbours(parent)

    def test_values_are_the_objective_answers(self, nb201):
        obj = random_objective(nb201.size, 3)
        h = self.run(nb201, obj, 200, 6)
        assert np.array_equal(h.validation, obj.validation[h.archs])
        assert np.array_equal(h.test, obj.test[h.archs])

    def test_a_plain_callable_gives_the_same_search_as_arrays(self, nb201):
        obj = random_objective(nb201.size, 4)
        fn = FunctionObjective(lambda a: (obj.validation[a], obj.test[a]))
        a, b = self.run(nb201, obj, 200, 7), self.run(nb201, fn, 200, 7)
        assert np.array_equal(a.archs, b.archs)

    def test_finds_the_optimum_of_a_single_basin(self):
        # losses = distance to node 0 on a 4x4 Hamming graph: one basin, so any variant finds 0.
        space = hamming_space(2, 4)
        loss = (space.features != 0).sum(axis=1).astype(float)
        h = self.run(space, loss, 16, 2)
        assert h.best_arch == 0


class TestFull(LocalSearchContract):
    variant = "full"

    def test_reaches_the_local_minimum_predicted_by_landscape_stats(self, nb201, nb201_losses):
        val, test = nb201_losses
        stats = landscape_stats(val, nb201.table)
        starts = np.random.default_rng(0).integers(nb201.size, size=40)
        for start in starts:
            space = ScriptedSpace(nb201.table, name="nb201", _check=False, script=[int(start)])
            h = local_search(space, ArrayObjective(val, test), 1000, np.random.default_rng(0))
            assert h.restarts >= 1  # run 0 converged within the budget
            path = h.run_path(0)
            assert path[-1] == stats.ls_star[start]
            assert len(path) == stats.steps[start] + 1

    def test_restarts_happen_only_after_convergence(self, nb201):
        obj = random_objective(nb201.size, 5)
        h = self.run(nb201, obj, 300, 8)
        assert h.restarts >= 1
        for run in range(h.restarts):
            last = h.run_path(run)[-1]
            assert obj.validation[nb201.neighbours(last)].min() >= obj.validation[last]


class TestQueryUntilLower(LocalSearchContract):
    variant = "query_until_lower"

    def test_every_step_ends_at_its_only_lower_neighbour(self, nb201):
        obj = random_objective(nb201.size, 6)
        h = self.run(nb201, obj, 300, 9)
        moves = h.iteration > 0
        keys = np.stack([h.run[moves], h.iteration[moves]], axis=1)
        for key in np.unique(keys, axis=0):
            block = moves & (h.run == key[0]) & (h.iteration == key[1])
            parent = h.parent[block][0]
            lower = h.validation[block] < obj.validation[parent]
            assert lower.sum() <= 1 and (lower.sum() == 0 or lower[-1])


class TestContinueAtMin(LocalSearchContract):
    variant = "continue_at_min"

    def test_never_expands_an_architecture_twice(self, nb201):
        for seed in range(3):
            h = self.run(nb201, random_objective(nb201.size, seed), 300, seed)
            path = h.run_path(0)
            assert len(set(path.tolist())) == len(path)
            assert h.restarts == 0

    def test_moves_downhill_or_jumps_to_the_best_open_architecture(self, nb201):
        obj = random_objective(nb201.size, 7)
        h = self.run(nb201, obj, 300, 10)
        path = h.run_path(0)
        assert len(path) > 5
        for i in range(1, len(path)):
            prev = path[i - 1]
            queried = h.archs[np.isin(h.parent, path[:i]) | (h.parent == -1)]
            open_ = np.setdiff1d(queried, path[:i])
            open_nbrs = np.intersect1d(open_, nb201.neighbours(prev))
            if open_nbrs.size and obj.validation[open_nbrs].min() < obj.validation[prev]:
                expected = open_nbrs[np.argmin(obj.validation[open_nbrs])]
            else:
                expected = open_[np.argmin(obj.validation[open_])]
            assert path[i] == expected


# --------------------------------------------------------------------------- objectives, history, errors


def test_standard_objective_draws_one_seed_per_query_and_remembers_it():
    # seeds differ wildly, so a value identifies the seed drawn
    val = np.array([[1.0, 100.0], [2.0, 200.0], [3.0, np.nan]])
    obj = SeedObjective(val, val + 0.5)
    drawn = set()
    for seed in range(20):
        h = local_search(TableSpace(np.array([[1, 2], [0, 2], [0, 1]])), obj, 3, np.random.default_rng(seed))
        for arch, v, t in zip(h.archs, h.validation, h.test):
            assert v in val[arch] and t == v + 0.5
            drawn.add((int(arch), float(v)))
        assert len(set(h.archs.tolist())) == len(h)
    assert {(0, 1.0), (0, 100.0), (1, 2.0), (1, 200.0)} <= drawn
    assert (2, 3.0) in drawn and all(v == v for _, v in drawn)  # NaN seed never drawn


def test_best_so_far_reports_the_test_loss_of_the_best_validation_so_far():
    h = History.from_arrays([1, 2, 3, 4], [5.0, 3.0, 3.0, 4.0], [50.0, 30.0, 31.0, 40.0], [0, 1, 1, 1])
    assert best_so_far(h).tolist() == [50.0, 30.0, 30.0, 30.0]  # a tie keeps the earlier incumbent
    assert best_so_far(h, "validation").tolist() == [5.0, 3.0, 3.0, 3.0]
    assert curve_at(h, 6).tolist() == [50.0, 30.0, 30.0, 30.0, 30.0, 30.0]


def test_history_is_frozen():
    h = local_search(TableSpace(CYCLE), CYCLE_LOSS, 4, np.random.default_rng(0))
    with pytest.raises(ValueError):
        h.archs[0] = 3
    with pytest.raises(AttributeError):
        h.variant = "other"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"variant": "greedy"}, "full, query_until_lower, continue_at_min"),
        ({"budget": 0}, "budget"),
        ({"budget": 2.5}, "budget"),
        ({"k_init": 0}, "k_init"),
        ({"rng": 0}, "Generator"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, match):
    args = {"space": TableSpace(CYCLE), "objective": CYCLE_LOSS, "budget": 3, "rng": np.random.default_rng(0)}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        local_search(**args)


