"""The claims of PVLL-NAS (chapter ``pvll_nas``) and this book's checks of a supernet, with their rules.

Figure 3a's claim (guided samples teach the loss estimator faster) is judged on the largest gap over
sample sizes of guided minus uniform held-out error, with a 90 % bootstrap over repeats; where more
than a quarter of the repeats have a degenerate (constant) estimator at some size it is not judged.
The supernet's ranking is judged over several supernet trainings: the interval is the range over
the trainings.

Examples
--------
>>> g = dict(gap=-0.01, low=-0.02, high=-0.005, ahead=6, degenerate=0.3)
>>> fig3a_finding(PV_FASTER, g, "90 % bootstrap over 20 repeats").outcome
'cannot be checked'
>>> fig3a_finding(PV_FASTER, dict(g, degenerate=0.1), "90 % bootstrap over 20 repeats").outcome
'holds'
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from nascompanion.report import paper
from nascompanion.report.findings import BEFORE, THIS_BOOK, Finding, Rule, Span, after

DEGENERATE_SHARE = 0.25
"""Above this share of repeats with a constant estimator at some size, Figure 3a is not judged."""

SEEN_PV = after("a run whose smallest sample size compared two uniform training sets")
SEEN_DEGENERATE = after("both estimators predicting a constant in 3 of 4 repeats on supernet labels")
FIG3A_CRITERION = ("largest mean gap over sample sizes (guided minus uniform held-out MSE) below 0, 90 % bootstrap "
                   "over repeats; not judged if over a quarter of the repeats have a degenerate (constant) estimator "
                   "at a size")

PV_FASTER = Rule("pvll_fig3a_faster", "Guided samples teach the estimator faster than uniform ones (paper's "
                 "warm-up and learning rates)", "PVLL paper, Figure 3a and Sec. 5.1", FIG3A_CRITERION, SEEN_DEGENERATE)
PV_FASTER_LR = Rule("pvll_fig3a_faster_estimator_lr", "Guided samples teach the estimator faster than uniform "
                    "ones (departure: estimator learning rate 0.01)", "PVLL paper, Figure 3a", FIG3A_CRITERION, SEEN_PV)
PV_CELLS = Rule("pvll_better_cells", "PVLL-NAS's sampler finds better cells than uniform sampling", "PVLL paper, "
                "Sec. 5.5", "mean loss of guided minus uniform cells below 0, 90 % bootstrap over repeats", BEFORE)

SEEN_RANK = after("one supernet training's tau (about 0.10 on the denoised pipeline) beside the seed-vs-seed tau")
SEEN_PIPES = after("a first, shorter supernet run that ranked cells differently under the two pipelines")

SN_FASTER = Rule("supernet_fig3a_faster", "On supernet losses, guided samples teach the estimator faster (paper's "
                 "warm-up and learning rates)", "PVLL paper, Figure 3a and Sec. 5.1", FIG3A_CRITERION, SEEN_DEGENERATE)
SN_FASTER_LR = Rule("supernet_fig3a_faster_estimator_lr", "On supernet losses, guided samples teach the estimator "
                    "faster (departure: estimator learning rate 0.01)", "PVLL paper, Figure 3a", FIG3A_CRITERION,
                    SEEN_PV)
SN_CELLS = Rule("supernet_sampler_better_cells", "PVLL-NAS on supernet losses samples cells that are better when "
                "trained alone", "PVLL paper, Sec. 5.5", "mean stand-alone test error of guided minus uniform cells "
                "below 0 under both pipelines (the larger gap), 90 % bootstrap over repeats", BEFORE)

OTHER = Rule("pvll_searches_ablations_bound", "PVLL-NAS's searches on CIFAR-10 and ImageNet, its ablations and "
             "its label-complexity bound", "PVLL paper, Tables 1-5 and Theorem 2", "rerun those experiments", BEFORE)
OTHER_REASON = ("needs a DARTS-space supernet trained on during a CIFAR-10 or ImageNet search and the Table 5 "
                "ablations rerun; Theorem 2 is a bound, not a measurement")

QUOTED: tuple[str, ...] = ("PVLL_TAU", "PVLL_MEMORY", "PVLL_FIG3A_HELDOUT", "PVLL_WARMUP", "PVLL_LEARNING_RATE",
                           "PVLL_FIG3A_SAMPLES")
"""The numbers of the paper the chapter quotes (names in :mod:`nascompanion.report.paper`)."""

PAPER_RUN, LOW_LR_RUN = "paper's settings", "estimator lr 0.01"
"""The names of the two judged settings of Figure 3a."""

DEGENERATE_NOTE = "paper's settings; a degenerate estimator in up to {:.0f} % of the repeats at one size"


def ranks_like_rule(pipeline: str) -> Rule:
    """A supernet ranks cells like stand-alone training on the digits ``pipeline`` (a check of this book)."""
    return Rule(f"supernet_ranks_like_standalone_{pipeline}", f"A supernet ranks cells like stand-alone training "
                f"(digits-{pipeline})", THIS_BOOK, "Kendall tau (inherited vs stand-alone accuracy, mean of seeds) "
                "above the tau of stand-alone seed 0 vs seed 1, in every supernet training", SEEN_RANK)


def informative_rule(pipeline: str) -> Rule:
    """A supernet's ranking carries information about stand-alone training on ``pipeline``."""
    return Rule(f"supernet_ranking_informative_{pipeline}", f"A supernet's ranking carries information about "
                f"stand-alone training (digits-{pipeline})", THIS_BOOK, "Kendall tau (inherited vs stand-alone "
                "accuracy, mean of seeds) above 0, in every supernet training", SEEN_PIPES)


