"""A persona's journey through the pathway: which steps follow the pathway, and which jump."""

from __future__ import annotations

from .model import Pathway


def is_jump(pathway: Pathway, current: str | None, stage: str, way_in: str | None) -> bool:
    """Whether a step to `stage` leaves the pathway: from `current` along no transition, or,
    for a first step, to a stage that is neither a way in nor the persona's own suggested way
    in (`way_in`, from their vignette)."""
    if current is None:
        return stage not in pathway.entries and stage != way_in
    return stage not in pathway.next_stages(current)
