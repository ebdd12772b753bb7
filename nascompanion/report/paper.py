"""Every number the book quotes from the papers, as data, each with where it is printed.

Chapters read paper values from here and never type them: a table column "paper", a threshold
taken from the text, or a value quoted in prose (glued from :attr:`Quoted.value`).

Three papers are quoted, named by their key in the book's ``references.bib``:

- ``white2021exploring``: White, Nolen, Savani, "Exploring the Loss Landscape in Neural
  Architecture Search" (UAI 2021), the paper the book reproduces;
- ``wan2022anasod``: Wan et al., "Approximate Neural Architecture Search via Operation
  Distribution Learning" (ANASOD);
- ``li2020pvll``: Li et al., "Neural Architecture Search in A Proxy Validation Loss Landscape"
  (PVLL-NAS, ICML 2020).

Examples
--------
>>> TABLE1.value["random"]["local_minima"]
616
>>> TABLE1.where
'Table 1'
>>> PAPER_TABLE1 is TABLE1.value
True
>>> round(ANASOD_SD_RATIOS.value["ImageNet16"], 2)
0.27
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

WHITE = "white2021exploring"
ANASOD = "wan2022anasod"
PVLL = "li2020pvll"


@dataclass(frozen=True)
class Quoted:
    """One number (or table of numbers) as a paper prints it.

    Parameters
    ----------
    value
        The number, or a read-only mapping of numbers, exactly as printed.
    what
        What the number is, in a few words.
    where
        Where the paper prints it: ``"Table 1"``, ``"Figure 4.1 caption"``, ``"Sec. 5"``.
    paper
        The paper's key in ``references.bib``.

    Examples
    --------
    >>> q = Quoted(300, "evaluations per search", "Sec. 4", WHITE)
    >>> q.cite
    'white2021exploring, Sec. 4'
    """

    value: Any
    what: str
    where: str
    paper: str = WHITE

    @property
    def cite(self) -> str:
        """``"<bibliography key>, <where>"``: enough to find the number in the paper."""
        return f"{self.paper}, {self.where}"


def _frozen(table: Mapping) -> Mapping:
    """A read-only copy of a (nested) mapping."""
    return MappingProxyType({k: _frozen(v) if isinstance(v, Mapping) else v for k, v in table.items()})


# --------------------------------------------------------------------------- White et al. (the paper)

TABLE1 = Quoted(
    _frozen({
        "denoised": {"iterations": 5.36, "local_minima": 21, "reached_global_pct": 47.4},
        "standard": {"iterations": 4.97, "local_minima": 55, "reached_global_pct": 6.71},
        "random": {"iterations": 2.56, "local_minima": 616, "reached_global_pct": 0.717},
    }),
    "iterations until convergence, local minima and % of starts reaching the global minimum, "
    "CIFAR-10 on NAS-Bench-201, per version",
    "Table 1",
)
"""Table 1 (CIFAR-10 on NB201): ``version -> statistic -> value``; the random row is one draw."""

PAPER_TABLE1: Mapping[str, Mapping[str, float]] = TABLE1.value
"""The values of :data:`TABLE1` alone (the name :mod:`nascompanion.landscape.noise` always used)."""

FIG41_RANDOM_GLOBAL_PCT = Quoted(0.71, "% of starts reaching the global minimum, random landscape",
                                 "Figure 4.1 caption")
"""The caption rounds Table 1's 0.717 % to 0.71 %."""

STANDARD_GLOBAL_BELOW_PCT = Quoted(7, "bound on the % of starts reaching the global minimum, standard",
                                   "Sec. 4, 'Local minima statistics' ('under 7%')")

NB201_CELLS = Quoted(15625, "cells of NAS-Bench-201 (5^6)", "Sec. 4, 'NAS benchmarks'")
NB201_EDGES = Quoted(6, "edges of an NB201 cell (a complete DAG on 4 nodes)", "Sec. 4, 'NAS benchmarks'")
NB201_OPERATIONS = Quoted(5, "operations an NB201 edge can carry", "Sec. 4, 'NAS benchmarks'")
NB201_SEEDS = Quoted(3, "training seeds per architecture in NB201", "Sec. 4, 'NAS benchmarks'")
NB201_EPOCHS = Quoted(200, "training epochs behind NB201's accuracies", "Sec. 4, 'NAS benchmarks'")

BUDGET = Quoted(300, "evaluations (queries) each algorithm gets", "Sec. 4, 'Experiments'")
TRIALS = Quoted(200, "trials of each algorithm, averaged", "Sec. 4, 'Experiments'")

EQ53_SIGMA = Quoted(
    _frozen({"CIFAR-10": 0.18, "CIFAR-100": 0.10, "ImageNet16-120": 0.22}),
    "best-fitting sigma of Eq. 5.3 per dataset", "Sec. 5, 'Simulation Results'",
)
EQ53_V = Quoted(0.25, "best-fitting v of Eq. 5.3 (all three datasets)", "Sec. 5, 'Simulation Results'")
THEOREM51_PREIMAGES = Quoted(5, "preimage depth up to which Theorem 5.1 is computed", "Sec. 5, 'Simulation Results'")

# --------------------------------------------------------------------------- ANASOD (Wan et al.)

