"""ANASOD's rules give the outcome their criteria say, on constructed redraws, margins and z statistics."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.claims import anasod as claims


def redrawn(ratio, top, seed):
    return {"ratio": np.asarray(ratio, float), "top": np.asarray(top, float), "seed": np.asarray(seed, float)}


SHOWN = {"ratio": 0.3, "top": -0.1, "seed": 1.0}


def test_the_encoding_determines_the_error_only_when_the_redraws_stay_below_a_third():
    below = claims.table1_findings(redrawn([0.2] * 10 + [0.3] * 10, [-1] * 20, [1] * 20), SHOWN, 20, 200, 5)
    across = claims.table1_findings(redrawn(np.linspace(0.25, 0.45, 21), [-1] * 21, [1] * 21), SHOWN, 21, 200, 5)
    above = claims.table1_findings(redrawn([0.4] * 20, [-1] * 20, [1] * 20), SHOWN, 20, 200, 5)
    assert [f[0].outcome for f in (below, across, above)] == ["holds", "undecided", "does not hold"]
    assert below[0].detail == "median of the redraws; the draw in the table: 0.300"
    assert "central 90 % of 20 redraws of the paper's 200 encodings x 5 cells" == below[0].interval.covers


def test_the_seed_rule_needs_the_spread_above_the_seed_noise_over_the_redraws():
    f = claims.table1_findings(redrawn([0.2] * 5, [0.5] * 5, [-0.5] * 5), SHOWN, 5, 200, 5)
    assert (f[1].outcome, f[2].outcome) == ("does not hold", "does not hold")


def test_the_grid_is_smoother_only_if_it_has_fewer_minima_on_every_dataset():
    t = pd.DataFrame({"grid (mean): local minima": [3, 4], "cell graph: local minima": [10, 9]})
    f = claims.smoother_finding(t)
    assert f.outcome == "holds" and f.measured == 4


def test_one_cell_rules_read_the_smallest_margin_with_a_normal_interval():
    margins = {"minima": pd.DataFrame({"mean": [5.0, 1.0], "sem": [1.0, 1.0]}, index=["a", "b"]),
               "reach": pd.DataFrame({"mean": [9.0, -10.0], "sem": [1.0, 1.0]}, index=["a", "b"])}
    minima, reach = claims.one_cell_findings(margins, 50)
    assert minima.outcome == "undecided" and minima.measured == 1.0
    assert reach.outcome == "does not hold" and reach.detail == "smallest on b"
    assert minima.interval.low == pytest.approx(1.0 - 1.645)


def z_statistics(rs, biased, ls, early, bo):
    return {"rs": rs, "biased": biased, "ls": ls, "early": early, "bo": bo}


def test_search_claims_follow_their_z_rules():
    zs = z_statistics([0.5, -2.5, 1.0], [-5.0, -3.0, -4.0], [1.9, 0.0, -1.0], [-1.0, -3.0, -3.0],
                      {("CIFAR-10", "random search"): -3.0, ("CIFAR-100", "local search"): 2.5})
    rs, biased, ls, early, bo = claims.search_findings(zs, at=50, budget=300, bo_budget=150)
    assert (rs.outcome, rs.measured) == ("does not hold", -2.5)      # the largest |z|
    assert biased.outcome == "holds" and ls.outcome == "holds"
    assert early.outcome == "undecided" and early.measured == -1.0   # -1 ± 2 straddles 0
    assert bo.outcome == "does not hold" and bo.detail.startswith("largest against local search on CIFAR-100")
    assert claims.bo_rival_values(zs) == {"bo_rival_data": "CIFAR-100", "bo_rival_method": "local search"}
    assert claims.search_table([rs, bo])["largest z"].tolist() == [-2.5, 2.5]


def test_the_gain_number_holds_within_two_standard_errors_of_the_papers_gain():
    printed = {"random search": (9.0,), "ANASOD-biasedRS": (8.5,)}
    se = {"random search": (0.03,), "ANASOD-biasedRS": (0.04,)}
    near = {"CIFAR-10": {"random search": np.array([[9.0], [9.01], [8.99]]),
                         "ANASOD-biasedRS": np.array([[8.5], [8.501], [8.499]])}}
    f, values = claims.gain_finding(printed, se, near, 1)
    assert values["gain_paper"] == pytest.approx(0.5) and values["gain_tol"] == pytest.approx(0.1)
    assert f.outcome == "holds"
    far = {"CIFAR-10": {"random search": near["CIFAR-10"]["random search"] + 1.0,
                        "ANASOD-biasedRS": near["CIFAR-10"]["ANASOD-biasedRS"]}}
    assert claims.gain_finding(printed, se, far, 1)[0].outcome == "does not hold"


def test_the_papers_quoted_numbers_are_glued_under_their_names():
    values = claims.paper_values()
    assert {"paper_nb201_cells", "paper_anasod_budget", "paper_ratio_cifar10"} <= set(values)
