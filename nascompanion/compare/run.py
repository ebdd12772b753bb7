"""NAS algorithms head to head on NAS-Bench-201 (paper, Sec. 4 and Appendix A): the comparison's names in one place.

The comparison is made of modules with one idea each: the experiment and its streams
(:mod:`~nascompanion.compare.experiment`), the algorithms' knobs as data
(:mod:`~nascompanion.compare.contenders`), what makes and keys a result
(:mod:`~nascompanion.compare.searches`), running a setting with its cache and stored
histories (:mod:`~nascompanion.compare.runner`), tables (:mod:`~nascompanion.compare.tables`),
the noise sweep and rerun check (:mod:`~nascompanion.compare.sweep`) and the protocol
variants (:mod:`~nascompanion.compare.variants`). The chapters import them from here.
"""

from __future__ import annotations

from nascompanion.compare import store
from nascompanion.compare.contenders import LABELS, Setting, algorithm_config
from nascompanion.compare.experiment import ALGORITHMS, MAIN, Experiment
from nascompanion.compare.experiment import landscapes as _landscapes
from nascompanion.compare.experiment import stable_int as _stable_int
from nascompanion.compare.experiment import streams as _streams
from nascompanion.compare.runner import Comparison, compare, compare_all
from nascompanion.compare.searches import CACHE_VERSION, run_algorithm, run_block, store_payload
from nascompanion.compare.searches import code_digest as _code_digest
from nascompanion.compare.sweep import Sweep, gap_slope, noise_sweep, rerun_spread, sweep_gaps
from nascompanion.compare.tables import (
    decisive_gap,
    final_errors,
    found_optimum,
    protocol_table,
    ranks_at,
    summary_table,
)
from nascompanion.compare.variants import protocol_variants

__all__ = ["ALGORITHMS", "MAIN", "LABELS", "CACHE_VERSION", "Experiment", "Setting", "algorithm_config",
           "compare", "compare_all", "Comparison", "run_algorithm", "run_block", "store_payload", "Sweep", "noise_sweep", "gap_slope",
           "sweep_gaps", "rerun_spread", "summary_table", "ranks_at", "final_errors", "found_optimum",
           "protocol_table", "protocol_variants", "decisive_gap", "store", "_code_digest", "_landscapes",
           "_stable_int", "_streams"]
