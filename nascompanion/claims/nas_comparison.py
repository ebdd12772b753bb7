"""The claims of the NAS-Bench-201 comparison (chapter ``nas_comparison``) and the rules that judge them.

Local search "matches or beats" the others on a dataset when no other algorithm is measurably
better: every paired 95 % interval of local search minus it (final retrained test error) reaches 0
or below; the interval with the highest lower end decides (see
:func:`nascompanion.compare.run.decisive_gap`). Each claim is judged per dataset.

Examples
--------
>>> r = denoised_rule("cifar100", 300)
>>> r.id, r.fixed == SEEN
('denoised_c100', True)
>>> gap = dict(other="bo", difference=0.02, low=0.01, high=0.03, holds=False)
>>> paired_finding(r, gap, "95 % paired interval over 200 trials").outcome
'does not hold'
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from nascompanion.compare.run import LABELS
from nascompanion.report import verdicts
from nascompanion.report.findings import FAILS, HOLDS, THIS_BOOK, Finding, Rule, Span, after

SHORT = {"cifar10-valid": "c10", "cifar100": "c100", "ImageNet16-120": "in16"}
"""The short name of each dataset in a finding's id."""

SEEN = after("the first runs of this comparison, judged then by 'within 2 s.e. of the best other' (unpaired)")
"""When the paired rule was fixed: it replaced the unpaired one after the first runs."""

SOURCE_MAIN = "paper, Sec. 1 and 4 (NB201 curves in Appendix A)"


def _short(dataset: str) -> str:
    if dataset not in SHORT:
        raise ValueError(f"dataset {dataset!r} is not one of: {', '.join(SHORT)}")
    return SHORT[dataset]


def denoised_rule(dataset: str, budget: int) -> Rule:
    """With denoised evaluations, local search matches or beats the other four on ``dataset``."""
    return Rule(f"denoised_{_short(dataset)}", "With denoised evaluations, local search matches or beats random "
                f"search, regularized evolution, BO and BANANAS on NB201 {dataset}", SOURCE_MAIN,
                "no other algorithm measurably better: every paired 95 % interval of local search minus it "
                f"(final retrained test error after {budget} queries) reaches 0 or below", SEEN)


def standard_rule(dataset: str, standard_label: str) -> Rule:
    """With standard (one-seed) evaluations, local search is still competitive on ``dataset``."""
    return Rule(f"standard_{_short(dataset)}",
                f"With standard (one-seed) evaluations, local search is still competitive on NB201 {dataset}",
                "paper, Sec. 1", f"the same rule, {standard_label}: one real seed per query on per-seed data, else the "
                "mean plus Gaussian seed noise of the book's sigma (x = 1)", SEEN)


def best_cells_rule(dataset: str) -> Rule:
    """The standard claim at the smaller best-cells sigma (a sensitivity check)."""
    return Rule(f"standard_best_cells_{_short(dataset)}",
                f"Sensitivity: the standard claim on {dataset} with the smaller best-cells sigma", "paper, Sec. 1",
                "the same rule against random search and the authors' evolution only (BO and BANANAS not rerun), "
                "simulated noise of the best-cells sigma", after("the sweep's point x = 0.5"))


def trend_rule(dataset: str) -> Rule:
    """Local search does best, relative to the others, when the noise is smallest (on ``dataset``)."""
    return Rule(f"noise_trend_{_short(dataset)}",
                f"Local search does best, relative to the others, when the noise is smallest ({dataset})",
                "paper, Fig. 4.3 left (NB301), checked on NB201", "slope over x of local search's final error minus "
                "the better of random search and the authors' evolution > 0 (95 % interval over trials)",
                after("earlier sweeps judged by the gap's two ends, against the book's evolution"))


BASELINE = Rule("baseline", "Use local search as a baseline: it is a strong, simple baseline for NAS",
                "paper, abstract and Sec. 1", "local search measurably better than random search on every dataset, "
                "denoised and standard: every paired 95 % interval of local search minus random search lies below 0",
                after("the paired gaps of this comparison"))

TRIAL_INTERVALS = Rule("trial_intervals", "The trial intervals cover the randomness of a whole rerun", THIS_BOOK,
                       "SD of the rerun means / mean within-rerun standard error < 1.5 (its 90 % interval wholly "
                       "below)", after("a first set of 12 reruns: SD 0.023 against a mean standard error of 0.022"))

NB101_301 = ("needs NAS-Bench-101 (per-seed training results of its cells) and NAS-Bench-301 (its surrogate with "
             "controlled noise), neither in this book's data; the NB201 rows above are the nearest check")

FIG42_OUTPERFORMS = Rule("fig42_outperforms", "On NAS-Bench-101 and 301, local search outperforms all other "
                         "algorithms when the noise is minimal", "paper, Sec. 4 and Fig. 4.2 left/middle",
                         "local search ahead of every other algorithm")

FIG42_LIKE_BO = Rule("fig42_like_bo", "On NAS-Bench-101 and 301, local search performs similarly to BO in the "
                     "standard setting", "paper, Sec. 4 and Fig. 4.2 left/middle",
                     "paired interval of local search minus BO contains 0")

FIG43_RIGHT = Rule("fig43_right", "Validation error against the amount of noise (NAS-Bench-301)", "paper, Fig. 4.3 right",
                   "the direction the figure shows")

APPENDIX_A = Rule("appendix_a", "The paper's own NB201 curves (Appendix A)", "paper, Appendix A",
                  "compare our curves with the appendix's")

