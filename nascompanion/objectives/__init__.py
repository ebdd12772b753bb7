"""Objective versions: the loss vector a search sees (paper, Sec. 4).

The paper's "validation loss" on NAS-Bench-201 is ``100 - validation accuracy``
(an error rate in %), not cross-entropy. Four versions of it:

``denoised``
    100 - mean accuracy over the seeds the data has.
``standard``
    100 - the accuracy of one training seed, drawn per architecture. Needs
    per-seed data; mean-only data cannot give it.
``random``
    Uniform [0, 1] losses on the same graph (the paper's "fully random" version).
``noise``
    ``denoised + x * sigma * N(0, 1)``, with sigma the seed-to-seed standard
    deviation estimated from the data (``x = 0`` is denoised; ``x = 1`` mimics
    one seed; :func:`seed_noise` says which estimate). This is how the book
    simulates ``standard`` on mean-only data.

Modules: :mod:`~nascompanion.objectives.loss` (the error of an accuracy, of a mean,
of one drawn seed), :mod:`~nascompanion.objectives.noise_scale` (sigma),
:mod:`~nascompanion.objectives.views` (what a search sees: :class:`Objective` per
query, :class:`TrialLosses` per trial), :mod:`~nascompanion.objectives.versions`
(the table of versions: a spec -> losses) and :mod:`~nascompanion.objectives.tables`
(the search-space chapter's tables of the searched objective and its noise).
"""

from nascompanion.objectives.loss import (
    ObjectiveUnavailableError,
    denoised_losses,
    error,
    present_seeds,
    require_seeds,
    searched_metric,
    seed_columns,
)
from nascompanion.objectives.noise_scale import seed_noise
from nascompanion.objectives.versions import (
    MAX_TRIAL_BYTES,
    TABLE,
    VERSIONS,
    ObjectiveSpec,
    Version,
    benchmark_objective,
    losses,
    spec_trial_losses,
    trial_losses,
)
from nascompanion.objectives.views import (
    ArrayObjective,
    FunctionObjective,
    Objective,
    SeedObjective,
    TrialLosses,
    as_objective,
    as_trial_losses,
    validation_and_test,
)

__all__ = [
    "ArrayObjective", "FunctionObjective", "MAX_TRIAL_BYTES", "Objective", "ObjectiveSpec",
    "ObjectiveUnavailableError", "SeedObjective", "TABLE", "TrialLosses", "VERSIONS", "Version",
    "as_objective", "as_trial_losses", "benchmark_objective", "denoised_losses", "error", "losses",
    "present_seeds", "require_seeds", "searched_metric", "seed_columns", "seed_noise", "spec_trial_losses",
    "trial_losses",
    "validation_and_test",
]
