"""Published fitness-landscape measures of NAS-Bench-201's space (NATS-Bench's topology space).

Only numbers read in the source itself, as the source gives them.
"""

from __future__ import annotations

from typing import NamedTuple


class PublishedMeasure(NamedTuple):
    """One number from a published fitness-landscape study."""

    source: str
    space: str
    dataset: str
    metric: str
    measure: str
    value: float
    notes: str


PUBLISHED: tuple[PublishedMeasure, ...] = ()
"""The records found so far."""
