"""How many tags of each kind the room put where: one count for the map's cards, the exported
maps, the report and `lensmap session show`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from .model import Tag


def by_kind(tags: Iterable[Tag]) -> Counter[str]:
    """Tags of each kind ("positive", "barrier", "risk")."""
    return Counter(tag.kind for tag in tags)


def by_stage(
    tags: Iterable[Tag], personas: Collection[str] | None = None
) -> dict[str, Counter[str]]:
    """Each stage's tags of each kind (only stages with tags are there); with `personas`, only
    the tags about those personas."""
    counts: dict[str, Counter[str]] = {}
    for tag in tags:
        if personas is None or tag.persona in personas:
            counts.setdefault(tag.stage, Counter())[tag.kind] += 1
    return counts
