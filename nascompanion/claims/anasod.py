"""The claims of ANASOD (chapter ``anasod``) and the rules that judge them on NAS-Bench-201.

Three groups: its Table 1 (does the encoding determine the error?), its Appendix B (is the
encoding grid smoother than the cell graph?) and its Tables 2 and 6 (do its searches beat local
search, random search and evolution?). Table 1's rules are judged on the central 90 % of
redraws of the paper's sample; the searches on $z$, the difference of two means in standard
errors of the difference, with $z \\pm 2$ as the interval over the trials.

Examples
--------
>>> f = table1_findings({"ratio": np.array([0.2, 0.25, 0.3]), "top": np.array([-1.0, -0.5, -0.2]),
...                      "seed": np.array([1.0, 2.0, 3.0])}, {"ratio": 0.25, "top": -0.5, "seed": 2.0}, 3, 200, 5)
>>> [x.outcome for x in f]
['holds', 'holds', 'holds']
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from nascompanion.report import paper, stats
from nascompanion.report.findings import BEFORE, FAILS, HOLDS, Finding, Rule, Span, after
from nascompanion.spaces import nb201

DETERMINES = Rule("encoding_determines", "The encoding largely determines the error: fixing it massively reduces "
                  "the variability", "ANASOD paper, Table 1", "largest of the three NB201 ratios (median SD within "
                  "an encoding / overall SD) below 1/3, over the central 90 % of redraws of the sample", BEFORE)
TIGHTER = Rule("better_encodings_tighter", "Better encodings vary less", "ANASOD paper, Table 1",
               "median SD of the better half minus median SD of all encodings below 0 on all three NB201 "
               "datasets (the largest of the three), over the central 90 % of redraws", BEFORE)
ABOVE_SEED = Rule("spread_above_seed_noise", "The spread within an encoding exceeds the seed noise",
                  "ANASOD paper, Table 1", "median SD within an encoding minus the seed SD above 0 on all three "
                  "NB201 datasets (the smallest of the three), over the central 90 % of redraws", BEFORE)

SMOOTHER = Rule("grid_smoother", "ANASOD compresses and smooths the landscape: the encoding grid is smoother "
                "than the cell graph", "ANASOD paper, Appendix B", "fewer local minima on the grid of mean errors "
                "than on the cell graph, all three NB201 datasets", BEFORE)
SEEN_ONE = after("the grid of mean errors judged and the local minima of the grid seen through one cell per encoding")
ONE_MINIMA = Rule("grid_one_cell_fewer_minima", "The encoding grid, seen through one random cell per encoding, has "
                  "fewer local minima than the cell graph", "ANASOD paper, Appendix B", "cell-graph minima minus "
                  "mean grid minima over draws above 0, all three NB201 datasets (the smallest margin)", SEEN_ONE)
ONE_REACH = Rule("grid_one_cell_more_reach_global", "The encoding grid, seen through one random cell per "
                 "encoding, lets more starts reach its global minimum than the cell graph", "ANASOD paper, "
                 "Appendix B", "mean share over draws minus the cell graph's share (points) above 0, all three "
                 "NB201 datasets (the smallest margin)", SEEN_ONE)

RS_ON_PAR = Rule("anasod_rs_on_par", "ANASOD-RS is on par with random search", "ANASOD paper, Table 2 and Figure 3",
                 "|z| < 2 at the end on all three datasets (measured: the largest |z|; interval: z ± 2)", BEFORE)
BIASED_BEATS_RS = Rule("biased_rs_beats_rs", "Biased ANASOD-RS beats random search", "ANASOD paper, Table 2",
                       "z < -2 at the end on all three datasets: z + 2 < 0 (measured: the largest z)", BEFORE)
LS_MATCHES = Rule("anasod_ls_matches_ls", "ANASOD-LS matches or beats local search at the end",
                  "ANASOD paper, Table 6", "z < 2 at the end on all three datasets (measured: the largest z)", BEFORE)

OTHER_BENCHMARKS = Rule("anasod_nb301_dnas_open_domain", "ANASOD on NAS-Bench-301, ANASOD-DNAS and open-domain CIFAR",
                        "ANASOD paper, Tables 3-5", "rerun those experiments", BEFORE)
OTHER_REASON = "needs NAS-Bench-301 data and a DARTS-space supernet trained during the search"

QUOTED: tuple[str, ...] = ("NB201_CELLS", "NB201_EDGES", "NB201_OPERATIONS", "ANASOD_ENCODINGS",
                           "ANASOD_CELLS_PER_ENCODING", "ANASOD_BUDGET", "ANASOD_BO_BUDGET", "ANASOD_TRIALS",
                           "ANASOD_BETA_MAX")
"""The numbers of the two papers the chapter quotes (names in :mod:`nascompanion.report.paper`)."""


def paper_values() -> dict:
    """The quoted numbers under ``paper_<name>``, and the paper's Table 1 ratios under
    ``paper_ratio_<dataset>``.

    Examples
    --------
    >>> paper_values()["paper_anasod_cells_per_encoding"]
    5
    """
    values = {f"paper_{name.lower()}": getattr(paper, name).value for name in QUOTED}
    values.update({f"paper_ratio_{name.replace('-', '').lower()}": ratio
                   for name, ratio in paper.ANASOD_SD_RATIOS.value.items()})
    return values


Z_SPAN = "z ± 2: two standard errors of the difference over the trials"


def ls_early_rule(at: int) -> Rule:
    """ANASOD-LS is ahead of local search after ``at`` queries."""
    return Rule("anasod_ls_ahead_early", f"ANASOD-LS is ahead of local search after {at} queries",
                "ANASOD paper, text beside Table 6", "z < -2 on all three datasets: z + 2 < 0 (the largest z)", BEFORE)


def bo_best_rule(bo_budget: int) -> Rule:
    """ANASOD-BO is best after ``bo_budget`` queries."""
    return Rule("anasod_bo_best", f"ANASOD-BO is best after {bo_budget} queries", "ANASOD paper, Table 2",
                "z < 2 against every other method at that query on all three datasets (measured: the largest z)",
                BEFORE)


def gain_rule(paper_gain: float, tolerance: float, budget: int) -> Rule:
    """The size of biased ANASOD-RS's gain over random search on CIFAR-10, within ``tolerance``."""
    return Rule("biased_rs_gain_number", f"Biased ANASOD-RS lowers random search's best validation error on CIFAR-10 "
                f"by {paper_gain:.2f} points", "ANASOD paper, Table 2", f"our gain (best validation error seen "
                f"after {budget} queries) within ± {tolerance:.2f} of the paper's (two standard errors of its gain, "
                "from its Table 2), judged on our gain ± 2 s.e. over the trials", after("the Table 2 comparison"))


