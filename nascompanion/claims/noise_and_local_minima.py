"""Table 1, Figure 4.1 and the noise sweeps of Sec. 4: the rules of the chapter noise_and_local_minima.

Every criterion the chapter judges is written here; the functions take the chapter's computed
results (draws of the landscape statistics, search-tree sizes, sweeps) and return its
:class:`~nascompanion.report.findings.Finding` records with the values the prose quotes.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

import numpy as np
import pandas as pd

from nascompanion.landscape.noise import SweepResult
from nascompanion.report import paper
from nascompanion.report.findings import BEFORE, THIS_BOOK, Finding, Rule, Span, after
from nascompanion.report.stats import Interval, bootstrap_interval, mean_interval, paired_difference
from nascompanion.report.tables import interval

P = paper.TABLE1.value
"""The paper's Table 1: ``{version: {statistic: value}}``."""

BELOW = paper.STANDARD_GLOBAL_BELOW_PCT.value
"""The paper's bound on the % of starts reaching the global minimum on the standard landscape."""

TOLERANCE = {"minima_pct": 20, "share": 5.0, "iterations": 0.1}
"""Two-sided tolerances for the paper's denoised numbers: % of its minima, points of share, iterations."""

SIMULATED = "standard (simulated: noise x=1)"
"""Table 1's name for the simulated standard row."""

ESTIMATES = ("classes", "best-cells")
"""The two estimates of sigma the simulated standard row is judged at."""

SEEN_TABLE1 = after("Table 1 as first executed (denoised 13 minima, 70.1 %, 5.94 iterations; simulated "
                    "standard 54 minima, 14.3 %; random 624 minima, 2.55 iterations)")

FEWER_MINIMA = Rule(
    "denoised_fewer_minima", "Denoised: few local minima, fewer than on the one-seed (standard) landscape",
    "paper, Table 1", "standard (simulated, x = 1) minus denoised local minima > 0, "
    "95 % interval at both sigma estimates", SEEN_TABLE1)

MORE_REACH_GLOBAL = Rule(
    "denoised_more_reach_global", "Denoised: almost half of the starts reach the global minimum, "
    "far more than on the standard landscape", "paper, Table 1",
    "denoised minus standard (simulated, x = 1) % reaching the global minimum > 0, "
    "95 % interval at both sigma estimates", SEEN_TABLE1)

_NUMBER_WORDS = {"local_minima": ("local minima", f"{TOLERANCE['minima_pct']} %"),
                 "reached_global_pct": ("% of starts reach the global minimum", f"{TOLERANCE['share']} points"),
                 "iterations": ("iterations per search", TOLERANCE["iterations"])}

DENOISED_NUMBERS = {
    stat: Rule(f"denoised_{stat}_number", f"Denoised: {P['denoised'][stat]} {label}", "paper, Table 1",
               f"within {tol} of the paper's {P['denoised'][stat]}", SEEN_TABLE1)
    for stat, (label, tol) in _NUMBER_WORDS.items()}
"""The paper's three denoised numbers, each within its tolerance."""

STANDARD_REAL = Rule(
    "standard", f"Standard (one real seed): under {BELOW} % of starts reach the global minimum", "paper, Table 1",
    f"on one real seed per cell: % reaching the global minimum < {BELOW}, 95 % interval over seed draws", BEFORE)

_STANDARD_WORDS = {"local_minima": "local minima", "reached_global_pct": "% reach the global minimum"}

STANDARD_SIMULATED = {
    (stat, est): Rule(f"standard_sim_{stat}_{est.replace('-', '_')}",
                      f"Standard: {P['standard'][stat]} {label} (simulated, sigma: {est})", "paper, Table 1",
                      f"95 % interval of our mean within 2 single-draw SDs of the paper's {P['standard'][stat]}",
                      SEEN_TABLE1)
    for stat, label in _STANDARD_WORDS.items() for est in ESTIMATES}
"""The paper's standard numbers against the simulated row, at each estimate of sigma."""

_RANDOM_WORDS = {"local_minima": ("local minima", "2 single-draw SDs"),
                 "iterations": ("iterations per search", TOLERANCE["iterations"])}

RANDOM = {stat: Rule(f"random_{stat}", f"Random: {P['random'][stat]} {label}", "paper, Table 1",
                     f"95 % interval of our mean within {tol} of the paper's {P['random'][stat]}", SEEN_TABLE1)
          for stat, (label, tol) in _RANDOM_WORDS.items()}
