"""Measured noise on AnalogNAS-Bench: the rules of the chapter real_noise.

The paper's claim that more noise makes a harder landscape, read on measured landscapes (two
noise measures, a strict reading and the race of local search against the others), and the book's
check of its own Gaussian noise model against one real retraining. The functions take the
chapter's computed results and return its findings with the values the prose quotes.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from nascompanion.report import paper
from nascompanion.report.findings import BEFORE, THIS_BOOK, Finding, Rule, Span, after
from nascompanion.report.stats import Interval
from nascompanion.report.tables import interval

SEEN = after("the table of the measured landscapes (measure, threshold and first results came in one commit; the "
             "rank disagreement was preferred on seeing the drift landscapes' RMS deviation grow with drift time)")

SOURCE = "paper, Sec. 1 and Sec. 6"

THRESHOLD = 0.5
"""The rank correlation a claim of "more noise, more minima" needs (its negative for "smaller basin")."""

MINIMA_RANK = Rule("noise_minima_rank", "The more noise, the more local minima (noise as rank disagreement with "
                   "the digital model)", SOURCE, "Spearman(rank disagreement, local minima) >= 0.5", SEEN)

BASIN_RANK = Rule("noise_basin_rank", "The more noise, the smaller the global minimum's basin (noise as rank "
                  "disagreement)", SOURCE,
                  "Spearman(rank disagreement, % of starts reaching the global minimum) <= -0.5", SEEN)

MINIMA_RMS = Rule("noise_minima_rms", "The more noise, the more local minima (noise as RMS deviation from the digital "
                  "model)", SOURCE, "Spearman(RMS deviation, local minima) >= 0.5", SEEN)

BASIN_RMS = Rule("noise_basin_rms", "The more noise, the smaller the global minimum's basin (noise as RMS "
                 "deviation)", SOURCE, "Spearman(RMS deviation, % of starts reaching the global minimum) <= -0.5",
                 SEEN)

EVERY_HARDER = Rule("every_noisier_harder", "Every measured landscape that deviates from the digital one is harder "
                    "than it", SOURCE, "more local minima and a smaller share reaching the global minimum than the "
                    "digital baseline, on every other landscape", SEEN)

RACE = Rule("race_gap_grows", "Local search loses ground to the others as the measured noise grows",
            "paper, Sec. 4 (Discussion)", "Spearman(rank disagreement, local search's final error minus the better "
            "of random search and the book's evolution), over all landscapes, >= 0.5", BEFORE)

GAUSSIAN_MINIMA = Rule("gaussian_minima", "Gaussian noise of the class-estimated size gives as many local minima as "
                       "one real retraining (the book's noise model)", THIS_BOOK,
                       "|z| <= 2: real count within two SD (over the simulated draws) of the simulated mean", BEFORE)

GAUSSIAN_BASIN = Rule("gaussian_basin", "Gaussian noise of the class-estimated size gives the share of starts "
                      "reaching the global minimum of one real retraining (the book's noise model)", THIS_BOOK,
                      "|z| <= 2: real share within two SD (over the simulated draws) of the simulated mean", BEFORE)

Z_LIMIT = 2
"""How many simulated SDs the real statistic may lie from the simulated mean."""

_CORRELATION_RULES = {("rank_disagreement", "local_minima"): (MINIMA_RANK, "above"),
                      ("rank_disagreement", "reached_global_pct"): (BASIN_RANK, "below"),
                      ("rms_deviation", "local_minima"): (MINIMA_RMS, "above"),
                      ("rms_deviation", "reached_global_pct"): (BASIN_RMS, "below")}


def paper_values() -> dict[str, Any]:
    """The paper's Table 1 minima and shares the prose quotes (``paper_<version>_min``, ``..._glob``).

    Examples
    --------
    >>> paper_values()["paper_random_min"]
    616
    """
    values = {}
    for version, row in paper.TABLE1.value.items():
        values |= {f"paper_{version}_min": row["local_minima"], f"paper_{version}_glob": row["reached_global_pct"]}
    return values


def _tag(measure: str, statistic: str) -> str:
    return ("rank_" if measure == "rank_disagreement" else "rms_") + ("min" if statistic == "local_minima" else "glob")


def correlation_values(rho: Mapping[tuple[str, str], Interval]) -> dict[str, float]:
    """Each correlation and its interval as the prose quotes them (``rho_rank_min``, ``rho_rank_min_low``, ...).

    Examples
    --------
    >>> correlation_values({("rms_deviation", "local_minima"): Interval(0.4, 0.1, 0.7)})["rho_rms_min_high"]
    0.7
    """
    values = {}
    for (measure, statistic), i in rho.items():
        tag = _tag(measure, statistic)
        values |= {f"rho_{tag}": i.estimate, f"rho_{tag}_low": i.low, f"rho_{tag}_high": i.high}
    return values


def correlation_table(rho: Mapping[tuple[str, str], Interval]) -> pd.DataFrame:
    """The correlations as a table: noise measure, statistic, correlation [interval]."""
    return pd.DataFrame([{"noise measure": m, "statistic": c,
                          "Spearman correlation [interval]": interval(i.estimate, i.low, i.high)}
                         for (m, c), i in rho.items()])


def correlation_findings(rho: Mapping[tuple[str, str], Interval], landscapes: int, level: float) -> list[Finding]:
    """"More noise, more minima" and "more noise, smaller basin", under each noise measure.

    Parameters
    ----------
    rho
        ``{(measure, statistic): correlation with its bootstrap interval}`` for both measures
        (``rank_disagreement``, ``rms_deviation``) and both statistics.
    landscapes
        How many landscapes the bootstrap resamples.
    level
        Its coverage.

    Examples
    --------
    >>> rho = {key: Interval(0.6, 0.05, 0.9) for key in _CORRELATION_RULES}
    >>> rho[("rank_disagreement", "reached_global_pct")] = Interval(-0.9, -0.98, -0.6)
    >>> [f.outcome for f in correlation_findings(rho, 12, 0.9)]
    ['undecided', 'holds', 'undecided', 'does not hold']
    """
    covers = f"{level:.0%} bootstrap over the {landscapes} landscapes"
    return [getattr(rule, side)(THRESHOLD if side == "above" else -THRESHOLD, rho[key].estimate,
                                Span.of(rho[key], covers))
            for key, (rule, side) in _CORRELATION_RULES.items()]


def every_harder(kinds: pd.DataFrame, baseline: str = "baseline") -> tuple[Finding, dict[str, Any]]:
    """The strict reading: every other landscape has more minima and a smaller share than ``baseline``.

    Parameters
    ----------
    kinds
        One row per landscape with ``local_minima`` and ``reached_global_pct``.

    Examples
    --------
    >>> kinds = pd.DataFrame({"local_minima": [10, 12, 9], "reached_global_pct": [50.0, 40.0, 45.0]},
    ...                      index=["baseline", "a", "b"])
    >>> found, values = every_harder(kinds)
    >>> found.outcome, values["not_harder"]
    ('does not hold', 'b')
    """
    noisy = kinds.drop(index=baseline)
    base = kinds.loc[baseline]
    harder = (noisy["local_minima"] > base["local_minima"]) & (noisy["reached_global_pct"] < base["reached_global_pct"])
    others = ", ".join(noisy.index[~harder]) or "none"
    found = EVERY_HARDER.judge(bool(harder.all()), f"{int(harder.sum())} of {len(noisy)} (not: {others})")
    return found, {"not_harder": others, "n_harder": int(harder.sum())}


def retraining_values(retrain: pd.DataFrame) -> dict[str, Any]:
    """The retraining table's numbers the prose quotes, and the direction of the minima's z interval.

    Examples
    --------
    >>> columns = ["real", "class means", "simulated", "simulated_sd", "z", "z_low", "z_high"]
    >>> retrain = pd.DataFrame([[17, 9, 30, 4, -3.4, -3.7, -3.2]] * 2, columns=columns,
    ...                        index=["local_minima", "reached_global_pct"])
    >>> retraining_values(retrain)["retrain_direction"]
    'more local minima than'
    """
    values = {f"retrain_{stat}_{column.replace(' ', '_')}": float(retrain.loc[stat, column])
              for stat in ("local_minima", "reached_global_pct")
              for column in ("real", "class means", "simulated", "simulated_sd", "z", "z_low", "z_high")}
    z_low, z_high = retrain.loc["local_minima", "z_low"], retrain.loc["local_minima", "z_high"]
    values["retrain_direction"] = ("more local minima than" if z_high < 0 else
                                   "fewer local minima than" if z_low > 0 else "about as many local minima as")
    return values


def gaussian_findings(retrain: pd.DataFrame, draws: int, level: float) -> list[Finding]:
    """The book's Gaussian model against one real retraining: the real statistic's z within :data:`Z_LIMIT`.

    Examples
    --------
    >>> columns = ["z", "z_low", "z_high"]
    >>> retrain = pd.DataFrame([[-3.4, -3.7, -3.2], [0.6, 0.5, 0.7]], columns=columns,
    ...                        index=["local_minima", "reached_global_pct"])
    >>> [f.outcome for f in gaussian_findings(retrain, 200, 0.9)]
    ['does not hold', 'holds']
    """
    covers = f"{level:.0%} bootstrap over the {draws} simulated landscapes"
    return [rule.within(0, Z_LIMIT, retrain.loc[stat, "z"],
                        Span(retrain.loc[stat, "z_low"], retrain.loc[stat, "z_high"], covers))
            for rule, stat in ((GAUSSIAN_MINIMA, "local_minima"), (GAUSSIAN_BASIN, "reached_global_pct"))]


def race_finding(rho_gap: Interval, landscapes: int, trials: int, level: float) -> tuple[Finding, dict[str, str]]:
    """Local search loses ground as the noise grows: the correlation of noise and its gap (book's evolution).

    Examples
    --------
    >>> found, values = race_finding(Interval(-0.6, -0.8, -0.2), 12, 100, 0.9)
    >>> found.outcome, values["race_direction"]
    ('does not hold', 'local search gains ground on the others as the noise grows')
    """
    covers = (f"{level:.0%} bootstrap over the {landscapes} landscapes and, within each, the {trials} trials of "
              "each algorithm")
    direction = ("local search gains ground on the others as the noise grows" if rho_gap.high < 0
                 else "local search loses ground as the noise grows" if rho_gap.low > 0 else "no direction is settled")
    return RACE.above(THRESHOLD, rho_gap.estimate, Span.of(rho_gap, covers)), {"race_direction": direction}
