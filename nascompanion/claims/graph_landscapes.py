"""Claims of the chapter "graph_landscapes": the paper's claims asked of NAS-Bench-Graph's nine datasets.

The paper argues from NAS benchmarks in general; this chapter asks its claims of a second real
benchmark, graph neural networks on nine node-classification datasets. Every rule below was written
after one timing run of local search, random search and evolution on cora had shown their mean final
test errors (no interval, no other dataset); the rules on the searches are the NAS comparison's,
unchanged. The two correlation rules on local minima were written after the nine datasets'
local-minima counts and basin shares had also been seen (their direction is the paper's). Each rule's
``fixed`` says so.

Examples
--------
>>> r = baseline_rule("cora", 300)
>>> r.id, r.fixed == SEEN_TIMING
('graph_baseline_cora', True)
>>> judge_baseline(r, dict(difference=-0.2, low=-0.3, high=-0.1), 200).outcome
'holds'
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from nascompanion.claims.nas_comparison import paired_finding
from nascompanion.landscape.real_intervals import landscape_bootstrap, race_bootstrap, trial_mean_bootstrap
from nascompanion.report.findings import THIS_BOOK, Finding, Rule, Span, after

SOURCE_BASELINE = "paper, abstract and Sec. 1 (claimed of NAS benchmarks in general)"
SOURCE_CONTEST = "paper, Sec. 1 and 4 (NB101, NB201, NB301), asked here of NAS-Bench-Graph"
SOURCE_MINIMA = "paper, Sec. 1, 4 (Table 1) and 7, asked here across landscapes"

TIMING_RUN = ("one timing run's mean final test errors of local search, random search and evolution on cora "
              "(200 trials, no interval)")

SEEN_TIMING = after(f"{TIMING_RUN}; the rule is the NAS comparison's, unchanged")
"""When the rules on the searches were written."""

SEEN_MINIMA = after("the local-minima counts and global-basin shares of the nine NAS-Bench-Graph datasets and "
                    f"{TIMING_RUN}")
"""When the two correlation rules on local minima were written."""

LANDSCAPES = "the nine NAS-Bench-Graph datasets and the NAS comparison's three NB201 datasets"

MEASURES: Mapping[str, tuple[str, str]] = {
    "non_strict_minima": ("the number of local minima", "above"),
    "fdc": ("the fitness-distance correlation", "below"),
    "correlation_length": ("the random-walk correlation length", "below"),
}
"""Measure -> (its name in words, the side of 0 on which its correlation with local search's gap to the
better of random search and evolution must lie if it predicts where local search wins: more minima, a
smaller lead; a higher FDC or a longer correlation length, a larger lead, i.e. a more negative gap)."""


def baseline_rule(dataset: str, budget: int) -> Rule:
    """Local search is measurably better than random search on NAS-Bench-Graph ``dataset``."""
    return Rule(f"graph_baseline_{dataset}", f"Local search is a strong baseline on NAS-Bench-Graph {dataset}",
                SOURCE_BASELINE, "local search measurably better than random search: the paired 95 % interval of "
                f"local search minus random search (final test error after {budget} queries) lies below 0", SEEN_TIMING)


def contest_rule(dataset: str, budget: int, model_trials: int) -> Rule:
    """Local search matches or beats the other four on NAS-Bench-Graph ``dataset``."""
    return Rule(f"graph_matches_{dataset}", "With seed-mean evaluations, local search matches or beats random "
                f"search, regularized evolution, BO and BANANAS on NAS-Bench-Graph {dataset}", SOURCE_CONTEST,
                "no other algorithm measurably better: every paired 95 % interval of local search minus it "
                f"(final test error after {budget} queries) reaches 0 or below; BANANAS on the first "
                f"{model_trials} trials", SEEN_TIMING)


MINIMA_BASIN = Rule(
    "graph_minima_basin", "Fewer local minima go with a larger basin of attraction of the global minimum",
    SOURCE_MINIMA, "Spearman correlation of the number of local minima (no strictly lower neighbour) with the share "
    f"of starts whose local search ends at the global minimum, over {LANDSCAPES}, below 0 with its whole 95 % "
    "bootstrap interval over the landscapes", SEEN_MINIMA)

MINIMA_SEARCH = Rule(
    "graph_minima_search", "Fewer local minima go with an easier search", SOURCE_MINIMA,
    "Spearman correlation of the number of local minima with the share of local-search trials that find the "
    f"global minimum within the budget, over {LANDSCAPES}, below 0 with its whole 95 % two-stage bootstrap "
    "interval (landscapes, then trials)", SEEN_MINIMA)


def measure_rule(measure: str) -> Rule:
    """``measure`` (a key of :data:`MEASURES`) predicts where local search wins."""
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r} is not one of: {', '.join(MEASURES)}")
    words, side = MEASURES[measure]
    sign = "above" if side == "above" else "below"
    return Rule(f"graph_predicts_{measure}", f"{words[0].upper()}{words[1:]} of a landscape predicts where local "
                "search wins", THIS_BOOK, f"Spearman correlation of {words} with local search's mean final test error "
                "minus the lower of random search's and the authors' evolution's, over "
                f"{LANDSCAPES}, {sign} 0 with its whole 95 % two-stage bootstrap interval (landscapes, then trials)",
                after(TIMING_RUN))


def judge_baseline(rule: Rule, gap: Mapping, trials: int) -> Finding:
    """:func:`baseline_rule` from the paired gap of local search minus random search."""
    return rule.below(0, gap["difference"], Span(gap["low"], gap["high"], f"95 % paired interval over {trials} trials"))


def judge_contest(rule: Rule, decisive: Mapping, trials: int) -> Finding:
    """:func:`contest_rule` from the deciding paired gap (the one whose lower end is highest)."""
    return paired_finding(rule, decisive, f"95 % paired interval over {trials} trials (BANANAS: fewer)")


def judge_correlation(rule: Rule, interval, side: str = "below") -> Finding:
    """A rank-correlation rule from its :class:`~nascompanion.report.stats.Interval` (estimate, low, high)."""
    span = Span.of(interval, "95 % bootstrap over the twelve landscapes" if rule is MINIMA_BASIN
                   else "95 % two-stage bootstrap over the twelve landscapes and their trials")
    judge = rule.above if side == "above" else rule.below
    return judge(0, interval.estimate, span)


def dataset_findings(gaps: Mapping[tuple[str, str], "object"], decisive: Mapping, *, budget: int, trials: int,
                     model_trials: int) -> list[Finding]:
    """The baseline and contest findings of every NAS-Bench-Graph dataset, in the order of ``gaps``."""
    out = []
    for key, table in gaps.items():
        dataset = key[1]
        to_random = table[table["other"] == "random_search"].iloc[0]
        out.append(judge_baseline(baseline_rule(dataset, budget), to_random, trials))
        out.append(judge_contest(contest_rule(dataset, budget, model_trials), decisive[key], trials))
    return out


def outcome_counts(findings: list[Finding], prefix: str) -> dict[str, int]:
    """How many findings whose id starts with ``prefix`` have each outcome.

    Examples
    --------
    >>> outcome_counts([Rule("graph_baseline_a", "c", "s", "r").judge(True)], "graph_baseline_")
    {'holds': 1, 'does not hold': 0, 'undecided': 0}
    """
    chosen = [f.outcome for f in findings if f.id.startswith(prefix)]
    return {outcome: int(np.sum([o == outcome for o in chosen])) for outcome in ("holds", "does not hold",
                                                                                  "undecided")}


def correlation_findings(minima: np.ndarray, basin: np.ndarray, found: np.ndarray, measures: Mapping[str, np.ndarray],
                         finals: np.ndarray, rng: np.random.Generator, draws: int = 2000) -> tuple[list[Finding], dict]:
    """The correlation findings across landscapes and the numbers the prose reads.

    Parameters
    ----------
    minima, basin
        Per landscape: local minima (no strictly lower neighbour) and the share (%) of starts reaching the
        global minimum.
    found
        Shape ``(landscapes, trials)``: whether each local-search trial found the global minimum.
    measures
        Every key of :data:`MEASURES` -> its value per landscape.
    finals
        Final test errors, shape ``(landscapes, 3, trials)``: local search, random search, evolution.
    rng, draws
        Source and number of the bootstrap resamples (drawn in the order of the rules).
    """
    basin_interval = landscape_bootstrap(minima, basin, rng, level=0.95, draws=draws)
    search_interval = trial_mean_bootstrap(minima, found, rng, draws=draws)
    findings = [judge_correlation(MINIMA_BASIN, basin_interval), judge_correlation(MINIMA_SEARCH, search_interval)]
    values = {"rho_basin": basin_interval.estimate, "rho_basin_low": basin_interval.low,
              "rho_basin_high": basin_interval.high, "rho_search": search_interval.estimate,
              "rho_search_low": search_interval.low, "rho_search_high": search_interval.high}
    for measure, (_, side) in MEASURES.items():
        interval = race_bootstrap(measures[measure], finals, rng, level=0.95, draws=draws)
        findings.append(judge_correlation(measure_rule(measure), interval, side))
        values.update({f"rho_{measure}": interval.estimate, f"rho_{measure}_low": interval.low,
                       f"rho_{measure}_high": interval.high})
    return findings, values


def dataset_values(findings: list[Finding], lead) -> dict:
    """How many datasets each per-dataset rule holds on, is undecided on or fails on, and the median size
    (absolute value) of the paired differences in ``lead`` (:func:`~nascompanion.landscape.beyond_nb201.gap_frame`)."""
    baseline = outcome_counts(findings, "graph_baseline_")
    contest = outcome_counts(findings, "graph_matches_")
    return {"baseline_holds": baseline["holds"], "baseline_undecided": baseline["undecided"],
            "baseline_fails": baseline["does not hold"], "contest_holds": contest["holds"],
            "contest_fails": contest["does not hold"], "median_gap": float(np.median(np.abs(lead["difference"])))}