"""The paper's random row."""

TREES_WHOLE = Rule(
    "trees_whole_basins", "Figure 4.1: the denoised search trees are far larger than the random ones "
    "(whole basins of the minima the six cells reach)", "paper, Figure 4.1",
    "more than 10 times the cells of the mean random landscape, 90 % bootstrap interval",
    after("the drawn trees: 10,950 denoised cells in one tree against 357 random cells"))

TREES_OWN = Rule(
    "trees_own_preimages", "Figure 4.1: the denoised search trees are far larger than the random ones "
    "(each of the six cells' own full preimage)", "paper, Figure 4.1",
    "more than 10 times the cells of the mean random landscape, 90 % bootstrap interval", BEFORE)

TREE_FACTOR = 10
"""How many times the random trees' cells the denoised trees must hold."""

ONE_RESCALING = Rule(
    "one_rescaling", "One rescaling of sigma reproduces both the paper's standard minima and its share "
    "reaching the global minimum", THIS_BOOK, "the two fitted multipliers differ by at most 25 % "
    "(ratio <= 1.25), 90 % bootstrap over the sweep's draws",
    after("the sweep it judges (the threshold came with that sweep)"))

RESCALING_LIMIT = 1.25
"""The largest ratio of the two fitted noise multipliers that counts as one rescaling."""

SEEN_SWEEP = after("the sweep's means at x = 0 and x = 3 on every dataset")

SWEEP_CLAIMS = {
    "local_minima": ("As noise grows, local minima multiply", "above", "paper, Sec. 4"),
    "global_basin_size": ("As noise grows, the global minimum's basin shrinks", "below", "paper, Sec. 4"),
    "iterations": ("As noise grows, local search converges in fewer iterations", "below", "paper, Sec. 4, Figure 4.3")}
"""Each statistic of the sweep: the claim, the side of 0 the paired difference must lie on, and its source."""


def sweep_rule(statistic: str, dataset: str) -> Rule:
    """The rule of the noise sweep for ``statistic`` on ``dataset``.

    Examples
    --------
    >>> sweep_rule("local_minima", "CIFAR-10").id
    'sweep_local_minima_cifar_10'
    """
    if statistic not in SWEEP_CLAIMS:
        raise ValueError(f"statistic must be one of {', '.join(SWEEP_CLAIMS)}, got {statistic!r}")
    claim, side, source = SWEEP_CLAIMS[statistic]
    return Rule(f"sweep_{statistic}_{dataset.lower().replace('-', '_')}", f"{claim} ({dataset})", source,
                f"mean over draws of the paired difference x = 3 minus x = 0 {'>' if side == 'above' else '<'} 0, "
                "95 % interval", SEEN_SWEEP)


def paper_values() -> dict[str, Any]:
    """The paper's Table 1 numbers and the tolerances, as the chapter's prose quotes them.

    Examples
    --------
    >>> paper_values()["paper_random_local_minima"], paper_values()["tol_share"]
    (616, 5.0)
    """
    values = {f"paper_{version}_{stat}": value for version, row in P.items() for stat, value in row.items()}
    values["paper_std_below"] = BELOW
    return values | {f"tol_{name}": value for name, value in TOLERANCE.items()}


def table1_values(table1: pd.DataFrame) -> dict[str, float]:
    """The rows of Table 1 the prose quotes (means over draws, and the random row's spread).

    Parameters
    ----------
    table1
        Table 1 as :func:`~nascompanion.landscape.noise.landscape_table` returns it, the standard row
        renamed :data:`SIMULATED`.
    """
    ours = table1["ours"].astype(float)
    keys = {"den_min": ("denoised", "local_minima"), "den_glob": ("denoised", "reached_global_pct"),
            "den_it": ("denoised", "iterations"), "std_min": (SIMULATED, "local_minima"),
            "std_glob": (SIMULATED, "reached_global_pct"), "rnd_min": ("random", "local_minima"),
            "rnd_glob": ("random", "reached_global_pct"), "rnd_it": ("random", "iterations")}
    values = {key: float(ours[row]) for key, row in keys.items()}
    values["rnd_min_sd"] = float(table1.loc[("random", "local_minima"), "ours_sd"])
    glob_sd = float(table1.loc[("random", "reached_global_pct"), "ours_sd"])
    measured = ours[("random", "reached_global_pct")]
    values["rnd_glob_z"] = (P["random"]["reached_global_pct"] - float(measured)) / glob_sd
    values["rnd_glob_below"] = "below" if measured < P["random"]["reached_global_pct"] else "above"
    return values