UNCHECKED: tuple[tuple[Rule, str], ...] = (
    (FIG42_OUTPERFORMS, NB101_301),
    (FIG42_LIKE_BO, NB101_301),
    (FIG43_RIGHT, "the text names the panel's axes only, with no direction or value; deciding it needs the figure's "
                  "NB301 values (the NB201 sweep here records the retrained test error, judged under Fig. 4.3 left)"),
    (APPENDIX_A, "the appendix is not in the text we reproduce from; it needs the NB201 curves per algorithm and "
                 "dataset as numbers"),
)
"""The claims this book's data cannot decide, each with what it would need."""


def paired_finding(rule: Rule, gap: Mapping, covers: str) -> Finding:
    """The finding of a "matches or beats" rule from its deciding paired gap
    (:func:`~nascompanion.compare.run.decisive_gap`): holds when that gap's lower end is 0 or below."""
    return rule.finding(HOLDS if gap["holds"] else FAILS, gap["difference"], random=True,
                        interval=Span(gap["low"], gap["high"], f"{covers}, against {LABELS[gap['other']]}"),
                        detail=f"decided by {LABELS[gap['other']]}")


def baseline_finding(gaps: Mapping[tuple[str, str], pd.DataFrame], trials: int) -> Finding:
    """:data:`BASELINE`, judged on the least favourable dataset and objective: the gap to random search
    whose interval reaches highest must lie wholly below 0."""
    rs = pd.DataFrame([g[g.other == "random_search"].iloc[0] for g in gaps.values()]).reset_index(drop=True)
    worst = rs.loc[rs["high"].idxmax()]
    return BASELINE.below(0, worst["difference"], Span(worst["low"], worst["high"], f"95 % paired interval "
                          f"over {trials} trials; the least favourable of the six dataset and objective pairs"))


def trial_intervals_finding(spread: Mapping) -> Finding:
    """:data:`TRIAL_INTERVALS` from :func:`~nascompanion.compare.run.rerun_spread`'s ratio and interval."""
    return TRIAL_INTERVALS.below(1.5, spread["ratio"], Span(spread["low"], spread["high"],
                                 f"90 % chi-square interval over {spread['reruns']} reruns of {spread['trials']} "
                                 "trials"))


def findings(decisive: Mapping, band_decisive: Mapping, slopes: Mapping, gaps: Mapping, spread: Mapping, *,
             budget: int, trials: int, model_trials: int, standard_label: str) -> list[Finding]:
    """Every finding of the chapter, in the order of its verdict table.

    Parameters
    ----------
    decisive
        ``(dataset, objective label)`` -> deciding paired gap of the contest.
    band_decisive
        Dataset -> deciding paired gap at the best-cells sigma.
    slopes
        Dataset -> slope interval of the noise sweep's gap.
    gaps
        ``(dataset, objective label)`` -> paired gaps of local search (for the baseline).
    spread
        The reruns of :func:`~nascompanion.compare.run.rerun_spread`.
    """
    covers = f"95 % paired interval over {trials} trials (BANANAS {model_trials})"
    out = []
    datasets = list(dict.fromkeys(d for d, _ in decisive))
    for d in datasets:
        out.append(paired_finding(denoised_rule(d, budget), decisive[(d, "denoised")], covers))
        out.append(paired_finding(standard_rule(d, standard_label), decisive[(d, standard_label)], covers))
        out.append(paired_finding(best_cells_rule(d), band_decisive[d], f"95 % paired interval over {trials} trials"))
        s = slopes[d]
        out.append(trend_rule(d).above(0, s.estimate, Span(s.low, s.high, f"95 % over {trials} trials")))
    out.append(baseline_finding(gaps, trials))
    out.append(trial_intervals_finding(spread))
    out += [rule.unchecked(reason) for rule, reason in UNCHECKED]
    return out


def readings_values(readings: pd.DataFrame, standard_label: str) -> dict[str, str]:
    """The verdict words of the readings the prose quotes: the restarting local search on denoised
    CIFAR-10 and ImageNet16-120, and on standard CIFAR-10 the book's evolution and the authors'
    (columns of :func:`~nascompanion.compare.contest.readings_table`)."""
    std = f"cifar10-valid, {standard_label}"
    return {"restart_reading_c10": verdicts.verdict(readings.loc["cifar10-valid, denoised"].iloc[2]),
            "restart_reading_in16": verdicts.verdict(readings.loc["ImageNet16-120, denoised"].iloc[2]),
            "book_evolution_reading_c10": verdicts.verdict(readings.loc[std].iloc[3]),
            "authors_evolution_reading_c10": verdicts.verdict(readings.loc[std].iloc[0])}


def rerun_values(spread: Mapping, level: float) -> dict:
    """The glued numbers of the rerun check (:func:`~nascompanion.compare.run.rerun_spread`).

    Examples
    --------
    >>> rerun_values(dict(reruns=12, sd=0.02, mean_sem=0.02, ratio=1.0, low=0.8, high=1.5), 0.9)["rerun_level"]
    90
    """
    return dict(reruns=spread["reruns"], rerun_level=round(100 * level), rerun_sd=spread["sd"],
                rerun_sem=spread["mean_sem"], rerun_ratio=spread["ratio"], rerun_low=spread["low"],
                rerun_high=spread["high"])


def variant_values(variants: pd.DataFrame) -> dict:
    """The glued numbers of the protocol variants (:func:`~nascompanion.compare.run.protocol_variants`):
    the restarting local search (the first row) with its interval, and the book's evolution."""
    restart = variants.iloc[0]
    evolution = variants[variants.choice.str.startswith("evolution")]["difference"].iloc[0]
    return {"restart_diff": restart["difference"], "restart_low": restart["95% low"],
            "restart_high": restart["95% high"], "book_evolution_diff": evolution}