def redraw_spans(redrawn: Mapping[str, np.ndarray], redraws: int, n_encodings: int, per_encoding: int) -> dict:
    """The central 90 % of each redrawn statistic, as the span its rule is judged on."""
    return {k: Span(*np.quantile(v, [0.05, 0.95]), f"central 90 % of {redraws} redraws of the paper's "
                    f"{n_encodings} encodings x {per_encoding} cells") for k, v in redrawn.items()}


def table1_findings(redrawn: Mapping[str, np.ndarray], shown: Mapping[str, float], redraws: int, n_encodings: int,
                    per_encoding: int) -> list[Finding]:
    """Table 1's three findings, each on the median and central 90 % of its statistic over the redraws
    (:func:`nascompanion.related.anasod_table1.redraw_statistics`); ``shown`` is the table's one draw."""
    spans = redraw_spans(redrawn, redraws, n_encodings, per_encoding)
    note = {k: f"median of the redraws; the draw in the table: {v:.3f}" for k, v in shown.items()}
    return [DETERMINES.below(1 / 3, np.median(redrawn["ratio"]), spans["ratio"], detail=note["ratio"]),
            TIGHTER.below(0, np.median(redrawn["top"]), spans["top"], detail=note["top"]),
            ABOVE_SEED.above(0, np.median(redrawn["seed"]), spans["seed"], detail=note["seed"])]