def paper_values() -> dict:
    """The quoted numbers under ``paper_<name>``.

    Examples
    --------
    >>> sorted(paper_values())[:2]
    ['paper_pvll_fig3a_heldout', 'paper_pvll_fig3a_samples']
    """
    return {f"paper_{name.lower()}": getattr(paper, name).value for name in QUOTED}


def fig3a_finding(rule: Rule, gap: Mapping, cover: str) -> Finding:
    """A Figure 3a rule on one setting's gap (:func:`~nascompanion.related.pvll_lockstep.guided_gap`): not
    judged where the estimator is degenerate in over :data:`DEGENERATE_SHARE` of the repeats at a size."""
    if gap["degenerate"] > DEGENERATE_SHARE:
        return rule.unchecked(f"degenerate: a constant estimator in {100 * gap['degenerate']:.0f} % of the repeats "
                              f"at one size (over a quarter); a stable estimator would decide it", measured=gap["gap"])
    return rule.below(0, gap["gap"], Span(gap["low"], gap["high"], cover))


def fig3a_findings(rules: tuple[Rule, Rule], gaps: Mapping[str, Mapping], cover: str) -> list[Finding]:
    """The two judged settings of Figure 3a (:data:`PAPER_RUN`, :data:`LOW_LR_RUN`), in that order."""
    return [fig3a_finding(rule, gaps[run], cover) for rule, run in zip(rules, (PAPER_RUN, LOW_LR_RUN))]


def better_cells_finding(cells_gap, cover: str, degenerate: float) -> Finding:
    """:data:`PV_CELLS` on the bootstrap interval of the guided minus uniform mean loss (paper's settings)."""
    return PV_CELLS.below(0, cells_gap.estimate, Span.of(cells_gap, cover), detail=DEGENERATE_NOTE.format(100 * degenerate))


def gap_values(gaps: Mapping[str, Mapping], prefix: str, runs: Mapping[str, str]) -> dict:
    """Each gap statistic of each setting under ``<prefix>_<stat>_<key>`` (``runs``: key -> setting);
    the degenerate share in %.

    Examples
    --------
    >>> g = {"s": dict(gap=-0.1, low=-0.2, high=0.0, ahead=2, degenerate=0.25)}
    >>> gap_values(g, "pv", {"paper": "s"})["pv_degenerate_paper"]
    25.0
    """
    return {f"{prefix}_{stat}_{key}": 100 * gaps[run][stat] if stat == "degenerate" else gaps[run][stat]
            for key, run in runs.items() for stat in ("gap", "low", "high", "ahead", "degenerate")}


def supernet_findings(seed_rows: Mapping[str, list], seed_taus: Mapping, trainings: int) -> tuple[list, list]:
    """Per pipeline, "ranks like stand-alone training" (above the seed-vs-seed tau) and "carries
    information" (above 0), each on the mean over supernet trainings with their range as interval."""
    cover = f"range over {trainings} supernet trainings (seeds 0-{trainings - 1})"
    span = {p: Span(min(v), max(v), cover) for p, v in seed_rows.items()}
    like = [ranks_like_rule(p).above(seed_taus[p].estimate, float(np.mean(seed_rows[p])), span[p],
                                     detail=f"mean over trainings; threshold {seed_taus[p].estimate:.3f}")
            for p in seed_rows]
    info = [informative_rule(p).above(0, float(np.mean(seed_rows[p])), span[p], detail="mean over trainings")
            for p in seed_rows]
    return like, info


def supernet_values(seed_rows: Mapping[str, list], trainings: int) -> dict:
    """The mean, smallest and largest tau over trainings per pipeline, and the number of trainings."""
    values = {f"sn_seeds_{key}_{p}": value for p, v in seed_rows.items()
              for key, value in dict(mean=np.mean(v), min=min(v), max=max(v)).items()}
    return values | {"sn_seeds": trainings, "sn_last_seed": trainings - 1}


def tau_values(taus: Mapping, seed_taus: Mapping) -> dict:
    """Seed 0's tau with its interval over cells, and the seed-vs-seed tau, per pipeline."""
    return {f"sn_{key}_{p}": value for p in taus
            for key, value in dict(tau=taus[p].estimate, low=taus[p].low, high=taus[p].high,
                                   seed_tau=seed_taus[p].estimate).items()}


def supernet_cells_finding(cell_gaps: Mapping, cover: str, degenerate: float) -> Finding:
    """:data:`SN_CELLS` on the larger pipeline gap of
    :func:`~nascompanion.train.supernet_agreement.sampled_cell_gaps`."""
    return SN_CELLS.below(0, cell_gaps["gap"], Span(cell_gaps["low"], cell_gaps["high"], cover),
                          detail=DEGENERATE_NOTE.format(100 * degenerate))
