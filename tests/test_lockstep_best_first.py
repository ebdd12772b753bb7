"""The lockstep ``continue_at_min`` walk against the one-trial walk and the rules of a budgeted search."""

import numpy as np
import pytest

from nascompanion.objectives import TrialLosses
from nascompanion.search.local_search import best_first, local_search_trials
from nascompanion.search.lockstep_best_first import LockstepLog, best_first_lockstep
from nascompanion.search.query_log import QueryLog, TrialView
from nascompanion.spaces.table import TableSpace, nb201_space

SPACE = nb201_space()


def _landscapes(trials: int, seed: int, levels: int | None = None) -> TrialLosses:
    rng = np.random.default_rng(seed)
    if levels is None:
        val = rng.random((trials, SPACE.size))
    else:   # few distinct values: many ties
        val = rng.integers(levels, size=(trials, SPACE.size)).astype(float)
    return TrialLosses(val, val + rng.random((trials, SPACE.size)))


@pytest.mark.parametrize("levels", [None, 6])
def test_whole_neighbourhood_lockstep_walk_equals_the_one_trial_walk_from_the_same_start(levels):
    losses = _landscapes(12, seed=3, levels=levels)
    starts = np.random.default_rng(4).integers(SPACE.size, size=12)
    lockstep = best_first_lockstep(SPACE, losses, 150, np.random.default_rng(5), first_lower=False, starts=starts)
    log = QueryLog(losses, 150)
    for trial, start in enumerate(starts):
        view = TrialView(log, trial, np.random.default_rng(6))
        view.ask(np.array([start]))
        best_first(view, SPACE, 10, start=int(start))
    assert np.array_equal(lockstep.archs, log.archs)
    assert np.array_equal(lockstep.counts, log.counts)


def test_first_lower_scan_stops_at_the_first_strictly_lower_neighbour():
    losses = _landscapes(8, seed=7, levels=5)
    result = best_first_lockstep(SPACE, losses, 200, np.random.default_rng(8), k_init=10, first_lower=True)
    checked = 0
    for trial, history in enumerate(result.histories):
        archs, parents = history.archs, history.parent
        for v in np.unique(parents[parents >= 0]):
            scan = archs[parents == v]
            below = losses.validation[trial, scan] < losses.validation[trial, v]
            assert not below[:-1].any()          # nothing lower before the scan's end
            fresh = np.setdiff1d(SPACE.neighbours(v), archs[:np.flatnonzero(parents == v)[0]])
            if scan.shape[0] < fresh.shape[0] and np.flatnonzero(parents == v)[-1] < len(archs) - 1:
                assert below[-1]                 # a scan cut short ends at a lower neighbour
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("first_lower", [True, False])
def test_lockstep_trials_query_distinct_architectures_up_to_the_budget(first_lower):
    losses = _landscapes(10, seed=9, levels=4)
    result = local_search_trials(SPACE, losses, 120, np.random.default_rng(10), variant="continue_at_min",
                                 k_init=10, first_lower=first_lower)
    assert (result.counts == 120).all()
    for row in result.archs:
        assert np.unique(row).shape[0] == row.shape[0]
    rows = np.arange(10)[:, None]
    assert np.array_equal(result.validation, losses.validation[rows, result.archs])


def test_lockstep_walk_is_the_same_for_the_same_seed():
    losses = _landscapes(6, seed=11)
    a = best_first_lockstep(SPACE, losses, 100, np.random.default_rng(12))
    b = best_first_lockstep(SPACE, losses, 100, np.random.default_rng(12))
    assert np.array_equal(a.archs, b.archs)


def test_a_space_smaller_than_the_budget_is_queried_whole():
    path = TableSpace(np.array([[1, 1], [0, 2], [1, 3], [2, 2]]))
    losses = TrialLosses(np.array([[0.0, 2.0, 1.0, 3.0]] * 3), np.zeros(4))
    result = best_first_lockstep(path, losses, 10, np.random.default_rng(0), k_init=2)
    assert result.counts.tolist() == [4, 4, 4]
    assert all(sorted(row[:4].tolist()) == [0, 1, 2, 3] for row in result.archs)


def test_ask_rows_refuses_an_architecture_its_trial_queried_before():
    log = LockstepLog(TrialLosses(np.array([[3.0, 1.0, 2.0]] * 2), np.zeros(3)), budget=3)
    log.ask_rows(np.array([0]), np.array([[1]]), np.array([[True]]))
    with pytest.raises(ValueError, match="queried before"):
        log.ask_rows(np.array([0]), np.array([[1]]), np.array([[True]]))


def test_starts_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match="one architecture in 0..15624 per trial"):
        best_first_lockstep(SPACE, _landscapes(2, seed=0), 10, np.random.default_rng(0), starts=np.array([1]))


def test_lockstep_log_answers_like_a_query_log_with_its_memo_read_from_the_losses():
    losses = _landscapes(3, seed=13)
    lockstep, plain = LockstepLog(losses, budget=4), QueryLog(losses, budget=4)
    archs = np.array([[5, 9, 2], [7, 1, 3], [4, 8, 6]])
    lockstep.ask_rows(np.arange(3), archs, np.ones((3, 3), dtype=bool))
    for trial in range(3):
        plain.ask(archs[trial], trial)
    assert np.array_equal(lockstep.archs, plain.archs) and np.array_equal(lockstep.best_arch, plain.best_arch)
    assert np.array_equal(lockstep.memo_val, plain.memo_val)
    assert np.array_equal(lockstep.memo_test, plain.memo_test, equal_nan=True)


def test_lockstep_log_refuses_one_trial_queries_and_an_objective():
    log = LockstepLog(_landscapes(2, seed=0), budget=3)
    with pytest.raises(TypeError, match="ask_rows"):
        log.ask(np.array([1]))
    with pytest.raises(TypeError, match="TrialLosses"):
        LockstepLog(object(), budget=3)


def test_ask_rows_refuses_an_architecture_twice_in_one_row():
    log = LockstepLog(_landscapes(1, seed=0), budget=3)
    with pytest.raises(ValueError, match="twice in one row"):
        log.ask_rows(np.array([0]), np.array([[4, 4]]), np.array([[True, True]]))


def test_lockstep_histories_are_read_only():
    result = best_first_lockstep(SPACE, _landscapes(2, seed=1), 40, np.random.default_rng(2))
    history = result.histories[0]
    for array in (history.archs, history.validation, history.path):
        with pytest.raises(ValueError):
            array[0] = 0