def denoised_row(table1: pd.DataFrame) -> dict[str, float]:
    """Table 1's denoised row, in the order of the paper's.

    Examples
    --------
    >>> index = pd.MultiIndex.from_tuples([("denoised", s) for s in P["denoised"]])
    >>> denoised_row(pd.DataFrame({"ours": [5.9, 13, 70.1]}, index=index))
    {'iterations': 5.9, 'local_minima': 13.0, 'reached_global_pct': 70.1}
    """
    return {stat: float(table1.loc[("denoised", stat), "ours"]) for stat in P["denoised"]}


def simulated_standard(draws: Mapping[str, Mapping[str, np.ndarray]]) -> tuple[list[Finding], dict[str, float]]:
    """The paper's standard numbers against the simulated standard row at both estimates of sigma.

    Parameters
    ----------
    draws
        ``{estimate: {statistic: values over noise draws}}`` for both :data:`ESTIMATES`.

    Returns
    -------
    findings, values
        One finding per statistic and estimate; the percentile of the paper's number among the draws.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> near = {"local_minima": rng.normal(55, 4, 50), "reached_global_pct": rng.normal(7, 2, 50)}
    >>> far = {"local_minima": rng.normal(27, 2, 50), "reached_global_pct": rng.normal(30, 2, 50)}
    >>> found, _ = simulated_standard({"classes": near, "best-cells": far})
    >>> [f.outcome for f in found]
    ['holds', 'does not hold', 'holds', 'does not hold']
    """
    findings, values = [], {}
    for (stat, est), rule in STANDARD_SIMULATED.items():
        drawn = np.asarray(draws[est][stat])
        covers = f"95 % over {drawn.size} noise draws, sigma: {est}"
        findings.append(rule.within(P["standard"][stat], 2 * drawn.std(ddof=1), drawn.mean(),
                                    Span.of(mean_interval(drawn), covers)))
        values[f"pctile_{stat}_{est.replace('-', '_')}"] = 100 * np.mean(drawn <= P["standard"][stat])
    return findings, values


def denoised_differences(denoised: Mapping[str, float], draws: Mapping[str, Mapping[str, np.ndarray]]
                         ) -> dict[str, dict[str, Interval]]:
    """Denoised row against the simulated standard row at each estimate of sigma (95 % intervals).

    Returns
    -------
    dict
        ``{"minima": {estimate: standard minus denoised local minima}, "global": {estimate: denoised
        minus standard % reaching the global minimum}}``.
    """
    return {"minima": {e: mean_interval(d["local_minima"] - denoised["local_minima"]) for e, d in draws.items()},
            "global": {e: mean_interval(denoised["reached_global_pct"] - d["reached_global_pct"])
                       for e, d in draws.items()}}


def denoised_direction(differences: Mapping[str, Mapping[str, Interval]], draws: int
                       ) -> tuple[list[Finding], dict[str, float]]:
    """Fewer minima and more starts reaching the global minimum than the standard landscape.

    Each is decided on the union of the 95 % intervals at both estimates of sigma.

    Examples
    --------
    >>> far = {e: Interval(40.0, 38.0, 42.0) for e in ESTIMATES}
    >>> found, values = denoised_direction({"minima": far, "global": far}, 200)
    >>> [f.outcome for f in found], values["d_min"]
    (['holds', 'holds'], 40.0)
    """
    covers = f"95 % over {draws} noise draws of the simulated standard row, union over both sigma estimates"
    findings = [rule.above(0, d["classes"].estimate, Span(min(i.low for i in d.values()),
                                                          max(i.high for i in d.values()), covers))
                for rule, d in ((FEWER_MINIMA, differences["minima"]), (MORE_REACH_GLOBAL, differences["global"]))]
    values = {"d_min": differences["minima"]["classes"].estimate, "d_glob": differences["global"]["classes"].estimate,
              "d_min_alt": differences["minima"]["best-cells"].estimate,
              "d_glob_alt": differences["global"]["best-cells"].estimate}
    return findings, values


