"""PVLL-NAS's rules and the book's supernet checks give the outcome their criteria say, on constructed gaps and taus."""

import numpy as np
import pytest

from nascompanion.claims import pvll_nas as claims
from nascompanion.report.stats import Interval

COVER = "90 % bootstrap over 20 repeats"


def gap(low, high, degenerate=0.0):
    return dict(gap=(low + high) / 2, low=low, high=high, ahead=3, degenerate=degenerate)


@pytest.mark.parametrize("low, high, outcome", [(-0.02, -0.01, "holds"), (-0.01, 0.01, "undecided"),
                                                (0.01, 0.02, "does not hold")])
def test_figure_3a_is_judged_on_the_largest_gap_below_zero(low, high, outcome):
    f = claims.fig3a_finding(claims.PV_FASTER, gap(low, high), COVER)
    assert f.outcome == outcome and f.interval.covers == COVER


def test_a_degenerate_estimator_in_over_a_quarter_of_the_repeats_is_not_judged():
    at = claims.fig3a_finding(claims.PV_FASTER, gap(-0.02, -0.01, degenerate=0.25), COVER)
    over = claims.fig3a_finding(claims.PV_FASTER, gap(-0.02, -0.01, degenerate=0.26), COVER)
    assert at.outcome == "holds"
    assert over.outcome == "cannot be checked" and over.detail.startswith("degenerate: a constant estimator in 26 %")


def test_the_two_judged_settings_are_the_papers_and_the_lowered_learning_rate():
    gaps = {claims.PAPER_RUN: gap(0.01, 0.02), claims.LOW_LR_RUN: gap(-0.02, -0.01), "other": gap(-1, 1)}
    paper, low_lr = claims.fig3a_findings((claims.SN_FASTER, claims.SN_FASTER_LR), gaps, COVER)
    assert (paper.id, paper.outcome) == ("supernet_fig3a_faster", "does not hold")
    assert (low_lr.id, low_lr.outcome) == ("supernet_fig3a_faster_estimator_lr", "holds")


def test_the_supernet_ranks_like_stand_alone_training_only_if_every_training_beats_the_seed_tau():
    seed_taus = {"denoised": Interval(0.38, 0.3, 0.45), "noisy": Interval(0.2, 0.1, 0.3)}
    rows = {"denoised": [-0.03, 0.1, 0.22], "noisy": [0.25, 0.3, 0.35]}
    like, info = claims.supernet_findings(rows, seed_taus, 3)
    assert [f.outcome for f in like] == ["does not hold", "holds"]
    assert [f.outcome for f in info] == ["undecided", "holds"]
    assert like[0].interval.covers == "range over 3 supernet trainings (seeds 0-2)"
    assert like[0].detail == "mean over trainings; threshold 0.380"
    values = claims.supernet_values(rows, 3)
    assert values["sn_seeds_min_denoised"] == -0.03 and values["sn_last_seed"] == 2


def test_better_cells_rules_read_their_bootstrap_intervals():
    f = claims.better_cells_finding(Interval(-0.6, -1.2, 0.0), COVER, 0.95)
    assert f.outcome == "undecided" and f.detail.endswith("up to 95 % of the repeats at one size")
    g = claims.supernet_cells_finding({"gap": 0.5, "low": 0.2, "high": 0.8}, COVER, 0.0)
    assert g.outcome == "does not hold"


def test_glued_gap_statistics_name_setting_and_statistic():
    values = claims.gap_values({claims.PAPER_RUN: gap(-0.2, 0.0, 0.5)}, "pv", {"paper": claims.PAPER_RUN})
    assert values == {"pv_gap_paper": -0.1, "pv_low_paper": -0.2, "pv_high_paper": 0.0, "pv_ahead_paper": 3,
                      "pv_degenerate_paper": 50.0}
    taus = claims.tau_values({"noisy": Interval(0.2, 0.1, 0.3)}, {"noisy": Interval(0.3, 0.2, 0.4)})
    assert taus == {"sn_tau_noisy": 0.2, "sn_low_noisy": 0.1, "sn_high_noisy": 0.3, "sn_seed_tau_noisy": 0.3}
    assert set(claims.paper_values()) == {f"paper_{n.lower()}" for n in claims.QUOTED}
