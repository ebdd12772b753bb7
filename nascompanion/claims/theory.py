"""Claims of the chapter "theory": Section 5's derivation, the branching fractions of (K5)^6, and
how well Lemmas 5.2 and 5.3 predict local search on that graph with uniform random losses.

Every rule was written after the chapter's first version had shown its numbers, and says so. The
``judge_*`` functions return the chapter's findings (those on the simulation with the interval over
its draws); the ``*_values`` functions the numbers its prose reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.report import stats
from nascompanion.report.findings import Finding, Rule, Span, after
from nascompanion.theory import montecarlo as M
from nascompanion.theory import symbolic as S

TOLERANCE = 0.05
"""Largest error (fraction of starts) over eps for Lemma 5.3 to predict the simulation."""

MINIMA_TOLERANCE = 0.01
"""Relative tolerance of the number of local minima around n/(s+1)."""

PREIMAGE_TOLERANCE = 0.05
"""Largest relative error of Lemma 5.2 over the loss bins up to x = 0.4."""

PREIMAGE_UP_TO = 0.4
"""The loss bins judged: centres up to this loss."""

FIRST_VERSION = "the errors of each reading in the chapter's first version"

DERIVATION = Rule("derivation", "Lemma 5.3 follows from Theorem 5.1 and Lemma 5.2", "paper, Sec. 5 (Lemma 5.3)",
                  "every step's difference from the paper's expression simplifies to zero in sympy",
                  after("the sympy steps of the chapter's first version"))

BRANCHING = Rule("branching", "The branching fraction of (K5)^6 is b_k = (6-k+1)/(6k)", "paper, Sec. 5",
                 "breadth-first search on the benchmark's graph and the formula differ by less than 1e-12 "
                 "for k = 1..6",
                 after("the measured fractions of the chapter's first version"))

MINIMA = Rule("minima_count", "With uniform losses the expected number of local minima is n/(s+1)",
              "paper, Lemma 5.3",
              f"the simulated mean number of local minima lies within {MINIMA_TOLERANCE:.0%} of n/(s+1), "
              "its interval included",
              after("a simulated mean of 624.8 +- 0.5 against 625, judged then by a 2-standard-error rule"))

PAPER_B = Rule("lemma53_paper_b",
               "Lemma 5.3 with the paper's b_k exactly predicts the fraction of starts that end within eps "
               "of the optimum",
               "paper, Sec. 5 (Lemma 5.3; Figure 4.2, right)",
               "under the better of the b0=1 and b1..bi readings, the largest "
               f"|Lemma 5.3 - simulation| over eps is below {TOLERANCE}, its interval included",
               after(FIRST_VERSION))

TREE = Rule("lemma53_tree", "Lemma 5.3 read as a tree (every b = 1) predicts the same fraction",
            "paper, Sec. 5 (Lemma 5.3, tree reading)",
            f"the largest |Lemma 5.3 with all b = 1 - simulation| over eps is below {TOLERANCE}, "
            "its interval included",
            after(FIRST_VERSION))

PREIMAGE = Rule("lemma52_preimage", "Lemma 5.2 exactly predicts the preimage sizes on uniform losses",
                "paper, Sec. 5 (Lemma 5.2; Figure 4.2, right)",
                f"under some reading, the relative error is at most {PREIMAGE_TOLERANCE:.0%} in every loss bin "
                f"with x <= {PREIMAGE_UP_TO}, its interval included",
                after("the preimage errors of the chapter's first version"))


def _covers(draws: int) -> str:
    return f"90 % bootstrap over {draws:,} uniform loss draws"


def judge_derivation(steps) -> Finding:
    """Whether every sympy step of the derivation verifies.

    Examples
    --------
    >>> from types import SimpleNamespace as Step
    >>> judge_derivation([Step(verified=True), Step(verified=False)]).measured
    '1 of 2 steps'
    """
    ok = sum(step.verified for step in steps)
    return DERIVATION.judge(all(step.verified for step in steps), f"{ok} of {len(steps)} steps",
                            detail="with b_0 = 1")


def derivation_values(steps) -> dict:
    """Steps that verify, of all."""
    return {"steps_ok": sum(step.verified for step in steps), "steps_all": len(steps)}


def judge_branching(measured: np.ndarray, paper_b: np.ndarray) -> Finding:
    """Whether the measured and the paper's ``b_k`` differ by less than ``1e-12`` everywhere.

    Examples
    --------
    >>> judge_branching(np.array([1.0, 0.5]), np.array([1.0, 0.5 + 1e-9])).outcome
    'does not hold'
    """
    gap = float(np.max(np.abs(measured - paper_b)))
    return BRANCHING.judge(gap < 1e-12, gap, detail="largest difference")


def lemma53_at_one(factors: dict, s: int) -> dict[str, float]:
    """Lemma 5.3 divided by n at eps = 1 (which should be 1: every start ends somewhere), per reading.

    Examples
    --------
    >>> round(lemma53_at_one({"b0=1": [1, 1, 5 / 12, 2 / 9, 1 / 8, 1 / 15, 1 / 36]}, 24)["b0=1"], 4)
    0.8968
    """
    return {reading: float(S.lemma53(1.0, s, f)) for reading, f in factors.items()}


def at_one_values(at_one: dict) -> dict:
    """Lemma 5.3 at eps = 1 under each reading, as ``at_one_<reading>``."""
    return {f"at_one_{reading}": value for reading, value in at_one.items()}


def minima_interval(minima: np.ndarray) -> stats.Interval:
    """The 90 % normal interval of the mean number of local minima over the draws."""
    return stats.mean_interval(minima, z=stats.normal_z(0.9))


def judge_minima(minima: np.ndarray, n: int, s: int, tolerance: float = MINIMA_TOLERANCE) -> Finding:
    """Whether the mean number of local minima, its interval included, lies within ``tolerance`` of n/(s+1).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> judge_minima(625 + rng.normal(0, 1, 100), 15625, 24).outcome
    'holds'
    >>> judge_minima(640 + rng.normal(0, 1, 100), 15625, 24).outcome
    'does not hold'
    """
    theory = n / (s + 1)
    interval = minima_interval(minima)
    return MINIMA.within(theory, tolerance * theory, interval.estimate,
                         Span.of(interval, f"90 % normal interval over {len(minima):,} uniform loss draws"))


def minima_readings(mc, n: int, s: int, finding: Finding) -> pd.DataFrame:
    """The outcome of the minima claim under the earlier rule (two standard errors) and under
    tolerances of 0.5 %, 1 % and 2 % (with the interval of ``finding``)."""
    theory = n / (s + 1)
    mean, se = mc.minima_mean_se()
    readings = {"within 2 standard errors (the earlier rule)": MINIMA.judge(abs(mean - theory) <= 2 * se).outcome}
    readings.update({f"within {t:.1%} of n/(s+1)": MINIMA.within(theory, t * theory, mean, finding.interval).outcome
                     for t in (0.005, MINIMA_TOLERANCE, 0.02)})
    return pd.DataFrame({"reading of the rule": list(readings), "outcome": list(readings.values())})


def minima_values(mc, n: int, s: int) -> dict:
    """The simulated number of local minima with its standard error and interval, and n/(s+1)."""
    mean, se = mc.minima_mean_se()
    interval = minima_interval(mc.minima)
    return {"minima": mean, "minima_se": se, "minima_theory": n / (s + 1),
            "minima_low": interval.low, "minima_high": interval.high}


def reading_values(errors: pd.DataFrame, mean: np.ndarray, theory: dict) -> dict:
    """Each reading's errors (``maxerr_``, ``err001_``, ``err1_``), the simulation and the tree form at
    eps = 0.01, and the closest reading overall and at eps = 0.01."""
    names = {reading: f"Lemma 5.3, {reading}" for reading in ("b0=1", "b1..bi", "tree")}
    values = {f"maxerr_{r}": float(errors.loc[name, "max |error|"]) for r, name in names.items()}
    for r, name in names.items():
        values[f"err001_{r}"] = float(errors.loc[name, "error at eps=0.01"])
        values[f"err1_{r}"] = float(errors.loc[name, "error at eps=1"])
    values.update(mc_eps001=float(mean[1]), tree_eps001=float(theory["Lemma 5.3, tree"][1]),
                  closest_reading=errors["max |error|"].idxmin().removeprefix("Lemma 5.3, "),
                  closest_at_001=errors["error at eps=0.01"].abs().idxmin().removeprefix("Lemma 5.3, "))
    return values


def judge_lemma53(within: np.ndarray, theory: dict, at_one: dict, rng: np.random.Generator,
                  resamples: int) -> tuple[Finding, Finding, dict]:
    """Lemma 5.3 with the paper's ``b_k`` (the better of ``b0=1`` and ``b1..bi``) and in the tree form,
    each judged on the bootstrap interval of its largest error over eps.

    Parameters
    ----------
    within
        Simulated fraction of starts within each eps, per draw (``MonteCarlo.within``).
    theory
        ``"Lemma 5.3, <reading>"`` -> the predicted fraction at each eps.
    at_one
        Lemma 5.3 at eps = 1 under each reading (for the detail).
    rng
        Source of the bootstrap resamples: the paper's readings first, then the tree form.
    resamples
        Bootstrap resamples of the draws.

    Returns
    -------
    tuple
        The two findings and ``{"paper_b": Interval, "tree": Interval}`` with the tolerance table's
        inputs.
    """
    covers = _covers(within.shape[0])
    paper_i = M.closest_curve_error(within, np.stack([theory["Lemma 5.3, b0=1"], theory["Lemma 5.3, b1..bi"]]),
                                    rng, resamples=resamples)
    tree_i = M.closest_curve_error(within, theory["Lemma 5.3, tree"], rng, resamples=resamples)
    paper_b = PAPER_B.below(TOLERANCE, paper_i.estimate, Span.of(paper_i, covers),
                            detail=f"sums to {at_one['b0=1']:.2f} n (b0=1) or {at_one['b1..bi']:.2f} n (b1..bi) "
                                   "at eps = 1")
    tree = TREE.below(TOLERANCE, tree_i.estimate, Span.of(tree_i, covers), detail="overestimates at small eps")
    return paper_b, tree, {"paper_b": paper_i, "tree": tree_i}


def lemma53_tolerance_table(intervals: dict, draws: int) -> pd.DataFrame:
    """The outcome of both Lemma 5.3 claims had the tolerance been 0.02, 0.05 or 0.1.

    Examples
    --------
    >>> from nascompanion.report.stats import Interval
    >>> table = lemma53_tolerance_table({"paper_b": Interval(0.1, 0.09, 0.11), "tree": Interval(0.04, 0.03, 0.06)}, 10)
    >>> table.loc["tree form"].tolist()
    ['does not hold', 'undecided', 'holds']
    """
    covers = _covers(draws)
    return pd.DataFrame({
        f"tolerance {t}": {
            "paper's b_k (better reading)": PAPER_B.below(t, intervals["paper_b"].estimate,
                                                         Span.of(intervals["paper_b"], covers)).outcome,
            "tree form": TREE.below(t, intervals["tree"].estimate, Span.of(intervals["tree"], covers)).outcome}
        for t in (0.02, TOLERANCE, 0.1)})


def lemma53_interval_values(intervals: dict) -> dict:
    """The tree form's interval and the lower end of the paper's readings'."""
    return {"tree_low": intervals["tree"].low, "tree_high": intervals["tree"].high,
            "paper_b_low": intervals["paper_b"].low}


