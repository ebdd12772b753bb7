"""Moved to :mod:`nascompanion.objectives.noise_scale` (the noise scale sits beside the objective that uses it).

This name stays only until its last importer, :mod:`nascompanion.landscape.sigma_sensitivity`,
imports the new one; nothing in ``nascompanion.data`` imports it.
"""

from nascompanion.objectives.noise_scale import (  # noqa: F401
    ESTIMATES,
    EVALUATION_IMAGES,
    better_half,
    class_errors,
    class_estimate,
    has_classes,
    seed_counts,
)