def difference_table(differences: Mapping[str, Mapping[str, Interval]]) -> pd.DataFrame:
    """The differences of :func:`denoised_differences` as a table, one row per difference and estimate."""
    names = {"minima": "standard minus denoised local minima", "global": "denoised minus standard % reaching global"}
    return pd.DataFrame({(names[key], e): {"mean [95 % interval]": interval(*vars(i).values())}
                         for key, d in differences.items() for e, i in d.items()}).T


def tolerances() -> dict[str, float]:
    """The tolerance of each of the paper's denoised numbers, in the statistic's units.

    Examples
    --------
    >>> tolerances()["local_minima"]
    4.2
    """
    return {"local_minima": TOLERANCE["minima_pct"] / 100 * P["denoised"]["local_minima"],
            "reached_global_pct": TOLERANCE["share"], "iterations": TOLERANCE["iterations"]}


def denoised_numbers(denoised: Mapping[str, float]) -> tuple[list[Finding], pd.DataFrame, dict[str, float]]:
    """The paper's denoised numbers, each within its tolerance (a deterministic landscape: no interval).

    Returns
    -------
    findings, table, values
        One finding per statistic; the comparison table; how far each number misses (``miss_<stat>``).

    Examples
    --------
    >>> found, _, _ = denoised_numbers({"local_minima": 22, "reached_global_pct": 50.0, "iterations": 5.9})
    >>> [f.outcome for f in found]
    ['holds', 'holds', 'does not hold']
    """
    tol = tolerances()
    found = {stat: DENOISED_NUMBERS[stat].within(P["denoised"][stat], tol[stat], denoised[stat])
             for stat in DENOISED_NUMBERS}
    miss = {s: abs(denoised[s] - P["denoised"][s]) for s in tol}
    table = pd.DataFrame({"paper": dict(P["denoised"]), "ours": dict(denoised), "tolerance": tol,
                          "smallest tolerance that agrees": miss,
                          "outcome": {s: f.outcome for s, f in found.items()}})
    return list(found.values()), table, {f"miss_{stat}": miss[stat] for stat in found}


def random_row(draws: Mapping[str, np.ndarray]) -> list[Finding]:
    """The paper's random row against the mean over random landscapes (95 % intervals).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> found = random_row({"local_minima": rng.normal(616, 20, 200), "iterations": rng.normal(3.5, 0.05, 200)})
    >>> [f.outcome for f in found]
    ['holds', 'does not hold']
    """
    findings = []
    for stat, rule in RANDOM.items():
        values = np.asarray(draws[stat])
        tolerance = 2 * values.std(ddof=1) if stat == "local_minima" else TOLERANCE["iterations"]
        findings.append(rule.within(P["random"][stat], tolerance, values.mean(),
                                    Span.of(mean_interval(values), f"95 % over {values.size} random landscapes")))
    return findings


def standard_real(table1: pd.DataFrame, per_seed: bool, draws: int) -> Finding:
    """The paper's bound on the real one-seed landscape, or why it cannot be checked.

    Parameters
    ----------
    table1
        Table 1 with the row ``"standard (one seed)"`` where ``per_seed``.
    per_seed
        Whether the data hold one training seed's accuracy for every cell.
    draws
        Seed draws behind that row.

    Examples
    --------
    >>> standard_real(pd.DataFrame(), False, 200).outcome
    'cannot be checked'
    """
    if not per_seed:
        return STANDARD_REAL.unchecked("needs one training seed's accuracy for every cell (the official "
                                       "NAS-Bench-201 file); these tables hold seed means only", paper=BELOW)
    real = table1.loc[("standard (one seed)", "reached_global_pct")]
    half = 1.96 * real["ours_sd"] / np.sqrt(draws)
    return STANDARD_REAL.below(BELOW, real["ours"], Span(
        real["ours"] - half, real["ours"] + half, f"95 % over {draws} draws of one real seed per cell"), paper=BELOW)