def table1_values(ratio: Mapping[str, float], explained: Mapping[str, float], redrawn: Mapping[str, np.ndarray],
                  span: Span, redraws: int) -> dict:
    """The glued numbers of the Table 1 section (``span``: the ratio's span of :func:`redraw_spans`)."""
    worst = max(ratio, key=ratio.get)
    return dict(ratio_c10=ratio["CIFAR-10"], ratio_max=ratio[worst], ratio_worst=worst, ratio_low=span.low,
                ratio_high=span.high, redraws=redraws, explained_c10=100 * explained["CIFAR-10"],
                explained_min=100 * min(explained.values()), explained_min_name=min(explained, key=explained.get),
                ratio_median=np.median(redrawn["ratio"]))


GRID_COLUMNS = dict(cell_minima_c10="cell graph: local minima", cell_global_c10="cell graph: reach global (%)",
                    grid_minima_c10="grid (mean): local minima", grid_global_c10="grid (mean): reach global (%)",
                    grid_one_minima_c10="grid (one cell): local minima",
                    best_rank_c10="rank of best cell's encoding")
"""Glue name -> column of the landscape table, read on CIFAR-10."""


def grid_values(landscape: pd.DataFrame) -> dict:
    """The CIFAR-10 numbers of the landscape table the prose quotes."""
    return {key: landscape.loc["CIFAR-10", column] for key, column in GRID_COLUMNS.items()}


def smoother_finding(landscape: pd.DataFrame) -> Finding:
    """:data:`SMOOTHER`: the grid of mean errors has fewer minima than the cell graph on every dataset.

    Examples
    --------
    >>> t = pd.DataFrame({"grid (mean): local minima": [3, 9], "cell graph: local minima": [10, 9]})
    >>> smoother_finding(t).outcome
    'does not hold'
    """
    grid = landscape["grid (mean): local minima"]
    return SMOOTHER.judge((grid < landscape["cell graph: local minima"]).all(), int(grid.max()),
                          detail="most minima of the three grids")


def one_cell_findings(margins: Mapping[str, pd.DataFrame], draws: int) -> list[Finding]:
    """:data:`ONE_MINIMA` and :data:`ONE_REACH` on the smallest margin over datasets, each with a 90 % normal
    interval of the mean over the drawn landscapes
    (:func:`nascompanion.related.anasod_grid.one_cell_margins`)."""
    spans = {k: Span((m["mean"] - 1.645 * m["sem"]).min(), (m["mean"] + 1.645 * m["sem"]).min(),
                     f"90 % normal interval of the mean over {draws} drawn landscapes, smallest of three datasets")
             for k, m in margins.items()}
    return [ONE_MINIMA.above(0, margins["minima"]["mean"].min(), spans["minima"]),
            ONE_REACH.above(0, margins["reach"]["mean"].min(), spans["reach"],
                            detail=f"smallest on {margins['reach']['mean'].idxmin()}")]


def one_cell_values(per_draw: Mapping[str, pd.DataFrame], cells_c10: Mapping, counts: Mapping) -> dict:
    """The glued CIFAR-10 numbers of the one-cell grid (mean and s.e. over draws), with the counts of
    :func:`nascompanion.related.anasod_grid.one_cell_counts`."""
    c10 = per_draw["CIFAR-10"]
    return dict(grid_one_minima_se_c10=c10["local minima"].sem(), grid_one_global_c10=c10["reach global (%)"].mean(),
                grid_one_global_se_c10=c10["reach global (%)"].sem(), n_fewer=counts["n_fewer"],
                grid_one_share_c10=c10["local minima (% of nodes)"].mean(), n_wider=counts["n_wider"],
                grid_one_best_c10=c10["end at the best mean encoding (%)"].mean(),
                cell_share_c10=100 * cells_c10["local_minima"] / nb201.N_ARCHS, wider_names=counts["wider_names"])


def largest_z(zs: Mapping) -> dict:
    """The $z$ each search claim is judged on: the largest in size for ANASOD-RS (on par), else the
    largest (:func:`nascompanion.related.anasod_race.z_statistics`)."""
    return {k: max(v, key=abs) if k == "rs" else max(v.values() if k == "bo" else v) for k, v in zs.items()}


