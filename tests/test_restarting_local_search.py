"""The local search naszilla 1.0 runs by default: restarts from the best of fresh random cells at each minimum."""

import numpy as np
import pytest

from nascompanion.objectives import TrialLosses
from nascompanion.search.restarting_local_search import restarting_local_search
from nascompanion.spaces import TableSpace, hamming_space


def path_space(n: int) -> TableSpace:
    """0 - 1 - ... - n-1, each end its own second neighbour."""
    table = np.array([[max(i - 1, 0) if i else 1, min(i + 1, n - 1) if i < n - 1 else n - 2] for i in range(n)])
    return TableSpace(table)


def test_it_walks_downhill_to_the_minimum_of_a_path():
    losses = TrialLosses(np.arange(8, dtype=float)[None, ::-1].copy(), np.zeros((1, 8)))
    result = restarting_local_search(path_space(8), losses, 8, np.random.default_rng(3), k_init=1)
    assert result.histories[0].best_arch == 7


def test_a_local_minimum_starts_a_new_run_from_fresh_cells():
    # a valley at 2 and the global minimum at 7: a run that stops at 2 must restart with new draws
    val = np.array([5.0, 4.0, 0.5, 4.0, 3.0, 2.0, 1.0, 0.0])
    losses = TrialLosses(val[None, :], np.zeros((1, 8)))
    for seed in range(20):
        result = restarting_local_search(path_space(8), losses, 8, np.random.default_rng(seed), k_init=1)
        history = result.histories[0]
        assert np.unique(history.archs).size == history.archs.size == 8
        assert history.best_arch == 7
        runs = history.run
        assert (np.diff(runs) >= 0).all()


def test_it_moves_to_the_first_lower_unqueried_neighbour_only():
    space = hamming_space(3, 3)
    rng = np.random.default_rng(0)
    losses = TrialLosses(rng.random((2, space.size)), rng.random((2, space.size)))
    result = restarting_local_search(space, losses, 20, np.random.default_rng(1), k_init=2)
    for t, history in enumerate(result.histories):
        queried = history.archs
        # every query after the first k_init of a run is a neighbour of the cell it was scanned from
        scanned = history.parent >= 0
        for arch, parent in zip(queried[scanned], history.parent[scanned]):
            assert arch in space.neighbours(parent)
        # within one scan the queries stop at the first lower one: all but the last are not lower than the parent
        for parent in np.unique(history.parent[scanned]):
            batch = queried[history.parent == parent]
            assert (losses.validation[t, batch[:-1]] >= losses.validation[t, parent]).all()


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_a_bad_k_init_is_refused(bad):
    losses = TrialLosses(np.zeros((1, 8)), np.zeros((1, 8)))
    with pytest.raises(ValueError, match="k_init"):
        restarting_local_search(path_space(8), losses, 4, np.random.default_rng(0), k_init=bad)


def test_a_legacy_generator_is_refused():
    losses = TrialLosses(np.zeros((1, 8)), np.zeros((1, 8)))
    with pytest.raises(ValueError, match="Generator"):
        restarting_local_search(path_space(8), losses, 4, np.random.RandomState(0))
