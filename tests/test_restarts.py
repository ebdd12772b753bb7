"""The restart check: runs, complete runs and miss-rate readings of restarting local search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nascompanion.landscape import landscape_stats
from nascompanion.landscape.restarts import READINGS, RestartCheck, restart_check, within_factor
from nascompanion.report.findings import Rule
from nascompanion.search import ArrayObjective, local_search
from nascompanion.spaces.table import hamming_space

RULE = Rule("r", "misses as predicted", "this book", "ratio within a factor of 2 either way")


def _searches(n: int, budget: int, seed: int):
    space = hamming_space(4, 3)
    loss = np.random.default_rng(99).permutation(space.size).astype(float)
    objective = ArrayObjective(loss, loss)
    rng = np.random.default_rng(seed)
    stats = landscape_stats(loss, space.table)
    return [local_search(space, objective, budget, rng, variant="full") for _ in range(n)], stats, int(np.argmin(loss))


def test_counts_runs_and_complete_runs_of_real_searches():
    histories, stats, best = _searches(40, 30, 0)
    check = restart_check(histories, stats.ls_star, best)
    assert check.p == pytest.approx(stats.reached_global_pct / 100)
    assert (check.runs == [h.restarts + 1 for h in histories]).all()
    # only the last run of a search can be cut short by the budget
    assert ((check.complete >= check.runs - 1) & (check.complete <= check.runs)).all()
    assert (check.found == [h.best_arch == best for h in histories]).all()


def test_readings_are_ordered_as_the_convexity_and_truncation_say():
    histories, stats, best = _searches(60, 25, 1)
    table = restart_check(histories, stats.ls_star, best).readings(np.random.default_rng(0), draws=200)
    assert list(table.index) == list(READINGS)
    predicted = table["predicted miss (%)"].to_numpy()
    assert predicted[0] <= predicted[1] + 1e-12 <= predicted[2] + 2e-12  # Jensen, then fewer runs
    assert (table["ratio low"] <= table["ratio high"]).all()
    assert table["measured miss (%)"].nunique() == 1


def test_the_same_generator_gives_the_same_intervals():
    check = RestartCheck(0.6, np.array([True, False, True, True, True]), np.array([2, 3, 2, 2, 3]),
                         np.array([1, 2, 2, 1, 2]))
    a = check.readings(np.random.default_rng(3), draws=100)
    b = check.readings(np.random.default_rng(3), draws=100)
    assert a.equals(b)
    assert check.success_interval(np.random.default_rng(4), 100) == check.success_interval(np.random.default_rng(4), 100)


@given(st.floats(0.05, 20.0), st.floats(1.05, 4.0))
def test_within_factor_is_symmetric_on_a_log_scale(ratio, factor):
    assume(abs(abs(np.log(ratio)) - np.log(factor)) > 1e-9)  # off the band's ends, where rounding decides
    up = within_factor(RULE, factor, ratio, ratio, ratio, "exact")
    down = within_factor(RULE, factor, 1 / ratio, 1 / ratio, 1 / ratio, "exact")
    assert up.outcome == down.outcome
    assert up.measured == pytest.approx(ratio) and up.paper is None


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="factor"):
        within_factor(RULE, 1.0, 1.0, 0.9, 1.1, "x")
    with pytest.raises(ValueError, match="at least one"):
        restart_check([], np.zeros(3, dtype=int), 0)
    with pytest.raises(ValueError, match="level"):
        RestartCheck(0.5, np.array([True]), np.array([1]), np.array([1])).readings(np.random.default_rng(0), 1)