def rescaling(ratio: float, low: float, high: float, draws: int) -> tuple[Finding, dict[str, float]]:
    """Whether one multiplier of sigma reproduces both of the paper's standard numbers.

    Parameters
    ----------
    ratio, low, high
        Larger over smaller fitted multiplier, and its 90 % bootstrap interval (NaN where a
        resample's grid does not reach both numbers).
    draws
        Draws of the sweep the bootstrap resamples.

    Examples
    --------
    >>> rescaling(1.1, 1.05, 1.2, 30)[0].outcome, rescaling(1.6, 1.4, 1.9, 30)[0].outcome
    ('holds', 'does not hold')
    """
    values = {"x_ratio": ratio, "x_ratio_low": low, "x_ratio_high": high}
    if not np.isfinite([ratio, low, high]).all():
        return ONE_RESCALING.unchecked("the grid of x does not reach both of the paper's numbers in every "
                                       "resample"), values
    covers = f"90 % bootstrap over the sweep's {draws} draws"
    return ONE_RESCALING.below(RESCALING_LIMIT, ratio, Span(low, high, covers)), values


def tree_findings(denoised: Mapping[str, int], random: Mapping[str, np.ndarray], rng: np.random.Generator
                  ) -> tuple[list[Finding], dict[str, float]]:
    """Figure 4.1 read two ways: denoised tree sizes against the mean over random landscapes.

    Parameters
    ----------
    denoised
        ``{"basins": cells, "own": cells}`` of the denoised landscape's six cells.
    random
        The same sizes over random landscapes (arrays).
    rng
        Source of the bootstrap over random landscapes; both readings start from its state, so they
        share their resamples (paired).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> random = {"basins": rng.integers(300, 400, 50), "own": rng.integers(30, 40, 50)}
    >>> found, values = tree_findings({"basins": 10_000, "own": 200}, random, rng)
    >>> [f.outcome for f in found]
    ['holds', 'does not hold']
    """
    findings, values = [], {}
    for rule, key in ((TREES_WHOLE, "basins"), (TREES_OWN, "own")):
        drawn = np.asarray(random[key])
        mean = bootstrap_interval(drawn, copy.deepcopy(rng))
        ratio = denoised[key] / mean.estimate
        span = Span(denoised[key] / mean.high, denoised[key] / mean.low,
                    f"90 % bootstrap over {drawn.size} random landscapes")
        findings.append(rule.above(TREE_FACTOR, ratio, span))
        values |= {f"tree_{key}_den": denoised[key], f"tree_{key}_rnd": mean.estimate, f"tree_{key}_ratio": ratio}
    return findings, values


def sweep_findings(sweeps: Mapping[str, SweepResult]) -> tuple[list[Finding], pd.DataFrame, dict[str, str]]:
    """Each sweep's statistics at the largest ``x`` against ``x = 0``, paired over draws (95 %).

    Returns
    -------
    findings, table, values
        One finding per dataset and statistic; the differences with their outcomes (a dataset per
        row); each statistic's outcomes by dataset in words (``sweep_<stat>``).

    Examples
    --------
    >>> grow = np.array([[1.0, 2.0, 1.5], [9.0, 8.0, 9.5]])
    >>> s = SweepResult(np.array([0.0, 3.0]), {"local_minima": grow, "global_basin_size": -grow,
    ...                                         "iterations": -grow}, 0.2)
    >>> found, _, values = sweep_findings({"CIFAR-10": s})
    >>> values["sweep_local_minima"]
    'CIFAR-10: holds'
    """
    findings, gaps = [], {}
    for name, s in sweeps.items():
        for stat, (_, side, _) in SWEEP_CLAIMS.items():
            d = paired_difference(s.stats[stat][-1], s.stats[stat][0], z=1.96)
            found = getattr(sweep_rule(stat, name), side)(0, d.estimate,
                                                          Span.of(d, f"95 % over {s.draws} noise draws, paired"))
            findings.append(found)
            gaps[(name, stat)] = f"{interval(d.estimate, d.low, d.high, 1)}: {found.outcome}"
    table = pd.Series(gaps).unstack().add_suffix(": x = 3 minus x = 0").rename_axis("dataset")
    values = {f"sweep_{stat}": ", ".join(f"{n}: {f.outcome}" for n, f in
                                         zip(sweeps, [f for f in findings if f.id.startswith(f"sweep_{stat}_")]))
              for stat in SWEEP_CLAIMS}
    return findings, table, values


RESCALING_TARGETS = {stat: P["standard"][stat] for stat in ("local_minima", "reached_global_pct")}
"""The paper's two standard numbers one multiplier of sigma should reproduce."""
