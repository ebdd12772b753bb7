"""The rules of the theory chapter give the outcome their criteria say, on constructed inputs."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from nascompanion.claims import theory as claims
from nascompanion.report.stats import Interval
from nascompanion.theory import graph_facts as gf
from nascompanion.theory import montecarlo as M
from nascompanion.theory import symbolic as S


def test_the_derivation_holds_only_when_every_step_verifies():
    assert claims.judge_derivation([SimpleNamespace(verified=True)] * 3).outcome == "holds"
    failed = claims.judge_derivation([SimpleNamespace(verified=True), SimpleNamespace(verified=False)])
    assert failed.outcome == "does not hold" and failed.measured == "1 of 2 steps"


def test_the_papers_branching_fractions_are_those_of_the_graph():
    paper_b = gf.paper_branching_fractions()
    assert claims.judge_branching(paper_b.copy(), paper_b).outcome == "holds"
    assert claims.judge_branching(paper_b + 1e-9, paper_b).outcome == "does not hold"


def test_the_minima_count_holds_within_one_percent_and_fails_beyond():
    rng = np.random.default_rng(3)
    assert claims.judge_minima(625 + rng.normal(0, 2, 200), 15625, 24).outcome == "holds"
    assert claims.judge_minima(640 + rng.normal(0, 2, 200), 15625, 24).outcome == "does not hold"   # 2.4 % off
    straddling = np.array([620.0, 640.0] * 15)   # mean 630, interval about +-3, across 631.25
    assert claims.judge_minima(straddling, 15625, 24).outcome == "undecided"


def test_lemma53_is_judged_on_the_interval_of_its_largest_error():
    draws = np.random.default_rng(0).normal(0.5, 0.001, size=(40, 3))
    close = np.full(3, 0.5)
    theory = {"Lemma 5.3, b0=1": close + 0.2, "Lemma 5.3, b1..bi": close + 0.01, "Lemma 5.3, tree": close + 0.1}
    paper_b, tree, intervals = claims.judge_lemma53(draws, theory, {"b0=1": 0.9, "b1..bi": 0.7},
                                                    np.random.default_rng(1), resamples=50)
    assert paper_b.outcome == "holds"   # the better reading (b1..bi) is 0.01 off, below 0.05
    assert tree.outcome == "does not hold"   # 0.1 off
    assert intervals["paper_b"].estimate == pytest.approx(0.01, abs=0.002)


def test_the_tolerance_table_reads_each_tolerance():
    table = claims.lemma53_tolerance_table({"paper_b": Interval(0.1, 0.09, 0.11), "tree": Interval(0.04, 0.03, 0.06)}, 10)
    assert table.loc["tree form"].tolist() == ["does not hold", "undecided", "holds"]
    assert table.loc["paper's b_k (better reading)"].tolist() == ["does not hold", "does not hold", "undecided"]


def test_reading_errors_take_the_signed_error_at_each_named_eps():
    eps = np.linspace(0, 1, 101)
    errors = M.reading_errors({"Lemma 5.3, tree": eps + 0.1}, eps, eps)
    assert errors.loc["Lemma 5.3, tree"].tolist() == pytest.approx([0.1, 0.1, 0.1, 0.1])
    with pytest.raises(IndexError):
        M.reading_errors({"x": np.zeros(3)}, np.zeros(3), np.array([0.0, 0.5, 1.0]))   # no eps = 0.01


def test_every_reading_gets_its_factors_and_its_curve():
    factors = gf.reading_factors(gf.paper_branching_fractions(), 60)
    assert list(factors) == list(gf.READINGS)
    at_one = claims.lemma53_at_one(factors, 24)
    curves = S.lemma53_curves(1.0, 24, factors)
    assert at_one == {r: float(curves[r]) for r in gf.READINGS}
    assert at_one["b1..bi"] < at_one["b0=1"] < 1
    assert at_one["tree"] == pytest.approx(1.0)


def test_the_preimage_rule_holds_when_some_reading_is_within_five_percent_in_every_bin():
    edges = np.linspace(0, 1, 6)
    centres = 0.5 * (edges[1:] + edges[:-1])
    measured = 10 * (1 - centres)
    rng = np.random.default_rng(0)
    preimage = measured * (1 + rng.normal(0, 0.001, size=(30, 1, 5)))
    mc = SimpleNamespace(preimage=preimage, bin_edges=edges, bin_centres=centres, minima=np.zeros(30),
                         preimage_mean_se=lambda: (preimage.mean(axis=0), preimage.std(axis=0)))
    grid = np.linspace(0, 1, 201)
    good = SimpleNamespace(grid=grid, full_preimage=10 * (1 - grid))
    bad = SimpleNamespace(grid=grid, full_preimage=12 * (1 - grid))
    finding, values = claims.judge_preimage(mc, {"b0=1": good, "tree": bad}, np.random.default_rng(1), 50)
    assert finding.outcome == "holds" and values["best_preimage_reading"] == "b0=1"
    worse, _ = claims.judge_preimage(mc, {"tree": bad}, np.random.default_rng(1), 50)
    assert worse.outcome == "does not hold"   # 20 % off everywhere
    assert isinstance(claims.preimage_table(mc, {"tree": bad}), pd.DataFrame)