ANASOD_TABLE1 = Quoted(
    _frozen({"CIFAR-10": (9.5, 1.2, 0.84, 0.19), "CIFAR-100": (14, 2.4, 1.4, 0.35),
             "ImageNet16": (10, 2.7, 1.9, 0.36)}),
    "SD of validation error (%) on NB201: overall, median within an encoding (all encodings, "
    "top 50 %), median over seeds of one cell",
    "Table 1", ANASOD,
)
"""NB201 columns of ANASOD's Table 1, in the order of :data:`ANASOD_TABLE1_STATISTICS`."""

ANASOD_TABLE1_STATISTICS: tuple[str, ...] = (
    "overall SD", "median SD, same encoding", "median SD, same encoding, top 50%", "median SD, different seeds")
"""Row names of :data:`ANASOD_TABLE1`, as the book's table prints them."""

ANASOD_SD_RATIOS = Quoted(
    _frozen({name: row[1] / row[0] for name, row in ANASOD_TABLE1.value.items()}),
    "median SD within an encoding over the overall SD (derived from Table 1; about 0.13, 0.17, 0.27)",
    "Table 1 (derived)", ANASOD,
)

ANASOD_TABLE2 = Quoted(
    _frozen({
        "random search": (8.67, 27.91, 54.17), "ANASOD-RS": (8.71, 27.95, 53.85),
        "ANASOD-biasedRS": (8.48, 27.35, 53.30), "regularized evolution": (8.86, 28.40, 54.28),
        "local search": (8.34, 26.41, 53.43), "ANASOD-LS": (8.36, 26.38, 53.07),
        "ANASOD-BO": (8.41, 26.41, 53.36),
    }),
    "best validation error (%) after 300 queries (ANASOD-BO: 150), mean of 10 trials, NB201 "
    "CIFAR-10 / CIFAR-100 / ImageNet16",
    "Table 2 and Table 6 (Appendix B)", ANASOD,
)
"""Method -> (CIFAR-10, CIFAR-100, ImageNet16); local search and ANASOD-LS come from Table 6."""

ANASOD_ENCODINGS = Quoted(200, "encodings drawn from the uniform Dirichlet", "Figure 2 caption", ANASOD)
ANASOD_CELLS_PER_ENCODING = Quoted(5, "architectures drawn per encoding", "Figure 2 caption", ANASOD)
ANASOD_BUDGET = Quoted(300, "queries of the RS and LS searches", "Tables 2 and 6 captions", ANASOD)
ANASOD_BO_BUDGET = Quoted(150, "queries of the BO searches", "Table 2 caption", ANASOD)
ANASOD_TRIALS = Quoted(10, "random trials behind each mean", "Tables 2 and 6 captions", ANASOD)
ANASOD_BETA_MAX = Quoted(2, "maximum Dirichlet scale of biased RS (linear schedule)",
                         "Appendix A.1, 'Random Search (RS)'", ANASOD)

# --------------------------------------------------------------------------- PVLL-NAS (Li et al.)

PVLL_TAU = Quoted(0.1, "Gumbel-softmax temperature", "Sec. 5.1", PVLL)
PVLL_LEARNING_RATE = Quoted(0.1, "Adam learning rate of the architecture weights and estimator", "Sec. 5.1", PVLL)
PVLL_MEMORY = Quoted(100, "length of the performance memory queue", "Sec. 5.1", PVLL)
PVLL_WARMUP = Quoted(100, "architectures in the warm-up population", "Sec. 5.1", PVLL)
PVLL_FIG3A_SAMPLES = Quoted(100, "architectures sampled per strategy for Figure 3a", "Sec. 5.5, Figure 3a", PVLL)
PVLL_FIG3A_HELDOUT = Quoted(100, "uniformly drawn held-out architectures of Figure 3a", "Sec. 5.5, Figure 3a", PVLL)


def quoted() -> dict[str, Quoted]:
    """Every :class:`Quoted` of this module by name, in the order they are defined.

    Examples
    --------
    >>> "TABLE1" in quoted() and all(q.where for q in quoted().values())
    True
    """
    return {name: value for name, value in globals().items() if isinstance(value, Quoted)}

ANASOD_TABLE2_BUDGETS = Quoted(
    _frozen({"random search": 300, "ANASOD-RS": 300, "ANASOD-biasedRS": 300, "regularized evolution": 150,
             "local search": 300, "ANASOD-LS": 300, "ANASOD-BO": 150}),
    "queries behind each row of ANASOD_TABLE2: the RS and LS experiments after 300, the BO experiments "
    "(RL, RE, SMAC, TPE, GCNBO, BANANAS, NAS-BOWL, ANASOD-BO) after 150",
    "Table 2 caption; Table 6 caption", ANASOD)
"""Method -> the query count at which ANASOD's Table 2 (or Table 6) reports its best validation error."""

ANASOD_TABLE2_SE = Quoted(
    _frozen({"random search": (0.03, 0.17, 0.10), "ANASOD-RS": (0.05, 0.20, 0.12),
             "ANASOD-biasedRS": (0.06, 0.20, 0.10), "regularized evolution": (0.05, 0.14, 0.10),
             "local search": (0.03, 0.04, 0.08), "ANASOD-LS": (0.02, 0.07, 0.09), "ANASOD-BO": (0.05, 0.02, 0.10)}),
    "standard errors (10 trials) of the means in ANASOD_TABLE2, NB201 columns (CIFAR-10, CIFAR-100, ImageNet16)",
    "Table 2 and Table 6 (Appendix B)", ANASOD)
"""Method -> the ± 1 s.e. printed beside each mean of :data:`ANASOD_TABLE2`."""