def preimage_errors(mc, curves: dict) -> tuple[dict, dict, dict]:
    """Lemma 5.2 against the simulated full preimage: each reading's relative error in the lowest loss
    bin, its largest relative error over the bins up to :data:`PREIMAGE_UP_TO`, and its bin averages
    there.

    Parameters
    ----------
    mc
        The :class:`~nascompanion.theory.montecarlo.MonteCarlo` simulation.
    curves
        Reading -> :class:`~nascompanion.theory.numeric.TheoryCurves`.
    """
    pm, _ = mc.preimage_mean_se()
    up_to = mc.bin_centres <= PREIMAGE_UP_TO
    lowest = {r: stats.bin_average(c.full_preimage, c.grid, mc.bin_edges)[0] / pm[-1, 0] - 1 for r, c in curves.items()}
    predicted = {r: stats.bin_average(c.full_preimage, c.grid, mc.bin_edges)[up_to] for r, c in curves.items()}
    largest = {r: np.nanmax(np.abs(v / pm[-1, up_to] - 1)) for r, v in predicted.items()}
    return lowest, largest, predicted


def judge_preimage(mc, curves: dict, rng: np.random.Generator, resamples: int) -> tuple[Finding, dict]:
    """Whether, under some reading, Lemma 5.2 stays within :data:`PREIMAGE_TOLERANCE` of the simulated
    preimage in every bin up to :data:`PREIMAGE_UP_TO`, judged on the bootstrap over draws.

    Returns the finding and the glued numbers of the preimage section (``pre_err_<reading>``,
    ``best_preimage_reading``, ``bin_err_min``, ``bin_err_high``).
    """
    lowest, largest, predicted = preimage_errors(mc, curves)
    up_to = mc.bin_centres <= PREIMAGE_UP_TO
    interval = M.closest_curve_error(mc.preimage[:, -1, up_to], np.stack(list(predicted.values())), rng,
                                     relative=True, resamples=resamples)
    finding = PREIMAGE.below(PREIMAGE_TOLERANCE, interval.estimate, Span.of(interval, _covers(mc.minima.shape[0])),
                             detail=f"closest: {min(largest, key=largest.get)}")
    values = {f"pre_err_{r}": 100 * v for r, v in lowest.items()}
    values.update(best_preimage_reading=pd.Series(lowest).abs().idxmin(),
                  bin_err_min=100 * interval.estimate, bin_err_high=100 * interval.high)
    return finding, values


def preimage_table(mc, curves: dict) -> pd.DataFrame:
    """Each reading's error (%) in the lowest bin and its largest over the bins up to x = 0.4."""
    lowest, largest, _ = preimage_errors(mc, curves)
    return pd.DataFrame({"error in the lowest bin (%)": {r: 100 * v for r, v in lowest.items()},
                         "largest error over bins up to x = 0.4 (%)": {r: 100 * v for r, v in largest.items()}})


def approximation_values(s: int, points: int = 201) -> dict:
    """The largest relative error (%) of 1 + s G^s exp(G^s) over G in [0, 1], where it is, and at G = 0.9.

    Examples
    --------
    >>> values = approximation_values(24)
    >>> values["approx_err"] > values["approx_err_09"] > 0
    True
    """
    grid = np.linspace(0, 1, points)
    exact, approx = S.approximation_error(s, grid)
    relative = approx / exact - 1
    at_09 = int(np.flatnonzero(np.isclose(grid, 0.9))[0])
    return {"approx_err": float(np.max(np.abs(relative)) * 100), "approx_err_09": float(relative[at_09] * 100),
            "approx_err_at": float(grid[np.argmax(np.abs(relative))])}
