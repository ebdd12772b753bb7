"""The rules of the chapter graph_landscapes give the outcome their criteria say on constructed inputs."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.claims import graph_landscapes as claims
from nascompanion.report.stats import Interval


def _gaps(to_random, others=()):
    rows = [dict(other="random_search", trials=200, difference=to_random[0], low=to_random[1], high=to_random[2])]
    rows += [dict(other=name, trials=200, difference=d, low=lo, high=hi) for name, (d, lo, hi) in others]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("interval, outcome", [((-0.3, -0.5, -0.1), "holds"), ((-0.1, -0.4, 0.2), "undecided"),
                                               ((0.3, 0.1, 0.5), "does not hold")])
def test_the_baseline_holds_only_when_the_whole_interval_to_random_search_lies_below_zero(interval, outcome):
    finding = claims.judge_baseline(claims.baseline_rule("cora", 300), _gaps(interval).iloc[0], 200)
    assert finding.outcome == outcome
    assert finding.interval is not None and finding.fixed.startswith("after seeing one timing run")


def test_the_contest_is_decided_by_the_gap_whose_lower_end_is_highest():
    decisive = dict(other="bo", difference=0.4, low=0.1, high=0.7, holds=False)
    finding = claims.judge_contest(claims.contest_rule("pubmed", 300, 25), decisive, 200)
    assert finding.outcome == "does not hold" and "Bayesian" in finding.detail
    decisive = dict(other="bananas", difference=0.4, low=-0.1, high=0.9, holds=True)
    assert claims.judge_contest(claims.contest_rule("pubmed", 300, 25), decisive, 200).outcome == "holds"


def test_dataset_findings_judge_both_rules_of_every_dataset_and_count_them():
    gaps = {("NAS-Bench-Graph", "a"): _gaps((-0.3, -0.5, -0.1), [("bo", (0.2, 0.1, 0.3))]),
            ("NAS-Bench-Graph", "b"): _gaps((0.1, -0.2, 0.4), [("bo", (-0.2, -0.3, -0.1))])}
    decisive = {("NAS-Bench-Graph", "a"): dict(other="bo", difference=0.2, low=0.1, high=0.3, holds=False),
                ("NAS-Bench-Graph", "b"): dict(other="random_search", difference=0.1, low=-0.2, high=0.4, holds=True)}
    findings = claims.dataset_findings(gaps, decisive, budget=300, trials=200, model_trials=25)
    assert [f.id for f in findings] == ["graph_baseline_a", "graph_matches_a", "graph_baseline_b", "graph_matches_b"]
    lead = pd.DataFrame({"difference": [-0.3, 0.2, 0.1, -0.2]})
    values = claims.dataset_values(findings, lead)
    assert (values["baseline_holds"], values["baseline_undecided"], values["contest_holds"]) == (1, 1, 1)
    assert values["median_gap"] == pytest.approx(0.2)


@pytest.mark.parametrize("side, interval, outcome", [
    ("below", Interval(-0.8, -0.9, -0.4), "holds"), ("below", Interval(-0.3, -0.7, 0.2), "undecided"),
    ("above", Interval(-0.6, -0.9, -0.2), "does not hold"), ("above", Interval(0.6, 0.2, 0.9), "holds")])
def test_a_correlation_rule_is_undecided_when_its_interval_straddles_zero(side, interval, outcome):
    assert claims.judge_correlation(claims.MINIMA_SEARCH, interval, side).outcome == outcome


def test_correlation_findings_judge_the_two_minima_rules_and_every_measure():
    rng = np.random.default_rng(0)
    minima = np.array([10.0, 20, 40, 80, 160, 320])
    basin = 100 / minima                                    # more minima, smaller basin: a perfect -1
    found = (rng.random((6, 50)) < basin[:, None] / 10).astype(float)
    ls = np.stack([np.full(50, 1.0 + k) for k in range(6)])   # local search falls behind as minima grow
    finals = np.stack([ls, np.full((6, 50), 3.5), np.full((6, 50), 3.6)], axis=1) + rng.normal(0, 0.01, (6, 3, 50))
    measures = {"non_strict_minima": minima, "fdc": -minima, "correlation_length": -minima}
    findings, values = claims.correlation_findings(minima, basin, found, measures, finals, rng, draws=300)
    outcomes = {f.id: f.outcome for f in findings}
    assert outcomes["graph_minima_basin"] == "holds" and values["rho_basin"] == pytest.approx(-1.0)
    assert outcomes["graph_predicts_non_strict_minima"] == "holds"
    assert outcomes["graph_predicts_fdc"] == "holds" and outcomes["graph_predicts_correlation_length"] == "holds"
    assert all(f.interval is not None for f in findings)


def test_an_unknown_measure_is_refused_with_the_allowed_ones():
    with pytest.raises(ValueError, match="non_strict_minima, fdc, correlation_length"):
        claims.measure_rule("ruggedness")
