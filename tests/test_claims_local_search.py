"""The rules of the local_search chapter give the outcome their criteria say, on constructed inputs,
and the batches of searches behind them are reproduced by their seeds."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.claims import local_search as claims
from nascompanion.landscape.restarts import RestartCheck
from nascompanion.landscape.variant_runs import mean_curves, miss_per_seed, restarted_searches, run_variants
from nascompanion.search import local_search
from nascompanion.spaces import nb201_space


def test_the_trace_holds_only_when_it_ends_at_ls_star_after_the_predicted_steps():
    ls_star, steps = np.array([3, 3, 3, 3]), np.array([3, 2, 1, 0])
    assert claims.judge_trace(np.array([0, 1, 2, 3]), ls_star, steps).outcome == "holds"
    assert claims.judge_trace(np.array([0, 1, 3]), ls_star, steps).outcome == "does not hold"   # too few cells
    assert claims.judge_trace(np.array([0, 1, 2, 2]), ls_star, steps).outcome == "does not hold"  # wrong end


def _readings(ratio_low, ratio_high, complete_low, complete_high):
    return pd.DataFrame({"predicted miss (%)": [2.0, 2.5, 6.0], "measured miss (%)": 6.0,
                         "miss ratio": [3.0, 2.4, 1.0], "ratio low": [ratio_low, 1.9, complete_low],
                         "ratio high": [ratio_high, 3.0, complete_high]},
                        index=list(claims.READING_KEYS.values()))


def test_the_miss_rate_holds_within_a_factor_two_and_fails_beyond_it():
    check = RestartCheck(0.7, np.array([True] * 94 + [False] * 6), np.full(100, 4), np.full(100, 3))
    findings = claims.judge_restarts(check, _readings(2.4, 3.7, 0.8, 1.3), (91.0, 97.0), 0.7, "a batch", 5, 20)
    assert [f.outcome for f in findings] == ["holds", "does not hold", "holds"]
    straddling = claims.judge_restarts(check, _readings(1.5, 2.5, 0.3, 0.45), (65.0, 75.0), 0.7, "a batch", 5, 20)
    assert [f.outcome for f in straddling] == ["undecided", "undecided", "does not hold"]
    assert findings[1].interval.covers == "90 % bootstrap over 100 searches (5 seeds of 20)"


def test_the_restart_rules_say_what_was_seen_before_them():
    variants = pd.DataFrame({"found global minimum (%)": [94.5], "mean runs per search": [10.0]}, index=["full"])
    seen = claims.first_batch_seen(variants, 0.3, 200, 0)
    assert claims.miss_rate_rule(seen).fixed == f"after seeing {seen}"
    assert "passes" in seen   # predicted success 97.2 %, within 10 points of 94.5 %
    assert claims.complete_runs_rule(3.94).fixed == "after seeing the mean-runs prediction miss by a factor of 3.9"


def test_variant_values_apply_the_earlier_ten_point_rule():
    variants = pd.DataFrame({"found global minimum (%)": [60.0, 50.0, 40.0], "mean runs per search": [1.0, 1.0, 1.0]},
                            index=["full", "query_until_lower", "continue_at_min"])
    values = claims.variant_values(80.0, variants)
    assert values["predicted_success"] == pytest.approx(80.0) and values["old_reading"] == "fail"
    assert values["miss_times"] == pytest.approx(2.0)


def test_appendix_a_cannot_be_checked_and_says_what_would_decide_it():
    finding = claims.judge_curves()
    assert finding.outcome == "cannot be checked" and "Appendix A" in finding.detail


def test_a_batch_of_variants_is_reproduced_by_its_seed_and_matches_a_plain_loop():
    space, losses = nb201_space(), np.random.default_rng(1).random(15625)
    batches = run_variants(space, losses, 40, 3, 7, ("full", "query_until_lower"))
    rng = np.random.default_rng(7)
    loop = [local_search(space, losses, 40, rng, variant="query_until_lower") for _ in range(3)]
    assert [h.archs.tolist() for h in batches["query_until_lower"]] == [h.archs.tolist() for h in loop]
    assert mean_curves(batches)["full"].shape == (40,)


def test_restarted_searches_give_each_seed_its_own_stream():
    space, losses = nb201_space(), np.random.default_rng(2).random(15625)
    searches = restarted_searches(space, losses, 30, 2, 2, 0)
    second = local_search(space, losses, 30, np.random.default_rng([0, 5, 1]), variant="full")
    assert len(searches) == 4 and searches[2].archs.tolist() == second.archs.tolist()


def test_miss_per_seed_splits_the_searches_into_equal_batches():
    assert miss_per_seed(np.array([True, True, False, True, False, False]), 3).tolist() == [0.0, 50.0, 100.0]
    with pytest.raises(ValueError, match="equal batches"):
        miss_per_seed(np.array([True, False, True]), 2)
