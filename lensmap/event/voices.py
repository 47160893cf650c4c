"""Whose voice each priority carries: the top issues raised by people with lived experience,
by staff and by partner agencies, beside the room's overall ranking.

Each group's issues are ranked by the same rule as the overall list, restricted to the tags
that group raised (the room's dot votes belong to the whole room, not to a group, so they do
not count here). A group that raised fewer than TOO_FEW tags in all is not shown on its own:
in a small service or an island, a handful of tags could point to the one person who raised
them. Tags that do not say who raised them count only in the overall ranking."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import IssueNotes, Pathway, Tag
from .priorities import Issue, rank_issues

GROUPS: tuple[str, ...] = ("lived-experience", "staff", "partner")
TOO_FEW = 3
"""A group with fewer tags than this in all is "too few to show separately"."""
TOP = 5
"""The issues shown for each group at most."""


@dataclass(frozen=True)
class Voice:
    group: str
    """Who raised the tags: "lived-experience", "staff" or "partner"."""
    tags: int
    """Tags of every kind this group raised."""
    issues: tuple[Issue, ...]
    """Its top issues by its own tags (ranked 1, 2 ...); empty when `too_few`."""

    @property
    def too_few(self) -> bool:
        return self.tags < TOO_FEW


@dataclass(frozen=True)
class Voices:
    groups: tuple[Voice, ...]
    only_lived_experience: frozenset[tuple[str, str]]
    """Issues (stage, kind) whose every tag was raised by people with lived experience;
    empty while that group is too few to show separately."""
    shown: frozenset[str] = frozenset()
    """The groups big enough to be shown separately (groups_shown)."""

    def voice(self, group: str) -> Voice:
        return next(v for v in self.groups if v.group == group)

    def may_say(self, group: str | None) -> bool:
        """Whether anything may say that a tag or an issue was raised by this group: not
        while the group is too few to show separately (it could be told apart)."""
        return group in self.shown


def groups_shown(tags: Iterable[Tag]) -> frozenset[str]:
    """The groups that raised enough tags to be shown separately: only these may be named as
    having raised a tag (a count, for screens that name who raised each tag)."""
    counts = Counter(tag.raised_by for tag in tags if tag.raised_by is not None)
    return frozenset(group for group, n in counts.items() if n >= TOO_FEW)


def whose_voices(
    pathway: Pathway,
    tags: Iterable[Tag],
    notes: Mapping[tuple[str, str], IssueNotes] | None = None,
    *,
    top: int = TOP,
) -> Voices:
    tags = list(tags)
    shown = groups_shown(tags)  # the one rule for "too few to show separately"
    by_group: dict[str, list[Tag]] = {group: [] for group in GROUPS}
    for tag in tags:
        if tag.raised_by is not None:
            by_group[tag.raised_by].append(tag)
    groups = []
    for group, raised in by_group.items():
        ranked = rank_issues(pathway, raised, notes, count_votes=False) if group in shown else []
        groups.append(Voice(group, len(raised), tuple(ranked[:top])))
    only: set[tuple[str, str]] = set()
    if "lived-experience" in shown:
        raisers: dict[tuple[str, str], set[str | None]] = {}
        for tag in tags:
            if tag.kind != "positive":
                raisers.setdefault((tag.stage, tag.kind), set()).add(tag.raised_by)
        only = {key for key, who in raisers.items() if who == {"lived-experience"}}
    return Voices(tuple(groups), frozenset(only), shown)
