"""The rules of the search_space chapter give the outcome their criteria say, on constructed inputs."""

import numpy as np
import pandas as pd
import pytest

from nascompanion.book.glue_values import glue_values, outcome_values
from nascompanion.claims import search_space as claims
from nascompanion.landscape.anasod_sigma import ANASOD_NAMES, POPULATION, SAMPLE, anasod_sigma_table, anasod_values
from nascompanion.report.findings import findings_table


def _layers(counted):
    return pd.DataFrame({"C(6,k) 4^k": [1, 24, 240], "counted from cell 0": counted})


def test_the_graph_holds_only_with_the_papers_cells_degree_and_layers():
    table = np.zeros((15625, 24), dtype=int)
    assert claims.judge_graph(table, _layers([1, 24, 240])).outcome == "holds"
    assert claims.judge_graph(table, _layers([1, 24, 239])).outcome == "does not hold"
    assert claims.judge_graph(table[:-1], _layers([1, 24, 240])).outcome == "does not hold"
    assert claims.graph_values(table, _layers([1, 24, 239]))["layers_word"] == "does not match"


def test_three_seeds_holds_at_the_threshold_share_and_not_below():
    at = np.array([3] * 99 + [2])
    below = np.array([3] * 98 + [2, 2])
    assert claims.judge_seeds(at).outcome == "holds"
    finding = claims.judge_seeds(below)
    assert finding.outcome == "does not hold"
    assert finding.measured == 98.0 and "two seeds 2.0 %" in finding.detail


def _estimates(best_low, best_high):
    return pd.DataFrame({"sigma": [0.15, 0.16, 0.31, 0.30], "low": [best_low, 0.14, 0.29, 0.25],
                         "high": [best_high, 0.18, 0.33, 0.35], "n": [150, 150, 40, 20]},
                        index=[claims.BEST, "best ~1%, seed counts from the data", claims.BAND, claims.TOP])


def test_sigma_rule_holds_exactly_when_the_intervals_overlap():
    assert claims.judge_sigma(_estimates(0.14, 0.16)).outcome == "does not hold"
    assert claims.judge_sigma(_estimates(0.14, 0.29)).outcome == "holds"   # touching counts as overlap
    assert claims.judge_sigma(_estimates(0.14, 0.16).drop(claims.BEST)).outcome == "cannot be checked"


def test_sigma_values_follow_the_outcome_and_mark_missing_estimates():
    noise = pd.DataFrame({"best-cells": [0.155]}, index=["cifar10-valid"])
    rows = _estimates(0.14, 0.16)
    values = claims.sigma_values(rows, noise, claims.judge_sigma(rows))
    assert values["sigma_choice"] == "the isomorphism-class estimate"
    assert values["band_classes"] == 40 and np.isnan(values["half_sigma"])
    assert values["sigma_ratio"] == 0.31 / 0.155
    assert values["gap_reading"].startswith("even the classes")   # top's low 0.25 above both best highs
    overlapping = _estimates(0.14, 0.29)
    chosen = claims.sigma_values(overlapping, noise, claims.judge_sigma(overlapping))
    assert chosen["sigma_choice"] == "the best ~1 % estimate"
    assert chosen["gap_reading"].startswith("at the very top")   # top's low 0.25 below the best high 0.29


def test_standard_row_values_name_every_sigma_and_statistic():
    index = pd.MultiIndex.from_product([["best", "classes"], ["local_minima", "iterations"]])
    rows = pd.DataFrame({"ours": [1.0, 2.0, 3.0, 4.0]}, index=index)
    values = claims.standard_row_values(rows, 7)
    assert values["t1_classes_iterations"] == 4.0 and values["t1_draws"] == 7
    assert values["paper_std_minima"] == 55


def test_anasod_sigma_divides_the_median_sd_by_each_factor():
    noise = pd.DataFrame({"classes": [0.3, 0.6, 0.6], "best-cells": [0.15, 0.4, 0.4]}, index=list(ANASOD_NAMES))
    counts = np.array([3, 3, 2, 1])
    table = anasod_sigma_table(noise, counts)
    values = anasod_values(table, counts)
    assert np.allclose(table[SAMPLE] * values["factor_sample"], table["ANASOD median SD"])
    assert np.allclose(table[POPULATION] * values["factor_population"], table["ANASOD median SD"])
    assert values["anasod_sample_cifar100"] == float(table.loc["cifar100", SAMPLE])


def test_outcome_values_name_each_finding_and_glue_values_refuses_an_empty_name():
    table = findings_table("search_space", [claims.judge_seeds(np.array([3] * 100))])
    assert outcome_values(table) == {"v_three_seeds_per_cell": "holds"}
    with pytest.raises(ValueError, match="non-empty string"):
        glue_values({"": 1})
