"""Words for the landscape statistics' names, for the landscape chapters' tables.

The chapters pass :data:`STATISTICS` as ``words`` to :func:`nascompanion.report.tables.show`, which
formats the tables.
"""

from __future__ import annotations

from typing import Mapping

STATISTICS: Mapping[str, str] = {
    "local_minima": "local minima", "reached_global_pct": "% of starts reaching the global minimum",
    "iterations": "iterations per search", "global_basin_size": "global basin size",
    "minima_at_chance": "local minima at chance", "reached_reference_best_pct": "% reaching the baseline's best",
    "rms_deviation": "RMS deviation", "rank_disagreement": "rank disagreement",
}
"""Words for the statistics' column names, used for a table's headers and for cells that name a statistic."""