def search_findings(zs: Mapping, *, at: int, budget: int, bo_budget: int) -> list[Finding]:
    """The five search findings: ANASOD-RS on par, biased RS beats RS, ANASOD-LS matches LS at the end,
    ANASOD-LS ahead early, ANASOD-BO best (in that order)."""
    top = largest_z(zs)
    spans = {k: Span(v - 2, v + 2, Z_SPAN) for k, v in top.items()}
    rival = max(zs["bo"], key=zs["bo"].get)
    return [RS_ON_PAR.finding(HOLDS if abs(top["rs"]) < 2 else FAILS, top["rs"], interval=spans["rs"], random=True),
            BIASED_BEATS_RS.below(0, top["biased"], spans["biased"]),
            LS_MATCHES.finding(HOLDS if top["ls"] < 2 else FAILS, top["ls"], interval=spans["ls"], random=True),
            ls_early_rule(at).below(0, top["early"], spans["early"]),
            bo_best_rule(bo_budget).finding(HOLDS if top["bo"] < 2 else FAILS, top["bo"], interval=spans["bo"],
                                            random=True, detail=f"largest against {rival[1]} on {rival[0]}, read at "
                                                                f"query {bo_budget} of its {budget}-query runs")]


def bo_rival_values(zs: Mapping) -> dict:
    """The dataset and method ANASOD-BO is closest to losing against (its largest $z$)."""
    rival = max(zs["bo"], key=zs["bo"].get)
    return {"bo_rival_data": rival[0], "bo_rival_method": rival[1]}


def search_table(findings: list[Finding]) -> pd.DataFrame:
    """Claim, largest $z$ and outcome of the search findings."""
    return pd.DataFrame([{"claim": f.claim, "largest z": f.measured, "outcome": f.outcome} for f in findings])


def gain_finding(printed: Mapping[str, tuple], printed_se: Mapping[str, tuple], seen: Mapping, budget: int
                 ) -> tuple[Finding, dict]:
    """Biased ANASOD-RS's CIFAR-10 gain over random search (best validation error seen after ``budget``
    queries) against the paper's, within two standard errors of the paper's gain; with the glued values.

    Parameters
    ----------
    printed, printed_se
        The paper's Table 2 rows and their standard errors (CIFAR-10 first).
    seen
        Dataset -> method -> curves of the best searched error seen.
    """
    rs_p, brs_p = (printed[k][0] for k in ("random search", "ANASOD-biasedRS"))
    tolerance = 2 * np.hypot(*(printed_se[k][0] for k in ("random search", "ANASOD-biasedRS")))
    rs_seen, brs_seen = (seen["CIFAR-10"][k][:, budget - 1] for k in ("random search", "ANASOD-biasedRS"))
    gain, gain_se = rs_seen.mean() - brs_seen.mean(), np.hypot(stats.sem(rs_seen), stats.sem(brs_seen))
    finding = gain_rule(rs_p - brs_p, tolerance, budget).within(
        rs_p - brs_p, tolerance, gain, Span(gain - 2 * gain_se, gain + 2 * gain_se,
                                            "± 2 s.e. of the difference over the trials"))
    return finding, dict(gain_paper=rs_p - brs_p, gain_ours=gain, gain_tol=tolerance)


def table2_values(table: pd.DataFrame, test_gaps: Mapping) -> dict:
    """The glued numbers of the Table 2 comparison: the largest differences (off CIFAR-10; on CIFAR-10
    without evolution), evolution's differences, and the largest CIFAR-10 gap of the test error."""
    gap = table["difference"].abs()
    re_gap = table.xs("regularized evolution", level="method")["difference"]
    return dict(t2_gap_other=gap.drop("CIFAR-10").max(),
                t2_gap_c10_rest=gap.loc["CIFAR-10"].drop("regularized evolution").max(),
                t2_re_c10=re_gap["CIFAR-10"], t2_re_c100=re_gap["CIFAR-100"], t2_re_in16=re_gap["ImageNet16"],
                t2_test_gap_c10=max(g for (n, _), g in test_gaps.items() if n == "CIFAR-10"))
